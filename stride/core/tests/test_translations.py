"""The Spanish catalogue is complete, well-formed and in step with the code.

- every entry is translated, none is fuzzy, and each translation keeps its
  msgid's placeholders and HTML tags;
- running makemessages (on a throwaway copy of the package) would neither
  add a msgid nor drop one, so a new string cannot ship untranslated;
- a page asked for in Spanish comes back in Spanish.
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]
PO_PATH = ROOT / "stride" / "locale" / "es" / "LC_MESSAGES" / "django.po"
# The same options the catalogue is made with (see the README / Makefile).
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "es",
    "--ignore=.venv",
    "--ignore=node_modules",
    "--ignore=build",
    "--ignore=tests",
    "--no-obsolete",
]

_NAMED = re.compile(r"%\((\w+)\)[sdif]")
_POSITIONAL = re.compile(r"%(?!\()[-+ #0]*\d*(?:\.\d+)?[sdif]")
_TEMPLATE_VAR = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")
_TAG = re.compile(r"<[^>]+>")


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def _placeholders(text: str) -> tuple:
    """What a translation must carry over: placeholders and HTML tags, as multisets."""
    return (
        Counter(_NAMED.findall(text)),
        len(_POSITIONAL.findall(text.replace("%%", ""))),
        Counter(_TEMPLATE_VAR.findall(text)),
        Counter(_TAG.findall(text)),
    )


def _key(entry: polib.POEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def test_catalogue_header_declares_spanish_utf8_and_two_plural_forms():
    po = _catalogue()
    assert po.metadata.get("Language") == "es"
    assert po.metadata.get("Plural-Forms") == "nplurals=2; plural=(n != 1);"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert not po.metadata_is_fuzzy, "Remove the '#, fuzzy' flag from the catalogue header."


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = _catalogue()
    assert len(po) > 0
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    obsolete = [e.msgid for e in po.obsolete_entries()]
    incomplete_plurals = [
        e.msgid for e in po if e.msgid_plural and sorted(e.msgstr_plural) != [0, 1]
    ]
    problems = [
        f"{what}: {msgids}"
        for what, msgids in [
            ("Translate these into Spanish", untranslated),
            ("Check these translations and remove their fuzzy flag", fuzzy),
            ("Delete these obsolete entries", obsolete),
            ("Give these both plural forms", incomplete_plurals),
        ]
        if msgids
    ]
    assert not problems, "\n".join(problems)


def test_translations_keep_placeholders_and_html():
    wrong = []
    for entry in _catalogue():
        if entry.msgid_plural:
            # Spanish: form 0 answers the msgid, form 1 the msgid_plural.
            pairs = [
                (entry.msgid, entry.msgstr_plural.get(0, "")),
                (entry.msgid_plural, entry.msgstr_plural.get(1, "")),
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, translated in pairs:
            if translated and _placeholders(source) != _placeholders(translated):
                wrong.append(f"{source!r} -> {translated!r}")
    assert not wrong, "Placeholders or HTML differ from the English:\n" + "\n".join(wrong)


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_makemessages_would_not_change_the_set_of_msgids(tmp_path):
    """Extract the strings again, in a copy of the package, and compare.

    The copy keeps the committed catalogue untouched; a failure lists the
    strings to translate (after running makemessages) or to delete.
    """
    assert shutil.which("xgettext") and shutil.which("msgmerge"), (
        "GNU gettext is needed: run `make system-packages`."
    )
    work = tmp_path / "project"
    shutil.copytree(
        ROOT / "stride",
        work / "stride",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"),
    )
    shutil.copy2(ROOT / "manage.py", work / "manage.py")
    copied_po = work / "stride" / "locale" / "es" / "LC_MESSAGES" / "django.po"
    before = _fingerprint(PO_PATH)

    env = {k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"}
    env["DJANGO_SETTINGS_MODULE"] = "stride.settings"
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert _fingerprint(PO_PATH) == before, "makemessages must not touch the committed catalogue"

    committed = {_key(e) for e in _catalogue()}
    extracted = {_key(e) for e in polib.pofile(str(copied_po))}
    new = sorted(extracted - committed, key=str)
    gone = sorted(committed - extracted, key=str)
    assert not new and not gone, (
        "stride/locale/es/LC_MESSAGES/django.po is out of step with the code. Run\n"
        f"  python manage.py {' '.join(MAKEMESSAGES)}\n"
        "then translate the new entries.\n"
        f"Strings not in the catalogue: {[k[1] for k in new]}\n"
        f"Entries no longer in the code: {[k[1] for k in gone]}"
    )


@pytest.fixture
def spanish_catalogue_compiled(tmp_path):
    """The committed .po compiled on the spot, so this does not rely on `make messages`."""
    mo = tmp_path / "locale" / "es" / "LC_MESSAGES" / "django.mo"
    mo.parent.mkdir(parents=True)
    _catalogue().save_as_mofile(str(mo))
    # Changing LOCALE_PATHS resets Django's translation caches (and again on exit).
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("spanish_catalogue_compiled")
def test_the_sign_in_page_is_in_spanish_when_asked():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.get("/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert "Inicie sesión en Stride" in page
    assert "Sign in to Stride" not in page


@pytest.mark.usefixtures("spanish_catalogue_compiled")
def test_spanish_plurals_and_placeholders_resolve():
    with translation.override("es"):
        one = translation.ngettext("%(counter)s participant", "%(counter)s participants", 1)
        many = translation.ngettext("%(counter)s participant", "%(counter)s participants", 3)
        assert one % {"counter": 1} == "1 participante"
        assert many % {"counter": 3} == "3 participantes"
        page = translation.gettext("Page %(number)s of %(total)s")
        assert page % {"number": 2, "total": 5} == "Página 2 de 5"
