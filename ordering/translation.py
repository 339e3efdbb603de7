"""Per-language text columns (`name_fi`, `name_sv`, `name_en`) and the fallback
rule that picks one for a reader."""

from django.utils.translation import get_language

MENU_LANGUAGES = ("fi", "sv", "en")


def pick(values: dict[str, str], lang: str | None = None, fallback: str = "fi") -> str:
    """Return the text for `lang`, else the fallback language's, else any."""
    lang = (lang or get_language() or fallback)[:2]
    for candidate in (lang, fallback, *MENU_LANGUAGES):
        text = values.get(candidate)
        if text:
            return text
    return ""


class Translated:
    """Mixin for models that hold `<field>_<lang>` columns."""

    def texts(self, field: str) -> dict[str, str]:
        return {lang: getattr(self, f"{field}_{lang}", "") for lang in MENU_LANGUAGES}

    def tr(self, field: str, lang: str | None = None) -> str:
        return pick(self.texts(field), lang)
