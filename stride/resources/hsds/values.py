"""Values in HSDS cells: phones, ZIP codes, times, languages."""

import re
from collections.abc import Mapping
from datetime import time
from functools import lru_cache
from typing import Any

from django.conf.locale import LANG_INFO
from django.core.validators import URLValidator

from stride.core import zips

_PHONE = re.compile(
    r"(?P<number>[\d\s().+\-/]+?)\s*(?:(?:ext\.?|extension|x|#)\s*(?P<ext>\d{1,6}))?", re.I
)
ZIP_PATTERN = re.compile(r"\d{5}(?:-\d{4})?")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:Z|[+-]\d{2}(?::?\d{2})?)?", re.I)
_TWELVE_HOUR = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?(?::\d{2})?\s*([ap])\.?\s*m\.?", re.I)
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}")
STATE_PATTERN = re.compile(r"[A-Z]{2}")
validate_url = URLValidator(schemes=["http", "https"])


def parse_phone(text: str) -> tuple[str, str] | None:
    """The 10 digits and the extension of a US phone number, or None if it is not one."""
    found = _PHONE.fullmatch(text.strip())
    if found is None:
        return None
    digits = re.sub(r"\D", "", found["number"])
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return None
    return digits, found["ext"] or ""


def format_phone(digits: str, extension: str = "") -> str:
    number = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return f"{number} ext. {extension}" if extension else number


def real_zip(five_digits: str) -> bool:
    return zips.find(five_digits) is not None


def parse_time(text: str) -> time | None:
    """A time of day written 17:30, 17:30:00 (with a zone or not), 5:30pm, 5:30 p.m. or 5pm."""
    found = _TIME.fullmatch(text.strip())
    if found is not None:
        hour, minute = int(found[1]), int(found[2])
    else:
        found = _TWELVE_HOUR.fullmatch(text.strip())
        if found is None or not 1 <= int(found[1]) <= 12:
            return None
        hour, minute = (
            int(found[1]) % 12 + (12 if found[3].lower() == "p" else 0),
            int(found[2] or 0),
        )
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


_DAY_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("mo", "mon", "monday"),
            ("tu", "tue", "tues", "tuesday"),
            ("we", "wed", "wednesday"),
            ("th", "thu", "thur", "thurs", "thursday"),
            ("fr", "fri", "friday"),
            ("sa", "sat", "saturday"),
            ("su", "sun", "sunday"),
        ),
        start=1,
    )
    for name in names
}


def parse_day(text: str) -> int | None:
    """The day (1 Monday to 7 Sunday) written MO, Mon, Monday, or as a number (ISO 8601: 1 is Monday).

    0 is read as Sunday too, as systems that count from Sunday write it.
    """
    token = text.strip().lower().rstrip(".")
    if token.isascii() and token.isdigit():
        number = int(token)
        return 7 if number == 0 else number if number <= 7 else None
    return _DAY_NAMES.get(token)


_MORE_LANGUAGES = {
    "hmn": "Hmong", "tl": "Tagalog", "zh": "Chinese", "lo": "Lao", "sm": "Samoan",
    "to": "Tongan", "ilo": "Ilocano", "mxb": "Mixteco", "zap": "Zapotec", "so": "Somali",
    "ti": "Tigrinya", "ps": "Pashto", "prs": "Dari", "ht": "Haitian Creole", "yue": "Cantonese",
    "cmn": "Mandarin", "ne": "Nepali", "om": "Oromo", "ku": "Kurdish", "ar": "Arabic",
}  # fmt: skip


def language_name(code: str) -> str:
    info: Mapping[str, Any] = LANG_INFO.get(code, {})
    return str(info.get("name") or _MORE_LANGUAGES.get(code, ""))


@lru_cache(maxsize=1)
def language_codes() -> dict[str, str]:
    codes = {name.lower(): code for code, name in _MORE_LANGUAGES.items()}
    for code, info in LANG_INFO.items():
        if LANGUAGE_PATTERN.fullmatch(code) and "name" in info:
            codes[str(info["name"]).lower()] = code
    return codes
