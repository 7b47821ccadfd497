"""The network's bank of methodological products (seed 003 §6.1, seed 001)."""
