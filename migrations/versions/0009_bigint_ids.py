"""Ids, counts and interaction timestamps as 64-bit integers on PostgreSQL.

PostgreSQL's ``integer`` is 32-bit: millisecond timestamps (common in event logs) and ids past two
billion did not fit. SQLite's INTEGER is 64-bit already, so SQLite databases are left as they are.
The ``id`` sequences are widened too: a 32-bit sequence would stop at the old limit.

Revision ID: 0009_bigint_ids
Revises: 0008_tuning
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_bigint_ids'
down_revision = '0008_tuning'
branch_labels = None
depends_on = None

#: table -> its 64-bit columns (every id and reference to one, counts of rows, timestamps)
COLUMNS = {
    'datasets': ('id', 'n_users', 'n_items', 'n_interactions'),
    'users': ('id', 'dataset_id'),
    'items': ('id', 'dataset_id'),
    'interactions': ('id', 'dataset_id', 'user_id', 'item_id', 'timestamp'),
    'item_embeddings': ('id', 'dataset_id', 'item_id'),
    'models': ('id', 'dataset_id'),
    'training_runs': ('id', 'dataset_id', 'model_id'),
    'blob_parts': ('id', 'model_id', 'run_id', 'dataset_id'),
    'epoch_metrics': ('id', 'run_id'),
    'evaluations': ('id', 'model_id'),
}


def _retype(new: sa.types.TypeEngine, old: sa.types.TypeEngine, sequence_type: str) -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return  # SQLite stores every INTEGER in up to 8 bytes
    for table, columns in COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=new, existing_type=old)
        op.execute(f'ALTER SEQUENCE IF EXISTS {table}_id_seq AS {sequence_type}')


def upgrade() -> None:
    _retype(sa.BigInteger(), sa.Integer(), 'bigint')


def downgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger(), 'integer')
