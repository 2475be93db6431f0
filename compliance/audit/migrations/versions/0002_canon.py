"""decisions.canon: how each record's hash was made. Records already written keep `json` (SHA-256
of the compact JSON array of the hashed fields); new ones are written `jcs` (RFC 8785).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "lexgraph_decisions", sa.Column("canon", sa.String(16), nullable=False, server_default="json")
    )


def downgrade() -> None:
    with op.batch_alter_table("lexgraph_decisions") as batch:
        batch.drop_column("canon")
