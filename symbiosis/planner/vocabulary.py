"""Skills, services and goods that firms and non-profits exchange, in FR/DE/EN.

The material lexicon (``seeds/reference``) knows wood and pallets, not volunteer
days or a meeting room: this small lexicon names what a matchmaking evening
trades, with the same dotted keys (``goods.sports.football`` is a kind of
``goods.sports``) so :meth:`Lexicon.relation` ranks them the same way.
Terms are separated by ``|``; the ``IT`` of "IT support" is written ``ict``
because ``it`` is an English stop word (:func:`plain` rewrites texts alike).
"""

from __future__ import annotations

import re
from functools import lru_cache

from symbiosis.matching.lexicon import Lexicon

# key: (English | French | German terms)
TERMS: dict[str, tuple[str, str, str]] = {
    "space.meeting_room": (
        "meeting room|conference room|boardroom|room for meetings",
        "salle de réunion|salle de conférence|salle de reunion",
        "Besprechungsraum|Konferenzraum|Sitzungssaal|Tagungsraum",
    ),
    "space.event_hall": (
        "event hall|event space|venue",
        "salle des fêtes|salle polyvalente|espace événementiel",
        "Veranstaltungsraum|Festsaal|Veranstaltungssaal",
    ),
    "space.storage": (
        "storage space|storage|warehouse space",
        "espace de stockage|stockage|entrepôt",
        "Lagerraum|Lagerfläche|Lager",
    ),
    "space.office": (
        "office space|desk space|coworking|desks",
        "bureaux|espace de bureau|coworking|postes de travail",
        "Büroraum|Büroplatz|Coworking|Arbeitsplätze",
    ),
    "space.sports": (
        "sports hall|football pitch|gym",
        "salle de sport|terrain de football|gymnase",
        "Sporthalle|Fußballplatz|Turnhalle",
    ),
    "time.volunteering": (
        "volunteer days|volunteering|volunteers|employee volunteering|volunteer",
        "journées de bénévolat|bénévolat|bénévoles|bénévolat d'entreprise",
        "Freiwilligentage|Freiwilligenarbeit|Freiwillige|Ehrenamt"
        "|Corporate Volunteering",
    ),
    "time.volunteering.skills": (
        "skills-based volunteering|pro bono|pro bono work",
        "mécénat de compétences|bénévolat de compétences",
        "Kompetenzspende|Pro-bono-Arbeit|Pro bono",
    ),
    "skills.ict": (
        "ict support|ict help|computer support|tech support|ict maintenance",
        "support informatique|aide informatique|informatique|maintenance informatique",
        "ict-support|EDV-Unterstützung|EDV-Hilfe|Informatik|EDV",
    ),
    "skills.ict.website": (
        "website|web site|web development",
        "site web|site internet|développement web",
        "Webseite|Website|Internetseite|Webentwicklung",
    ),
    "skills.ict.cyber": (
        "cybersecurity|data protection|gdpr",
        "cybersécurité|protection des données|rgpd",
        "Cybersicherheit|Datenschutz|DSGVO",
    ),
    "skills.mentoring": (
        "mentoring|mentor|mentorship|coaching",
        "mentorat|parrainage|coaching|tutorat",
        "Mentoring|Mentor|Mentorenprogramm|Coaching|Patenschaft",
    ),
    "skills.legal": (
        "legal advice|legal support|lawyer",
        "conseil juridique|aide juridique|avocat",
        "Rechtsberatung|juristische Beratung|Anwalt",
    ),
    "skills.accounting": (
        "accounting|bookkeeping|financial advice|audit",
        "comptabilité|conseil financier|gestion financière|audit",
        "Buchhaltung|Finanzberatung|Rechnungswesen|Prüfung",
    ),
    "skills.communication": (
        "communication|marketing|social media|press relations",
        "communication|marketing|réseaux sociaux|relations presse",
        "Kommunikation|Marketing|Marketingberatung|soziale Medien"
        "|Öffentlichkeitsarbeit",
    ),
    "skills.design": (
        "graphic design|design|photography|video",
        "graphisme|design graphique|photographie|vidéo",
        "Grafikdesign|Gestaltung|Fotografie|Video",
    ),
    "skills.hr": (
        "recruitment|human resources|hr advice|job interview training",
        "recrutement|ressources humaines|conseil rh|simulation d'entretien",
        "Personalgewinnung|Personalwesen|Bewerbungstraining|Rekrutierung",
    ),
    "skills.training": (
        "training|courses|language courses|first aid training",
        "formation|formations|cours de langue|formation premiers secours",
        "Schulung|Weiterbildung|Sprachkurse|Erste-Hilfe-Kurs",
    ),
    "skills.translation": (
        "translation|interpreting",
        "traduction|interprétariat",
        "Übersetzung|Dolmetschen",
    ),
    "goods.sports": (
        "sports equipment|sports gear|sportswear",
        "matériel sportif|équipement sportif|matériel de sport",
        "Sportausrüstung|Sportgeräte|Sportbekleidung",
    ),
    "goods.sports.football": (
        "football equipment|football kits|footballs|soccer balls|football jerseys",
        "matériel de football|ballons de football|maillots de football|maillots",
        "Fußballausrüstung|Fußbälle|Fußballtrikots|Trikots",
    ),
    "goods.ict": (
        "laptops|computers|used laptops|tablets|screens|printers",
        "ordinateurs portables|ordinateurs|tablettes|écrans|imprimantes",
        "Laptops|Computer|gebrauchte Laptops|Tablets|Bildschirme|Drucker",
    ),
    "goods.furniture": (
        "office furniture|furniture|chairs|desks and chairs",
        "mobilier de bureau|mobilier|meubles|chaises",
        "Büromöbel|Möbel|Stühle",
    ),
    "goods.clothing": (
        "clothes|clothing|work clothes|textiles",
        "vêtements|vêtements de travail|textiles",
        "Kleidung|Arbeitskleidung|Textilien",
    ),
    "goods.food": (
        "food|unsold food|meals|food donations",
        "denrées alimentaires|invendus alimentaires|repas|dons alimentaires",
        "Lebensmittel|Lebensmittelspenden|Mahlzeiten",
    ),
    "goods.books": (
        "books|school supplies|toys",
        "livres|fournitures scolaires|jouets",
        "Bücher|Schulmaterial|Spielzeug",
    ),
    "goods.print": (
        "printing|flyers|posters",
        "impression|imprimerie|flyers|affiches",
        "Druck|Druckerei|Flyer|Plakate",
    ),
    "transport.van": (
        "van|minibus|transport|delivery van",
        "camionnette|minibus|transport|véhicule utilitaire",
        "Transporter|Kleinbus|Transport|Lieferwagen",
    ),
    "money.sponsoring": (
        "sponsorship|sponsoring|funding|financial support|donation|donations",
        "parrainage financier|sponsoring|financement|soutien financier|don|dons",
        "Sponsoring|Finanzierung|finanzielle Unterstützung|Spende|Spenden",
    ),
    "activity.teambuilding": (
        "team building|team-building|team day|team event",
        "team building|sortie d'équipe|journée d'équipe",
        "Teambuilding|Teamevent|Teamtag",
    ),
    "activity.workshop": (
        "workshops|awareness workshops|awareness raising|talks",
        "ateliers|ateliers de sensibilisation|sensibilisation|conférences",
        "Workshops|Sensibilisierung|Vorträge",
    ),
    "activity.visibility": (
        "visibility|csr project|csr report|csr partnership",
        "visibilité|projet rse|rapport rse|partenariat rse",
        "Sichtbarkeit|CSR-Projekt|CSR-Bericht|Nachhaltigkeitsbericht",
    ),
    "activity.inclusion_jobs": (
        "social inclusion jobs|sheltered work|work integration|internships|interns",
        "insertion professionnelle|emplois d'insertion|stages|stagiaires"
        "|atelier protégé",
        "berufliche Eingliederung|Beschäftigungsinitiative|Praktika|Praktikanten"
        "|Werkstatt",
    ),
    "activity.green": (
        "gardening|green space maintenance|tree planting|beehives",
        "jardinage|entretien d'espaces verts|plantation d'arbres|ruches",
        "Gartenpflege|Grünflächenpflege|Baumpflanzung|Bienenstöcke",
    ),
    "activity.repair": (
        "repair|repairs|repair café|bike repair",
        "réparation|réparations|repair café|réparation de vélos",
        "Reparatur|Reparaturen|Repair-Café|Fahrradreparatur",
    ),
    "activity.catering": (
        "catering|buffet|lunch",
        "traiteur|buffet|restauration",
        "Catering|Buffet|Verpflegung",
    ),
}

LANGS = ("en", "fr", "de")
_IT = re.compile(r"\bIT\b")


def plain(text: str) -> str:
    """Spell the upper-case ``IT`` as ``ict`` (``it`` is a stop word)."""
    return _IT.sub("ict", text)


@lru_cache(maxsize=1)
def services_lexicon() -> Lexicon:
    """The lexicon of :data:`TERMS` (built once)."""
    lexicon = Lexicon()
    for key, by_lang in TERMS.items():
        for lang, terms in zip(LANGS, by_lang, strict=True):
            for term in terms.split("|"):
                lexicon.add_term(key, plain(term), lang)
    return lexicon
