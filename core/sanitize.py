"""Rich text that comes from forms and imports, cleaned with nh3 (the maintained Rust sanitiser, ammonia).

Only the tags the portal's rich text uses survive; scripts, styles, event attributes and `javascript:`
or `data:` links never do. Wagtail's own editor is safe by construction; everything else passes here."""

import html
import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {"p", "br", "b", "strong", "i", "em", "ul", "ol", "li", "a", "h2", "h3"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
_HAS_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


def _markup_block_to_html(block: str) -> str:
    lines = block.split("\n")
    if block.startswith("## "):
        heading, _newline, rest = block.partition("\n")
        after = _markup_block_to_html(rest.strip()) if rest.strip() else ""
        return "<h2>" + html.escape(heading[3:].strip()) + "</h2>" + after
    if all(line.lstrip().startswith(("- ", "* ")) for line in lines):
        return "<ul>" + "".join("<li>" + html.escape(line.lstrip()[2:].strip()) + "</li>" for line in lines) + "</ul>"
    return "<p>" + "<br>".join(html.escape(line) for line in lines) + "</p>"


def clean_rich_text(value: str) -> str:
    """Clean HTML. Text without tags is the portal's plain markup: blank lines separate paragraphs,
    "## " starts a heading and "- " a list item (what a textarea user can type without an editor)."""
    value = (value or "").replace("\r\n", "\n").strip()
    if not value:
        return ""
    if not _HAS_TAG.search(value):
        blocks = [b.strip() for b in re.split(r"\n\s*\n", value) if b.strip()]
        return "".join(_markup_block_to_html(b) for b in blocks)
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def clean_plain_text(value: str) -> str:
    """Text meant to be plain: every tag removed; templates escape it again on output."""
    return html.unescape(nh3.clean(value or "", tags=set(), attributes={})).strip()


class _MarkupWriter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.prefix = ""
        self.href = ""

    def _flush(self):
        text = "".join(self.current).strip()
        if text:
            self.blocks.append(self.prefix + text)
        self.current, self.prefix = [], ""

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "h2", "h3", "li"):
            self._flush()
            self.prefix = {"h2": "## ", "h3": "## ", "li": "- "}.get(tag, "")
        elif tag == "br":
            self.current.append("\n")
        elif tag == "a":
            self.href = dict(attrs).get("href") or ""

    def handle_endtag(self, tag):
        if tag in ("p", "h2", "h3", "li"):
            self._flush()
        elif tag == "a" and self.href:
            self.current.append(f" ({self.href})")
            self.href = ""

    def handle_data(self, data):
        self.current.append(data)


def rich_text_to_markup(value: str) -> str:
    """The inverse of clean_rich_text's markup, for editing stored text in a plain textarea."""
    writer = _MarkupWriter()
    writer.feed(value or "")
    writer.close()
    writer._flush()
    out = []
    for block in writer.blocks:
        if out and block.startswith("- ") and out[-1].startswith("- "):
            out[-1] += "\n" + block
        else:
            out.append(block)
    return "\n\n".join(out)
