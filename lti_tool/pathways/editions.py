"""Curriculum rule sets as data: one ``Edition`` per legal edition, each figure with its source.

Why data and not code: a school admin must be able to read which act a figure comes from, a
regional admin adds an edition (a new order, a draft) without a release, and a plan is checked
against the edition in force on its start date. ``certainty`` says how the figure was
established: ``act`` (read in the act or a page quoting it verbatim), ``secondary`` (a school's
or news page quoting it), ``recalled`` (not found on a page during this work; to confirm
against the published act before relying on it), ``assumed`` (not announced; carried over).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from lti_tool.pathways.messages import N_

#: ФГОС subjects of среднее общее образование: key → (именительный, винительный падеж).
SUBJECTS: dict[str, tuple[str, str]] = {
    "russian": (N_("русский язык"), N_("русский язык")),
    "literature": (N_("литература"), N_("литературу")),
    "foreign": (N_("иностранный язык"), N_("иностранный язык")),
    "math": (N_("математика"), N_("математику")),
    "informatics": (N_("информатика"), N_("информатику")),
    "history": (N_("история"), N_("историю")),
    "social": (N_("обществознание"), N_("обществознание")),
    "geography": (N_("география"), N_("географию")),
    "physics": (N_("физика"), N_("физику")),
    "chemistry": (N_("химия"), N_("химию")),
    "biology": (N_("биология"), N_("биологию")),
    "pe": (N_("физическая культура"), N_("физическую культуру")),
    "safety": (N_("основы безопасности и защиты Родины"), N_("ОБЗР")),
    "native": (N_("родной язык и родная литература"), N_("родной язык")),
    "foreign2": (N_("второй иностранный язык"), N_("второй иностранный язык")),
}

#: School courses → the ФГОС subject they make up (алгебра + геометрия + вероятность и
#: статистика = математика). Keys are lower-case course names as schools write them.
COURSE_SUBJECT: dict[str, str] = {
    "русский язык": "russian", "литература": "literature",
    "иностранный язык": "foreign", "английский язык": "foreign", "немецкий язык": "foreign",
    "французский язык": "foreign", "китайский язык": "foreign",
    "математика": "math", "алгебра": "math", "алгебра и начала математического анализа": "math",
    "геометрия": "math", "вероятность и статистика": "math",
    "информатика": "informatics", "история": "history", "история россии": "history",
    "всеобщая история": "history", "обществознание": "social", "география": "geography",
    "физика": "physics", "химия": "chemistry", "биология": "biology",
    "физическая культура": "pe", "обж": "safety", "обзр": "safety",
    "основы безопасности жизнедеятельности": "safety",
    "основы безопасности и защиты родины": "safety",
    "родной язык": "native", "родная литература": "native",
    "второй иностранный язык": "foreign2",
}

PROFILES: dict[str, str] = {
    "science": N_("естественно-научный"), "humanities": N_("гуманитарный"),
    "socioeconomic": N_("социально-экономический"), "technology": N_("технологический"),
    "universal": N_("универсальный"), "agro": N_("агротехнологический"),
}


@dataclass(frozen=True)
class Source:
    """Where a figure comes from and how sure we are of it."""

    act: str
    where: str = ""  # article / point, or the page address it was read on
    certainty: str = "recalled"  # act | secondary | recalled | assumed


@dataclass(frozen=True)
class Figure:
    value: int
    source: Source


@dataclass(frozen=True)
class ProfileRule:
    """What a profile asks: ``min_advanced`` subjects at the advanced level from ``area``."""

    min_advanced: Figure
    area: tuple[str, ...]


@dataclass(frozen=True)
class Edition:
    key: str
    title: str
    effective: date
    status: str  # in_force | draft
    min_hours: Figure  # over the two years (10–11)
    max_hours: Figure
    max_week: dict[int, Figure]  # days in the school week → hours a week at most
    min_subjects: Figure
    mandatory: tuple[str, ...]
    mandatory_source: Source
    names: dict[str, str] = field(default_factory=dict)  # a subject's name in this edition
    profiles: dict[str, ProfileRule] = field(default_factory=dict)
    project_years: tuple[int, int] = (1, 2)  # the individual project: one or two years
    project_source: Source = Source("")
    weeks_per_year: int = 34
    region: str = ""  # a regional edition: the region it applies to ("" = national)
    based_on: str = ""  # a regional edition: the key of the edition it was copied from

    def subject_name(self, key: str) -> str:
        return self.names.get(key, SUBJECTS.get(key, (key, key))[0])


_FGOS_732 = ("ФГОС СОО (приказ Минобрнауки № 413 от 17.05.2012) в ред. приказа Минпросвещения "
             "№ 732 от 12.08.2022")
_FOP_371 = "ФОП СОО, приказ Минпросвещения № 371 от 18.05.2023"
_SANPIN = Source("СанПиН 1.2.3685-21, табл. 6.6 (максимальная недельная нагрузка, 10–11 классы)",
                 "http://gorlib.ru/info/pravo/azbuka/shkola/uchnagr.php (те же 37/34 ч в прежних "
                 "СанПиН 2.4.2.2821-10)", "secondary")
_DRAFT = Source("Проект ФГОС СОО, одобрен Советом Минпросвещения 10.02.2026, введение с 01.09.2027",
                "https://www.interfax.ru/russia/1071923; https://www.kommersant.ru/doc/8420930",
                "secondary")
_MANDATORY = ("russian", "literature", "foreign", "math", "informatics", "history", "social",
              "geography", "physics", "chemistry", "biology", "pe", "safety")
_PROFILE_AREA = Source(
    "ФГОС СОО п. 18.3.1 (ред. 732): не менее 2 предметов на углублённом уровне из области "
    "профиля и (или) смежной; универсальный профиль может ограничиться базовым уровнем",
    "https://www.kommersant.ru/doc/8420930 (технологический: математика, физика, информатика; "
    "агротехнологический: биология, химия, математика, физика)", "secondary")
_AREAS = {
    "science": ("math", "physics", "chemistry", "biology"),
    "humanities": ("russian", "literature", "foreign", "history", "social"),
    "socioeconomic": ("math", "social", "geography", "history"),
    "technology": ("math", "physics", "informatics"),
    "agro": ("biology", "chemistry", "math", "physics"),
    "universal": (),
}


def _profiles(min_advanced: int, source: Source) -> dict[str, ProfileRule]:
    return {key: ProfileRule(Figure(0 if key == "universal" else min_advanced, source), area)
            for key, area in _AREAS.items()}


FGOS_2022 = Edition(
    key="fgos-732", title=_FGOS_732, effective=date(2023, 9, 1), status="in_force",
    min_hours=Figure(2170, Source(_FGOS_732, "п. 18.3.1", "recalled")),
    max_hours=Figure(2516, Source(_FGOS_732, "п. 18.3.1 (37 ч × 34 нед × 2 года)", "recalled")),
    max_week={6: Figure(37, _SANPIN), 5: Figure(34, _SANPIN)},
    min_subjects=Figure(13, Source(_FGOS_732, "п. 18.3.1: не менее 13 учебных предметов",
                                   "recalled")),
    mandatory=_MANDATORY,
    mandatory_source=Source(_FGOS_732, "п. 18.3.1 (астрономия исключена, ОБЖ обязателен)",
                            "recalled"),
    names={"safety": N_("основы безопасности жизнедеятельности")},
    profiles=_profiles(2, _PROFILE_AREA),
    project_source=Source(_FGOS_732, "п. 18.3.1: индивидуальный проект в течение одного или "
                          "двух лет", "recalled"),
)

FOP_2024 = replace(
    FGOS_2022, key="fop-371",
    title=f"{_FOP_371}; ОБЖ → ОБЗР с 01.09.2024",
    effective=date(2024, 9, 1),
    min_hours=Figure(2312, Source(_FOP_371, "федеральный учебный план СОО (34 ч × 34 нед × 2 "
                                  "года); ФОП в силе с 01.09.2023, набор действует с введения "
                                  "ОБЗР", "recalled")),
    mandatory_source=Source(f"{_FOP_371}; переименование ОБЖ в «Основы безопасности и защиты "
                            "Родины» с 01.09.2024",
                            "https://nikatv.ru/news/obshestvo/v-kaluzhskih-shkolah-poyavitsya-"
                            "novyy-predmet-video", "secondary"),
    names={},
)

DRAFT_2027 = replace(
    FOP_2024, key="draft-2027", title="Проект ФГОС СОО (введение с 01.09.2027)",
    effective=date(2027, 9, 1), status="draft",
    min_hours=replace(FOP_2024.min_hours, source=Source("проект ФГОС 2027", "не объявлено",
                                                        "assumed")),
    # The draft lets a student take every subject at the basic level: no advanced minimum.
    profiles=_profiles(0, _DRAFT),
)

BUILT_IN: tuple[Edition, ...] = (FGOS_2022, FOP_2024, DRAFT_2027)


def in_force(on: date, editions: tuple[Edition, ...] = BUILT_IN) -> Edition | None:
    """The edition in force on a date: the latest one that took effect by then."""
    started = [e for e in editions if e.effective <= on]
    return max(started, key=lambda e: e.effective) if started else None
