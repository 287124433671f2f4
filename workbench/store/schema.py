"""The typed ORM schema. Every change here needs an Alembic revision in ``migrations/versions``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Alembic's batch mode on SQLite needs named constraints to alter them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


#: ids, row counts and timestamps: 64-bit (PostgreSQL's INTEGER is 32-bit; on SQLite INTEGER is 64-bit
#: already, and only an INTEGER primary key is the auto-numbered row id)
BigInt = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON, int: BigInt}


class DatasetRow(Base):
    __tablename__ = "datasets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # "explicit" | "implicit"
    rating_min: Mapped[float | None] = mapped_column(Float)
    rating_max: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    n_users: Mapped[int] = mapped_column(BigInt, default=0)
    n_items: Mapped[int] = mapped_column(BigInt, default=0)
    n_interactions: Mapped[int] = mapped_column(BigInt, default=0)
    import_report: Mapped[dict[str, Any]] = mapped_column(default=dict)

    users: Mapped[list[UserRow]] = relationship(back_populates="dataset", cascade="all, delete-orphan",
                                                passive_deletes=True)
    items: Mapped[list[ItemRow]] = relationship(back_populates="dataset", cascade="all, delete-orphan",
                                                passive_deletes=True)


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("dataset_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(200))
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)

    dataset: Mapped[DatasetRow] = relationship(back_populates="users")


class ItemRow(Base):
    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("dataset_id", "external_id"),
        # interactions sorted by title walk items in title order (revision 0004)
        Index("ix_items_dataset_title", "dataset_id", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list[Any]] = mapped_column(default=list)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)

    dataset: Mapped[DatasetRow] = relationship(back_populates="items")


class InteractionRow(Base):
    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_dataset_user", "dataset_id", "user_id"),
        # paging sorted by value or time without sorting the whole dataset (revision 0003)
        Index("ix_interactions_dataset_timestamp", "dataset_id", "timestamp"),
        Index("ix_interactions_dataset_value", "dataset_id", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    timestamp: Mapped[int | None] = mapped_column(BigInt)


class ItemEmbeddingRow(Base):
    """A pretrained sentence vector of one item's text (revision 0006); stale when ``text_hash`` differs
    from the hash of the item's current text."""

    __tablename__ = "item_embeddings"
    __table_args__ = (
        UniqueConstraint("item_id", "encoder", "encoder_version", name="uq_item_embeddings_item_encoder"),
        Index("ix_item_embeddings_dataset_encoder", "dataset_id", "encoder", "encoder_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    encoder: Mapped[str] = mapped_column(String(200))
    encoder_version: Mapped[str] = mapped_column(String(100))
    text_hash: Mapped[str] = mapped_column(String(64))
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ModelRow(Base):
    __tablename__ = "models"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    family: Mapped[str] = mapped_column(String(32))
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    split: Mapped[dict[str, Any]] = mapped_column(default=dict)  # split spec + seed, to rebuild it exactly
    id_maps: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"users": [...], "items": [...]}
    weights: Mapped[bytes] = mapped_column(LargeBinary)  # safetensors bytes: cannot execute code on load
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)  # headline metrics for tables

    evaluations: Mapped[list[EvaluationRow]] = relationship(cascade="all, delete-orphan",
                                                            passive_deletes=True)


class TrainingRunRow(Base):
    __tablename__ = "training_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    model_id: Mapped[int | None] = mapped_column(ForeignKey("models.id", ondelete="SET NULL"), index=True)
    family: Mapped[str] = mapped_column(String(32))
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    split: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="running", index=True)
    device: Mapped[str] = mapped_column(String(64), default="cpu")
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    elapsed_s: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text)
    pid: Mapped[int | None] = mapped_column(Integer)  # owning process, to detect runs left by a killed one
    checkpoint: Mapped[bytes | None] = mapped_column(LargeBinary)  # safetensors bytes of the last epoch
    checkpoint_epoch: Mapped[int | None] = mapped_column(Integer)
    # runs trained on another machine against a shared database (revision 0007)
    host: Mapped[str | None] = mapped_column(String(255))  # machine of the training process
    cancel_requested_at: Mapped[datetime | None] = mapped_column(DateTime)  # honoured at the next check

    epochs: Mapped[list[EpochMetricRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                        order_by="EpochMetricRow.epoch")


class BlobPartRow(Base):
    """One slice of a value too large for one database field (SQLite and PostgreSQL cap it at 1 GB).

    Exactly one owner column is set. Model weights and run checkpoints keep their first slice in their
    own column and continue here from part 1; a dataset's array snapshot lives here whole, from part 0.
    Owners cascade, so deleting a model, run or dataset deletes its parts with it.
    """

    __tablename__ = "blob_parts"
    __table_args__ = (
        Index("ix_blob_parts_model_part", "model_id", "part"),
        Index("ix_blob_parts_run_part", "run_id", "part"),
        Index("ix_blob_parts_dataset_part", "dataset_id", "part"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int | None] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("training_runs.id", ondelete="CASCADE"))
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    part: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class EpochMetricRow(Base):
    __tablename__ = "epoch_metrics"
    __table_args__ = (UniqueConstraint("run_id", "epoch"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("training_runs.id", ondelete="CASCADE"))
    epoch: Mapped[int] = mapped_column(Integer)
    train_loss: Mapped[float | None] = mapped_column(Float)
    valid_loss: Mapped[float | None] = mapped_column(Float)
    valid_metric: Mapped[float | None] = mapped_column(Float)
    metric_name: Mapped[str | None] = mapped_column(String(32))
    elapsed_s: Mapped[float] = mapped_column(Float, default=0.0)
    samples_per_s: Mapped[float | None] = mapped_column(Float)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)


class EvaluationRow(Base):
    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    protocol: Mapped[str] = mapped_column(String(200))  # "split" or "holdout:<file>"
    k: Mapped[int] = mapped_column(Integer, default=10)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
