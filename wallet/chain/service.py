"""The chain part of the service facade that the CLI and the UI call.

Owns: one network profile and one data directory's journal, a lazily connected
:class:`ChainClient`, and the user-level chain operations (status, contract addresses, provider
registration and accreditation, consent grant/revoke/list, signed grants, record anchoring,
reconciliation, following). Each operation takes plain values (addresses as text, share ids as
bytes or hex, purposes as :class:`~wallet.consent.Purpose`) and returns plain dataclasses; each
failure is a :class:`~wallet.errors.WalletError` with one sentence.

Must not import Qt, and never sees a password: the signing account comes from the unlocked session
through ``account_provider`` at the moment of signing (and a locked session raises there).

Security notes: consent expiry is computed from the chain's clock (the latest block's timestamp),
not the computer's, so a wrong local clock cannot make a grant longer or shorter than asked.
Emergency (ETREAT) grants are checked against the contract's 72-hour cap before anything is
signed. For the local profile the node address is re-read from the local node's record at connect,
because the local node picks a new port at each start.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eth_account.signers.local import LocalAccount

from wallet.addresses import InvalidAddress, to_checksum
from wallet.chain.client import ChainClient, TxResult
from wallet.chain.errors import NodeUnavailable
from wallet.chain.follower import ChainEvent, Follower
from wallet.chain.journal import Journal, JournalEntry, ReconcileOutcome
from wallet.chain.localnode import LocalNode, NodeStatus
from wallet.chain.merkle import MerkleTree
from wallet.chain.profiles import CONTRACT_NAMES, NetworkProfile
from wallet.chain.registries import (
    ConsentInfo,
    ConsentRegistryClient,
    GrantState,
    ProviderInfo,
    ProviderKind,
    ProviderRegistryClient,
    RecordAnchorClient,
    SignedGrant,
)
from wallet.consent import EMERGENCY_MAX_LIFETIME_SECONDS, Purpose
from wallet.errors import ChainError, WalletError, WalletValueError

DAY = 86_400
MAX_GRANT_DAYS = 3650


def parse_share_id(value: bytes | str) -> bytes:
    """A share id from 32 bytes or 64 hex digits (with or without ``0x``)."""
    if isinstance(value, bytes):
        raw = value
    else:
        text = value.strip()
        text = text[2:] if text.lower().startswith("0x") else text
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            raise WalletValueError("A share id must be 64 hexadecimal digits.") from None
    if len(raw) != 32:
        raise WalletValueError("A share id must be exactly 32 bytes (64 hexadecimal digits).")
    return raw


def parse_address(value: str, what: str = "address") -> str:
    """A checksummed address, or a sentence saying it is not one (and why).

    The rule is :func:`wallet.addresses.to_checksum`'s: a mixed-case address with a wrong EIP-55
    checksum is a typo and is refused, single-case hex is accepted.
    """
    try:
        return to_checksum(value.strip())
    except InvalidAddress as exc:
        message = exc.user_message.replace("The address", f"The {what}", 1)
        raise WalletValueError(message) from None


@dataclass(frozen=True)
class Submitted:
    """A transaction the service sent; ``block_number`` is set once it is mined."""

    tx_hash: str
    description: str
    block_number: int | None = None


@dataclass(frozen=True)
class ChainStatus:
    """What the status line and ``chain status`` show."""

    network: str
    rpc_url: str
    chain_id: int
    connected: bool
    message: str
    block_number: int | None = None
    address: str | None = None
    balance_wei: int | None = None
    pending: int = 0
    contracts: dict[str, str] = field(default_factory=dict)
    local_node: NodeStatus | None = None


class ChainService:
    """Chain operations for one data directory on one network."""

    def __init__(
        self,
        data_dir: Path,
        profile: NetworkProfile,
        account_provider: Callable[[], LocalAccount],
        *,
        local_node: LocalNode | None = None,
        auto_start_local: bool = False,
        reconcile_on_connect: bool = True,
        timeout: float = 10.0,
        receipt_timeout: float = 60.0,
    ) -> None:
        self.data_dir = data_dir
        self.profile = profile
        self._account_provider = account_provider
        self.local_node = local_node if local_node is not None else LocalNode()
        self._auto_start = auto_start_local
        self._reconcile_on_connect = reconcile_on_connect
        #: What the journal reconciliation did at the last connect (for a "re-sent" notice).
        self.reconciled: list[ReconcileOutcome] = []
        self._timeout = timeout
        self._receipt_timeout = receipt_timeout
        self.journal = Journal(data_dir)
        self._client: ChainClient | None = None
        self._lock = asyncio.Lock()

    # ------------------------------------------------------------------ connection

    async def client(self) -> ChainClient:
        """The connected client (connects, and for ``local`` starts the node if asked)."""
        async with self._lock:
            if self._client is not None:
                if not self.profile.local or (
                    self.local_node.profile().rpc_url == self._client.profile.rpc_url
                ):
                    return self._client
                await self._client.close()  # the local node was restarted on another port
                self._client = None
            profile = self.profile
            if profile.local:
                if self._auto_start:
                    await self.local_node.start()
                profile = self.local_node.profile()
                if not profile.rpc_url:
                    raise NodeUnavailable(
                        "The local chain is not running; "
                        "start it with 'patient-wallet chain start'."
                    )
                self.profile = profile
            client = await ChainClient.connect(profile, journal=self.journal, timeout=self._timeout)
            if self._reconcile_on_connect:
                # Settle saved transactions first, so no new one is signed over a forgotten nonce.
                try:
                    self.reconciled = await self.journal.reconcile(client)
                except BaseException:
                    await client.close()
                    raise
            self._client = client
            return client

    async def close(self) -> None:
        """Disconnect (call on exit)."""
        async with self._lock:
            if self._client is not None:
                await self._client.close()
                self._client = None

    async def _reset_on_outage(self, exc: WalletError) -> None:
        if isinstance(exc, NodeUnavailable):
            await self.close()

    def _account(self) -> LocalAccount:
        return self._account_provider()

    async def _finish(self, client: ChainClient, result: TxResult, wait: bool) -> Submitted:
        if not wait:
            return Submitted(result.tx_hash, result.description)
        receipt = await client.wait(result.tx_hash, timeout=self._receipt_timeout)
        return Submitted(result.tx_hash, result.description, receipt.block_number)

    # ------------------------------------------------------------------ local chain

    async def start_local_chain(self) -> NodeStatus:
        """Start the embedded node (deploying the contracts on first start)."""
        status = await self.local_node.start()
        await self.close()
        return status

    async def stop_local_chain(self) -> bool:
        """Stop the embedded node; False if it was not running."""
        await self.close()
        return await self.local_node.stop()

    async def fund(self, address: str | None = None, wei: int = 100 * 10**18) -> int:
        """Local chain only: give ``address`` (default: the session's) ``wei``; returns balance."""
        if not self.profile.local:
            raise ChainError(
                f"Funding is only possible on the local chain; '{self.profile.name}' is not local."
            )
        target = parse_address(address) if address else self._account().address
        return await self.local_node.fund(target, wei)

    async def make_accreditor(self, address: str) -> str:
        """Local chain only (development): make ``address`` an accreditor; returns the tx hash."""
        if not self.profile.local:
            raise ChainError("Accreditors are appointed by the registry's administrator.")
        return await self.local_node.grant_accreditor(parse_address(address))

    # ------------------------------------------------------------------ status

    async def status(self) -> ChainStatus:
        """Network, node, block, the session's address and balance, open transactions."""
        local = await self.local_node.status() if self.profile.local else None
        profile = self.local_node.profile() if self.profile.local else self.profile
        try:
            client = await self.client()
            block = await client.block_number()
        except WalletError as exc:
            await self._reset_on_outage(exc)
            return ChainStatus(
                network=profile.name,
                rpc_url=profile.rpc_url,
                chain_id=profile.chain_id,
                connected=False,
                message=exc.user_message,
                contracts=dict(profile.contracts),
                local_node=local,
            )
        address: str | None = None
        balance: int | None = None
        try:
            address = self._account().address
        except WalletError:
            address = None
        if address is not None:
            balance = await client.balance(address)
        pending = len(self.journal.pending(client.chain_id, address)) if address else 0
        return ChainStatus(
            network=client.profile.name,
            rpc_url=client.profile.rpc_url,
            chain_id=client.chain_id,
            connected=True,
            message=f"Connected to {client.profile.name} at block {block}.",
            block_number=block,
            address=address,
            balance_wei=balance,
            pending=pending,
            contracts=dict(client.profile.contracts),
            local_node=local,
        )

    async def addresses(self) -> dict[str, str]:
        """The contract addresses of this network (local: of the current deployment)."""
        profile = self.local_node.profile() if self.profile.local else self.profile
        return {name: profile.address_of(name) for name in CONTRACT_NAMES}

    # ------------------------------------------------------------------ providers

    async def register_provider(
        self,
        name: str,
        kind: ProviderKind,
        licence: str | None,
        encryption_recipient_bytes: bytes,
        *,
        wait: bool = True,
    ) -> Submitted:
        """Register the session's address as a provider with its X25519 recipient (32 bytes)."""
        client = await self.client()
        result = await ProviderRegistryClient(client).register(
            self._account(),
            name=name,
            kind=kind,
            encryption_key=encryption_recipient_bytes,
            licence=licence,
        )
        return await self._finish(client, result, wait)

    async def rotate_provider_key(self, new_key: bytes, *, wait: bool = True) -> Submitted:
        client = await self.client()
        result = await ProviderRegistryClient(client).rotate_key(self._account(), new_key)
        return await self._finish(client, result, wait)

    async def deregister_provider(self, *, wait: bool = True) -> Submitted:
        client = await self.client()
        result = await ProviderRegistryClient(client).deregister(self._account())
        return await self._finish(client, result, wait)

    async def accredit(self, address: str, *, wait: bool = True) -> Submitted:
        """As an accreditor, accredit the registered provider ``address``."""
        client = await self.client()
        result = await ProviderRegistryClient(client).accredit(
            self._account(), parse_address(address, "provider address")
        )
        return await self._finish(client, result, wait)

    async def withdraw_accreditation(self, address: str, *, wait: bool = True) -> Submitted:
        client = await self.client()
        result = await ProviderRegistryClient(client).withdraw_accreditation(
            self._account(), parse_address(address, "provider address")
        )
        return await self._finish(client, result, wait)

    async def show_provider(self, address: str) -> ProviderInfo:
        client = await self.client()
        return await ProviderRegistryClient(client).get_provider(
            parse_address(address, "provider address")
        )

    # ------------------------------------------------------------------ consent

    async def _expiry(self, client: ChainClient, purpose: Purpose, days: float) -> int:
        if not 0 < days <= MAX_GRANT_DAYS:
            raise WalletValueError(
                f"A consent lasts more than 0 and at most {MAX_GRANT_DAYS} days."
            )
        seconds = int(days * DAY)
        if purpose is Purpose.ETREAT and seconds > EMERGENCY_MAX_LIFETIME_SECONDS:
            raise WalletValueError(
                "Emergency-treatment consent may last at most 72 hours (3 days)."
            )
        return await client.block_timestamp() + seconds

    async def grant(
        self,
        grantee: str,
        share_id: bytes | str,
        purpose: Purpose,
        days: float,
        *,
        wait: bool = True,
    ) -> Submitted:
        """Grant ``grantee`` access to ``share_id`` for ``purpose`` for ``days`` (chain time).

        Refuses (before signing) a grant identical to one pending in the journal or active on
        chain.
        """
        client = await self.client()
        expires_at = await self._expiry(client, purpose, days)
        result = await ConsentRegistryClient(client).grant(
            self._account(),
            parse_address(grantee, "provider address"),
            parse_share_id(share_id),
            purpose,
            expires_at,
        )
        return await self._finish(client, result, wait)

    async def revoke(self, grantee: str, share_id: bytes | str, *, wait: bool = True) -> Submitted:
        client = await self.client()
        result = await ConsentRegistryClient(client).revoke(
            self._account(), parse_address(grantee, "provider address"), parse_share_id(share_id)
        )
        return await self._finish(client, result, wait)

    async def sign_grant(
        self,
        grantee: str,
        share_id: bytes | str,
        purpose: Purpose,
        days: float,
        *,
        valid_for_seconds: int = 3600,
    ) -> SignedGrant:
        """Sign a grant off chain for someone else to relay (no gas needed from the patient)."""
        client = await self.client()
        expires_at = await self._expiry(client, purpose, days)
        deadline = await client.block_timestamp() + valid_for_seconds
        return await ConsentRegistryClient(client).sign_grant(
            self._account(),
            parse_address(grantee, "provider address"),
            parse_share_id(share_id),
            purpose,
            expires_at,
            deadline,
        )

    async def relay_grant(self, signed: SignedGrant, *, wait: bool = True) -> Submitted:
        """Relay a patient's signed grant, paying the gas from the session's account."""
        client = await self.client()
        result = await ConsentRegistryClient(client).grant_by_sig(self._account(), signed)
        return await self._finish(client, result, wait)

    async def list_consents(self) -> list[ConsentInfo]:
        """The session's grants as a patient (pending ones from the journal included)."""
        client = await self.client()
        return await ConsentRegistryClient(client).consents_of(self._account().address)

    async def consents_for_me(self) -> list[ConsentInfo]:
        """The grants made to the session's address as a provider."""
        client = await self.client()
        return await ConsentRegistryClient(client).consents_for(self._account().address)

    async def is_authorized(self, patient: str, grantee: str, share_id: bytes | str) -> bool:
        client = await self.client()
        return await ConsentRegistryClient(client).is_authorized(
            parse_address(patient, "patient address"),
            parse_address(grantee, "provider address"),
            parse_share_id(share_id),
        )

    async def get_grant(self, patient: str, grantee: str, share_id: bytes | str) -> GrantState:
        client = await self.client()
        return await ConsentRegistryClient(client).get_grant(
            parse_address(patient, "patient address"),
            parse_address(grantee, "provider address"),
            parse_share_id(share_id),
        )

    # ------------------------------------------------------------------ anchors

    async def anchor_records(
        self, content_hashes: Sequence[bytes], *, wait: bool = True
    ) -> tuple[MerkleTree, Submitted]:
        """Anchor a batch of record content hashes as one Merkle root."""
        tree = MerkleTree.build(content_hashes)
        client = await self.client()
        result = await RecordAnchorClient(client).anchor(self._account(), tree)
        return tree, await self._finish(client, result, wait)

    async def verify_record(
        self, patient: str, root: bytes, content_hash: bytes, proof: Sequence[bytes]
    ) -> bool:
        client = await self.client()
        return await RecordAnchorClient(client).verify(
            parse_address(patient, "patient address"), root, content_hash, proof
        )

    # ------------------------------------------------------------------ journal and following

    def pending(self) -> list[JournalEntry]:
        """Transactions signed and sent but not yet known to be mined (this network)."""
        return self.journal.pending(self.profile.chain_id)

    async def reconcile(self) -> list[ReconcileOutcome]:
        """Settle the journal with the chain (call at start-up and after reconnecting)."""
        client = await self.client()
        return await self.journal.reconcile(client)

    async def follower(
        self, *, watch: Sequence[str] | None = None, interval: float = 0.5
    ) -> Follower:
        """A follower for the session's address (or ``watch``); iterate ``events()``."""
        client = await self.client()
        addresses = list(watch) if watch is not None else [self._account().address]
        return Follower(client, watch=addresses, interval=interval)

    async def follow(
        self,
        callback: Callable[[ChainEvent], Awaitable[None] | None],
        *,
        watch: Sequence[str] | None = None,
        interval: float = 0.5,
    ) -> None:
        """Call ``callback`` for each chain event about the session's address until cancelled."""
        follower = await self.follower(watch=watch, interval=interval)
        await follower.run(callback)
