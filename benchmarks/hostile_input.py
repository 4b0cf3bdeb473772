"""How fast hostile input is refused, against a baseline read in the same run.

    python benchmarks/hostile_input.py [--quick]   (also run by run.py)

The readers of untrusted bytes must refuse them in time proportional to
their size, whatever they hold: the age header gate (a passphrase file must
never reach a scrypt KDF: pyrage spent 8 GB and 33 s on a logN=23 scrypt
stanza), a bundle import, the case document behind ``case add``, and the
key-slot header on a laptop that may have been handed back. The tests check
what each refusal is; these are the timings they no longer assert (a busy
2-core machine made them fail for no fault of the code).

Each figure is the slowest hostile input against a valid input that is at
least as large, read the same way in the same run:

* ``age_scrypt_vs_valid_header``: the scrypt headers (on the stanza line
  alone, whole, behind an X25519 stanza, behind grease) against a valid
  three-stanza header (the tests used to say: under 0.1 s);
* ``age_hostile_vs_largest_header``: random bytes, and mutations of a valid
  file, against the largest header the gate accepts (64 stanzas, 64 KiB)
  (under 0.5 s each);
* ``import_scrypt_vs_not_for_us``: importing an scrypt file, alone and
  behind the vault's own stanza, against importing a bundle addressed to
  another vault; both open the file and read its header the same way, so a
  ratio near 1 means the scrypt file cost nothing more (under 5 s);
* ``case_document_hostile_vs_valid``: deep nesting, huge numbers and
  strings, byte and value mutations of real documents, against a valid
  document of about 1 MiB (under 2 s each);
* ``keyslot_header_hostile_vs_valid``: the same against a valid header with
  the most slots there may be (under 2 s each);
* ``fuzz_plain_worst_vs_mean``, ``fuzz_sealed_worst_vs_mean``: the bundle
  fuzzing campaigns of tests/security/test_bundle_fuzz.py (the same seeded
  inputs), the slowest input against the mean one (under 5 s each).

Each input's time is the best of a few tries (the least disturbed by the
machine); the figure is the worst input's.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import copy
import io
import json
import os
import random
import statistics
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from measure import PASSPHRASE, timed

from intake_desktop.core.bundle import importer
from intake_desktop.core.bundle.agecheck import MAX_HEADER_BYTES, MAX_STANZAS, read_age_header
from intake_desktop.core.bundle.export import export_bundle
from intake_desktop.core.bundle.format import RecipientRef
from intake_desktop.core.cases import parse_document, prepare_case
from intake_desktop.core.errors import BundleRejected, InvalidInput, VaultDamaged
from intake_desktop.core.identity import load
from intake_desktop.core.keyslots import MAX_SLOTS, KeySlotHeader
from intake_desktop.core.vault import HEADER_NAME, Vault

MAGIC = b"age-encryption.org/v1\n"
PAYLOAD = bytes(range(32))  # nonce + one empty final chunk: the shortest payload


def best_ms(action: Callable[[], object], tries: int) -> float:
    return min(timed(action) for _ in range(tries))


def worst_ms(inputs: Iterable[bytes], read: Callable[[bytes], object], tries: int) -> float:
    return max(best_ms(lambda data=data: read(data), tries) for data in inputs)


def refused(read: Callable[[bytes], object], *errors: type[Exception]) -> Callable[[bytes], None]:
    """``read``, with its own refusals expected and anything else let through."""

    def run(data: bytes) -> None:
        with contextlib.suppress(errors):
            read(data)

    return run


def mutations(seed: bytes, count: int, rng: random.Random, nest: int) -> list[bytes]:
    """``count`` copies of ``seed``, each with a few bytes flipped, inserted, cut or nested."""
    out = []
    for _ in range(count):
        raw = bytearray(seed)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(raw)) if raw else 0
            kind = rng.choice(["flip", "insert", "delete", "cut", "nest"])
            if kind == "flip" and raw:
                raw[at] ^= rng.randint(1, 255)
            elif kind == "insert":
                raw[at:at] = rng.randbytes(rng.randint(1, 8))
            elif kind == "delete":
                del raw[at : at + rng.randint(1, 8)]
            elif kind == "nest":
                raw[at:at] = b"[" * rng.randint(1, nest)
            else:
                del raw[at:]
        out.append(bytes(raw))
    return out


# The age header gate


def b64(raw: bytes) -> bytes:
    return base64.b64encode(raw).rstrip(b"=")


def stanza(*args: bytes, body: bytes = b"") -> bytes:
    text = b64(body)
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    if not lines or len(lines[-1]) == 64:
        lines.append(b"")
    return b"-> " + b" ".join(args) + b"\n" + b"\n".join(lines) + b"\n"


def age_header(*stanzas: bytes) -> bytes:
    return MAGIC + b"".join(stanzas) + b"--- " + b64(b"\x07" * 32) + b"\n"


def x25519(seed: int) -> bytes:
    return stanza(b"X25519", b64(bytes([seed]) * 32), body=bytes([seed + 1]) * 32)


GREASE = stanza(b"%-grease", b"+n9xkLbc", body=bytes(20))
VALID = age_header(x25519(1), GREASE, x25519(3)) + PAYLOAD


def largest_header() -> bytes:
    """MAX_STANZAS stanzas whose bodies fill the header up to MAX_HEADER_BYTES."""
    room = MAX_HEADER_BYTES - 200 * MAX_STANZAS
    body = bytes(room // MAX_STANZAS * 3 // 4)
    grease = (stanza(b"grease-%d" % i, body=body) for i in range(MAX_STANZAS - 1))
    data = age_header(x25519(1), *grease)
    assert len(data) <= MAX_HEADER_BYTES, len(data)
    return data + PAYLOAD


def scrypt_headers() -> list[bytes]:
    salt = b64(bytes(range(16)))
    return [
        MAGIC + b"-> scrypt " + salt + b" 23\n",
        age_header(stanza(b"scrypt", salt, b"23", body=bytes(32))) + PAYLOAD,
        age_header(x25519(1), stanza(b"scrypt", salt, b"30", body=bytes(32))) + PAYLOAD,
        age_header(GREASE, stanza(b"scrypt", b"salt", b"63")) + PAYLOAD,
    ]


def read_age(data: bytes) -> None:
    read_age_header(io.BytesIO(data))


def age_figures(quick: bool) -> dict[str, float]:
    rng = random.Random(11)
    tries = 5 if quick else 20
    count = 200 if quick else 2000
    gate = refused(read_age, BundleRejected)
    valid = best_ms(lambda: read_age(VALID), tries)
    scrypt = worst_ms(scrypt_headers(), gate, tries)
    biggest = largest_header()
    largest = best_ms(lambda: read_age(biggest), tries)
    hostile = [rng.randbytes(rng.randint(0, 2048)) for _ in range(count // 2)]
    hostile += [MAGIC + data for data in hostile[: count // 4]]
    hostile += mutations(VALID, count // 2, rng, nest=8)
    worst = worst_ms(hostile, gate, tries)
    return {
        "age_scrypt_vs_valid_header": scrypt / valid,
        "age_hostile_vs_largest_header": worst / largest,
        "age_scrypt_refusal_ms": round(scrypt, 3),
        "age_valid_header_ms": round(valid, 3),
        "age_hostile_worst_ms": round(worst, 3),
        "age_largest_header_ms": round(largest, 3),
    }


# A whole import, its age layer included

_IMPORT_VAULTS = (("field", "caseworker"), ("office", "coordinator"), ("other", "coordinator"))


def _vault(path: Path, role: str) -> Vault:
    return Vault.create(path, PASSPHRASE, user_name=role, role=role, kdf_target_seconds=0)[0]


def _import_refusal_s(vault: Vault, path: Path) -> float:
    def attempt() -> None:
        try:
            importer.import_bundle(vault, path)
        except BundleRejected:
            return
        raise AssertionError(f"{path.name} was not refused")

    return timed(attempt) / 1000


def import_figures(work: Path, quick: bool) -> dict[str, float]:
    field, office, other = (_vault(work / n, r) for n, r in _IMPORT_VAULTS)
    try:
        recipient = load(office.conn).age_recipient
        bundle = work / "ours.intake"
        export_bundle(field, [RecipientRef("office", recipient, "")], bundle)
        elsewhere = work / "elsewhere.intake"
        export_bundle(field, [RecipientRef("other", load(other.conn).age_recipient, "")], elsewhere)
        data = bundle.read_bytes()
        end = data.index(b"\n", data.index(b"\n-> X25519 ") + 1) + 1
        ours = data[len(MAGIC) : data.index(b"\n", end) + 1]
        salt = b64(os.urandom(16))
        scrypt = stanza(b"scrypt", salt, b"23", body=os.urandom(32))
        mac = b"--- " + b64(os.urandom(32)) + b"\n"
        for name, before in (("scrypt", b""), ("scrypt-behind-ours", ours)):
            (work / f"{name}.intake").write_bytes(MAGIC + before + scrypt + mac + os.urandom(64))
        rounds = 3 if quick else 7
        times: dict[str, list[float]] = {"elsewhere": [], "scrypt": [], "scrypt-behind-ours": []}
        for _ in range(rounds):  # in turn, so a slow moment hits each alike
            for name in times:
                times[name].append(_import_refusal_s(office, work / f"{name}.intake"))
    finally:
        for vault in (field, office, other):
            vault.close()
    baseline = statistics.median(times["elsewhere"])
    scrypt_s = max(statistics.median(times[name]) for name in ("scrypt", "scrypt-behind-ours"))
    return {
        "import_scrypt_vs_not_for_us": scrypt_s / baseline,
        "import_scrypt_refusal_s": round(scrypt_s, 3),
        "import_not_for_us_refusal_s": round(baseline, 3),
    }


# The case document (``case add``)

CASE: dict[str, Any] = {
    "title": "Rahimi family",
    "route": "siv",
    "notes": "line one\nline two",
    "people": [
        {"id": "p1", "full_name": "Zarmina Rahimi", "role": "principal", "sex": "female"},
        {"id": "p2", "full_name": "زرمینه رحیمی", "role": "family_member"},
    ],
    "relationships": [{"person": "p1", "relative": "p2", "kind": "parent"}],
    "statements": [
        {"speaker": "p1", "language": "fa-AF", "text": "ما از کابل آمدیم"},
    ],
    "evidence": [{"id": "e1", "kind": "letter", "description": "Threat letter", "people": ["p1"]}],
}
HOSTILE_VALUES: list[Any] = [
    "\x00",
    "\x1b[2J",
    "\u202ename",
    "x" * 100_001,
    10**300,
    -(2**63),
    1e308,
    [[[[[[[]]]]]]],
    {"id": "p1"},
    "p1",
]
DEEP_DOCUMENTS = [
    b"[" * 100_000,
    b'{"title": ' * 50_000,
    b'{"title": "x", "route": "other", "people": [{"full_name": "a", "x": ' + b"[" * 5000,
    b"9" * 5000,
    b'{"title": "x", "route": "other", "notes": 1' + b"0" * 4400 + b"}",
]


def read_case(data: bytes) -> None:
    prepare_case(parse_document(data))


def paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(doc, dict):
        return [p for k, v in doc.items() for p in paths(v, (*prefix, k))]
    if isinstance(doc, list):
        return [p for i, v in enumerate(doc) for p in paths(v, (*prefix, i))]
    return [prefix]


def with_value(doc: Any, path: tuple[Any, ...], value: Any) -> bytes:
    changed = copy.deepcopy(doc)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return json.dumps(changed, ensure_ascii=False).encode()


def large_case(size: int) -> bytes:
    """A valid case document of about ``size`` bytes: a family with many people."""
    doc = copy.deepcopy(CASE)
    people = [
        {"full_name": f"Person {i} Ahmadzai", "role": "family_member", "notes": "n" * 400}
        for i in range((size - len(json.dumps(doc))) // 480)
    ]
    doc["people"] = doc["people"] + people
    data = json.dumps(doc).encode()
    read_case(data)  # valid, or the baseline means nothing
    return data


def case_figures(quick: bool) -> dict[str, float]:
    rng = random.Random(13)
    tries = 3 if quick else 5
    count = 100 if quick else 600
    seed = json.dumps(CASE, ensure_ascii=False).encode()
    where = paths(CASE)
    hostile = list(DEEP_DOCUMENTS)
    hostile += [
        with_value(CASE, rng.choice(where), rng.choice(HOSTILE_VALUES)) for _ in range(count)
    ]
    hostile += mutations(seed, count, rng, nest=100_000)
    biggest = max(len(data) for data in hostile)
    valid = large_case(max(1 << 20, biggest))
    baseline = best_ms(lambda: read_case(valid), tries)
    worst = worst_ms(hostile, refused(read_case, InvalidInput), tries)
    return {
        "case_document_hostile_vs_valid": worst / baseline,
        "case_document_hostile_worst_ms": round(worst, 3),
        "case_document_valid_ms": round(baseline, 3),
        "case_document_valid_kib": len(valid) >> 10,
    }


# The key-slot header


def largest_keyslots(work: Path) -> dict[str, Any]:
    """A real header's slots, copied (new ids) up to MAX_SLOTS: parsing checks no key."""
    vault, _ = Vault.create(
        work / "header", PASSPHRASE, user_name="a", role="caseworker", kdf_target_seconds=0
    )
    vault.close()
    doc = json.loads((work / "header" / HEADER_NAME).read_bytes())
    user = next(slot for slot in doc["slots"] if slot["kind"] == "user")
    while len(doc["slots"]) < MAX_SLOTS:
        doc["slots"].append({**copy.deepcopy(user), "id": str(uuid.uuid4())})
    return doc


def padded(doc: dict[str, Any], size: int) -> bytes:
    """``doc`` with a note (a field the reader ignores) making it ``size`` bytes or more."""
    first, *rest = doc["slots"]
    data = json.dumps({**doc, "slots": [{**first, "note": "n" * size}, *rest]})
    assert len(KeySlotHeader.from_bytes(data.encode()).slots) == MAX_SLOTS
    return data.encode()


def keyslot_figures(work: Path, quick: bool) -> dict[str, float]:
    rng = random.Random(17)
    tries = 3 if quick else 5
    count = 200 if quick else 1000
    doc = largest_keyslots(work)
    where = paths(doc)
    hostile = [b"[" * 100_000, b'{"format": ' * 40_000, b'{"version": ' + b"1" * 5000 + b"}"]
    hostile += [
        with_value(doc, rng.choice(where), rng.choice([*HOSTILE_VALUES, 0, -1, 10**12, "9" * 12]))
        for _ in range(count)
    ]
    hostile += mutations(json.dumps(doc, indent=1).encode(), count, rng, nest=100_000)
    valid = padded(doc, max(len(data) for data in hostile))
    parse = refused(KeySlotHeader.from_bytes, VaultDamaged)
    baseline = best_ms(lambda: KeySlotHeader.from_bytes(valid), tries)
    worst = worst_ms(hostile, parse, tries)
    return {
        "keyslot_header_hostile_vs_valid": worst / baseline,
        "keyslot_header_hostile_worst_ms": round(worst, 3),
        "keyslot_header_valid_ms": round(baseline, 3),
        "keyslot_header_valid_kib": len(valid) >> 10,
    }


# The bundle fuzzing campaigns of tests/security/test_bundle_fuzz.py, seeded


def fuzz_figures(work: Path, quick: bool) -> dict[str, float]:
    """Each campaign's slowest input against its mean input (the same inputs as the test)."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env["INTAKE_KDF_TARGET_MS"] = "0"
    figures: dict[str, float] = {}
    for mode, warmup in (("plain", 400 if quick else 2000), ("sealed", 20 if quick else 100)):
        folder = work / f"fuzz-{mode}"
        folder.mkdir()
        options = ["--mode", mode, "--seconds", "0", "--seed", "20261127", "--engine", "random"]
        subprocess.run(
            [sys.executable, "-m", "tests.security.fuzz_bundles", str(folder), *options,
             "--warmup", str(warmup)],
            cwd=root, env=env, capture_output=True, timeout=1800, check=True,
        )  # fmt: skip
        summary = json.loads((folder / "summary.json").read_text())
        assert summary["failures"] == [], summary["failures"]
        mean = summary["total_case_seconds"] / summary["cases"]
        figures[f"fuzz_{mode}_worst_vs_mean"] = summary["max_case_seconds"] / mean
        figures[f"fuzz_{mode}_worst_s"] = summary["max_case_seconds"]
        figures[f"fuzz_{mode}_mean_ms"] = round(mean * 1000, 3)
    return figures


def measure(work: Path, quick: bool) -> dict[str, float]:
    figures = age_figures(quick)
    figures.update(import_figures(work, quick))
    figures.update(case_figures(quick))
    figures.update(keyslot_figures(work, quick))
    figures.update(fuzz_figures(work, quick))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="intake-hostile-") as tmp:
        for key, value in measure(Path(tmp), args.quick).items():
            print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
