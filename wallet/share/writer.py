"""Building a share bundle from vault records: re-wrap headers, seal the manifest, copy payloads.

Owns :func:`write_bundle` and :func:`rebuild_bundle`. For each chosen record it reads the vault
file's age header, unwraps the record's file key (through the vault), and writes a NEW header
wrapping that same file key to the provider's registered X25519 recipient only; the payload bytes
that follow are copied unchanged (never re-encrypted) by the kernel. It then seals the manifest to
the provider, builds the canonical ``bundle.json`` (whose SHA-256 is the share id) and writes the
tar atomically: a 0600 temporary file beside ``out``, then a hard link to ``out`` (which refuses to
overwrite). The result carries the bundle's small parts (:class:`~wallet.share.parts.BundleParts`)
so the caller can keep them durably before the grant is sent.

Durability: a bundle is written like a file copy, atomically but not forced to disk (no fsync).
It is derived data: its payloads are the vault's record files and everything else is in its parts,
so :func:`rebuild_bundle` writes the identical bytes (same share id) again for as long as the
shared record versions are in the vault. Forcing a 1 GiB bundle to disk would cost the disk's
write-back time (seconds on a virtio disk) to protect something that can be rebuilt.

Must not import Qt or the chain code: chain id, contract and addresses are passed in. Security
notes: the bundle holds ciphertext and the non-sensitive ``bundle.json`` only, so it may travel by
any channel. The patient's own stanza is not in the bundle. If a record is rotated while it is
being shared, the re-wrap refuses (the new file key does not match the header read), so a bundle
never mixes two versions; a rebuild checks each stored header's MAC against the record's current
file key for the same reason. Payloads are not re-authenticated here (that would read every
byte); the provider authenticates them (see docs/SHARING.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from wallet.age import AgeHmacError, Header, X25519Recipient, parse_header, rewrap_header
from wallet.age.format import MAX_HEADER_SIZE
from wallet.age.primitives import verify_header_mac
from wallet.errors import CorruptData, WalletError, WalletExists, WalletNotFound, WalletValueError
from wallet.fileio import FILE_MODE, temp_path_for
from wallet.share.descriptor import (
    MAX_ENTRIES,
    MAX_PAYLOAD_SIZE,
    BundleDescriptor,
    BundleEntry,
    entry_name,
    share_id_of,
)
from wallet.share.manifest import Manifest, ManifestEntry
from wallet.share.parts import BundleParts
from wallet.share.tarlayout import (
    DESCRIPTOR_NAME,
    END_OF_ARCHIVE,
    MANIFEST_NAME,
    copy_range,
    member_header,
    padding,
    write_all,
)
from wallet.vault import RecordMeta, Vault

__all__ = ["BuiltBundle", "ShareParties", "rebuild_bundle", "write_bundle"]


@dataclass(frozen=True)
class ShareParties:
    """Who and where: the public facts ``bundle.json`` records."""

    patient: str
    provider: str
    provider_recipient: X25519Recipient
    chain_id: int
    consent_registry: str


@dataclass(frozen=True)
class BuiltBundle:
    """A bundle written to ``path``; ``share_id`` is what the grant carries."""

    path: Path
    share_id: bytes
    descriptor: BundleDescriptor
    records: tuple[RecordMeta, ...]
    parts: BundleParts


@dataclass(frozen=True)
class _Prepared:
    meta: RecordMeta
    fd: int
    payload_offset: int
    payload_size: int
    header: bytes


def _check_out(out: Path, vault: Vault) -> Path:
    out = Path(out)
    if out.exists() or out.is_symlink():
        raise WalletExists(f"{out} already exists; choose a new file name for the bundle.")
    if not out.parent.is_dir():
        raise WalletNotFound(f"The folder {out.parent} does not exist.")
    if out.parent.resolve().is_relative_to(vault.root.resolve()):
        raise WalletValueError("A share bundle cannot be written inside the vault folder.")
    return out


def _open_record(
    vault: Vault, meta: RecordMeta, stack: contextlib.ExitStack
) -> tuple[int, int, int, Header]:
    """Open the record's vault file; return (fd, payload offset, payload size, its header)."""
    path = vault.record_path(meta.id)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise WalletNotFound(
            f"The encrypted file of record {meta.id} is missing from the vault."
        ) from None
    stack.callback(os.close, fd)
    size = os.fstat(fd).st_size
    header, offset = parse_header(os.pread(fd, min(size, MAX_HEADER_SIZE), 0))
    payload_size = size - offset
    if not 0 < payload_size <= MAX_PAYLOAD_SIZE:
        raise WalletValueError(f"Record {meta.id} is too large to share in one bundle.")
    return fd, offset, payload_size, header


def _prepare(
    vault: Vault, record_id: str, recipient: X25519Recipient, stack: contextlib.ExitStack
) -> _Prepared:
    meta = vault.get(record_id)
    fd, offset, payload_size, header = _open_record(vault, meta, stack)
    try:
        new_header = rewrap_header(header, vault.file_key(meta.id), [recipient])
    except AgeHmacError:
        raise CorruptData(
            f"Record {meta.id} changed while it was being shared; nothing was written, try again."
        ) from None
    return _Prepared(meta, fd, offset, payload_size, new_header)


def _ids(record_ids: Sequence[str]) -> list[str]:
    if not record_ids:
        raise WalletValueError("Choose at least one record to share.")
    if len(record_ids) > MAX_ENTRIES:
        raise WalletValueError(f"A share holds at most {MAX_ENTRIES} records.")
    return list(record_ids)


def write_bundle(
    vault: Vault,
    record_ids: Sequence[str],
    parties: ShareParties,
    out: Path,
    *,
    created_at: int | None = None,
) -> BuiltBundle:
    """Write a share bundle of ``record_ids`` for ``parties.provider`` to ``out`` (new file)."""
    ids = _ids(record_ids)
    out = _check_out(out, vault)
    when = int(time.time()) if created_at is None else created_at
    with contextlib.ExitStack() as stack:
        prepared: list[_Prepared] = []
        seen: set[str] = set()
        for record_id in ids:
            item = _prepare(vault, record_id, parties.provider_recipient, stack)
            if item.meta.id in seen:
                raise WalletValueError(f"Record {item.meta.id} is listed twice; list it once.")
            seen.add(item.meta.id)
            prepared.append(item)
        manifest = Manifest(
            tuple(
                ManifestEntry(
                    name=entry_name(i),
                    record_id=p.meta.id,
                    record_version=p.meta.version,
                    title=p.meta.title,
                    media_type=p.meta.media_type,
                    source_name=p.meta.source_name,
                    size=p.meta.size,
                    sha256=p.meta.sha256,
                )
                for i, p in enumerate(prepared)
            )
        )
        sealed_manifest = manifest.seal(parties.provider_recipient)
        descriptor = BundleDescriptor(
            patient=parties.patient,
            provider=parties.provider,
            provider_recipient=parties.provider_recipient.to_string(),
            chain_id=parties.chain_id,
            consent_registry=parties.consent_registry,
            created_at=when,
            manifest_sha256=hashlib.sha256(sealed_manifest).hexdigest(),
            entries=tuple(
                BundleEntry(entry_name(i), hashlib.sha256(p.header).hexdigest(), p.payload_size)
                for i, p in enumerate(prepared)
            ),
        )
        parts = BundleParts(descriptor.encode(), sealed_manifest, tuple(p.header for p in prepared))
        _write_tar(out, when, parts, prepared)
    return BuiltBundle(out, descriptor.share_id, descriptor, tuple(p.meta for p in prepared), parts)


def rebuild_bundle(
    vault: Vault,
    parts: BundleParts,
    records: Sequence[tuple[str, int]],
    out: Path,
) -> BuiltBundle:
    """Write again, byte for byte, the bundle whose parts are ``parts`` to ``out`` (a new file).

    ``records`` are the (record id, version) pairs that bundle shared, in bundle order. Refuses
    with a sentence when a record is gone, was rotated since (its payload changed: the share can
    then only be revoked and made again), or when the parts do not match the vault.
    """
    out = _check_out(out, vault)
    descriptor = BundleDescriptor.parse(parts.descriptor)
    entries = descriptor.entries
    if not len(entries) == len(parts.headers) == len(records) or (
        hashlib.sha256(parts.manifest).hexdigest() != descriptor.manifest_sha256
    ):
        raise CorruptData("This share's stored bundle parts do not match its records.")
    with contextlib.ExitStack() as stack:
        prepared: list[_Prepared] = []
        for (record_id, version), entry, header_bytes in zip(
            records, entries, parts.headers, strict=True
        ):
            meta = vault.get(record_id)
            if meta.version != version:
                raise WalletValueError(
                    f"Record {meta.id} got a new key after this share was made, so its bundle "
                    "cannot be made again; revoke the share and share the record anew."
                )
            fd, offset, payload_size, _ = _open_record(vault, meta, stack)
            stored, _end = parse_header(header_bytes)
            if (
                hashlib.sha256(header_bytes).hexdigest() != entry.header_sha256
                or payload_size != entry.payload_size
                or not verify_header_mac(vault.file_key(meta.id), stored.mac_input, stored.mac)
            ):
                raise CorruptData(
                    f"Record {meta.id} in the vault does not match what this share sent; its "
                    "bundle cannot be made again."
                )
            prepared.append(_Prepared(meta, fd, offset, payload_size, header_bytes))
        _write_tar(out, descriptor.created_at, parts, prepared)
    share_id = share_id_of(parts.descriptor)
    return BuiltBundle(out, share_id, descriptor, tuple(p.meta for p in prepared), parts)


@contextlib.contextmanager
def _temp_beside(out: Path) -> Iterator[tuple[int, Path]]:
    tmp = temp_path_for(out)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    try:
        yield fd, tmp
    except BaseException:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    os.close(fd)


def _write_tar(out: Path, when: int, parts: BundleParts, prepared: Sequence[_Prepared]) -> None:
    """Write the tar to a temporary file beside ``out`` and link it into place (no fsync)."""
    try:
        _write_members(out, when, parts, prepared)
    except EOFError:
        raise CorruptData(
            "A record file changed size while it was being shared; nothing was written."
        ) from None
    except OSError as exc:
        raise WalletError(
            f"The bundle could not be written to {out} ({exc.strerror or exc})."
        ) from None


def _write_members(out: Path, when: int, parts: BundleParts, prepared: Sequence[_Prepared]) -> None:
    with _temp_beside(out) as (fd, tmp):
        for name, data in ((DESCRIPTOR_NAME, parts.descriptor), (MANIFEST_NAME, parts.manifest)):
            write_all(fd, member_header(name, len(data), when) + data + padding(len(data)))
        for index, item in enumerate(prepared):
            size = len(item.header) + item.payload_size
            write_all(fd, member_header(entry_name(index), size, when) + item.header)
            copy_range(item.fd, item.payload_offset, fd, item.payload_size)
            write_all(fd, padding(size))
        write_all(fd, END_OF_ARCHIVE)
        try:
            os.link(tmp, out)  # never replaces a file that appeared meanwhile
        except FileExistsError:
            raise WalletExists(
                f"{out} already exists; choose a new file name for the bundle."
            ) from None
        except OSError:  # no hard links on this file system (FAT, some network shares)
            if out.exists():
                raise WalletExists(
                    f"{out} already exists; choose a new file name for the bundle."
                ) from None
            os.replace(tmp, out)
        else:
            tmp.unlink()
