"""The network's annual cycle (seed 004 §4.4–4.11) as dated tasks with owners and reminders."""
