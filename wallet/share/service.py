"""The share flows the CLI and the UI call: create, revoke, list (patient) and open (provider).

Owns the order of operations that makes sharing safe and crash-proof, delegating each step:
target resolution (:mod:`.target`), the provider's registered key (the chain's
``ProviderRegistry``), the bundle (:mod:`.writer`), the ledger (:mod:`.ledger`), the grant and
revoke transactions (:class:`~wallet.chain.service.ChainService`, whose journal makes a sent
transaction survive a crash), key rotation (:meth:`wallet.vault.Vault.rotate`) and, for a
provider, reading and opening a bundle (:mod:`.reader`, :mod:`.opener`).

Create: resolve and look up the provider (refuse an unregistered one) -> write the bundle -> add
the ledger entry (``created``) -> send the grant -> mark ``granted``. Revoke: mark ``revoking`` ->
revoke on chain (skipped if the grant is already gone) -> rotate every record of the share still at
the shared version -> mark ``revoked``; re-running finishes an interrupted revoke. Open: read the
bundle -> check it names this wallet, this chain and contract -> check the chain authorises
(patient, me, share id) now, saying why not -> verify and decrypt, all or nothing.

Must not import Qt; imports the chain stack only for types. Security notes: nothing clinical goes
on chain (the share id is a hash of non-sensitive ``bundle.json``); the bundle leaves no plaintext;
plaintext is written only into the provider's chosen folder and only after the grant check passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from wallet.age import X25519Recipient
from wallet.consent import EMERGENCY_MAX_LIFETIME_SECONDS, Purpose, parse_purpose
from wallet.errors import WalletError, WalletValueError
from wallet.session import Session
from wallet.share.descriptor import BundleDescriptor
from wallet.share.errors import BundleNotForMe, ConsentNotActive, ProviderNotRegistered
from wallet.share.ledger import LEDGER_PURPOSE, LedgerEntry, SharedRecord, ShareLedger
from wallet.share.opener import OpenedRecord, extract_records, verify_bundle
from wallet.share.parts import PARTS_PURPOSE, BundleParts, PartsStore
from wallet.share.reader import read_bundle
from wallet.share.target import resolve_target
from wallet.share.writer import BuiltBundle, ShareParties, rebuild_bundle, write_bundle
from wallet.vault import RecordNotFound, Vault

if TYPE_CHECKING:
    from wallet.chain.registries import ProviderInfo
    from wallet.chain.service import ChainService

__all__ = ["CreatedShare", "RevokedShare", "ShareService", "ShareStatus", "registered_provider"]

MAX_SHARE_DAYS = 3650
_DAY = 86_400


@dataclass(frozen=True)
class CreatedShare:
    bundle: BuiltBundle
    share_id: str
    tx_hash: str
    expires_at: int | None


@dataclass(frozen=True)
class RevokedShare:
    share_id: str
    tx_hash: str | None
    rotated: tuple[str, ...]


@dataclass(frozen=True)
class ShareStatus:
    entry: LedgerEntry
    status: str
    expires_at: int | None
    #: The provider's name as its registry profile gives it (None if unknown or unverified).
    provider_name: str | None = None


def _date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def check_duration(purpose: Purpose, days: float) -> None:
    """Refuse, before anything is written, a consent length the chain service would refuse."""
    if not 0 < days <= MAX_SHARE_DAYS:
        raise WalletValueError(f"A consent lasts more than 0 and at most {MAX_SHARE_DAYS} days.")
    if purpose is Purpose.ETREAT and days * _DAY > EMERGENCY_MAX_LIFETIME_SECONDS:
        raise WalletValueError("Emergency-treatment consent may last at most 72 hours (3 days).")


async def registered_provider(chain: ChainService, address: str) -> ProviderInfo:
    """What the registry says of ``address``; refuses an address that is not a provider."""
    info = await chain.show_provider(address)
    if not info.registered:
        raise ProviderNotRegistered(
            f"{address} is not a registered provider, so it has no encryption key to share "
            "with; ask the provider to register first."
        )
    return info


class ShareService:
    """Sharing for one unlocked wallet: its vault, its session and its ``shares`` directory."""

    def __init__(self, vault: Vault, session: Session, shares_dir: Path) -> None:
        self._vault = vault
        self._session = session
        self._shares_dir = shares_dir

    @property
    def ledger(self) -> ShareLedger:
        return ShareLedger(self._shares_dir, self._session.subkey(LEDGER_PURPOSE))

    @property
    def parts(self) -> PartsStore:
        return PartsStore(self._shares_dir, self._session.subkey(PARTS_PURPOSE))

    # -- patient --------------------------------------------------------------------------------

    def check_records(self, record_ids: Sequence[str]) -> None:
        """Refuse unknown or ambiguous record ids before anything else is asked or written."""
        if not record_ids:
            raise WalletValueError("Choose at least one record to share with --records.")
        for record_id in record_ids:
            self._vault.get(record_id)

    async def find_provider(self, chain: ChainService, target: str) -> ProviderInfo:
        """The registered provider named by ``target`` (address text or QR image file)."""
        client = await chain.client()
        return await registered_provider(chain, resolve_target(target, client.chain_id).address)

    async def create(
        self,
        chain: ChainService,
        provider: ProviderInfo,
        record_ids: Sequence[str],
        purpose: Purpose,
        days: float,
        out: Path,
    ) -> CreatedShare:
        """Write the bundle, record the share, then grant it on chain."""
        check_duration(purpose, days)
        client = await chain.client()
        patient = self._session.address(0)
        parties = ShareParties(
            patient=patient,
            provider=provider.address,
            provider_recipient=X25519Recipient.from_public_bytes(provider.encryption_key),
            chain_id=client.chain_id,
            consent_registry=client.profile.address_of("ConsentRegistry"),
        )
        built = write_bundle(self._vault, record_ids, parties, out)
        share_id = built.share_id.hex()
        try:
            self.parts.save(share_id, built.parts)  # durable: the bundle itself is not
        except OSError as exc:
            Path(out).unlink(missing_ok=True)
            raise WalletError(
                f"The share could not be recorded ({exc.strerror or exc}); nothing was sent."
            ) from None
        ledger = self.ledger
        ledger.add(
            LedgerEntry(
                share_id=share_id,
                provider=provider.address,
                chain_id=client.chain_id,
                records=tuple(SharedRecord(m.id, m.version) for m in built.records),
                purpose=purpose.code,
                days=days,
                bundle_path=str(Path(out).resolve()),
                created_at=built.descriptor.created_at,
            )
        )
        submitted = await chain.grant(provider.address, built.share_id, purpose, days)
        grant = await chain.get_grant(patient, provider.address, built.share_id)
        ledger.update(
            share_id, state="granted", grant_tx=submitted.tx_hash, expires_at=grant.expires_at
        )
        return CreatedShare(built, "0x" + share_id, submitted.tx_hash, grant.expires_at)

    async def grant_again(self, chain: ChainService, share_id: str) -> CreatedShare:
        """Send the grant of a share whose bundle was made but whose grant never went through.

        ``share create`` writes the bundle and the ledger entry before it sends the grant, so a
        failure at that last step (node down, no funds) leaves a share in state ``created``.
        This finishes it with the purpose and length first asked for, counted from now. If the
        chain already holds the grant (it was mined, the ledger update was lost), the ledger is
        brought up to date and nothing is sent.
        """
        ledger = self.ledger
        entry = ledger.get(share_id)
        if entry.state != "created":
            raise WalletValueError(
                f"Share 0x{entry.share_id[:16]}… is {entry.state}; only a share whose grant was "
                "never sent can be granted again."
            )
        records = tuple(self._vault.get(r.record_id) for r in entry.records)
        for shared, meta in zip(entry.records, records, strict=True):
            if meta.version != shared.version:
                raise WalletValueError(
                    f"Record {shared.record_id} got a new key since this share was made, so its "
                    "bundle no longer opens; revoke the share and share the records anew."
                )
        patient = self._session.address(0)
        share = bytes.fromhex(entry.share_id)
        parts = self._parts_of(entry)
        bundle = BuiltBundle(
            Path(entry.bundle_path),
            share,
            BundleDescriptor.parse(parts.descriptor),
            records,
            parts,
        )
        existing = await chain.get_grant(patient, entry.provider, share)
        if existing.expires_at != 0:
            ledger.update(entry.share_id, state="granted", expires_at=existing.expires_at)
            # The transaction's hash is unknown when only the ledger update was lost: "".
            tx_hash = entry.grant_tx or ""
            return CreatedShare(bundle, "0x" + entry.share_id, tx_hash, existing.expires_at)
        purpose = parse_purpose(entry.purpose)
        check_duration(purpose, entry.days)
        submitted = await chain.grant(entry.provider, share, purpose, entry.days)
        grant = await chain.get_grant(patient, entry.provider, share)
        ledger.update(
            entry.share_id, state="granted", grant_tx=submitted.tx_hash, expires_at=grant.expires_at
        )
        return CreatedShare(bundle, "0x" + entry.share_id, submitted.tx_hash, grant.expires_at)

    def _parts_of(self, entry: LedgerEntry) -> BundleParts:
        """The parts this wallet kept of the share's bundle; a sentence if it kept none."""
        parts = self.parts.load(entry.share_id)
        if parts is None:
            raise WalletValueError(
                "This wallet kept no copy of that share's bundle parts (it was made by an older "
                "Patient Wallet); revoke it and share the records anew."
            )
        return parts

    def rebuild(self, share_id: str, out: Path) -> BuiltBundle:
        """Write the bundle of a share again, identical (same share id), to the new file ``out``.

        For a bundle lost (say, in a power cut before the system wrote it back) or deleted. Works
        while the shared record versions are in the vault; the grant on chain is not touched.
        """
        ledger = self.ledger
        entry = ledger.get(share_id)
        if entry.state in ("revoking", "revoked"):
            raise WalletValueError(
                f"Share 0x{entry.share_id[:16]}… was revoked, so its bundle would open for no one "
                "and is not made again; share the records anew if needed."
            )
        built = rebuild_bundle(
            self._vault,
            self._parts_of(entry),
            [(r.record_id, r.version) for r in entry.records],
            out,
        )
        if built.share_id.hex() != entry.share_id:
            Path(out).unlink(missing_ok=True)
            raise WalletValueError("The rebuilt bundle does not match this share; nothing kept.")
        ledger.update(entry.share_id, bundle_path=str(Path(out).resolve()))
        return built

    async def revoke(self, chain: ChainService, share_id: str) -> RevokedShare:
        """Revoke the grant, then rotate every record of the share; resumes if interrupted."""
        ledger = self.ledger
        entry = ledger.get(share_id)
        if entry.state == "revoked":
            raise WalletValueError(f"Share 0x{entry.share_id} was already revoked.")
        entry = ledger.update(entry.share_id, state="revoking")
        patient = self._session.address(0)
        tx_hash = entry.revoke_tx
        grant = await chain.get_grant(patient, entry.provider, entry.share_id)
        if grant.expires_at != 0:  # a grant (active or expired) is still stored on chain
            submitted = await chain.revoke(entry.provider, entry.share_id)
            tx_hash = submitted.tx_hash
            entry = ledger.update(entry.share_id, revoke_tx=tx_hash)
        rotated = list(entry.rotated)
        for shared in entry.records:
            if shared.record_id in rotated:
                continue
            try:
                meta = self._vault.get(shared.record_id)
            except RecordNotFound:
                meta = None  # deleted since: nothing left to protect
            if meta is not None and meta.version == shared.version:
                self._vault.rotate(shared.record_id)
            rotated.append(shared.record_id)
            entry = ledger.update(entry.share_id, rotated=tuple(rotated))
        ledger.update(entry.share_id, state="revoked")
        self.parts.remove(entry.share_id)  # a revoked share's bundle is of no use to anyone
        return RevokedShare("0x" + entry.share_id, tx_hash, tuple(rotated))

    async def statuses(self, chain: ChainService) -> list[ShareStatus]:
        """Every share in the ledger with its status on chain (pending/active/expired/revoked)."""
        entries = self.ledger.entries()
        if not entries:
            return []
        consents = {(c.share_id.hex(), c.grantee.lower()): c for c in await chain.list_consents()}
        names = await self._provider_names(chain, {e.provider.lower() for e in entries})
        rows: list[ShareStatus] = []
        for entry in entries:
            name = names.get(entry.provider.lower())
            consent = consents.get((entry.share_id, entry.provider.lower()))
            if consent is not None:
                rows.append(ShareStatus(entry, consent.status, consent.expires_at or None, name))
            elif entry.state in ("revoking", "revoked"):
                rows.append(ShareStatus(entry, "revoked", entry.expires_at, name))
            else:
                rows.append(ShareStatus(entry, "not granted", None, name))
        return rows

    @staticmethod
    async def _provider_names(chain: ChainService, providers: set[str]) -> dict[str, str | None]:
        """Registered, profile-verified names of ``providers`` (lower-case addresses).

        A name is only shown when the registry's stored profile hash matches the published
        profile; a lookup that fails leaves that provider nameless (the address still shows).
        """
        names: dict[str, str | None] = {}
        for address in sorted(providers):
            try:
                info = await chain.show_provider(address)
            except WalletError:
                names[address] = None
                continue
            verified = info.registered and info.profile_verified and bool(info.name)
            names[address] = info.name if verified else None
        return names

    # -- provider -------------------------------------------------------------------------------

    async def open_bundle(
        self, chain: ChainService, bundle_path: Path, out_dir: Path
    ) -> list[OpenedRecord]:
        """Check the grant on chain, verify the bundle, and decrypt its records into ``out_dir``."""
        me = self._session.address(0)
        with read_bundle(bundle_path) as bundle:
            descriptor = bundle.descriptor
            if descriptor.provider.lower() != me.lower():
                raise BundleNotForMe(
                    f"This bundle was made for the provider {descriptor.provider}, not for this "
                    f"wallet ({me}); nothing was written."
                )
            client = await chain.client()
            registry = client.profile.address_of("ConsentRegistry")
            if descriptor.chain_id != client.chain_id or (
                descriptor.consent_registry.lower() != registry.lower()
            ):
                raise BundleNotForMe(
                    f"This bundle's consent is on chain {descriptor.chain_id} (registry "
                    f"{descriptor.consent_registry}), not on this wallet's network; choose that "
                    "network with --network."
                )
            await self._require_consent(chain, descriptor.patient, me, bundle.share_id)
            verified = verify_bundle(bundle, self._session.identity)
            return extract_records(verified, out_dir)

    @staticmethod
    async def _require_consent(chain: ChainService, patient: str, me: str, share_id: bytes) -> None:
        grant = await chain.get_grant(patient, me, share_id)
        if grant.active:
            return
        if grant.expires_at != 0:
            raise ConsentNotActive(
                f"The patient's consent for this share expired on {_date(grant.expires_at)}; "
                "nothing was written."
            )
        revoked = any(
            c.share_id == share_id and c.patient.lower() == patient.lower()
            for c in await chain.consents_for_me()
            if c.status == "revoked"
        )
        if revoked:
            raise ConsentNotActive(
                "The patient revoked consent for this share, so it can no longer be opened; "
                "nothing was written."
            )
        raise ConsentNotActive(
            f"The patient {patient} has not granted this wallet access to this share on chain "
            f"(share id 0x{share_id.hex()[:16]}…); nothing was written."
        )
