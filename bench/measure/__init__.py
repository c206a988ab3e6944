"""Phases of the benchmark, each run in a child process of its own so its peak memory is its own."""
