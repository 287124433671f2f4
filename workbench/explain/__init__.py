"""Explanations (score parts, history, content attributions), faithfulness, inspection and cold start."""

from workbench.explain.coldstart import cold_start_report, coldstart_item, coldstart_user
from workbench.explain.core import explain, explain_recommendations, explain_rows
from workbench.explain.faithfulness import faithfulness
from workbench.explain.inspection import (
    bias_extremes,
    embedding_map,
    embedding_map_full,
    score_distribution,
    similar_items,
    user_diagnostics,
)
from workbench.explain.types import Explanation, HistoryContribution, WordWeight

__all__ = [
    "Explanation",
    "HistoryContribution",
    "WordWeight",
    "bias_extremes",
    "cold_start_report",
    "coldstart_item",
    "coldstart_user",
    "embedding_map",
    "embedding_map_full",
    "explain",
    "explain_recommendations",
    "explain_rows",
    "faithfulness",
    "score_distribution",
    "similar_items",
    "user_diagnostics",
]
