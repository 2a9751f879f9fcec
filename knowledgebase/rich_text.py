"""Text for an article's text block ("paragraph"), stored in the form its editor reads and writes.

Wagtail's editor (Draftail) reads stored HTML with Python's HTMLParser, which knows no void elements: a `<br>`
as nh3 writes it stays open until the `</p>`, and opening the page fails with "Unmatched tags: expected br,
got p" (issue #19.11); a list item outside a list fails too. Text that reaches a text block from anywhere but
the editor itself (the partners' contribution form, a lesson drafted from an integrale actie, demo data)
passes here first: repaired, then written by the editor's own converter, so the editor always opens it."""

import functools
import html
import re

from bs4 import BeautifulSoup
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

from .blocks import ARTICLE_RICH_TEXT_FEATURES

_LIST_LINE = re.compile(r"^\s*[-*] ")
_BLANK_LINE = re.compile(r"\n\s*\n")


@functools.cache
def _converter() -> ContentstateConverter:
    return ContentstateConverter(ARTICLE_RICH_TEXT_FEATURES)


def separate_lists(markup: str) -> str:
    """The portal's plain markup with every run of "- " lines a block of its own: a partner types a line of
    introduction and the items under it without a blank line between, and expects a list."""
    blocks = []
    for block in _BLANK_LINE.split((markup or "").replace("\r\n", "\n")):
        runs: list[list[str]] = []
        for line in block.split("\n"):
            is_item = bool(_LIST_LINE.match(line))
            # A heading line ("## ") keeps the lines under it: clean_rich_text splits those off itself.
            if runs and bool(_LIST_LINE.match(runs[-1][-1])) == is_item:
                runs[-1].append(line)
            else:
                runs.append([line])
        blocks.extend("\n".join(run) for run in runs)
    return "\n\n".join(blocks)


def _repaired(value: str) -> str:
    """Well-formed HTML: void elements closed (`<br/>`), list items inside a list."""
    soup = BeautifulSoup(value, "html.parser")
    for item in soup.find_all("li"):
        if item.parent is None or item.parent.name not in ("ul", "ol"):
            item.wrap(soup.new_tag("ul"))
    return str(soup)


def _plain_paragraphs(value: str) -> str:
    text = BeautifulSoup(value, "html.parser").get_text("\n")
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines)


def editor_html(value: str) -> str:
    """Cleaned HTML (core.sanitize.clean_rich_text) as the text block's editor stores it."""
    converter = _converter()
    try:
        return converter.to_database_format(converter.from_database_format(_repaired(value or "")))
    except AssertionError:
        # A structure the editor cannot read, whatever the repair: keep the words, lose the markup.
        return converter.to_database_format(converter.from_database_format(_plain_paragraphs(value or "")))
