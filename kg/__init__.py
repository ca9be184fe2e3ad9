"""rekg: an open knowledge graph of the rare-earth supply chain."""

__version__ = "0.1.0"
