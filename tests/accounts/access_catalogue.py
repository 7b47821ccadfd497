"""Which access test covers each of the app's routes that name an object in the URL.

A route that takes a parameter (an object's public id, a secret, a slug) must appear here:
either in LIVE (checked by tests/accounts/test_access_matrix.py with cookie sessions), in
ELSEWHERE (a feature test that already asserts refusals across schools/relations with the
objects that feature needs), or in PUBLIC with the reason it needs no signed-in relation.
A new route that is in none of them makes test_every_route_is_known fail: add it."""

from __future__ import annotations

# Checked live with sign-in sessions (family objects: a child's route, achievement,
# evidence and person pages; the child's class): owner/parent 200, another family 403/404,
# another school 404; every POST refused without CSRF and across schools, nothing changed.
LIVE = frozenset({
    "pathways.show", "pathways.versions", "pathways.edit", "pathways.save", "pathways.act",
    "pathways_api.get_route", "pathways_api.move",
    "portfolio.item", "portfolio.edit", "portfolio.consent", "portfolio.moderate",
    "portfolio.evidence", "portfolio.person", "portfolio.export", "portfolio.pdf",
    "portfolio.self_assessment", "portfolio.uud_student", "portfolio.uud_request",
    "portfolio.uud_external", "portfolio_admin.adult",
    "people.class_overview", "people.refresh_roster", "people.post_score",
    "people.retry_scores", "api_v1.roster", "portfolio.class_page",
})

# Staff features whose objects (networks, courses, connections, meetings…) need the
# feature's own fixtures: their cross-school refusals are asserted in these files.
ELSEWHERE: dict[str, str] = {
    **{e: "tests/accounts/test_signin_staff_pages.py" for e in (
        "exchange.course", "exchange.edit_course", "exchange.update_course",
        "network.detail", "network.edit_entry")},
    **{e: "tests/exchange/test_requests_http.py" for e in (
        "exchange.request_course", "exchange.decide", "exchange.withdraw",
        "exchange.journal", "exchange.cartridge")},
    **{e: "tests/exchange/test_transfer.py" for e in (
        "exchange_transfer.package", "exchange_transfer.download",
        "exchange_transfer.confirm", "exchange_transfer.send")},
    **{e: "tests/network/test_network_pages.py" for e in (
        "network.add_agreement", "network.agreement_document", "network.attach",
        "network.detach")},
    **{e: "tests/network/test_bank.py" for e in (
        "bank.index", "bank.register_author", "bank.add", "bank.document", "bank.review")},
    **{e: "tests/network/test_council_pages.py" for e in (
        "council.index", "council.create_meeting", "council.meeting", "council.attendance",
        "council.decide", "council.minutes", "council.sign", "council.add_member")},
    **{e: "tests/network/test_cycle_pages.py" for e in (
        "cycle.index", "cycle.generate", "cycle.add", "cycle.done")},
    **{e: "tests/network/test_events.py" for e in (
        "events.index", "events.create", "events.detail", "events.attendance",
        "events.certificate_pdf", "events.badge", "events.ics", "events.register")},
    **{e: "tests/network/test_monitoring.py" for e in (
        "monitoring.index", "monitoring.save", "monitoring.export", "monitoring.import_xlsx",
        "monitoring.school")},
    **{e: "tests/sync/test_school_scoping.py" for e in (
        "sync_admin.detail", "sync_admin.remove", "sync_admin.edit", "sync_admin.run",
        "sync_admin.test", "sync_admin.upload", "sync_admin.report", "sync_admin.progress",
        "sync_admin.link", "sync_admin.unlink")},
    "accounts.end_one": "tests/accounts/test_sessions.py",
    "pathways.unassign_tutor": "tests/pathways/test_tutor_pages.py",
    "portfolio.uud_answer": "tests/portfolio/test_uud.py",
}

# No signed-in relation to check, on purpose.
PUBLIC: dict[str, str] = {
    "static": "static files",
    "accounts.local.accept": "the invitation's secret link is the authority (single use)",
    "accounts.local.reset": "the reset's secret link is the authority (single use)",
    "accounts.sso.sso_start": "starts a sign-in with a provider: nobody is signed in yet",
    "network_public.public_bank": "a network's published bank, public by design",
    "network_public.public_document": "a published bank document, public by design",
    "network_public.feed": "a network's public events calendar",
    "network_public.registry": "the network's public registry of members",
    "network_public.registry_json": "the same registry as JSON",
    "portfolio_public.public_page": "a pupil's public page: only consented items",
}
