"""Form fields for numbers and dates people type, read the way the page's language writes them.

A Spanish page writes "2,5" hours; an English one "2.5". Either language reads
"2.5"; what could mean two numbers ("1,500" on a Spanish page: one and a half,
or fifteen hundred?) is refused with a message rather than guessed. Money is
written in the US format in both languages ($1,234.50).

Numbers a machine reads (SVG, data attributes, JSON, CSV) are never written
through these: templates write them inside `{% localize off %}`.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

_DIGITS = re.compile(r"\d+")


class Unreadable(ValueError):
    """Text that is not one number; `code` says why: "invalid", "ambiguous" or "comma"."""

    def __init__(self, code: str, small: Decimal | None = None, large: Decimal | None = None):
        super().__init__(code)
        self.code, self.small, self.large = code, small, large


def read_decimal(text: str, *, decimal_comma: bool, money: bool = False) -> Decimal:
    """The number in `text`, as a page in a language with (or without) a decimal comma reads it.

    A dot is a decimal point in both languages; a comma is one where the language
    writes a decimal comma. A single mark before exactly three digits could also
    separate thousands: an English page (and money, written the US way) reads a
    comma there as thousands; a Spanish page cannot tell, so the text is
    `Unreadable("ambiguous")`. Several marks, or both kinds, are read as grouped.
    """
    value = re.sub(r"[\s\u00a0\u202f]", "", text)
    sign = "-" if value.startswith("-") else ""
    if value.startswith(("-", "+")):
        value = value[1:]
    if money:
        value = value.removeprefix("$")
    if not value or not re.fullmatch(r"[\d.,]*\d[\d.,]*", value):
        raise Unreadable("invalid")
    if "," in value and "." in value:
        point = "," if value.rfind(",") > value.rfind(".") else "."
        whole, fraction = value.rsplit(point, 1)
        return _number(sign, _ungrouped(whole, "." if point == "," else ","), fraction)
    mark = "," if "," in value else "." if "." in value else ""
    if not mark:
        return _number(sign, value, "")
    parts = value.split(mark)
    if len(parts) > 2:
        return _number(sign, _ungrouped(value, mark), "")
    whole, fraction = parts
    could_be_thousands = len(fraction) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0"
    if could_be_thousands:
        thousands = Decimal(sign + whole + fraction)
        decimal = _number(sign, whole, fraction)
        if mark == "." and not decimal_comma:
            return decimal
        if mark == "," and (money or not decimal_comma):
            return thousands
        raise Unreadable("ambiguous", small=decimal, large=thousands)
    if mark == "," and not decimal_comma:
        raise Unreadable("comma", small=_number(sign, whole, fraction))
    return _number(sign, whole, fraction)


def _ungrouped(whole: str, separator: str) -> str:
    groups = whole.split(separator)
    if not (
        1 <= len(groups[0]) <= 3
        and groups[0][0] != "0"
        and all(len(group) == 3 for group in groups[1:])
    ):
        raise Unreadable("invalid")
    return "".join(groups)


def _number(sign: str, whole: str, fraction: str) -> Decimal:
    if not _DIGITS.fullmatch(whole or "0") or (fraction and not _DIGITS.fullmatch(fraction)):
        raise Unreadable("invalid")
    try:
        return Decimal(f"{sign}{whole or '0'}" + (f".{fraction}" if fraction else ""))
    except InvalidOperation as error:  # pragma: no cover - the patterns above keep it out
        raise Unreadable("invalid") from error


def decimal_comma() -> bool:
    """Whether the page's language writes decimals with a comma."""
    return bool(formats.get_format("DECIMAL_SEPARATOR") == ",")


def page_number(value: Decimal) -> str:
    """A number as the page's language writes it, without thousands separators: "2,5"."""
    return formats.number_format(value, use_l10n=True, force_grouping=False)


class DecimalField(forms.DecimalField):
    """A number typed in a text box (a number box would read "1,5" as 15 in some browsers).

    It reads and shows numbers the way the page's language writes them; with
    `money`, in the US format in both languages.
    """

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter a number, like %(example)s."),
        "comma": _("Write decimals with a dot, like %(small)s."),
        "ambiguous": _(
            "“%(typed)s” could be %(small)s or %(large)s. Please type the one you mean."
        ),
    }

    def __init__(self, *, money: bool = False, **kwargs: Any) -> None:
        self.money = money
        kwargs["localize"] = not money
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "decimal")
        return attrs

    def show(self, value: Decimal) -> str:
        """The number as this field shows it: the page's way, or the US way for money."""
        return f"{value:f}" if self.money else page_number(value)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # as Django's
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int | float):
            return Decimal(str(value))
        try:
            return read_decimal(str(value), decimal_comma=decimal_comma(), money=self.money)
        except Unreadable as refused:
            example = "1234.50" if self.money else self.show(Decimal("2.5"))
            params = {"typed": str(value).strip(), "example": example}
            if refused.small is not None:
                params["small"] = self.show(refused.small.normalize())
            if refused.large is not None:
                params["large"] = str(refused.large)
            raise ValidationError(
                self.error_messages[refused.code], code=refused.code, params=params
            ) from refused


BAD_DATE = _("Enter a real date, like 03/15/2026.")


class DateInput(forms.DateInput):
    """The browser's date picker; it sends ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateField(forms.DateField):
    """A date from the browser's picker, or typed where the browser has none.

    The picker sends nothing for a date it cannot read (the 31st of February);
    the page's script (stride/dates.js) then stops the form and shows
    `data-bad-date`, the same words this field uses for a typed date it cannot read.
    """

    widget = DateInput
    default_error_messages = {"invalid": BAD_DATE}

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs["data-bad-date"] = BAD_DATE
        return attrs


class MoneyField(DecimalField):
    """An amount of money, written the US way in both languages; for model forms' field_classes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(money=True, **kwargs)
