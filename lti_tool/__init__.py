"""Marshrut: a Flask LTI 1.3 tool."""

import schemas  # noqa: F401  (Russian marshmallow messages before any schema is defined)
