"""The fuzzing campaign over the bundle reader; started by ``fuzz_bundles.py``.

Kept apart from the launcher so that, with atheris, everything this imports
from ``intake_desktop`` is loaded under atheris's coverage instrumentation
(instrumenting every loaded module afterwards takes over half a minute).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import os
import random
import signal
import time
import traceback
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyrage

from intake_desktop.core import identity
from intake_desktop.core.bundle import importer
from intake_desktop.core.bundle.format import MANIFEST, SIGNATURE
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.check import check_vault
from intake_desktop.core.errors import BundleRejected, IntakeError
from intake_desktop.core.trust import TrustStore
from tests.bundle_forge import (
    RICH_CASE,
    Parts,
    add_attachment,
    encode_manifest,
    export_to,
    introduce,
    new_signing_key,
    read_tar,
    rehash,
    relist,
    sign,
    snapshot,
    take_apart,
    tar_bytes,
)
from tests.helpers import MINIMAL_CASE, make_vault

CASE_TIME_LIMIT = 10  # seconds for one input; real ones take milliseconds
HOSTILE: list[Any] = [
    None,
    True,
    -1,
    0,
    2**63,
    10**40,
    1e308,
    "",
    "x" * 5000,
    "\x00",
    "\u202eevil",
    "../../etc/passwd",
    "/etc/passwd",
    "records/../x.json",
    "attachments/" + "0" * 64,
    str(uuid.uuid4()),
    "2024-13-45T99:99:99Z",
    [],
    {},
    [[[[]]]],
    {"id": "x"},
    "RWQ" + "A" * 53,
]


class TimeLimit(Exception):
    pass


def on_alarm(_signum: int, _frame: object) -> None:
    raise TimeLimit


def vm_hwm_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


# A source of choices: libFuzzer's bytes (atheris) or a seeded RNG


class Chooser:
    def __init__(self, take: Callable[[int], int], data: Callable[[int], bytes]) -> None:
        self._take, self._data = take, data

    def __call__(self, n: int) -> int:
        return self._take(n) if n > 1 else 0

    def pick(self, items: list[Any]) -> Any:
        return items[self(len(items))]

    def data(self, n: int) -> bytes:
        return self._data(n)

    @classmethod
    def from_random(cls, rng: random.Random) -> Chooser:
        return cls(lambda n: rng.randrange(n), rng.randbytes)

    @classmethod
    def from_provider(cls, provider: Any) -> Chooser:
        return cls(lambda n: provider.ConsumeIntInRange(0, n - 1), provider.ConsumeBytes)


# Mutations


def mutate_bytes(data: bytes, choose: Chooser, others: list[bytes]) -> bytes:
    raw = bytearray(data)
    for _ in range(1 + choose(4)):
        if not raw:
            break
        at = choose(len(raw))
        if choose(3) == 0:  # aim at a tar header field: name, size, checksum, type, magic
            block = (at // 512) * 512
            at = block + choose.pick([0, 50, 99, 124, 130, 135, 148, 156, 257, 345])
            at = min(at, len(raw) - 1)
        op = choose(9)
        if op == 0:
            raw[at] ^= 1 << choose(8)
        elif op == 1:
            raw[at] = choose(256)
        elif op == 2:
            raw[at:at] = choose.data(1 + choose(16))
        elif op == 3:
            del raw[at : at + 1 + choose(600)]
        elif op == 4:
            del raw[at:]
        elif op == 5:
            length = 1 + choose(1024)
            raw[at:at] = raw[at : at + length]
        elif op == 6:
            raw[at : at + 12] = choose.pick([b"77777777777\x00", b"00000000000\x00", b"-1"])
        elif op == 7:
            other = choose.pick(others)
            start = choose(max(1, len(other)))
            raw[at:at] = other[start : start + 1 + choose(4096)]
        else:
            raw += bytes(512 * choose(4)) + choose.data(choose(64))
    return bytes(raw)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            found += _paths(value, (*prefix, i))
    return found


def _set(doc: Any, choose: Chooser, value: Any) -> Any:
    path = choose.pick(_paths(doc))
    if not path:
        return value
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return doc


class Insider:
    """Structural changes to a real bundle, then re-listed and re-signed by a trusted key."""

    def __init__(self, parts: Parts, secret: Any, stranger: Any) -> None:
        self.parts, self.secret, self.stranger = parts, secret, stranger

    def build(self, choose: Chooser) -> bytes:
        manifest, members = self.parts.fresh()
        if choose(6) == 0:
            manifest["bundle_id"] = self.parts.manifest["bundle_id"]  # a reused id
        for _ in range(1 + choose(3)):
            op = choose(8)
            if op == 0:
                manifest = _set(manifest, choose, copy.deepcopy(choose.pick(HOSTILE)))
            elif op in (1, 2):  # a value inside a records member
                index = choose(len(members))
                name, data = members[index]
                if name.startswith("records/"):
                    try:
                        doc = json.loads(data)
                    except ValueError:  # an earlier change broke it already
                        continue
                    doc = _set(doc, choose, copy.deepcopy(choose.pick(HOSTILE)))
                    records = doc.get("records") if isinstance(doc, dict) else None
                    if choose(2) and isinstance(records, list):
                        for raw in records:
                            with contextlib.suppress(Exception):
                                rehash(raw)  # a consistent revision hash
                    with contextlib.suppress(ValueError, TypeError):
                        data = json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()
                members[index] = (name, data)
            elif op == 3 and members:
                del members[choose(len(members))]
            elif op == 4 and members:
                members.insert(choose(len(members) + 1), members[choose(len(members))])
            elif op == 5 and len(members) > 1:
                i, j = choose(len(members)), choose(len(members))
                members[i], members[j] = members[j], members[i]
            elif op == 6:
                index = choose(len(members))
                name, data = members[index]
                members[index] = (name, mutate_bytes(data, choose, [data]))
            else:
                index = choose(len(members))
                members[index] = (choose.pick(HOSTILE[11:15]), members[index][1])
        if choose(5):
            with contextlib.suppress(TypeError, ValueError, KeyError, AttributeError):
                manifest, members = relist(manifest, members, self.secret)
        try:
            encoded = encode_manifest(manifest)
        except (TypeError, ValueError):
            encoded = self.parts.manifest_bytes
        signer = self.stranger if choose(8) == 0 else self.secret
        signature = sign(signer, encoded) if choose(10) else choose.data(choose(200))
        return tar_bytes([(MANIFEST, encoded), (SIGNATURE, signature), *members])


# The stand-in for the age layer (plain mode)


class PlainChannel:
    """Serves ``current`` as if it had been decrypted (the age layer is bypassed)."""

    current = b""

    def __init__(self) -> None:
        self.plaintext = io.BytesIO(PlainChannel.current)

    @classmethod
    def open(cls, _bundle: Path, _age_secret: str) -> PlainChannel:
        return cls()

    def finish(self) -> None:
        self.plaintext.read()

    def verdict(self, rejected: BundleRejected) -> BundleRejected:
        return rejected

    def close(self) -> None:
        pass


# The campaign


class Campaign:
    def __init__(self, workdir: Path, mode: str, seed: int) -> None:
        self.workdir, self.mode = workdir, mode
        self.rng = random.Random(seed)
        self.summary: dict[str, Any] = {
            "mode": mode,
            "engine": "random",
            "cases": 0,
            "outcomes": {},
            "rejections": {},  # by message: how deep the inputs got
            "max_case_seconds": 0.0,
            "total_case_seconds": 0.0,  # with "cases", the mean (benchmarks/hostile_input.py)
            "failures": [],
            "vmhwm_kib": 0,  # this process, the age layer's buffers included
        }
        self._last_write = 0.0
        self._build()

    def _build(self) -> None:
        root = self.workdir
        field, _ = make_vault(root / "field", name="field laptop")
        coord, _ = make_vault(root / "coord", user_name="cora", role="coordinator", name="office")
        stranger, _ = make_vault(root / "stranger", name="stranger")
        introduce(field, coord, "field", "office")
        coord_keys = identity.load(coord.conn)
        TrustStore(stranger).add_recipient("office", coord_keys.age_recipient)
        cases = [CaseStore(field).add_case(copy.deepcopy(c)) for c in (RICH_CASE, MINIMAL_CASE)]
        add_attachment(field, cases[0], self.rng.randbytes(70_000))
        CaseStore(stranger).add_case(copy.deepcopy(MINIMAL_CASE))
        seeds = root / "seeds"
        seeds.mkdir()
        export_to(field, coord, seeds / "trusted.intake")
        export_to(stranger, coord, seeds / "stranger.intake")
        export_to(field, identity.load(stranger.conn).age_recipient, seeds / "elsewhere.intake")
        parts = take_apart(seeds / "trusted.intake", coord_keys.age_secret)
        stranger_secret, _ = new_signing_key()
        self.insider = Insider(parts, identity.load(field.conn).minisign_secret(), stranger_secret)
        self.recipient = pyrage.x25519.Recipient.from_str(coord_keys.age_recipient)
        age_secret = coord_keys.age_secret
        trusted_plain = pyrage.decrypt(
            (seeds / "trusted.intake").read_bytes(),
            [pyrage.x25519.Identity.from_str(age_secret)],
        )
        stranger_plain = pyrage.decrypt(
            (seeds / "stranger.intake").read_bytes(),
            [pyrage.x25519.Identity.from_str(age_secret)],
        )
        members = read_tar(trusted_plain)
        unsigned = tar_bytes([members[0], (SIGNATURE, b""), *members[2:]])
        self.plain_seeds = [bytes(trusted_plain), bytes(stranger_plain), unsigned]
        self.sealed_seeds = [
            (seeds / name).read_bytes() for name in ("trusted.intake", "stranger.intake")
        ]
        self.sealed_seeds += [
            (seeds / "elsewhere.intake").read_bytes(),
            bytes(pyrage.encrypt(unsigned, [self.recipient])),
        ]
        field.close()
        stranger.close()
        self.coord = coord
        self.input = root / "input.intake"
        self.input.write_bytes(b"placeholder: plain mode bypasses the age layer")
        self.baseline = snapshot(coord)
        (root / "failures").mkdir()
        if self.mode == "plain":
            importer.DecryptChannel = PlainChannel  # type: ignore[misc,assignment]

    # One input

    def make_input(self, choose: Chooser) -> bytes:
        if self.mode == "plain":
            if choose(2):
                return self.insider.build(choose)
            return mutate_bytes(choose.pick(self.plain_seeds), choose, self.plain_seeds)
        kind = choose(3)
        if kind == 0:  # a hostile plaintext, properly encrypted: it passes the age layer
            inner = (
                self.insider.build(choose)
                if choose(2)
                else mutate_bytes(choose.pick(self.plain_seeds), choose, self.plain_seeds)
            )
            return bytes(pyrage.encrypt(inner, [self.recipient]))
        return mutate_bytes(choose.pick(self.sealed_seeds), choose, self.sealed_seeds)

    def run_one(self, data: bytes) -> None:
        if self.mode == "plain":
            PlainChannel.current = data
            path = self.input
        else:
            path = self.input
            path.write_bytes(data)
        started = time.monotonic()
        outcome = "?"
        signal.setitimer(signal.ITIMER_REAL, CASE_TIME_LIMIT)
        try:
            result = importer.import_bundle(self.coord, path)
            outcome = result.status
        except BundleRejected as exc:
            outcome = "rejected"
            reasons = self.summary["rejections"]
            reasons[exc.template] = reasons.get(exc.template, 0) + 1
        except TimeLimit:
            outcome = "time limit"
        except IntakeError as exc:
            outcome = f"unexpected {type(exc).__name__}: {exc.template}"
        except Exception as exc:
            outcome = f"crash {type(exc).__name__}"
            self.fail(data, outcome, traceback.format_exc())
            raise
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.monotonic() - started
        self.count(outcome, elapsed)
        if outcome in ("rejected", "already_imported"):
            if snapshot(self.coord) != self.baseline:
                self.fail(data, f"vault changed after {outcome}", "")
                raise AssertionError("the vault changed after a refused bundle")
        elif outcome in ("merged", "quarantined"):
            bad = [r.name for r in check_vault(self.coord) if not r.ok]
            if bad:
                self.fail(data, f"vault check failed after {outcome}: {bad}", "")
                raise AssertionError(bad)
            self.baseline = snapshot(self.coord)
        else:
            self.fail(data, outcome, "")
            raise AssertionError(outcome)

    def count(self, outcome: str, elapsed: float) -> None:
        summary = self.summary
        summary["cases"] += 1
        summary["outcomes"][outcome] = summary["outcomes"].get(outcome, 0) + 1
        summary["max_case_seconds"] = max(summary["max_case_seconds"], round(elapsed, 3))
        summary["total_case_seconds"] += elapsed
        if time.monotonic() - self._last_write > 0.5:
            self.write()

    def fail(self, data: bytes, what: str, detail: str) -> None:
        digest = hashlib.sha256(data).hexdigest()[:16]
        (self.workdir / "failures" / digest).write_bytes(data)
        self.summary["failures"].append({"what": what, "input": digest, "detail": detail[-4000:]})
        self.write()

    def write(self) -> None:
        self._last_write = time.monotonic()
        self.summary["vmhwm_kib"] = vm_hwm_kib()
        tmp = self.workdir / "summary.json.tmp"
        tmp.write_text(json.dumps(self.summary, indent=1))
        os.replace(tmp, self.workdir / "summary.json")
