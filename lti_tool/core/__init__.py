"""What every feature needs and no feature owns: who is asking (:mod:`.viewer`) and the audit
log (:mod:`.audit`).

Called ``core`` rather than ``auth``: the audit log is not about signing in, and both are the
floor every feature stands on. Modules here import no feature of ``lti_tool`` (the import-graph
test in ``tests/unit/test_import_graph.py`` holds that), so any feature may import them without
making a cycle. A feature that knows how someone signs in (the LTI launch, a sign-in page)
registers a viewer loader here instead of being imported by it.
"""
