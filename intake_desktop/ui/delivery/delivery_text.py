"""How the delivery dialogs write a destination for people: its kind, address, host key.

Everything returned here is shown as plain text; a destination's name and
address were typed by a person and pass through as values.
"""

from __future__ import annotations

from ...core.i18n import _
from ..qt import QFontDatabase, QLabel, Qt
from ..services.delivery import SFTP, Destination

GROUP = 4  # characters per group of a host key fingerprint, read aloud
GROUPS_PER_LINE = 4


def kind_label(kind: str) -> str:
    return _("SFTP server") if kind == SFTP else _("S3-compatible storage")


def pinned_label(found: Destination) -> str:
    """The host key an SFTP destination is pinned to, or an S3 destination's endpoint."""
    return (found.host_key or "") if found.kind == SFTP else (found.endpoint or "")


def sftp_user(found: Destination) -> str:
    """The login an SFTP destination uses (``sftp://USER@HOST…``)."""
    return found.url.split("//", 1)[-1].rsplit("@", 1)[0] if found.kind == SFTP else ""


def grouped_host_key(fingerprint: str) -> str:
    """``SHA256:abcd…`` as short lines of four-character groups, to read aloud.

    The groups are cut from the base64 text as it is: letters keep their
    case, and "+" and "/" are read out like the rest.
    """
    body = fingerprint.removeprefix("SHA256:")
    groups = [body[i : i + GROUP] for i in range(0, len(body), GROUP)]
    lines = [
        " ".join(groups[i : i + GROUPS_PER_LINE]) for i in range(0, len(groups), GROUPS_PER_LINE)
    ]
    return "\n".join(["SHA256:", *lines])


def host_key_label() -> QLabel:
    """A large monospace, selectable, plain-text label for a host key, left to right."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    # Base64 is read left to right in every interface language.
    label.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.5)
    font.setBold(True)
    label.setFont(font)
    return label
