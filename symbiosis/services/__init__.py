"""Use cases: each function owns its transaction and raises ``errors`` types."""
