"""Synonym groups the secretariat edits in the admin, as a lookup table for query parsing (cached)."""

from django.core.cache import cache

from .analysis import words
from .models import SynonymGroup

CACHE_KEY = "search:synonyms:v2"  # v2: the tables cached before migration 0005

# The groups a new installation starts with; the secretariat keeps them up to date in the admin. Drawn from the
# programme text, the partner types and themes of the reference data and the way partners write (abbreviations
# beside full names, everyday words beside official ones). Each group holds words for one and the same thing,
# so none pulls in pages about something else: "kwekerij" alone (a tree nursery) or "OM" (the word "om") are
# left out on purpose. Migration 0005 and `seed_reference_data` add the groups none of whose words the
# database's groups hold yet (`default_synonyms_ensure`), so a group the secretariat edited is never changed.
DEFAULT_SYNONYMS = [
    # The first ten, as migration 0002 put them in place.
    ("hennepkwekerij, wietplantage, wietkwekerij, kwekerij, hennepplantage", "cannabis"),
    ("drugsafval, drugsdumping, drugsdump", "afval van drugsproductie"),
    ("AOV, adviseur openbare veiligheid", "functie"),
    ("BOL, bewustwording op locatie", "module 5"),
    ("XTC, MDMA, ecstasy", "synthetische drugs"),
    ("drugslab, drugslaboratorium, productielocatie", "synthetische drugs"),
    ("schuur, loods, stal, opstal", "agrarische gebouwen"),
    ("leegstand, leegstaand, leegstaande", "vastgoed"),
    ("ondermijning, ondermijnende criminaliteit", "thema"),
    ("RIEC, regionaal informatie- en expertisecentrum", "partner"),
    # Issue #21: partners, roles and abbreviations.
    ("hennepteelt, wietteelt, cannabisteelt", "thema hennep"),
    ("hennep, wiet, cannabis", "thema hennep"),
    ("LTO, LTO Noord, land- en tuinbouworganisatie, boerenorganisatie", "partner"),
    ("NVWA, Nederlandse Voedsel- en Warenautoriteit, voedselautoriteit", "partner"),
    ("openbaar ministerie, OvJ, officier van justitie", "partner; 'OM' is ook het woord 'om'"),
    ("BOA, boa's, buitengewoon opsporingsambtenaar, handhaver, handhavers", "partner handhaving"),
    ("MMA, Meld Misdaad Anoniem, anoniem melden", "partner"),
    ("CCV, Centrum voor Criminaliteitspreventie en Veiligheid", "partner"),
    ("NHSV, Noord-Holland Samen Veilig", "secretariaat"),
    ("HHNK, Hoogheemraadschap Hollands Noorderkwartier", "partner"),
    ("waterschap, hoogheemraadschap", "partner"),
    ("ODNHN, Omgevingsdienst Noord-Holland Noord", "partner"),
    ("omgevingsdienst, milieudienst", "partner"),
    ("WBE, wildbeheereenheid", "partner"),
    ("PWN, drinkwaterbedrijf", "partner"),
    ("netbeheerder, Liander", "partner"),
    ("SBB, Staatsbosbeheer", "partner"),
    ("PNH, Provincie Noord-Holland", "partner"),
    ("VRNHN, Veiligheidsregio Noord-Holland Noord", "partner"),
    ("ANV, agrarische natuurvereniging", "partner"),
    ("Hiswa, Recron, Hiswa-Recron, recreatieondernemers", "partner"),
    ("PPS, publiek-private samenwerking", "thema"),
    ("wijkagent, wijkagenten, politie", "partner"),
    # Everyday words beside official ones.
    ("camping, vakantiepark, recreatiepark, recreatieterrein, bungalowpark", "thema recreatie"),
    ("veearts, dierenarts", "beroep"),
    ("boer, boeren, agrariër, agrariërs, agrarisch ondernemer, agrarische ondernemers, landbouwer", "doelgroep"),
    ("erfbezoek, erfbezoeken, integrale actie, integrale acties", "module 4"),
    ("financiële nood, financiële problemen, geldzorgen, schulden", "thema agrarisch"),
    ("stroomdiefstal, illegale aftap, stroom aftappen", "signaal"),
    ("mestkelder, mestput, mestsilo", "agrarische gebouwen"),
    ("grondeigenaar, grondeigenaren, landeigenaar, grondbezitter", "partner grondbezit"),
    ("sportvissers, hengelaars", "partner sportvisserij"),
    ("voorlichting, informatieavond, voorlichtingsavond", "communicatie"),
    ("pers, media, journalisten", "thema communicatie"),
    ("chemicaliën, chemische stoffen", "signaal"),
    ("signalenkaart, signaleringskaart", "materiaal"),
    ("omgevingsplan, bestemmingsplan", "beleid"),
]


def synonym_table() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Every word or phrase of a group maps to all members of its group (folded word tuples)."""
    table = cache.get(CACHE_KEY)
    if table is None:
        table = build_table(group.members() for group in SynonymGroup.objects.all())
        cache.set(CACHE_KEY, table, 3600)
    return table


def build_table(groups) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    table: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for members in groups:
        folded = [tuple(words(member)) for member in members]
        folded = [m for m in dict.fromkeys(folded) if m]
        for member in folded:
            merged = table.setdefault(member, [])
            merged.extend(m for m in folded if m not in merged)
    return {key: tuple(value) for key, value in table.items()}


def synonyms_changed() -> None:
    cache.delete(CACHE_KEY)


def default_synonyms_ensure(model=SynonymGroup, *, in_migration: bool = False) -> int:
    """Add each default group none of whose words a group in the database holds yet (a new or emptied
    database gets them all; a database that has the older list gets the new groups). Groups already there,
    whoever wrote them, are never changed. Part of `seed_reference_data` and of migration 0005 (which
    passes its historical model). Returns the number created."""
    present = {
        tuple(words(member)) for terms in model.objects.values_list("terms", flat=True) for member in terms.split(",")
    }
    missing = []
    for terms, note in DEFAULT_SYNONYMS:
        members = {tuple(words(member)) for member in terms.split(",")}
        if not members & present:
            missing.append(model(terms=terms, note=note))
            present |= members
    created = model.objects.bulk_create(missing)
    if created and not in_migration:  # a migration may run before the cache table exists
        synonyms_changed()
    return len(created)
