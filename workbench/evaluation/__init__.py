"""Splits, metrics and the leak-free evaluation protocol."""

from workbench.evaluation.protocol import (
    AlignedHoldout,
    PerUserScores,
    align_holdout,
    cold_item_rows,
    evaluate,
    evaluate_holdout,
    evaluate_per_user,
    evaluate_split,
    metric_names,
)
from workbench.evaluation.splits import SPLIT_KINDS, Split, SplitSpec, make_split

__all__ = [
    "SPLIT_KINDS",
    "AlignedHoldout",
    "PerUserScores",
    "Split",
    "SplitSpec",
    "align_holdout",
    "cold_item_rows",
    "evaluate",
    "evaluate_holdout",
    "evaluate_per_user",
    "evaluate_split",
    "make_split",
    "metric_names",
]
