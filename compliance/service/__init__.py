"""The rule service: lexgraph over HTTP for decision engines (FastAPI on uvicorn), every
decision handed to the decision logger (by default the tamper-evident decision log).

    lexgraph serve [--host 127.0.0.1] [--port 8000] [--db sqlite:///decisions.db | postgresql://…]
                   [--workers N] [--token-file F | --token T]

The package, a module per concern:

    settings    ServiceConfig: pydantic-settings, environment prefix LEXGRAPH_SERVICE_
    problems    HTTPProblem and the one place errors become HTTP answers (exception handlers)
    laws        the law cache (LawContexts per with/set) and the one law-context lookup
    logger      the decision logger interface, and the hash-chained log behind it (group commit)
    metrics     Prometheus metrics, multiprocess across workers
    edge        the ASGI middleware: body limits, body deadline, request metrics
    openapi     the OpenAPI document: the contract's schemas verbatim
    upload      checking and keeping an amendment uploaded at run time
    routes/     APIRouters by concern: decisions, log, law, amendments, operations
    app         create_app: the settings → the state → the routers

`lexgraph serve` is compliance/cli/serve.py. Names are loaded on first use (PEP 562), so importing
the package loads neither FastAPI nor pydantic-settings.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import app_from_env, create_app
    from .laws import (
        ASSIGNMENT,
        CITATION,
        DATE,
        Laws,
        law_context,
        parse_assignments,
        parse_day,
        run_analysis,
    )
    from .logger import ChainLogger, DecisionLogger, GroupCommitter
    from .problems import HTTPProblem, scrub
    from .settings import ServiceConfig

_WHERE = {
    "create_app": "app",
    "app_from_env": "app",
    "run_analysis": "laws",
    "Laws": "laws",
    "law_context": "laws",
    "parse_day": "laws",
    "parse_assignments": "laws",
    "DATE": "laws",
    "ASSIGNMENT": "laws",
    "CITATION": "laws",
    "DecisionLogger": "logger",
    "ChainLogger": "logger",
    "GroupCommitter": "logger",
    "HTTPProblem": "problems",
    "scrub": "problems",
    "ServiceConfig": "settings",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)


__all__ = [
    "ASSIGNMENT",
    "CITATION",
    "DATE",
    "ChainLogger",
    "DecisionLogger",
    "GroupCommitter",
    "HTTPProblem",
    "Laws",
    "ServiceConfig",
    "app_from_env",
    "cmd_serve",
    "create_app",
    "law_context",
    "parse_assignments",
    "parse_day",
    "register",
    "run_analysis",
    "scrub",
]
