"""Who may open the vault: the lock screen, first run, users, passphrases, recovery."""
