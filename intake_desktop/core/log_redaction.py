"""A safety net under the logging rule "no case content or secrets in any log line".

The rule itself is kept by the code: messages are constant templates (a test
parses every logging call), and arguments are ids, counts and names of
exception types. This filter catches what slips past that rule anyway:

* key material anywhere in the rendered line is replaced by ``[redacted]``:
  age secret keys (``AGE-SECRET-KEY-1…``), minisign keys and other long
  base64 (40 or more characters mixing letters and digits), long hex (32 or
  more digits: SQLCipher's master key is 64), and recovery codes (seven
  groups of four, or 28 characters in one run);
* an argument is kept only if it is a number, a boolean, ``None``, a UUID or
  the name of an exception class; any other text or object becomes
  ``[redacted]``, because a name, a passphrase or a file name passed as an
  argument looks like any other string;
* a message that is not a string (``log.error(exc)``) is replaced by its
  type's name;
* an exception's traceback keeps its frames (file, line, code) but not the
  exception's message, which may quote data: ``KeyError: [withheld]``.

``install()`` puts it where it sees every record: on the root logger, on
each of its handlers, and in the log record factory, so records of child
loggers (which bypass the root logger's own filters) and handlers added
later (pytest's ``caplog``, a file handler) are covered too. It is
idempotent.
"""

from __future__ import annotations

import logging
import re
import traceback
import uuid
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

REDACTED = "[redacted]"
WITHHELD = "[withheld]"

_AGE_SECRET = re.compile(r"AGE-SECRET-KEY-1[0-9A-Z]+", re.IGNORECASE)
_LONG_HEX = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{32,}(?![0-9A-Fa-f])")
# Base64 (standard and URL-safe) runs of 40 or more; only redacted when they
# mix letters and digits, so a long path or word made of letters survives.
_LONG_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{40,}={0,2}")
# Recovery codes: 7 groups of 4 with dashes or spaces between, or 28 in a run.
# Seven *or more* groups: a word of four letters before the code would
# otherwise take the first group's place and leave the last group behind.
# Every group is separated, so a UUID (8-4-4-4-12) is never taken for one.
_RECOVERY = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9A-Za-z]{4}(?:[-\s][0-9A-Za-z]{4}){6,}|[0-9A-Za-z]{28,})"
    r"(?![0-9A-Za-z])"
)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _mixed(text: str) -> bool:
    return any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


def redact_text(text: str) -> str:
    """``text`` with everything that looks like key material replaced."""
    text = _AGE_SECRET.sub(REDACTED, text)
    # Base64 before hex: "AAAA…" inside a base64 key is also a run of hex.
    text = _LONG_BASE64.sub(lambda m: REDACTED if _mixed(m.group()) else m.group(), text)
    text = _LONG_HEX.sub(REDACTED, text)
    return _RECOVERY.sub(lambda m: REDACTED if _mixed(m.group()) else m.group(), text)


def _exception_names() -> set[str]:
    names: set[str] = set()
    stack: list[type[BaseException]] = [BaseException]
    while stack:
        cls = stack.pop()
        if cls.__name__ not in names:
            names.add(cls.__name__)
            stack.extend(cls.__subclasses__())
    return names


class RedactingFilter(logging.Filter):
    """Rewrites a record in place so no handler can format a secret out of it."""

    def __init__(self) -> None:
        super().__init__()
        self._exception_names = _exception_names()

    # Arguments

    def _is_exception_name(self, text: str) -> bool:
        if text in self._exception_names:
            return True
        if text.isidentifier():
            # A class defined (or imported) since the last look.
            self._exception_names = _exception_names()
            return text in self._exception_names
        return False

    def safe_arg(self, value: object) -> object:
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, uuid.UUID):
            return str(value)
        if isinstance(value, str) and (_UUID.match(value) or self._is_exception_name(value)):
            return value
        return REDACTED

    def _safe_args(self, args: Any) -> Any:
        if isinstance(args, Mapping):
            return {key: self.safe_arg(value) for key, value in args.items()}
        if isinstance(args, tuple):
            return tuple(self.safe_arg(value) for value in args)
        return self.safe_arg(args)

    # The record

    def redact(self, record: logging.LogRecord) -> None:
        if getattr(record, "_intake_redacted", False):
            return
        if isinstance(record.msg, str):
            template = record.msg
        else:
            template, record.args = f"[{type(record.msg).__name__}]", ()
        if record.args:
            try:
                rendered = template % self._safe_args(record.args)
            except (TypeError, ValueError, KeyError):
                rendered = template + " " + REDACTED
        else:
            rendered = template
        record.msg, record.args = redact_text(rendered), ()
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = withheld_traceback(*record.exc_info)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        record._intake_redacted = True

    def filter(self, record: logging.LogRecord) -> bool:
        self.redact(record)
        return True


def withheld_traceback(
    kind: type[BaseException] | None,
    value: BaseException | None,
    tb: TracebackType | None,
) -> str:
    """A traceback with its frames but none of the exceptions' messages."""
    parts: list[str] = []
    seen: set[int] = set()
    current, current_tb = value, tb
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        block = ["Traceback (most recent call last):\n", *traceback.format_tb(current_tb)]
        block.append(f"{type(current).__name__}: {WITHHELD}\n")
        parts.insert(0, "".join(block))
        cause = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
        current, current_tb = cause, cause.__traceback__ if cause is not None else None
    if not parts and kind is not None:
        parts.append(f"{kind.__name__}: {WITHHELD}\n")
    return redact_text("\nThe above exception led to the following one:\n\n".join(parts)).rstrip(
        "\n"
    )


def _wrap_factory(
    factory: Callable[..., logging.LogRecord], redactor: RedactingFilter
) -> Callable[..., logging.LogRecord]:
    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        redactor.redact(record)
        return record

    make_record._intake_redacting = True  # type: ignore[attr-defined]
    make_record._intake_inner = factory  # type: ignore[attr-defined]
    return make_record


def install(root: logging.Logger | None = None) -> RedactingFilter:
    """Redact every log record of this process from now on; returns the filter."""
    root = root or logging.getLogger()
    redactor = next((f for f in root.filters if isinstance(f, RedactingFilter)), None)
    if redactor is None:
        redactor = RedactingFilter()
        root.addFilter(redactor)
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(redactor)
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "_intake_redacting", False):
        logging.setLogRecordFactory(_wrap_factory(factory, redactor))
    return redactor


def uninstall(root: logging.Logger | None = None) -> None:
    """Undo ``install`` (for tests)."""
    root = root or logging.getLogger()
    for holder in (root, *root.handlers):
        for found in [f for f in holder.filters if isinstance(f, RedactingFilter)]:
            holder.removeFilter(found)
    factory = logging.getLogRecordFactory()
    while getattr(factory, "_intake_redacting", False):
        factory = factory._intake_inner  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
