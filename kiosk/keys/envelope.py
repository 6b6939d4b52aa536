"""Sealing bytes to the clinic's public key: X25519, HKDF-SHA256 and AES-256-GCM.

Each sealed message has its own ephemeral X25519 key pair (as in ODK's encrypted forms,
each submission its own key): the sender keeps nothing that could open it again, and only
the holder of the clinic's private key can. ``context`` (a record's id, say) is bound in as
associated data, so a sealed part moved onto another record does not open.

Format, one line of text: ``ks1.`` + base64url(ephemeral public key (32) | nonce (12) |
ciphertext with its 16-byte tag).
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kiosk.errors import KioskError

PREFIX = "ks1."
_INFO = b"intake-kiosk sealed v1"
_KEY_BYTES = 32
_NONCE_BYTES = 12


class SealBroken(KioskError):
    """A sealed part that does not open with this key: damaged, or sealed to another key."""


def public_bytes(key: X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _message_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=None,
                info=_INFO + ephemeral + recipient).derive(shared)


def seal(recipient: X25519PublicKey, plaintext: bytes, context: bytes) -> str:
    """``plaintext`` sealed to ``recipient``; only its private key opens it."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = public_bytes(ephemeral.public_key())
    key = _message_key(ephemeral.exchange(recipient), ephemeral_public, public_bytes(recipient))
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext, context)
    return PREFIX + base64.urlsafe_b64encode(ephemeral_public + nonce + sealed).decode("ascii")


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def open_sealed(private: X25519PrivateKey, sealed: str, context: bytes) -> bytes:
    """The plaintext of :func:`seal`, or :class:`SealBroken` (never a partial result)."""
    if not is_sealed(sealed):
        raise SealBroken("it is not a sealed part")
    try:
        raw = base64.urlsafe_b64decode(sealed[len(PREFIX):].encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise SealBroken("its sealed part is not valid base64") from None
    if len(raw) < _KEY_BYTES + _NONCE_BYTES + 16:
        raise SealBroken("its sealed part is cut short")
    ephemeral_public = raw[:_KEY_BYTES]
    nonce = raw[_KEY_BYTES:_KEY_BYTES + _NONCE_BYTES]
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = _message_key(shared, ephemeral_public, public_bytes(private.public_key()))
        return AESGCM(key).decrypt(nonce, raw[_KEY_BYTES + _NONCE_BYTES:], context)
    except (InvalidTag, ValueError):
        raise SealBroken("its sealed part does not open with the clinic's key (damaged, "
                         "or sealed to another key)") from None
