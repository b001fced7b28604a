"""``bundle.json``: the plain, non-sensitive description of a share bundle, and the share id.

Owns the v1 schema, its one canonical byte encoding, strict parsing of untrusted bytes, and the
share id: ``SHA-256(canonical bundle.json bytes)``, the value the patient's grant puts on chain.

``bundle.json`` (format ``patient-wallet-share``, version 1) names the patient, the provider and
the provider's age recipient, the chain id and ``ConsentRegistry`` address the grant lives on, the
creation time (Unix seconds), the SHA-256 of ``manifest.age`` and, per record member, its name
(``records/NNNN.age``), the SHA-256 of its age header and the size of its payload. Canonical form:
``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=True)``, no trailing newline.

Must not import Qt, the vault, the chain code or any file I/O. Security notes: input is untrusted;
it is size-capped before parsing, duplicate keys and unknown keys are refused, and a document that
parses but is not byte-for-byte canonical is refused, so one bundle has exactly one share id.
Nothing here is secret: addresses, hashes and sizes (sizes reveal record sizes to within the age
framing; see docs/SHARING.md).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from wallet.share.errors import BundleInvalid, BundleUnsupported

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_VERSION",
    "MAX_DESCRIPTOR_BYTES",
    "MAX_ENTRIES",
    "BundleDescriptor",
    "BundleEntry",
    "entry_name",
    "share_id_of",
]

BUNDLE_FORMAT = "patient-wallet-share"
BUNDLE_VERSION = 1
#: Most records one bundle may hold (member names have four digits).
MAX_ENTRIES = 9999
#: Largest ``bundle.json`` read (about 130 bytes per entry).
MAX_DESCRIPTOR_BYTES = 4 * 1024 * 1024
#: Largest payload of one record member (64 GiB).
MAX_PAYLOAD_SIZE = 64 * 2**30
#: Smallest age payload: a 16-byte nonce and one empty final chunk (a 16-byte tag).
MIN_PAYLOAD_SIZE = 32

_HEX64 = re.compile(r"[0-9a-f]{64}", re.ASCII)
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}", re.ASCII)
_RECIPIENT = re.compile(r"age1[02-9ac-hj-np-z]{58}", re.ASCII)
_ENTRY_NAME = re.compile(r"records/([0-9]{4})\.age", re.ASCII)
_KEYS = frozenset(
    {
        "chain_id",
        "consent_registry",
        "created_at",
        "entries",
        "format",
        "manifest_sha256",
        "patient",
        "provider",
        "provider_recipient",
        "version",
    }
)
_ENTRY_KEYS = frozenset({"header_sha256", "name", "payload_size"})


def entry_name(index: int) -> str:
    """The member name of the ``index``-th record (0-based): ``records/0001.age`` first."""
    if not 0 <= index < MAX_ENTRIES:
        raise BundleInvalid(f"a bundle holds at most {MAX_ENTRIES} records")
    return f"records/{index + 1:04d}.age"


def share_id_of(descriptor_bytes: bytes) -> bytes:
    """The share id (32 bytes) of a bundle: SHA-256 of its exact ``bundle.json`` bytes."""
    return hashlib.sha256(descriptor_bytes).digest()


@dataclass(frozen=True)
class BundleEntry:
    """One record member as ``bundle.json`` commits to it."""

    name: str
    header_sha256: str
    payload_size: int


@dataclass(frozen=True)
class BundleDescriptor:
    """The parsed ``bundle.json``. Build with the constructor, serialise with :meth:`encode`."""

    patient: str
    provider: str
    provider_recipient: str
    chain_id: int
    consent_registry: str
    created_at: int
    manifest_sha256: str
    entries: tuple[BundleEntry, ...]

    def encode(self) -> bytes:
        """The canonical bytes (the share id is their SHA-256)."""
        document = {
            "chain_id": self.chain_id,
            "consent_registry": self.consent_registry,
            "created_at": self.created_at,
            "entries": [
                {"header_sha256": e.header_sha256, "name": e.name, "payload_size": e.payload_size}
                for e in self.entries
            ],
            "format": BUNDLE_FORMAT,
            "manifest_sha256": self.manifest_sha256,
            "patient": self.patient,
            "provider": self.provider,
            "provider_recipient": self.provider_recipient,
            "version": BUNDLE_VERSION,
        }
        _check_document(document)
        return _canonical(document)

    @property
    def share_id(self) -> bytes:
        return share_id_of(self.encode())

    @classmethod
    def parse(cls, data: bytes) -> BundleDescriptor:
        """Parse untrusted ``bundle.json``; :class:`BundleInvalid` unless exactly canonical."""
        if len(data) > MAX_DESCRIPTOR_BYTES:
            raise BundleInvalid("its description is too large")
        try:
            document = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise BundleInvalid("its description is not valid JSON") from None
        if not isinstance(document, dict):
            raise BundleInvalid("its description is not a JSON object")
        if document.get("format") != BUNDLE_FORMAT:
            raise BundleInvalid("it does not describe a Patient Wallet share")
        version = document.get("version")
        if version != BUNDLE_VERSION or isinstance(version, bool):
            raise BundleUnsupported(
                f"This share bundle uses format version {_shown(version)}, which this program "
                "does not support; update Patient Wallet."
            )
        _check_document(document)
        if _canonical(document) != data:
            raise BundleInvalid("its description is not in canonical form")
        return cls(
            patient=document["patient"],
            provider=document["provider"],
            provider_recipient=document["provider_recipient"],
            chain_id=document["chain_id"],
            consent_registry=document["consent_registry"],
            created_at=document["created_at"],
            manifest_sha256=document["manifest_sha256"],
            entries=tuple(
                BundleEntry(e["name"], e["header_sha256"], e["payload_size"])
                for e in document["entries"]
            ),
        )


def _canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode(
        "ascii"
    )


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BundleInvalid("its description repeats a field")
        result[key] = value
    return result


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 20 else text[:20] + "…"


def _is_int(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _check_document(document: dict[str, Any]) -> None:
    if set(document) != _KEYS:
        raise BundleInvalid("its description does not have the expected fields")
    for key in ("patient", "provider", "consent_registry"):
        if not isinstance(document[key], str) or not _ADDRESS.fullmatch(document[key]):
            raise BundleInvalid(f"its {key.replace('_', ' ')} is not an address")
    if not isinstance(document["provider_recipient"], str) or not _RECIPIENT.fullmatch(
        document["provider_recipient"]
    ):
        raise BundleInvalid("its provider key is not an age recipient")
    if not _is_int(document["chain_id"], 1, 2**64 - 1):
        raise BundleInvalid("its chain id is out of range")
    if not _is_int(document["created_at"], 0, 2**40):
        raise BundleInvalid("its creation time is out of range")
    if not isinstance(document["manifest_sha256"], str) or not _HEX64.fullmatch(
        document["manifest_sha256"]
    ):
        raise BundleInvalid("its manifest hash is malformed")
    entries = document["entries"]
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_ENTRIES:
        raise BundleInvalid(f"it must hold 1 to {MAX_ENTRIES} records")
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != _ENTRY_KEYS:
            raise BundleInvalid("a record entry does not have the expected fields")
        if entry["name"] != entry_name(index):
            raise BundleInvalid("its record entries are not numbered in order")
        if not isinstance(entry["header_sha256"], str) or not _HEX64.fullmatch(
            entry["header_sha256"]
        ):
            raise BundleInvalid("a record header hash is malformed")
        if not _is_int(entry["payload_size"], MIN_PAYLOAD_SIZE, MAX_PAYLOAD_SIZE):
            raise BundleInvalid("a record payload size is out of range")
