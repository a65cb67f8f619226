"""The retraining notebook runs top to bottom on a small configuration, so it cannot rot."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "training" / "notebooks" / "retrain.ipynb"


@pytest.mark.slow
def test_notebook_executes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIM_RISK_NOTEBOOK_SEARCH", "small")
    monkeypatch.setenv("CLAIM_RISK_NOTEBOOK_SAVE_TO", str(tmp_path / "candidate"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parents[2])}}
    ).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the plots must render inline"
    assert (tmp_path / "candidate" / "metadata.json").is_file()
    assert os.environ["CLAIM_RISK_NOTEBOOK_SEARCH"] == "small"
