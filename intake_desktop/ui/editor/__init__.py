"""The case editor: outline, record forms, statements, attachments, saving and drafts."""
