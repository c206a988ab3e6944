"""culturekg: a knowledge graph of cultural-policy conventions, events, people and organizations."""

__version__ = "0.1.0"
