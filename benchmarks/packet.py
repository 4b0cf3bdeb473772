"""Counsel's packet: render time and peak memory for scanned cases (docs/performance.md).

Two cases, each in a vault of its own, each rendered in a fresh process so
its peak RSS is the packet's alone:

* 50 scanned pages: synthetic 2480x3508 JPEG scans (A4 at 300 dpi), one
  evidence record each;
* a 300-page packet: 50 such scans and a 240-page PDF merged page for page.

The baseline, in the same run: Qt alone drawing the same 50 scans one per
page into one QPdfWriter (no vault, no decryption, no assembly), i.e. what
the pages cost before the packet's own work. ``--quick``: 5 scans, 30 pages.

    .venv/bin/python benchmarks/packet.py [--quick]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from measure import PASSPHRASE

SCAN = (2480, 3508)


def scan(seed: int) -> bytes:
    """A page of "text": dark strokes on off-white, as a scanner's JPEG makes it."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("L", SCAN, 245)
    draw = ImageDraw.Draw(image)
    for line in range(60):
        y = 200 + line * 52
        x = 200
        while x < SCAN[0] - 300:
            word = rng.randint(40, 220)
            draw.rectangle([x, y, x + word, y + 26], fill=rng.randint(20, 80))
            x += word + rng.randint(20, 40)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def long_pdf(pages: int) -> bytes:
    import pikepdf

    pdf = pikepdf.Pdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(612, 792))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def build(path: Path, scans: int, pdf_pages: int) -> str:
    from intake_desktop.core.cases import CaseStore
    from intake_desktop.core.evidence import add_attachment
    from intake_desktop.core.vault import Vault

    vault, _code = Vault.create(
        path, PASSPHRASE, user_name="bench", role="caseworker", kdf_target_seconds=0
    )
    case_id = CaseStore(vault).add_case(
        {
            "title": "Benchmark family",
            "route": "humanitarian_parole",
            # A packet needs the consent an export needs.
            "consents": [{"scope": ["share_with_counsel"], "given_on": "2026-11-01"}],
        }
    )
    for n in range(scans):
        add_attachment(vault, case_id, io.BytesIO(scan(n)), f"scan-{n:03d}.jpg")
    if pdf_pages:
        add_attachment(vault, case_id, io.BytesIO(long_pdf(pdf_pages)), "record.pdf")
    vault.close()
    return case_id


def child_render(vault_path: str, case_id: str, out: str) -> None:
    from intake_desktop.core.vault import Vault
    from intake_desktop.packet import write_packet

    vault = Vault.open(Path(vault_path), PASSPHRASE)
    start = time.perf_counter()
    result = write_packet(vault, case_id, Path(out))
    seconds = time.perf_counter() - start
    report(seconds, result.pages, Path(out).stat().st_size)


def child_baseline(count: int) -> None:
    """Qt alone: the same scans drawn one per page, decoded at full size."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
    from PySide6.QtGui import QGuiApplication, QImage, QPageSize, QPainter, QPdfWriter

    _app = QGuiApplication([])
    data = [scan(n) for n in range(count)]  # made before the clock starts, like the vault's
    start = time.perf_counter()
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    writer.setResolution(300)
    painter = QPainter(writer)
    for n, jpeg in enumerate(data):
        if n:
            writer.newPage()
        image = QImage.fromData(jpeg)
        painter.drawImage(QRectF(225, 225, 2100, 2700), image)
    painter.end()
    report(time.perf_counter() - start, count, array.size())


def report(seconds: float, pages: int, size: int) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "pages": pages, "bytes": size, "peak_mib": peak}))


def run(*args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{args[:2]} failed:\n{done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "render":
            child_render(*args.child[1:])
        else:
            child_baseline(int(args.child[1]))
        return
    scans, pdf_pages = (5, 25) if args.quick else (50, 240)
    with tempfile.TemporaryDirectory(prefix="packet-bench-") as work:
        root = Path(work)
        rows = []
        for name, (n_scans, n_pdf) in {
            f"{scans} scanned pages": (scans, 0),
            f"{scans} scans + a {pdf_pages}-page PDF": (scans, pdf_pages),
        }.items():
            case_id = build(root / name.replace(" ", "-"), n_scans, n_pdf)
            out = root / f"{name.replace(' ', '-')}.pdf"
            rows.append(
                (
                    name,
                    run("--child", "render", str(root / name.replace(" ", "-")), case_id, str(out)),
                )
            )
        rows.append((f"baseline: Qt alone, {scans} scans", run("--child", "baseline", str(scans))))
    print(f"{'case':<34} {'pages':>6} {'seconds':>8} {'MB':>7} {'peak RSS MiB':>13}")
    for name, r in rows:
        print(
            f"{name:<34} {int(r['pages']):>6} {r['seconds']:>8.2f} {r['bytes'] / 1e6:>7.1f}"
            f" {r['peak_mib']:>13.0f}"
        )
    packet, alone = rows[0][1], rows[2][1]
    print(
        f"packet / Qt alone, {scans} scans: {packet['seconds'] / alone['seconds']:.2f}x time,"
        f" {packet['peak_mib'] / alone['peak_mib']:.2f}x peak RSS"
    )


if __name__ == "__main__":
    main()
