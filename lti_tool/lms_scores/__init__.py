"""Scores Marshrut sends to the LMS's gradebook (LTI AGS) through an outbox with retries.

Named ``lms_scores`` (was ``gradebook``): to a Russian school the «журнал» *is* the gradebook,
so ``gradebook/`` next to ``journal/`` read as two names for one thing. ``journal/`` holds the
marks and attendance read from the school's systems; this folder holds what goes out to the LMS.
"""
