"""LTI role URIs → Marshrut roles: the vocabulary lives in :mod:`schemas.lti_roles`, where the
NRPS adapter reads it too (adapters never import the app)."""

from __future__ import annotations

from schemas.lti_roles import map_roles

__all__ = ["map_roles"]
