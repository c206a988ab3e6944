"""Synthetic culturekg projects for benchmarks: shaped like real records, never mistaken for them.

Every key the generator mints starts with `syn-`, every source and note says SYNTHETIC, and every
URL is under the reserved `.invalid` top-level domain, so nothing here can be taken for a fact or
resolved on the network.
"""
