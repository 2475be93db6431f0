"""create_app: the settings → one worker's state (laws, decision logger, log, metrics) → the
routers, the error handlers, the OpenAPI document and the edge middleware. The routes live in
routes/, a module per concern; this module only assembles them."""

import gc
from typing import TYPE_CHECKING

from ..audit import DecisionLog
from .laws import Laws
from .logger import ChainLogger
from .metrics import Metrics
from .settings import ServiceConfig

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(config: ServiceConfig | None = None) -> "FastAPI":
    """Build the service. One instance per worker process; workers share only the database, the
    upload folder and the metrics folder."""
    from fastapi_offline import FastAPIOffline  # /docs with Swagger UI from the package: no network

    from ..monitor_service import add_case_routes
    from ..workbench import add_workbench
    from .edge import Edge
    from .openapi import install_openapi
    from .problems import install_error_handlers, respond
    from .routes import amendments, decisions, law, log, operations
    from .routes.common import Service, law_for

    config = config or ServiceConfig()
    laws = Laws(config)
    records = DecisionLog(config.db)
    records.checkpoint_in_background()
    state = Service(config, laws, ChainLogger(records), records, Metrics())
    app = FastAPIOffline(
        title="lexgraph rule service",
        version="1",
        description="China's immigration regulations as code: reasoned decisions over HTTP, every one "
        "appended to a hash-chained decision log.",
    )
    app.state.service = state
    install_error_handlers(app)
    for router in (decisions.router, log.router, law.router, amendments.router, operations.router):
        app.include_router(router)
    add_case_routes(app, laws, config.db, respond)  # case timelines and their obligations (issue 15)
    add_workbench(app, laws, records, config.bearer, law_for)  # the drafter's workbench at / (issue 18)
    install_openapi(app)
    app.add_middleware(
        Edge, metrics=state.metrics, max_body=config.max_body, body_timeout=config.body_timeout
    )
    laws.get([], {})  # load the baseline now, not on the first request
    settle_collector()
    return app


# Allocations between young collections. A request builds thousands of containers (proof trees, their
# JSON) that form no cycles and are freed by reference counting when it is answered; at CPython's
# default (700) the collector runs dozens of times a request and walks every tree still being built.
YOUNG_COLLECTION = 50_000


def settle_collector() -> None:
    """Set up the cyclic garbage collector for a worker that decides many applications: what lives as
    long as the worker (the law, its compiled programs, the app) moves out of the collector's sight,
    so a collection walks only the requests in flight; young collections run far less often."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION, older, oldest)


def app_from_env() -> "FastAPI":
    """The uvicorn factory for worker processes: the settings arrive as LEXGRAPH_SERVICE_* variables."""
    return create_app(ServiceConfig())
