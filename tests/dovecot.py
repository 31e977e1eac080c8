"""A real Dovecot for the IMAP tests: unprivileged, on a free loopback port, under a temp dir.

`dovecot_server` (session) starts one `dovecot -F`; `imap_account` (per test) adds a fresh user
with an empty Maildir, so tests never see each other's mail. Without dovecot installed the tests
are skipped with the reason, or fail when CI is set (`make test` installs `dovecot-imapd`).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT_PATHS = ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot")
PASSWORD = "s3cret-pass"

_CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = inbox-tui-test-{port}
log_path = {root}/dovecot.log
ssl = {ssl}
{ssl_files}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%n
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/home/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def find_dovecot() -> str | None:
    found = shutil.which("dovecot")
    if found:
        return found
    return next((path for path in DOVECOT_PATHS if os.access(path, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Account:
    host: str
    port: int
    username: str
    password: str
    maildir: Path

    def client(self):  # an imapclient connection for changing the server from a test
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=30)
        client.login(self.username, self.password)
        return client


class Dovecot:
    """One running Dovecot instance; `add_user` makes a fresh account on it."""

    def __init__(self, binary: str, root: Path, *, ssl_cert: tuple[Path, Path] | None = None):
        self.binary = binary
        self.root = root
        self.port = free_port()
        self.tls_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._users = itertools.count(1)
        self.ssl_cert = ssl_cert

    def _write_config(self) -> Path:
        if os.geteuid() == 0:
            login_user, internal_user, mail_user = "dovenull", "dovecot", "dovecot"
        else:
            login_user = internal_user = mail_user = pwd.getpwuid(os.geteuid()).pw_name
        mail_group = mail_user if os.geteuid() == 0 else str(os.getegid())
        for sub in ("run", "state", "mail", "home"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # the mail processes run as `dovecot`: they must own the mail
            for sub in ("mail", "home"):
                shutil.chown(self.root / sub, "dovecot", "dovecot")
        # Every account exists from the start: Dovecot caches the passwd-file, and a file that
        # changes under a running server is not always re-read at once.
        (self.root / "users").write_text(
            "".join(f"seller{n}@example.com:{{PLAIN}}{PASSWORD}::::::\n" for n in range(1, 501))
        )
        ssl_files = ""
        if self.ssl_cert:
            cert, key = self.ssl_cert
            ssl_files = f"ssl_cert = <{cert}\nssl_key = <{key}"
        config = self.root / "dovecot.conf"
        config.write_text(
            _CONFIG.format(
                root=self.root,
                port=self.port,
                tls_port=self.tls_port if self.ssl_cert else 0,
                ssl="yes" if self.ssl_cert else "no",
                ssl_files=ssl_files,
                login_user=login_user,
                internal_user=internal_user,
                mail_user=mail_user,
                mail_group=mail_group,
            )
        )
        return config

    def start(self) -> None:
        config = self._write_config()
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = (
                    self.process.stdout.read().decode(errors="replace")
                    if self.process.stdout
                    else ""
                )
                raise RuntimeError(f"dovecot exited at start-up: {output}{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"dovecot did not answer on port {self.port}: {self.log()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def restart(self) -> None:
        """Stop every process of this instance, sessions included, and start it again."""
        assert self.process is not None
        children = _descendants(self.process.pid)
        self.stop()
        _kill(children)  # a session may outlive its master for a while: end it now
        self.start()

    def go_down(self) -> None:
        """The server dies at once (a crash, the OOM killer): every process of this instance
        killed, open connections with them; it stays down until `start`. (A graceful stop
        takes about a second, during which open sessions still answer.)"""
        assert self.process is not None
        _kill([self.process.pid, *_descendants(self.process.pid)])
        self.process.wait(10)
        self.process = None

    def log(self) -> str:
        try:
            return (self.root / "dovecot.log").read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def add_user(self) -> Account:
        """The next unused account: an empty mailbox."""
        name = f"seller{next(self._users)}@example.com"
        maildir = self.root / "mail" / name.split("@")[0]  # mail_location uses %n
        return Account("127.0.0.1", self.port, name, PASSWORD, maildir)


def _kill(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _descendants(pid: int) -> list[int]:
    """The ids of every process below `pid` (from /proc), children first."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must have it (make test installs dovecot-imapd)")
    pytest.skip(f"{reason} (make test installs the Debian package dovecot-imapd)")


def start_dovecot(**kwargs) -> Iterator[Dovecot]:
    binary = find_dovecot()
    if binary is None:
        _unavailable("dovecot is not installed")
    assert binary is not None
    # Not pytest's tmp dir: it is private to root, and Dovecot's mail processes run as `dovecot`.
    root = Path(tempfile.mkdtemp(prefix="inbox-tui-dovecot-"))
    root.chmod(0o755)
    try:
        for attempt in range(3):
            server = Dovecot(binary, root, **kwargs)
            try:
                server.start()
                break
            except RuntimeError as error:
                # the free port was taken between our probe and Dovecot's bind (another test
                # worker, another program): new ports, same instance
                if "in use" not in str(error) or attempt == 2:
                    raise
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, signed by itself (so also its own CA)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="session")
def dovecot_tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dovecot]:
    """A Dovecot with a self-signed certificate: IMAPS on `tls_port`, STARTTLS on `port`."""
    if shutil.which("openssl") is None:
        _unavailable("openssl is not installed")
    cert = self_signed_cert(tmp_path_factory.mktemp("tls"))
    yield from start_dovecot(ssl_cert=cert)


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    yield from start_dovecot()


@pytest.fixture
def imap_account(dovecot_server: Dovecot) -> Account:
    """A fresh, empty mailbox on the shared Dovecot."""
    return dovecot_server.add_user()


class IdleStarts:
    """How many IDLE commands a server has accepted: from then on an IDLE watcher hears of new
    mail, so a test appends mail after `wait_for(n)`, never after a guessed sleep."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = threading.Condition()

    def seen(self) -> None:
        with self._changed:
            self.count += 1
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = 30) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.count >= count, timeout)


@pytest.fixture
def idle_starts(monkeypatch: pytest.MonkeyPatch) -> IdleStarts:
    """Counts every IDLE the server answered with its go-ahead (`+ idling`), in any thread."""
    from imapclient import IMAPClient

    starts = IdleStarts()
    idle = IMAPClient.idle

    def counted(self: IMAPClient) -> object:
        answer = idle(self)
        starts.seen()
        return answer

    monkeypatch.setattr(IMAPClient, "idle", counted)
    return starts
