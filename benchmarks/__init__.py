"""Vanishing Point's speed table: ``python -m benchmarks`` prints medians and their ratio to target."""
