"""No secrets or case content in any log line.

Three layers, each tested: the code logs constant templates only (an AST
check over every logging call); the redaction filter
(``core/log_redaction.py``) strips key material and any argument that is
not an id, a number or an exception's type name, even from records of child
loggers and handlers added later; and a whole workflow at DEBUG, error paths
included, logs no case content even without the filter.
"""

from __future__ import annotations

import ast
import copy
import io
import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake_desktop import cli
from intake_desktop.core import identity, log_redaction
from intake_desktop.core.bundle import importer, merge
from intake_desktop.core.cases import CaseQuery, CaseStore
from intake_desktop.core.check import check_vault
from intake_desktop.core.errors import BundleRejected, IntakeError, InvalidInput, WrongPassphrase
from intake_desktop.core.evidence import add_attachment
from intake_desktop.core.keyslots import new_recovery_code
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from intake_desktop.demo import fill
from tests.bundle_forge import RICH_CASE, export_to, introduce
from tests.helpers import PASSPHRASE, REPO, make_vault

LATIN = "Qzvx7-LOGSENTINEL-Wakilzada"
DARI = "سنتینلگزارش"
SENTINELS = [LATIN, DARI, LATIN.lower()]


def secrets_of(vault: Vault) -> dict[str, str]:
    keys = identity.load(vault.conn)
    return {
        "age secret key": keys.age_secret,
        "minisign secret key": keys.signing_secret,
        "minisign public key": keys.signing_key,
        "master key": bytes(vault._master_key).hex(),
        "master key (upper case)": bytes(vault._master_key).hex().upper(),
        "recovery code": new_recovery_code(),
        "recovery code (typed)": new_recovery_code().lower().replace("-", " "),
    }


def rendered(handler_output: str, records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    return handler_output + "\n".join(formatter.format(r) for r in records)


@pytest.fixture
def redacting(caplog: pytest.LogCaptureFixture) -> Iterator[log_redaction.RedactingFilter]:
    """The filter installed as the CLI installs it, removed afterwards."""
    caplog.set_level(logging.DEBUG)
    stream = io.StringIO()
    early = logging.StreamHandler(stream)  # a handler that was there before install()
    early.stream_text = stream  # type: ignore[attr-defined]
    logging.getLogger().addHandler(early)
    try:
        yield log_redaction.install()
    finally:
        log_redaction.uninstall()
        logging.getLogger().removeHandler(early)


def early_handler_text() -> str:
    for handler in logging.getLogger().handlers:
        if hasattr(handler, "stream_text"):
            return str(handler.stream_text.getvalue())
    raise AssertionError("no early handler")


# The filter


def test_secrets_and_case_content_passed_as_arguments_never_reach_a_record(
    redacting: log_redaction.RedactingFilter, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    vault, code = make_vault(tmp_path / "vault")
    secrets = {**secrets_of(vault), "this vault's recovery code": code, "passphrase": PASSPHRASE}
    vault.close()
    log = logging.getLogger("intake_desktop.somewhere.deep")
    later = io.StringIO()
    logging.getLogger().addHandler(late := logging.StreamHandler(later))  # added after install
    try:
        for value in [*secrets.values(), *SENTINELS]:
            log.debug("value %s", value)
            log.info("values %s and %r", value, [value])
            log.warning("mapping %(x)s", {"x": value})
            log.error("path %s", Path("/home/farida") / f"{value}.pdf")
            log.error(ValueError(value))  # not a string: only its type is kept
            try:
                raise KeyError(value) from RuntimeError(f"cause {value}")
            except KeyError:
                log.exception("failed while handling %s", value)
            log.info("stack", stack_info=True)
        # Key material that slipped into the message itself is also caught.
        for name in ("age secret key", "minisign secret key", "master key", "recovery code"):
            log.warning("built by mistake: " + secrets[name] + " (end)")
    finally:
        logging.getLogger().removeHandler(late)
    text = rendered(early_handler_text() + later.getvalue(), caplog.records)
    assert len(caplog.records) >= 7 * (len(secrets) + len(SENTINELS))
    for name, secret in secrets.items():
        assert secret not in text, name
    for sentinel in SENTINELS:
        assert sentinel not in text, sentinel
    assert "[redacted]" in text and "KeyError: [withheld]" in text
    assert "RuntimeError: [withheld]" in text  # the cause's frames are kept, not its text
    assert "built by mistake: [redacted] (end)" in text


def test_what_logs_are_for_survives(
    redacting: log_redaction.RedactingFilter, caplog: pytest.LogCaptureFixture
) -> None:
    record_id = str(uuid.uuid4())
    log = logging.getLogger("intake_desktop.ui.editor.case_editor")
    log.debug("case opened in %d ms (%d records)", 23, 6)
    log.info("record %s saved, version %s", record_id, 4)
    log.error("bundle job failed: %s", type(BundleRejected("x")).__name__)
    log.error("unlock failed: %s", "WrongPassphrase")
    log.info("ratio %.2f, flag %s, nothing %s", 1.5, True, None)
    assert [r.getMessage() for r in caplog.records] == [
        "case opened in 23 ms (6 records)",
        f"record {record_id} saved, version 4",
        "bundle job failed: BundleRejected",
        "unlock failed: WrongPassphrase",
        "ratio 1.50, flag True, nothing None",
    ]


def test_install_is_idempotent_and_uninstall_restores(
    redacting: log_redaction.RedactingFilter,
) -> None:
    root = logging.getLogger()
    factory = logging.getLogRecordFactory()
    assert log_redaction.install() is redacting
    assert logging.getLogRecordFactory() is factory
    for holder in (root, *root.handlers):
        assert sum(isinstance(f, log_redaction.RedactingFilter) for f in holder.filters) == 1
    log_redaction.uninstall()
    assert not getattr(logging.getLogRecordFactory(), "_intake_redacting", False)
    assert not any(isinstance(f, log_redaction.RedactingFilter) for f in root.filters)
    log_redaction.install()  # the fixture uninstalls once more


@pytest.mark.parametrize(
    "text,kept",
    [
        ("opened 5b393d83-1234-4abc-9def-0123456789ab in 12 ms", True),
        ("1400-0101-12345 case.create vault.unlock", True),
        ("/home/farida/Documents/Cases", True),
        ("this text that will have some more words in it", True),
        ("AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ", False),
        ("key " + "ab12" * 16, False),
        ("code TJ0N-TXY3-0ZBY-164J-1TTH-3CQC-GM6T.", False),
        ("code tj0ntxy30zby164j1tth3cqcgm6t", False),
        ("RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3", False),
    ],
)
def test_what_looks_like_key_material(text: str, kept: bool) -> None:
    assert (log_redaction.redact_text(text) == text) is kept


# The code


def logging_calls(tree: ast.AST) -> Iterator[ast.Call]:
    levels = {"debug", "info", "warning", "error", "exception", "critical", "log"}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in levels
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in {"log", "logger", "logging", "_log"}
        ):
            yield node


def test_every_logging_call_in_the_app_uses_a_constant_template() -> None:
    """Content cannot be baked into a message: only arguments vary, and the filter sees them."""
    calls, offenders = 0, []
    for path in sorted((REPO / "intake_desktop").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in logging_calls(tree):
            calls += 1
            index = 1 if isinstance(call.func, ast.Attribute) and call.func.attr == "log" else 0
            first = call.args[index] if len(call.args) > index else None
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                offenders.append(f"{path.relative_to(REPO)}:{call.lineno}")
    assert calls >= 5
    assert offenders == []


def test_the_command_line_installs_the_filter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASSPHRASE)
    umask = os.umask(0o022)  # main() sets 077 for the process; put it back afterwards
    try:
        assert cli.main(["--vault", str(tmp_path / "none"), "identity"]) == 5  # not a vault
        assert getattr(logging.getLogRecordFactory(), "_intake_redacting", False)
    finally:
        os.umask(umask)
        log_redaction.uninstall()


# A whole workflow, at DEBUG, without the filter


def test_a_whole_workflow_logs_no_case_content(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    log_redaction.uninstall()  # the app's own discipline, not the safety net
    caplog.set_level(logging.DEBUG)
    field, field_code = make_vault(tmp_path / "field", name="field laptop")
    coord, coord_code = make_vault(tmp_path / "coord", user_name="cora", role="coordinator")
    stranger, _ = make_vault(tmp_path / "stranger")
    needles = [*SENTINELS, PASSPHRASE, field_code, coord_code]
    for vault in (field, coord):
        needles += list(secrets_of(vault).values())
    introduce(field, coord, "field", "office")
    document = {
        **copy.deepcopy(RICH_CASE),
        "title": f"{LATIN} {DARI}",
        "notes": f"{LATIN}\n{DARI}",
    }
    document["people"][0]["full_name"] = LATIN
    case_id = CaseStore(field).add_case(document)
    add_attachment(field, case_id, io.BytesIO(f"%PDF-1.4 {LATIN}".encode()), f"{DARI}.pdf")
    assert CaseStore(field).list(CaseQuery(search=LATIN.split("-")[1])) != []
    CaseStore(field).update_case(case_id, {"status": "in_review", "title": f"{DARI} {LATIN} 2"})
    export_to(field, coord, tmp_path / "one.intake")
    assert importer.import_bundle(coord, tmp_path / "one.intake").status == "merged"
    # Both sides edit the same record: a conflict, then resolved.
    CaseStore(field).update_case(case_id, {"notes": f"field {LATIN}"})
    CaseStore(coord).update_case(case_id, {"notes": f"office {DARI}"})
    export_to(field, coord, tmp_path / "two.intake")
    importer.import_bundle(coord, tmp_path / "two.intake")
    conflicts = merge.conflicts(coord)
    assert conflicts
    merge.resolve(coord, conflicts[0].id, "incoming")
    # Error paths: a tampered bundle, an unknown signer, bad input, a wrong passphrase.
    tampered = bytearray((tmp_path / "two.intake").read_bytes())
    tampered[-100] ^= 1
    (tmp_path / "bad.intake").write_bytes(bytes(tampered))
    with pytest.raises(BundleRejected):
        importer.import_bundle(coord, tmp_path / "bad.intake")
    CaseStore(stranger).add_case(
        {"title": LATIN, "route": "other", "consents": [{"scope": ["share_with_counsel"]}]}
    )
    export_to(stranger, identity.load(coord.conn).age_recipient, tmp_path / "stranger.intake")
    assert importer.import_bundle(coord, tmp_path / "stranger.intake").status == "quarantined"
    with pytest.raises(InvalidInput):
        CaseStore(field).add_case({"title": LATIN, "route": DARI, "people": [{"sex": LATIN}]})
    with pytest.raises(IntakeError):
        RecordStore(field).update(case_id, {"title": LATIN}, expected_version=1)
    with pytest.raises(WrongPassphrase):
        Vault.open(tmp_path / "field", f"{LATIN} wrong")
    field.change_passphrase(f"{DARI} new passphrase")
    field.add_user("zarghuna", "translator", f"{LATIN} translator")
    fill(field, 3, seed=5)
    for vault in (field, coord):
        assert [r.detail for r in check_vault(vault) if not r.ok] == []
    for vault in (field, coord, stranger):
        vault.close()
    needles += [f"{DARI} new passphrase", f"{LATIN} translator"]
    text = rendered("", caplog.records)
    assert "vault created" in text  # the log was captured at all
    leaks = [needle for needle in needles if needle in text]
    assert leaks == []
