from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with an `Idempotency-Key`, kept 24 hours so a repeat
    of the same request from the same account gets that answer again (api/idempotency.py).

    Holds no case data of its own beyond the answer the account was already given."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)  # sha256 of the method, path and body
    status = models.PositiveSmallIntegerField()
    # The body as it was sent, byte for byte (a JSON column would not keep its keys' order).
    body = models.TextField()
    etag = models.CharField(max_length=40, blank=True)  # the record's ETag the answer carried
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_answer_per_key_and_account")
        ]

    def __str__(self) -> str:
        return self.key
