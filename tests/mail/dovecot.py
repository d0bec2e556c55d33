"""A real Dovecot IMAP server for the tests, started from a config written into a temporary dir.

Dovecot (Debian: ``apt-get install -y dovecot-imapd``) runs in the foreground as a subprocess
(``dovecot -F -c CONFIG``), listening on 127.0.0.1 and a free high port, with mail in Maildirs
under the temporary directory and a static passdb: any user name logs in with ``PASSWORD``, and
every user name is a fresh, empty mailbox. Nothing of the machine's own Dovecot setup is used.

Run as root, Dovecot's login processes refuse to run as root and its mail processes refuse
system users below ``first_valid_uid``: logins run as ``dovenull``, internal processes as
``dovecot``, and mail is owned by ``dovecot`` (the directories are handed to it). Run as an
ordinary user, every process is that user, which Dovecot allows as well.

``capabilities`` replaces what the server advertises (``imap_capability``), so a test can take
MOVE or IDLE away and see the worker fall back; the commands themselves keep working. ``tls``
adds an implicit-TLS listener with a self-signed certificate (made with the ``openssl`` tool).
An optional OAuth2 passdb checks XOAUTH2 tokens against an introspection URL.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import imapclient

from tests.conftest import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"
PASSWORD = "hemmeligt"
# Without MOVE (COPY + \Deleted + UID EXPUNGE instead), and without IDLE (polling instead).
CAPABILITIES_WITHOUT_MOVE_AND_IDLE = (
    "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ NAMESPACE UIDPLUS CHILDREN"
)
# The oldest kind of server: no MOVE, no IDLE, and no UIDPLUS (so no UID EXPUNGE either).
CAPABILITIES_PLAIN_IMAP4 = "IMAP4rev1 LITERAL+ NAMESPACE"


def available() -> bool:
    """Whether the Dovecot binary is installed."""
    return Path(DOVECOT).exists()


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1 and localhost (``openssl``), valid for two days."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class Dovecot:
    """One Dovecot instance on loopback; ``start``, ``stop``, ``restart``, ``kick``."""

    def __init__(
        self,
        *,
        capabilities: str | None = None,
        tls: bool = False,
        oauth2_introspection_url: str | None = None,
    ) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="deltagerbot-dovecot-"))
        # The Dovecot users must reach the config, the sockets and the mail below this dir.
        self.root.chmod(0o755)
        self.port = free_port()
        self.tls_port = free_port() if tls else None
        self.capabilities = capabilities
        self.oauth2_introspection_url = oauth2_introspection_url
        self.config = self.root / "dovecot.conf"
        self.log = self.root / "dovecot.log"
        self.cert = self.root / "cert.pem" if tls else None
        self._proc: subprocess.Popen[bytes] | None = None
        self._write_config()

    # ------------------------------------------------------------------------------ setup

    def _users(self) -> tuple[str, str, str]:
        """Login user, internal user, mail user."""
        if os.geteuid() == 0:
            return "dovenull", "dovecot", "dovecot"
        me = pwd.getpwuid(os.geteuid()).pw_name
        return me, me, me

    def _write_config(self) -> None:
        login_user, internal_user, mail_user = self._users()
        mail = self.root / "mail"
        mail.mkdir()
        entry = pwd.getpwnam(mail_user)
        if os.geteuid() == 0:
            os.chown(mail, entry.pw_uid, entry.pw_gid)
        lines = [
            "# Written by tests/mail/dovecot.py for one test run.",
            "protocols = imap",
            "listen = 127.0.0.1",
            f"base_dir = {self.root / 'run'}",
            f"state_dir = {self.root / 'state'}",
            f"instance_name = deltagerbot-test-{self.port}",
            f"log_path = {self.log}",
            f"default_login_user = {login_user}",
            f"default_internal_user = {internal_user}",
            f"first_valid_uid = {min(entry.pw_uid, 500) or 1}",
            "disable_plaintext_auth = no",
            # A refused login answers at once (the default waits 2 s against guessing).
            "auth_failure_delay = 0",
            "auth_mechanisms = plain login" + (" xoauth2 oauthbearer" if self.oauth2 else ""),
            f"mail_location = maildir:{mail}/%u",
            "mail_max_userip_connections = 200",
            # Tests kick connections and restart the server; say so at once, do not linger.
            "shutdown_clients = yes",
            "namespace inbox {",
            "  inbox = yes",
            "  separator = /",
            "}",
        ]
        if self.oauth2:
            oauth_conf = self.root / "oauth2.conf.ext"
            oauth_conf.write_text(
                f"introspection_url = {self.oauth2_introspection_url}\n"
                "introspection_mode = post\n"
                "username_attribute = username\n"
                "active_attribute = active\n"
                "active_value = true\n",
                encoding="utf-8",
            )
            lines += [
                "passdb {",
                "  driver = oauth2",
                "  mechanisms = xoauth2 oauthbearer",
                f"  args = {oauth_conf}",
                "}",
            ]
        lines += [
            "passdb {",
            "  driver = static",
            "  mechanisms = plain login",
            f"  args = password={PASSWORD}",
            "}",
            "userdb {",
            "  driver = static",
            f"  args = uid={mail_user} gid={entry.pw_gid} home={self.root / 'home'}/%u",
            "}",
            "service imap-login {",
            "  inet_listener imap {",
            "    address = 127.0.0.1",
            f"    port = {self.port}",
            "  }",
            "  inet_listener imaps {",
            "    address = 127.0.0.1",
            f"    port = {self.tls_port or 0}",
            "  }",
            "}",
        ]
        if self.cert is not None:
            self.cert, key = self_signed_certificate(self.root)
            lines += ["ssl = yes", f"ssl_cert = <{self.cert}", f"ssl_key = <{key}"]
        else:
            lines.append("ssl = no")
        if self.capabilities is not None:
            lines.append(f"imap_capability = {self.capabilities}")
        self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    @property
    def oauth2(self) -> bool:
        return self.oauth2_introspection_url is not None

    # --------------------------------------------------------------------------- running

    def start(self, timeout: float = 15.0) -> None:
        """Start Dovecot in the foreground and wait until it accepts IMAP connections."""
        assert self._proc is None, "already running"
        self._proc = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            # Its own process group: stop() ends the master and every child it started.
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
                self._proc = None
                raise RuntimeError(f"dovecot exited at start: {err}\n{self.log_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"dovecot did not start listening\n{self.log_text()}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop Dovecot and every process of it: client connections drop at once.

        The master alone would leave a client's imap process (one in IDLE, say) running for a
        while after it exits; the whole process group gets the signal instead, as on a reboot.
        """
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        # Anything of this instance still alive (the group outlives its leader).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        if proc.stderr is not None:
            proc.stderr.close()

    def restart(self) -> None:
        """Stop and start again on the same port."""
        self.stop()
        self.start()

    def kick(self, user: str) -> None:
        """Drop every connection of ``user``, as a server does on a restart or a time-out."""
        subprocess.run(
            [DOVEADM, "-c", str(self.config), "kick", user],
            check=True, capture_output=True, timeout=10,
        )  # fmt: skip

    def close(self) -> None:
        """Stop and remove every file."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log_text(self) -> str:
        """Dovecot's own log, for an assertion message."""
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"

    # ----------------------------------------------------------------------------- client

    def client(self, user: str) -> imapclient.IMAPClient:
        """A logged-in IMAP client for ``user`` (plain connection), for the tests' own work."""
        client = imapclient.IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(user, PASSWORD)
        return client

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's self-signed certificate."""
        assert self.cert is not None, "start with tls=True"
        return ssl.create_default_context(cafile=str(self.cert))


def append(server: Dovecot, user: str, messages: list[bytes], folder: str = "INBOX") -> list[int]:
    """APPEND the raw messages to the folder, in order; their UIDs."""
    with contextlib.closing(_Logout(server.client(user))) as holder:
        client = holder.client
        if not client.folder_exists(folder):
            client.create_folder(folder)
        uids: list[int] = []
        for raw in messages:
            response = client.append(folder, raw)
            # Dovecot answers with APPENDUID (UIDPLUS): "[APPENDUID <validity> <uid>] ...".
            text = response.decode() if isinstance(response, bytes) else str(response)
            uids.append(int(text.split("]")[0].split()[-1]) if "APPENDUID" in text else 0)
        return uids


class _Logout:
    def __init__(self, client: imapclient.IMAPClient) -> None:
        self.client = client

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.logout()
