"""Social Security numbers: checking, the keyed hash for exact lookup, masking."""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_DIGITS = re.compile(r"\D")


def normalise_ssn(value: str) -> str:
    """Nine digits, or "" for no SSN. Raises ValidationError for anything else."""
    digits = _DIGITS.sub("", value or "")
    if not digits:
        return ""
    if len(digits) != 9:
        raise ValidationError(_("A Social Security number has 9 digits, like 123-45-6789."))
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    # SSA never issues area 000, 666 or 900-999, group 00 or serial 0000.
    if area in ("000", "666") or area.startswith("9") or group == "00" or serial == "0000":
        raise ValidationError(_("This is not a number the Social Security Administration issues."))
    return digits


def ssn_lookup_hash(digits: str) -> str:
    if not digits:
        return ""
    key = settings.STRIDE_LOOKUP_KEY.encode()
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()
