"""Ways in without an LMS: first-party sign-in sessions, «Сетевой город» accounts."""
