"""Passwords: argon2id hashes for Coastwatch logins (argon2-cffi, its default parameters,
OWASP's first choice), SCRAM-SHA-256 verifiers for the matching PostgreSQL login role, and
new one-time passwords.

A verifier is what PostgreSQL itself stores for ``PASSWORD '...'``; computing it here means
the password never reaches the server, so never its logs (what psql's ``\\password`` does).

>>> verify_password(hash_password("s3cret harbour"), "s3cret harbour")
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from surveillance.errors import InputError

__all__ = [
    "MIN_LENGTH",
    "check_strength",
    "hash_password",
    "needs_rehash",
    "new_password",
    "scram_verifier",
    "verify_password",
]

MIN_LENGTH = 10
_hasher = PasswordHasher()
#: A hash of nothing anyone knows: an unknown user's login takes as long as a known one's.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))
_SCRAM_ITERATIONS = 4096  # PostgreSQL's default (scram_iterations)


def check_strength(password: str) -> None:
    """Refuse a password too short to stand an offline guess (InputError)."""
    if len(password) < MIN_LENGTH:
        raise InputError(
            f"the password is too short ({len(password)} characters)",
            hint=f"give at least {MIN_LENGTH} characters; a few words make a good one",
        )


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted; its parameters inside it)."""
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (None: no password set, still timed)."""
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored)


def new_password() -> str:
    """A new random password (about 120 bits), for a first admin or a reset."""
    return secrets.token_urlsafe(15)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def scram_verifier(password: str, *, salt: bytes | None = None) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802, 7677)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    normalised = unicodedata.normalize("NFKC", password).encode("utf-8")  # SASLprep, mostly
    salted = hashlib.pbkdf2_hmac("sha256", normalised, salt, _SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    return f"SCRAM-SHA-256${_SCRAM_ITERATIONS}:{_b64(salt)}${_b64(stored_key)}:{_b64(server_key)}"
