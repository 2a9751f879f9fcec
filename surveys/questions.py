"""The programme's standard question sets. Module 1 ("Bewustwording buitengebied") asks the rural area; the
adapted set asks the owners, landlords and tenants of business premises on a business park (for municipalities
without rural area). Every campaign starts with a copy of its set; a municipality may add its own questions.
Both sets share the codes of the figures (respondent type, knows the signals, willing to report), so one
results page and one report serve both, while the campaigns themselves are never compared across sets."""

from django.utils.translation import gettext_lazy as _

RESPONDENT_TYPE = "respondent_type"
KNOWS_SIGNALS = "kent_signalen"
WILLING_TO_REPORT = "meldingsbereid"
YES = "ja"

TRUST = [
    {"value": "1", "nl": "1 – heel weinig", "en": "1 – very little"},
    {"value": "2", "nl": "2", "en": "2"},
    {"value": "3", "nl": "3", "en": "3"},
    {"value": "4", "nl": "4", "en": "4"},
    {"value": "5", "nl": "5 – heel veel", "en": "5 – very much"},
]

STANDARD_QUESTIONS = [
    {
        "code": RESPONDENT_TYPE,
        "kind": "single",
        "required": True,
        "nl": "Wat past het best bij u?",
        "en": "What describes you best?",
        "choices": [
            {"value": "bewoner", "nl": "Ik woon in het buitengebied", "en": "I live in the rural area"},
            {
                "value": "ondernemer",
                "nl": "Ik heb een bedrijf in het buitengebied",
                "en": "I run a business in the rural area",
            },
            {
                "value": "eigenaar",
                "nl": "Ik ben eigenaar van een bedrijfspand (schuur, loods, stal)",
                "en": "I own business premises (barn, shed, stable)",
            },
            {"value": "huurder", "nl": "Ik huur een bedrijfspand", "en": "I rent business premises"},
        ],
    },
    {
        "code": KNOWS_SIGNALS,
        "kind": "single",
        "required": True,
        "nl": "Weet u aan welke signalen u drugsproductie in een pand kunt herkennen?",
        "en": "Do you know the signs of drug production in a building?",
        "choices": [
            {"value": YES, "nl": "Ja", "en": "Yes"},
            {"value": "enigszins", "nl": "Een beetje", "en": "A little"},
            {"value": "nee", "nl": "Nee", "en": "No"},
        ],
    },
    {
        "code": "signalen",
        "kind": "multiple",
        "required": False,
        "nl": "Welke van deze signalen kent u?",
        "en": "Which of these signs do you know?",
        "choices": [
            {"value": "geur", "nl": "Een sterke geur (hennep of anijs)", "en": "A strong smell (cannabis or aniseed)"},
            {"value": "ramen", "nl": "Dichtgemaakte ramen of deuren", "en": "Windows or doors closed off"},
            {
                "value": "verkeer",
                "nl": "Veel komen en gaan, vooral ’s nachts",
                "en": "Much coming and going, mostly at night",
            },
            {"value": "stroom", "nl": "Hoog stroomverbruik of warmte", "en": "High power use or heat"},
            {"value": "vaten", "nl": "Vaten, jerrycans of chemisch afval", "en": "Drums, jerrycans or chemical waste"},
        ],
    },
    {
        "code": WILLING_TO_REPORT,
        "kind": "single",
        "required": True,
        "nl": "Als u een vermoeden van drugscriminaliteit heeft, zou u dat dan melden?",
        "en": "If you suspected drug crime, would you report it?",
        "choices": [
            {"value": YES, "nl": "Ja", "en": "Yes"},
            {"value": "misschien", "nl": "Misschien", "en": "Maybe"},
            {"value": "nee", "nl": "Nee", "en": "No"},
        ],
    },
    {
        "code": "meldkanaal",
        "kind": "multiple",
        "required": False,
        "nl": "Waar zou u het melden?",
        "en": "Where would you report it?",
        "choices": [
            {"value": "politie", "nl": "Bij de politie (0900-8844)", "en": "To the police (0900-8844)"},
            {
                "value": "mma",
                "nl": "Anoniem bij Meld Misdaad Anoniem (0800-7000)",
                "en": "Anonymously to Meld Misdaad Anoniem (0800-7000)",
            },
            {"value": "gemeente", "nl": "Bij de gemeente", "en": "To the municipality"},
            {"value": "anders", "nl": "Ergens anders", "en": "Somewhere else"},
        ],
    },
    {
        "code": "benaderd",
        "kind": "single",
        "required": True,
        "nl": "Bent u ooit benaderd om een pand te verhuren of te verkopen op een manier die u niet vertrouwde?",
        "en": "Were you ever approached to rent out or sell premises in a way you did not trust?",
        "choices": [
            {"value": YES, "nl": "Ja", "en": "Yes"},
            {"value": "nee", "nl": "Nee", "en": "No"},
            {"value": "zeg_ik_liever_niet", "nl": "Zeg ik liever niet", "en": "I’d rather not say"},
        ],
    },
    {
        "code": "vertrouwen_politie",
        "kind": "single",
        "required": True,
        "nl": "Hoeveel vertrouwen heeft u in de politie?",
        "en": "How much do you trust the police?",
        "choices": TRUST,
    },
    {
        "code": "vertrouwen_gemeente",
        "kind": "single",
        "required": True,
        "nl": "Hoeveel vertrouwen heeft u in de gemeente?",
        "en": "How much do you trust the municipality?",
        "choices": TRUST,
    },
    {
        "code": "opmerking",
        "kind": "text",
        "required": False,
        "nl": "Wilt u nog iets kwijt over veiligheid in het buitengebied?",
        "en": "Anything else you would like to say about safety in the rural area?",
        "choices": [],
    },
]


def _with(code: str, **changes) -> dict:
    """A rural question adapted for business premises (same code, so results are read the same way)."""
    return {**next(q for q in STANDARD_QUESTIONS if q["code"] == code), **changes}


BUSINESS_PARK_QUESTIONS = [
    {
        "code": RESPONDENT_TYPE,
        "kind": "single",
        "required": True,
        "nl": "Wat past het best bij u?",
        "en": "What describes you best?",
        "choices": [
            {
                "value": "pandeigenaar",
                "nl": "Ik ben eigenaar van het bedrijfspand en gebruik het zelf",
                "en": "I own the business premises and use them myself",
            },
            {
                "value": "verhuurder",
                "nl": "Ik verhuur een of meer bedrijfspanden op het bedrijventerrein",
                "en": "I let one or more business premises on the business park",
            },
            {
                "value": "huurder",
                "nl": "Mijn bedrijf huurt een pand op het bedrijventerrein",
                "en": "My business rents premises on the business park",
            },
        ],
    },
    _with(KNOWS_SIGNALS),
    _with(
        "signalen",
        choices=[
            *next(q for q in STANDARD_QUESTIONS if q["code"] == "signalen")["choices"],
            {
                "value": "huurders",
                "nl": "Steeds wisselende huurders of een bedrijf zonder zichtbare activiteit",
                "en": "Tenants who keep changing or a business with no visible activity",
            },
            {
                "value": "contant",
                "nl": "Huur die contant of ver boven de markt wordt betaald",
                "en": "Rent paid in cash or far above the market rate",
            },
        ],
    ),
    _with(WILLING_TO_REPORT),
    _with("meldkanaal"),
    _with(
        "benaderd",
        nl="Bent u ooit benaderd om een bedrijfspand te huren, verhuren of kopen op een manier die u niet vertrouwde?",
        en="Were you ever approached to rent, let or buy business premises in a way you did not trust?",
    ),
    _with("vertrouwen_politie"),
    _with("vertrouwen_gemeente"),
    _with(
        "opmerking",
        nl="Wilt u nog iets kwijt over veiligheid op het bedrijventerrein?",
        en="Anything else you would like to say about safety on the business park?",
    ),
]


def standard_questions(area: str) -> list[dict]:
    """The set a new campaign of this area starts with."""
    return BUSINESS_PARK_QUESTIONS if area == "bedrijventerrein" else STANDARD_QUESTIONS


# Short names of the respondent types for column headings and the report (the answers themselves are sentences).
RESPONDENT_TYPE_LABELS = {
    "bewoner": _("Bewoners"),
    "ondernemer": _("Ondernemers"),
    "eigenaar": _("Eigenaren van een bedrijfspand"),
    "huurder": _("Huurders van een bedrijfspand"),
    "pandeigenaar": _("Eigenaren-gebruikers van een bedrijfspand"),
    "verhuurder": _("Verhuurders van bedrijfspanden"),
}


def respondent_type_label(value: str, answer: str) -> str:
    return str(RESPONDENT_TYPE_LABELS.get(value, answer))


KIND_LABELS = {"single": _("Eén antwoord"), "multiple": _("Meer antwoorden mogelijk"), "text": _("Open antwoord")}
