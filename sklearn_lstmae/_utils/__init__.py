"""Helpers shared by the estimators: input checks, windows, thresholds, statistics."""
