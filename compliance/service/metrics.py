"""The service's Prometheus metrics, with prometheus_client.

With several workers each is its own process; when PROMETHEUS_MULTIPROC_DIR names a folder
(`lexgraph serve --workers N` makes a fresh one), every worker writes its samples there and a
scrape of any worker collects all of them (MultiProcessCollector): counters only ever grow and
count every worker's requests. The variable must be set before prometheus_client is imported,
which is why this module imports it only when the metrics are made."""

import os
from typing import Any

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    """Requests by method, route and status; latency by route; permit decisions by kind and outcome."""

    def __init__(self) -> None:
        import prometheus_client
        from prometheus_client import CollectorRegistry, Counter, Histogram

        prometheus_client.disable_created_metrics()
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "lexgraph_http_requests",
            "HTTP requests by method, route and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "lexgraph_http_request_duration_seconds",
            "Request latency by route.",
            ["route"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        # kind: "grant" (a permit applied for) or "cancellation" (a status held, 法 第四十九条), so that
        # an undetermined cancellation is never counted with an undetermined grant of the same permit
        self.decisions = Counter(
            "lexgraph_decisions",
            "Permit decisions by kind and outcome.",
            ["permit", "kind", "outcome"],
            registry=self.registry,
        )
        self._decided: dict[tuple[str, str, str], Any] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def decided(self, decision: dict[str, Any]) -> None:
        children = self._decided
        for d in decision["decisions"]:
            key = (d["permit"], d["kind"], d["outcome"])
            child = children.get(key)
            if child is None:  # labels() locks and checks its labels: once per combination, not per decision
                child = children[key] = self.decisions.labels(*key)
            child.inc()

    def render(self) -> bytes:
        """The exposition text: every worker's samples in multiprocess mode, else this process's."""
        from prometheus_client import CollectorRegistry, generate_latest

        if os.environ.get(MULTIPROC_ENV):
            from prometheus_client.multiprocess import MultiProcessCollector

            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)
