"""The application and decision JSON Schemas (a copy of ../shared/contract, extended never broken)."""
