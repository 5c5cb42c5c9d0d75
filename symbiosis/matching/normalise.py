"""Text normalisation shared by the matcher and by name look-ups."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Casefold, strip accents, collapse spaces: ``"Café  Mü"`` → ``"cafe mu"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare).strip()


def slugify(text: str, max_length: int = 60) -> str:
    """Return an ASCII slug: ``"Café du Sud S.à r.l."`` → ``"cafe-du-sud-s-a-r-l"``."""
    slug = _NON_ALNUM.sub("-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "x"
