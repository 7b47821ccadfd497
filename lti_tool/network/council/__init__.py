"""The coordination council of a network (seed 004 §5): members, meetings, votes, minutes."""
