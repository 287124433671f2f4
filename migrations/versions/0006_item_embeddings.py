"""Cache of pretrained sentence vectors of item texts, keyed by encoder name and version and a hash of
each item's text (a changed text is embedded again).

Revision ID: 0006_item_embeddings
Revises: 0004_item_title_index
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_item_embeddings'
down_revision = '0005_large_weights'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'item_embeddings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dataset_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('encoder', sa.String(length=200), nullable=False),
        sa.Column('encoder_version', sa.String(length=100), nullable=False),
        sa.Column('text_hash', sa.String(length=64), nullable=False),
        sa.Column('dim', sa.Integer(), nullable=False),
        sa.Column('vector', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'],
                                name=op.f('fk_item_embeddings_dataset_id_datasets'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_embeddings_item_id_items'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_item_embeddings')),
        sa.UniqueConstraint('item_id', 'encoder', 'encoder_version', name='uq_item_embeddings_item_encoder'),
    )
    with op.batch_alter_table('item_embeddings', schema=None) as batch_op:
        batch_op.create_index('ix_item_embeddings_dataset_encoder', ['dataset_id', 'encoder',
                                                                     'encoder_version'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('item_embeddings', schema=None) as batch_op:
        batch_op.drop_index('ix_item_embeddings_dataset_encoder')
    op.drop_table('item_embeddings')
