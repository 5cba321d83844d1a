"""The version a person saw lives in core, beside the lock that compares it (`core.edits`)."""

import ast
from pathlib import Path

from stride.core.forms import VersionedForm

STRIDE = Path(__file__).resolve().parents[2]


def test_versioned_form_is_cores():
    assert VersionedForm.__module__ == "stride.core.forms"
    assert "version" in VersionedForm.base_fields


def test_no_module_takes_versioned_form_from_elsewhere():
    elsewhere = []
    for path in STRIDE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module != "stride.core.forms":
                if any(alias.name == "VersionedForm" for alias in node.names):
                    elsewhere.append(f"{path.relative_to(STRIDE)}: from {node.module}")
    assert not elsewhere, elsewhere
