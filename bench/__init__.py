"""Benchmarks: ``make bench`` prints figures and ratios (never part of the test suite)."""
