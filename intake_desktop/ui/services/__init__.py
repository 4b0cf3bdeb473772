"""The one door from the screens to the core: the session and the services it owns."""
