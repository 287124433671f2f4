"""Index for browsing interactions sorted by item title (walk items by title, then their interactions).

Revision ID: 0004_item_title_index
Revises: 0003_interaction_sort_indexes
Create Date: 2026-11-30
"""
from alembic import op

revision = '0004_item_title_index'
down_revision = '0003_interaction_sort_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index('ix_items_dataset_title', ['dataset_id', 'title'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index('ix_items_dataset_title')
