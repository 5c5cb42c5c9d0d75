"""Pair scores 0–100: what one offers against what the other seeks, SDGs, themes.

For two participants A and B, ``fit`` says how well A's offers cover B's seeks
and B's offers cover A's seeks. One text meets another through a shared concept
(the skills-and-goods lexicon of :mod:`vocabulary` first, the material lexicon
for texts that one does not know) or, when one of the two texts names no known
concept, through similar wording (rapidfuzz on the matcher's normalised words):
two texts whose meanings are known are not linked by shared letters
("équipe" and "equipment"). A seek is covered by the best offer for it; a
side's coverage blends its best-covered seek with the mean over its seeks, and
the pair's ``fit`` leans on the better direction (one-way help is a fine
reason to meet).

Shared SDGs and themes (Jaccard, ``affinity``) make an exchange more likely to
be signed but are no exchange by themselves: most participants of an evening
name the same few goals. So affinity raises the weight of the fit and, alone,
is worth little: ``score = 100 · (fit · (FIT + FIT_SHARED · affinity) + SHARED
· affinity)``. A firm and a non-profit with nothing to exchange score at most
``100 · SHARED``, whatever goals they share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from symbiosis.matching.lexicon import Lexicon
from symbiosis.matching.normalise import content_tokens, fold, segments
from symbiosis.planner.model import Participant, Reason
from symbiosis.planner.vocabulary import plain, services_lexicon

FIT = 0.60  # a full two-way fit, nothing shared
FIT_SHARED = 0.30  # what shared SDGs and themes add to a full fit
SHARED = 0.10  # shared SDGs and themes alone
AFFINITY = {"sdgs": 0.6, "themes": 0.4}
BEST_SHARE = 0.7  # a side's coverage: best seek 70 %, mean of its seeks 30 %
BETTER_SIDE = 0.7  # a pair's fit: better direction 70 %, the other 30 %
FUZZY_MIN = 70  # token_sort_ratio below this says nothing
REASON_MIN = 0.45  # weaker text links are not given as reasons
CONCEPT_MIN = 0.5  # "sibling" concepts (mentoring and IT help) are no match

Matrix = NDArray[np.float64]


class Texts:
    """Distinct offer or seek texts, each with its concept keys and bare words."""

    def __init__(self, lexicons: Sequence[Lexicon]) -> None:
        self.lexicons = lexicons
        self.index: dict[str, int] = {}
        self.words: list[str] = []
        self.keys: list[frozenset[str]] = []

    def add(self, text: str) -> int:
        if text not in self.index:
            prepared = plain(text)
            self.index[text] = len(self.words)
            self.words.append(" ".join(content_tokens(prepared)))
            self.keys.append(frozenset(self._concepts(prepared)))
        return self.index[text]

    def _concepts(self, text: str) -> set[str]:
        """Keys of the head of ``text`` (before "for"/"pour"), else of all of it.

        "Storage space for our donations" is about storage, not donations.
        The skills-and-goods lexicon speaks first: the material lexicon reads
        "Finanzberatung" as any advice ("Beratung"), which every skill would
        meet, so it is asked only about texts the first one does not know.
        """
        runs = segments(text)
        for words in (runs[:1], runs[1:]):
            for number, lexicon in enumerate(self.lexicons):
                found: set[str] = set()
                for run in words:
                    found |= {f"{number}:{k}" for k in lexicon.keys_in(run)}
                if found:
                    return found
        return set()


class Scorer:
    """Scores and reasons for every pair of one event's participants."""

    def __init__(
        self, participants: Sequence[Participant], materials: Lexicon | None = None
    ) -> None:
        self.participants = list(participants)
        self.index = {p.id: i for i, p in enumerate(self.participants)}
        self.lexicons = [services_lexicon(), *([materials] if materials else [])]
        self.offers = Texts(self.lexicons)
        self.seeks = Texts(self.lexicons)
        self.offered = [[self.offers.add(t) for t in p.offers] for p in participants]
        self.sought = [[self.seeks.add(t) for t in p.seeks] for p in participants]
        self.similar = self._similarity()
        self._matrix: Matrix | None = None

    def _relation(self, offered: str, sought: str) -> float:
        lex_a, key_a = offered.split(":", 1)
        lex_b, key_b = sought.split(":", 1)
        if lex_a != lex_b:
            return 0.0
        strength = self.lexicons[int(lex_a)].relation(key_a, key_b)[0]
        return strength if strength >= CONCEPT_MIN else 0.0

    def _similarity(self) -> Matrix:
        """Offer text × seek text: the stronger of concept and wording, 0–1."""
        n_o, n_s = len(self.offers.words), len(self.seeks.words)
        similar = np.zeros((n_o, n_s))
        if not n_o or not n_s:
            return similar
        wording = process.cdist(
            self.offers.words,
            self.seeks.words,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=FUZZY_MIN,
            dtype=np.float64,
        )
        similar = np.where(wording >= FUZZY_MIN, wording / 100.0, 0.0)
        # Wording speaks only where a text names no concept we know.
        known_o = np.array([bool(k) for k in self.offers.keys])
        known_s = np.array([bool(k) for k in self.seeks.keys])
        similar[np.ix_(known_o, known_s)] = 0.0
        # Concepts: one value per distinct pair of key sets, then spread out.
        o_sets = {
            s: i for i, s in enumerate(dict.fromkeys(filter(None, self.offers.keys)))
        }
        s_sets = {
            s: i for i, s in enumerate(dict.fromkeys(filter(None, self.seeks.keys)))
        }
        if o_sets and s_sets:
            concept = np.zeros((len(o_sets) + 1, len(s_sets) + 1))
            for ko, i in o_sets.items():
                for ks, j in s_sets.items():
                    concept[i, j] = max(self._relation(a, b) for a in ko for b in ks)
            none_o, none_s = len(o_sets), len(s_sets)
            rows = np.array([o_sets.get(k, none_o) for k in self.offers.keys])
            cols = np.array([s_sets.get(k, none_s) for k in self.seeks.keys])
            similar = np.maximum(similar, concept[np.ix_(rows, cols)])
        result: Matrix = similar
        return result

    def coverage(self) -> Matrix:
        """``cover[a, b]``: how well a's offers cover b's seeks, 0–1."""
        n = len(self.participants)
        best = np.zeros((n, len(self.seeks.words)))
        for a, offered in enumerate(self.offered):
            if offered:
                best[a] = self.similar[offered].max(axis=0)
        cover = np.zeros((n, n))
        for b, sought in enumerate(self.sought):
            if sought:
                values = best[:, sought]
                cover[:, b] = BEST_SHARE * values.max(axis=1) + (
                    1 - BEST_SHARE
                ) * values.mean(axis=1)
        return cover

    def matrix(self) -> Matrix:
        """Symmetric ``n × n`` scores 0–100 (0 on the diagonal)."""
        if self._matrix is None:
            cover = self.coverage()
            better = np.maximum(cover, cover.T)
            fit = BETTER_SIDE * better + (1 - BETTER_SIDE) * np.minimum(cover, cover.T)
            sdgs = jaccard([{str(s) for s in p.sdgs} for p in self.participants])
            themes = jaccard([{fold(t) for t in p.themes} for p in self.participants])
            affinity = AFFINITY["sdgs"] * sdgs + AFFINITY["themes"] * themes
            score = 100.0 * (fit * (FIT + FIT_SHARED * affinity) + SHARED * affinity)
            np.fill_diagonal(score, 0.0)
            self._matrix = np.round(score, 1)
        return self._matrix

    def score(self, a: str, b: str) -> float:
        """The score of participants ``a`` and ``b`` (by id)."""
        return float(self.matrix()[self.index[a], self.index[b]])

    def explain(self, a: str, b: str) -> list[Reason]:
        """Why ``a`` and ``b`` (ids) should meet, strongest reason first."""
        return self.reasons(self.index[a], self.index[b])

    def reasons(self, a: int, b: int) -> list[Reason]:
        """Why participants ``a`` and ``b`` (indices) should meet, strongest first."""
        links = self._links(a, b) + self._links(b, a)
        links.sort(key=lambda r: -int(r.params["percent"]))
        first, second = self.participants[a], self.participants[b]
        reasons = links
        sdgs = sorted(set(first.sdgs) & set(second.sdgs))
        if sdgs:
            reasons.append(Reason("shared_sdgs", {"sdgs": sdgs}))
        own = {fold(t): t for t in first.themes}
        themes = [own[k] for k in sorted(own.keys() & {fold(t) for t in second.themes})]
        if themes:
            reasons.append(Reason("shared_themes", {"themes": themes}))
        return reasons

    def _links(self, giver: int, seeker: int) -> list[Reason]:
        """Each seek of ``seeker`` that an offer of ``giver`` meets, with its offer."""
        found = []
        for seek in self.participants[seeker].seeks:
            s = self.seeks.index[seek]
            best, offer = max(
                (
                    (float(self.similar[self.offers.index[o], s]), o)
                    for o in self.participants[giver].offers
                ),
                default=(0.0, ""),
            )
            if best >= REASON_MIN:
                found.append(
                    Reason(
                        "offer_meets_seek",
                        {
                            "giver": self.participants[giver].id,
                            "offer": offer,
                            "seeker": self.participants[seeker].id,
                            "seek": seek,
                            "percent": round(best * 100),
                        },
                    )
                )
        return found


def jaccard(sets: Sequence[set[str]]) -> Matrix:
    """Pairwise Jaccard index of ``sets`` (0 where both are empty)."""
    vocabulary = {v: i for i, v in enumerate(sorted(set().union(*sets)))}
    n = len(sets)
    member = np.zeros((n, max(len(vocabulary), 1)))
    for i, values in enumerate(sets):
        member[i, [vocabulary[v] for v in values]] = 1.0
    shared = member @ member.T
    sizes = member.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - shared
    with np.errstate(divide="ignore", invalid="ignore"):
        index: Matrix = np.where(union > 0, shared / union, 0.0)
    return index


SENTENCES = {
    "offer_meets_seek": "{giver} offers “{offer}”, {seeker} seeks “{seek}” "
    "({percent} %)",
    "shared_sdgs": "shared SDGs {sdgs}",
    "shared_themes": "shared themes {themes}",
}


def sentence(reason: Reason) -> str:
    """A reason in plain English (the web pages translate the codes)."""
    params = dict(reason.params)
    for name in ("sdgs", "themes"):
        if name in params:
            params[name] = ", ".join(str(v) for v in params[name])
    return SENTENCES.get(reason.code, reason.code).format(**params)
