"""Every text a person reads exists in Finnish and Swedish, and the compiled
catalogues match their sources."""

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
_ENTRY = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', re.MULTILINE)


def _unquote(block: str) -> str:
    parts = re.findall(r'"(.*)"', block)
    return "".join(parts).encode("raw_unicode_escape").decode("unicode_escape")


def _entries(language: str) -> list[tuple[str, str]]:
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text()
    text = re.sub(r"^#~.*\n", "", text, flags=re.MULTILINE)
    return [
        (_unquote(msgid), _unquote(msgstr))
        for msgid, msgstr in _ENTRY.findall(text)
        if _unquote(msgid)
    ]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_message_is_translated(language):
    untranslated = [msgid for msgid, msgstr in _entries(language) if not msgstr]
    assert untranslated == []


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_compiled_catalogue_matches_the_source(language):
    catalogue = gettext.translation("django", localedir=LOCALE, languages=[language])
    stale = [
        msgid
        for msgid, msgstr in _entries(language)
        if catalogue.gettext(msgid) != msgstr
    ]
    assert stale == [], "run: python manage.py compilemessages"


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_placeholders_survive_translation(language):
    broken = [
        msgid
        for msgid, msgstr in _entries(language)
        if sorted(re.findall(r"%\(\w+\)[sd]|%[sd]", msgid))
        != sorted(re.findall(r"%\(\w+\)[sd]|%[sd]", msgstr))
    ]
    assert broken == []
