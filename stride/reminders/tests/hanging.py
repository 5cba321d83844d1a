"""A provider for the killed-worker tests: the file backend, hanging after it accepted a text
while STRIDE_TEST_HANG_AFTER_ACCEPT is set (the worker is killed in that moment). Every key
it is handed is noted on a line of STRIDE_SMS_FILE + ".calls", twice if handed twice."""

import os
import time

from stride.reminders.channels import FileSms, Outgoing


class HangingFileSms(FileSms):
    def send(self, outgoing: Outgoing) -> str:
        with open(f"{self.path}.calls", "a", encoding="utf-8") as calls:
            calls.write(outgoing.key + "\n")
        provider_id = super().send(outgoing)
        if os.environ.get("STRIDE_TEST_HANG_AFTER_ACCEPT"):
            time.sleep(600)
        return provider_id
