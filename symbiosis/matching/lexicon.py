"""The multilingual material lexicon: words and waste codes → material keys.

Keys are dotted (``wood.pallets`` is a kind of ``wood``). Three files in
``seeds/reference`` feed it: ``lexicon-terms.csv`` (key, lang, term),
``lexicon-uses.csv`` (what a process that needs one material can take) and
``lexicon-ewc.csv`` (waste-code prefixes → keys).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from symbiosis.matching.normalise import segments, tokens

# Relation strengths between an offered and a requested material.
SAME = 1.0
SAME_FAMILY = 0.9  # both name only the family ("wood", "paper")
NARROWER = 0.9  # the offer is a kind of what is requested (wood.pallets for wood)
BROADER = 0.75  # the offer is the family of what is requested (wood for wood.pallets)
SIBLING = 0.45  # two kinds of one family (wood.pallets and wood.sawdust)
USES_FACTOR = 0.9  # a process input ranks below the same material
MIN_SUFFIX = 5  # shortest term recognised at the end of a German compound
MIN_SEARCH_TERM = 5  # shortest term a text search adds for the same material
_KEEP_FINAL_S = ("ss", "us", "is")  # "glass", "humus", "anis": not plurals


def singular(word: str) -> str:
    """A folded word without its plural -s or -x: ``frigos`` → ``frigo``.

    Only a look-up key, used on both sides: an ``-s`` that is no plural
    ("bois" → "boi") does no harm as long as the term is folded the same way.
    """
    if len(word) > 3 and word[-1] in "sx" and not word.endswith(_KEEP_FINAL_S):
        return word[:-1]
    return word


def _singulars(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(singular(w) for w in words)


def ancestors(key: str) -> list[str]:
    """``"a.b.c"`` → ``["a.b", "a"]``."""
    parts = key.split(".")
    return [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def family(key: str) -> str:
    return key.split(".", 1)[0]


def named_within(code_key: str, named: frozenset[str]) -> bool:
    """Whether a title names a material of a waste code's family more closely.

    A request for "marc de café" filed under 20 01 08 (kitchen and canteen
    waste) wants coffee grounds: the code says how they are classified, not
    that any food waste would do. So its key yields to the title's when the
    title names a kind of the same family that is not the code's own key or
    one of its families ("wood" under a code for pallets is narrowed by the
    code, and keeps it).
    """
    return any(
        family(key) == family(code_key)
        and key != code_key
        and not code_key.startswith(key + ".")
        for key in named
    )


@dataclass
class Lexicon:
    phrases: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    # The same phrases in the singular: "réfrigérateur" finds "réfrigérateurs".
    singulars: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    uses: dict[str, dict[str, float]] = field(default_factory=dict)  # needs -> accepts
    ewc: dict[str, str] = field(default_factory=dict)  # code prefix -> key
    longest: int = 1
    suffixes: dict[str, str] = field(default_factory=dict)  # German head word -> key
    labels: dict[str, dict[str, str]] = field(
        default_factory=dict
    )  # key -> lang -> term
    _relations: dict[tuple[str, str], tuple[float, str]] = field(default_factory=dict)
    # key -> lang -> the first one-word term given (long enough to search by)
    search_words: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Lexicon:
        """Read the three lexicon files of ``folder`` (missing files are empty)."""
        lexicon = cls()
        terms = folder / "lexicon-terms.csv"
        if terms.exists():
            with terms.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    lexicon.add_term(
                        row["key"].strip(), row["term"], row.get("lang", "en")
                    )
        uses = folder / "lexicon-uses.csv"
        if uses.exists():
            with uses.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    lexicon.add_use(
                        row["needs"].strip(),
                        row["accepts"].strip(),
                        float(row["strength"]),
                    )
        codes = folder / "lexicon-ewc.csv"
        if codes.exists():
            with codes.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    lexicon.ewc[row["ewc"].strip()] = row["key"].strip()
        return lexicon

    def add_term(self, key: str, term: str, lang: str = "en") -> None:
        words = tuple(tokens(term))
        if not words:
            return
        self.labels.setdefault(key, {}).setdefault(lang, term.strip())
        self.phrases.setdefault(words, set()).add(key)
        self.singulars.setdefault(_singulars(words), set()).add(key)
        self.longest = max(self.longest, len(words))
        if len(words) == 1 and len(words[0]) >= MIN_SEARCH_TERM:
            self.search_words.setdefault(key, {}).setdefault(lang, words[0])
        # German glues a material onto other words (Altholzpaletten); French and
        # English do not, and their endings would fire wrongly ("réutilisable").
        if lang == "de" and len(words) == 1 and len(words[0]) >= MIN_SUFFIX:
            self.suffixes.setdefault(words[0], key)

    def add_use(self, needs: str, accepts: str, strength: float) -> None:
        self.uses.setdefault(needs, {})[accepts] = max(
            strength, self.uses.get(needs, {}).get(accepts, 0.0)
        )
        self._relations.clear()

    def label(self, key: str, lang: str = "en") -> str:
        """The first term given for ``key`` in ``lang`` (else English, else the key)."""
        if key.startswith("ewc:"):
            code = key[4:]
            return f"{code[:2]} {code[2:4]} {code[4:]}"
        names = self.labels.get(key, {})
        return (
            names.get(lang)
            or names.get("en")
            or key.rsplit(".", 1)[-1].replace("_", " ")
        )

    def finish(self) -> Lexicon:
        return self

    def keys_in_text(self, text: str, *, purposes: bool = True) -> set[str]:
        """Material keys named in ``text``; phrases never span a purpose word.

        Without ``purposes``, the materials named after a purpose word ("for
        dairy products") up to the end of the sentence are left out.
        """
        found: set[str] = set()
        for run in segments(text, purposes=purposes):
            found |= self.keys_in(run)
        return found

    def keys_in(self, words: list[str]) -> set[str]:
        """Material keys named in ``words`` (folded tokens), longest phrase first.

        A phrase given in the lexicon only in the plural or only in the singular
        is found in the other number too; where the lexicon gives both numbers
        different keys ("tin" and "tins"), the words as written decide. A word
        that is no term but ends with one (a German compound such as
        ``Altholzpaletten``) takes the key of that ending.
        """
        found: set[str] = set()
        folded = [singular(w) for w in words]
        i = 0
        while i < len(words):
            for length in range(min(self.longest, len(words) - i), 0, -1):
                keys = self.phrases.get(
                    tuple(words[i : i + length])
                ) or self.singulars.get(tuple(folded[i : i + length]))
                if keys:
                    found |= keys
                    i += length
                    break
            else:
                word = words[i]
                # The longest known ending is the most specific head noun.
                for start in range(1, len(word) - MIN_SUFFIX + 1):
                    key = self.suffixes.get(word[start:])
                    if key:
                        found.add(key)
                        break
                i += 1
        return found

    def same_material(self, word: str) -> tuple[str, ...]:
        """The material that ``word`` (a folded word) names, in the other
        languages: the first one-word term given for it in each language
        ("karton" → "cardboard", "carton"), which a search by substring
        should find too. Terms shorter than :data:`MIN_SEARCH_TERM` are left
        out: inside longer words they would find other things ("pain" in
        "paint"); one holding another adds nothing."""
        terms = {
            term
            for key in self.keys_in([word])
            for term in self.search_words.get(key, {}).values()
        }
        chosen: list[str] = []
        for term in sorted(terms, key=lambda t: (len(t), t)):
            if word not in term and not any(c in term for c in chosen):
                chosen.append(term)
        return tuple(chosen)

    def key_for_ewc(self, code: str | None) -> str | None:
        """The key of the longest listed prefix of a six-digit waste code."""
        if not code:
            return None
        for length in (6, 4, 2):
            key = self.ewc.get(code[:length])
            if key:
                return key
        return None

    def filed_as(self, key: str) -> frozenset[str]:
        """The keys that waste codes naming the material ``key`` are filed under.

        The key and its kinds; for a material the List of Waste has no code
        for (pallets), those of its nearest family that has codes (wood). Only
        families that are keys themselves count: ``cement.raw_material`` does
        not lead to every kind of cement (see LEXICON.md).
        """
        filed = set(self.ewc.values())
        for candidate in (key, *ancestors(key)):
            if candidate != key and candidate not in self.labels:
                continue
            within = frozenset(
                k for k in filed if k == candidate or k.startswith(candidate + ".")
            )
            if within:
                return within
        return frozenset()

    def relation(self, offered: str, requested: str) -> tuple[float, str]:
        """How well an offered material serves a request for another one.

        :returns: (strength in 0–1, kind: same, narrower, broader, uses, sibling, none)
        """
        cached = self._relations.get((offered, requested))
        if cached is not None:
            return cached
        result = self._relation(offered, requested)
        self._relations[(offered, requested)] = result
        return result

    def _relation(self, offered: str, requested: str) -> tuple[float, str]:
        if offered == requested:
            # Agreeing on a whole family ("wood") says less than on a kind of it.
            return (SAME if "." in offered else SAME_FAMILY), "same"
        if requested in ancestors(offered):
            return NARROWER, "narrower"
        if offered in ancestors(requested):
            return BROADER, "broader"
        best = 0.0
        for need in (requested, *ancestors(requested)):
            accepted = self.uses.get(need)
            if not accepted:
                continue
            for have in (offered, *ancestors(offered)):
                best = max(best, accepted.get(have, 0.0))
        if best:
            return best * USES_FACTOR, "uses"
        a, b = ancestors(offered), ancestors(requested)
        # Kinds of one narrow family (fly and bottom ash) are related; kinds of a
        # broad one (aggregate and gypsum, both "mineral") are not.
        if a and b and a[0] == b[0] and "." in a[0]:
            return SIBLING, "sibling"
        return 0.0, "none"

    def compatible(self, requested: str, known: set[str]) -> dict[str, float]:
        """Keys of ``known`` that can serve a request for ``requested``."""
        return {
            key: strength
            for key in known
            if (strength := self.relation(key, requested)[0]) > 0
        }


def group_keys(keys: set[str]) -> dict[str, set[str]]:
    """Index keys by family (``wood``: {``wood.pallets``, ``wood``})."""
    groups: dict[str, set[str]] = defaultdict(set)
    for key in keys:
        groups[family(key)].add(key)
    return groups
