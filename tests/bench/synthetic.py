"""Synthetic listings for the speed benchmark: realistic, deterministic, fast.

``generate(n, seed)`` returns ``n`` matcher items (ids 1..n, about half offers,
half requests) that look like what the business parks of Luxembourg publish:
titles and descriptions in French, German or English built from material
phrases and modifiers, a waste code from ``seeds/reference/ewc.csv`` for about
40 % of them, places clustered around the zones of
``seeds/reference/zones.csv``, yearly quantities in the base unit of the
material, availability windows and transport limits. The same ``(n, seed)``
always gives the same items; a million take about 15 s and 0.6 GB.
"""

from __future__ import annotations

import csv
import itertools
import math
import random
from dataclasses import dataclass, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from symbiosis.matching.model import Item

REFERENCE = Path(__file__).resolve().parents[2] / "seeds" / "reference"
LANGS = ("fr", "de", "en")
LANG_WEIGHTS = (0.5, 0.25, 0.25)
EWC_SHARE = 0.40  # of all items
ANYWHERE_SHARE = 0.03  # placed near any locality of the country, not in a zone
SIGMA_KM = 1.5
KM_PER_DEGREE = 111.2
TODAY = date(2026, 1, 1)  # pass as the matcher's ``today``: no window has ended yet
FIRST_DAY = TODAY.toordinal()
LAST_DAY = date(2028, 6, 30).toordinal()


@dataclass(frozen=True)
class Material:
    """One kind of thing listed: its phrases per language and its waste codes."""

    name: str
    resource: str
    unit: str  # base unit of its yearly quantity
    low: float  # yearly quantity range (log-uniform)
    high: float
    weight: float  # relative frequency among listings
    phrases: dict[str, tuple[str, ...]]
    codes: tuple[str, ...] = ()  # six-digit EWC codes, the first ones the most usual


def _m(
    name: str,
    resource: str,
    unit: str,
    low: float,
    high: float,
    weight: float,
    fr: str,
    de: str,
    en: str,
    codes: str = "",
) -> Material:
    return Material(
        name,
        resource,
        unit,
        low,
        high,
        weight,
        {
            "fr": tuple(fr.split("|")),
            "de": tuple(de.split("|")),
            "en": tuple(en.split("|")),
        },
        tuple(codes.split()),
    )


# fmt: off
MATERIALS = (
    # material (≈75 % of the weight)
    _m("pallets", "material", "pieces", 50, 20000, 9,
       "palettes en bois|palettes EUR|palettes Europe|palettes perdues|palettes 80x120",
       "Holzpaletten|Europaletten|Einwegpaletten|Paletten|EPAL-Paletten",
       "wooden pallets|EUR pallets|pallets|one-way pallets|Euro pallets", "150103"),
    _m("cardboard", "material", "t", 1, 500, 8,
       "cartons|carton ondulé|emballages en carton|cartons d'emballage|papier et carton",
       "Kartonagen|Wellpappe|Altpapier und Karton|Kartons|Verpackungskarton",
       "cardboard|corrugated cardboard boxes|cardboard packaging|paper and cardboard|boxes", "150101"),
    _m("film", "material", "t", 0.5, 120, 6,
       "film plastique|film étirable|housses plastiques|film polyéthylène|emballages plastiques",
       "Stretchfolie|Kunststofffolie|PE-Folie|Folienabfälle|Kunststoffverpackungen",
       "plastic film|stretch wrap|LDPE film|shrink film|plastic packaging", "150102"),
    _m("plastics", "material", "t", 0.5, 200, 3,
       "chutes de plastique|copeaux de PVC|granulés plastiques|caisses en plastique",
       "Kunststoffreste|Kunststoffspäne|PP-Regranulat|Kunststoffkisten",
       "plastic offcuts|plastic shavings|HDPE regrind|plastic crates", "120105 170203"),
    _m("coffee", "material", "t", 0.5, 60, 3,
       "marc de café|marc de café des machines|résidus de café",
       "Kaffeesatz|Kaffeereste|Kaffeesatz aus der Kantine",
       "spent coffee grounds|coffee grounds|used coffee grounds", "200108"),
    _m("grain", "material", "t", 20, 3000, 2,
       "drêches de brasserie|drêches humides|drêches de malt",
       "Biertreber|Treber|Brauereitreber",
       "brewers' spent grain|spent grain|wet brewers' grains", "020704 020701"),
    _m("food", "material", "t", 1, 400, 3,
       "biodéchets de cantine|restes alimentaires|invendus alimentaires|épluchures",
       "Küchenabfälle|Speisereste|Lebensmittelreste|Biomüll",
       "canteen food waste|food leftovers|unsold food|organic kitchen waste", "200108 020304 200201"),
    _m("solvents", "material", "t", 0.2, 80, 2,
       "solvants usagés|solvants de nettoyage|diluants usagés",
       "Altlösemittel|Lösemittelgemische|Reinigungslösemittel",
       "spent solvents|used cleaning solvents|solvent mixtures", "140603 070104 140602"),
    _m("oils", "material", "t", 0.5, 100, 2,
       "huiles usagées|huiles moteur usagées|huiles hydrauliques",
       "Altöl|Motorenaltöl|gebrauchtes Hydrauliköl",
       "used oils|used engine oil|spent hydraulic oil", "130205 130208"),
    _m("steel", "material", "t", 1, 2000, 5,
       "ferraille|chutes d'acier|déchets métalliques|copeaux d'acier|poutrelles de réemploi",
       "Schrott|Stahlschrott|Eisenschrott|Stahlspäne|Stahlträger",
       "scrap metal|steel offcuts|ferrous scrap|steel turnings|reclaimed steel beams",
       "170405 120101 200140 120102"),
    _m("aluminium", "material", "t", 0.5, 300, 2,
       "chutes d'aluminium|copeaux d'aluminium|câbles en cuivre|métaux mélangés",
       "Aluminiumspäne|Aluminiumschrott|Altkabel|Buntmetalle",
       "aluminium swarf|aluminium scrap|copper cables|mixed metals", "120103 170407 170411"),
    _m("drums", "material", "pieces", 10, 3000, 2,
       "fûts métalliques|conteneurs IBC|fûts souillés|bidons vides",
       "Metallfässer|IBC-Container|verunreinigte Fässer|leere Kanister",
       "steel drums|IBC totes|contaminated drums|empty canisters", "150104 150106 150110"),
    _m("rubble", "material", "t", 50, 50000, 5,
       "gravats|déblais de démolition|béton concassé|briques et tuiles|gravats mélangés",
       "Bauschutt|Betonbruch|Recyclingbeton|Ziegelbruch|gemischter Bauschutt",
       "concrete rubble|demolition debris|crushed concrete|bricks and tiles|mixed rubble",
       "170101 170107 170904 170102 170103"),
    _m("soil", "material", "t", 100, 100000, 4,
       "terres d'excavation|terre végétale|terres de déblai|remblais",
       "Erdaushub|Mutterboden|Bodenaushub|Füllboden",
       "excavated soil|topsoil|spoil|fill material", "170504 170503"),
    _m("wood", "material", "t", 1, 800, 5,
       "chutes de bois|bois de démolition|bois non traité|panneaux de particules",
       "Holzreste|Restholz|Altholz|Spanplattenreste",
       "wood offcuts|demolition wood|untreated timber|chipboard offcuts", "170201 200138 030105"),
    _m("sawdust", "material", "t", 1, 500, 3,
       "sciure de bois|copeaux de bois|plaquettes de bois",
       "Sägespäne|Sägemehl|Hobelspäne|Hackschnitzel",
       "sawdust|wood shavings|wood chips", "030105 030104"),
    _m("it", "material", "pieces", 5, 2000, 4,
       "matériel informatique|ordinateurs portables|écrans|serveurs|imprimantes",
       "IT-Geräte|gebrauchte Laptops|Bildschirme|Server|Drucker",
       "IT equipment|used laptops|monitors|servers|printers", "160214 200136 160213 200135"),
    _m("furniture", "material", "pieces", 5, 1500, 4,
       "mobilier de bureau|chaises de bureau|bureaux|armoires|cloisons amovibles",
       "Büromöbel|Bürostühle|Schreibtische|Schränke|Trennwände",
       "office furniture|office chairs|desks|cabinets|partition walls", "200307"),
    _m("textiles", "material", "t", 0.2, 100, 3,
       "textiles|chutes de tissu|vêtements de travail|uniformes|linge usagé",
       "Alttextilien|Stoffreste|Arbeitskleidung|Uniformen|Altkleider",
       "textiles|fabric offcuts|workwear|uniforms|used linen", "200111 200110 040222 150109"),
    _m("glass", "material", "t", 1, 1500, 3,
       "verre|calcin|verre plat|bouteilles en verre|vitrages",
       "Altglas|Glasscherben|Flachglas|Glasflaschen|Fensterglas",
       "glass|glass cullet|flat glass|glass bottles|window glass", "101112 170202 150107"),
    _m("compost", "material", "t", 10, 5000, 2,
       "compost|digestat|compost vert|amendement organique",
       "Kompost|Gärrest|Grünkompost|Bodenverbesserer",
       "compost|digestate|green compost|soil improver", "190503 190604"),
    _m("gypsum", "material", "t", 5, 2000, 2,
       "plâtre|plaques de plâtre|déchets de plâtre|chutes de placo",
       "Gips|Gipskarton|Gipsabfälle|Gipskartonplatten",
       "gypsum|plasterboard|plasterboard offcuts|drywall scraps", "170802"),
    _m("slag", "material", "t", 100, 80000, 2,
       "laitier|scories|laitier de haut fourneau|laitier d'aciérie",
       "Schlacke|Hochofenschlacke|Stahlwerksschlacke|Elektroofenschlacke",
       "slag|blast furnace slag|steel slag|EAF slag", "100202"),
    _m("ash", "material", "t", 50, 20000, 1.5,
       "cendres volantes|mâchefers|cendres de biomasse",
       "Flugasche|Rostasche|Holzasche",
       "fly ash|bottom ash|biomass ash", "100102 100117 100101"),
    _m("sludge", "material", "t", 10, 10000, 2,
       "boues d'épuration|boues industrielles|boues de station",
       "Klärschlamm|Industrieschlamm|Schlamm aus der Kläranlage",
       "sewage sludge|industrial sludge|wastewater sludge", "190805 190812 020204 190814"),
    _m("hazardous", "material", "t", 0.1, 30, 1,
       "batteries au plomb|tubes fluorescents|restes de peinture|absorbants souillés",
       "Bleibatterien|Leuchtstoffröhren|Farbreste|verunreinigte Aufsaugmittel",
       "lead-acid batteries|fluorescent tubes|leftover paint|contaminated absorbents",
       "160601 200121 080111 150202"),
    _m("co2", "material", "t", 100, 50000, 1,
       "CO2 biogénique|CO2 capté|dioxyde de carbone",
       "biogenes CO2|abgeschiedenes CO2|Kohlendioxid",
       "biogenic CO2|captured CO2|carbon dioxide"),
    # energy
    _m("heat", "energy", "MWh", 100, 50000, 9,
       "chaleur fatale|chaleur résiduelle|chaleur de process|eau chaude",
       "Abwärme|Prozesswärme|Restwärme|Niedertemperaturwärme",
       "waste heat|process heat|low-grade heat|hot water"),
    _m("steam", "energy", "MWh", 500, 80000, 3,
       "vapeur|vapeur basse pression|vapeur de process",
       "Prozessdampf|Niederdruckdampf|Dampf",
       "process steam|low-pressure steam|steam"),
    _m("power", "energy", "MWh", 10, 5000, 3,
       "surplus d'électricité photovoltaïque|électricité verte|capacité de recharge",
       "PV-Überschussstrom|Ökostrom|Ladekapazität",
       "solar power surplus|green electricity|charging capacity"),
    # water
    _m("cooling", "water", "m3", 100, 500000, 5,
       "eau de refroidissement|eau de process|eau de pluie|eaux grises",
       "Kühlwasser|Prozesswasser|Regenwasser|Grauwasser",
       "cooling water|process water|rainwater|greywater"),
    # service
    _m("rooms", "service", "hours", 10, 2000, 3,
       "salle de réunion|salle de formation|auditorium",
       "Besprechungsraum|Schulungsraum|Konferenzsaal",
       "meeting room|training room|conference hall"),
    _m("space", "service", "m2", 50, 5000, 3.5,
       "surface de stockage|entrepôt|places de parking|espace de bureau",
       "Lagerfläche|Lagerhalle|Parkplätze|Büroflächen",
       "storage space|warehouse space|parking spaces|office space"),
    _m("skills", "service", "hours", 10, 1500, 3.5,
       "compétences en soudure|expertise comptable|support informatique|chariot élévateur avec cariste|camion avec chauffeur",
       "Schweißkenntnisse|Buchhaltung|IT-Support|Gabelstapler mit Fahrer|LKW mit Fahrer",
       "welding skills|accounting expertise|IT support|forklift with driver|truck with driver"),
)

# Modifiers by kind of thing: bulk solids, counted items, energy, water, services.
MODIFIERS = {
    "solid": {
        "fr": "propres|triés|non traités|en vrac|en big bags|secs|mélangés|de qualité|"
              "régulièrement|chaque semaine|environ vingt tonnes|cinquante tonnes par an|"
              "en benne|sur palettes|conformes|sans impuretés",
        "de": "sauber|sortenrein|unbehandelt|lose|in Big Bags|trocken|gemischt|"
              "regelmäßig|wöchentlich|ca. zwanzig Tonnen|fünfzig Tonnen im Jahr|"
              "im Container|palettiert|ohne Störstoffe",
        "en": "clean|sorted|untreated|in bulk|in big bags|dry|mixed|baled|regularly|"
              "weekly|about twenty tonnes|fifty tonnes a year|in skips|palletised|"
              "free of contaminants",
    },
    "items": {
        "fr": "en bon état|réutilisables|usagés|comme neufs|lot de cinquante|cent pièces|"
              "environ deux cents|EUR|reconditionnés|à enlever|chaque mois",
        "de": "gebraucht|gut erhalten|wiederverwendbar|neuwertig|fünfzig Stück|"
              "hundert Stück|ca. zweihundert|EUR|aufbereitet|monatlich",
        "en": "good condition|reusable|used|as new|batch of fifty|a hundred pieces|"
              "about two hundred|EUR|refurbished|to collect|every month",
    },
    "energy": {
        "fr": "en continu|toute l'année|à 60 °C|en hiver|environ cinq cents MWh|"
              "basse température|sur réseau de chaleur",
        "de": "kontinuierlich|ganzjährig|bei 60 °C|im Winter|ca. fünfhundert MWh|"
              "Niedertemperatur|über Wärmenetz",
        "en": "continuous|year-round|at 60 °C|in winter|about five hundred MWh|"
              "low temperature|via a heat network",
    },
    "water": {
        "fr": "non potable|filtrée|en continu|l'été|environ mille m3",
        "de": "nicht trinkbar|gefiltert|kontinuierlich|im Sommer|ca. tausend m3",
        "en": "non-potable|filtered|continuous|in summer|about a thousand m3",
    },
    "service": {
        "fr": "le week-end|à l'heure|ponctuellement|équipée|sur demande|à partager",
        "de": "am Wochenende|stundenweise|gelegentlich|ausgestattet|nach Absprache|"
              "zur Mitnutzung",
        "en": "at weekends|by the hour|occasionally|fully equipped|on request|to share",
    },
}
OFFER_PREFIXES = {
    "fr": ("", "", "", "À céder :", "Disponible :", "Offre :", "Donne"),
    "de": ("", "", "", "Abzugeben:", "Biete", "Verfügbar:", "Zu verschenken:"),
    "en": ("", "", "", "Available:", "Giving away", "For reuse:", "Surplus"),
}
OFFER_SUFFIXES = {
    "fr": (" – à céder", " – disponible", " – gratuit", " – à enlever"),
    "de": (" – abzugeben", " – verfügbar", " – kostenlos", " – zur Abholung"),
    "en": (" – available", " – free", " – to collect", " – for reuse"),
}
REQUEST_PREFIXES = {
    "fr": ("", "Recherche", "Besoin de", "Cherchons", "Recherchons", "Achat de"),
    "de": ("", "Suche", "Gesucht:", "Bedarf an", "Wir suchen", "Kaufen"),
    "en": ("", "Looking for", "Wanted:", "Need", "Seeking", "Buying"),
}
SECTORS = {
    "fr": "imprimerie|brasserie|boulangerie|menuiserie|garage|chantier|laboratoire|"
          "centre logistique|data center|hôtel|cantine|atelier mécanique|fonderie|"
          "commerce de gros|bureau d'études|clinique|cimenterie|tôlerie",
    "de": "Druckerei|Brauerei|Bäckerei|Schreinerei|Werkstatt|Baustelle|Labor|"
          "Logistikzentrum|Rechenzentrum|Hotel|Kantine|Gießerei|Großhandel|"
          "Ingenieurbüro|Klinik|Zementwerk|Metallbau",
    "en": "print shop|brewery|bakery|joinery|garage|building site|laboratory|"
          "logistics centre|data centre|hotel|canteen|machine shop|foundry|"
          "wholesaler|engineering office|clinic|cement plant|sheet-metal shop",
}
DESCRIPTIONS = {
    ("offer", "fr"): ("Notre {sector} à {place} produit {what}, {mod}.",
                      "Enlèvement sur site à {place}, {mod}.",
                      "{what} issus de notre {sector}, stockage couvert, accès poids lourds.",
                      "Contactez-nous pour une visite, {mod}.",
                      ""),
    ("offer", "de"): ("Unsere {sector} in {place} hat {what} abzugeben, {mod}.",
                      "Abholung in {place}, {mod}.",
                      "{what} aus unserer {sector}, überdacht gelagert, LKW-Zufahrt.",
                      "Besichtigung nach Absprache, {mod}.",
                      ""),
    ("offer", "en"): ("Our {sector} in {place} produces {what}, {mod}.",
                      "Pick-up at our site in {place}, {mod}.",
                      "{what} from our {sector}, stored indoors, lorry access.",
                      "Site visit on request, {mod}.",
                      ""),
    ("request", "fr"): ("Pour notre {sector} à {place}, nous cherchons {what}, {mod}.",
                        "Livraison souhaitée à {place}, {mod}.",
                        "{what} pour notre {sector} ; contrat sur un an possible.",
                        "Besoin régulier, {mod}.",
                        ""),
    ("request", "de"): ("Für unsere {sector} in {place} suchen wir {what}, {mod}.",
                        "Lieferung nach {place} erwünscht, {mod}.",
                        "{what} für unsere {sector}; Jahresvertrag möglich.",
                        "Regelmäßiger Bedarf, {mod}.",
                        ""),
    ("request", "en"): ("Our {sector} in {place} needs {what}, {mod}.",
                        "Delivery to {place} preferred, {mod}.",
                        "{what} for our {sector}; a one-year contract is possible.",
                        "Regular need, {mod}.",
                        ""),
}
# fmt: on


def _split(table: dict[str, str]) -> dict[str, tuple[str, ...]]:
    return {lang: tuple(text.split("|")) for lang, text in table.items()}


MODIFIER_WORDS = {group: _split(table) for group, table in MODIFIERS.items()}
SECTOR_WORDS = _split(SECTORS)


def _read(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _hazardous_codes() -> set[str]:
    """The hazardous codes among those used; fails if a code is not in ewc.csv."""
    listed = {row["code"]: row["hazardous"] == "1" for row in _read("ewc.csv")}
    used = {code for material in MATERIALS for code in material.codes}
    unknown = sorted(used - set(listed))
    if unknown:
        raise ValueError(f"waste codes not in seeds/reference/ewc.csv: {unknown}")
    return {code for code in used if listed[code]}


HAZARDOUS = _hazardous_codes()
ZONES = [
    (float(row["lat"]), float(row["lon"]), row["commune"]) for row in _read("zones.csv")
]
# the few listings outside the business zones: near any town or village
PLACES = [
    (float(row["lat"]), float(row["lon"]), row["name"])
    for row in _read("localities.csv")
]
_WEIGHTS = list(itertools.accumulate(m.weight for m in MATERIALS))
_CODED = sum(m.weight for m in MATERIALS if m.codes) / _WEIGHTS[-1]
P_CODE = min(1.0, EWC_SHARE / _CODED)  # so that ≈40 % of all items carry a code
ACCEPTED_SHARE = 0.1  # of requests with a code: they list the codes their permit takes
_HAS_ACCEPTED = "accepted_ewc" in {f.name for f in fields(Item)}


def _group(material: Material) -> str:
    if material.resource != "material":
        return material.resource
    return "items" if material.unit == "pieces" else "solid"


def generate(n: int, seed: int = 1, *, first_id: int = 1) -> list[Item]:
    """``n`` realistic listings, ids ``first_id``..``first_id + n - 1``."""
    rng = random.Random(seed)
    random_ = rng.random
    gauss = rng.gauss
    choice = rng.choice
    organisations = max(20, n // 6)
    org_zone = [rng.randrange(len(ZONES)) for _ in range(organisations)]
    dlat = SIGMA_KM / KM_PER_DEGREE
    dlon = dlat / math.cos(math.radians(49.7))
    items: list[Item] = []
    append = items.append
    for ident in range(first_id, first_id + n):
        material = rng.choices(MATERIALS, cum_weights=_WEIGHTS)[0]
        lang = rng.choices(LANGS, LANG_WEIGHTS)[0]
        offer = random_() < 0.5
        kind = "offer" if offer else "request"
        what = choice(material.phrases[lang])
        modifiers = MODIFIER_WORDS[_group(material)][lang]
        # title: [prefix] phrase [modifier(s)] [suffix]
        title = what
        r = random_()
        if r < 0.5:
            title = f"{title} {choice(modifiers)}"
        elif r < 0.65:
            title = f"{title} {choice(modifiers)} {choice(modifiers)}"
        prefix = choice(OFFER_PREFIXES[lang] if offer else REQUEST_PREFIXES[lang])
        if prefix:
            title = f"{prefix} {title}"
        elif offer and random_() < 0.3:
            title += choice(OFFER_SUFFIXES[lang])
        # place: the zone of an organisation, or near any locality of the country
        organisation = rng.randrange(organisations)
        if random_() < ANYWHERE_SHARE:
            zone_id = None
            lat, lon, place = choice(PLACES)
        else:
            zone = org_zone[organisation]
            zone_id = zone + 1
            lat, lon, place = ZONES[zone]
        lat += gauss(0.0, dlat)
        lon += gauss(0.0, dlon)
        template = choice(DESCRIPTIONS[kind, lang])
        description = ""
        if template:
            description = template.format(
                sector=choice(SECTOR_WORDS[lang]),
                place=place,
                what=choice(material.phrases[lang]),
                mod=choice(modifiers),
            )
            description = description[0].upper() + description[1:]
        # waste code: the usual one mostly; hazardous as ewc.csv says (like the
        # file import); requests for a hazardous code accept hazardous offers
        code = None
        hazardous = accepts = False
        if material.codes and random_() < P_CODE:
            code = material.codes[0] if random_() < 0.6 else choice(material.codes)
            hazardous = code in HAZARDOUS
        accepted: tuple[str, ...] = ()
        if not offer:
            accepts = hazardous or random_() < 0.05
            if code and random_() < ACCEPTED_SHARE:
                accepted = tuple(sorted({code, choice(material.codes)}))
        # quantity: yearly, in the material's base unit; some listings give none
        yearly = unit = None
        if random_() < 0.9:
            yearly = round(
                material.low * (material.high / material.low) ** random_(), 1
            )
            unit = material.unit
        # availability: mostly open-ended
        start = end = None
        r = random_()
        if r < 0.3:
            start = date.fromordinal(
                FIRST_DAY + int((LAST_DAY - FIRST_DAY) * random_())
            )
            if r < 0.15:
                end = start + timedelta(days=30 + int(700 * random_()))
        if offer:
            limit = float(rng.randrange(10, 105, 5)) if random_() < 0.1 else None
        else:
            limit = float(rng.randrange(10, 85, 5)) if random_() < 0.85 else None
        extra: dict[str, Any] = (
            {"accepted_ewc": accepted} if accepted and _HAS_ACCEPTED else {}
        )
        append(
            Item(
                id=ident,
                kind=kind,
                resource=material.resource,
                title=title,
                description=description,
                ewc_code=code,
                hazardous=hazardous,
                accepts_hazardous=accepts,
                lat=round(lat, 5),
                lon=round(lon, 5),
                yearly=yearly,
                base_unit=unit,
                available_from=start,
                available_until=end,
                max_distance_km=limit,
                organisation_id=organisation + 1,
                zone_id=zone_id,
                **extra,
            )
        )
    return items


if __name__ == "__main__":  # a glance at what is generated
    for item in generate(12):
        print(item)
