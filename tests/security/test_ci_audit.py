"""The judge of .ci/audit.sh: unexplained findings fail, reviewed ones pass, silence is named.

bandit and pip-audit themselves run in CI (``.ci/audit.sh``); these tests feed
``.ci/audit_check.py`` small reports so its verdicts are known.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.helpers import REPO


@pytest.fixture(scope="module")
def judge() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_check", REPO / ".ci" / "audit_check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bandit_report(tmp_path: Path, findings: list[tuple[str, int, str]]) -> Path:
    results = [
        {
            "filename": str(REPO / file),
            "line_number": line,
            "test_id": test,
            "issue_severity": "LOW",
            "issue_confidence": "HIGH",
            "issue_text": "something",
        }
        for file, line, test in findings
    ]
    path = tmp_path / "bandit.json"
    path.write_text(json.dumps({"results": results, "errors": []}))
    return path


def line_of(file: str, text: str) -> int:
    lines = (REPO / file).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_a_reviewed_bandit_finding_passes_and_an_unreviewed_one_fails(
    judge: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    allowlist = tmp_path / "allow.yaml"
    allowlist.write_text(
        "- test: B404\n  file: intake_desktop/selftest/__init__.py\n"
        "  code: import subprocess\n  reason: starts the self-test's Qt probes\n"
    )
    selftest = "intake_desktop/selftest/__init__.py"
    reviewed = (selftest, line_of(selftest, "import subprocess"), "B404")
    assert judge.check_bandit(bandit_report(tmp_path, [reviewed]), allowlist) == 0
    other = (selftest, line_of(selftest, "result = subprocess.run("), "B603")
    assert judge.check_bandit(bandit_report(tmp_path, [reviewed, other]), allowlist) == 1
    out = capsys.readouterr().out
    assert "UNREVIEWED intake_desktop/selftest/__init__.py" in out and "B603" in out
    assert "result = subprocess.run(" in out  # a stub to paste after review


def test_an_allowlist_entry_without_a_reason_fails(judge: ModuleType, tmp_path: Path) -> None:
    allowlist = tmp_path / "allow.yaml"
    allowlist.write_text("- test: B404\n  file: x.py\n  code: import subprocess\n  reason: ok\n")
    assert judge.check_bandit(bandit_report(tmp_path, []), allowlist) == 1


def test_the_project_allowlist_is_well_formed(judge: ModuleType, tmp_path: Path) -> None:
    entries = judge.load_yaml(REPO / ".ci" / "bandit-allowlist.yaml")
    assert len(entries) >= 10
    for entry in entries:
        assert (REPO / entry["file"]).is_file(), entry["file"]
    assert (
        judge.check_bandit(bandit_report(tmp_path, []), REPO / ".ci" / "bandit-allowlist.yaml") == 0
    )


def audit_report(tmp_path: Path, dependencies: list[dict[str, Any]]) -> Path:
    path = tmp_path / "pip-audit.json"
    path.write_text(json.dumps({"dependencies": dependencies, "fixes": []}))
    return path


VULNERABLE = {
    "name": "setuptools",
    "version": "65.5.0",
    "vulns": [
        {"id": "PYSEC-2022-43012", "aliases": ["CVE-2022-40897"], "fix_versions": ["65.5.1"]}
    ],
}


def test_pip_audit_findings_fail_unless_ignored_with_a_reason(
    judge: ModuleType, tmp_path: Path
) -> None:
    ignore = tmp_path / "ignore.txt"
    ignore.write_text("# nothing reviewed\n")
    clean = {"name": "segno", "version": "1.6.6", "vulns": []}
    assert judge.check_pip_audit(audit_report(tmp_path, [clean]), ignore) == 0
    assert judge.check_pip_audit(audit_report(tmp_path, [clean, VULNERABLE]), ignore) == 1
    ignore.write_text("CVE-2022-40897  # package_index is never called: build isolation\n")
    assert judge.check_pip_audit(audit_report(tmp_path, [clean, VULNERABLE]), ignore) == 0
    ignore.write_text("CVE-2022-40897\n")
    with pytest.raises(SystemExit, match="needs a reason"):
        judge.check_pip_audit(audit_report(tmp_path, [VULNERABLE]), ignore)


def test_a_service_that_answered_for_nothing_is_not_a_pass(
    judge: ModuleType, tmp_path: Path
) -> None:
    ignore = tmp_path / "ignore.txt"
    ignore.write_text("")
    skipped = [{"name": "pyrage", "skip_reason": "Dependency not found on PyPI"}]
    assert judge.check_pip_audit(audit_report(tmp_path, skipped), ignore) == judge.NOT_AUDITED
    assert judge.read_ignores(REPO / ".ci" / "pip-audit-ignore.txt") is not None
