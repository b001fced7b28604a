"""Consent vocabulary and the EIP-712 ``Grant`` typed data, matching ``ConsentRegistry.sol``.

Owns: the purpose-of-use codes (HL7 v3 ActReason values, stored on chain as ``uint8``), parsing a
purpose typed by a user, the emergency-treatment lifetime cap, and the EIP-712 domain and ``Grant``
struct a patient signs so that anyone may relay the grant (``grantBySig``).

Must not import Qt, web3 or any chain client: this module is pure data and is shared by the chain
client, the CLI and the UI. It may use eth-account to sign.

Security notes: the domain binds a signature to one chain id and one ``ConsentRegistry`` address,
and the struct carries the patient's on-chain nonce and a deadline, so a signed grant cannot be
replayed on another chain, another contract, a second time, or after its deadline. The typed data
here must stay byte-for-byte equal to the contract's ``GRANT_TYPEHASH``; the chain tests check it
against the real contract.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount

from wallet.errors import WalletValueError

DOMAIN_NAME = "PatientWalletConsent"
DOMAIN_VERSION = "1"

#: The contract caps an emergency-treatment (ETREAT) grant at this many seconds (72 hours).
EMERGENCY_MAX_LIFETIME_SECONDS = 72 * 3600


class Purpose(enum.IntEnum):
    """Purpose of use, as HL7 v3 ActReason codes; the value is the ``uint8`` used on chain."""

    TREAT = 1
    ETREAT = 2
    HPAYMT = 3
    HOPERAT = 4
    HRESCH = 5
    PUBHLTH = 6
    PATRQT = 7

    @property
    def display(self) -> str:
        """The HL7 display name, for lists and confirmations."""
        return _DISPLAY[self]

    @property
    def code(self) -> str:
        """The HL7 code (``"TREAT"``)."""
        return self.name


_DISPLAY: dict[Purpose, str] = {
    Purpose.TREAT: "treatment",
    Purpose.ETREAT: "emergency treatment",
    Purpose.HPAYMT: "healthcare payment",
    Purpose.HOPERAT: "healthcare operations",
    Purpose.HRESCH: "healthcare research",
    Purpose.PUBHLTH: "public health",
    Purpose.PATRQT: "patient requested",
}


def parse_purpose(text: str | int) -> Purpose:
    """Parse ``"TREAT"``, ``"treat"``, ``"treatment"`` or ``1`` into a :class:`Purpose`."""
    if isinstance(text, int):
        try:
            return Purpose(text)
        except ValueError:
            raise WalletValueError(f"{text} is not a purpose-of-use code.") from None
    cleaned = text.strip()
    if cleaned.isdigit():
        return parse_purpose(int(cleaned))
    upper = cleaned.upper()
    if upper in Purpose.__members__:
        return Purpose[upper]
    for purpose, display in _DISPLAY.items():
        if cleaned.lower() == display:
            return purpose
    choices = ", ".join(p.name for p in Purpose)
    raise WalletValueError(f"'{text}' is not a purpose of use; choose one of {choices}.")


GRANT_TYPES: dict[str, list[dict[str, str]]] = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
        {"name": "chainId", "type": "uint256"},
        {"name": "verifyingContract", "type": "address"},
    ],
    "Grant": [
        {"name": "patient", "type": "address"},
        {"name": "grantee", "type": "address"},
        {"name": "shareId", "type": "bytes32"},
        {"name": "purpose", "type": "uint8"},
        {"name": "expiresAt", "type": "uint64"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
}


@dataclass(frozen=True)
class GrantRequest:
    """The fields of one ``Grant`` struct, as the patient signs it."""

    patient: str
    grantee: str
    share_id: bytes
    purpose: Purpose
    expires_at: int
    nonce: int
    deadline: int

    def __post_init__(self) -> None:
        if len(self.share_id) != 32:
            raise WalletValueError("A share id must be exactly 32 bytes.")
        if not 0 <= self.expires_at < 2**64:
            raise WalletValueError("The expiry time is out of range.")


def grant_typed_data(
    request: GrantRequest, *, chain_id: int, verifying_contract: str
) -> dict[str, Any]:
    """The full EIP-712 message (``types``, ``primaryType``, ``domain``, ``message``)."""
    return {
        "types": GRANT_TYPES,
        "primaryType": "Grant",
        "domain": {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": chain_id,
            "verifyingContract": verifying_contract,
        },
        "message": {
            "patient": request.patient,
            "grantee": request.grantee,
            "shareId": request.share_id,
            "purpose": int(request.purpose),
            "expiresAt": request.expires_at,
            "nonce": request.nonce,
            "deadline": request.deadline,
        },
    }


def sign_grant(
    account: LocalAccount, request: GrantRequest, *, chain_id: int, verifying_contract: str
) -> bytes:
    """Sign ``request`` as the patient; returns the 65-byte ``r || s || v`` signature."""
    if account.address.lower() != request.patient.lower():
        raise WalletValueError("Only the patient named in a grant can sign it.")
    message = grant_typed_data(request, chain_id=chain_id, verifying_contract=verifying_contract)
    signed = Account.sign_typed_data(account.key, full_message=message)
    return bytes(signed.signature)
