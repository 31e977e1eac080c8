"""Passwords for sources: from a command, an environment variable, the keyring, or (warned) plain text."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Protocol


class SecretError(Exception):
    """The password could not be obtained; str() is one line saying from where and why."""


class PasswordSettings(Protocol):
    name: str
    username: str
    password_command: str | None
    password_env: str | None
    keyring: str | None
    password: str | None


_warned: set[str] = set()


def source_password(source: PasswordSettings) -> str:
    """The password of a source, from whichever of the four places its config names."""
    if source.password_command is not None:
        try:
            done = subprocess.run(
                source.password_command,
                shell=True,
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SecretError(f"{source.name}: password_command failed: {exc}") from None
        if done.returncode != 0:
            reason = done.stderr.decode(errors="replace").strip().splitlines()
            why = reason[-1] if reason else f"exit code {done.returncode}"
            raise SecretError(f"{source.name}: password_command failed: {why}")
        lines = done.stdout.decode("utf-8", errors="replace").splitlines()
        if not lines or not lines[0]:
            raise SecretError(f"{source.name}: password_command printed nothing")
        return lines[0]
    if source.password_env is not None:
        value = os.environ.get(source.password_env)
        if not value:
            raise SecretError(
                f"{source.name}: the environment variable {source.password_env} is not set"
            )
        return value
    if source.keyring is not None:
        try:
            import keyring  # optional: only needed by those who use it
        except ImportError:
            raise SecretError(
                f"{source.name}: keyring is set but the Python package 'keyring' is not"
                " installed (pip install keyring)"
            ) from None
        try:
            value = keyring.get_password(source.keyring, source.username)
        except Exception as exc:  # backends raise their own types
            raise SecretError(f"{source.name}: the keyring failed: {exc}") from None
        if value is None:
            raise SecretError(
                f"{source.name}: no password for {source.username} in the keyring"
                f" under {source.keyring!r}"
            )
        return value
    if source.password is not None:
        if source.name not in _warned:
            _warned.add(source.name)
            print(
                f"inbox-tui: warning: {source.name}: the password sits in the config in plain"
                " text; prefer password_command, password_env or keyring",
                file=sys.stderr,
            )
        return source.password
    raise SecretError(f"{source.name}: no password configured")
