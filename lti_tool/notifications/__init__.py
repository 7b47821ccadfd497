"""Telling a person something: an in-app list and e-mail (see NOTES / NOTIFY-API.md)."""
