"""The template renderer writes exactly what json.dumps writes for scorer results."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.artifact import LoadedModel
from model.render import render_result, render_results
from model.scorer import DocumentInput, Scorer


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@pytest.fixture(scope="module")
def scorer(tiny_model: LoadedModel) -> Scorer:
    return Scorer(tiny_model)


# Any code point, lone surrogates and controls included, and ids that need escaping.
TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)
IDS = st.none() | st.text(max_size=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.tuples(TEXT, IDS), max_size=5), explain=st.booleans(), threshold=st.floats(0, 1))
def test_results_render_exactly_as_json_dumps(
    scorer: Scorer, texts: list[tuple[str, str | None]], explain: bool, threshold: float
) -> None:
    docs = [DocumentInput(text=t, id=i) for t, i in texts]
    results = scorer.score_documents(docs, explain=explain, threshold=threshold)
    assert render_results(results) == _dumps(results)
    for result in results:
        assert render_result(result) == _dumps(result)


def test_every_field_is_rendered(scorer: Scorer) -> None:
    (result,) = scorer.score_documents(
        [DocumentInput(text='Our "gummies" relieve arthritis pain.\nMay help\tsleep? ☕', id='a"b')]
    )
    assert result["sentences"] and any(s["evidence"] for s in result["sentences"])
    assert json.loads(render_result(result)) == result
