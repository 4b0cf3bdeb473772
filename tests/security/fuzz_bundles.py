"""Fuzzing the bundle reader: mutated real bundles fed to ``import_bundle``.

    python -m tests.security.fuzz_bundles WORKDIR --mode plain|sealed --seconds N [--seed S]

Run as its own process by ``test_bundle_fuzz.py``, so a hang can be killed
and the memory it used (VmHWM) read. It builds, in WORKDIR, a field laptop,
a coordinator that trusts it, and a stranger the coordinator does not know,
and real bundles from them: signed by the trusted key, signed by the
stranger, unsigned, and (sealed mode) encrypted to someone else. Then, until
the time is up, each input is imported into the coordinator:

* ``plain``: the decrypted tar stream, mutated, handed to the importer by an
  stand-in for the age layer (thousands of inputs a second):
  byte-level mutations of the tar, and "insider" variants, whose manifest
  and records are changed structurally and then re-listed and re-signed with
  the trusted key, so the checks behind the signature are reached. With
  ``atheris`` installed this mode is coverage-guided (libFuzzer); without
  it, a seeded random loop does the same mutations.
* ``sealed``: whole encrypted files through the real age layer (a few
  inputs a second): flipped, cut, spliced and padded age files, and hostile
  tar streams re-encrypted to the coordinator so they pass the age layer.

Every outcome must be one of the importer's own: merged, already imported,
quarantined, or ``BundleRejected``. After a rejection the coordinator must be
exactly as before (every row of every table, every file); after a merge or
a quarantine ``vault check`` must pass. Each input has a time limit. The
summary (WORKDIR/summary.json, rewritten as it goes because libFuzzer ends
the process without running exit handlers) counts outcomes and notes the
slowest input, the peak memory, and any failure with the input that caused
it (WORKDIR/failures/).
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import time
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--mode", choices=("plain", "sealed"), required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", choices=("auto", "random"), default="auto")
    parser.add_argument("--warmup", type=int, default=0, help="seeded random inputs first")
    args = parser.parse_args(argv)
    atheris: Any = None
    if args.engine == "auto" and args.mode == "plain":
        # Coverage guidance only pays where inputs run in this process.
        with contextlib.suppress(ImportError):
            import atheris  # type: ignore[import-not-found,no-redef]
    if atheris is not None:
        with atheris.instrument_imports(include=["intake_desktop"]):
            from tests.security import fuzz_campaign
    else:
        from tests.security import fuzz_campaign
    signal.signal(signal.SIGALRM, fuzz_campaign.on_alarm)
    deadline = time.monotonic() + args.seconds
    campaign = fuzz_campaign.Campaign(args.workdir, args.mode, args.seed)
    campaign.write()
    # A seeded warm-up first, the same with either engine, so every run
    # reaches the deep checks whatever libFuzzer's timing-dependent choices.
    choose = fuzz_campaign.Chooser.from_random(campaign.rng)
    for _ in range(args.warmup):
        campaign.run_one(campaign.make_input(choose))
    if atheris is not None:
        campaign.summary["engine"] = "atheris"
        corpus = args.workdir / "corpus"
        corpus.mkdir()
        for i, seed in enumerate(campaign.plain_seeds):
            for flag in (0, 1):
                (corpus / f"seed-{i}-{flag}").write_bytes(bytes([flag]) + seed)

        def one_input(data: bytes) -> None:
            if len(data) > 1 and data[0] & 1 == 0:
                campaign.run_one(data[1:])  # the tar stream as libFuzzer mutated it
            else:
                choose = fuzz_campaign.Chooser.from_provider(atheris.FuzzedDataProvider(data))
                campaign.run_one(campaign.make_input(choose))

        atheris.Setup(
            [
                sys.argv[0],
                f"-max_total_time={max(1, int(deadline - time.monotonic()))}",
                f"-timeout={fuzz_campaign.CASE_TIME_LIMIT}",
                "-rss_limit_mb=2048",
                f"-seed={args.seed}",
                f"-artifact_prefix={args.workdir}/failures/",
                str(corpus),
            ],
            one_input,
        )
        atheris.Fuzz()  # ends the process itself (exit handlers do not run)
        return 0
    while time.monotonic() < deadline:
        campaign.run_one(campaign.make_input(choose))
    campaign.coord.close()
    campaign.write()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
