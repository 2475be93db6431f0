"""The schema as the first decision log wrote it (before migrations): the chain head, the
decisions and the regulation sources.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lexgraph_chain_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "lexgraph_decisions",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("decision_id", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("application_id", sa.Text, nullable=False),
        sa.Column("application", sa.Text, nullable=False),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("law_digest", sa.String(64), nullable=False),
        sa.Column("amendments", sa.Text, nullable=False),
        sa.Column("parameters", sa.Text, nullable=False),
        sa.Column("explain", sa.String(16), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_lexgraph_decisions_created_at", "lexgraph_decisions", ["created_at"])
    op.create_table(
        "lexgraph_sources",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("amendments", sa.Text, nullable=False),
        sa.Column("stored_at", sa.String(40), nullable=False),
    )
    # Decisions by application id. PostgreSQL indexes a digest of it: a B-tree entry holds at most
    # about 2.7 kB, and an id is any non-empty string.
    by_application = "md5(application_id)" if op.get_bind().dialect.name == "postgresql" else "application_id"
    op.execute(f"CREATE INDEX ix_lexgraph_decisions_application ON lexgraph_decisions ({by_application})")
    op.execute("INSERT INTO lexgraph_chain_head (id, seq, hash) VALUES (1, 0, '" + "0" * 64 + "')")


def downgrade() -> None:
    op.drop_table("lexgraph_sources")
    op.drop_table("lexgraph_decisions")
    op.drop_table("lexgraph_chain_head")
