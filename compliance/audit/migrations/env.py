"""Alembic's environment for the decision log: always on the connection the log hands over
(compliance/audit/migrations/__init__.py), inside the log's own transaction."""

from alembic import context
from lexgraph.compliance.audit.migrations import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
