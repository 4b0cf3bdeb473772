"""A real OpenSSH server on 127.0.0.1 for the SFTP transport's tests.

``sshd -D -e`` with a temporary host key, key authentication against an
authorized_keys file in the temporary folder and ``internal-sftp`` only. It
is stopped by its pid file; ``kill`` ends it and every connection it serves
at once, the way a crash or a cut cable would.

``SshServer(base, password=True)`` serves a real unix user (one per test
worker, made with ``useradd`` when absent) who logs in with a fresh random
password (``PasswordAuthentication yes``; sshd checks /etc/shadow itself
with ``UsePAM no``). That needs root; ``password_missing()`` says why not.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from intake_desktop.core.delivery.destinations import DestinationStore
from intake_desktop.core.delivery.sftp import generate_ssh_key
from intake_desktop.core.vault import Vault

SSHD = "/usr/sbin/sshd"


def sshd_missing() -> str | None:
    if not os.path.exists(SSHD) or shutil.which("ssh-keygen") is None:
        return "OpenSSH server not installed (apt-get install openssh-server)"
    return None


def password_missing() -> str | None:
    if os.geteuid() != 0:
        return "a password login needs a unix user with a password: run the tests as root"
    if shutil.which("useradd") is None or shutil.which("chpasswd") is None:
        return "useradd and chpasswd are needed for a password login (apt-get install passwd)"
    return None


def _password_user() -> tuple[str, int, str]:
    """A unix user only these tests use, with a new random password: (name, uid, password)."""
    import pwd

    # One user per xdist worker, so two workers never change each other's password.
    name = "intake-sftp-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
    try:
        pwd.getpwnam(name)
    except KeyError:
        done = subprocess.run(
            ["useradd", "--no-create-home", "--shell", "/bin/sh", name],
            capture_output=True,
            check=False,
        )
        if done.returncode not in (0, 9):  # 9: made by another process meanwhile
            raise RuntimeError("useradd failed: " + done.stderr.decode(errors="replace")) from None
    password = secrets.token_urlsafe(18)
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n".encode(), check=True)
    return name, pwd.getpwnam(name).pw_uid, password


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SshServer:
    def __init__(self, base: Path, *, password: bool = False) -> None:
        self.base = base / "sshd"
        self.base.mkdir(mode=0o700)
        self.port = _free_port()
        self.password: str | None = None
        if password:
            self.user, uid, self.password = _password_user()
            # The test's own folders are root's and 0700: serve one the user can reach.
            self.folder = Path(tempfile.mkdtemp(prefix="intake-sftp-served-"))
            os.chown(self.folder, uid, -1)
        else:
            self.folder = base / "served"
            self.folder.mkdir(mode=0o700)
            self.user = os.environ.get("USER") or _current_user()
        host_key = self.base / "host_ed25519"
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test-host", "-f", str(host_key)],
            check=True,
        )
        printed = subprocess.run(
            ["ssh-keygen", "-lf", f"{host_key}.pub"], check=True, capture_output=True, text=True
        ).stdout
        self.fingerprint = printed.split()[1]
        # The client key, as the app would generate it, and its public line for the server.
        self.private_key, public = generate_ssh_key()
        (self.base / "authorized_keys").write_text(public + "\n")
        self.pid_file = self.base / "sshd.pid"
        self.log = self.base / "sshd.log"
        self.config = self.base / "sshd_config"
        self.config.write_text(
            f"""Port {self.port}
ListenAddress 127.0.0.1
HostKey {host_key}
PidFile {self.pid_file}
UsePAM no
PasswordAuthentication {"yes" if password else "no"}
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AuthorizedKeysFile {self.base / "authorized_keys"}
StrictModes no
Subsystem sftp internal-sftp
ForceCommand internal-sftp -d {self.folder}
LogLevel INFO
"""
        )
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if os.geteuid() == 0:
            # sshd running as root insists on its privilege separation folder.
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        with open(self.log, "ab") as log:
            self._proc = subprocess.Popen(
                [SSHD, "-D", "-e", "-f", str(self.config)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError("sshd exited: " + self.log.read_text())
            if self._answers():
                return
            time.sleep(0.05)
        raise RuntimeError("sshd did not start: " + self.log.read_text())

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def wait_for(self, condition: Callable[[], bool], seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met")
            time.sleep(0.01)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                return s.recv(4).startswith(b"SSH-")
        except OSError:
            return False

    def _pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def stop(self) -> None:
        pid = self._pid()
        if pid is not None:
            _signal([pid, *_descendants(pid)], signal.SIGTERM)
        self._reap()

    def kill(self) -> None:
        """The server and every session it serves end at once."""
        pid = self._pid()
        if pid is not None:
            _signal([pid, *_descendants(pid)], signal.SIGKILL)
        self._reap()

    def _reap(self) -> None:
        if self._proc is not None:
            self._proc.wait(timeout=30)
            self._proc = None
        self.pid_file.unlink(missing_ok=True)

    def url(self, folder: Path | None = None) -> str:
        """The destination URL of the served folder (or a folder inside it)."""
        return f"sftp://{self.user}@127.0.0.1:{self.port}{folder or self.folder}"

    def add_to(
        self,
        vault: Vault,
        name: str = "counsel",
        *,
        host_key: str | None = None,
        folder: Path | None = None,
        **auth: str,
    ) -> None:
        """This server as a destination of ``vault``, with the fixture's key unless ``auth``."""
        DestinationStore(vault).add_sftp(
            name,
            self.url(folder),
            host_key or self.fingerprint,
            **(auth or {"ssh_key": self.private_key}),  # type: ignore[arg-type]
        )

    def remove_folder(self) -> None:
        """For a password server, whose folder lives outside the test's own."""
        if self.password is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def running(base: Path) -> Iterator[SshServer]:
    """For a test module's ``sshd`` fixture: a server started, stopped after the test."""
    reason = sshd_missing()
    if reason:
        pytest.skip(reason)
    server = SshServer(base)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _current_user() -> str:
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name


def _descendants(pid: int) -> list[int]:
    """Session processes sshd forked (they call setsid, so a process group misses them)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    found, pending = [], [pid]
    while pending:
        for child in parents.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def _signal(pids: list[int], sig: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
