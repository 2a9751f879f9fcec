"""The title suggestions announce how many there are ("3 suggestions") in the language of the page: the
words come from the translated template, not from Dutch written into the script."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "vbg_platform" / "static" / "js" / "search-suggest.js"

# search-suggest.js in node with just enough of a DOM: one search box with the attributes the page gave it,
# ArrowDown asks for suggestions, the answer has `count` titles; prints what the live region says.
HARNESS = r"""
const vm = require("vm");
const [code, attrs, count] = [process.argv[1], JSON.parse(process.argv[2]), Number(process.argv[3])];
class El {
  constructor(tag) { this.tagName = tag; this.attrs = {}; this.children = []; this.dataset = {};
                     this.listeners = {}; this.hidden = false; this.textContent = ""; this.id = ""; }
  setAttribute(k, v) { this.attrs[k] = String(v); }
  getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; }
  removeAttribute(k) { delete this.attrs[k]; }
  appendChild(c) { this.children.push(c); c.parentNode = this; return c; }
  addEventListener(type, fn) { this.listeners[type] = fn; }
  querySelectorAll() { return this.children.filter((c) => c.attrs.role === "option"); }
}
const box = new El("div");
const input = box.appendChild(new El("input"));
input.id = "zoekterm";
input.value = "schuur";
input.dataset.titleSuggestions = "/zoeken/titels/";
for (const [k, v] of Object.entries(attrs)) { input.setAttribute(k, v); }
const results = Array.from({length: count}, (_, i) => ({url: "/p" + i + "/", title: "Titel " + i, type: "Pagina"}));
const sandbox = {
  document: {createElement: (t) => new El(t), querySelectorAll: () => [input]},
  window: {setTimeout: () => 1, clearTimeout: () => {}, location: {assign: () => {}}},
  fetch: () => Promise.resolve({ok: true, json: () => Promise.resolve({results})}),
  encodeURIComponent,
};
vm.runInNewContext(code, sandbox);
input.listeners.keydown({key: "ArrowDown", preventDefault: () => {}});
setTimeout(() => process.stdout.write(box.children[2].textContent), 20);
"""


def _suggest_attributes(page_html: str) -> dict[str, str]:
    box = re.search(r'<input[^>]*id="kop-zoekterm"[^>]*>', page_html, flags=re.S).group(0)
    return dict(re.findall(r'(data-suggest-(?:one|many))="([^"]*)"', box))


@pytest.fixture
def page_attributes(client, reference_data):
    def _get(language):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return _suggest_attributes(client.get("/zoeken/").text)

    return _get


def test_the_script_holds_no_dutch_count_words():
    code = SCRIPT.read_text()
    assert '" suggestie' not in code and 'suggesties"' not in code.replace('"-suggesties"', "")


@pytest.mark.django_db
def test_the_count_words_come_translated_from_the_template(page_attributes):
    assert page_attributes("nl") == {"data-suggest-one": "{n} suggestie", "data-suggest-many": "{n} suggesties"}
    assert page_attributes("en") == {"data-suggest-one": "{n} suggestion", "data-suggest-many": "{n} suggestions"}


@pytest.mark.django_db
@pytest.mark.skipif(not shutil.which("node"), reason="needs node to run the script")
def test_the_script_announces_the_count_in_the_language_of_the_page(page_attributes):
    def announced(attributes, count):
        args = ["node", "-e", HARNESS, SCRIPT.read_text(), json.dumps(attributes), str(count)]
        return subprocess.run(args, capture_output=True, text=True, timeout=30, check=True).stdout

    english = page_attributes("en")
    assert announced(english, 1) == "1 suggestion"
    assert announced(english, 3) == "3 suggestions"
    assert announced(page_attributes("nl"), 3) == "3 suggesties"
