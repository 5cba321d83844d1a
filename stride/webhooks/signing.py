"""The signature on every delivery, and how a receiver checks it.

`Stride-Signature: t=<unix seconds>,v1=<hex>`, where the hex is HMAC-SHA256 with the
subscription's secret over `<t>.<body>` (the timestamp, a full stop, the body's bytes
exactly as sent). A receiver recomputes it, compares in constant time, and refuses a
timestamp older than a few minutes, so a delivery caught on the way cannot be sent
again later (docs/webhooks.md). `verify` is that check, used by the tests as a receiver.
"""

import hashlib
import hmac

HEADER = "Stride-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


class BadSignature(ValueError):
    pass


def verify(
    secret: str, value: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS
) -> None:
    """Raise BadSignature unless `value` signs `body` with `secret` within `tolerance`."""
    parts: dict[str, list[str]] = {}
    for item in value.split(","):
        name, _, given = item.strip().partition("=")
        parts.setdefault(name, []).append(given)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        raise BadSignature("no timestamp") from None
    if abs(now - timestamp) > tolerance:
        raise BadSignature("timestamp too old")
    expected = signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, given) for given in parts.get("v1", [])):
        raise BadSignature("signature does not match")
