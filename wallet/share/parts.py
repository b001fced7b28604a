"""What makes a share bundle reproducible: its small parts, kept in the sealed share ledger.

Owns :class:`BundleParts` and its versioned text form. A bundle is ``bundle.json`` + the sealed
manifest + for each record a re-wrapped age header followed by the record's payload, and that
payload is the vault file's payload byte for byte. Everything in a bundle but the payloads is a
few hundred bytes per record, and the payloads stay in the vault. So the wallet keeps these parts
(durably, in the ledger, before the grant is sent) and can write the very same bundle again, with
the same share id, for as long as the shared record versions are in the vault.

That is why a bundle file is written like a copy (atomically, not forced to disk): if a power cut
loses it before the system wrote it back, or the patient deletes it, ``share bundle SHARE_ID``
rebuilds it and the grant on chain still matches.

Must not import Qt, the vault or the chain code. Security notes: every part is either public
(``bundle.json``, which the ledger seals anyway) or encrypted to the provider (the manifest and the
headers); none holds a key the provider does not get from the bundle itself.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from wallet.errors import CorruptData

__all__ = ["PARTS_VERSION", "BundleParts"]

#: The version of the text form below; bump it with any change to its fields.
PARTS_VERSION = 1
_FORMAT = "patient-wallet-bundle-parts"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not text")
    return base64.b64decode(text, validate=True)


@dataclass(frozen=True)
class BundleParts:
    """``bundle.json``, the sealed manifest, and each record member's header, in bundle order."""

    descriptor: bytes
    manifest: bytes
    headers: tuple[bytes, ...]

    def encode(self) -> str:
        """A compact JSON text naming its format and version."""
        return json.dumps(
            {
                "format": _FORMAT,
                "version": PARTS_VERSION,
                "descriptor": _b64(self.descriptor),
                "manifest": _b64(self.manifest),
                "headers": [_b64(h) for h in self.headers],
            },
            separators=(",", ":"),
            sort_keys=True,
        )

    @classmethod
    def decode(cls, text: str) -> BundleParts:
        """Parse :meth:`encode` output; a damaged or unknown form is :class:`CorruptData`."""
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict) or raw.get("format") != _FORMAT:
                raise ValueError("format")
            if raw.get("version") != PARTS_VERSION:
                raise ValueError("version")
            headers = raw["headers"]
            if not isinstance(headers, list) or not headers:
                raise ValueError("headers")
            return cls(
                descriptor=_unb64(raw["descriptor"]),
                manifest=_unb64(raw["manifest"]),
                headers=tuple(_unb64(h) for h in headers),
            )
        except (KeyError, TypeError, ValueError, binascii.Error):
            raise CorruptData(
                "The ledger's copy of this share's bundle parts is damaged; the bundle cannot be "
                "rebuilt."
            ) from None
