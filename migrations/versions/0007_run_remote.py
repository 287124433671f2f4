"""Training runs watched and cancelled from other machines: the host that trains a run, and a cancel
request any workstation can record for the training process to honour.

Revision ID: 0007_run_remote
Revises: 0004_item_title_index
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_run_remote'
down_revision = '0006_item_embeddings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('training_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('host', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('cancel_requested_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('training_runs', schema=None) as batch_op:
        batch_op.drop_column('cancel_requested_at')
        batch_op.drop_column('host')
