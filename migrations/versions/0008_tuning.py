"""Tables of Optuna's study storage (hyper-parameter search), created and dropped by our migrations.

Optuna's RDB storage would otherwise create its tables itself and stamp its own Alembic revision into
``alembic_version`` -- the table our migrations use too. Creating them here (the schema of Optuna 4's
storage, schema version 12, written out rather than imported so this revision never changes) and
opening the storage with ``skip_table_creation`` and ``skip_compatibility_check`` keeps one migration
history per database: ours. ``tests/test_tuning_storage.py`` checks these tables against the installed
Optuna's own models.

Revision ID: 0008_tuning
Revises: 0004_item_title_index
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_tuning'
down_revision = '0007_run_remote'
branch_labels = None
depends_on = None

KEY = 512  # Optuna's MAX_INDEXED_STRING_LENGTH
SCHEMA_VERSION = 12  # Optuna's models.SCHEMA_VERSION for these tables


def _tables() -> sa.MetaData:
    # No naming convention: the constraint names are Optuna's (unnamed), not ours.
    md = sa.MetaData()
    direction = sa.Enum('NOT_SET', 'MINIMIZE', 'MAXIMIZE', name='studydirection')
    state = sa.Enum('RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING', name='trialstate')
    value_type = sa.Enum('FINITE', 'INF_POS', 'INF_NEG', name='trialvaluetype')
    intermediate_type = sa.Enum('FINITE', 'INF_POS', 'INF_NEG', 'NAN', name='trialintermediatevaluetype')
    sa.Table('studies', md,
             sa.Column('study_id', sa.Integer, primary_key=True),
             sa.Column('study_name', sa.String(KEY), nullable=False, index=True, unique=True))
    sa.Table('version_info', md,
             sa.Column('version_info_id', sa.Integer, primary_key=True, autoincrement=False),
             sa.Column('schema_version', sa.Integer),
             sa.Column('library_version', sa.String(256)),
             sa.CheckConstraint('version_info_id=1'))
    sa.Table('study_directions', md,
             sa.Column('study_direction_id', sa.Integer, primary_key=True),
             sa.Column('direction', direction, nullable=False),
             sa.Column('study_id', sa.Integer, sa.ForeignKey('studies.study_id'), nullable=False),
             sa.Column('objective', sa.Integer, nullable=False),
             sa.UniqueConstraint('study_id', 'objective'))
    for kind in ('user', 'system'):
        sa.Table(f'study_{kind}_attributes', md,
                 sa.Column(f'study_{kind}_attribute_id', sa.Integer, primary_key=True),
                 sa.Column('study_id', sa.Integer, sa.ForeignKey('studies.study_id')),
                 sa.Column('key', sa.String(KEY)),
                 sa.Column('value_json', sa.Text),
                 sa.UniqueConstraint('study_id', 'key'))
    sa.Table('trials', md,
             sa.Column('trial_id', sa.Integer, primary_key=True),
             sa.Column('number', sa.Integer),
             sa.Column('study_id', sa.Integer, sa.ForeignKey('studies.study_id'), index=True),
             sa.Column('state', state, nullable=False),
             sa.Column('datetime_start', sa.DateTime),
             sa.Column('datetime_complete', sa.DateTime))
    for kind in ('user', 'system'):
        sa.Table(f'trial_{kind}_attributes', md,
                 sa.Column(f'trial_{kind}_attribute_id', sa.Integer, primary_key=True),
                 sa.Column('trial_id', sa.Integer, sa.ForeignKey('trials.trial_id')),
                 sa.Column('key', sa.String(KEY)),
                 sa.Column('value_json', sa.Text),
                 sa.UniqueConstraint('trial_id', 'key'))
    sa.Table('trial_params', md,
             sa.Column('param_id', sa.Integer, primary_key=True),
             sa.Column('trial_id', sa.Integer, sa.ForeignKey('trials.trial_id')),
             sa.Column('param_name', sa.String(KEY)),
             sa.Column('param_value', sa.Float(precision=53)),
             sa.Column('distribution_json', sa.Text),
             sa.UniqueConstraint('trial_id', 'param_name'))
    sa.Table('trial_values', md,
             sa.Column('trial_value_id', sa.Integer, primary_key=True),
             sa.Column('trial_id', sa.Integer, sa.ForeignKey('trials.trial_id'), nullable=False),
             sa.Column('objective', sa.Integer, nullable=False),
             sa.Column('value', sa.Float(precision=53), nullable=True),
             sa.Column('value_type', value_type, nullable=False),
             sa.UniqueConstraint('trial_id', 'objective'))
    sa.Table('trial_intermediate_values', md,
             sa.Column('trial_intermediate_value_id', sa.Integer, primary_key=True),
             sa.Column('trial_id', sa.Integer, sa.ForeignKey('trials.trial_id'), nullable=False),
             sa.Column('step', sa.Integer, nullable=False),
             sa.Column('intermediate_value', sa.Float(precision=53), nullable=True),
             sa.Column('intermediate_value_type', intermediate_type, nullable=False),
             sa.UniqueConstraint('trial_id', 'step'))
    sa.Table('trial_heartbeats', md,
             sa.Column('trial_heartbeat_id', sa.Integer, primary_key=True),
             sa.Column('trial_id', sa.Integer, sa.ForeignKey('trials.trial_id'), nullable=False),
             sa.Column('heartbeat', sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
             sa.UniqueConstraint('trial_id'))
    return md


def upgrade() -> None:
    bind = op.get_bind()
    md = _tables()
    md.create_all(bind)
    # Optuna reads the schema version from here; written now so the storage never has to.
    bind.execute(md.tables['version_info'].insert().values(version_info_id=1, schema_version=SCHEMA_VERSION,
                                                           library_version='4'))


def downgrade() -> None:
    _tables().drop_all(op.get_bind())  # drops the PostgreSQL enum types too
