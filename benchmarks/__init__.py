"""Benchmarks: ``make bench`` (``python -m benchmarks``) runs every ``*_bench.py`` module."""
