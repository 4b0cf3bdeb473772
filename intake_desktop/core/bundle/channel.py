"""A bundle file's age layer, as export and import use it: in this process, in a helper thread.

``EncryptChannel`` turns the tar stream written to ``plaintext`` into the
bundle file; ``DecryptChannel`` checks a bundle's header with agecheck's
gate and gives its plaintext to read. Both open their file once and work
on that descriptor only, so what was checked is what is decrypted, and an
export never writes through a link put in place of its temporary file.

Nothing runs in another process: no file name, recipient or key ever
appears on a command line, and the age identity stays in this process's
memory, which is hardened against core dumps and debuggers at start.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import IO, BinaryIO, cast

from ..errors import BundleRejected, IntakeError, InvalidInput
from ..i18n import N_
from . import age
from .age_stream import StreamReader, StreamWriter, read_failed, write_failed
from .agecheck import read_age_header

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows


class EncryptChannel:
    """``EncryptChannel.open(tmp, recipients)``: write the tar to ``plaintext``, then ``finish``."""

    def __init__(self, file: BinaryIO, writer: StreamWriter) -> None:
        self._file = file
        self._writer = writer
        # A file-like object, as TarWriter takes one.
        self.plaintext = cast(IO[bytes], writer)

    @classmethod
    def open(cls, out: Path, recipients: Sequence[str]) -> EncryptChannel:
        """Encrypt into ``out``, a 0600 file the caller made with O_EXCL (emptied here)."""
        keys = [age.X25519Recipient.from_string(r) for r in recipients]
        try:
            fd = os.open(out, os.O_WRONLY | NOFOLLOW | getattr(os, "O_BINARY", 0))
        except OSError:
            raise InvalidInput(
                N_("The bundle's temporary file could not be opened; nothing was written.")
            ) from None
        file = os.fdopen(fd, "wb", buffering=0)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise InvalidInput(
                    N_("The bundle's temporary file could not be opened; nothing was written.")
                )
            file.truncate(0)
            return cls(file, age.encrypt(file, keys))
        except OSError as exc:
            file.close()
            raise write_failed(exc) from None
        except BaseException:
            file.close()
            raise

    def finish(self) -> int:
        """Seal the last chunk, make the file durable, and return its size."""
        self._writer.close()
        try:
            os.fsync(self._file.fileno())
            size = os.fstat(self._file.fileno()).st_size
        except OSError as exc:
            raise write_failed(exc) from None
        finally:
            self._file.close()
        return size

    def abort(self) -> None:
        """Stop (after ``finish``, or instead of it); the caller removes the file."""
        self._writer.abort()
        self._file.close()


class DecryptChannel:
    """``DecryptChannel.open(bundle, age_secret)``: read the tar from ``plaintext``.

    ``finish`` reads on to the end, so it raises unless the age stream
    authenticated to its last chunk; ``close`` stops the helper thread.
    """

    def __init__(self, file: BinaryIO, reader: StreamReader) -> None:
        self._file = file
        self._reader = reader
        self.plaintext = cast(IO[bytes], reader)

    @classmethod
    def open(cls, bundle: Path, age_secret: str) -> DecryptChannel:
        """Check the header and find this vault's stanza (BundleRejected if any of that fails)."""
        identity = age.X25519Identity.from_string(age_secret)
        try:
            file = open(bundle, "rb", buffering=0)  # noqa: SIM115 - closed by close()
        except OSError:
            raise InvalidInput(N_("The file {path} cannot be read."), path=str(bundle)) from None
        try:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise InvalidInput(N_("The file {path} cannot be read."), path=str(bundle))
            # The gate reads the same descriptor that is then decrypted: no
            # file swapped in between, and no passphrase (scrypt) file gets further.
            read_age_header(file)
            file.seek(0)
            return cls(file, age.decrypt(file, [identity]))
        except OSError:
            file.close()
            raise read_failed() from None
        except BaseException:
            file.close()
            raise

    def finish(self) -> None:
        """Read what is left; raise unless the stream authenticated to its end."""
        while self._reader.read(1 << 20):
            pass

    def verdict(self, rejected: BundleRejected) -> IntakeError:
        """The age layer's failure if the stream has one, else ``rejected``.

        A broken tar usually means a broken age stream: its own message
        (damaged, truncated) says more than the tar reader's.
        """
        try:
            self.finish()
        except IntakeError as exc:
            return exc
        return rejected

    def close(self) -> None:
        self._reader.close()
        with contextlib.suppress(OSError):
            self._file.close()
