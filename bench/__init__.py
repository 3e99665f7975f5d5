"""Benchmarks and measurement scripts: run with `python -m bench.<name>`."""
