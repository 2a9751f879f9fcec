"""The site's fixed page tree (home and the statements). Idempotent: existing pages are kept."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Locale, Page, Site

from core.roles import GROUP_NAMES, Role

from .models import HomePage, PrivacyStatementPage, StatementPage

HOME_INTRO = (
    "Samen houden we het buitengebied van Noord-Holland veilig. Dit portaal ondersteunt het "
    "Modulair Programma Veilig Buitengebied van Noord-Holland Samen Veilig: de districtsplatforms, "
    "de kennisbank met best practices en lessons learned, en de voortgang van de gemeenten."
)
HOME_BODY = (
    "<h2>Waarom dit programma</h2>"
    "<p>Criminelen zoeken leegstaande schuren en loodsen in het buitengebied voor hennepkwekerijen en "
    "drugslabs. Gemeenten, politie, waterschappen, netbeheerders, natuurbeheerders en agrarische "
    "ondernemers zien elk een deel van het beeld. Door kennis te delen en samen op te trekken, "
    "krijgen we meer grip op het buitengebied.</p>"
    "<h2>De vijf modules</h2>"
    "<ol><li>Startmodule: onderzoek buitengebied en handelingsperspectief</li><li>Voorlichting</li>"
    "<li>Professionalisering</li><li>Publiek-private samenwerking</li>"
    "<li>Bewustwording op Locatie</li></ol>"
    "<p>Ziet u iets verdachts? Bel de politie via 0900-8844 of meld anoniem bij Meld Misdaad Anoniem: "
    "0800-7000.</p>"
)
# The statement in the Dutch model format (digitoegankelijk.nl): compliance status, date and method of the last
# test, known issues, contact and the ombudsman. Editable in Wagtail; seeding only fills it where it is untouched.
ACCESSIBILITY_BODY = (
    "<p>Noord-Holland Samen Veilig wil dat iedereen het portaal Veilig Buitengebied kan gebruiken. Het portaal "
    "moet voldoen aan de Web Content Accessibility Guidelines (WCAG) 2.1 op niveau A en AA, zoals het Besluit "
    "digitale toegankelijkheid overheid vraagt.</p>"
    "<h2>Nalevingsstatus</h2>"
    "<p>Status C: eerste maatregelen genomen. Het portaal voldoet voor zover wij het zelf hebben getoetst aan "
    "WCAG 2.1 AA, met de afwijkingen hieronder. Een onderzoek door een onafhankelijke deskundige volgens de "
    "WCAG-EM-methode is nog niet gedaan; daarom claimen we geen volledige naleving.</p>"
    "<h2>Datum en methode van het laatste onderzoek</h2>"
    "<p>7 december 2026, door het ontwikkelteam zelf. Automatisch: elke soort pagina voor elke rol, op een "
    "scherm van 320 en van 1.280 pixels breed, met axe-core (WCAG 2.1 A en AA) en een controle dat geen pagina "
    "zijwaarts scrolt. Met de hand: bediening met alleen het toetsenbord, zichtbare focus, het menu op een "
    "smal scherm en de taal van onderdelen.</p>"
    "<h2>Bekende problemen</h2><ul>"
    "<li>De beheeromgeving voor het secretariaat (Wagtail) is niet door ons getoetst.</li>"
    "<li>PDF-bestanden die het portaal maakt (agenda, notulen, enquêtebrieven en rapporten) en documenten die "
    "partners uploaden zijn niet getoetst op toegankelijkheid (PDF/UA).</li>"
    "<li>Teksten, afbeeldingen en video's van partners en het secretariaat controleren we niet automatisch op "
    "alternatieve tekst, ondertiteling of duidelijke koppen.</li>"
    "<li>Brede tabellen (cijfers, voortgang, actiepunten, versies van notulen) scrollen op een smal scherm "
    "binnen hun eigen kader zijwaarts.</li>"
    "<li>Kiest u Engels, dan blijft de inhoud Nederlands. Die inhoud is gemarkeerd als Nederlands, behalve de "
    "titel van het browsertabblad.</li></ul>"
    "<h2>Contact</h2><p>Werkt iets niet, of heeft u een vraag over de toegankelijkheid? Neem contact op met "
    "het secretariaat van Noord-Holland Samen Veilig. U krijgt binnen vijf werkdagen een ontvangstbevestiging "
    "en binnen drie weken een inhoudelijke reactie.</p>"
    "<h2>Handhaving</h2><p>Bent u niet tevreden over de manier waarop uw verzoek of klacht is behandeld? Dan "
    "kunt u contact opnemen met de Nationale ombudsman (www.nationaleombudsman.nl) of met de ombudsman van uw "
    "gemeente.</p>"
)
# The body seeded before the model format; a statement still holding it exactly is brought up to date.
ACCESSIBILITY_BODY_BEFORE_MODEL = (
    "<p>Noord-Holland Samen Veilig wil dat iedereen dit portaal kan gebruiken. We bouwen het volgens de "
    "Web Content Accessibility Guidelines (WCAG) 2.1 op niveau AA, zoals het Besluit digitale "
    "toegankelijkheid overheid vraagt.</p>"
    "<h2>Wat we doen</h2><ul><li>Elke pagina heeft een link om direct naar de inhoud te gaan.</li>"
    "<li>Alles werkt met het toetsenbord en de focus is altijd zichtbaar.</li>"
    "<li>Formulieren hebben labels en duidelijke foutmeldingen.</li>"
    "<li>Kleuren hebben voldoende contrast.</li>"
    "<li>We testen elke wijziging automatisch met axe-core.</li></ul>"
    "<h2>Iets werkt niet?</h2><p>Laat het ons weten via het secretariaat van Noord-Holland Samen Veilig. "
    "We reageren binnen vijf werkdagen.</p>"
)
PRIVACY_BODY = (
    "<p>Noord-Holland Samen Veilig (NHSV) is verantwoordelijk voor de verwerking van persoonsgegevens in "
    "dit portaal. We verwerken alleen wat nodig is om de districtsplatforms en het programma te laten "
    "werken, op grond van de publieke taak van de deelnemende gemeenten.</p>"
    "<h2>Welke gegevens</h2><ul><li>Naam, functie, organisatie en contactgegevens van deelnemers aan de "
    "platforms.</li><li>Uw toestemming om in het smoelenboek (Wie is wie) te staan.</li>"
    "<li>Inloggegevens en een beveiligingslog.</li></ul>"
    "<h2>Doorverwijzingen naar een coach</h2><p>Gegevens over doorverwijzingen naar een (agrarische) coach "
    "zijn vertrouwelijk. Alleen de toegewezen coach en de coachcoördinator kunnen ze inzien; iedere "
    "inzage wordt vastgelegd en de functionaris gegevensbescherming controleert dat.</p>"
    "<h2>Uw rechten</h2><p>U kunt uw gegevens inzien, laten verbeteren of laten verwijderen. Neem daarvoor "
    "contact op met de functionaris gegevensbescherming van NHSV.</p>"
)


@transaction.atomic
def site_pages_ensure() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root", live=True))
        # Wagtail's "Welcome" page from its initial migration (a plain Page): ours replaces it.
        for page in root.get_children():
            if page.specific_class is Page:
                page.delete()
        home = root.add_child(
            instance=HomePage(title="Veilig Buitengebied", slug="home", intro=HOME_INTRO, body=HOME_BODY)
        )
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "root_page": home, "site_name": "Veilig Buitengebied"},
        )
    if not PrivacyStatementPage.objects.exists():
        home.add_child(
            instance=PrivacyStatementPage(title="Privacyverklaring", slug="privacyverklaring", body=PRIVACY_BODY)
        )
    if not StatementPage.objects.filter(slug="toegankelijkheidsverklaring").exists():
        home.add_child(
            instance=StatementPage(
                title="Toegankelijkheidsverklaring", slug="toegankelijkheidsverklaring", body=ACCESSIBILITY_BODY
            )
        )
    _statements_publish()
    return home


def _statements_publish() -> None:
    """A statement shows "Laatst bijgewerkt" from its last publication: one never published through Wagtail (seeded
    by add_child) gets a published revision, and an accessibility statement still holding the old seeded text gets
    the model-format text. Idempotent: a published statement edited by the secretariat is left alone."""
    for statement in StatementPage.objects.specific():
        if statement.slug == "toegankelijkheidsverklaring" and statement.body == ACCESSIBILITY_BODY_BEFORE_MODEL:
            statement.body = ACCESSIBILITY_BODY
        elif statement.last_published_at is not None:
            continue
        statement.save_revision().publish()


# The secretariat edits and publishes every page and manages documents and images.
SECRETARIAT_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
    "bulk_delete_page",
]
SECRETARIAT_COLLECTION_PERMISSIONS = {
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
    "wagtailimages": ["add_image", "change_image", "choose_image"],
}


@transaction.atomic
def cms_permissions_ensure(home: Page) -> None:
    """Give the secretariat its Wagtail rights on the page tree and the collections. Idempotent."""
    secretariat = Group.objects.get(name=GROUP_NAMES[Role.SECRETARIAT])
    for codename in SECRETARIAT_PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=secretariat, page=home, permission=permission)
    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for app_label, codenames in SECRETARIAT_COLLECTION_PERMISSIONS.items():
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            GroupCollectionPermission.objects.get_or_create(
                group=secretariat, collection=root_collection, permission=permission
            )
