"""The clinic's private key wrapped under a password or a recovery code: scrypt, AES-GCM.

A wrap is bound (as associated data) to the public key and to whose wrap it is, so a
wrap copied onto another account, or from another clinic's key file, does not open.
A wrong password and a damaged wrap both fail the AES-GCM tag; which one it was cannot
be told apart, and need not be: either way the key stays shut.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from pydantic import BaseModel, ConfigDict

from kiosk.errors import KioskError
from kiosk.keys.envelope import public_bytes

# About 0.1 s and 32 MB per try on a kiosk's CPU: cheap for a login, dear for a guesser.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
_AD = b"intake-kiosk key wrap v1|"


class WrongSecret(KioskError):
    """The password (or recovery code) does not open this wrap."""

    exit_code = 2


class Wrap(BaseModel):
    """One wrapped copy of the private key, as stored (all bytes base64)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n: int
    r: int
    p: int
    salt: str
    nonce: str
    wrapped: str


def _derive(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret.encode("utf-8"))


def _associated(public: bytes, holder: str) -> bytes:
    return _AD + public + b"|" + holder.encode("utf-8")


def wrap(private: X25519PrivateKey, secret: str, public: bytes, holder: str) -> Wrap:
    """A copy of ``private`` that ``secret`` opens, for ``holder`` ("staff:ana", "recovery")."""
    salt, nonce = os.urandom(16), os.urandom(12)
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    sealed = AESGCM(_derive(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(
        nonce, raw, _associated(public, holder))
    encoded = base64.b64encode
    return Wrap(n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, salt=encoded(salt).decode(),
                nonce=encoded(nonce).decode(), wrapped=encoded(sealed).decode())


def decoy(secret: str) -> None:
    """As slow as :func:`unwrap`, for a name with no wrap: a login then takes as long for
    an unknown name as for a wrong password, so timing tells no account names."""
    _derive(secret, os.urandom(16), SCRYPT_N, SCRYPT_R, SCRYPT_P)


def unwrap(stored: Wrap, secret: str, public: bytes, holder: str) -> X25519PrivateKey:
    """The private key, or :class:`WrongSecret`."""
    if not (2**10 <= stored.n <= 2**20 and 1 <= stored.r <= 32 and 1 <= stored.p <= 16):
        raise WrongSecret("the stored key uses scrypt settings out of range")
    try:
        salt, nonce = base64.b64decode(stored.salt), base64.b64decode(stored.nonce)
        key = _derive(secret, salt, stored.n, stored.r, stored.p)
        raw = AESGCM(key).decrypt(nonce, base64.b64decode(stored.wrapped),
                                  _associated(public, holder))
        private = X25519PrivateKey.from_private_bytes(raw)
    except (InvalidTag, ValueError, binascii.Error):
        raise WrongSecret("wrong password") from None
    if public_bytes(private.public_key()) != public:
        raise WrongSecret("the wrapped key does not belong to this clinic's public key")
    return private
