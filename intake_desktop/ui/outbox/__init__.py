"""The outbox: bundles waiting to be sent to counsel, the status bar's count, Send to."""
