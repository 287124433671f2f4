"""Values over the database's 1 GB field limit (large weights, checkpoints, dataset array snapshots)
are stored as ordered parts in ``blob_parts``.

Revision ID: 0005_large_weights
Revises: 0004_item_title_index
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_large_weights'
down_revision = '0004_item_title_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'blob_parts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('model_id', sa.Integer(), nullable=True),
        sa.Column('run_id', sa.Integer(), nullable=True),
        sa.Column('dataset_id', sa.Integer(), nullable=True),
        sa.Column('part', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'],
                                name=op.f('fk_blob_parts_dataset_id_datasets'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['model_id'], ['models.id'],
                                name=op.f('fk_blob_parts_model_id_models'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['run_id'], ['training_runs.id'],
                                name=op.f('fk_blob_parts_run_id_training_runs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_blob_parts')),
    )
    op.create_index('ix_blob_parts_model_part', 'blob_parts', ['model_id', 'part'], unique=False)
    op.create_index('ix_blob_parts_run_part', 'blob_parts', ['run_id', 'part'], unique=False)
    op.create_index('ix_blob_parts_dataset_part', 'blob_parts', ['dataset_id', 'part'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_blob_parts_dataset_part', table_name='blob_parts')
    op.drop_index('ix_blob_parts_run_part', table_name='blob_parts')
    op.drop_index('ix_blob_parts_model_part', table_name='blob_parts')
    op.drop_table('blob_parts')
