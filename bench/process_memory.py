"""What one Stride process costs before it does any work: memory and CPU time.

Run from the project root (any DATABASE_URL; nothing is queried):

    .venv/bin/python bench/process_memory.py

Prints, for a fresh process: after django.setup() and the import of every URL
module (what a web or worker process loads), the resident memory and CPU time;
then the same after the first ZIP code lookup, which reads the ZIP index
(core/zips.py), with the peak. Memory is the kernel's own count
(/proc/self/status: VmRSS resident, VmHWM peak).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stride.settings")


def status(field: str) -> int:
    """A field of /proc/self/status, in MB."""
    with open("/proc/self/status") as lines:
        line = next(line for line in lines if line.startswith(field + ":"))
    return int(line.split()[1]) // 1024


def main() -> None:
    started = time.process_time()
    import django

    django.setup()
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every app's views)
    print(
        f"setup and URLs: {time.process_time() - started:.2f} s CPU, "
        f"resident {status('VmRSS')} MB, peak {status('VmHWM')} MB, "
        f"zipcodes package loaded: {'zipcodes' in sys.modules}"
    )
    from stride.core import zips

    started = time.process_time()
    zips.find("93721")
    print(
        f"first ZIP lookup: {time.process_time() - started:.2f} s CPU, "
        f"resident {status('VmRSS')} MB, peak {status('VmHWM')} MB"
    )


if __name__ == "__main__":
    main()
