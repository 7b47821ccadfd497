"""The council's refusals in the reader's language, with the figures the rules saw."""

from __future__ import annotations

from flask_babel import gettext as _

from lti_tool.network.council.rules import Problem


def explain(problem: Problem) -> str:
    f = problem.figures
    texts = {
        "unknown_kind": lambda: _("Неизвестный вид решения."),
        "negative": lambda: _("Число голосов не может быть отрицательным."),
        "present_exceeds_members": lambda: _(
            "Присутствует %(present)s, а в совете всего %(members)s членов.", **f),
        "votes_exceed_present": lambda: _(
            "Голосов подано %(cast)s, а присутствует %(present)s.", **f),
        "not_competent": lambda: _(
            "Заседание неправомочно: присутствует %(present)s из %(members)s членов совета, "
            "нужно больше половины — не меньше %(needed)s.", **f),
        "majority_short": lambda: _(
            "Решение не принято: «за» %(votes_for)s из %(present)s присутствующих "
            "(%(percent)s %%), нужно больше 50 %% — не меньше %(needed)s.", **f),
        "removal_short": lambda: _(
            "Вывести члена совета нельзя: «за» %(votes_for)s из %(members)s членов совета, "
            "нужно не меньше двух третей всего состава — %(needed)s.", **f),
        "adopted_by_figures": lambda: _(
            "По цифрам решение принято («за» %(votes_for)s из %(present)s присутствующих): "
            "отметьте «принято».", **f),
        "no_attendance": lambda: _("Сначала отметьте присутствующих."),
        "signed": lambda: _("Протокол подписан: изменять его нельзя."),
        "subject": lambda: _("Укажите, о ком или о какой организации решение."),
        "not_a_member": lambda: _("Этот человек не член совета: голосовать он не может."),
        "not_staff": lambda: _("Этот человек не работает в школе — участнике сети."),
        "absent_voter": lambda: _("Голосуют только присутствующие на заседании члены совета."),
        "voted_twice": lambda: _("Член совета голосует по вопросу только один раз."),
        "bad_choice": lambda: _("Голос — «за», «против» или «воздержался»."),
        "no_ballots": lambda: _("Отметьте голос хотя бы одного присутствующего."),
    }
    make = texts.get(problem.code)
    return make() if make else problem.code
