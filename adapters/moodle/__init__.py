"""Moodle Web Services adapter: REST client, mapping to canonical records, sandbox server."""
