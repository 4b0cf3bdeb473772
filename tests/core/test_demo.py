"""Tests for the synthetic demo cases (intake_desktop.demo) against a real vault."""

from __future__ import annotations

import io
import random
import re
import struct
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_desktop import demo
from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.cases import CaseQuery, CaseStore
from intake_desktop.core.model import BY_PLURAL, SYSTEM_FIELDS
from intake_desktop.core.vault import Vault

PASHTO_LETTERS = set("ټځڅډړږښګڼېۍ")
ZWNJ = "\u200c"
SEED = 7


def make_vault(path: Path) -> Vault:
    vault, _ = Vault.create(
        path, "a passphrase here", user_name="tester", role="caseworker", kdf_target_seconds=0
    )
    return vault


class Filled:
    def __init__(self, vault: Vault, ids: list[str], progress: list[int]) -> None:
        self.vault, self.ids, self.progress = vault, ids, progress
        self.store = CaseStore(vault)
        self.docs = [self.store.document(case_id) for case_id in ids]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Filled]:
    vault = make_vault(tmp_path_factory.mktemp("demo") / "vault")
    progress: list[int] = []
    ids = demo.fill(vault, 30, seed=SEED, progress=progress.append)
    yield Filled(vault, ids, progress)
    vault.close()


def canonical(doc: dict[str, Any]) -> Any:
    """A document without system fields, its record ids replaced by stable labels."""
    labels = {doc["id"]: "case"}
    for plural in BY_PLURAL:
        items = doc.get(plural, [])
        if items:
            labels.update({item["id"]: f"{plural}[{i}]" for i, item in enumerate(items)})

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items() if k not in SYSTEM_FIELDS}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return labels.get(value, value) if isinstance(value, str) else value

    return walk(doc)


def name_texts(doc: dict[str, Any]) -> list[str]:
    return [n["text"] for p in doc["people"] for n in p["names"]]


def generated(seed: int, count: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [demo.generate_case(rng, []) for _ in range(count)]


def found(store: CaseStore, text: str) -> set[str]:
    return {c.id for c in store.list(CaseQuery(search=text), limit=1000)}


# Filling a vault


def test_fill_stores_the_cases_and_reports_progress(filled: Filled) -> None:
    assert filled.store.count() == 30
    assert len(set(filled.ids)) == 30
    assert filled.progress == [30]  # one batch
    assert all(len(doc["people"]) >= 1 for doc in filled.docs)


def test_progress_is_reported_after_each_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "BATCH", 4)
    vault = make_vault(tmp_path / "vault")
    progress: list[int] = []
    ids = demo.fill(vault, 10, progress=progress.append)
    assert progress == [4, 8, 10]
    assert len(ids) == CaseStore(vault).count() == 10
    assert demo.fill(vault, 0) == []
    vault.close()


def test_stored_documents_pass_validation_again(filled: Filled, tmp_path: Path) -> None:
    """What fill stored is a valid case document: add it to another vault, compare."""
    vault = make_vault(tmp_path / "vault")
    store = CaseStore(vault)
    with vault.transaction():  # evidence may only cite attachments the vault holds
        for name, data in demo.demo_files():
            BlobStore(vault).put(io.BytesIO(data), name)
    for doc in filled.docs:
        assert canonical(store.document(store.add_case(doc))) == canonical(doc)
    assert store.count() == 30
    vault.close()


def test_same_seed_same_cases_other_seed_other_cases(filled: Filled, tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault")
    store = CaseStore(vault)
    same = [store.document(i) for i in demo.fill(vault, 5, seed=SEED)]
    other = [store.document(i) for i in demo.fill(vault, 5, seed=SEED + 1)]
    assert [canonical(d) for d in same] == [canonical(d) for d in filled.docs[:5]]
    assert [d["title"] for d in other] != [d["title"] for d in same]
    vault.close()
    pool = [{"sha256": "0" * 64, "filename": "x.png", "media_type": "image/png", "size": 1}]
    assert demo.generate_case(random.Random(3), pool) == demo.generate_case(random.Random(3), pool)


# What the cases contain


def test_script_and_latin_spellings_are_findable(filled: Filled) -> None:
    checked = 0
    for doc in filled.docs:
        for name in name_texts(doc):
            assert doc["id"] in found(filled.store, name), name
            checked += 1
    assert checked > 100
    # Common spellings, wherever the generator wrote them as a whole word.
    seen = 0
    for word in ("Mohammad", "Muhammad", "Mohammed", "محمد", "Gul", "گل", "ګل", "Ahmadzai"):
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")
        expected = {d["id"] for d in filled.docs if any(map(pattern.search, name_texts(d)))}
        assert expected <= found(filled.store, word), word
        seen += bool(expected)
    assert seen >= 3


def test_names_look_like_afghan_documents(filled: Filled) -> None:
    docs = generated(1, 300)
    docs += filled.docs
    people = [p for d in docs for p in d["people"]]
    script = "".join(n["text"] for p in people for n in p["names"] if n["script"] == "arabic")
    assert len(PASHTO_LETTERS & set(script)) >= 8
    assert ZWNJ in script
    assert "ي" in script and "ك" in script  # Arabic-keyboard yeh and kaf, now and then
    kinds = Counter(n["kind"] for p in people for n in p["names"])
    assert kinds["father"] > 0 and kinds["tribe"] > 0 and kinds["family"] > 0
    assert kinds["alias"] > 0
    for person in people:
        latin = [n["text"] for n in person["names"] if n["script"] == "latin"]
        assert all(re.fullmatch(r"[A-Za-z .-]+", t) for t in latin), latin
    withheld = [p for p in people if p.get("name_withheld")]
    assert withheld
    assert all(p["pseudonym"] and not p["names"] and not p["full_name"] for p in withheld)
    assert any(p.get("name_withheld") for d in filled.docs for p in d["people"])
    for doc in docs:  # a withheld principal: the family is pseudonymised, no ID numbers
        if doc["people"][0].get("name_withheld"):
            family = [p for p in doc["people"] if p["role"] != "supporter"]
            assert all(p.get("name_withheld") for p in family)
            assert len({p["pseudonym"] for p in family}) == len(family)
            assert doc["title"].startswith(family[0]["pseudonym"])
            assert not doc["identity_documents"]
    roles = Counter(p["role"] for p in people)
    assert roles["principal"] == len(docs) and roles["supporter"] > 0
    supporters = [p for p in people if p["role"] == "supporter"]
    assert all(n["script"] == "latin" for p in supporters for n in p["names"])


def test_dates_of_birth_keep_calendar_precision_and_text(filled: Filled) -> None:
    docs = generated(2, 300)
    dates = [p["date_of_birth"] for d in docs for p in d["people"]]
    by = Counter((d["calendar"], d["precision"]) for d in dates)
    assert by["solar_hijri", "year"] > by["gregorian", "day"] > 0
    assert by["solar_hijri", "day"] > 0 and by["solar_hijri", "unknown"] > 0
    for date in dates:
        if date["calendar"] == "solar_hijri" and date["precision"] != "unknown":
            assert 1320 <= date["year"] <= 1403  # elderly parents reach back to ~1320
            assert re.search("[۰-۹]{4}", date["original_text"])
            assert int(date["gregorian"][:4]) in (date["year"] + 621, date["year"] + 622)
        if date["precision"] == "unknown":
            assert date["year"] is None and date["gregorian"] is None
    placeholders = [
        d for d in dates if d["calendar"] == "gregorian" and d["gregorian"][5:] == "01-01"
    ]
    assert len(placeholders) > 10
    months = [d for d in dates if d["calendar"] == "solar_hijri" and d["precision"] == "day"]
    assert any("حمل" in d["original_text"] or "حوت" in d["original_text"] for d in months)


def test_cases_carry_the_whole_story(filled: Filled) -> None:
    docs = filled.docs + generated(4, 200)
    routes = Counter(d["route"] for d in docs)
    assert routes.most_common(1)[0][0] == "humanitarian_parole" and len(routes) == 4
    assert len({d["status"] for d in docs}) == 5
    assert any(d["priority"] for d in docs) and any(not d["priority"] for d in docs)
    for doc in filled.docs:  # stored documents: every kind present where it should be
        assert doc["interviews"] and doc["statements"] and doc["consents"] and doc["claims"]
        assert doc["identity_documents"] or doc["people"][0]["name_withheld"]
        statement = doc["statements"][0]
        assert statement["language"] in ("fa-AF", "ps")
        assert statement["translation"]["language"] == "en"
        assert "2021" in statement["translation"]["text"]
        assert "share_with_counsel" in doc["consents"][0]["scope"]
        assert len(doc["relationships"]) == len(doc["people"]) - 1
    ps = [s["text"] for d in docs for s in d["statements"] if s["language"] == "ps"]
    assert ps and all(PASHTO_LETTERS & set(text) for text in ps)
    kinds = Counter(i["kind"] for d in docs for i in d["identity_documents"])
    assert kinds["tazkira"] and kinds["e_tazkira"] and kinds["passport"]
    claims = Counter(c["kind"] for d in docs for c in d["claims"])
    assert claims["targeted_harm"] == len(docs) and claims["medical"] and claims["family"]


# Attachments


def check_png(data: bytes) -> None:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(tag + body)
        chunks[tag], pos = body, pos + 12 + length
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)
    assert b"IEND" in chunks


def check_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    xref = int(re.findall(rb"startxref\n(\d+)", data)[-1])
    assert data[xref:].startswith(b"xref\n")
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n ", data[xref:])]
    for number, offset in enumerate(offsets, 1):
        assert data[offset:].startswith(b"%d 0 obj" % number)
    length = int(re.search(rb"/Length (\d+)", data).group(1))  # type: ignore[union-attr]
    stream = data.index(b"stream\n") + len(b"stream\n")
    assert data[stream + length :].startswith(b"\nendstream")


def test_attachments_are_stored_once_and_valid(filled: Filled) -> None:
    blobs = BlobStore(filled.vault)
    cited = [a for d in filled.docs for e in d["evidence"] for a in e["attachments"]]
    assert 0 < len(cited) < 30  # about one case in five
    pool = blobs.all_hashes()
    assert 3 <= len(pool) <= len(demo.demo_files())  # shared, not one file per case
    media = set()
    for item in {a["sha256"]: a for a in cited}.values():
        assert blobs.verify(item["sha256"])
        data = blobs.open(item["sha256"]).read()
        assert len(data) == item["size"] == blobs.size(item["sha256"])
        if item["media_type"] == "image/png":
            check_png(data)
        else:
            assert item["media_type"] == "application/pdf"
            check_pdf(data)
        media.add(item["media_type"])
    for name, data in demo.demo_files():  # the whole pool, not only what seed 7 cited
        check_png(data) if name.endswith(".png") else check_pdf(data)
        assert 100 < len(data) < 16_384
    assert media  # at least one kind was cited and checked


def test_each_family_has_one_head_the_principal(filled: Filled) -> None:
    for doc in filled.docs:
        heads = [p for p in doc["people"] if p.get("head_of_household")]
        assert len(heads) == 1
        assert heads[0]["role"] == "principal"
