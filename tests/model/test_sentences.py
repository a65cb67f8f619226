"""The sentence splitter's contract: exact offsets, and the units a reader sees."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.sentences import MAX_UNIT_CHARS, split_sentences


def units(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kratom relieves pain. It may help anxiety.", ["Kratom relieves pain.", "It may help anxiety."]),
        ("Dr. Lee recommends it. Mr. Hale does not.", ["Dr. Lee recommends it.", "Mr. Hale does not."]),
        ("Use herbs, e.g. ginger or mint. Then rest.", ["Use herbs, e.g. ginger or mint.", "Then rest."]),
        ("Take approx. 2 g daily. Stop if dizzy.", ["Take approx. 2 g daily.", "Stop if dizzy."]),
        ("Take 1.5 g of 7-hydroxymitragynine. Wait.", ["Take 1.5 g of 7-hydroxymitragynine.", "Wait."]),
        ("It works... Or does it?", ["It works...", "Or does it?"]),
        ("Wait… it works.", ["Wait… it works."]),
        ('She said "It cured me." Then she left.', ['She said "It cured me."', "Then she left."]),
        ("The U.S. Food and Drug Administration warned.", ["The U.S. Food and Drug Administration warned."]),
        ("St. John's wort may help. Ask first.", ["St. John's wort may help.", "Ask first."]),
        ("Really?! Yes!", ["Really?!", "Yes!"]),
        ("Kratom for Anxiety\nKratom is a tree.", ["Kratom for Anxiety", "Kratom is a tree."]),
        (
            "Benefits\n- Relieves joint pain\n- For fast relief",
            ["Benefits", "- Relieves joint pain", "- For fast relief"],
        ),
        ("• Eases cramps\n• Calms nerves", ["• Eases cramps", "• Calms nerves"]),
        ("1. Take with food\n2. Drink water", ["1. Take with food", "2. Drink water"]),
        ("This sentence wraps\nonto a second line. Next.", ["This sentence wraps\nonto a second line.", "Next."]),
        ("First paragraph\n\nsecond paragraph", ["First paragraph", "second paragraph"]),
        ("(It works.) Trust us.", ["(It works.)", "Trust us."]),
        ("", []),
        ("   \n\t ", []),
        ("no punctuation at all", ["no punctuation at all"]),
    ],
)
def test_units(text: str, expected: list[str]) -> None:
    assert units(text) == expected


def test_long_unpunctuated_text_is_cut_at_whitespace() -> None:
    text = " ".join(["word"] * 3000)
    spans = split_sentences(text)
    assert len(spans) > 1
    assert all(e - s <= MAX_UNIT_CHARS for s, e in spans)
    assert all(text[e] == " " for _, e in spans[:-1])


def test_one_long_word_is_cut_hard() -> None:
    text = "a" * (MAX_UNIT_CHARS * 3 + 7)
    assert [e - s for s, e in split_sentences(text)] == [MAX_UNIT_CHARS] * 3 + [7]


def check_contract(text: str) -> None:
    spans = split_sentences(text)
    position = 0
    covered = set()
    for start, end in spans:
        assert position <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        covered.update(range(start, end))
        position = end
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert i in covered, f"character {i} ({ch!r}) is in no span"


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_contract_on_any_text(text: str) -> None:
    check_contract(text)


PIECES = st.sampled_from(
    [
        "Kratom",
        "relieves",
        "pain",
        ".",
        "...",
        "…",
        "?",
        "!",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\r\n",
        "- ",
        "• ",
        "1. ",
        "Dr.",
        "e.g.",
        "U.S.",
        "1.5",
        "g",
        '"',
        "”",
        ")",
        "(",
        "。",
        "\u2028",
        "\t",
        "é",
        "\u0301",
        "😀",
        "\ud800",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=60).map("".join))
def test_contract_on_sentence_like_text(text: str) -> None:
    check_contract(text)
