"""The house's layers hold: in imports, in templates and in the URL names code reverses.

The order of the apps and the arrows allowed between domain apps are written once, as
import-linter contracts in pyproject.toml. import-linter sees imports only; a template
that loads a higher app's tags or links to its pages, or a view that reverses its URL
names, depends on it just the same, so this test reads the same contracts and checks
those too.
"""

import ast
import copy
import re
from functools import cache
from pathlib import Path

import grimp
import pytest
from django.template.backends.django import get_installed_libraries
from django.urls import get_resolver
from importlinter import api as importlinter
from importlinter.contracts.independence import IndependenceContract
from importlinter.contracts.layers import LayersContract

STRIDE = Path(__file__).resolve().parents[2]
PYPROJECT = STRIDE.parent / "pyproject.toml"
TEMPLATES = STRIDE / "templates"
CONTRACT_TYPES = {"layers": LayersContract, "independence": IndependenceContract}

# Links between the two shells, which import nothing of each other.
SHELL_LINKS = {
    ("staff", "portal"),  # the front door sends a participant to their own pages
    ("staff", "api"),  # the staff menu links to the API token page
}


@cache
def configuration() -> dict:
    return importlinter.read_configuration(str(PYPROJECT))


def contract_named(name: str) -> dict:
    return next(c for c in configuration()["contracts_options"] if c["name"] == name)


def kept(graph: grimp.ImportGraph, options: dict) -> bool:
    contract = CONTRACT_TYPES[options["type"]](
        name=options["name"],
        session_options=configuration()["session_options"],
        contract_options=options,
    )
    # A contract removes its ignored imports from the graph it checks.
    return contract.check(copy.deepcopy(graph), verbose=False).kept


@cache
def built_graph() -> grimp.ImportGraph:
    return grimp.build_graph("stride", cache_dir=None)


@pytest.fixture
def graph() -> grimp.ImportGraph:
    """The import graph, a copy each test may add to."""
    return copy.deepcopy(built_graph())


def app_of(module: str) -> str:
    return module.split(".")[1]


@cache
def ranks() -> dict[str, int]:
    """Each app's layer, 0 at the top (the shells)."""
    layers = contract_named("Apps import only the apps below them")["layers"]
    return {
        app_of(name.strip()): rank
        for rank, layer in enumerate(layers)
        for name in re.split(r"[|:]", layer)
    }


@cache
def sideways() -> set[tuple[str, str]]:
    """The arrows allowed between apps of one layer, as the independence contract writes them."""
    options = contract_named("Domain apps read each other only along the arrows written here")
    arrows = set()
    for line in options["ignore_imports"]:
        importer, imported = (side.strip() for side in line.split("->"))
        if ".tests" not in importer:
            arrows.add((app_of(importer), app_of(imported)))
    return arrows


# Links that follow a page's reader rather than its code (links only: neither app
# imports the other). A page that staff and participants share sends a participant
# back to their own pages; a page points to where the family can go next.
PAGE_LINKS = {
    ("assessments", "portal"),  # a finished check-in goes back to "My check-ins"
    ("assessments", "coaching"),  # a result leads to goal-storming in an area it shows
    ("assessments", "resources"),  # a result leads to services for the family
    ("assessments", "county"),  # the instruments page: where a county chooses them
    ("careers", "portal"),  # a participant on a staff careers link lands on their own
    ("careers", "resources"),  # a ladder points to child care and transport nearby
    ("careers", "benefits"),  # a ladder's pay, tried in the cliff calculator
    ("core", "portal"),  # a participant who forgot their password asks for a link there
    ("county", "staff"),  # a county goal's measure, and how it is counted
}


def allowed(source: str, target: str) -> bool:
    if source == target or (source, target) in sideways() | SHELL_LINKS | PAGE_LINKS:
        return True
    return ranks()[target] > ranks()[source]


@cache
def app_of_tag_library() -> dict[str, str]:
    return {
        name: app_of(module)
        for name, module in get_installed_libraries().items()
        if module.startswith("stride.")
    }


@cache
def app_of_namespace() -> dict[str, str]:
    return {
        namespace: app_of(resolver.urlconf_module.__name__)
        for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items()
    }


def template_app(name: str) -> str:
    """A template belongs to the app its folder is named for; loose ones (base.html) to core."""
    folder = name.split("/")[0]
    return folder if folder in ranks() else "core"


LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
URL = re.compile(r"""{%\s*url\s+['"]([\w-]+):""")
USES = re.compile(r"""{%\s*(?:include|extends)\s+['"]([^'"]+)['"]""")
REVERSING = {"reverse", "reverse_lazy", "redirect", "resolve_url"}


def template_references(text: str) -> list[tuple[str, str]]:
    """What a template depends on: (what, app) for each tag library, URL name and template."""
    found = []
    for libraries in LOAD.findall(text):
        words = libraries.split()
        names = words[-1:] if "from" in words else words
        found += [
            (f"load {n}", app_of_tag_library()[n]) for n in names if n in app_of_tag_library()
        ]
    found += [(f"url {ns}:", app_of_namespace()[ns]) for ns in URL.findall(text)]
    found += [(f"uses {name}", template_app(name)) for name in USES.findall(text)]
    return found


def code_references(source: str) -> list[tuple[str, str]]:
    """URL names that Python code reverses or redirects to, as (what, app)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        first = node.args[0]
        if name in REVERSING and isinstance(first, ast.Constant) and isinstance(first.value, str):
            namespace = first.value.partition(":")[0]
            if ":" in first.value and namespace in app_of_namespace():
                found.append((f"{name} {first.value}", app_of_namespace()[namespace]))
    return found


def upward_in_templates() -> list[str]:
    wrong: list[str] = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(TEMPLATES))
        source = template_app(name)
        for what, target in template_references(path.read_text()):
            if not allowed(source, target):
                wrong.append(f"templates/{name} ({source}): {what} ({target})")
    return sorted(set(wrong))


def upward_in_code() -> list[str]:
    wrong = []
    for app in ranks():
        for path in sorted((STRIDE / app).rglob("*.py")):
            if {"tests", "migrations"} & set(path.parts):
                continue
            for what, target in code_references(path.read_text()):
                if not allowed(app, target):
                    wrong.append(f"{path.relative_to(STRIDE)} ({app}): {what} ({target})")
    return sorted(set(wrong))


def test_every_app_and_shell_has_a_layer():
    apps = {path.parent.name for path in STRIDE.glob("*/apps.py")}
    assert apps == set(ranks())


def test_the_code_keeps_every_contract(graph):
    broken = [c["name"] for c in configuration()["contracts_options"] if not kept(graph, c)]
    assert not broken, f"Run lint-imports to see why: {broken}"


def test_an_upward_import_breaks_the_layers(graph):
    layers = contract_named("Apps import only the apps below them")
    graph.add_import(
        importer="stride.core.models",
        imported="stride.coaching.models",
        line_number=1,
        line_contents="from stride.coaching.models import Goal",
    )
    assert not kept(graph, layers)


def test_an_unlisted_sideways_import_breaks_the_arrows(graph):
    arrows = contract_named("Domain apps read each other only along the arrows written here")
    assert kept(graph, arrows)
    graph.add_import(
        importer="stride.participation.views",
        imported="stride.benefits.models",
        line_number=1,
        line_contents="from stride.benefits.models import CliffFlag",
    )
    assert not kept(graph, arrows)


def test_templates_refer_only_to_their_own_app_and_those_below_it():
    assert not upward_in_templates()


def test_code_reverses_only_url_names_of_its_own_app_and_those_below_it():
    assert not upward_in_code()


def test_the_template_check_sees_tags_urls_and_includes_of_a_higher_app():
    text = (
        "{% load i18n benefits %}<a href=\"{% url 'coaching:goal' g.uuid %}\"></a>"
        '{% include "staff/_today_steps.html" %}{% url "home" %}'
    )
    assert template_references(text) == [
        ("load benefits", "benefits"),
        ("url coaching:", "coaching"),
        ("uses staff/_today_steps.html", "staff"),
    ]
    assert [target for _what, target in template_references(text) if not allowed("people", target)]
    assert not [t for _what, t in template_references(text) if not allowed("staff", t)]


def test_the_code_check_sees_a_reversed_url_name_of_a_higher_app():
    source = 'def home(request):\n    return redirect("staff:today")\n'
    assert code_references(source) == [("redirect staff:today", "staff")]
    assert not allowed("core", "staff") and allowed("staff", "people")
    assert not allowed("participation", "benefits") and allowed("benefits", "careers")
