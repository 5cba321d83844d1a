"""ZIP codes from the zipcodes package's data, without the package's 80 MB list."""

from conftest import in_fresh_process
from stride.core import zips


def test_a_zip_code_gives_its_place_and_time_zone():
    fresno = zips.find("93721-1234")
    assert fresno is not None
    assert (fresno.city, fresno.state, fresno.county) == ("Fresno", "CA", "Fresno County")
    assert fresno.timezone == "America/Los_Angeles"
    assert 36 < fresno.latitude < 37 and -120 < fresno.longitude < -119
    assert zips.find(" 10001 ").timezone == "America/New_York"


def test_an_unknown_or_blank_zip_code_is_not_found():
    assert zips.find("00000") is None
    assert zips.find("") is None
    assert zips.find("abcde") is None


def test_a_city_has_its_zip_codes():
    codes = {z.code for z in zips.in_city("Fresno", "CA")}
    assert "93721" in codes and all(z.startswith("93") for z in codes)


CHECK = """
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # imports every app's views
from stride.core import zips
def peak():
    line = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
    return int(line.split()[1]) // 1024
before = peak()
assert zips.find("93721") is not None
print("zipcodes" in sys.modules, peak() - before)
"""


def test_no_process_loads_the_zipcodes_package_and_its_index_stays_small():
    loaded, grown = in_fresh_process(CHECK)
    assert loaded == "False"
    # Importing the package itself costs about 80 MB; the index is built in about 40.
    assert int(grown) < 60
