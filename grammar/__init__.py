"""The Lark grammar of the regulation language (package data)."""
