"""Passwords for sources: from a command, an environment variable, the keyring, or (warned) plain text."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any, Protocol


class SecretError(Exception):
    """The password could not be obtained; str() is one line saying from where and why."""


class PasswordSettings(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def username(self) -> str: ...
    @property
    def password_command(self) -> str | None: ...
    @property
    def password_env(self) -> str | None: ...
    @property
    def keyring(self) -> str | None: ...
    @property
    def password(self) -> str | None: ...


_warned: set[tuple[str, str]] = set()


def source_password(source: PasswordSettings) -> str:
    """The password of a source, from whichever of the four places its config names."""
    return read_secret(
        source.name,
        "password",
        command=source.password_command,
        env=source.password_env,
        keyring_service=source.keyring,
        keyring_user=source.username,
        plain=source.password,
    )


def section_secret(section: Any, base: str, what: str) -> str:
    """The secret a named config section keeps under `base` (`client_secret`): from
    `<base>_command`, `<base>_env`, `<base>_keyring` (user: the section's name) or `<base>`
    itself, the first that is set."""
    return read_secret(
        section.name,
        what,
        command=getattr(section, f"{base}_command", None),
        env=getattr(section, f"{base}_env", None),
        keyring_service=getattr(section, f"{base}_keyring", None),
        keyring_user=section.name,
        plain=getattr(section, base, None),
    )


def read_secret(
    owner: str,
    what: str,
    *,
    command: str | None = None,
    env: str | None = None,
    keyring_service: str | None = None,
    keyring_user: str = "",
    plain: str | None = None,
) -> str:
    """A secret (`what`: "password", "client_secret", "refresh token"…) of the config section
    `owner`, from the first of: a command's first output line, an environment variable, the
    system keyring (service, user), or plain text (warned once). Raises SecretError."""
    if command is not None:
        try:
            done = subprocess.run(
                command,
                shell=True,
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SecretError(f"{owner}: the command for the {what} failed: {exc}") from None
        if done.returncode != 0:
            reason = done.stderr.decode(errors="replace").strip().splitlines()
            why = reason[-1] if reason else f"exit code {done.returncode}"
            raise SecretError(f"{owner}: the command for the {what} failed: {why}")
        lines = done.stdout.decode("utf-8", errors="replace").splitlines()
        if not lines or not lines[0]:
            raise SecretError(f"{owner}: the command for the {what} printed nothing")
        return lines[0]
    if env is not None:
        value = os.environ.get(env)
        if not value:
            raise SecretError(
                f"{owner}: the environment variable {env} is not set (it should hold the {what})"
            )
        return value
    if keyring_service is not None:
        try:
            import keyring  # optional: only needed by those who use it
        except ImportError:
            raise SecretError(
                f"{owner}: keyring is set but the Python package 'keyring' is not"
                " installed (pip install keyring)"
            ) from None
        try:
            value = keyring.get_password(keyring_service, keyring_user)
        except Exception as exc:  # backends raise their own types
            raise SecretError(f"{owner}: the keyring failed: {exc}") from None
        if value is None:
            raise SecretError(
                f"{owner}: no {what} for {keyring_user} in the keyring under {keyring_service!r}"
            )
        return value
    if plain is not None:
        if (owner, what) not in _warned:
            _warned.add((owner, what))
            print(
                f"inbox-tui: warning: {owner}: the {what} sits in the config in plain text;"
                " prefer a command, an environment variable or the keyring",
                file=sys.stderr,
            )
        return plain
    raise SecretError(f"{owner}: no {what} configured")
