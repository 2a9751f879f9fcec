"""Dutch text analysis shared by the engines: folding, words, stop words, stems, synonyms, query parsing
and highlighted snippets.

The database engine indexes the stems made here; Elasticsearch does the same with its own analyzer
(search/engines/elasticsearch.py) and receives the same parsed query, so both engines expand synonyms and
drop operators identically. Nothing a user types reaches a query language unescaped: a query is reduced
to words of letters and digits before any engine sees it."""

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import snowballstemmer

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
MIN_PART_CHARS = 3  # a search for "lab" finds "drugslab"; shorter parts match too much

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')
_OPERATORS = frozenset({"AND", "OR", "NOT", "EN", "OF", "NIET"})

# Snowball's Dutch stop words, folded.
STOP_WORDS = frozenset(
    """
    aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus een eens en er
    ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is ja je kan kon
    kunnen maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat onder ons ook op over
    reeds te tegen toch toen tot u uit uw van veel voor want waren was wat werd wezen wie wil worden wordt
    zal ze zelf zich zij zijn zo zonder zou
    """.split()
) | frozenset(
    # Question and filler words people type around what they look for (issue #21): never required.
    """
    waar waarom wanneer welke welk hoeveel hoelang kun kunt kunnen mag mogen moeten wij we jij jullie onze
    jouw zijn word gaat ga doe doet krijg krijgt vind vindt zoek zoeken iets graag even
    """.split()
)

_stemmer = snowballstemmer.stemmer("dutch")


def fold(text: str) -> str:
    """Lower case without diacritics: "coördinator" and "coordinator" are the same word."""
    text = text or ""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def index_terms(text: str, lexicon: "Lexicon | None" = None) -> str:
    """The stems of a text, space separated, stop words left out, the parts of its compounds after them
    (what both databases index: SQLite's FTS5 and PostgreSQL's tsvector hold these same stems)."""
    return " ".join(stems_of(words(text), lexicon))


def stems_of(folded: list[str], lexicon: "Lexicon | None" = None) -> list[str]:
    """Stems of folded words without stop words; then, when a lexicon is given, the stems of the parts of
    every compound (at the end, so phrases still see the words as written next to each other)."""
    found = [stem(w) for w in folded if w not in STOP_WORDS]
    if lexicon is not None:
        found += [stem(part) for w in dict.fromkeys(folded) for part in lexicon.split(w)]
    return found


# --- Compounds ----------------------------------------------------------------------------------------
# Dutch writes compounds as one word ("bodemsanering", "hennepschuur", "drugslab"). A compound is split only
# at a real boundary: a known head, an optional linking -s-, -e- or -en-, and a known tail (itself split
# again when it is a compound). Known means: a word of the index's own vocabulary of at least four letters,
# or a word of the shipped list (search/data/compound_parts.txt), which alone supplies the three-letter parts
# ("lab", "erf"). So "stal" never matches "installatie" (no known head "in") and "erf" never "werf".

MIN_COMPOUND_CHARS = 6
MIN_VOCABULARY_PART = 4
LINKERS = ("", "s", "en", "e")
COMPOUND_DATA = Path(__file__).resolve().parent / "data" / "compound_parts.txt"


def _data_words(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in words(line))


@lru_cache(maxsize=1)
def shipped_parts() -> frozenset[str]:
    return _data_words(COMPOUND_DATA)


# Words that look like compounds of known words but are not used as such: "diefstal" is no kind of "stal",
# "meestal" no "tal", "kasstroom" (cash flow) no greenhouse ("kas").
NOT_COMPOUNDS = frozenset(
    """
    diefstal meestal kasstroom kassa kasten installatie achterstallig programma bevat eventueel tenminste
    misschien werkelijk eigenlijk natuurlijk afspraak gesprek verslag bestuur bedrijf gebied
    """.split()
)


class Lexicon:
    """The known words compounds are split into: the index vocabulary (folded words) and the shipped list."""

    def __init__(self, vocabulary=()):
        self.vocabulary = vocabulary if isinstance(vocabulary, (set, frozenset, dict)) else set(vocabulary)
        self.parts = shipped_parts()
        self._splits: dict[str, tuple[str, ...]] = {}

    def known(self, word: str) -> bool:
        if word in STOP_WORDS:
            return False
        return word in self.parts or (len(word) >= MIN_VOCABULARY_PART and word in self.vocabulary)

    def split(self, word: str) -> tuple[str, ...]:
        """The parts of a compound, longest known head first; () when the word is no compound of known words."""
        found = self._splits.get(word)
        if found is None:
            found = self._split(word, 0)
            if len(self._splits) > 100_000:
                self._splits.clear()
            self._splits[word] = found
        return found

    def _split(self, word: str, depth: int) -> tuple[str, ...]:
        if len(word) < MIN_COMPOUND_CHARS or word in NOT_COMPOUNDS or not word.isalpha() or depth > 3:
            return ()
        for cut in range(len(word) - 3, 2, -1):
            head, rest = word[:cut], word[cut:]
            if not self.known(head):
                continue
            for linker in LINKERS:
                if not rest.startswith(linker) or len(rest) - len(linker) < 3:
                    continue
                tail = rest[len(linker) :]
                if self.known(tail):
                    return (head, tail)
                deeper = self._split(tail, depth + 1)
                if deeper:
                    return (head, *deeper)
        return ()

    @staticmethod
    def candidates(word: str) -> set[str]:
        """Every head and tail a split of this word could ask about (to look up in the vocabulary at once)."""
        if len(word) < MIN_COMPOUND_CHARS:
            return set()
        return {word[:i] for i in range(3, len(word) - 2)} | {word[i:] for i in range(3, len(word) - 2)}


@dataclass(frozen=True)
class Term:
    """One thing the user asked for; it matches when any alternative (a word or a phrase) matches."""

    text: str
    alternatives: tuple[tuple[str, ...], ...]
    # Compounds split into their parts ("bodemsanering" -> ("bodem", "sanering")): an alternative that
    # matches when every part occurs, anywhere in the document ("sanering van de bodem").
    parts: tuple[tuple[str, ...], ...] = ()
    # Near spellings of a word no document has as typed ("wietplantge" -> "wietplantage" and its synonyms):
    # they find and rank documents, but a document matching only through them lacks the word as typed.
    near: tuple[tuple[str, ...], ...] = ()

    @property
    def allows_parts(self) -> bool:
        """A single word that may be split into parts when it is a compound."""
        return len(self.alternatives[0]) == 1 and len(self.text) >= MIN_PART_CHARS


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    terms: tuple[Term, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()
    ignored: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.phrases

    @property
    def all_words(self) -> set[str]:
        """Every folded word that counts as a match, for highlighting."""
        found = {
            w
            for term in self.terms
            for alternative in (*term.alternatives, *term.parts, *term.near)
            for w in alternative
        }
        found.update(w for phrase in self.phrases for w in phrase)
        return found

    def with_near(self, corrections: dict[str, str], *, synonyms: dict | None = None) -> "ParsedQuery":
        """The same query, each corrected word keeping its place with the correction (and its synonyms) as
        near alternatives: the reader's own words stay, and documents with the corrected word are found."""
        table = _synonym_table() if synonyms is None else synonyms
        terms = []
        for term in self.terms:
            corrected = corrections.get(term.text)
            if corrected and len(term.alternatives[0]) == 1:
                (found,) = _terms_with_synonyms([corrected], table)
                term = Term(text=term.text, alternatives=term.alternatives, parts=term.parts, near=found.alternatives)
            terms.append(term)
        return ParsedQuery(raw=self.raw, terms=tuple(terms), phrases=self.phrases, excluded=self.excluded)

    def replacing(self, corrections: dict[str, str], *, synonyms: dict | None = None) -> "ParsedQuery":
        """The same query with some words corrected (for "bedoelde u")."""
        text = " ".join(corrections.get(term.text, term.text) for term in self.terms)
        extra = " ".join(f'"{" ".join(p)}"' for p in self.phrases)
        return parse_query(f"{text} {extra}".strip(), synonyms=synonyms)


def _synonym_table() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    from .synonyms import synonym_table  # here: synonyms imports analysis

    return synonym_table()


def parse_query(raw: str, *, synonyms: dict | None = None) -> ParsedQuery:
    """Words, "phrases" and -excluded words; everything else (brackets, operators, field syntax, SQL) is
    dropped. Synonym groups expand a word or a run of words into alternatives."""
    raw = (raw or "").strip()[:MAX_QUERY_CHARS]
    table = _synonym_table() if synonyms is None else synonyms
    phrases = []
    for match in _PHRASE.findall(raw):
        phrase = tuple(w for w in words(match))
        if len(phrase) > 1:
            phrases.append(phrase)
        elif phrase:
            raw = raw + " " + phrase[0]
    rest = _PHRASE.sub(" ", raw)
    tokens, excluded, ignored = [], [], []
    for piece in rest.split():
        negative = piece.startswith("-") and len(piece) > 1
        for original in _WORD.findall(piece):
            if original in _OPERATORS:
                ignored.append(original)
                continue
            word = fold(original)
            if negative:
                excluded.append(word)
            else:
                tokens.append(word)
    terms = _terms_with_synonyms(tokens, table)
    meaningful = [t for t in terms if not (len(t.alternatives[0]) == 1 and t.text in STOP_WORDS)]
    terms = meaningful or terms
    return ParsedQuery(
        raw=raw,
        terms=tuple(terms[:MAX_TERMS]),
        phrases=tuple(phrases[:3]),
        excluded=tuple(dict.fromkeys(excluded))[:5],
        ignored=tuple(ignored),
    )


def _terms_with_synonyms(tokens: list[str], table: dict) -> list[Term]:
    longest = max((len(key) for key in table), default=1)
    terms, position = [], 0
    seen = set()
    while position < len(tokens):
        for size in range(min(longest, len(tokens) - position), 0, -1):
            key = tuple(tokens[position : position + size])
            if size == 1 or key in table:
                alternatives = table.get(key, ())
                alternatives = (key, *(a for a in alternatives if a != key))
                text = " ".join(key)
                if text not in seen:
                    seen.add(text)
                    terms.append(Term(text=text, alternatives=alternatives))
                position += size
                break
    return terms


# --- Highlighting -------------------------------------------------------------------------------------

_ANY_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@lru_cache(maxsize=64)
def _matcher(query: ParsedQuery):
    """One matcher per query (queries are immutable): the hits of a page share most of their words."""
    exact = query.all_words
    stems = {stem(w) for w in exact}
    parts = {term.text for term in query.terms if term.allows_parts}
    lexicon = Lexicon()  # the shipped parts: marks "drugslab" for "lab", never "installatie" for "stal"

    seen: dict[str, bool] = {}  # a passage repeats its words: fold and stem each word once

    def matches(word: str) -> bool:
        found = seen.get(word)
        if found is None:
            if len(seen) > 20_000:  # the matcher is kept per query (lru_cache): stay small
                seen.clear()
            folded = fold(word)
            found = folded in exact or stem(folded) in stems or bool(parts.intersection(lexicon.split(folded)))
            seen[word] = found
        return found

    return matches


def highlight(text: str, query: ParsedQuery, *, matches=None) -> str:
    """Escaped text with <mark> around every matching word (titles)."""
    matches = matches or _matcher(query)
    out, last = [], 0
    for match in _ANY_WORD.finditer(text):
        word = match.group()
        # html.escape is what django.utils.html.escape applies, without a SafeString per piece.
        out.append(html.escape(text[last : match.start()]))
        out.append(f"<mark>{html.escape(word)}</mark>" if matches(word) else html.escape(word))
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


SNIPPET_SCAN_CHARS = 6000  # long minutes: look for the best passage in their first pages only


def _densest_window(positions: list[int], length: int) -> int:
    """The first position whose window [position, position + length) holds the most positions (the first
    such one on a tie). Positions are ascending."""
    best, start, end = -1, 0, 0
    for index, first in enumerate(positions):
        end = max(end, index)
        while end < len(positions) and positions[end] < first + length:
            end += 1
        if end - index > best:
            best, start = end - index, first
    return start


def snippet(text: str, query: ParsedQuery, *, length: int = 240) -> str:
    """The passage of about `length` characters with the most matches, escaped, matches marked."""
    text = " ".join((text or "")[:SNIPPET_SCAN_CHARS].split())
    if not text:
        return ""
    matches = _matcher(query)
    positions = [m.start() for m in _ANY_WORD.finditer(text) if matches(m.group())]
    if not positions or len(text) <= length:
        start = 0
    else:
        start = _densest_window(positions, length)
        start = max(0, start - length // 4)
        space = text.rfind(" ", 0, start)
        start = 0 if space < 0 else space + 1
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    body = highlight(text[start:end], query, matches=matches)
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")
