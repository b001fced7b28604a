"""A sealed JSON file: a plain envelope naming its format and version around an AEAD-sealed body.

Owns the envelope that the share ledger and the bundle parts files share:
``{"format": NAME, "version": N, "sealed": base64(nonce || ciphertext)}`` and a newline, where the
body is sealed with ChaCha20-Poly1305 under the caller's 32-byte key, with a fresh 12-byte nonce
per write and associated data ``NAME \\0 N`` (then ``\\0 context`` when a file is bound to more,
such as its share id). Reading tells three failures apart so callers can say which: not this format,
another version, or a body that does not open (damaged, or another wallet's key).

Must not import Qt. Knows nothing of what the body means, nor how files are written or locked.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from wallet.errors import WalletError

__all__ = ["EnvelopeErrors", "SealedEnvelope"]

_NONCE = 12


@dataclass(frozen=True)
class EnvelopeErrors:
    """The sentence raised for each way an envelope can fail to open."""

    foreign: WalletError  # not JSON, or another format
    newer: WalletError  # this format, another version
    damaged: WalletError  # the body does not open under this key and context


class SealedEnvelope:
    """Seal and open the envelopes of one format and version under one key."""

    def __init__(self, name: str, version: int, key: bytes) -> None:
        self._name = name
        self._version = version
        self._aead = ChaCha20Poly1305(key)

    def _ad(self, context: bytes) -> bytes:
        ad = b"%s\x00%d" % (self._name.encode("ascii"), self._version)
        return ad + b"\x00" + context if context else ad

    def seal(self, body: bytes, context: bytes = b"") -> bytes:
        """The file's bytes: the envelope around ``body``, sealed with a fresh nonce."""
        nonce = os.urandom(_NONCE)
        sealed = nonce + self._aead.encrypt(nonce, body, self._ad(context))
        envelope = {
            "format": self._name,
            "version": self._version,
            "sealed": base64.b64encode(sealed).decode("ascii"),
        }
        return json.dumps(envelope, sort_keys=True).encode("ascii") + b"\n"

    def open(self, data: bytes, errors: EnvelopeErrors, context: bytes = b"") -> bytes:
        """The body sealed in ``data``; raises the matching error of ``errors`` otherwise."""
        try:
            envelope = json.loads(data)
            if not isinstance(envelope, dict) or envelope.get("format") != self._name:
                raise ValueError("format")
        except ValueError:
            raise errors.foreign from None
        if envelope.get("version") != self._version:
            raise errors.newer
        try:
            sealed = base64.b64decode(envelope["sealed"], validate=True)
            return self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], self._ad(context))
        except (KeyError, TypeError, ValueError, InvalidTag):
            raise errors.damaged from None
