"""Prometheus counters and histograms for one process, rendered in the text format.

Each worker process keeps its own; with several workers a scrape reaches one
of them (see the README).
"""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict

__all__ = ["Metrics", "LATENCY_BUCKETS", "RISK_BUCKETS"]

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
RISK_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


class _Histogram:
    def __init__(self, buckets: tuple[float, ...]) -> None:
        self.buckets = buckets
        self.counts = [0] * (len(buckets) + 1)
        self.total = 0.0
        self.n = 0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.buckets, value)] += 1
        self.total += value
        self.n += 1

    def render(self, name: str, labels: str) -> list[str]:
        sep = "," if labels else ""
        lines, cumulative = [], 0
        for bound, count in zip(self.buckets, self.counts):
            cumulative += count
            lines.append(f'{name}_bucket{{{labels}{sep}le="{bound}"}} {cumulative}')
        lines.append(f'{name}_bucket{{{labels}{sep}le="+Inf"}} {self.n}')
        plain = f"{{{labels}}}" if labels else ""
        lines.append(f"{name}_sum{plain} {self.total}")
        lines.append(f"{name}_count{plain} {self.n}")
        return lines


class Metrics:
    """The service's metrics; cheap to update from the request path."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.latency: dict[str, _Histogram] = {}
        self.sentences = 0
        self.documents = 0
        self.risk = _Histogram(RISK_BUCKETS)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(method, route, status)] += 1
            hist = self.latency.get(route)
            if hist is None:
                hist = self.latency[route] = _Histogram(LATENCY_BUCKETS)
            hist.observe(seconds)

    def observe_scores(self, documents: int, risks: list[float]) -> None:
        with self._lock:
            self.documents += documents
            self.sentences += len(risks)
            for r in risks:
                self.risk.observe(r)

    def render(self) -> str:
        with self._lock:
            lines = [
                "# HELP claim_risk_requests_total HTTP requests by route and status.",
                "# TYPE claim_risk_requests_total counter",
            ]
            for (method, route, status), n in sorted(self.requests.items()):
                lines.append(f'claim_risk_requests_total{{method="{method}",route="{route}",status="{status}"}} {n}')
            lines += [
                "# HELP claim_risk_request_duration_seconds Request latency.",
                "# TYPE claim_risk_request_duration_seconds histogram",
            ]
            for route, hist in sorted(self.latency.items()):
                lines += hist.render("claim_risk_request_duration_seconds", f'route="{route}"')
            lines += [
                "# HELP claim_risk_documents_scored_total Documents scored.",
                "# TYPE claim_risk_documents_scored_total counter",
                f"claim_risk_documents_scored_total {self.documents}",
                "# HELP claim_risk_sentences_scored_total Sentences scored.",
                "# TYPE claim_risk_sentences_scored_total counter",
                f"claim_risk_sentences_scored_total {self.sentences}",
                "# HELP claim_risk_sentence_risk Risk of scored sentences.",
                "# TYPE claim_risk_sentence_risk histogram",
            ]
            lines += self.risk.render("claim_risk_sentence_risk", "")
            return "\n".join(lines) + "\n"
