"""Recommendation models: baselines, collaborative filtering, content-based and hybrid, one interface."""
