"""Importing one large case against the same people spread over many cases.

    python benchmarks/large_case.py [--people N] [--cases K]   (also run by run.py)

A household of thousands is not a real family, but a coordinator's merged
"unassigned" case, or a registry imported as one case, is; and import time
must not grow with the square of one case's size (20,000 people in one case
took 28.6 s against 7 s spread over cases; 100,000 did not finish in 28
minutes). Both shapes carry the same people, in one bundle each, imported
into fresh vaults; the ratio of their import CPU times is the figure.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from measure import PASSPHRASE

from intake_desktop.core.bundle import importer
from intake_desktop.core.bundle.export import export_bundle
from intake_desktop.core.bundle.format import RecipientRef
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.identity import load
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault


def _case(title: str, people: range) -> dict[str, object]:
    return {
        "title": title,
        "route": "other",
        "people": [{"full_name": f"Person {i}", "role": "family_member"} for i in people],
        "consents": [{"scope": ["share_with_counsel"]}],
    }


def _vault(path: Path, role: str = "caseworker") -> Vault:
    return Vault.create(path, PASSPHRASE, user_name=role, role=role, kdf_target_seconds=0)[0]


def build(work: Path, name: str, people: int, cases: int) -> tuple[Path, str]:
    """A bundle holding ``people`` people in ``cases`` cases, and the signer's key."""
    field = _vault(work / f"{name}-field")
    store = CaseStore(field)
    per = people // cases
    for k in range(cases):
        store.add_case(_case(f"{name} {k}", range(k * per, (k + 1) * per)))
    office = _vault(work / f"{name}-keys", "coordinator")
    recipient, identity = load(office.conn).age_recipient, load(office.conn).age_secret
    office.close()
    bundle = work / f"{name}.intake"
    export_bundle(field, [RecipientRef("office", recipient, "")], bundle)
    key = load(field.conn).signing_key
    field.close()
    (work / f"{name}.key").write_text(identity)
    return bundle, key


def import_once(work: Path, name: str, run: int, bundle: Path, key: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) to import ``bundle`` into a fresh vault.

    The fresh vault gets the identity the bundle was encrypted to: the keys
    vault made in ``build`` is copied, so every run starts from the same state.
    """
    import shutil

    target = work / f"{name}-office-{run}"
    shutil.copytree(work / f"{name}-keys", target)
    office = Vault.open(target, PASSPHRASE)
    TrustStore(office).add_device("field", key)
    wall, cpu = time.perf_counter(), time.process_time()
    result = importer.import_bundle(office, bundle)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert result.status == importer.MERGED
    office.close()
    shutil.rmtree(target)
    return wall, cpu


def measure(work: Path, people: int, cases: int, rounds: int = 2) -> dict[str, float]:
    """Both shapes imported in turn, ``rounds`` times each; the best of each.

    CPU seconds (of the importing process: the merge and, in its helper
    thread, the age layer, the same for both shapes) are the figure to
    compare on a busy machine; wall time is shown too.
    """
    shapes = {"one": build(work, "one", people, 1), "spread": build(work, "spread", people, cases)}
    best: dict[str, tuple[float, float]] = {}
    for run in range(rounds):
        for name, (bundle, key) in shapes.items():
            wall, cpu = import_once(work, name, run, bundle, key)
            old = best.get(name, (wall, cpu))
            best[name] = (min(old[0], wall), min(old[1], cpu))
    (one_wall, one_cpu), (spread_wall, spread_cpu) = best["one"], best["spread"]
    return {
        "large_case_import_s": round(one_wall, 2),
        "spread_cases_import_s": round(spread_wall, 2),
        "large_case_import_cpu_s": round(one_cpu, 2),
        "spread_cases_import_cpu_s": round(spread_cpu, 2),
        "large_case_vs_spread_ratio": round(one_cpu / spread_cpu, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--cases", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="intake-large-case-") as tmp:
        for key, value in measure(Path(tmp), args.people, args.cases).items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
