"""Index chat_sessions.updated_at: the session list (/chat/list) is ordered by it, most recent first.

Revision ID: 0002
Revises: 0001
Create Date: 2025-12-07

Tested in tests/test_db.py by upgrading a database of the previous revision (with rows in it).
"""

from __future__ import annotations

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index("ix_chat_sessions_updated_at", "chat_sessions", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_chat_sessions_updated_at", table_name="chat_sessions")
