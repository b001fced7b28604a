"""In-process helpers for bundle tests: a real vault with records and a real bundle for a provider.

No chain: the bundle layer takes the chain id and contract address as plain values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from wallet.age import X25519Identity
from wallet.share import BuiltBundle, ShareParties, write_bundle
from wallet.vault import RecordMeta, Vault

PATIENT = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
PROVIDER = "0x00000000000000000000000000000000000000A1"
REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
CHAIN_ID = 31337


@dataclass
class Shared:
    vault: Vault
    provider: X25519Identity
    records: list[RecordMeta]
    contents: list[bytes]
    built: BuiltBundle


def make_vault(root: Path) -> Vault:
    return Vault.open(root, X25519Identity.generate(), os.urandom(32))


def import_bytes(vault: Vault, folder: Path, name: str, data: bytes) -> RecordMeta:
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / name
    source.write_bytes(data)
    try:
        return vault.import_file(source)
    finally:
        source.unlink()


def parties_for(provider: X25519Identity) -> ShareParties:
    return ShareParties(PATIENT, PROVIDER, provider.recipient(), CHAIN_ID, REGISTRY)


def share(tmp: Path, contents: list[tuple[str, bytes]], out_name: str = "bundle.tar") -> Shared:
    vault = make_vault(tmp / "data" / "vault")
    records = [import_bytes(vault, tmp / "src", name, data) for name, data in contents]
    provider = X25519Identity.generate()
    built = write_bundle(vault, [r.id for r in records], parties_for(provider), tmp / out_name)
    return Shared(vault, provider, records, [d for _, d in contents], built)
