"""The demo's closing lines name people who exist: the parent login offered for signing in
without an LMS is a parent in the sandbox's demo world, of the demo LMS pupil Алексей Петров."""

from __future__ import annotations

from lti_tool.cli import DEMO_PARENT_LOGIN, _demo_banner
from lti_tool.sandbox.demo_school import demo_world


def test_the_banner_s_parent_is_the_sandbox_parent_of_a_demo_pupil():
    world = demo_world()
    parent = next(p for p in world.people.values() if p.login == DEMO_PARENT_LOGIN)
    assert parent.role == "parent" and parent.school_id == 1001
    children = [world.people[c] for c in world.children_of[parent.id]]
    assert [(c.last, c.first) for c in children] == [("Петров", "Алексей")]
    banner = _demo_banner("http://127.0.0.1:5000")
    assert "http://127.0.0.1:5000/signin" in banner and DEMO_PARENT_LOGIN in banner
    assert "p-petrova" in banner  # the LMS parent the routes demo adds
