"""Judge bandit's and pip-audit's JSON reports against the reviewed allowlists.

    python .ci/audit_check.py bandit REPORT.json .ci/bandit-allowlist.yaml
    python .ci/audit_check.py pip-audit REPORT.json .ci/pip-audit-ignore.txt

Exit 0: every finding is explained. Exit 1: an unexplained finding (or a
malformed allowlist). Exit 3 (pip-audit only): the vulnerability service
could not be asked, so nothing was audited; .ci/audit.sh decides what that
means. Called by .ci/audit.sh; readable on its own.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # audit.sh runs bandit from here
NOT_AUDITED = 3
MIN_REASON = 15  # characters: "ok" or "false positive" is not a review


def load_yaml(path: Path) -> Any:
    import yaml  # PyYAML: installed with bandit

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def check_bandit(report_path: Path, allowlist_path: Path) -> int:
    report = json.loads(report_path.read_text(encoding="utf-8"))
    entries = load_yaml(allowlist_path) or []
    problems = []
    for i, entry in enumerate(entries):
        missing = [k for k in ("test", "file", "code", "reason") if not entry.get(k)]
        if missing:
            problems.append(f"allowlist entry {i + 1} lacks {', '.join(missing)}")
        elif len(str(entry["reason"]).strip()) < MIN_REASON:
            problems.append(f"allowlist entry {i + 1} ({entry['file']}) has no real reason")
    if problems:
        print("\n".join(problems))
        return 1
    for error in report.get("errors", []):
        problems.append(f"bandit could not scan {error.get('filename')}: {error.get('reason')}")
    used = [False] * len(entries)
    unexplained = []
    for finding in report.get("results", []):
        path = ROOT / finding["filename"]  # bandit names files relative to where it ran
        file = path.resolve().relative_to(ROOT).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        line = lines[finding["line_number"] - 1].strip()
        match = next(
            (
                i
                for i, e in enumerate(entries)
                if e["test"] == finding["test_id"]
                and e["file"] == file
                and str(e["code"]).strip() in line
            ),
            None,
        )
        if match is None:
            unexplained.append((file, finding, line))
        else:
            used[match] = True
    for file, finding, line in unexplained:
        print(
            f"UNREVIEWED {file}:{finding['line_number']} {finding['test_id']}"
            f" ({finding['issue_severity']}/{finding['issue_confidence']}):"
            f" {finding['issue_text']}\n    {line}\n"
            f"  Fix the code, or after review add to .ci/bandit-allowlist.yaml:\n"
            f"    - test: {finding['test_id']}\n      file: {file}\n"
            f"      code: {json.dumps(line)}\n      reason: <why this is safe>"
        )
    for i, entry in enumerate(entries):
        if not used[i]:
            # Not a failure: the code changed for the better, or moved. Say so.
            print(
                f"stale allowlist entry (matches nothing; delete it): {entry['file']}: "
                f"{entry['test']} {entry['code']!r}"
            )
    count = len(report.get("results", []))
    print(
        f"bandit: {count} finding(s), {count - len(unexplained)} explained by the allowlist,"
        f" {len(unexplained)} not"
    )
    print("\n".join(problems))
    return 1 if unexplained or problems else 0


def read_ignores(path: Path) -> dict[str, str]:
    """``ID  # reason`` per line; blank lines and whole-line comments are skipped."""
    ignores = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        vuln_id, _, reason = line.partition("#")
        if len(reason.strip()) < MIN_REASON:
            raise SystemExit(f"{path}:{number}: an ignored vulnerability needs a reason")
        ignores[vuln_id.strip()] = reason.strip()
    return ignores


def check_pip_audit(report_path: Path, ignore_path: Path) -> int:
    ignores = read_ignores(ignore_path)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    audited, skipped, found = [], [], []
    for dep in report.get("dependencies", []):
        if "skip_reason" in dep:
            skipped.append(f"{dep['name']} {dep.get('version', '')}: {dep['skip_reason']}")
            continue
        audited.append(dep["name"])
        for vuln in dep.get("vulns", []):
            names = {vuln["id"], *vuln.get("aliases", [])}
            if names & set(ignores):
                print(f"ignored (reviewed) {dep['name']} {dep['version']} {vuln['id']}")
                continue
            fixes = ", ".join(vuln.get("fix_versions", [])) or "none yet"
            found.append(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixes})")
    print(f"pip-audit: {len(audited)} package(s) audited, {len(skipped)} not")
    if not audited:
        for line in skipped[:5]:
            print(f"  {line}")
        return NOT_AUDITED
    for line in skipped:
        print(f"  not audited: {line}")
    for line in found:
        print(f"VULNERABLE {line}")
    if found:
        print(
            "Upgrade the package, or after review add the id with a reason to " + str(ignore_path)
        )
    return 1 if found else 0


def main(argv: list[str]) -> int:
    kind, report, allowlist = argv[0], Path(argv[1]), Path(argv[2])
    if kind == "bandit":
        return check_bandit(report, allowlist)
    if kind == "pip-audit":
        return check_pip_audit(report, allowlist)
    raise SystemExit(f"unknown report kind {kind}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
