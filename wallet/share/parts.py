"""What makes a share bundle reproducible: its small parts, kept sealed beside the share ledger.

Owns :class:`BundleParts` (and its versioned text form) and :class:`PartsStore`, the files
``<data_dir>/shares/<share id>.parts``. A bundle is ``bundle.json`` + the sealed manifest + for
each record a re-wrapped age header followed by the record's payload, and that payload is the
vault file's payload byte for byte. Everything in a bundle but the payloads is a few hundred bytes
per record, and the payloads stay in the vault. So the wallet keeps these parts (durably, before
the grant is sent) and can write the very same bundle again, with the same share id, for as long
as the shared record versions are in the vault.

That is why a bundle file is written like a copy (atomically, not forced to disk): if a power cut
loses it before the system wrote it back, or the patient deletes it, ``share bundle SHARE_ID``
rebuilds it and the grant on chain still matches. One file per share (rather than a field of the
ledger) keeps the ledger small, whatever the size of the shares; backups carry these files with
the ledger, so a restored wallet can rebuild its bundles too.

File format: a plain JSON envelope ``{"format": "patient-wallet-bundle-parts", "version": 1,
"sealed": base64}``; the content (:meth:`BundleParts.encode`) is sealed with ChaCha20-Poly1305
under the session subkey ``share-bundle-parts``, a fresh 12-byte nonce per write, with the format,
version and share id as associated data (a file renamed to another share's name does not open).

Must not import Qt, the vault or the chain code. Security notes: every part is either public
(``bundle.json``) or encrypted to the provider (the manifest and the headers); none holds a key the
provider does not get from the bundle itself. They are sealed anyway, because which provider got
how many records is private.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from pathlib import Path

from wallet.errors import CorruptData, UnsupportedFormat, WalletValueError
from wallet.fileio import ensure_private_dir, write_atomic
from wallet.share.envelope import EnvelopeErrors, SealedEnvelope

__all__ = ["PARTS_PURPOSE", "PARTS_VERSION", "BundleParts", "PartsStore"]

#: The session subkey that seals the parts files.
PARTS_PURPOSE = "share-bundle-parts"
PARTS_SUFFIX = ".parts"
#: A parts file is a few hundred bytes per record; this bounds what is read before unsealing.
MAX_PARTS_BYTES = 64 * 1024 * 1024
_SHARE_ID = re.compile(r"[0-9a-f]{64}")

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
                "The stored parts of this share's bundle are damaged; the bundle cannot be rebuilt."
            ) from None


class PartsStore:
    """The sealed parts files of one wallet's shares. ``key`` is the ``share-bundle-parts`` key."""

    def __init__(self, directory: Path, key: bytes) -> None:
        if not isinstance(key, bytes) or len(key) != 32:
            raise WalletValueError("The bundle parts key must be 32 bytes.")
        self.directory = Path(directory)
        self._envelope = SealedEnvelope(_FORMAT, PARTS_VERSION, key)

    def path(self, share_id: str) -> Path:
        """Where the parts of ``share_id`` (64 lower-case hex digits) are kept."""
        wanted = share_id.lower().removeprefix("0x")
        if not _SHARE_ID.fullmatch(wanted):
            raise WalletValueError("A share id is 64 hexadecimal digits.")
        return self.directory / f"{wanted}{PARTS_SUFFIX}"

    def save(self, share_id: str, parts: BundleParts) -> None:
        """Write the parts of ``share_id`` durably (temp file, fsync, rename; 0600)."""
        path = self.path(share_id)
        data = self._envelope.seal(parts.encode().encode("ascii"), path.stem.encode("ascii"))
        ensure_private_dir(self.directory)
        write_atomic(path, data)

    def load(self, share_id: str) -> BundleParts | None:
        """The parts of ``share_id``, or None if this wallet kept none (or they were removed)."""
        path = self.path(share_id)
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_PARTS_BYTES + 1)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CorruptData(f"The file {path} cannot be read ({exc.strerror}).") from None
        damaged = CorruptData(
            f"{path} is damaged or does not belong to this wallet; the bundle cannot be rebuilt."
        )
        if len(data) > MAX_PARTS_BYTES:
            raise damaged
        newer = UnsupportedFormat(
            f"{path} was written by a newer Patient Wallet; update the program."
        )
        plain = self._envelope.open(
            data, EnvelopeErrors(foreign=damaged, newer=newer, damaged=damaged), path.stem.encode()
        )
        try:
            text = plain.decode("ascii")
        except UnicodeDecodeError:
            raise damaged from None
        return BundleParts.decode(text)

    def remove(self, share_id: str) -> None:
        """Forget the parts of ``share_id`` (once its bundle can no longer be of use)."""
        self.path(share_id).unlink(missing_ok=True)
