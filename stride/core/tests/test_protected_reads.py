"""Views and API code read case records only through the access module.

Every `<ProtectedModel>.objects` in a views module must sit inside a call
to `access.visible_to` or `access.get_visible_or_404`.
"""

import ast
from pathlib import Path

from django.apps import apps

STRIDE = Path(__file__).resolve().parents[2]
ACCESS_CALLS = {"visible_to", "get_visible_or_404"}


def protected_model_names() -> set[str]:
    return {m.__name__ for m in apps.get_models() if hasattr(m, "ACCESS_VIA")}


def unguarded_reads(source: str, protected: set[str]) -> list[int]:
    tree = ast.parse(source)
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ACCESS_CALLS
        ):
            for argument in node.args:
                guarded |= {id(inner) for inner in ast.walk(argument)}
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "objects"
        and isinstance(node.value, ast.Name)
        and node.value.id in protected
        and id(node) not in guarded
    ]


def test_views_read_case_records_through_the_access_module():
    protected = protected_model_names()
    assert {"Participant", "Household", "Member", "Enrollment", "CoachAssignment"} <= protected
    offenders = {
        str(path.relative_to(STRIDE)): lines
        for path in STRIDE.glob("*/views.py")
        if (lines := unguarded_reads(path.read_text(), protected))
    }
    assert not offenders, f"Direct reads of case records (file: lines): {offenders}"


def test_the_checker_catches_a_direct_read():
    source = "def view(request):\n    return Participant.objects.all()\n"
    assert unguarded_reads(source, {"Participant"}) == [2]
    guarded = "def view(request):\n    return access.visible_to(Participant.objects.all(), request.user)\n"
    assert unguarded_reads(guarded, {"Participant"}) == []
