"""Network events (webinars, master classes, seminars, video-conference lessons)."""
