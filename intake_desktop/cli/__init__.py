"""The command line: a contract used by scripts, coordinators, tests and benchmarks.

Every command prints its result on stdout and nothing else; errors are one
line on stderr with a documented exit code (docs/cli.md); a traceback only
with ``--debug``. Global options work before or after the command name.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from .. import __version__
from ..core import log_redaction
from ..core.errors import IntakeError
from ..core.files import restrict_umask
from ..core.hardening import harden_process
from ..core.i18n import _
from . import (
    bundle_cmd,
    case_cmd,
    duplicates_cmd,
    identity_cmd,
    statement_cmd,
    trust_cmd,
    vault_cmd,
)
from .context import Context
from .text import safe

Command = Callable[[Context], int]


def _global_options(defaults: bool) -> argparse.ArgumentParser:
    """Options every command takes, before or after its name.

    Subcommand copies default to SUPPRESS so they never overwrite a value
    given before the command name.
    """
    parser = argparse.ArgumentParser(add_help=False)
    default = None if defaults else argparse.SUPPRESS
    parser.add_argument("--vault", metavar="DIR", default=default, help=_("vault folder"))
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        default=default,
        help=_("read the passphrase from FILE"),
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=False if defaults else argparse.SUPPRESS,
        help=_("show tracebacks and debug logging (never case content)"),
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    common = _global_options(defaults=False)
    parser = argparse.ArgumentParser(
        prog="intake-desktop",
        description=_("Secure, offline-first field intake: encrypted vault and bundles."),
        parents=[_global_options(defaults=True)],
    )
    parser.add_argument("--version", action="version", version=f"intake-desktop {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_("check this installation (encryption, fonts, Qt) and exit; needs no vault"),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    vault_cmd.register(commands, common)
    case_cmd.register(commands, common)
    identity_cmd.register(commands, common)
    trust_cmd.register(commands, common)
    bundle_cmd.register(commands, common)
    statement_cmd.register(commands, common)
    duplicates_cmd.register(commands, common)
    return parser


def _open_app(ctx: Context) -> int:
    """No command: the desktop app, on the same vault the commands would use."""
    from ..selftest.xcb import startup_hint

    # Qt aborts with an unhelpful list of plugins when X11 libraries are
    # missing: name them first, in one line.
    hint = startup_hint()
    if hint:
        print(f"intake-desktop: {hint}", file=sys.stderr)
        return 1
    try:
        from ..ui.app import run
    except ImportError as exc:
        print(
            "intake-desktop: "
            + _("The desktop app cannot start ({what}); the commands still work.").format(
                what=type(exc).__name__
            ),
            file=sys.stderr,
        )
        return 1
    return run(ctx.vault_path)


def main(argv: Sequence[str] | None = None) -> int:
    restrict_umask()
    harden_process()  # no core dumps, no debugger attach: before any secret is loaded
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["--bundle-worker"]:
        # The frozen app starts its crypto worker as itself (see bundle/worker.py).
        from ..core.bundle import worker

        return worker.main(args_list[1:])
    if args_list[:1] == ["--self-test"]:
        # Checks this installation (crypto, fonts, Qt); needs no vault.
        from .. import selftest

        return selftest.main(args_list[1:])
    parser = build_parser()
    args = parser.parse_args(args_list)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    # Safety net under "no case content or secrets in logs"; the app's run()
    # inherits it because the app starts from here.
    log_redaction.install()
    if args.self_test:
        from .. import selftest

        return selftest.main([])
    handler: Command | None = getattr(args, "handler", None)
    ctx = Context(args)
    if handler is None:
        return _open_app(ctx)
    try:
        return handler(ctx)
    except IntakeError as exc:
        if args.debug:
            traceback.print_exc()
        # The message may echo a field name or a path from the input: one line,
        # and no control or bidi characters reaching the terminal raw.
        print(f"intake-desktop: {safe(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # The reader went away (`... | head`): like SIGPIPE, stop quietly.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stops a second EPIPE at exit
        return 141
    except KeyboardInterrupt:
        print(f"intake-desktop: {_('cancelled')}", file=sys.stderr)
        return 130
    except Exception as exc:
        # A bug. Its text may quote data, so only its type is shown.
        if args.debug:
            traceback.print_exc()
        print(
            "intake-desktop: "
            + _("internal error ({kind}); run again with --debug for details.").format(
                kind=type(exc).__name__
            ),
            file=sys.stderr,
        )
        return 1
    finally:
        ctx.close()
