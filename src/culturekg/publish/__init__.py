"""Releasing the graph: dumps in six formats, a VoID/DCAT description, a static linked-data site."""
