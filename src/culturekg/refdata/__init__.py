"""Generators that turn public source tables into the project's reference data under `data/reference/`.

Each generator is deterministic: the same input gives a byte-identical file, so a test can regenerate
a committed file and fail on any difference.
"""
