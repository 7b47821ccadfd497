"""OneRoster 1.2 CSV adapter: import a zip or folder into canonical records, export a set."""
