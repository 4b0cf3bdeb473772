"""The documents that describe formats list every field the code accepts."""

from __future__ import annotations

from intake_desktop.core.model import CASE, CHILD_KINDS
from tests.helpers import REPO


def test_case_format_documents_every_field_and_choice() -> None:
    text = (REPO / "docs" / "case-format.md").read_text(encoding="utf-8")
    for kind in (CASE, *CHILD_KINDS):
        if kind.plural:
            assert f"`{kind.plural}`" in text, kind.plural
        for name, spec in kind.spec.fields.items():
            assert f"`{name}`" in text, f"{kind.name}.{name}"
            for option in getattr(spec, "options", ()):
                assert f"`{option}`" in text, f"{kind.name}.{name}: {option}"
