"""The English interface is complete: every message in the project's catalogs has a checked translation
(nothing left empty, no fuzzy guess that gettext would silently skip) with the same placeholders and markup,
and the main pages read in English show none of the Dutch interface texts that the catalog translates."""

import html
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from core.roles import Role
from tests.knowledgebase.factories import article

PO_FILES = sorted(path for root in settings.LOCALE_PATHS for path in Path(root).glob("*/LC_MESSAGES/*.po"))

# %(name)s, %s, %d (not %%), and str.format's {0} / {name}.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]|%[-#0 +]*\d*(?:\.\d+)?[sdifrx]|\{\w*\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def _tags(text: str) -> list[str]:
    return sorted(tag.lower() for tag in TAG.findall(text))


def _entries():
    for path in PO_FILES:
        for entry in polib.pofile(str(path)):
            if not entry.obsolete:
                yield path, entry


def _where(path, entry) -> str:
    return f"{path.parent.parent.name}: {entry.msgid[:70]!r}"


def test_there_are_catalogs_to_check():
    assert PO_FILES, "no .po files under LOCALE_PATHS"


def test_no_message_is_untranslated_or_fuzzy():
    problems = []
    for path, entry in _entries():
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy {_where(path, entry)}")
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                problems.append(f"untranslated plural {_where(path, entry)}")
        elif entry.msgid and not entry.msgstr:
            problems.append(f"untranslated {_where(path, entry)}")
    assert not problems, "\n".join(problems)


def test_translations_keep_the_placeholders_and_markup():
    problems = []
    for path, entry in _entries():
        if entry.msgid_plural:
            # msgstr[0] answers the singular, the other forms the plural; Dutch and English both have two forms.
            pairs = [(entry.msgid if i == 0 else entry.msgid_plural, s) for i, s in sorted(entry.msgstr_plural.items())]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, translation in pairs:
            if not translation:
                continue  # reported by the test above
            if _placeholders(source) != _placeholders(translation):
                problems.append(
                    f"placeholders {_where(path, entry)}: {_placeholders(source)} != {_placeholders(translation)}"
                )
            if _tags(source) != _tags(translation):
                problems.append(f"markup {_where(path, entry)}: {_tags(source)} != {_tags(translation)}")
    assert not problems, "\n".join(problems)


SOURCE_SUFFIXES = {".py", ".html", ".txt"}
NOT_SOURCE = {".venv", "var", "tests", "node_modules", "locale"}


@pytest.mark.skipif(not (shutil.which("xgettext") and shutil.which("msgmerge")), reason="needs GNU gettext")
def test_the_catalog_holds_every_translatable_text_of_the_code(tmp_path, monkeypatch):
    """A text added to the code without `makemessages` is shown in Dutch to English readers while the tests
    above stay green: makemessages runs here on a copy of the sources and must find nothing new."""
    root = Path(settings.BASE_DIR)
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = [d for d in subdirectories if d not in NOT_SOURCE and not d.startswith(".")]
        for name in files:
            if Path(name).suffix in SOURCE_SUFFIXES:
                target = tmp_path / Path(directory).relative_to(root) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(directory) / name, target)
    for path in PO_FILES:
        target = tmp_path / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    monkeypatch.chdir(tmp_path)
    languages = sorted({path.parent.parent.name for path in PO_FILES})
    call_command("makemessages", locale=languages, no_obsolete=True, verbosity=0)
    missing = []
    for path in PO_FILES:
        committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if not e.obsolete}
        fresh = polib.pofile(str(tmp_path / path.relative_to(root)))
        missing += [f"{_where(path, e)}" for e in fresh if not e.obsolete and (e.msgctxt, e.msgid) not in committed]
    assert not missing, "run makemessages and translate:\n" + "\n".join(missing)


# --- The English pages ------------------------------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """What a person sees or hears: text outside script and style, the texts in attributes, and the texts
    that scripts show (data-* attributes)."""

    ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "value"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "input" and ("type", "hidden") in attrs:
            return
        self.parts.extend(
            value for name, value in attrs if value and (name in self.ATTRIBUTES or name.startswith("data-"))
        )

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible(page_html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(page_html)
    return [text for text in (" ".join(part.split()) for part in parser.parts) if text]


def _translated_dutch_texts() -> set[str]:
    """Dutch interface texts that English replaces by something else (whole texts without placeholders)."""
    texts = set()
    for _path, entry in _entries():
        if entry.msgid_plural or PLACEHOLDER.search(entry.msgid) or "<" in entry.msgid:
            continue
        text = " ".join(html.unescape(entry.msgid).split())
        if len(text) >= 4 and entry.msgstr and " ".join(entry.msgstr.split()) != text:
            texts.add(text)
    return texts


def _shown(texts: set[str], page_texts: list[str]) -> list[str]:
    """The texts that make up a whole text or label on the page, or a sentence of three words or more in it:
    a single word inside the content (a Dutch article about a 'kennisbank') is not interface text."""
    shown = {label for label in (text.rstrip(":") for text in page_texts) if label in texts}
    for text in texts:
        if len(text.split()) >= 3 and any(text in page_text for page_text in page_texts):
            shown.add(text)
    return sorted(shown)


@pytest.fixture
def english(client):
    def _get(path):
        client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
        dutch = client.get(path)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = client.get(path)
        assert dutch.status_code == english.status_code == 200, path
        assert english["Content-Language"] == "en"
        return _visible(dutch.text), _visible(english.text)

    return _get


KEY_PAGES = ["/", "/account/inloggen/", "/zoeken/", "/zoeken/?q=schuur"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "partner"])
def test_key_pages_in_english_show_no_dutch_interface_text(english, client, reference_data, make_user, who):
    article("Schuur als voorbeeld")  # something for the search to find
    if who == "partner":
        client.force_login(make_user(Role.PARTNER, district="KEN"))
    texts = _translated_dutch_texts()
    dutch_left = {}
    for path in KEY_PAGES if who == "anonymous" else ["/", "/zoeken/?q=schuur"]:
        dutch, in_english = english(path)
        on_the_page = set(_shown(texts, dutch))
        assert len(on_the_page) >= 5, f"{path}: the Dutch page shows too few catalog texts to compare"
        if left := _shown(on_the_page, in_english):
            dutch_left[path] = left
    assert dutch_left == {}
