"""``manifest.age``: what each record of a bundle is, encrypted to the provider only.

Owns the v1 manifest (format ``patient-wallet-share-manifest``): per record member its name, the
patient's record id and version, title, media type, original file name, plaintext size and
plaintext SHA-256. The JSON is canonical and sealed as an age file to the provider's registered
X25519 recipient alone; ``bundle.json`` commits to the ciphertext's SHA-256.

Must not import Qt, the vault or the chain code. Security notes: titles and file names are health
data, which is why they never appear in ``bundle.json`` or on chain; the plaintext hashes here are
what bind each payload to the content the patient chose (see docs/SHARING.md). Parsing is strict
(size cap, exact fields, types, ranges); the reader checks the entries against ``bundle.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from wallet.age import X25519Identity, X25519Recipient, decrypt_bytes, encrypt_bytes
from wallet.share.descriptor import MAX_ENTRIES
from wallet.share.errors import BundleInvalid, BundleUnsupported

__all__ = ["MANIFEST_FORMAT", "MANIFEST_VERSION", "MAX_MANIFEST_BYTES", "Manifest", "ManifestEntry"]

MANIFEST_FORMAT = "patient-wallet-share-manifest"
MANIFEST_VERSION = 1
#: Largest ``manifest.age`` read (titles and file names are capped at 500 and 1000 characters).
MAX_MANIFEST_BYTES = 32 * 1024 * 1024
_MAX_TEXT = 1000
_HEX64 = re.compile(r"[0-9a-f]{64}", re.ASCII)
_RECORD_ID = re.compile(r"[0-9a-f]{32}", re.ASCII)
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*", re.ASCII)
_KEYS = frozenset({"entries", "format", "version"})
_ENTRY_KEYS = frozenset(
    {"media_type", "name", "record_id", "record_version", "sha256", "size", "source_name", "title"}
)


@dataclass(frozen=True)
class ManifestEntry:
    """One shared record as the provider learns it."""

    name: str
    record_id: str
    record_version: int
    title: str
    media_type: str
    source_name: str
    size: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {
            "media_type": self.media_type,
            "name": self.name,
            "record_id": self.record_id,
            "record_version": self.record_version,
            "sha256": self.sha256,
            "size": self.size,
            "source_name": self.source_name,
            "title": self.title,
        }


@dataclass(frozen=True)
class Manifest:
    """The decrypted manifest of one bundle."""

    entries: tuple[ManifestEntry, ...]

    def encode(self) -> bytes:
        document = {
            "entries": [e.as_json() for e in self.entries],
            "format": MANIFEST_FORMAT,
            "version": MANIFEST_VERSION,
        }
        return json.dumps(
            document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")

    def seal(self, recipient: X25519Recipient) -> bytes:
        """The ``manifest.age`` bytes: this manifest encrypted to ``recipient`` only."""
        return encrypt_bytes(self.encode(), [recipient])

    @classmethod
    def unseal(cls, data: bytes, identity: X25519Identity) -> Manifest:
        """Decrypt and parse ``manifest.age``; age errors propagate as typed ``WalletError``s."""
        if len(data) > MAX_MANIFEST_BYTES:
            raise BundleInvalid("its manifest is too large")
        return cls.parse(decrypt_bytes(data, [identity]))

    @classmethod
    def parse(cls, data: bytes) -> Manifest:
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise BundleInvalid("its manifest is not valid JSON") from None
        if not isinstance(document, dict) or document.get("format") != MANIFEST_FORMAT:
            raise BundleInvalid("its manifest is not a Patient Wallet share manifest")
        if document.get("version") != MANIFEST_VERSION or isinstance(document["version"], bool):
            raise BundleUnsupported(
                "This share bundle's manifest uses a version this program does not support; "
                "update Patient Wallet."
            )
        entries = document.get("entries")
        if set(document) != _KEYS or not isinstance(entries, list):
            raise BundleInvalid("its manifest does not have the expected fields")
        if not 1 <= len(entries) <= MAX_ENTRIES:
            raise BundleInvalid(f"its manifest must list 1 to {MAX_ENTRIES} records")
        return cls(tuple(_entry(e) for e in entries))


def _text(value: object, *, empty: bool = False) -> bool:
    return (
        isinstance(value, str)
        and (empty or bool(value))
        and len(value) <= _MAX_TEXT
        and "\x00" not in value
    )


def _int(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _entry(raw: object) -> ManifestEntry:
    if not isinstance(raw, dict) or set(raw) != _ENTRY_KEYS:
        raise BundleInvalid("a manifest entry does not have the expected fields")
    checks = (
        _text(raw["name"]),
        isinstance(raw["record_id"], str) and bool(_RECORD_ID.fullmatch(raw["record_id"])),
        _int(raw["record_version"], 1, 2**63 - 1),
        _text(raw["title"]),
        isinstance(raw["media_type"], str)
        and len(raw["media_type"]) <= 127
        and bool(_MEDIA_TYPE.fullmatch(raw["media_type"])),
        _text(raw["source_name"], empty=True),
        _int(raw["size"], 0, 2**63 - 1),
        isinstance(raw["sha256"], str) and bool(_HEX64.fullmatch(raw["sha256"])),
    )
    if not all(checks):
        raise BundleInvalid("a manifest entry has a malformed field")
    return ManifestEntry(
        name=raw["name"],
        record_id=raw["record_id"],
        record_version=raw["record_version"],
        title=raw["title"],
        media_type=raw["media_type"],
        source_name=raw["source_name"],
        size=raw["size"],
        sha256=raw["sha256"],
    )
