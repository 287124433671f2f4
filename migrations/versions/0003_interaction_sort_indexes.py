"""Indexes for browsing interactions sorted by value or time (fluid paging at 1,000,000 rows).

Revision ID: 0003_interaction_sort_indexes
Revises: 0002_models_runs
Create Date: 2026-11-29
"""
from alembic import op

revision = '0003_interaction_sort_indexes'
down_revision = '0002_models_runs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.create_index('ix_interactions_dataset_timestamp', ['dataset_id', 'timestamp'], unique=False)
        batch_op.create_index('ix_interactions_dataset_value', ['dataset_id', 'value'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_index('ix_interactions_dataset_value')
        batch_op.drop_index('ix_interactions_dataset_timestamp')
