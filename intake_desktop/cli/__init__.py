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
from ..core.i18n import PSEUDO, _, available_languages, language_code, load_language
from . import (
    attach_cmd,
    bundle_cmd,
    case_cmd,
    chains_cmd,
    destination_cmd,
    duplicates_cmd,
    identity_cmd,
    outbox_cmd,
    purge_cmd,
    receipt_cmd,
    statement_cmd,
    trust_cmd,
    vault_cmd,
)
from .context import Context
from .text import complain, safe

Command = Callable[[Context], int]
LANGUAGE_ENV = "INTAKE_LANGUAGE"
# Commands whose own --language (after the command name) is not the interface's.
OWN_LANGUAGE_OPTION = {("statement", "read-back")}


def _global_options(defaults: bool, language: bool = True) -> argparse.ArgumentParser:
    """Options every command takes, before or after its name.

    Subcommand copies default to SUPPRESS so they never overwrite a value
    given before the command name. ``language=False`` for a command with a
    ``--language`` of its own (``OWN_LANGUAGE_OPTION``).
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
    if not language:
        return parser
    parser.add_argument(
        "--language",
        dest="interface_language",
        metavar="CODE",
        default=default,
        help=_("interface language: en, fa_AF (Dari) or ps (Pashto)"),
    )
    return parser


def language_option(args: Sequence[str]) -> str | None:
    """The value of the global ``--language``, read before the parser exists.

    Before the command name or after it, like every global option, except
    where a command has a ``--language`` of its own (``statement read-back``:
    the language the statement was read in), which keeps its meaning there.
    """
    words: list[str] = []
    found = None
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            break
        if arg == "--language" or arg.startswith("--language="):
            value = arg.partition("=")[2] if "=" in arg else None
            if value is None and index + 1 < len(args):
                value = args[index + 1]
                index += 1
            own = any(tuple(words[i : i + 2]) in OWN_LANGUAGE_OPTION for i in range(len(words)))
            if not own and value is not None:
                found = value
        elif not arg.startswith("-"):
            words.append(arg)
        index += 1
    return found


def choose_language(args: Sequence[str]) -> tuple[str | None, str | None]:
    """The interface language asked for: ``--language``, else ``$INTAKE_LANGUAGE``.

    Returns (code, or None when neither is given; an error line, or None).
    Runs before the parser is built, since its help texts are translated then.
    """
    given, where = language_option(args), "--language"
    if given is None:
        given, where = os.environ.get(LANGUAGE_ENV) or None, LANGUAGE_ENV
    if given is None:
        return None, None
    code = language_code(given)
    if code is None:
        choices = ", ".join([*available_languages(), PSEUDO])
        return None, _(
            '{option}: unknown interface language "{code}"; choose one of {choices}.'
        ).format(option=where, code=given, choices=choices)
    return code, None


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
    attach_cmd.register(commands, common)  # after case_cmd: it extends `attach`
    identity_cmd.register(commands, common)
    trust_cmd.register(commands, common)
    bundle_cmd.register(commands, common)
    statement_cmd.register(commands, common, _global_options(defaults=False, language=False))
    duplicates_cmd.register(commands, common)
    destination_cmd.register(commands, common)
    outbox_cmd.register(commands, common)
    receipt_cmd.register(commands, common)
    purge_cmd.register(commands, common)
    chains_cmd.register(commands, common)
    return parser


def _open_app(ctx: Context, language: str | None) -> int:
    """No command: the desktop app, on the same vault the commands would use."""
    from ..selftest.xcb import startup_hint

    # Qt aborts with an unhelpful list of plugins when X11 libraries are
    # missing: name them first, in one line.
    hint = startup_hint()
    if hint:
        complain(hint)
        return 1
    try:
        from ..ui.app import run
    except ImportError as exc:
        complain(
            _("The desktop app cannot start ({what}); the commands still work.").format(
                what=type(exc).__name__
            )
        )
        return 1
    return run(ctx.vault_path, language=language)


def main(argv: Sequence[str] | None = None) -> int:
    restrict_umask()
    harden_process()  # no core dumps, no debugger attach: before any secret is loaded
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["--self-test"]:
        # Checks this installation (crypto, fonts, Qt); needs no vault.
        from .. import selftest

        return selftest.main(args_list[1:])
    language, problem = choose_language(args_list)
    if problem:
        complain(safe(problem))
        return 2
    if language:
        load_language(language)  # before build_parser(): its help texts are translated
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
        return _open_app(ctx, language)
    try:
        return handler(ctx)
    except IntakeError as exc:
        if args.debug:
            traceback.print_exc()
        # The message may echo a field name or a path from the input: one line,
        # and no control or bidi characters reaching the terminal raw.
        complain(safe(str(exc)))
        return exc.exit_code
    except BrokenPipeError:
        # The reader went away (`... | head`): like SIGPIPE, stop quietly.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stops a second EPIPE at exit
        return 141
    except KeyboardInterrupt:
        complain(_("cancelled"))
        return 130
    except Exception as exc:
        # A bug. Its text may quote data, so only its type is shown.
        if args.debug:
            traceback.print_exc()
        complain(
            _("internal error ({kind}); run again with --debug for details.").format(
                kind=type(exc).__name__
            )
        )
        return 1
    finally:
        ctx.close()
