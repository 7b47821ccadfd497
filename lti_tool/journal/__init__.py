"""The school journal («журнал»): assignments, marks and attendance brought in by adapters."""
