"""Synthetic matchmaking evenings: firms and non-profits with offers and seeks.

``participants(n, seed)`` returns ``n`` planner participants that look like a
Luxembourg evening: about as many firms as non-profits (drawn at random), each writing in
French (half of them), German or English; one to three themes, SDGs drawn
mostly from those themes plus a stray one; one to four offers and one to four
seeks taken from what such organisations trade (firms give volunteer days,
rooms, IT help, laptops, money; non-profits give team days, workshops,
visibility, repairs, inclusion jobs), popular things more often, some written
in words the planner's lexicon does not know. The same ``(n, seed)`` always
gives the same participants.

What it gives (N = 200, seed 1, checked against a real evening's picture): 40 %
of the firm/non-profit pairs have nothing to exchange, 38 % one thing (mostly
the common ones: volunteer days, awareness workshops, team days), 22 % two or
more; with the planner's scores, half the pairs score under 34, one in twenty
60 or more. The common offers are common at real evenings too, so they are
kept: the scores, not the data, say that one generic exchange is worth less
than a two-way one between organisations that share their goals.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from symbiosis.planner.model import Participant

LANGS = ("fr", "de", "en")
LANG_WEIGHTS = (0.5, 0.2, 0.3)
COMPANY_SHARE = 0.5

THEMES = {
    "education": (4, 10),
    "sport": (3, 10),
    "inclusion": (1, 8, 10),
    "environment": (12, 13, 15),
    "health": (3,),
    "culture": (4, 11),
    "digital": (4, 9),
    "employment": (8, 1),
    "circular economy": (12, 9),
    "food": (2, 12),
    "mobility": (11, 13),
}


@dataclass(frozen=True)
class Thing:
    """Something traded: phrases per language, who offers it, who seeks it."""

    phrases: dict[str, tuple[str, ...]]
    themes: tuple[str, ...]
    company_offers: float  # weights (0 = never)
    association_offers: float
    company_seeks: float
    association_seeks: float


def _t(en: str, fr: str, de: str, themes: str, weights: str) -> Thing:
    co, ao, cs, as_ = (float(w) for w in weights.split())
    return Thing(
        {
            "en": tuple(en.split("|")),
            "fr": tuple(fr.split("|")),
            "de": tuple(de.split("|")),
        },
        tuple(themes.split(",")) if themes else (),
        co,
        ao,
        cs,
        as_,
    )


# weights: company offers, association offers, company seeks, association seeks
THINGS = (
    _t(
        "Volunteer days|2 volunteer days per employee|Employee volunteering",
        "Journées de bénévolat|Bénévolat d'entreprise|Bénévoles pour vos projets",
        "Freiwilligentage|Corporate Volunteering für Ihre Projekte",
        "inclusion,employment",
        "6 0.5 0 6",
    ),
    _t(
        "Meeting room|Conference room for your general assembly",
        "Salle de réunion|Salle de conférence pour vos assemblées",
        "Besprechungsraum|Konferenzraum für Ihre Sitzungen",
        "",
        "5 1 1 4",
    ),
    _t(
        "IT support|IT help for our office|Website development",
        "Support informatique|Aide pour nos ordinateurs|Création de site web",
        "IT-Support|EDV-Hilfe|Webseite erstellen",
        "digital",
        "4 0.5 1 6",
    ),
    _t(
        "Used laptops|Laptops for our learners|Screens and printers",
        "Ordinateurs portables reconditionnés|Ordinateurs pour nos apprenants",
        "Gebrauchte Laptops|Computer für unsere Kurse",
        "digital,education,circular economy",
        "3 0.3 0 4",
    ),
    _t(
        "Mentoring for young people|Mentoring of our manager|Coaching",
        "Mentorat de jeunes|Parrainage de nos bénéficiaires|Coaching",
        "Mentoring für Jugendliche|Mentorenprogramm|Coaching",
        "education,employment",
        "4 1 0.5 4",
    ),
    _t(
        "Football equipment|Football jerseys for our youth team|Sports equipment",
        "Matériel de football|Maillots pour notre équipe de jeunes|Matériel sportif",
        "Fußballausrüstung|Trikots für unsere Jugendmannschaft|Sportausrüstung",
        "sport,health",
        "1.5 0.5 0 3",
    ),
    _t(
        "Sponsorship|Financial support for our project|Donations",
        "Sponsoring|Soutien financier de notre projet|Dons",
        "Sponsoring|Finanzielle Unterstützung für unser Projekt|Spenden",
        "",
        "3 0 0 6",
    ),
    _t(
        "Legal advice|Help with contracts",
        "Conseil juridique|Aide pour nos statuts",
        "Rechtsberatung|Hilfe bei Verträgen",
        "",
        "2 0.3 0.5 2",
    ),
    _t(
        "Accounting help|Bookkeeping",
        "Comptabilité|Aide à la gestion financière",
        "Buchhaltung|Finanzberatung",
        "",
        "2 0.2 0 2.5",
    ),
    _t(
        "Communication and social media|Marketing advice",
        "Communication et réseaux sociaux|Conseil en marketing",
        "Kommunikation und soziale Medien|Marketingberatung",
        "culture",
        "2 1 1 3",
    ),
    _t(
        "Graphic design for our flyers|Photography",
        "Graphisme de nos flyers|Photographie",
        "Grafikdesign für unsere Flyer|Fotografie",
        "culture",
        "1.5 1 0.5 2",
    ),
    _t(
        "Delivery van on weekends|Minibus for outings",
        "Camionnette le week-end|Minibus pour nos sorties",
        "Transporter am Wochenende|Kleinbus für Ausflüge",
        "mobility",
        "1.5 0.5 0.5 2",
    ),
    _t(
        "Storage space|Warehouse space for our donations",
        "Espace de stockage|Entrepôt pour nos dons",
        "Lagerraum|Lagerfläche für Spenden",
        "",
        "1.5 0.3 0.5 2",
    ),
    _t(
        "Office furniture|Chairs and desks",
        "Mobilier de bureau|Chaises et bureaux",
        "Büromöbel|Stühle und Tische",
        "circular economy",
        "2 0.2 0.2 2",
    ),
    _t(
        "Unsold food|Meals from our canteen",
        "Invendus alimentaires|Repas de notre cantine",
        "Lebensmittelspenden|Mahlzeiten aus unserer Kantine",
        "food,inclusion",
        "1.5 0.5 0 2",
    ),
    _t(
        "Team building day|Team event in nature",
        "Journée de team building|Sortie d'équipe nature",
        "Teambuilding-Tag|Teamevent in der Natur",
        "environment,sport",
        "0 4 4 0.3",
    ),
    _t(
        "Awareness workshops on disability|Workshops on waste sorting",
        "Ateliers de sensibilisation au handicap|Ateliers sur le tri des déchets",
        "Workshops zur Sensibilisierung|Vorträge über Mülltrennung",
        "inclusion,environment,education",
        "0.3 4 3.5 0.5",
    ),
    _t(
        "Visibility for your CSR report|CSR partnership",
        "Visibilité pour votre rapport RSE|Partenariat RSE",
        "Sichtbarkeit für Ihren CSR-Bericht|Nachhaltigkeitsbericht",
        "",
        "0.5 3 4 0.5",
    ),
    _t(
        "Work integration jobs|Interns from our programme",
        "Emplois d'insertion|Stagiaires de notre programme",
        "Beschäftigungsinitiative|Praktika aus unserem Programm",
        "employment,inclusion",
        "0.5 3 3 1",
    ),
    _t(
        "Green space maintenance|Beehives on your roof|Tree planting",
        "Entretien d'espaces verts|Ruches sur votre toit|Plantation d'arbres",
        "Grünflächenpflege|Bienenstöcke auf Ihrem Dach|Baumpflanzung",
        "environment",
        "0.2 3 3 0.5",
    ),
    _t(
        "Repair café for your staff|Bike repair",
        "Repair café pour vos salariés|Réparation de vélos",
        "Repair-Café für Mitarbeitende|Fahrradreparatur",
        "circular economy,mobility",
        "0.2 2.5 2 0.5",
    ),
    _t(
        "Catering by our trainees|Buffet for your events",
        "Traiteur solidaire|Buffet pour vos événements",
        "Catering von unseren Azubis|Buffet für Ihre Veranstaltungen",
        "food,inclusion",
        "0.3 2 2.5 0.3",
    ),
    _t(
        "Language courses|First aid training",
        "Cours de langue|Formation premiers secours",
        "Sprachkurse|Erste-Hilfe-Kurs",
        "education,health",
        "1 2 2 2",
    ),
    # Outside the planner's lexicon: only the wording can match these.
    _t(
        "Second-hand bicycles|Old bikes for refurbishment",
        "Vélos d'occasion|Vieux vélos à remettre en état",
        "Gebrauchte Fahrräder|Alte Fahrräder zum Aufarbeiten",
        "mobility,circular economy",
        "1 1 0.3 1.5",
    ),
    _t(
        "Musical instruments|Theatre costumes",
        "Instruments de musique|Costumes de théâtre",
        "Musikinstrumente|Theaterkostüme",
        "culture",
        "0.5 0.5 0.3 1.5",
    ),
    _t(
        "Seedlings and compost|Garden tools",
        "Semis et compost|Outils de jardin",
        "Setzlinge und Kompost|Gartengeräte",
        "environment,food",
        "0.5 1 0.5 1",
    ),
)


def _pick(rng: random.Random, weights: list[float], k: int) -> list[int]:
    """``k`` distinct indices, drawn by weight."""
    chosen: list[int] = []
    pool = list(range(len(weights)))
    left = list(weights)
    while pool and len(chosen) < k and sum(left) > 0:
        i = rng.choices(range(len(pool)), weights=left)[0]
        chosen.append(pool.pop(i))
        left.pop(i)
    return chosen


def participants(n: int, seed: int = 1) -> list[Participant]:
    """``n`` participants of a synthetic evening (ids ``c1``.. and ``a1``..)."""
    rng = random.Random(seed)
    theme_names = list(THEMES)
    people: list[Participant] = []
    for number in range(1, n + 1):
        company = rng.random() < COMPANY_SHARE
        lang = rng.choices(LANGS, weights=LANG_WEIGHTS)[0]
        themes = rng.sample(theme_names, rng.choice((1, 1, 2, 2, 2, 3)))
        sdgs = {rng.choice(THEMES[t]) for t in themes for _ in range(2)}
        if rng.random() < 0.5:
            sdgs.add(rng.randint(1, 17))
        offer_w = [
            t.company_offers if company else t.association_offers for t in THINGS
        ]
        seek_w = [t.company_seeks if company else t.association_seeks for t in THINGS]
        # Things close to one's themes are offered and sought more often.
        for i, thing in enumerate(THINGS):
            if set(thing.themes) & set(themes):
                offer_w[i] *= 2
                seek_w[i] *= 2
        offers = _pick(rng, offer_w, rng.randint(1, 4))
        seeks = _pick(rng, seek_w, rng.randint(1, 4))
        people.append(
            Participant(
                id=f"{'c' if company else 'a'}{number}",
                kind="company" if company else "association",
                sdgs=tuple(sorted(sdgs)),
                themes=tuple(themes),
                offers=tuple(rng.choice(THINGS[i].phrases[lang]) for i in offers),
                seeks=tuple(rng.choice(THINGS[i].phrases[lang]) for i in seeks),
            )
        )
    return people
