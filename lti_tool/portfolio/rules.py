"""Portfolio rules without I/O: default sections (seed 002), achievement levels and results,
professional-development hour bands, the moderation state machine and upload checks.

The sections here are only *defaults*: each school gets a copy in its own configuration
(``services.sections``) and edits it; nothing else in the code names a section.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

import filetype  # type: ignore[import-untyped]

STUDENT, TEACHER = "student", "teacher"


def N_(text: str) -> str:
    """Marks a Russian msgid for the catalogue (babel extracts ``N_``) without translating
    it: rules stay free of Flask, and pages translate through ``portfolio.i18n``."""
    return text


class Refusal(ValueError):
    """A refusal the viewer reads: a catalogue msgid and its values. ``str()`` is the
    Russian text (logs, audit, tests); ``i18n.refusal`` gives it in the viewer's language."""

    def __init__(self, msgid: str, **values: Any) -> None:
        self.msgid, self.values = msgid, values
        super().__init__(msgid % values if values else msgid)


class Refusals(Refusal):
    """Several refusals at once (every row of a file checked before any is saved)."""

    def __init__(self, items: list[Refusal]) -> None:
        self.items = items
        super().__init__("; ".join(str(i) for i in items))

#: (key, title, hint) — Метафолио: the student's sections as seed 002 lists them.
STUDENT_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("study", N_("Учебная деятельность"),
     "Результаты по предметам учебного плана, независимых экспертиз, олимпиад, "
     "конференций и конкурсов по предметам"),
    ("extracurricular", N_("Внеурочная деятельность"), ""),
    ("project", N_("Проектная и исследовательская деятельность"), ""),
    ("social", N_("Общественная деятельность"), ""),
    ("culture", N_("Культурная и творческая деятельность"), ""),
    ("sport", N_("Спортивная деятельность"), ""),
    ("other", N_("Прочие образовательные достижения"), ""),
)
#: Вебфолио: the teacher's sections (seed 002, table 1).
TEACHER_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("awards", N_("Награды и поощрения"),
     "Отраслевые и государственные награды; прочие награды и поощрения"),
    ("education", N_("Образование"), ""),
    ("experience", N_("Опыт работы"), ""),
    ("development", N_("Профессиональное совершенствование"),
     "Семинары, мастер-классы, вебинары (до 16 ч); курсы повышения квалификации "
     "(16–250 ч); профессиональная переподготовка (от 251 ч)"),
    ("teaching", N_("Педагогическая деятельность"),
     "Качество знаний; внешние и внутренние процедуры оценки; предметные мероприятия"),
    ("extracurricular", N_("Внеурочная деятельность"),
     "По предмету; внепредметная; классное руководство; внеклассные мероприятия"),
    ("students", N_("Достижения обучающихся"),
     "Индивидуальные учебные достижения; творческие работы обучающихся"),
    ("methods", N_("Методики и технологии"),
     "Инновационные технологии, методики и их элементы; применение ИКТ"),
    ("methodical", N_("Методическая деятельность"),
     "Научно-методическая работа; диссеминация опыта; сетевые профессиональные сообщества"),
    ("publications", N_("Публикации и научные (методические) работы"), ""),
    ("expert", N_("Экспертная работа"), "Эксперт аттестационной комиссии; работа в жюри"),
    ("contests", N_("Профессиональные конкурсы"), ""),
)
#: Sections whose achievements carry hours (their band is derived, never typed in).
HOURS_SECTIONS = frozenset({"development"})

LEVELS = ("school", "municipal", "regional", "federal", "international")
LEVEL_TITLES = {"school": N_("школьный"), "municipal": N_("муниципальный"),
                "regional": N_("региональный"), "federal": N_("всероссийский"),
                "international": N_("международный")}
RESULTS = ("participant", "prizewinner", "winner")
RESULT_TITLES = {"participant": N_("участник"), "prizewinner": N_("призёр"),
                 "winner": N_("победитель")}

BANDS = ("seminar", "course", "retraining")
BAND_TITLES = {"seminar": N_("Семинары, мастер-классы, вебинары (до 16 ч)"),
               "course": N_("Курсы повышения квалификации (16–250 ч)"),
               "retraining": N_("Профессиональная переподготовка (от 251 ч)")}


def default_sections(kind: str) -> tuple[tuple[str, str, str], ...]:
    return STUDENT_SECTIONS if kind == STUDENT else TEACHER_SECTIONS


def hours_band(hours: int) -> str:
    """Seed 002 gives 0–16, 16–250 and from 251 h; the bounds overlap at 16. A course of
    professional development is at least 16 h by law (приказ Минобрнауки № 499), so 16 h is
    a course; more than 250 h is retraining."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    if hours < 16:
        return "seminar"
    return "course" if hours <= 250 else "retraining"


# --- moderation -------------------------------------------------------------------------

UNCONFIRMED, CONFIRMED, REJECTED = "unconfirmed", "confirmed", "rejected"
STATES = (UNCONFIRMED, CONFIRMED, REJECTED)
STATE_TITLES = {UNCONFIRMED: N_("не подтверждено"), CONFIRMED: N_("подтверждено"),
                REJECTED: N_("отклонено")}
OWNER, MODERATOR = "owner", "moderator"

#: (state, action, actor) → new state. An owner's edit of an unconfirmed or rejected item
#: sends it (back) to the queue; a moderator's edit keeps the state and the original.
_TRANSITIONS: dict[tuple[str, str, str], str] = {
    (UNCONFIRMED, "confirm", MODERATOR): CONFIRMED,
    (UNCONFIRMED, "reject", MODERATOR): REJECTED,
    (UNCONFIRMED, "edit", MODERATOR): UNCONFIRMED,
    (CONFIRMED, "edit", MODERATOR): CONFIRMED,
    (REJECTED, "edit", MODERATOR): REJECTED,
    (UNCONFIRMED, "edit", OWNER): UNCONFIRMED,
    (REJECTED, "edit", OWNER): UNCONFIRMED,
    (CONFIRMED, "revoke", MODERATOR): UNCONFIRMED,
}


class TransitionRefused(Refusal):
    """The action is not allowed from this state for this actor (the message says why)."""


def next_state(state: str, action: str, actor: str, *, reason: str = "") -> str:
    """The state after ``action``; raises :class:`TransitionRefused` when it is not allowed.
    A rejection needs a reason the student will read."""
    new = _TRANSITIONS.get((state, action, actor))
    if new is None:
        if actor == OWNER and state == CONFIRMED:
            raise TransitionRefused(N_("Подтверждённое достижение может изменить только "
                                       "классный руководитель (тьютор)."))
        raise TransitionRefused(N_("Это действие недоступно для достижения в состоянии "
                                   "«%(state)s»."), state=STATE_TITLES.get(state, state))
    if action == "reject" and not reason.strip():
        raise TransitionRefused(N_("Укажите причину отклонения: ученик её увидит."))
    return new


def publishable(state: str, *, owner_is_minor: bool, consent_active: bool,
                owner_published: bool) -> bool:
    """Shown on a public or class page: confirmed, and for a minor a parent's consent in
    force; an adult (a teacher) publishes their own confirmed items."""
    if state != CONFIRMED:
        return False
    return consent_active if owner_is_minor else owner_published


# --- uploads ----------------------------------------------------------------------------

#: What a file of evidence may be, decided from its bytes: scans, photos, documents.
ALLOWED_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg",
                 "image/webp": "webp"}
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 5


@dataclass(frozen=True)
class Upload:
    media_type: str
    extension: str
    name: str


class UploadRefused(Refusal):
    pass


def sniff(data: bytes) -> str | None:
    """The media type the content itself shows (magic numbers, via ``filetype``), never
    the name or the browser's Content-Type."""
    kind = filetype.guess(data[:8192])
    return None if kind is None else str(kind.mime)


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def safe_name(name: str, extension: str) -> str:
    """A display name for the download: the last path component, no separators or control
    characters, at most 120 characters, with the extension the content proved. Storage
    never uses it (files are kept under random keys)."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name or ""))[-1]
    base = _UNSAFE.sub("_", base).strip(" ._") or "file"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem[:100].strip(" ._") or "file"
    return f"{stem}.{extension}"


def check_upload(name: str, data: bytes, *, existing: int = 0) -> Upload:
    """Size, count and content-type limits; the message names what is wrong."""
    if existing >= MAX_FILES:
        raise UploadRefused(N_("Не больше %(n)s файлов у одного достижения."), n=MAX_FILES)
    if not data:
        raise UploadRefused(N_("Файл пустой."))
    if len(data) > MAX_FILE_BYTES:
        raise UploadRefused(N_("Файл больше %(mb)s МБ."), mb=MAX_FILE_BYTES // (1024 * 1024))
    media = sniff(data)
    if media not in ALLOWED_TYPES:
        raise UploadRefused(N_("Можно приложить PDF, PNG, JPEG или WebP; содержимое файла "
                               "не похоже ни на один из них."))
    ext = ALLOWED_TYPES[media]
    return Upload(media, ext, safe_name(name, ext))


# --- УУД ------------------------------------------------------------------------------

UUD_GROUPS = {"cognitive": N_("Познавательные"), "regulatory": N_("Регулятивные"),
              "communicative": N_("Коммуникативные")}
#: ФГОС СОО (приказ № 413 в ред. 2022), п. 8: the groups and their parts, as a school's ООП
#: names them; a school edits the list.
UUD_DEFAULT_ITEMS = (
    ("cognitive", "Базовые логические действия"),
    ("cognitive", "Базовые исследовательские действия"),
    ("cognitive", "Работа с информацией"),
    ("communicative", "Общение"),
    ("communicative", "Совместная деятельность"),
    ("regulatory", "Самоорганизация"),
    ("regulatory", "Самоконтроль"),
    ("regulatory", "Эмоциональный интеллект"),
    ("regulatory", "Принятие себя и других"),
)
UUD_SOURCES = {"monitoring": N_("мониторинг УУД"), "vpr": N_("ВПР"),
               "olympiad": N_("метапредметная олимпиада")}


@dataclass(frozen=True)
class UudFigure:
    """One item for one student: the external and expert figures, raters, and the flag."""

    external: float | None
    expert: float | None
    raters: int
    flagged: bool


def uud_figure(external: list[float], expert: list[float], raters: int,
               threshold: float) -> UudFigure:
    """External: the mean of the external results; expert: the mean of the teachers'
    ratings. A gap above the school's threshold is flagged (both figures must exist)."""
    ext = sum(external) / len(external) if external else None
    exp = sum(expert) / len(expert) if expert else None
    flagged = ext is not None and exp is not None and abs(ext - exp) > threshold
    return UudFigure(ext, exp, raters, flagged)


# --- a teacher's self-assessment and development plan ----------------------------------------

#: (key, group, competence, what closes a gap). Groups: the labour functions of the
#: professional standard «Педагог» (приказ Минтруда № 544н) and the ICT competence it
#: requires (общепользовательская, общепедагогическая, предметно-педагогическая), as the
#: «Карта саморазвития компетенции педагогов» of seed 001 lists them.
SELF_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    ("plan", "Обучение", "Планирование и проведение уроков по ФГОС",
     "КПК (16–250 ч) по реализации обновлённых ФГОС; взаимопосещение уроков"),
    ("results", "Обучение", "Оценка предметных и метапредметных результатов",
     "Семинар по критериальному оцениванию и формированию УУД"),
    ("individual", "Обучение", "Индивидуальные образовательные маршруты",
     "Стажировка у тьютора; участие в работе над ИОМ учеников"),
    ("upbringing", "Воспитательная деятельность",
     "Воспитательная работа и классное руководство",
     "Вебинары по программе воспитания; наставник из опытных классных руководителей"),
    ("development", "Развивающая деятельность",
     "Работа с детьми с особыми образовательными потребностями",
     "КПК по инклюзивному образованию"),
    ("projects", "Развивающая деятельность",
     "Руководство проектной и исследовательской деятельностью",
     "Мастер-класс по сопровождению индивидуального проекта"),
    ("ict_user", "ИКТ-компетентность", "Общепользовательская ИКТ-компетентность",
     "Семинар по цифровым инструментам (до 16 ч)"),
    ("ict_teacher", "ИКТ-компетентность",
     "Общепедагогическая ИКТ-компетентность: ЦОР, LMS, дистанционное обучение",
     "КПК по цифровой образовательной среде; уроки с ФГИС «Моя школа» и Библиотекой ЦОК"),
    ("ict_subject", "ИКТ-компетентность", "Предметно-педагогическая ИКТ-компетентность",
     "Участие в сетевом сообществе учителей предмета; публикация урока с ЭОР"),
)
SELF_SCALE = {0: "не владею", 1: "базовый уровень", 2: "уверенно", 3: "могу научить других"}
SELF_TARGET = 2


def development_plan(answers: dict[str, int]) -> list[tuple[str, str, int]]:
    """(competence, what to do, the gap) for every item below the target, largest gap
    first; an unanswered item counts as 0."""
    plan = []
    for key, _group, title, remedy in SELF_ITEMS:
        score = answers.get(key, 0)
        if score < SELF_TARGET:
            plan.append((title, remedy, SELF_TARGET - score))
    return sorted(plan, key=lambda p: -p[2])


def group_means(answers: dict[str, int]) -> dict[str, float]:
    sums: dict[str, list[int]] = {}
    for key, group, _t, _r in SELF_ITEMS:
        sums.setdefault(group, []).append(answers.get(key, 0))
    return {g: sum(v) / len(v) for g, v in sums.items()}


# --- the lesson technological map ------------------------------------------------------------

LESSON_TYPES = ("открытие нового знания", "рефлексия", "общеметодологическая направленность",
                "развивающий контроль")
#: The school's reference list of planned results (ФГОС: предметные, метапредметные,
#: личностные); a school's own list replaces it through the same shape.
PLANNED_RESULTS = {
    "Предметные": ("Знать и применять понятия темы", "Решать задачи базового уровня",
                   "Решать задачи повышенного уровня"),
    "Метапредметные": ("Ставить цель и планировать работу", "Работать с информацией",
                       "Аргументировать свою точку зрения"),
    "Личностные": ("Осознавать ценность знания", "Проявлять ответственность за результат"),
}
MAP_STAGES = ("Мотивация", "Актуализация знаний", "Постановка учебной задачи",
              "Открытие нового знания", "Первичное закрепление", "Самостоятельная работа",
              "Рефлексия")


def lesson_map_text(data: dict[str, Any]) -> str:
    """The map as plain text for the portfolio item (and its PDF)."""
    lines = [f"Предмет: {data.get('subject', '')}; класс: {data.get('grade', '')}; "
             f"тип урока: {data.get('lesson_type', '')}.",
             f"Цель: {data.get('goal', '')}",
             "Планируемые результаты: " + "; ".join(map(str, data.get("results", []) or [])),
             "УУД: " + "; ".join(map(str, data.get("uud", []) or []))]
    for stage in data.get("stages", []) or []:
        if isinstance(stage, dict) and (stage.get("teacher") or stage.get("students")):
            lines.append(f"{stage.get('name')}: учитель — {stage.get('teacher', '')}; "
                         f"ученики — {stage.get('students', '')}")
    return "\n".join(lines)


# --- teachers who can mentor (seed 002: «адресно определять учителей, способных оказать
# методическую поддержку по различным вопросам») ----------------------------------------

#: The topics a colleague can be asked about: the Вебфолио sections that record practice
#: shown to others (not education, experience, awards or one's own courses).
MENTOR_TOPICS = ("teaching", "extracurricular", "students", "methods", "methodical",
                 "publications", "expert", "contests")
#: A qualification category is set for five years (ФЗ-273 ст. 49; Порядок аттестации,
#: приказ Минпросвещения № 196): older achievements no longer speak for today's practice.
MENTOR_YEARS = 5
MENTOR_BROAD = 3


def can_mentor(items: list[tuple[str, str, date]], today: date) -> bool:
    """Confirmed achievements (level, result, date) of one teacher in one topic qualify
    them as a mentor in it when, within the last :data:`MENTOR_YEARS` years, one of them won
    or placed at regional level or above, or at least :data:`MENTOR_BROAD` were at municipal
    level or above (their experience was shown beyond their own school). The seed names the
    goal, not a threshold: this rule is ours, stated here and on the page."""
    since = date(today.year - MENTOR_YEARS, today.month,
                 28 if (today.month, today.day) == (2, 29) else today.day)
    recent = [(lv, rs) for lv, rs, day in items if since <= day <= today]
    rank = {lv: n for n, lv in enumerate(LEVELS)}
    strong = any(rank[lv] >= rank["regional"] and rs in ("prizewinner", "winner")
                 for lv, rs in recent)
    broad = sum(rank[lv] >= rank["municipal"] for lv, _ in recent) >= MENTOR_BROAD
    return strong or broad
