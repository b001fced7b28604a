"""Record identity and metadata: what a record is called and what the vault tells callers about it.

Owns :class:`RecordMeta` (the value type every caller sees), :class:`VaultProblem` (what
:meth:`Vault.check` reports), the record-id rules (32 random lowercase hex characters, never
derived from a file's name or content) and id-prefix parsing.

Must not import the age layer, SQLite, or Qt. Security notes: ids come from :mod:`secrets`; an id
reveals nothing about the record. A ``RecordMeta`` holds health metadata (title, media type) in
memory only; it is never logged by the vault.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from wallet.errors import WalletValueError
from wallet.vault.sealed import SealedFields

ID_BYTES = 16
ID_HEX_CHARS = 2 * ID_BYTES
MIN_PREFIX_CHARS = 6
RECORD_SUFFIX = ".age"
_HEX = re.compile(r"[0-9a-f]+")
_RECORD_FILE = re.compile(r"([0-9a-f]{32})\.age")


def new_record_id() -> str:
    """A fresh random record id."""
    return secrets.token_hex(ID_BYTES)


def parse_id_prefix(text: str) -> str:
    """Normalise a user-typed record id or prefix; ``WalletValueError`` if it cannot be one."""
    prefix = text.strip().lower()
    if not _HEX.fullmatch(prefix) or not MIN_PREFIX_CHARS <= len(prefix) <= ID_HEX_CHARS:
        shown = text if len(text) <= 40 and text.isprintable() else repr(text[:40])
        raise WalletValueError(
            f"{shown} is not a record id; use at least {MIN_PREFIX_CHARS} of its hexadecimal "
            "characters."
        )
    return prefix


def record_id_of_file(name: str) -> str | None:
    """The record id a vault file name ``<id>.age`` stands for, or None for any other name."""
    match = _RECORD_FILE.fullmatch(name)
    return match.group(1) if match else None


@dataclass(frozen=True)
class RecordMeta:
    """A record as the vault describes it. ``version`` increments on every key rotation."""

    id: str
    title: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime
    source_name: str
    version: int

    @classmethod
    def from_fields(cls, record_id: str, version: int, fields: SealedFields) -> RecordMeta:
        return cls(
            id=record_id,
            title=fields.title,
            media_type=fields.media_type,
            size=fields.size,
            sha256=fields.sha256,
            created_at=fields.created_at,
            source_name=fields.source_name,
            version=version,
        )

    def fields(self) -> SealedFields:
        return SealedFields(
            title=self.title,
            media_type=self.media_type,
            size=self.size,
            sha256=self.sha256,
            created_at=self.created_at,
            source_name=self.source_name,
        )


class ProblemKind(StrEnum):
    MISSING_FILE = "missing_file"
    """The index lists the record but its ``.age`` file is gone."""
    DAMAGED_ENTRY = "damaged_entry"
    """The record's index entry does not unseal (altered or written with another key)."""
    DAMAGED_FILE = "damaged_file"
    """The ``.age`` file does not decrypt to the recorded content (only with ``verify=True``)."""
    UNINDEXED_FILE = "unindexed_file"
    """A ``<id>.age`` file the index does not know (e.g. the index was restored from an older
    backup). It is kept, not deleted: it may be the only copy of a record."""


@dataclass(frozen=True)
class VaultProblem:
    """One finding of :meth:`Vault.check`, with a sentence for the user."""

    record_id: str
    kind: ProblemKind
    message: str
