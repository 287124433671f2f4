"""Hyper-parameter search over the model families (Optuna), stored in the workbench database."""
