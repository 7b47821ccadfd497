"""Moodle sends feedback as HTML; the journal keeps it as readable text (issue 7: a regex
stripped the tags and left entities such as ``&nbsp;&amp;`` in teachers' comments)."""

from __future__ import annotations

import pytest

from adapters.moodle.mapping import _text


@pytest.mark.parametrize(("html", "text"), [
    ("<p>Хорошо&nbsp;&amp; аккуратно</p><p>Проверьте №3</p>",
     "Хорошо & аккуратно Проверьте №3"),
    ("<b>Молодец</b>, но &laquo;5&raquo; &mdash; в следующий раз",
     "Молодец, но «5» — в следующий раз"),
    ("a<br>b<br/>c", "a b c"),
    ("3 &lt; 5 &amp;&amp; 5 &gt; 3", "3 < 5 && 5 > 3"),
    ("plain 3 < 5", "plain 3 < 5"),
    ("Итог:<p>зачёт</p>пересдача не нужна", "Итог: зачёт пересдача не нужна"),
    ("<style>p {color: red}</style><script>x()</script>Верно", "Верно"),
    ("", ""), (None, ""),
])
def test_feedback_html_becomes_plain_text(html, text):
    assert _text(html) == text
