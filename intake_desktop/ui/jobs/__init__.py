"""Work off the GUI thread: one job type with its own connection, progress and cancel."""
