"""Record schemas shared by the tool and the adapters."""

from schemas.messages import install

install()  # Russian marshmallow messages before any schema here is defined
