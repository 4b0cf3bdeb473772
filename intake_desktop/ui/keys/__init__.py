"""Keys: this vault's public keys to hand out, and the keys it trusts."""
