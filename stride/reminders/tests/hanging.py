"""A provider for the killed-worker test: the file backend, hanging after it accepted a text
while STRIDE_TEST_HANG_AFTER_ACCEPT is set (the worker is killed in that moment)."""

import os
import time

from stride.reminders.channels import FileSms, Outgoing


class HangingFileSms(FileSms):
    def send(self, outgoing: Outgoing) -> str:
        provider_id = super().send(outgoing)
        if os.environ.get("STRIDE_TEST_HANG_AFTER_ACCEPT"):
            time.sleep(600)
        return provider_id
