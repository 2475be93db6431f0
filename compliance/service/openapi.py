"""The service's OpenAPI document: the contract's JSON Schemas verbatim as components, the
Problem shape of every error, and examples at the contract's edges."""

import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from .laws import DATE

if TYPE_CHECKING:
    from fastapi import FastAPI


def contract(name: str, prefix: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A contract schema as OpenAPI 3.1 components: its $defs become named components."""
    schema = json.loads(resources.files("lexgraph.contract").joinpath(name).read_text(encoding="utf-8"))
    defs = schema.pop("$defs", {})
    schema.pop("$schema", None)
    schema.pop("$id", None)

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (
                    f"#/components/schemas/{prefix}_{v.rsplit('/', 1)[1]}"
                    if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/")
                    else rewrite(v)
                )
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    return rewrite(schema), {f"{prefix}_{k}": rewrite(v) for k, v in defs.items()}


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


PROBLEM = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string"},
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["path", "message"],
                "properties": {
                    "path": {
                        "type": "string",
                        "description": "the field path: $.applicant.birth_date, query.as_of…",
                    },
                    "message": {"type": "string"},
                },
            },
        },
    },
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        400: "Bad request",
        401: "Missing or wrong bearer token",
        404: "Not found",
        408: "The body came too slowly",
        409: "Already exists",
        413: "Request body too large",
        415: "The body is not application/json",
        422: "Invalid input: every problem with its field path",
        429: "Too many new laws (with/set combinations) asked for by this client",
        501: "Not available in this build",
        503: "The decision log cannot be written",
    }
    return {c: {"description": text[c], **json_content(ref("Problem"))} for c in codes}


def hostile_examples() -> dict[str, dict[str, Any]]:
    """Applications at the contract's edges, documented as examples so that schemathesis' examples
    phase sends them on every run: each must give a decision or a 422 naming the field."""
    applicant: dict[str, Any] = {"nationality": "DEU", "birth_date": "1985-06-15"}
    base: dict[str, Any] = {"id": "edge", "decision_date": "2024-06-01", "applicant": applicant}
    return {
        "plain": base,
        "year_zero": {**base, "decision_date": "0000-01-01"},
        "last_day": {**base, "residence": {"entry_date": "9999-12-31"}},
        "nationality_newline": {**base, "applicant": {**base["applicant"], "nationality": "DEU\n"}},
        "repeated_permit": {**base, "requested": ["d_visa"] * 50},
        "huge_salary": {**base, "employment": {"annual_salary_cny": 10**30}},
    }


def install_openapi(app: "FastAPI") -> None:
    """Serve the document with the contract's schemas in place of FastAPI's guesses."""
    from fastapi.openapi.utils import get_openapi

    application_schema, application_defs = contract("application.schema.json", "Application")
    decision_schema, decision_defs = contract("decision.schema.json", "Decision")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            schemas = spec.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(
                {
                    "Application": application_schema,
                    "Decision": decision_schema,
                    "Problem": PROBLEM,
                    **application_defs,
                    **decision_defs,
                }
            )
            for methods in spec["paths"].values():
                for operation in methods.values():
                    for parameter in operation.get("parameters", []):
                        if parameter["name"] == "as_of":  # a calendar date, said plainly
                            parameter["schema"] = {
                                "type": "string",
                                "format": "date",
                                "pattern": DATE.pattern,
                            }
                            # Edge cases every client (and schemathesis' examples phase) should try.
                            parameter["examples"] = {
                                d: {"value": d} for d in ("2024-06-01", "0000-01-01", "9999-12-31")
                            }
                    # FastAPI documents its own validation error; ours is the Problem above.
                    operation.get("responses", {}).get("422", {}).get("content", {}).get(
                        "application/json", {}
                    )["schema"] = ref("Problem")
            body = spec["paths"]["/v1/decisions"]["post"]["requestBody"]["content"]["application/json"]
            body["examples"] = {name: {"value": value} for name, value in hostile_examples().items()}
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
