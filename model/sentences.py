"""Split text into sentence units with exact character offsets.

A unit is what the annotation guidelines call one: a sentence, a heading, a
bullet or a title. Offsets are half-open Python code-point offsets, so
``text[start:end]`` is the unit exactly. The splitter guarantees, for any
input string, that spans are in order, do not overlap, lie inside the text,
never start or end with whitespace, and together cover every non-whitespace
character.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Span", "split_sentences", "MAX_UNIT_CHARS"]

#: Units longer than this are cut at whitespace, so that one unpunctuated
#: 100k-character paste costs linear time and yields several scorable units.
MAX_UNIT_CHARS = 1000

# Abbreviations whose final period does not end a sentence (lower case, no
# final period). Units, initials and "e.g."-style forms are handled by rules.
_ABBREVIATIONS = frozenset(
    [
        "dr",
        "mr",
        "mrs",
        "ms",
        "mx",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "ft",
        "vs",
        "approx",
        "appr",
        "est",
        "ca",
        "cf",
        "al",
        "fig",
        "figs",
        "no",
        "nos",
        "vol",
        "vols",
        "ed",
        "eds",
        "ref",
        "refs",
        "dept",
        "univ",
        "inc",
        "ltd",
        "co",
        "corp",
        "assn",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "tbsp",
        "tsp",
        "oz",
        "lb",
        "lbs",
        "min",
        "max",
        "hrs",
        "hr",
        "wk",
        "wks",
        "mo",
        "mos",
        "yr",
        "yrs",
        "pt",
        "pts",
        "pp",
        "ph",
        "rx",
        "dx",
        "tx",
        "hx",
        "sx",
        "ie",
        "eg",
        "resp",
    ]
)

# A line starting with one of these is a unit of its own (bullets, list items).
_BULLET_START = re.compile(r"[-*•‣◦▪▸►✓✔☐☑–—·]\s|\d{1,3}[.)]\s|[(\[]?\d{1,3}[)\]]\s")
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CLOSERS = "\"'”’»)]}"
# Sentence-final punctuation, then any closing quotes or brackets, then
# whitespace (or the end of the block). Full-width stops need no space.
_TERMINATOR = re.compile(
    r"(?:\.{2,}|…|[.!?‼⁇⁈⁉]+)[" + re.escape(_CLOSERS) + r"]*(?=\s|$)|[。！？]+[" + re.escape(_CLOSERS) + r"]*"
)
_WORD_BEFORE = re.compile(r"([\w.'’-]*)\.$")
_INITIALS = re.compile(r"(?:\w\.)+\w?$|\w$")
_TERMINAL_CHARS = ".!?…:;。！？" + _CLOSERS


class Span(NamedTuple):
    """One unit: ``text[start:end]`` is the unit."""

    start: int
    end: int


def split_sentences(text: str) -> list[Span]:
    """Split ``text`` into sentence units.

    Parameters
    ----------
    text : str
        Any string, including empty, unpunctuated or non-Latin text.

    Returns
    -------
    list of Span
        Units in order, non-overlapping, whitespace-trimmed, covering every
        non-whitespace character of ``text``.
    """
    spans: list[Span] = []
    for block_start, block_end in _blocks(text):
        for start, end in _split_block(text, block_start, block_end):
            _append_trimmed(text, start, end, spans)
    return spans


def _blocks(text: str) -> list[tuple[int, int]]:
    """Cut the text at hard line breaks: blank lines, bullets and headings.

    A single line break inside running prose (a soft wrap) does not end a
    unit; the punctuation rules decide there.
    """
    lines: list[tuple[int, int]] = []
    pos = 0
    for m in _LINE_BREAK.finditer(text):
        lines.append((pos, m.start()))
        pos = m.end()
    lines.append((pos, len(text)))

    blocks: list[tuple[int, int]] = []
    block_start: int | None = None
    prev_content = ""
    for start, end in lines:
        content = text[start:end].strip()
        if not content:
            if block_start is not None:
                blocks.append((block_start, start))
                block_start = None
            prev_content = ""
            continue
        if block_start is None:
            block_start = start
        elif _is_hard_break(prev_content, content):
            blocks.append((block_start, start))
            block_start = start
        prev_content = content
    if block_start is not None:
        blocks.append((block_start, len(text)))
    return blocks


def _is_hard_break(previous: str, current: str) -> bool:
    if _BULLET_START.match(current) or _BULLET_START.match(previous):
        return True
    if previous[-1] in _TERMINAL_CHARS:
        # The punctuation rules will split here if a new sentence starts.
        return False
    # A line without final punctuation followed by a line that does not
    # continue it in lower case is a heading, a title or a list line.
    return not current[0].islower()


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    piece_start = start
    block = text[start:end]
    for m in _TERMINATOR.finditer(block):
        cut = start + m.end()
        if _is_boundary(text, start + m.start(), cut, end, m.group()):
            pieces.append((piece_start, cut))
            piece_start = cut
    pieces.append((piece_start, end))
    return pieces


def _is_boundary(text: str, punct_start: int, cut: int, block_end: int, punct: str) -> bool:
    following = text[cut:block_end].lstrip()
    if not following:
        return True
    if punct[0] in "。！？":
        return True
    if following[0].islower():
        # "e.g. kratom", "Wait... it works", "approx. 5 g" continue the unit.
        return False
    if punct.rstrip(_CLOSERS) == ".":
        word = _WORD_BEFORE.search(text, max(0, punct_start - 40), punct_start + 1)
        if word is not None:
            token = word.group(1).lower().rstrip("'’")
            if token in _ABBREVIATIONS or token.rstrip(".") in _ABBREVIATIONS:
                return False
            if _INITIALS.fullmatch(token) and (len(token) == 1 or "." in token):
                # Initials and dotted forms: "J. Smith", "U.S. Food", "e.g. Kratom".
                return False
    return True


def _append_trimmed(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_UNIT_CHARS:
        cut = _long_unit_cut(text, start, start + MAX_UNIT_CHARS)
        spans.append(Span(start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        spans.append(Span(start, end))


def _long_unit_cut(text: str, start: int, limit: int) -> int:
    """Cut a too-long unit at its last whitespace before ``limit``."""
    for i in range(limit, start + MAX_UNIT_CHARS // 2, -1):
        if text[i].isspace():
            end = i
            while end > start and text[end - 1].isspace():
                end -= 1
            return end
    return limit
