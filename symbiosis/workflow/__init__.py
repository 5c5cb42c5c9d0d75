"""State machines as data: one transition table per aggregate (pure)."""
