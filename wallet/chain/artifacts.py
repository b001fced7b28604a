"""Compiled contract artifacts and the translation of contract errors into sentences.

Owns: loading ``wallet/chain/artifacts/<Name>.json`` (keys ``abi``, ``bytecode``,
``deployedBytecode``, ``compiler``) as package data, the table of custom-error selectors (the first
4 bytes of ``keccak256("Name(types)")``) with their decoded arguments, and the sentence a user sees
for each error.

Must not import Qt or open network connections. The JSON files are written by the contracts
build (``contracts/``); this module only reads them.

Security notes: revert data comes from a node and is untrusted; decoding never raises on junk, it
falls back to a generic sentence. Sentences never echo raw bytes longer than an address or a hash.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from wallet.errors import CorruptData, WalletNotFound

CONTRACTS = ("ProviderRegistry", "ConsentRegistry", "RecordAnchor")


@dataclass(frozen=True)
class Artifact:
    """One compiled contract."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: str
    deployed_bytecode: str
    compiler: str


@cache
def load_artifact(name: str) -> Artifact:
    """Read ``artifacts/<name>.json`` from the installed package."""
    if name not in CONTRACTS:
        raise WalletNotFound(f"There is no contract called {name} in this program.")
    entry = resources.files("wallet.chain").joinpath("artifacts", f"{name}.json")
    try:
        raw = json.loads(entry.read_text("utf-8"))
    except FileNotFoundError:
        raise WalletNotFound(
            f"The compiled {name} contract is missing from this installation."
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise CorruptData(f"The compiled {name} contract file is damaged.") from None
    try:
        bytecode = raw["bytecode"]
        deployed = raw.get("deployedBytecode", "")
        if isinstance(bytecode, dict):  # solc-style {"object": "..."}
            bytecode = bytecode["object"]
        if isinstance(deployed, dict):
            deployed = deployed["object"]
        compiler = raw.get("compiler", "")
        if isinstance(compiler, dict):
            compiler = str(compiler.get("solc", compiler.get("version", "")))
        abi = raw["abi"]
        if not isinstance(abi, list) or not isinstance(bytecode, str):
            raise TypeError(name)
    except (KeyError, TypeError):
        raise CorruptData(f"The compiled {name} contract file is damaged.") from None
    if not bytecode.startswith("0x"):
        bytecode = "0x" + bytecode
    if deployed and not deployed.startswith("0x"):
        deployed = "0x" + deployed
    return Artifact(name, abi, bytecode, deployed, str(compiler))


def _canonical_type(param: Mapping[str, Any]) -> str:
    """The ABI type string, expanding tuples (``tuple[]`` -> ``(a,b)[]``)."""
    kind = str(param["type"])
    if kind.startswith("tuple"):
        inner = ",".join(_canonical_type(c) for c in param.get("components", []))
        return f"({inner}){kind[len('tuple') :]}"
    return kind


@dataclass(frozen=True)
class ErrorSpec:
    """One custom error declared in an ABI."""

    contract: str
    name: str
    input_names: tuple[str, ...]
    input_types: tuple[str, ...]

    @property
    def signature(self) -> str:
        return f"{self.name}({','.join(self.input_types)})"

    @property
    def selector(self) -> bytes:
        return keccak(text=self.signature)[:4]


@dataclass(frozen=True)
class DecodedError:
    """A revert decoded against the known ABIs."""

    name: str
    args: dict[str, Any]
    contract: str

    @property
    def sentence(self) -> str:
        return error_sentence(self)


@cache
def error_table() -> dict[bytes, ErrorSpec]:
    """Selector -> error, across every contract's ABI (including inherited OpenZeppelin errors)."""
    table: dict[bytes, ErrorSpec] = {}
    for name in CONTRACTS:
        try:
            artifact = load_artifact(name)
        except WalletNotFound:
            continue
        for item in artifact.abi:
            if item.get("type") != "error":
                continue
            inputs = item.get("inputs", [])
            spec = ErrorSpec(
                contract=name,
                name=str(item["name"]),
                input_names=tuple(str(i.get("name", "")) for i in inputs),
                input_types=tuple(_canonical_type(i) for i in inputs),
            )
            table.setdefault(spec.selector, spec)
    return table


def _plain(value: Any, kind: str) -> Any:
    if kind == "address" and isinstance(value, str):
        return to_checksum_address(value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value


def decode_error(data: str | bytes | None) -> DecodedError | None:
    """Decode revert data (selector + ABI-encoded args); ``None`` if it matches no known error."""
    if data is None:
        return None
    if isinstance(data, str):
        text = data[2:] if data.startswith("0x") else data
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            return None
    else:
        raw = bytes(data)
    if len(raw) < 4:
        return None
    spec = error_table().get(raw[:4])
    if spec is None:
        return None
    try:
        values: Sequence[Any] = abi_decode(list(spec.input_types), raw[4:])
    except Exception:  # noqa: BLE001 - untrusted bytes; any decoding failure means "unknown"
        return DecodedError(spec.name, {}, spec.contract)
    args = {
        (n or f"arg{i}"): _plain(v, t)
        for i, (n, t, v) in enumerate(zip(spec.input_names, spec.input_types, values, strict=True))
    }
    return DecodedError(spec.name, args, spec.contract)


#: One sentence per custom error. ``{name}`` fields are filled from the decoded arguments.
SENTENCES: dict[str, str] = {
    # ConsentRegistry
    "ConsentRegistryGrantNotFound": (
        "There is no active consent for this provider and share to revoke."
    ),
    "ConsentRegistryInvalidGrantee": (
        "A consent needs a provider address; the zero address was given."
    ),
    "ConsentRegistryInvalidShareId": "A consent needs a share id; an empty one was given.",
    "ConsentRegistryInvalidPurpose": "Purpose code {purpose} is not one the registry accepts.",
    "ConsentRegistryExpiryNotInFuture": "The consent must end in the future.",
    "ConsentRegistryEmergencyLifetimeExceeded": (
        "Emergency-treatment consent may last at most 72 hours."
    ),
    "ConsentRegistryGrantUnchanged": (
        "This provider already has this consent for this share, with the same purpose and expiry."
    ),
    "ConsentRegistryExpiredSignature": (
        "The signed consent has passed its deadline; ask the patient to sign it again."
    ),
    "ConsentRegistryInvalidSignature": (
        "The consent signature is not the patient's, or it was already used."
    ),
    "InvalidAccountNonce": "The consent signature was already used.",
    # ProviderRegistry
    "ProviderRegistryInvalidAdmin": "The registry needs an administrator address.",
    "ProviderRegistryAlreadyRegistered": (
        "The address {provider} is already registered as a provider."
    ),
    "ProviderRegistryNotRegistered": "The address {provider} is not registered as a provider.",
    "ProviderRegistryInvalidEncryptionKey": (
        "A provider needs an encryption key; an empty one was given."
    ),
    "ProviderRegistryKeyUnchanged": "That encryption key is already the registered one.",
    "ProviderRegistryInvalidKind": "Provider kind {kind} is not one the registry accepts.",
    "ProviderRegistryProfileHashMismatch": (
        "The provider profile does not match its hash; nothing was registered."
    ),
    "ProviderRegistryAlreadyAccredited": (
        "The provider {provider} is already accredited by {accreditedBy}."
    ),
    "ProviderRegistryNotAccredited": "The provider {provider} has no accreditation to withdraw.",
    "AccessControlUnauthorizedAccount": (
        "The address {account} is not {role_name}, so it cannot do this."
    ),
    "AccessControlBadConfirmation": "Only the holder of a role can renounce it.",
    # RecordAnchor
    "RecordAnchorInvalidRoot": "A batch to anchor needs a Merkle root; an empty one was given.",
    "RecordAnchorEmptyBatch": "A batch to anchor must hold at least one record.",
    "RecordAnchorAlreadyAnchored": "This batch of records is already anchored.",
    # OpenZeppelin ECDSA
    "ECDSAInvalidSignature": "The signature is not valid.",
    "ECDSAInvalidSignatureLength": "The signature has the wrong length.",
    "ECDSAInvalidSignatureS": "The signature is not valid.",
}


def _split_camel(name: str) -> str:
    words: list[str] = []
    current = ""
    for ch in name:
        if ch.isupper() and current:
            words.append(current)
            current = ch
        else:
            current += ch
    if current:
        words.append(current)
    return " ".join(w.lower() for w in words)


#: AccessControl role ids (``bytes32``) by the name a sentence uses for their holders.
ROLE_NAMES: dict[str, str] = {
    "0x" + bytes(32).hex(): "an administrator of the registry",
    "0x" + keccak(b"ACCREDITOR_ROLE").hex(): "an accreditor",
}


def error_sentence(error: DecodedError) -> str:
    """The user sentence for a decoded error (a generic one for errors not in the table)."""
    template = SENTENCES.get(error.name)
    if template is not None:
        role = str(error.args.get("neededRole", ""))
        fields = {"role_name": ROLE_NAMES.get(role, "allowed to"), **error.args}
        try:
            return template.format(**fields)
        except (KeyError, IndexError, ValueError):
            return template.split("{", 1)[0].rstrip() + "."
    reason = error.name
    if reason.startswith(error.contract):
        reason = reason[len(error.contract) :]
    return f"The {error.contract} contract refused the transaction ({_split_camel(reason)})."
