"""The Recap document and how it is built from a session."""

from chatrecap.recap.model import RECAP_SCHEMA_VERSION, Recap

__all__ = ["RECAP_SCHEMA_VERSION", "Recap"]
