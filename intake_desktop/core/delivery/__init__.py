"""Delivery of bundles to counsel and coordinators: destinations, transports, the outbox."""
