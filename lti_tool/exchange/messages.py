"""Reader's words for :class:`lti_tool.exchange.rules.RuleError` codes."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lti_tool.exchange.rules import RuleError

WEEKDAYS = {1: _l("понедельник"), 2: _l("вторник"), 3: _l("среда"), 4: _l("четверг"),
            5: _l("пятница"), 6: _l("суббота"), 7: _l("воскресенье")}


def rule_message(exc: RuleError) -> str:
    p = exc.params
    if exc.code == "clash":
        return _("Занятие курса (%(d)s, %(s)s–%(e)s) совпадает с уроком «%(o)s» в расписании.",
                 d=str(WEEKDAYS.get(int(str(p.get("weekday", 0))), "")), s=p.get("start"),
                 e=p.get("end"), o=p.get("other") or _("другое занятие"))
    texts = {
        "full": _l("В группе нет свободных мест."),
        "not_offered": _l("Этот курс не предлагается вашей школе: выберите курс школ вашей сети."),
        "already_requested": _l("Заявка на этот курс уже подана."),
        "request_closed": _l("Заявка уже закрыта: решение по ней принято."),
        "already_approved": _l("Ваша школа уже одобрила эту заявку."),
        "reason_required": _l("Напишите причину отказа."),
        "not_allowed": _l("Это действие вам недоступно."),
        "package_step": _l("Пакет уже в другом состоянии: обновите страницу."),
        "card_step": _l("Табель уже в другом состоянии: обновите страницу."),
        "moodle_link": _l("Элемент курса в Moodle (id): выберите подключение Moodle своей "
                          "школы и укажите число — id элемента курса."),
        "no_change": _l("С прошлой версии ничего не изменилось: новая версия не нужна."),
        "no_students": _l("У этой школы нет сетевых учеников на ваших курсах."),
        "cc_too_big": _l(
            "Файл курса слишком большой (не больше 5 МБ, 20 МБ в распакованном виде)."),
        "cc_too_many_files": _l("В архиве курса слишком много файлов (не больше 200)."),
        "cc_unsafe_path": _l("В архиве есть файл с недопустимым путём (абсолютный или с «..»)."),
        "cc_dtd": _l("В XML курса есть DTD или сущности: такие файлы не принимаются."),
        "cc_bad_xml": _l("Файл курса — не Common Cartridge: XML не читается."),
        "cc_too_deep": _l("XML курса слишком глубоко вложен."),
        "cc_not_zip": _l("Нужен архив Common Cartridge (.imscc, zip)."),
        "cc_no_manifest": _l("В архиве нет imsmanifest.xml."),
        "cc_broken_refs": _l("В imsmanifest.xml есть ссылки на отсутствующие ресурсы или файлы."),
        "cc_no_title": _l("У курса в архиве нет названия."),
    }
    return str(texts.get(exc.code, _l("Действие не выполнено.")))
