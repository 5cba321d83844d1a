"""PolicyEngine takes about 40 s and 1.2 GB to load: web processes must never import it."""

from conftest import in_fresh_process

CHECK = """
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # imports every app's views
import stride.benefits.tasks, stride.benefits.watch, stride.benefits.templatetags.benefits
import stride.api.views
# This process's own peak (ru_maxrss would carry over the parent pytest worker's).
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
print("policyengine_us" in sys.modules, int(peak.split()[1]) // 1024)
"""


def test_a_web_process_never_loads_policyengine():
    loaded, megabytes = in_fresh_process(CHECK)
    assert loaded == "False"
    assert int(megabytes) < 300
