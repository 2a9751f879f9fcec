"""Reading back what a PDF made with the standard fonts shows, for assertions on its text."""

import re
import zlib


def pdf_strings(content: bytes) -> str:
    """The text of the (…) Tj strings of a PDF's content streams, joined by spaces."""
    return " ".join(pdf_string_list(content))


def pdf_string_list(content: bytes) -> list[str]:
    """Every (…) Tj string of a PDF's content streams, in the order they are drawn."""
    found = []
    # fpdf2 ends each line with "\n"; a compressed stream may itself end in a "\r" byte, so none is stripped.
    for stream in re.finditer(rb"stream\n(.*?)\nendstream", content, re.S):
        try:
            data = zlib.decompressobj().decompress(stream.group(1))
        except zlib.error:
            continue
        for text in re.finditer(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", data):
            found.append(re.sub(rb"\\(.)", rb"\1", text.group(1)).decode("cp1252"))
    return found
