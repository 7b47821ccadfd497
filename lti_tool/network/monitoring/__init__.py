"""Seed 001's monitoring of the network's schools, per term, side by side."""
