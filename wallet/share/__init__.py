"""Sharing records with a provider: bundles, re-wrapped keys, the share ledger, provider open.

Owns the share bundle v1 (an uncompressed tar of ``bundle.json``, ``manifest.age`` and
``records/NNNN.age``; see docs/SHARING.md), its writer (:mod:`.writer`: the record's age header
re-wrapped for the provider's registered X25519 key, the payload copied unchanged), its defensive
reader (:mod:`.reader`) and the provider's verify-then-decrypt (:mod:`.opener`), the sealed share
ledger (:mod:`.ledger`), and the flows that tie them to the chain (:mod:`.service`).

Must not import Qt. Security notes: no plaintext health data is written anywhere but a provider's
explicit output folder; nothing clinical goes on chain (the share id is the SHA-256 of the
non-sensitive ``bundle.json``); cryptography is the age implementation in :mod:`wallet.age` and
``cryptography``'s ChaCha20-Poly1305, nothing home-made.
"""

from __future__ import annotations

from wallet.share.descriptor import BUNDLE_FORMAT, BUNDLE_VERSION, BundleDescriptor, BundleEntry
from wallet.share.errors import (
    BundleAltered,
    BundleInvalid,
    BundleNotForMe,
    BundleUnsupported,
    ConsentNotActive,
    ProviderNotRegistered,
    ShareNotFound,
)
from wallet.share.ledger import LedgerEntry, ShareLedger
from wallet.share.manifest import Manifest, ManifestEntry
from wallet.share.opener import OpenedRecord, VerifiedBundle, extract_records, verify_bundle
from wallet.share.parts import BundleParts, PartsStore
from wallet.share.reader import BundleFile, read_bundle
from wallet.share.writer import BuiltBundle, ShareParties, rebuild_bundle, write_bundle

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_VERSION",
    "BuiltBundle",
    "BundleAltered",
    "BundleDescriptor",
    "BundleEntry",
    "BundleFile",
    "BundleInvalid",
    "BundleNotForMe",
    "BundleParts",
    "BundleUnsupported",
    "ConsentNotActive",
    "LedgerEntry",
    "Manifest",
    "ManifestEntry",
    "OpenedRecord",
    "PartsStore",
    "ProviderNotRegistered",
    "ShareLedger",
    "ShareNotFound",
    "ShareParties",
    "VerifiedBundle",
    "extract_records",
    "read_bundle",
    "rebuild_bundle",
    "verify_bundle",
    "write_bundle",
]
