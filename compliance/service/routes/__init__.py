"""The service's routes, an APIRouter per concern. No `from __future__ import annotations` in
these modules: FastAPI reads the endpoints' annotations."""
