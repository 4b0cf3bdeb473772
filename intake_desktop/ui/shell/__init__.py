"""The shell: the main window that holds the lock screen or the workspace, and its menus."""
