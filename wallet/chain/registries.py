"""Typed async wrappers of the three contracts: providers, consent, record anchors.

Owns: the Python view of ``ProviderRegistry`` (register, rotate key, deregister, accredit, withdraw,
read a provider with its profile name checked against the stored hash), ``ConsentRegistry``
(grant with duplicate refusal, revoke, EIP-712 signed grants and their relaying, reads, and consent
lists built from events), and ``RecordAnchor`` (anchor a Merkle root, verify a proof).

Must not import Qt, and does not sign anything itself: every transaction goes through
``ChainClient.transact`` with an account handed in by the caller.

Security notes: the provider profile (name, licence) comes from an event and is shown only if its
keccak256 equals the hash in storage, so a node cannot substitute another name. A grant is refused
locally when an identical one is already pending in the journal or active on chain, so a retry
after a crash or a double click never sends a second grant. Consent lists are derived from events
in block order; status "active" is recomputed against the latest block's timestamp.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3.types import EventData

from wallet.chain.client import ChainClient, TxResult
from wallet.chain.errors import DuplicateGrant
from wallet.chain.merkle import MerkleTree
from wallet.consent import GrantRequest, Purpose, sign_grant
from wallet.errors import WalletValueError

ConsentStatus = Literal["pending", "active", "expired", "revoked"]
MAX_NAME = 200
MAX_LICENCE = 100


class ProviderKind(enum.IntEnum):
    """``ProviderRegistry.ProviderKind``."""

    PROVIDER = 0
    LAB = 1
    INSURER = 2
    PHARMACY = 3
    OTHER = 4

    @property
    def display(self) -> str:
        return self.name.capitalize()


def parse_kind(text: str | int) -> ProviderKind:
    """``"lab"``, ``"Lab"`` or ``1`` -> :attr:`ProviderKind.LAB`."""
    if isinstance(text, int) or text.strip().isdigit():
        try:
            return ProviderKind(int(text))
        except ValueError:
            pass
    elif text.strip().upper() in ProviderKind.__members__:
        return ProviderKind[text.strip().upper()]
    choices = ", ".join(k.name.lower() for k in ProviderKind)
    raise WalletValueError(f"'{text}' is not a provider kind; choose one of {choices}.")


def _address(text: str, what: str = "address") -> str:
    try:
        return to_checksum_address(text)
    except ValueError:
        raise WalletValueError(f"'{text}' is not a valid {what}.") from None


def _bytes32(value: bytes, what: str) -> bytes:
    if len(value) != 32:
        raise WalletValueError(f"The {what} must be exactly 32 bytes.")
    return bytes(value)


def _hex(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def provider_profile_json(name: str, licence: str | None) -> str:
    """The canonical profile JSON published at registration (its keccak256 is stored)."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise WalletValueError(f"A provider name must have 1 to {MAX_NAME} characters.")
    profile: dict[str, str] = {"name": name}
    if licence:
        licence = licence.strip()
        if len(licence) > MAX_LICENCE:
            raise WalletValueError(f"A licence number may have at most {MAX_LICENCE} characters.")
        profile["licence"] = licence
    return json.dumps(profile, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class ProviderInfo:
    """A provider as the registry knows it."""

    address: str
    registered: bool
    kind: ProviderKind | None
    encryption_key: bytes
    profile_hash: bytes
    accredited_by: str | None
    accredited_at: int | None
    accredited: bool
    name: str | None
    licence: str | None
    #: The published profile matches the stored hash (``name``/``licence`` are ``None`` if not).
    profile_verified: bool


class ProviderRegistryClient:
    """``ProviderRegistry`` through a connected client."""

    NAME = "ProviderRegistry"

    def __init__(self, client: ChainClient) -> None:
        self.client = client
        self.contract = client.contract(self.NAME)

    async def register(
        self,
        account: LocalAccount,
        *,
        name: str,
        kind: ProviderKind,
        encryption_key: bytes,
        licence: str | None = None,
    ) -> TxResult:
        profile = provider_profile_json(name, licence)
        key = _bytes32(encryption_key, "encryption key")
        fn = self.contract.functions.register(key, int(kind), keccak(text=profile), profile)
        return await self.client.transact(
            account,
            fn,
            description=f"Register {name.strip()} as a {kind.display.lower()}",
            kind="provider-register",
            keys={"provider": account.address},
        )

    async def rotate_key(self, account: LocalAccount, new_key: bytes) -> TxResult:
        fn = self.contract.functions.rotateKey(_bytes32(new_key, "encryption key"))
        return await self.client.transact(
            account, fn, description="Rotate the provider encryption key", kind="provider-rotate"
        )

    async def deregister(self, account: LocalAccount) -> TxResult:
        return await self.client.transact(
            account,
            self.contract.functions.deregister(),
            description="Deregister as a provider",
            kind="provider-deregister",
        )

    async def accredit(self, account: LocalAccount, provider: str) -> TxResult:
        addr = _address(provider, "provider address")
        return await self.client.transact(
            account,
            self.contract.functions.accredit(addr),
            description=f"Accredit provider {addr}",
            kind="provider-accredit",
            keys={"provider": addr},
        )

    async def withdraw_accreditation(self, account: LocalAccount, provider: str) -> TxResult:
        addr = _address(provider, "provider address")
        return await self.client.transact(
            account,
            self.contract.functions.withdrawAccreditation(addr),
            description=f"Withdraw the accreditation of {addr}",
            kind="provider-withdraw",
            keys={"provider": addr},
        )

    async def is_accredited(self, provider: str) -> bool:
        addr = _address(provider, "provider address")
        return bool(await self.client.call(self.contract.functions.isAccredited(addr)))

    async def is_accreditor(self, address: str) -> bool:
        addr = _address(address)
        role = await self.client.call(self.contract.functions.ACCREDITOR_ROLE())
        return bool(await self.client.call(self.contract.functions.hasRole(role, addr)))

    async def get_provider(self, provider: str) -> ProviderInfo:
        addr = _address(provider, "provider address")
        raw = await self.client.call(self.contract.functions.getProvider(addr))
        registered, kind, enc_key, profile_hash, accredited_by, accredited_at = raw
        if not registered:
            return ProviderInfo(addr, False, None, b"", b"", None, None, False, None, None, False)
        accredited = await self.is_accredited(addr)
        name: str | None = None
        licence: str | None = None
        verified = False
        events = await self.client.logs(self.NAME, "ProviderRegistered", filters={"provider": addr})
        if events:
            profile = str(events[-1]["args"]["profile"])
            if keccak(text=profile) == bytes(profile_hash):
                try:
                    parsed = json.loads(profile)
                except ValueError:
                    parsed = None
                if isinstance(parsed, dict) and isinstance(parsed.get("name"), str):
                    verified = True
                    name = parsed["name"]
                    lic = parsed.get("licence")
                    licence = lic if isinstance(lic, str) else None
        zero = "0x" + "00" * 20
        return ProviderInfo(
            address=addr,
            registered=True,
            kind=ProviderKind(int(kind)) if int(kind) in ProviderKind._value2member_map_ else None,
            encryption_key=bytes(enc_key),
            profile_hash=bytes(profile_hash),
            accredited_by=None if str(accredited_by).lower() == zero else accredited_by,
            accredited_at=int(accredited_at) or None,
            accredited=accredited,
            name=name,
            licence=licence,
            profile_verified=verified,
        )


@dataclass(frozen=True)
class GrantState:
    """``ConsentRegistry.getGrant``."""

    purpose: Purpose | None
    expires_at: int
    active: bool


@dataclass(frozen=True)
class ConsentInfo:
    """One consent (patient -> grantee, one share), as the events and the journal tell it."""

    patient: str
    grantee: str
    share_id: bytes
    purpose: Purpose | None
    expires_at: int
    status: ConsentStatus
    tx_hash: str
    block_number: int | None
    emergency: bool = False


@dataclass(frozen=True)
class SignedGrant:
    """A grant the patient signed off chain, ready for anyone to relay."""

    request: GrantRequest
    signature: bytes
    chain_id: int
    verifying_contract: str


def grant_keys(patient: str, grantee: str, share_id: bytes) -> dict[str, str]:
    """The journal key fields that identify one grant."""
    return {
        "patient": patient.lower(),
        "grantee": grantee.lower(),
        "share_id": _hex(share_id),
    }


class ConsentRegistryClient:
    """``ConsentRegistry`` through a connected client."""

    NAME = "ConsentRegistry"

    def __init__(self, client: ChainClient) -> None:
        self.client = client
        self.contract = client.contract(self.NAME)

    async def _refuse_duplicate(self, patient: str, grantee: str, share_id: bytes) -> None:
        journal = self.client.journal
        if journal is not None:
            pending = journal.find_pending(
                self.client.chain_id, "grant", grant_keys(patient, grantee, share_id)
            )
            if pending is not None:
                raise DuplicateGrant(
                    "A grant of this share to this provider is already waiting to be mined "
                    f"(transaction {pending.tx_hash}); nothing new was signed."
                )
        state = await self.get_grant(patient, grantee, share_id)
        if state.active:
            raise DuplicateGrant(
                "This provider already has active consent for this share; "
                "revoke it first to change it."
            )

    async def grant(
        self,
        account: LocalAccount,
        grantee: str,
        share_id: bytes,
        purpose: Purpose,
        expires_at: int,
    ) -> TxResult:
        """Grant as ``account`` (the patient); refuses an identical pending or active grant."""
        grantee = _address(grantee, "provider address")
        share_id = _bytes32(share_id, "share id")
        await self._refuse_duplicate(account.address, grantee, share_id)
        fn = self.contract.functions.grant(grantee, share_id, int(purpose), expires_at)
        keys = grant_keys(account.address, grantee, share_id)
        keys.update({"purpose": str(int(purpose)), "expires_at": str(expires_at)})
        return await self.client.transact(
            account,
            fn,
            description=f"Grant {grantee} access to share {_hex(share_id)[:10]}… "
            f"for {purpose.display}",
            kind="grant",
            keys=keys,
        )

    async def revoke(self, account: LocalAccount, grantee: str, share_id: bytes) -> TxResult:
        grantee = _address(grantee, "provider address")
        share_id = _bytes32(share_id, "share id")
        fn = self.contract.functions.revoke(grantee, share_id)
        return await self.client.transact(
            account,
            fn,
            description=f"Revoke {grantee}'s access to share {_hex(share_id)[:10]}…",
            kind="revoke",
            keys=grant_keys(account.address, grantee, share_id),
        )

    async def nonce(self, patient: str) -> int:
        return int(await self.client.call(self.contract.functions.nonces(_address(patient))))

    async def sign_grant(
        self,
        account: LocalAccount,
        grantee: str,
        share_id: bytes,
        purpose: Purpose,
        expires_at: int,
        deadline: int,
    ) -> SignedGrant:
        """The patient signs a grant off chain (EIP-712) with their current on-chain nonce."""
        request = GrantRequest(
            patient=account.address,
            grantee=_address(grantee, "provider address"),
            share_id=_bytes32(share_id, "share id"),
            purpose=purpose,
            expires_at=expires_at,
            nonce=await self.nonce(account.address),
            deadline=deadline,
        )
        await self.client.check_chain()
        verifying = self.contract.address
        signature = sign_grant(
            account, request, chain_id=self.client.chain_id, verifying_contract=verifying
        )
        return SignedGrant(request, signature, self.client.chain_id, verifying)

    async def grant_by_sig(self, relayer: LocalAccount, signed: SignedGrant) -> TxResult:
        """Relay a signed grant; ``relayer`` pays the gas, the grant is the patient's."""
        r = signed.request
        if signed.chain_id != self.client.chain_id or (
            signed.verifying_contract.lower() != str(self.contract.address).lower()
        ):
            raise WalletValueError("This signed consent was made for another chain or contract.")
        fn = self.contract.functions.grantBySig(
            r.patient,
            r.grantee,
            r.share_id,
            int(r.purpose),
            r.expires_at,
            r.deadline,
            signed.signature,
        )
        return await self.client.transact(
            relayer,
            fn,
            description=f"Relay {r.patient}'s grant to {r.grantee}",
            kind="grant-by-sig",
            keys=grant_keys(r.patient, r.grantee, r.share_id),
        )

    async def is_authorized(self, patient: str, grantee: str, share_id: bytes) -> bool:
        fn = self.contract.functions.isAuthorized(
            _address(patient), _address(grantee), _bytes32(share_id, "share id")
        )
        return bool(await self.client.call(fn))

    async def get_grant(self, patient: str, grantee: str, share_id: bytes) -> GrantState:
        fn = self.contract.functions.getGrant(
            _address(patient), _address(grantee), _bytes32(share_id, "share id")
        )
        purpose, expires_at, active = await self.client.call(fn)
        return GrantState(
            purpose=Purpose(purpose) if purpose in Purpose._value2member_map_ else None,
            expires_at=int(expires_at),
            active=bool(active),
        )

    async def _consents(
        self, filters: dict[str, str], *, journal_patient: str | None
    ) -> list[ConsentInfo]:
        head = await self.client.block_number()
        now = await self.client.block_timestamp(head)
        granted = await self.client.logs(
            self.NAME, "ConsentGranted", to_block=head, filters=filters
        )
        revoked = await self.client.logs(
            self.NAME, "ConsentRevoked", to_block=head, filters=filters
        )
        ordered: list[tuple[int, int, str, EventData]] = [
            (int(e["blockNumber"]), int(e["logIndex"]), "grant", e) for e in granted
        ] + [(int(e["blockNumber"]), int(e["logIndex"]), "revoke", e) for e in revoked]
        ordered.sort(key=lambda t: (t[0], t[1]))
        state: dict[tuple[str, str, bytes], ConsentInfo] = {}
        for block, _, what, e in ordered:
            args: Any = e["args"]
            key = (str(args["patient"]), str(args["grantee"]), bytes(args["shareId"]))
            tx_hash = "0x" + bytes(e["transactionHash"]).hex()
            if what == "grant":
                purpose_code = int(args["purpose"])
                purpose = (
                    Purpose(purpose_code) if purpose_code in Purpose._value2member_map_ else None
                )
                expires = int(args["expiresAt"])
                state[key] = ConsentInfo(
                    patient=key[0],
                    grantee=key[1],
                    share_id=key[2],
                    purpose=purpose,
                    expires_at=expires,
                    status="active" if now < expires else "expired",
                    tx_hash=tx_hash,
                    block_number=block,
                    emergency=purpose is Purpose.ETREAT,
                )
            else:
                prev = state.get(key)
                state[key] = ConsentInfo(
                    patient=key[0],
                    grantee=key[1],
                    share_id=key[2],
                    purpose=prev.purpose if prev else None,
                    expires_at=prev.expires_at if prev else 0,
                    status="revoked",
                    tx_hash=tx_hash,
                    block_number=block,
                    emergency=prev.emergency if prev else False,
                )
        journal = self.client.journal
        if journal is not None and journal_patient is not None:
            for entry in journal.pending(self.client.chain_id, journal_patient):
                if entry.kind != "grant":
                    continue
                pkey = (
                    to_checksum_address(entry.keys["patient"]),
                    to_checksum_address(entry.keys["grantee"]),
                    bytes.fromhex(entry.keys["share_id"][2:]),
                )
                code = int(entry.keys.get("purpose", "0") or 0)
                pending_purpose = Purpose(code) if code in Purpose._value2member_map_ else None
                state[pkey] = ConsentInfo(
                    patient=pkey[0],
                    grantee=pkey[1],
                    share_id=pkey[2],
                    purpose=pending_purpose,
                    expires_at=int(entry.keys.get("expires_at", "0") or 0),
                    status="pending",
                    emergency=pending_purpose is Purpose.ETREAT,
                    tx_hash=entry.tx_hash,
                    block_number=None,
                )
        return sorted(state.values(), key=lambda c: (c.block_number or 1 << 62, c.tx_hash))

    async def consents_of(self, patient: str) -> list[ConsentInfo]:
        """Every share ``patient`` granted, with its latest status (the patient's view)."""
        addr = _address(patient)
        return await self._consents({"patient": addr}, journal_patient=addr)

    async def consents_for(self, grantee: str) -> list[ConsentInfo]:
        """Every share granted to ``grantee``, with its latest status (the provider's view)."""
        return await self._consents(
            {"grantee": _address(grantee, "provider address")}, journal_patient=None
        )


class RecordAnchorClient:
    """``RecordAnchor`` through a connected client."""

    NAME = "RecordAnchor"

    def __init__(self, client: ChainClient) -> None:
        self.client = client
        self.contract = client.contract(self.NAME)

    async def anchor(self, account: LocalAccount, tree: MerkleTree) -> TxResult:
        fn = self.contract.functions.anchor(tree.root, tree.count)
        return await self.client.transact(
            account,
            fn,
            description=f"Anchor a batch of {tree.count} record hashes",
            kind="anchor",
            keys={"root": _hex(tree.root)},
        )

    async def verify(
        self, patient: str, root: bytes, content_hash: bytes, proof: Sequence[bytes]
    ) -> bool:
        fn = self.contract.functions.verify(
            _address(patient),
            _bytes32(root, "Merkle root"),
            _bytes32(content_hash, "content hash"),
            [_bytes32(p, "proof element") for p in proof],
        )
        return bool(await self.client.call(fn))

    async def get_anchor(self, patient: str, root: bytes) -> tuple[int, int]:
        """``(anchored_at, count)``; ``(0, 0)`` if ``patient`` never anchored ``root``."""
        fn = self.contract.functions.getAnchor(_address(patient), _bytes32(root, "Merkle root"))
        anchored_at, count = await self.client.call(fn)
        return int(anchored_at), int(count)
