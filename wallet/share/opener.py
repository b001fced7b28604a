"""The provider's side of a bundle: check it against what the patient committed to, then decrypt.

Owns :func:`verify_bundle` (everything that needs the provider's identity but writes nothing) and
:func:`extract_records` (decrypt every record into the provider's chosen folder, all or nothing).
The chain check (is this share authorised for me now?) is the caller's, between the two: see
:mod:`wallet.share.service`.

Checks, in order: the bundle names this identity's recipient; ``manifest.age`` hashes to what
``bundle.json`` says; each record member's header bytes hash to what ``bundle.json`` says (before
they are parsed) and its payload has the committed size; the manifest decrypts with this identity
and lists exactly the bundle's members; each header unwraps with this identity (its MAC verified).
Extraction then decrypts each payload (STREAM AEAD under the header's file key) while hashing the
plaintext, and refuses unless size and SHA-256 equal the manifest's.

Must not import Qt, the vault or the chain code. Security notes: plaintext is written only inside
the folder the provider named, to 0600 temporary files that become visible (by hard link, never
overwriting) only after EVERY record has been verified; on any failure all of them are removed, so
an altered bundle leaves no partial file. File names come from :mod:`wallet.share.names`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from wallet.age import (
    AgeError,
    IncorrectIdentity,
    X25519Identity,
    decrypt_payload,
    parse_header,
    unwrap_file_key,
)
from wallet.age.format import MAX_HEADER_SIZE
from wallet.errors import WalletError, WalletExists, WalletValueError
from wallet.fileio import DIR_MODE, FILE_MODE, fsync_dir, temp_path_for
from wallet.share.errors import BundleAltered, BundleInvalid, BundleNotForMe
from wallet.share.manifest import Manifest, ManifestEntry
from wallet.share.names import safe_file_name, unique_names
from wallet.share.reader import BundleFile, MemberSpan

__all__ = ["OpenedRecord", "VerifiedBundle", "extract_records", "verify_bundle"]

_FOOTER = b"\n--- "


@dataclass(frozen=True)
class _Record:
    span: MemberSpan
    payload_start: int
    file_key: bytes
    entry: ManifestEntry


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle whose structure, commitments and keys check out for one identity."""

    bundle: BundleFile
    manifest: Manifest
    records: tuple[_Record, ...]


@dataclass(frozen=True)
class OpenedRecord:
    """One record written out: where, and what the manifest says it is."""

    path: Path
    entry: ManifestEntry


def _header_bytes(bundle: BundleFile, span: MemberSpan, number: int) -> bytes:
    head = bundle.read(span, 0, min(span.size, MAX_HEADER_SIZE))
    footer = head.find(_FOOTER)
    end = head.find(b"\n", footer + 1) if footer >= 0 else -1
    if end < 0:
        raise BundleAltered(f"the header of record {number} is damaged")
    return head[: end + 1]


def verify_bundle(bundle: BundleFile, identity: X25519Identity) -> VerifiedBundle:
    """Check the bundle for ``identity`` and unwrap its file keys; writes nothing."""
    descriptor = bundle.descriptor
    if descriptor.provider_recipient != identity.recipient().to_string():
        raise BundleNotForMe(
            f"This bundle was made for the provider {descriptor.provider} and another encryption "
            "key, not for this wallet."
        )
    if hashlib.sha256(bundle.manifest_bytes).hexdigest() != descriptor.manifest_sha256:
        raise BundleAltered("its manifest does not match")
    headers: list[tuple[MemberSpan, bytes]] = []
    for number, (span, committed) in enumerate(
        zip(bundle.records, descriptor.entries, strict=True), 1
    ):
        raw = _header_bytes(bundle, span, number)
        if hashlib.sha256(raw).hexdigest() != committed.header_sha256:
            raise BundleAltered(f"the header of record {number} does not match")
        if span.size - len(raw) != committed.payload_size:
            raise BundleAltered(f"record {number} does not have the committed size")
        headers.append((span, raw))
    try:
        manifest = Manifest.unseal(bundle.manifest_bytes, identity)
    except IncorrectIdentity:
        raise BundleNotForMe("This bundle's manifest is not encrypted to this wallet.") from None
    except AgeError:
        raise BundleInvalid("its manifest cannot be decrypted") from None
    if [e.name for e in manifest.entries] != [e.name for e in descriptor.entries]:
        raise BundleInvalid("its manifest does not list the bundle's records")
    records: list[_Record] = []
    for number, ((span, raw), entry) in enumerate(zip(headers, manifest.entries, strict=True), 1):
        try:
            header, offset = parse_header(raw)
            if offset != len(raw):
                raise BundleInvalid(f"the header of record {number} is malformed")
            file_key = unwrap_file_key(header, [identity])
        except IncorrectIdentity:
            raise BundleNotForMe(
                f"Record {number} of this bundle is not encrypted to this wallet."
            ) from None
        except AgeError:
            raise BundleInvalid(f"the header of record {number} is malformed") from None
        records.append(_Record(span, len(raw), file_key, entry))
    return VerifiedBundle(bundle, manifest, tuple(records))


def _prepare_folder(out_dir: Path) -> tuple[Path, set[str]]:
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise WalletValueError(f"{out_dir} is not a folder; choose a folder for the records.")
    try:
        out_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        taken = {entry.name for entry in out_dir.iterdir()}
    except OSError as exc:
        raise WalletError(f"The folder {out_dir} cannot be used ({exc.strerror}).") from None
    return out_dir, taken


def _decrypt_one(verified: VerifiedBundle, record: _Record, tmp: Path, number: int) -> None:
    hasher = hashlib.sha256()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    with (
        os.fdopen(fd, "wb", buffering=0) as dst,
        verified.bundle.reader(record.span, record.payload_start) as src,
    ):
        try:
            size = decrypt_payload(src, dst, record.file_key, plaintext_hash=hasher)
        except AgeError:
            raise BundleAltered(f"the contents of record {number} do not authenticate") from None
        os.fsync(dst.fileno())
    if size != record.entry.size or hasher.hexdigest() != record.entry.sha256:
        raise BundleAltered(f"the contents of record {number} do not match the manifest")


def extract_records(verified: VerifiedBundle, out_dir: Path) -> list[OpenedRecord]:
    """Decrypt every record into ``out_dir`` (created 0700 if missing): all of them, or none."""
    out_dir, taken = _prepare_folder(out_dir)
    wanted = [
        safe_file_name(r.entry.title, r.entry.source_name, r.entry.media_type)
        for r in verified.records
    ]
    names = unique_names(wanted, taken)
    temps: list[Path] = []
    placed: list[Path] = []
    try:
        for number, (record, name) in enumerate(zip(verified.records, names, strict=True), 1):
            tmp = temp_path_for(out_dir / name)
            temps.append(tmp)
            _decrypt_one(verified, record, tmp, number)
        for tmp, name in zip(temps, names, strict=True):
            target = out_dir / name
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise WalletExists(
                    f"{target} appeared while the records were being written; nothing was kept."
                ) from None
            placed.append(target)
        for tmp in temps:
            tmp.unlink()
        fsync_dir(out_dir)
    except BaseException as exc:
        _remove_all([*temps, *placed])
        if isinstance(exc, OSError):
            raise WalletError(
                f"The records could not be written to {out_dir} ({exc.strerror or exc}); "
                "nothing was kept."
            ) from None
        raise
    return [
        OpenedRecord(out_dir / name, record.entry)
        for record, name in zip(verified.records, names, strict=True)
    ]


def _remove_all(paths: Sequence[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()
