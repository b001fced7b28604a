"""The backup container format, version 1: names, keys, the info member and the signed manifest.

Owns what a backup file is (see ``docs/BACKUP.md``)::

    age v1 file, one X25519 stanza to the backup recipient (seed subkey "backup")
      └─ plaintext: either the tar stream below, or (with a backup password) an inner age v1
         file with a single scrypt stanza whose plaintext is the tar stream
    tar stream (POSIX pax, written in streaming mode), members in this order:
      patient-wallet-backup/BACKUP.json        format name, version, creation time
      patient-wallet-backup/data/<path>        settings.json, chain-journal.json, shares/<name>,
                                               vault/index.sqlite3, vault/records/<id>.age
      patient-wallet-backup/MANIFEST.json      every member's path, size and SHA-256, in order,
                                               HMAC-SHA256 under seed subkey "backup-manifest"

It also owns the allow-list of data paths a restore may write: anything else in a tar is refused,
so a crafted archive cannot write outside the new data directory or plant a keystore.

Must not import Qt, the vault or the CLI. Security notes: the backup identity and the manifest key
are HKDF outputs of the seed under their own purposes (``docs/KEYS.md``), independent of the vault
identity and of every signing key; the words alone re-derive both. The manifest MAC makes the
backup's authenticity independent of keeping the (never published) backup recipient secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from wallet.age import X25519Identity
from wallet.backup.errors import BackupCorrupt, BackupUnsupported
from wallet.session import Session

FORMAT: Final = "patient-wallet-backup"
VERSION: Final = 1
SUPPORTED_VERSIONS: Final = frozenset({1})
MANIFEST_FORMAT: Final = "patient-wallet-backup-manifest"

ROOT: Final = "patient-wallet-backup"
INFO_MEMBER: Final = f"{ROOT}/BACKUP.json"
MANIFEST_MEMBER: Final = f"{ROOT}/MANIFEST.json"
DATA_PREFIX: Final = f"{ROOT}/data/"

BACKUP_KEY_PURPOSE: Final = "backup"
MANIFEST_KEY_PURPOSE: Final = "backup-manifest"
_MAC_DOMAIN: Final = b"patient-wallet-backup-manifest/1\x00"

MAX_INFO_BYTES: Final = 64 * 1024
MAX_MANIFEST_BYTES: Final = 64 * 2**20

SETTINGS_PATH: Final = "settings.json"
JOURNAL_PATH: Final = "chain-journal.json"
INDEX_PATH: Final = "vault/index.sqlite3"
RECORDS_PREFIX: Final = "vault/records/"
SHARES_PREFIX: Final = "shares/"

_ALLOWED: Final = re.compile(
    r"settings\.json|chain-journal\.json|vault/index\.sqlite3"
    r"|vault/records/[0-9a-f]{32}\.age|shares/[A-Za-z0-9][A-Za-z0-9._-]{0,127}"
)
_SHA256_HEX: Final = re.compile(r"[0-9a-f]{64}")


def backup_identity(session: Session) -> X25519Identity:
    """The X25519 identity every backup of this wallet is encrypted to (seed subkey ``backup``)."""
    return X25519Identity.from_private_bytes(session.subkey(BACKUP_KEY_PURPOSE))


def manifest_key(session: Session) -> bytes:
    """The HMAC-SHA256 key of the manifest (seed subkey ``backup-manifest``)."""
    return session.subkey(MANIFEST_KEY_PURPOSE)


def is_allowed_data_path(path: str) -> bool:
    """Whether a restore may write ``path`` (relative to the data directory)."""
    return _ALLOWED.fullmatch(path) is not None


def data_member(path: str) -> str:
    """The tar member name of the data file ``path``."""
    return DATA_PREFIX + path


def record_id_of(path: str) -> str | None:
    """The record id of ``vault/records/<id>.age``, or None for any other data path."""
    if path.startswith(RECORDS_PREFIX) and is_allowed_data_path(path):
        return path[len(RECORDS_PREFIX) : -len(".age")]
    return None


@dataclass(frozen=True)
class Entry:
    """One member of the tar as the manifest lists it."""

    name: str
    size: int
    sha256: str


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("utf-8")


def info_document(created_at: datetime, program_version: str) -> bytes:
    """The ``BACKUP.json`` member: format, version, creation time (UTC) and program version."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="seconds"),
        "program": program_version,
    }
    return json.dumps(document, indent=2, sort_keys=True).encode("utf-8") + b"\n"


def _load_json(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackupCorrupt(f"The backup's {what} is damaged; nothing was changed.") from None
    if not isinstance(value, dict):
        raise BackupCorrupt(f"The backup's {what} is damaged; nothing was changed.")
    return value


def check_info(data: bytes) -> str:
    """The creation time of a ``BACKUP.json``; refuse another format or an unknown version."""
    info = _load_json(data, "description")
    if info.get("format") != FORMAT:
        raise BackupCorrupt("This file is not a Patient Wallet backup; nothing was changed.")
    if info.get("version") not in SUPPORTED_VERSIONS:
        raise BackupUnsupported(
            "This backup was made by a newer Patient Wallet; update the program to restore it."
        )
    created_at = info.get("created_at")
    try:
        datetime.fromisoformat(str(created_at))
    except ValueError:
        raise BackupCorrupt("The backup's description is damaged; nothing was changed.") from None
    return str(created_at)


def _mac(key: bytes, body: dict[str, Any]) -> str:
    return hmac.new(key, _MAC_DOMAIN + _canonical(body), hashlib.sha256).hexdigest()


def manifest_document(entries: Sequence[Entry], key: bytes) -> bytes:
    """The ``MANIFEST.json`` member: every earlier member in order, MACed under ``key``."""
    body: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "version": VERSION,
        "entries": [[e.name, e.size, e.sha256] for e in entries],
    }
    return _canonical({**body, "mac": _mac(key, body)}) + b"\n"


def parse_manifest(data: bytes, key: bytes) -> list[Entry]:
    """The entries of a manifest whose MAC verifies under ``key``; refuse anything else."""
    document = _load_json(data, "manifest")
    mac = document.pop("mac", None)
    if document.get("format") != MANIFEST_FORMAT or document.get("version") != VERSION:
        raise BackupUnsupported(
            "This backup's manifest has a version this program does not know; update the program."
        )
    if not isinstance(mac, str) or not hmac.compare_digest(mac, _mac(key, document)):
        raise BackupCorrupt(
            "The backup's manifest does not verify with these recovery words; it was altered or "
            "made by another wallet, and nothing was changed."
        )
    entries: list[Entry] = []
    for item in document.get("entries", ()):
        if (
            not isinstance(item, list)
            or len(item) != 3
            or not isinstance(item[0], str)
            or type(item[1]) is not int
            or not isinstance(item[2], str)
            or not _SHA256_HEX.fullmatch(item[2])
        ):
            raise BackupCorrupt("The backup's manifest is damaged; nothing was changed.")
        entries.append(Entry(item[0], item[1], item[2]))
    return entries
