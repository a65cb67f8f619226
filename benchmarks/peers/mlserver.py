"""MLServer with its scikit-learn runtime serving the committed artifact (V2 inference protocol).

The benchmark installs MLServer in its own virtual environment (``.bench-venvs/mlserver``):
MLServer 1.7.1 needs uvloop 0.21.0 (newer uvloop breaks its workers, SeldonIO/MLServer#2286),
and the same scikit-learn as the artifact. ``predict_proba`` is asked for through
``extra.predict_fn`` in the model settings.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import sklearn

from benchmarks.server import ROOT, free_port

__all__ = ["ensure_venv", "mlserver", "v2_body"]

VENV = ROOT / ".bench-venvs" / "mlserver"
PACKAGES = ["mlserver==1.7.1", "mlserver-sklearn==1.7.1", "uvloop==0.21.0", f"scikit-learn=={sklearn.__version__}"]


def ensure_venv() -> Path:
    """Create the MLServer virtual environment once; returns its ``mlserver`` executable."""
    exe = VENV / "bin" / "mlserver"
    stamp = VENV / ".installed"
    if not stamp.exists() or stamp.read_text() != " ".join(PACKAGES):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", *PACKAGES], check=True)
        stamp.write_text(" ".join(PACKAGES))
    return exe


def v2_body(texts: list[str]) -> bytes:
    return json.dumps(
        {"inputs": [{"name": "text", "shape": [len(texts)], "datatype": "BYTES", "data": texts}]}
    ).encode()


@contextmanager
def mlserver(
    artifact: Path, workdir: Path, parallel_workers: int | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """Run MLServer on loopback ports; yields (infer URL, process, seconds to ready).

    ``parallel_workers`` is MLServer's own setting: its default (1) runs inference in one process
    beside the HTTP server's; 0 runs it in the server's process; None leaves the default.
    """
    exe = ensure_venv()
    model_dir = workdir / "claim-risk"
    model_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(artifact, model_dir / "pipeline.joblib")
    (model_dir / "model-settings.json").write_text(
        json.dumps(
            {
                "name": "claim-risk",
                "implementation": "mlserver_sklearn.SKLearnModel",
                "parameters": {"uri": "./pipeline.joblib", "extra": {"predict_fn": "predict_proba"}},
            }
        )
    )
    http_port = free_port()
    (workdir / "settings.json").write_text(
        json.dumps(
            {
                "host": "127.0.0.1",
                "http_port": http_port,
                "grpc_port": free_port(),
                "metrics_port": free_port(),
                **({} if parallel_workers is None else {"parallel_workers": parallel_workers}),
            }
        )
    )
    started = time.perf_counter()
    proc = subprocess.Popen([str(exe), "start", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http_port}/v2/models/claim-risk/infer"
    try:
        while True:
            try:
                r = httpx.post(
                    url, content=v2_body(["ready?"]), headers={"content-type": "application/json"}, timeout=2
                )
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.perf_counter() - started > 120:
                raise RuntimeError("MLServer did not start")
            time.sleep(0.2)
        yield url, proc, time.perf_counter() - started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
