"""Bilingual fields: models store `<name>_pl` and `<name>_en`; this picks the active one."""

from django.utils.translation import get_language

CONTENT_LANGUAGES = ("pl", "en")


def current_language() -> str:
    language = (get_language() or "pl")[:2]
    return language if language in CONTENT_LANGUAGES else "pl"


def localized(obj, field: str, language: str | None = None) -> str:
    language = language or current_language()
    value = getattr(obj, f"{field}_{language}", "")
    return value or getattr(obj, f"{field}_pl", "")


def localized_property(field: str) -> property:
    """`title = localized_property("title")` reads `title_pl` or `title_en` by the active language."""
    return property(lambda obj: localized(obj, field), doc=f"`{field}` in the active language.")
