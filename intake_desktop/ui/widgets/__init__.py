"""Small widgets and helpers every screen uses; no screen of their own."""
