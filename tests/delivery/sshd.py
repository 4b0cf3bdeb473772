"""A real OpenSSH server on 127.0.0.1 for the SFTP transport's tests.

``sshd -D -e`` with a temporary host key, key authentication against an
authorized_keys file in the temporary folder and ``internal-sftp`` only. It
is stopped by its pid file; ``kill`` ends it and every connection it serves
at once, the way a crash or a cut cable would.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from intake_desktop.core.delivery.sftp import generate_ssh_key

SSHD = "/usr/sbin/sshd"


def sshd_missing() -> str | None:
    if not os.path.exists(SSHD) or shutil.which("ssh-keygen") is None:
        return "OpenSSH server not installed (apt-get install openssh-server)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SshServer:
    def __init__(self, base: Path) -> None:
        self.base = base / "sshd"
        self.base.mkdir(mode=0o700)
        self.folder = base / "served"
        self.folder.mkdir(mode=0o700)
        self.port = _free_port()
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
PasswordAuthentication no
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
