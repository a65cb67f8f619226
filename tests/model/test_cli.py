"""The claim-risk batch command: JSONL, CSV and text in, /score-shaped JSON lines out, in order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.cli import main

TEXTS = ["Our capsules cure insomnia. Ships free.", "", "The tea may help nausea, e.g. on boats.", "Store dry."]


def run(args: list[str]) -> int:
    return main(["score", *args])


def read_jsonl(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text("\n".join(json.dumps({"id": f"d{i}", "text": t}) for i, t in enumerate(TEXTS)) + "\n")
    csv_file = tmp_path / "docs.csv"
    csv_file.write_text("id,text\n" + "".join(f'd{i},"{t}"\n' for i, t in enumerate(TEXTS)))
    text = tmp_path / "docs.txt"
    text.write_text("\n".join(t for t in TEXTS if t) + "\n")
    return {"jsonl": jsonl, "csv": csv_file, "text": text}


def test_jsonl_round_trip(inputs: dict[str, Path], tiny_model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert run([str(inputs["jsonl"]), "-o", str(out), "--model-dir", str(tiny_model_dir)]) == 0
    results = read_jsonl(out)
    assert [r["id"] for r in results] == ["d0", "d1", "d2", "d3"]
    for text, r in zip(TEXTS, results):
        assert [text[s["start"] : s["end"]] for s in r["sentences"]] == [s["text"] for s in r["sentences"]]
        assert set(r) == {"id", "risk", "flagged", "label", "counts", "sentences"}
    assert results[1]["sentences"] == [] and results[1]["risk"] == 0.0


def test_formats_agree(inputs: dict[str, Path], tiny_model_dir: Path, tmp_path: Path) -> None:
    outs = {}
    for fmt, path in inputs.items():
        out = tmp_path / f"{fmt}.out"
        assert run([str(path), "-o", str(out), "--model-dir", str(tiny_model_dir), "--no-explain"]) == 0
        outs[fmt] = [r["risk"] for r in read_jsonl(out)]
    assert outs["jsonl"] == outs["csv"]
    assert outs["text"] == [risk for risk, t in zip(outs["jsonl"], TEXTS) if t]


def test_workers_give_the_same_output(inputs: dict[str, Path], tiny_model_dir: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    big.write_text("".join(json.dumps({"id": str(i), "text": TEXTS[i % 4] + f" #{i}"}) + "\n" for i in range(700)))
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run([str(big), "-o", str(one), "--model-dir", str(tiny_model_dir)]) == 0
    assert run([str(big), "-o", str(two), "--model-dir", str(tiny_model_dir), "--workers", "2"]) == 0
    assert one.read_text() == two.read_text()
    assert len(one.read_text().splitlines()) == 700


def test_bad_input_is_a_clear_error(tmp_path: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "fine"}\n{"id": "b"}\n')
    assert run([str(bad), "-o", str(tmp_path / "o"), "--model-dir", str(tiny_model_dir)]) == 2
    assert "line 2: needs a string field `text`" in capsys.readouterr().err
    assert run([str(bad), "--model-dir", str(tmp_path / "missing")]) == 2
    assert "metadata not found" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run([str(tmp_path / "nope.jsonl")])
    with pytest.raises(SystemExit):
        run([str(bad), "--threshold", "2"])
