"""Follow new blocks and the registries' logs, and publish plain Python events.

Owns: a polling loop (``eth_blockNumber`` then ``eth_getLogs`` over the two registries for the new
block range, every ``interval`` seconds) that turns logs into :class:`ConsentChanged`,
:class:`ProviderChanged` and :class:`BlockSeen` events, filtered to the addresses a view cares
about (a patient's own address, a provider's own address), plus :class:`ConnectionChanged` when
the node goes away and comes back. Offered as an async iterator (:meth:`Follower.events`) and as a
callback runner (:meth:`Follower.run`); the UI bridge turns them into Qt signals.

Must not import Qt. Read-only: it never signs or sends.

Security notes: events are hints for a fresh view, not authority: a consent decision re-reads
``isAuthorized``. Logs are processed in block order; a reorganisation deeper than the poll
interval is not undone here (the local chain and QBFT have instant finality; on public chains the
views re-read state on each ``BlockSeen``).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from eth_abi.exceptions import DecodingError
from eth_utils.address import to_checksum_address
from web3.exceptions import LogTopicError, MismatchedABI
from web3.types import FilterParams, LogReceipt

from wallet.chain.client import ChainClient
from wallet.consent import Purpose
from wallet.errors import ChainError


@dataclass(frozen=True)
class BlockSeen:
    number: int
    timestamp: int


@dataclass(frozen=True)
class ConsentChanged:
    change: Literal["granted", "revoked", "emergency"]
    patient: str
    grantee: str
    share_id: bytes
    purpose: Purpose | None
    expires_at: int | None
    block_number: int
    tx_hash: str


@dataclass(frozen=True)
class ProviderChanged:
    change: Literal[
        "registered", "key-rotated", "deregistered", "accredited", "accreditation-withdrawn"
    ]
    provider: str
    block_number: int
    tx_hash: str


@dataclass(frozen=True)
class ConnectionChanged:
    connected: bool
    message: str


ChainEvent = BlockSeen | ConsentChanged | ProviderChanged | ConnectionChanged

_CONSENT_EVENTS = {
    "ConsentGranted": "granted",
    "ConsentRevoked": "revoked",
    "EmergencyAccessGranted": "emergency",
}
_PROVIDER_EVENTS = {
    "ProviderRegistered": "registered",
    "ProviderKeyRotated": "key-rotated",
    "ProviderDeregistered": "deregistered",
    "ProviderAccredited": "accredited",
    "ProviderAccreditationWithdrawn": "accreditation-withdrawn",
}


class Follower:
    """Polls one client. ``watch`` limits events to those naming one of these addresses."""

    def __init__(
        self,
        client: ChainClient,
        *,
        watch: Iterable[str] = (),
        interval: float = 0.5,
        from_block: int | None = None,
    ) -> None:
        self.client = client
        self.watch = {to_checksum_address(a) for a in watch}
        self.interval = interval
        self._next_block = from_block
        self._stopped = asyncio.Event()
        consent = client.contract("ConsentRegistry")
        provider = client.contract("ProviderRegistry")
        self._addresses = [consent.address, provider.address]
        self._decoders: dict[bytes, tuple[str, Any]] = {}
        for contract, names in ((consent, _CONSENT_EVENTS), (provider, _PROVIDER_EVENTS)):
            for name in names:
                event = contract.events[name]()
                self._decoders[bytes.fromhex(event.topic[2:])] = (name, event)

    def stop(self) -> None:
        """Make :meth:`events` and :meth:`run` return after the current poll."""
        self._stopped.set()

    def _wanted(self, *addresses: str) -> bool:
        return not self.watch or any(a in self.watch for a in addresses)

    def _decode(self, log: LogReceipt) -> ChainEvent | None:
        topics = log.get("topics") or []
        if not topics:
            return None
        found = self._decoders.get(bytes(topics[0]))
        if found is None:
            return None
        name, event = found
        try:
            data = event.process_log(log)
        except (MismatchedABI, LogTopicError, DecodingError):
            return None  # not shaped like our event: ignore rather than stop following
        args: Any = data["args"]
        block = int(data["blockNumber"])
        tx_hash = "0x" + bytes(data["transactionHash"]).hex()
        if name in _CONSENT_EVENTS:
            patient, grantee = str(args["patient"]), str(args["grantee"])
            if not self._wanted(patient, grantee):
                return None
            code = args.get("purpose")
            purpose = (
                Purpose(int(code))
                if code is not None and int(code) in Purpose._value2member_map_
                else None
            )
            if name == "EmergencyAccessGranted":
                purpose = Purpose.ETREAT
            expires = args.get("expiresAt")
            return ConsentChanged(
                change=_CONSENT_EVENTS[name],  # type: ignore[arg-type]
                patient=patient,
                grantee=grantee,
                share_id=bytes(args["shareId"]),
                purpose=purpose,
                expires_at=None if expires is None else int(expires),
                block_number=block,
                tx_hash=tx_hash,
            )
        provider = str(args["provider"])
        if not self._wanted(provider):
            return None
        return ProviderChanged(
            change=_PROVIDER_EVENTS[name],  # type: ignore[arg-type]
            provider=provider,
            block_number=block,
            tx_hash=tx_hash,
        )

    async def poll(self) -> list[ChainEvent]:
        """One round: events of the blocks mined since the last round, then a BlockSeen."""
        head = await self.client.block_number()
        if self._next_block is None:
            self._next_block = head + 1
            return []
        if head < self._next_block:
            return []
        params: FilterParams = {
            "fromBlock": self._next_block,
            "toBlock": head,
            "address": self._addresses,
        }
        with self.client.errors():
            logs = await self.client.w3.eth.get_logs(params)
        events: list[ChainEvent] = []
        for log in sorted(logs, key=lambda lg: (int(lg["blockNumber"]), int(lg["logIndex"]))):
            decoded = self._decode(log)
            if decoded is not None:
                events.append(decoded)
        events.append(BlockSeen(head, await self.client.block_timestamp(head)))
        self._next_block = head + 1
        return events

    async def events(self) -> AsyncIterator[ChainEvent]:
        """Yield events until :meth:`stop`; node outages become ConnectionChanged events."""
        connected = True
        delay = self.interval
        while not self._stopped.is_set():
            try:
                batch = await self.poll()
            except ChainError as exc:
                if connected:
                    connected = False
                    yield ConnectionChanged(False, exc.user_message)
                delay = min(delay * 2, 5.0)
            else:
                if not connected:
                    connected = True
                    delay = self.interval
                    yield ConnectionChanged(True, "The chain node is reachable again.")
                for event in batch:
                    yield event
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), timeout=delay)

    async def run(self, callback: Callable[[ChainEvent], Awaitable[None] | None]) -> None:
        """Call ``callback`` (plain or async) for every event until :meth:`stop`."""
        async for event in self.events():
            result = callback(event)
            if inspect.isawaitable(result):
                await result
