"""The careers file: loaded, checked, and looked up; a bad file is refused with where and why."""

from pathlib import Path

import pytest
from django.core import checks

from stride.careers import catalogue
from stride.careers.catalogue import CatalogueError

from .conftest import FIXTURE

SHIPPED = Path(catalogue.__file__).resolve().parent / "data" / "careers.yaml"
SEED_001_INDUSTRIES = {
    "business administration and it", "healthcare", "construction", "hospitality",
    "security and law", "infrastructure", "manufacturing",
}  # fmt: skip


def broken(tmp_path, old: str, new: str) -> Path:
    text = FIXTURE.read_text()
    assert old in text, old
    path = tmp_path / "careers.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


def test_the_fixture_loads_with_its_ladders_in_order():
    careers = catalogue.load(FIXTURE)
    assert [(i.key, ladder.key) for i, ladder in careers.pairs()] == [
        ("healthcare", "nursing"),
        ("construction", "electrical"),
        ("construction", "office"),
    ]
    nursing = catalogue.ladder("healthcare", "nursing", careers)
    assert [rung.level for rung in nursing.rungs] == ["entry", "middle", "advanced"]
    assert nursing.codes == ["SRC", "SR", "SI"]
    assert nursing.rungs[0].title.in_language("es") == "Auxiliar de enfermería"
    assert nursing.rungs[0].title.in_language("es-mx") == "Auxiliar de enfermería"
    assert nursing.rungs[0].title.in_language("fr") == "Nursing assistant"


def test_the_shipped_file_loads_with_the_industries_of_the_issue():
    careers = catalogue.load(SHIPPED)
    names = {industry.name.in_language("en").lower() for industry in careers.industries}
    assert names >= SEED_001_INDUSTRIES
    assert any("transport" in name for name in names)
    for _industry, ladder in careers.pairs():
        assert [rung.level for rung in ladder.rungs] == list(catalogue.LEVELS)
        for rung in ladder.rungs:
            assert rung.wage.source in careers.source_by_key
            assert rung.outlook.source in careers.source_by_key
    # The O*NET licence asks for its attribution; the README and the pages carry it.
    assert any(source.attribution for source in careers.sources if "CC BY" in source.licence)


def test_the_default_is_the_shipped_file_and_it_is_read_once(monkeypatch):
    monkeypatch.setattr(catalogue, "DEFAULT", SHIPPED)
    assert catalogue.load() is catalogue.load(SHIPPED)


def test_lookups_find_rungs_and_their_wages():
    careers = catalogue.load(FIXTURE)
    nursing = catalogue.ladder("healthcare", "nursing", careers)
    assert catalogue.rung(nursing, "middle").soc == "29-2061"
    assert [r.level for r in catalogue.rungs_from(nursing, "middle")] == ["middle", "advanced"]
    wages = catalogue.rung_wages(nursing)
    assert [(w.level, w.soc, w.hourly, w.annual) for w in wages] == [
        ("entry", "31-1131", 19.09, 39710),
        ("middle", "29-2061", 29.25, 60840),
        ("advanced", "29-1141", 45.0, 93600),
    ]
    assert str(wages[0].title) == "Nursing assistant"
    assert [i.key for i in catalogue.industries(careers)] == ["healthcare", "construction"]
    with pytest.raises(KeyError):
        catalogue.ladder("healthcare", "plumbing", careers)
    with pytest.raises(KeyError):
        catalogue.rung(nursing, "top")


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ('soc: "31-1131"', 'soc: "311131"', "industries[0].ladders[0].rungs[0].soc", "pattern"),
        ('riasec: "SRC"', 'riasec: "SXC"', "industries[0].ladders[0].rungs[0].riasec", "pattern"),
        ('riasec: "SRC"', 'riasec: "SSC"', "industries[0].ladders[0].rungs[0]", "each letter once"),
        ("level: middle", "level: advanced", "industries[0].ladders[0]", "in the order entry"),
        ("source: oews-test}", "source: oews-2099}", "industries[0].ladders[0].rungs[0].wage.source",
         "no source 'oews-2099'"),
        ("{en: Nursing assistant, es: Auxiliar de enfermería}", "{en: Nursing assistant}",
         "industries[0].ladders[0].rungs[0].title", "missing: es"),
        ("nights: often", "nights: always", "industries[0].ladders[0].rungs[0].family_fit.nights",
         "'often', 'sometimes' or 'rarely'"),
        ("openings_per_year: 203300", "openings_per_year: 203300000",
         "industries[0].ladders[0].rungs[0].outlook.openings_per_year", "less than or equal"),
        ("key: office", "key: electrical", "industries[1].ladders[1].key", "used twice"),
        ("    riasec: \"SRC\"", "    riasek: \"SRC\"", "industries[0].ladders[0].rungs[0].riasek",
         "unknown key"),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_naming_the_key_and_line(tmp_path, old, new, key, problem):
    path = broken(tmp_path, old, new)
    with pytest.raises(CatalogueError) as refused:
        catalogue.load(path)
    error = refused.value
    assert error.key == key
    assert problem in error.problem
    assert error.line is not None and str(path) in str(error)
    line = path.read_text().splitlines()[error.line - 1]
    assert new.split(":")[0].strip().strip('"{') in line or error.key.endswith("]")


def test_a_missing_file_or_bad_yaml_is_refused(tmp_path):
    with pytest.raises(CatalogueError, match="cannot read the file"):
        catalogue.load(tmp_path / "nowhere.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nsources: [\n")
    with pytest.raises(CatalogueError, match="not valid YAML"):
        catalogue.load(bad)


def test_the_system_check_fails_on_a_bad_file(tmp_path, monkeypatch):
    assert [m for m in checks.run_checks() if m.id == "careers.E001"] == []
    monkeypatch.setattr(catalogue, "DEFAULT", broken(tmp_path, 'soc: "31-1131"', 'soc: "31"'))
    errors = [m for m in checks.run_checks() if m.id == "careers.E001"]
    assert len(errors) == 1 and "soc" in errors[0].msg
