"""PNG plots of a model's quality: precision-recall curve, reliability diagram, confusion matrix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, never a window
import matplotlib.pyplot as plt
import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import precision_recall_curve

from model.labels import LABELS

__all__ = ["plot_all"]


def _pr_curve(ax: Any, is_risky: list[bool], risk: NDArray[np.float64], threshold: float, title: str) -> None:
    precision, recall, thresholds = precision_recall_curve(is_risky, risk)
    ax.plot(recall, precision, lw=2)
    at = int(np.argmin(np.abs(thresholds - threshold)))
    ax.scatter([recall[at]], [precision[at]], color="red", zorder=3, label=f"threshold {threshold:.2f}")
    ax.set(xlabel="recall", ylabel="precision", xlim=(0, 1.01), ylim=(0, 1.01), title=title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")


def plot_all(
    out_dir: Path,
    is_risky: list[bool],
    probs: NDArray[np.float64],
    threshold: float,
    reliability: list[dict[str, float]],
    confusion: list[list[int]],
    split: str,
) -> dict[str, str]:
    """Write the three PNGs for one split; returns their file names."""
    out_dir.mkdir(parents=True, exist_ok=True)
    risk = probs[:, LABELS.index("unhedged_claim")]
    files = {}

    fig, ax = plt.subplots(figsize=(5, 4.5))
    _pr_curve(ax, is_risky, risk, threshold, f"unhedged_claim precision-recall ({split})")
    files["pr_curve"] = f"pr_curve_{split}.png"
    fig.tight_layout()
    fig.savefig(out_dir / files["pr_curve"], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", label="perfect calibration")
    ax.plot([b["mean_risk"] for b in reliability], [b["observed"] for b in reliability], marker="o", label="model")
    for b in reliability:
        ax.annotate(
            str(b["n"]), (b["mean_risk"], b["observed"]), fontsize=7, xytext=(3, -10), textcoords="offset points"
        )
    ax.set(
        xlabel="mean predicted risk",
        ylabel="observed share of unhedged_claim",
        xlim=(0, 1),
        ylim=(0, 1),
        title=f"reliability of risk ({split})",
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    files["reliability"] = f"reliability_{split}.png"
    fig.tight_layout()
    fig.savefig(out_dir / files["reliability"], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5.2, 4.5))
    matrix = np.asarray(confusion)
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(LABELS)), [label.replace("_", "\n") for label in LABELS])
    ax.set_yticks(range(len(LABELS)), LABELS)
    for i in range(len(LABELS)):
        for j in range(len(LABELS)):
            ax.text(
                j,
                i,
                str(matrix[i, j]),
                ha="center",
                va="center",
                color="white" if matrix[i, j] > matrix.max() / 2 else "black",
            )
    ax.set(xlabel="predicted", ylabel="true", title=f"confusion matrix ({split})")
    files["confusion"] = f"confusion_{split}.png"
    fig.tight_layout()
    fig.savefig(out_dir / files["confusion"], dpi=110)
    plt.close(fig)
    return files
