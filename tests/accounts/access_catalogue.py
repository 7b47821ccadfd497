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
    "pathways.withdraw",
    "pathways_api.get_route", "pathways_api.move",
    "portfolio.item", "portfolio.edit", "portfolio.consent", "portfolio.moderate",
    "portfolio.evidence", "portfolio.person", "portfolio.export", "portfolio.pdf",
    "portfolio.self_assessment", "portfolio.uud_student", "portfolio.uud_request",
    "portfolio.uud_external", "portfolio_admin.adult",
    "people.class_overview", "people.refresh_roster", "people.post_score",
    "people.retry_scores", "api_v1.roster", "portfolio.class_page",
})

# Checked live by test_access_matrix_staff.py: a partner's course in a network, signed-in
# coordinator / teacher / admin outside the network.
LIVE_STAFF = frozenset({
    "exchange.course", "exchange.cartridge", "exchange.journal", "exchange.edit_course",
    "exchange.update_course", "exchange.request_course"})

# Checked live by test_access_matrix_network.py: every network route (registry page,
# agreements, bank, council, cycle, events, monitoring) with coordinator, member admin,
# teacher, tutor, partner coordinator and an admin outside the network, all signed in.
LIVE_NETWORK = frozenset({
    "network.detail", "network.edit_entry", "network.add_agreement",
    "network.agreement_document", "network.attach", "network.detach",
    "bank.index", "bank.register_author", "bank.add", "bank.document", "bank.review",
    "council.index", "council.create_meeting", "council.meeting", "council.attendance",
    "council.decide", "council.minutes", "council.sign", "council.add_member",
    "cycle.index", "cycle.generate", "cycle.add", "cycle.done",
    "events.index", "events.create", "events.detail", "events.attendance",
    "events.certificate_pdf", "events.badge", "events.ics", "events.register",
    "monitoring.index", "monitoring.save", "monitoring.export", "monitoring.import_xlsx",
    "monitoring.school"})

# Checked live by test_access_matrix_exchange.py: a pupil's course request and the monthly
# transfer package, with the pupil and parents (Сетевой город), both schools' admins, a
# teacher, the partner coordinator and an admin outside the network, all signed in.
LIVE_EXCHANGE = frozenset({
    "exchange.decide", "exchange.withdraw", "exchange_transfer.package",
    "exchange_transfer.download", "exchange_transfer.confirm", "exchange_transfer.send"})

# Checked live by test_access_matrix_school.py: a school's own staff routes (sync admin,
# one's sessions, tutors, УУД ratings) with its admins (Сетевой город and local), pupil,
# parents, the asked teacher, a teacher, tutor and partner coordinator, and the other school.
LIVE_SCHOOL = frozenset({
    "sync_admin.detail", "sync_admin.run", "sync_admin.test", "sync_admin.report",
    "sync_admin.progress", "sync_admin.link", "sync_admin.unlink", "sync_admin.edit",
    "sync_admin.remove", "sync_admin.upload", "accounts.end_one", "pathways.unassign_tutor",
    "portfolio.uud_answer"})

# Every set checked live with sign-in sessions (disjoint).
LIVE_SETS = (LIVE, LIVE_STAFF, LIVE_NETWORK, LIVE_EXCHANGE, LIVE_SCHOOL)
ALL_LIVE = frozenset().union(*LIVE_SETS)

# Routes checked only by their feature's tests with launches (endpoint → test file, with
# why it is not live here). None left: every route with an object is checked live above.
ELSEWHERE: dict[str, str] = {}

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

# Pages and API calls that name no object, as a signed-in child (kid) and their parent
# (mum) of the same school see them. "refused" = 403 or 404. A new page fails the test
# until it is listed here.
REFUSED = "refused"
STAFF_PAGES = (  # admins, teachers, tutors, coordinators only
    "accounts.local.admin_accounts", "accounts.sso.admin_sso", "lti_admin.index",
    "portfolio_admin.settings", "portfolio_admin.figures", "portfolio_admin.school_mentors",
    "portfolio_admin.school_mentors_xlsx", "portfolio_admin.region_page",
    "portfolio_admin.region_xlsx", "sync_admin.index", "exchange_cards.timetable",
    "exchange.new_course", "exchange.placed_course", "exchange.requests_page",
    "exchange_transfer.dashboard_page", "portfolio.lesson_map", "portfolio.queue",
    "portfolio.uud_asks", "portfolio.uud_school", "pathways.export",
    "pathways.editions", "pathways.new_edition", "pathways.offer_page", "pathways.offer_template",
    "pathways.tutors_page", "deep_linking.pick",
    "accounts.local.security",  # local accounts only: a Сетевой город sign-in has none
)
OWN_PAGES = (  # each person's own: 200 for both
    "people.home", "accounts.sessions_page", "api_v1.me", "pathways_api.list_routes",
    "pathways.home", "notifications.index", "notifications.unread", "exchange.catalog",
    "network.index")
PAGES: dict[str, tuple[int | str, int | str]] = {
    **{e: (REFUSED, REFUSED) for e in STAFF_PAGES},
    **{e: (200, 200) for e in OWN_PAGES},
    "exchange_cards.index": (200, REFUSED),  # a pupil's own course cards
    "portfolio.new": (200, REFUSED),  # a pupil adds their own achievement
    "portfolio.home": (302, 200),  # the pupil goes to their own page; the parent picks a child
    "pathways.dashboard": (303, 303),  # the class's routes: to their own (children's) routes
}
# The same pages for staff signed in with local accounts (no LMS), checked by
# test_pages_without_an_object_by_staff_role: (admin, teacher, tutor, partner coordinator).
ALL_STAFF: tuple[int | str, ...] = (200, 200, 200, 200)
ADMIN_ONLY: tuple[int | str, ...] = (200, REFUSED, REFUSED, REFUSED)
TEACHING: tuple[int | str, ...] = (200, 200, REFUSED, REFUSED)  # teachers and admins
TUTORING: tuple[int | str, ...] = (200, 200, 200, REFUSED)  # and staff invited as «Тьютор»
NOBODY: tuple[int | str, ...] = (REFUSED,) * 4
STAFF_ROLE_PAGES: dict[str, tuple[int | str, ...]] = {
    **{e: ADMIN_ONLY for e in (
        "accounts.local.admin_accounts", "accounts.sso.admin_sso", "exchange.new_course",
        "exchange.requests_page", "exchange_cards.timetable",
        "exchange_transfer.dashboard_page", "lti_admin.index", "pathways.offer_page",
        "pathways.offer_template", "pathways.tutors_page", "portfolio.queue",
        "portfolio.uud_school", "portfolio_admin.figures", "portfolio_admin.school_mentors",
        "portfolio_admin.school_mentors_xlsx", "portfolio_admin.settings", "sync_admin.index")},
    **{e: TEACHING for e in ("portfolio.lesson_map", "portfolio.new", "portfolio.uud_asks",
                             "exchange_cards.index")},  # a network teacher's groups' cards
    # routes: a tutor's class view (their students), its XLSX and the rule editions
    **{e: TUTORING for e in ("pathways.dashboard", "pathways.editions", "pathways.export")},
    **{e: ALL_STAFF for e in (
        "accounts.local.security", "accounts.sessions_page", "api_v1.me", "exchange.catalog",
        "network.index", "notifications.index", "notifications.unread",
        "pathways_api.list_routes", "people.home")},
    # A Deep Linking request, a placement, a region: none comes with a sign-in.
    **{e: NOBODY for e in (
        "deep_linking.pick", "exchange.placed_course", "pathways.new_edition",
        "portfolio_admin.region_page", "portfolio_admin.region_xlsx")},
    "pathways.home": (302, 302, 302, 302),  # to the dashboard or to one's own page
    "portfolio.home": (200, 200, 302, 302),  # the school's portfolios; else one's own page
}
# Open without a session (protocol, public or sign-in pages): not checked here.
OPEN_PAGES = frozenset({
    "welcome", "healthz", "lti.jwks", "lti.config_json", "lti.login", "dynreg.register_view",
    "api-docs.openapi_json", "accounts.manifest", "accounts.service_worker", "accounts.signin",
    "accounts.local.reset_request", "accounts.sso.sso_callback"})
