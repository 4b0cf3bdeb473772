"""Who may manage users and keys: one rule for the command line and the app alike.

Managing a vault's users (adding, removing, resetting another's passphrase)
and its keys (replacing the recovery code, adding to or removing from the
trust store) is for caseworkers, coordinators and whoever holds the recovery
code. A translator changes only their own passphrase (and certifies
statements, see ``certification.py``). The core methods that make these
changes call ``require`` themselves, so no front end can skip it.

Roles are a rule the app keeps, not cryptography: everyone who can unlock
the vault holds its master key (docs/roles.md says what that means).
"""

from __future__ import annotations

from typing import Protocol

from .errors import NotPermitted
from .i18n import N_

CASEWORKER = "caseworker"
TRANSLATOR = "translator"
COORDINATOR = "coordinator"
ROLES = (CASEWORKER, TRANSLATOR, COORDINATOR)
# A vault opened with the recovery code: not a user, but it may manage.
RECOVERY = "recovery"
# The users who keep a vault manageable; the last of them cannot be removed.
MANAGER_ROLES = frozenset({CASEWORKER, COORDINATOR})

ADD_USER = "add_user"
REMOVE_USER = "remove_user"
# Another user's; one's own is open to every role.
RESET_PASSPHRASE = "reset_passphrase"  # noqa: S105 - an action name, not a secret
REPLACE_RECOVERY_CODE = "replace_recovery_code"
ADD_TRUST = "add_trust"
REMOVE_TRUST = "remove_trust"

_MANAGERS = MANAGER_ROLES | {RECOVERY}
MAY = {
    ADD_USER: _MANAGERS,
    REMOVE_USER: _MANAGERS,
    RESET_PASSPHRASE: _MANAGERS,
    REPLACE_RECOVERY_CODE: _MANAGERS,
    ADD_TRUST: _MANAGERS,
    REMOVE_TRUST: _MANAGERS,
}

# One whole sentence per action, so each translates naturally.
_REFUSED = {
    ADD_USER: N_(
        "Only a caseworker, a coordinator or the recovery code can add a user; nothing was changed."
    ),
    REMOVE_USER: N_(
        "Only a caseworker, a coordinator or the recovery code can remove a user; "
        "nothing was changed."
    ),
    RESET_PASSPHRASE: N_(
        "Only a caseworker, a coordinator or the recovery code can reset another user's "
        "passphrase; nothing was changed."
    ),
    REPLACE_RECOVERY_CODE: N_(
        "Only a caseworker, a coordinator or the recovery code can replace the recovery code; "
        "nothing was changed."
    ),
    ADD_TRUST: N_(
        "Only a caseworker, a coordinator or the recovery code can add a trusted device or "
        "recipient; nothing was changed."
    ),
    REMOVE_TRUST: N_(
        "Only a caseworker, a coordinator or the recovery code can stop trusting a device or "
        "recipient; nothing was changed."
    ),
}


class HasRole(Protocol):
    @property
    def role(self) -> str: ...


def may(user: HasRole, action: str) -> bool:
    return user.role in MAY[action]


def require(user: HasRole, action: str) -> None:
    """Raise NotPermitted (exit 13) unless ``user``'s role may do ``action``."""
    if not may(user, action):
        raise NotPermitted(_REFUSED[action])


def is_manager(role: str) -> bool:
    """A user who keeps the vault manageable (the recovery code is not a user)."""
    return role in MANAGER_ROLES
