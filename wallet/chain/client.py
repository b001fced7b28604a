"""The async JSON-RPC client: connect, call, simulate, sign locally, journal, send, wait.

Owns: the connection to one node (``AsyncWeb3(AsyncHTTPProvider)``), the chain-id check that
comes before any signing, EIP-1559 fee choice (zero-fee chains included), the transaction pipeline
(simulate with ``eth_call`` -> estimate gas with a margin -> check funds -> choose the nonce ->
sign with the local account -> journal -> send), receipts, event-log queries, and the translation
of every node or contract failure into a one-sentence :class:`~wallet.errors.ChainError`.

Must not import Qt, know about passwords or key storage, or offer a synchronous twin of any method.
Contract-specific logic lives in ``registries``; this module is generic over the three contracts.

Security notes: the node is untrusted for everything but ordering: revert data is decoded
defensively, the chain id is checked on connect and again right before each signature, and a
transaction that fails simulation is never signed, so nothing is journaled or broadcast. Signing is
local (``LocalAccount.sign_transaction``); the node never sees a key. The nonce is the larger of
the node's pending count and the journal's next one, so a transaction the node forgot (restart)
is never silently overwritten by a different one with the same nonce.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import aiohttp
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from hexbytes import HexBytes
from web3 import AsyncHTTPProvider, AsyncWeb3
from web3.contract import AsyncContract
from web3.contract.async_contract import AsyncContractConstructor, AsyncContractFunction
from web3.exceptions import (
    ContractCustomError,
    ContractLogicError,
    ContractPanicError,
    ProviderConnectionError,
    TimeExhausted,
    TransactionNotFound,
    Web3RPCError,
)
from web3.types import BlockIdentifier, EventData, Nonce, RPCEndpoint, TxParams, TxReceipt, Wei

from wallet.chain.artifacts import decode_error, load_artifact
from wallet.chain.errors import (
    ContractReverted,
    InsufficientFunds,
    NodeUnavailable,
    TransactionFailed,
    TransactionTimeout,
    WrongChain,
)
from wallet.chain.journal import Journal, JournalEntry
from wallet.chain.profiles import NetworkProfile
from wallet.errors import ChainError, WalletError, WalletNotFound

GAS_MARGIN_PERCENT = 25
LOG_CHUNK = 50_000

__all__ = [
    "ChainClient",
    "ContractReverted",
    "InsufficientFunds",
    "NodeUnavailable",
    "Receipt",
    "TransactionFailed",
    "TransactionTimeout",
    "TxResult",
    "WrongChain",
    "profile_for_rpc",
]


@dataclass(frozen=True)
class TxResult:
    """A transaction that was signed, journaled and sent (not necessarily mined yet)."""

    tx_hash: str
    nonce: int
    sender: str
    kind: str
    description: str


@dataclass(frozen=True)
class Receipt:
    """A mined transaction."""

    tx_hash: str
    block_number: int
    succeeded: bool
    gas_used: int
    contract_address: str | None
    raw: TxReceipt


def _hex(value: bytes | str) -> str:
    if isinstance(value, str):
        return value if value.startswith("0x") else "0x" + value
    return HexBytes(value).to_0x_hex()


def _message_of(exc: Web3RPCError) -> str:
    msg = exc.message if isinstance(exc.message, str) else str(exc)
    if exc.rpc_response and isinstance(exc.rpc_response.get("error"), dict):
        msg = str(exc.rpc_response["error"].get("message", msg))
    return msg


def _eth(wei: int) -> str:
    return f"{(Decimal(wei) / Decimal(10**18)).normalize():f}"


class ChainClient:
    """A connection to the node of one network profile. Create it with :meth:`connect`."""

    def __init__(
        self, profile: NetworkProfile, *, journal: Journal | None = None, timeout: float = 10.0
    ) -> None:
        self.profile = profile
        self.journal = journal
        self._timeout = timeout
        provider = AsyncHTTPProvider(
            profile.rpc_url,
            request_kwargs={"timeout": aiohttp.ClientTimeout(total=timeout)},
            exception_retry_configuration=None,
        )
        self.w3: AsyncWeb3[AsyncHTTPProvider] = AsyncWeb3(provider)
        self._contracts: dict[str, AsyncContract] = {}
        self._verified = False
        self._send_lock = asyncio.Lock()  # one nonce -> sign -> journal -> send at a time

    @classmethod
    async def connect(
        cls, profile: NetworkProfile, *, journal: Journal | None = None, timeout: float = 10.0
    ) -> ChainClient:
        """Connect and check the node's chain id; raises :class:`WrongChain` on a mismatch."""
        if not profile.rpc_url:
            raise NodeUnavailable(
                f"The network '{profile.name}' has no node address; "
                "start the local chain first ('patient-wallet chain start')."
            )
        client = cls(profile, journal=journal, timeout=timeout)
        try:
            await client.check_chain()
        except BaseException:
            await client.close()
            raise
        return client

    async def close(self) -> None:
        """Close the HTTP session."""
        with contextlib.suppress(Exception):
            await self.w3.provider.disconnect()

    async def __aenter__(self) -> ChainClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def chain_id(self) -> int:
        return self.profile.chain_id

    # ------------------------------------------------------------------ errors

    @contextlib.contextmanager
    def errors(self) -> Iterator[None]:
        """Turn node, transport and contract failures inside the block into one sentence."""
        try:
            yield
        except WalletError:
            raise
        except ContractCustomError as exc:
            raise self._revert(exc.data) from None
        except ContractPanicError as exc:
            raise ContractReverted(
                f"The contract stopped with an internal error ({exc.message})."
            ) from None
        except ContractLogicError as exc:
            decoded = self._revert(exc.data) if isinstance(exc.data, str) else None
            if decoded is not None and decoded.error_name is not None:
                raise decoded from None
            reason = (exc.message or "execution reverted").rstrip(".")
            raise ContractReverted(f"The contract refused the transaction ({reason}).") from None
        except (
            TimeoutError,
            aiohttp.ClientError,
            ConnectionError,
            ProviderConnectionError,
            OSError,
        ):
            raise NodeUnavailable(
                f"The chain node at {self.profile.rpc_url} is not reachable; "
                + (
                    "start the local chain with 'patient-wallet chain start'."
                    if self.profile.local
                    else "check the network profile and your connection."
                )
            ) from None
        except Web3RPCError as exc:
            message = _message_of(exc)
            lowered = message.lower()
            if "insufficient funds" in lowered:
                raise InsufficientFunds(
                    "The sending address cannot pay for this transaction's gas."
                ) from None
            raise ChainError(
                f"The chain node refused the request: {message.rstrip('.')}."
            ) from None

    def _revert(self, data: Any) -> ContractReverted:
        decoded = decode_error(data if isinstance(data, str | bytes) else None)
        if decoded is None:
            return ContractReverted("The contract refused the transaction.")
        return ContractReverted(decoded.sentence, decoded.name)

    # ------------------------------------------------------------------ basics

    async def check_chain(self) -> int:
        """Read ``eth_chainId`` and refuse a node of another chain than the profile's."""
        with self.errors():
            node_chain = await self.w3.eth.chain_id
        if node_chain != self.profile.chain_id:
            raise WrongChain(
                f"The node at {self.profile.rpc_url} serves chain {node_chain}, but the network "
                f"'{self.profile.name}' expects chain {self.profile.chain_id}; nothing was signed."
            )
        self._verified = True
        return node_chain

    async def block_number(self) -> int:
        with self.errors():
            return int(await self.w3.eth.block_number)

    async def block_timestamp(self, block: BlockIdentifier = "latest") -> int:
        with self.errors():
            data = await self.w3.eth.get_block(block)
        return int(data["timestamp"])

    async def balance(self, address: str) -> int:
        with self.errors():
            return int(await self.w3.eth.get_balance(to_checksum_address(address)))

    async def code_at(self, address: str) -> bytes:
        with self.errors():
            return bytes(await self.w3.eth.get_code(to_checksum_address(address)))

    def contract(self, name: str, address: str | None = None) -> AsyncContract:
        """The contract ``name`` at the profile's (or the given) address."""
        key = f"{name}@{address}" if address else name
        if key not in self._contracts:
            artifact = load_artifact(name)
            at = address or self.profile.address_of(name)
            self._contracts[key] = self.w3.eth.contract(
                address=to_checksum_address(at), abi=artifact.abi
            )
        return self._contracts[key]

    async def call(self, fn: AsyncContractFunction, *, block: BlockIdentifier = "latest") -> Any:
        """A read-only call; contract errors come back as sentences."""
        with self.errors():
            return await fn.call(block_identifier=block)

    async def logs(
        self,
        contract: str,
        event: str,
        *,
        from_block: int | None = None,
        to_block: int | str = "latest",
        filters: Mapping[str, Any] | None = None,
    ) -> list[EventData]:
        """Decoded logs of one event, in chain order (chunked for nodes that limit ranges)."""
        start = self.profile.start_block if from_block is None else from_block
        end = await self.block_number() if to_block == "latest" else int(to_block)
        ev = self.contract(contract).events[event]
        out: list[EventData] = []
        with self.errors():
            lo = start
            while lo <= end:
                hi = end if self.profile.local else min(end, lo + LOG_CHUNK - 1)
                out.extend(
                    await ev.get_logs(
                        from_block=lo, to_block=hi, argument_filters=dict(filters or {})
                    )
                )
                lo = hi + 1
        return out

    # ------------------------------------------------------------------ fees and nonces

    async def fees(self) -> tuple[int, int]:
        """``(maxFeePerGas, maxPriorityFeePerGas)`` for the next block."""
        if self.profile.free_gas:
            return 0, 0
        with self.errors():
            history = await self.w3.eth.fee_history(1, "latest", [50.0])
            base_fees: list[int] = [int(b) for b in history.get("baseFeePerGas") or []] or [0]
            base = int(base_fees[-1])
            try:
                tip = int(await self.w3.eth.max_priority_fee)
            except Web3RPCError:
                rewards = history.get("reward") or []
                tip = int(rewards[-1][0]) if rewards and rewards[-1] else 0
        if base == 0 and tip == 0:
            return 0, 0
        return 2 * base + tip, tip

    async def next_nonce(self, address: str) -> int:
        """max(the node's pending transaction count, the journal's next nonce)."""
        with self.errors():
            node = int(
                await self.w3.eth.get_transaction_count(to_checksum_address(address), "pending")
            )
        journal_next = (
            self.journal.next_nonce(self.chain_id, address) if self.journal is not None else None
        )
        return max(node, journal_next or 0)

    # ------------------------------------------------------------------ transactions

    async def _base_tx(
        self, fn: AsyncContractFunction | AsyncContractConstructor, sender: str, value: int
    ) -> TxParams:
        """``to``/``data`` for ``fn`` without any node round trip."""
        placeholder: TxParams = {
            "from": to_checksum_address(sender),
            "value": Wei(value),
            "gas": 1,
            "maxFeePerGas": Wei(1),
            "maxPriorityFeePerGas": Wei(1),
            "nonce": Nonce(0),
            "chainId": self.chain_id,
        }
        with self.errors():
            built = await fn.build_transaction(placeholder)
        tx: TxParams = {
            "from": to_checksum_address(sender),
            "value": Wei(value),
            "data": built["data"],
        }
        if built.get("to"):
            tx["to"] = built["to"]
        return tx

    async def transact(
        self,
        account: LocalAccount,
        fn: AsyncContractFunction | AsyncContractConstructor,
        *,
        description: str,
        kind: str = "call",
        keys: Mapping[str, str] | None = None,
        value: int = 0,
    ) -> TxResult:
        """Simulate, sign locally, journal, then send one transaction; returns its hash.

        Nothing is signed if the simulation reverts, the chain id is wrong, or the account cannot
        pay. The signed bytes are journaled before they are sent.
        """
        await self.check_chain()
        sender = account.address
        tx = await self._base_tx(fn, sender, value)
        with self.errors():
            await self.w3.eth.call(tx, "pending")
            estimate = int(await self.w3.eth.estimate_gas(tx, "pending"))
        gas = estimate * (100 + GAS_MARGIN_PERCENT) // 100
        max_fee, tip = await self.fees()
        cost = gas * max_fee + value
        balance = await self.balance(sender)
        if balance < cost:
            raise self._insufficient(sender, cost, balance)
        async with self._send_lock:
            return await self._sign_and_send(
                account, tx, gas, max_fee, tip, description=description, kind=kind, keys=keys
            )

    async def _sign_and_send(
        self,
        account: LocalAccount,
        tx: TxParams,
        gas: int,
        max_fee: int,
        tip: int,
        *,
        description: str,
        kind: str,
        keys: Mapping[str, str] | None,
    ) -> TxResult:
        sender = account.address
        nonce = await self.next_nonce(sender)
        full: dict[str, Any] = dict(tx)
        full.update(
            {
                "type": 2,
                "chainId": self.chain_id,
                "gas": gas,
                "maxFeePerGas": max_fee,
                "maxPriorityFeePerGas": tip,
                "nonce": nonce,
            }
        )
        full.pop("from", None)
        signed = account.sign_transaction(full)
        raw = _hex(bytes(signed.raw_transaction))
        tx_hash = _hex(bytes(signed.hash))
        if self.journal is not None:
            self.journal.add(
                JournalEntry(
                    tx_hash=tx_hash,
                    raw_tx=raw,
                    nonce=nonce,
                    sender=sender,
                    chain_id=self.chain_id,
                    kind=kind,
                    description=description,
                    keys=dict(keys or {}),
                )
            )
        try:
            await self.send_raw(raw)
        except NodeUnavailable as exc:
            raise NodeUnavailable(
                exc.user_message.rstrip(".")
                + "; the signed transaction is saved and will be sent when the node is back."
            ) from None
        except ChainError as exc:
            if self.journal is not None:
                self.journal.update(tx_hash, "rejected", note=exc.user_message)
            raise
        return TxResult(tx_hash, nonce, sender, kind, description)

    def _insufficient(self, sender: str, cost: int, balance: int) -> InsufficientFunds:
        if self.profile.local:
            return InsufficientFunds(
                f"The address {sender} has {_eth(balance)} ETH but this transaction needs up to "
                f"{_eth(cost)} ETH; on the local chain, fund it with "
                f"'patient-wallet chain fund {sender}'."
            )
        return InsufficientFunds(
            f"The address {sender} has {_eth(balance)} but this transaction needs up to "
            f"{_eth(cost)} of the network's currency for gas; add funds and try again."
        )

    async def send_raw(self, raw_tx: str) -> None:
        """Broadcast signed bytes; a node that already has them is not an error."""
        try:
            with self.errors():
                await self.w3.eth.send_raw_transaction(HexBytes(raw_tx))
        except ChainError as exc:
            lowered = exc.user_message.lower()
            if "already known" in lowered or "already imported" in lowered:
                return
            raise

    async def deploy(self, account: LocalAccount, name: str, *args: Any) -> str:
        """Deploy ``name`` with constructor ``args``; waits and returns the address."""
        artifact = load_artifact(name)
        factory = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        result = await self.transact(
            account, factory.constructor(*args), description=f"Deploy {name}", kind="deploy"
        )
        receipt = await self.wait(result.tx_hash)
        if receipt.contract_address is None:
            raise ChainError(f"Deploying {name} produced no contract.")
        return receipt.contract_address

    async def wait(self, tx_hash: str, *, timeout: float = 60.0) -> Receipt:
        """Wait until mined; a reverted transaction raises :class:`TransactionFailed`."""
        try:
            with self.errors():
                raw = await self.w3.eth.wait_for_transaction_receipt(
                    HexBytes(tx_hash), timeout=timeout, poll_latency=0.1
                )
        except TimeExhausted:
            raise TransactionTimeout(
                f"Transaction {tx_hash} is not mined after {timeout:.0f} seconds; it is saved "
                "and will be checked again at the next start."
            ) from None
        receipt = self._receipt(raw)
        if self.journal is not None:
            self.journal.update(
                tx_hash,
                "mined" if receipt.succeeded else "failed",
                block_number=receipt.block_number,
            )
        if not receipt.succeeded:
            raise TransactionFailed(
                f"Transaction {tx_hash} was mined in block {receipt.block_number} but failed; "
                "nothing changed on chain."
            )
        return receipt

    @staticmethod
    def _receipt(raw: TxReceipt) -> Receipt:
        address = raw.get("contractAddress")
        return Receipt(
            tx_hash=_hex(bytes(raw["transactionHash"])),
            block_number=int(raw["blockNumber"]),
            succeeded=int(raw["status"]) == 1,
            gas_used=int(raw["gasUsed"]),
            contract_address=to_checksum_address(address) if address else None,
            raw=raw,
        )

    # ------------------------------------------------------------------ journal access

    async def receipt_status(self, tx_hash: str) -> tuple[bool, int] | None:
        try:
            with self.errors():
                raw = await self.w3.eth.get_transaction_receipt(HexBytes(tx_hash))
        except ChainError as exc:
            if "not found" in exc.user_message.lower():
                return None
            raise
        except TransactionNotFound:
            return None
        if raw is None or raw.get("blockNumber") is None:
            return None
        return int(raw["status"]) == 1, int(raw["blockNumber"])

    async def is_known(self, tx_hash: str) -> bool:
        try:
            with self.errors():
                tx = await self.w3.eth.get_transaction(HexBytes(tx_hash))
        except TransactionNotFound:
            return False
        except ChainError as exc:
            if "not found" in exc.user_message.lower():
                return False
            raise
        return tx is not None

    async def confirmed_nonce(self, address: str) -> int:
        with self.errors():
            return int(
                await self.w3.eth.get_transaction_count(to_checksum_address(address), "latest")
            )

    async def reconcile(self) -> list[Any]:
        """Settle this chain's open journal entries (see :meth:`Journal.reconcile`)."""
        if self.journal is None:
            return []
        return cast(list[Any], await self.journal.reconcile(self))

    async def rpc(self, method: str, params: Sequence[Any]) -> Any:
        """A raw JSON-RPC request (used by the local node for ``anvil_*``/``evm_*`` methods)."""
        with self.errors():
            response = await self.w3.provider.make_request(RPCEndpoint(method), list(params))
        if "error" in response:
            err = response["error"]
            message = err.get("message", str(err)) if isinstance(err, dict) else str(err)
            raise ChainError(f"The chain node refused {method}: {message}.")
        return response.get("result")


async def profile_for_rpc(
    rpc_url: str, known: Mapping[str, NetworkProfile], *, timeout: float = 10.0
) -> NetworkProfile:
    """An ad-hoc profile for ``--rpc URL``: chain id read from the node, addresses from the known
    profile of that chain id (a node alone cannot say where the contracts are)."""
    probe = NetworkProfile(name="rpc", rpc_url=rpc_url, chain_id=1)
    client = ChainClient(probe.with_rpc(rpc_url), timeout=timeout)
    try:
        with client.errors():
            chain_id = int(await client.w3.eth.chain_id)
    finally:
        await client.close()
    for profile in known.values():
        if profile.chain_id == chain_id and profile.contracts:
            return profile.with_rpc(rpc_url)
    raise WalletNotFound(
        f"The node at {rpc_url} serves chain {chain_id}, and no network profile gives contract "
        "addresses for that chain; add one to networks.toml."
    )
