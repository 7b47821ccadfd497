"""A network course placed in the host's LMS by Deep Linking; a network student's launch
finds their home school through their identity link, and an unlinked one is not guessed."""

from __future__ import annotations

import requests

from tests.e2e.flow import follow, get, launch_token
from tests.e2e.lti_helpers import launch
from tests.exchange.test_requests_http import _decide


def test_place_a_network_course_and_launch_it_as_a_network_student(net):
    platform, tool = net.platform, net.tool
    course = net.add_course(host="school")  # the demo LMS course lives in ``school``
    # s-petrov of the partner school («other») is enrolled; the LMS account is the same
    # person in both deployments of this platform (one issuer, one sub: an identity link)
    student = net.token("student", "other", sub="s-petrov")
    resp = net.post(f"/app/exchange/courses/{course}/request", student)
    assert resp.status_code == 303
    (req,) = net.requests()
    _decide(net, req.public_id, net.token("admin", "other"))
    _decide(net, req.public_id, net.token("admin", "school"))
    assert net.requests()[0].state == "enrolled"

    client = requests.Session()
    resp = get(client, f"{platform.issuer}/deeplink/algebra-10a?user=t-ivanova")
    token = launch_token(resp)
    picker = client.get(tool.base + "/lti/deeplink/", params={"lt": token}, timeout=30)
    assert f"network_course:{course}" in picker.text
    bogus = client.post(tool.base + "/lti/deeplink/", timeout=30, allow_redirects=False,
                        data={"lt": token, "target": "network_course:not-a-course"})
    assert bogus.status_code == 303 and not [
        lk for lk in platform.links.values() if lk.custom.get("target", "").startswith("net")]
    resp = follow(client, client.post(tool.base + "/lti/deeplink/", timeout=30, data={
        "lt": token, "target": f"network_course:{course}"}))
    placed = [lk for lk in platform.links.values()
              if lk.custom.get("target") == f"network_course:{course}"]
    assert len(placed) == 1 and "Химия в медицине" in placed[0].title

    page = launch(requests.Session(), platform, placed[0], "s-petrov")
    assert "Химия в медицине" in page.text
    assert "Ваша школа: Гимназия № 1" in page.text
    other = launch(requests.Session(), platform, placed[0], "s-kuznetsova")
    assert "Ваша школа не определена" in other.text and "Ваша школа:" not in other.text


def test_the_route_builder_lists_network_courses_and_the_student_s_requests(net):
    course = net.add_course()
    student = net.token("student")
    built = requests.post(net.tool.base + "/app/routes/start", timeout=30,
                          data={"lt": student, "start": "2026-09-01"})
    assert built.status_code == 200 and "/edit" in built.url
    panel = built.text.split('data-testid="route-network-courses"')[1]
    assert "Химия в медицине" in panel and "Гимназия № 1" in panel
    net.post(f"/app/exchange/courses/{course}/request", student)
    again = requests.get(built.url, timeout=30)
    assert "ждёт решения школ" in again.text.split('data-testid="route-network-courses"')[1]
    # the host's own pupil and a school outside the network see no panel
    for token in (net.token("student", "other"), net.token("student", "outside")):
        own = requests.post(net.tool.base + "/app/routes/start", timeout=30,
                            data={"lt": token, "start": "2026-09-01"})
        assert "route-network-courses" not in own.text


def test_a_pupil_not_on_a_placed_course_lands_on_its_page_to_ask_for_a_place(net):
    """The partner's course sits in school № 37's LMS course for every pupil there; one who
    is not in its group lands on the course's page (where a request is made), told why —
    not on a bare refusal — and nothing is asked on their behalf."""
    from tests.exchange.test_gradebook_push import _enrolled_petrov, _place_at_home

    course, _petrov = _enrolled_petrov(net)  # hosted by «other»; s-petrov of № 37 attends
    link = _place_at_home(net, course)
    before = [(r.student_id, r.state) for r in net.requests()]
    page = launch(requests.Session(), net.platform, link, "s-kuznetsova")
    assert page.status_code == 200 and f"/app/exchange/courses/{course}" in page.url
    assert "Ты пока не в группе этого сетевого курса" in page.text
    assert "Химия в медицине" in page.text
    assert [(r.student_id, r.state) for r in net.requests()] == before
