"""LTI role URIs (what Moodle sends in a launch and in NRPS) → Marshrut roles.

Pure; unknown roles are ignored."""

from __future__ import annotations

from collections.abc import Iterable

_BY_SUFFIX = {
    "membership#Instructor": "teacher",
    "membership/Instructor#TeachingAssistant": "teacher",
    "institution/person#Faculty": "teacher",
    "institution/person#Instructor": "teacher",
    "membership#Learner": "student",
    "institution/person#Student": "student",
    "institution/person#Learner": "student",
    "membership#Mentor": "parent",
    "institution/person#Mentor": "parent",
    "membership#Administrator": "admin",
    "institution/person#Administrator": "admin",
    "system/person#Administrator": "admin",
    "system/person#SysAdmin": "admin",
}
#: LTI 1.3 allows short context-role names ("Instructor") for backward compatibility.
_SHORT = {"Instructor": "teacher", "Learner": "student", "Mentor": "parent",
          "Administrator": "admin"}
_PREFIX = "http://purl.imsglobal.org/vocab/lis/v2/"


def map_roles(uris: Iterable[str]) -> list[str]:
    found: set[str] = set()
    for uri in uris:
        if not isinstance(uri, str):
            continue
        role = _SHORT.get(uri)
        if role is None and uri.startswith(_PREFIX):
            role = _BY_SUFFIX.get(uri[len(_PREFIX):])
        if role:
            found.add(role)
    return sorted(found)
