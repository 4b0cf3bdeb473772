"""Delivery: destinations (SFTP, S3) and fetching bundles from one."""
