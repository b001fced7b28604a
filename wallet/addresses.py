"""Ethereum address parsing: bare EIP-55 addresses, ERC-681 URIs, ERC-3770 and CAIP-10 forms.

Owns the rules for turning text a person pasted or a QR code carried into one checksummed address
(and the chain it names, if any), and for writing the ``ethereum:0x…@<chainId>`` URI this wallet
shows. Pure functions: no I/O, no network, no Qt; imports only ``wallet.errors`` and ``eth_utils``
(for Keccak-256).

Security notes:

- Input is untrusted (clipboard, camera). Every character class is spelled out in ASCII (``\\d``
  and ``str.isdigit`` accept other scripts' digits, which ``int`` then reads), the length is capped
  before any work, and digit strings are capped before ``int`` sees them.
- A mixed-case address must carry a correct EIP-55 checksum; one wrong letter case is a typo or a
  tampered address, so it is rejected, never "fixed". All-lower and all-upper hex carry no checksum:
  they are accepted with a warning the UI must show.
- ENS names are rejected: resolving them needs a trusted node and turns one string into whatever the
  name points to today.
- ``parse_grantee`` is the gate for consent: it refuses payment and contract-call URIs (a QR that
  says ``/transfer?…`` or ``?value=…`` is not a provider's address), the zero address, and an
  address meant for another chain.
- Deviation from ERC-681's ABNF (decimal ``chain_id`` only): ``@0x…`` hex chain ids, which some
  wallets emit, are read, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from eth_utils.crypto import keccak

from wallet.errors import WalletValueError

__all__ = [
    "KNOWN_CHAINS",
    "SHORT_NAMES",
    "InvalidAddress",
    "ParsedAddress",
    "SourceFormat",
    "chain_label",
    "eip681_uri",
    "parse_address",
    "parse_eip681_number",
    "parse_grantee",
    "to_checksum",
]

SourceFormat = Literal["bare", "eip681", "eip3770", "caip10"]

#: Longest input considered at all (an ERC-681 URI with a few parameters is well under this).
MAX_INPUT_CHARS = 2048
#: Chain ids are 64-bit in every client; anything larger is not a chain.
MAX_CHAIN_ID = 2**64 - 1
_MAX_CHAIN_ID_DIGITS = 20
_MAX_NUMBER_DIGITS = 100
_UINT256_LIMIT = 2**256

#: chain id -> (ERC-3770 short name, human name). Short names are the current ones in
#: ethereum-lists/chains; 31337 has none registered there, so this wallet uses ``anvil`` for the
#: local node it starts.
KNOWN_CHAINS: Mapping[int, tuple[str, str]] = MappingProxyType(
    {
        1: ("eth", "Ethereum Mainnet"),
        11155111: ("sep", "Sepolia"),
        10: ("oeth", "OP Mainnet"),
        8453: ("base", "Base"),
        84532: ("basesep", "Base Sepolia"),
        42161: ("arb1", "Arbitrum One"),
        137: ("pol", "Polygon PoS"),
        100: ("gno", "Gnosis"),
        56: ("bnb", "BNB Smart Chain"),
        31337: ("anvil", "the local Anvil node"),
    }
)
#: ERC-3770 short name -> chain id.
SHORT_NAMES: Mapping[str, int] = MappingProxyType(
    {name: chain_id for chain_id, (name, _) in KNOWN_CHAINS.items()}
)
#: Old or unofficial prefixes (the ERC-3770 example image, the pre-2024 Polygon name) -> the
#: current short name. Refused with a pointer to the current name rather than guessed.
_LEGACY_SHORT_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "matic": "pol",
        "poly": "pol",
        "xdai": "gno",
        "ovm": "oeth",
        "arb": "arb1",
        "bsc": "bnb",
    }
)

_HEX40 = re.compile(r"[0-9a-fA-F]{40}", re.ASCII)
_HEX_CHARS = frozenset("0123456789abcdefABCDEF")
_DECIMAL = re.compile(r"[0-9]+", re.ASCII)
_SHORT_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
_FUNCTION_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]{0,127}", re.ASCII)
_PARAM_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_\[\]]{0,63}", re.ASCII)
_INT_TYPE = re.compile(r"(u?)int([0-9]{0,3})", re.ASCII)
_NUMBER = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]+))?(?:[eE]([0-9]*))?", re.ASCII)
_ENS_LIKE = re.compile(r"[^\s:/@?]+\.[A-Za-z]{2,}", re.ASCII)
_URI_PREFIX = re.compile(r"([A-Za-z]{1,16})-(?=0[xX])", re.ASCII)
_NUMERIC_PARAMS = frozenset({"value", "gas", "gasLimit", "gasPrice"})

_NO_CHECKSUM_WARNING = (
    "This address is written in a single letter case, so it carries no EIP-55 checksum that "
    "would catch a typo; compare it with its source character by character."
)


class InvalidAddress(WalletValueError):
    """The text is not an address (or address URI) this wallet accepts; the message says why."""


@dataclass(frozen=True)
class ParsedAddress:
    """One address read from text, with where it came from and what the reader should know."""

    address: str
    chain_id: int | None
    source_format: SourceFormat
    warnings: tuple[str, ...] = ()
    function: str | None = None
    parameters: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


# ---------------------------------------------------------------------------------------------
# small helpers


def _quote(text: str, limit: int = 24) -> str:
    """A short, printable rendering of untrusted text for an error sentence."""
    shown = text if len(text) <= limit else text[:limit] + "…"
    return repr(shown)


def _checksum_of_lower_hex(hex40_lower: str) -> str:
    digest = keccak(text=hex40_lower).hex()
    return "0x" + "".join(
        ch.upper() if ch.isalpha() and int(digest[i], 16) >= 8 else ch
        for i, ch in enumerate(hex40_lower)
    )


def chain_label(chain_id: int) -> str:
    """``"chain 1 (Ethereum Mainnet)"`` for known chains, ``"chain 12345"`` otherwise."""
    known = KNOWN_CHAINS.get(chain_id)
    return f"chain {chain_id} ({known[1]})" if known else f"chain {chain_id}"


def _check_chain_id_range(chain_id: int, shown: str) -> int:
    if chain_id < 1:
        raise InvalidAddress(f"The chain id {shown} is not valid: chain ids start at 1.")
    if chain_id > MAX_CHAIN_ID:
        raise InvalidAddress(f"The chain id {shown} is too large to be a chain id.")
    return chain_id


def _decimal_chain_id(text: str, where: str) -> int:
    if not text:
        raise InvalidAddress(f"The chain id after {where} is empty.")
    if _DECIMAL.fullmatch(text) is None:
        raise InvalidAddress(
            f"The chain id after {where} must be decimal digits, not {_quote(text)}."
        )
    if len(text) > _MAX_CHAIN_ID_DIGITS:
        raise InvalidAddress(f"The chain id after {where} is too large to be a chain id.")
    return _check_chain_id_range(int(text), _quote(text))


def _hex_address(text: str, context: str) -> tuple[str, tuple[str, ...]]:
    """Validate ``0x`` + 40 hex digits; return (checksummed, warnings)."""
    if text.startswith("0X"):
        raise InvalidAddress(
            f"{context} starts with '0X'; an Ethereum address starts with a lowercase '0x'."
        )
    if not text.startswith("0x"):
        if _HEX40.fullmatch(text):
            raise InvalidAddress(f"{context} is missing the '0x' prefix.")
        if _ENS_LIKE.fullmatch(text):
            raise InvalidAddress("ENS names are not supported; paste the 0x address.")
        raise InvalidAddress(f"{context} does not start with '0x': {_quote(text)}.")
    digits = text[2:]
    bad = next((ch for ch in digits if ch not in _HEX_CHARS), None)
    if bad is not None:
        raise InvalidAddress(f"{context} contains {bad!r}, which is not a hex digit.")
    if len(digits) != 40:
        raise InvalidAddress(
            f"{context} has {len(digits)} hex digits after '0x'; an Ethereum address has 40."
        )
    checksummed = _checksum_of_lower_hex(digits.lower())
    if text == checksummed:
        return checksummed, ()
    if digits == digits.lower() or digits == digits.upper():
        return checksummed, (_NO_CHECKSUM_WARNING,)
    raise InvalidAddress(
        f"{context} fails its EIP-55 checksum (the letter case is wrong somewhere), so it may "
        "have been mistyped or altered; copy it again from the source."
    )


def to_checksum(address: str) -> str:
    """The EIP-55 form of a bare ``0x`` address.

    Accepts all-lower and all-upper hex silently (for addresses from machines, e.g. a node's
    reply); a mixed-case address with a wrong checksum is still refused. For text from a person,
    use :func:`parse_address`, which also reports the single-case warning.
    """
    return _hex_address(address, "The address")[0]


def eip681_uri(address: str, chain_id: int) -> str:
    """``ethereum:<EIP-55 address>@<chainId>``: the payload this wallet puts in address QR codes."""
    if isinstance(chain_id, bool) or not isinstance(chain_id, int):
        raise InvalidAddress("The chain id must be a whole number.")
    _check_chain_id_range(chain_id, str(chain_id))
    return f"ethereum:{to_checksum(address)}@{chain_id}"


def parse_eip681_number(text: str, *, signed: bool = False) -> int:
    """Read an ERC-681 ``number`` (``2.014e18``, ``21000``) as an exact integer.

    The ABNF allows a fraction and an exponent; the result must still be a whole number (wei, gas)
    that fits 256 bits. Negative numbers only when ``signed``.
    """
    match = _NUMBER.fullmatch(text)
    if match is None or not (match.group(2) or match.group(3)):
        raise InvalidAddress(f"{_quote(text)} is not a number.")
    sign, whole, fraction, exponent = (
        match.group(1),
        match.group(2),
        match.group(3) or "",
        match.group(4) or "0",
    )
    if len(whole) + len(fraction) > _MAX_NUMBER_DIGITS or len(exponent) > 3:
        raise InvalidAddress(f"The number {_quote(text)} is too large.")
    shift = int(exponent) - len(fraction)
    if shift < 0:
        if fraction[len(fraction) + shift :].strip("0"):
            raise InvalidAddress(f"The number {_quote(text)} is not a whole number.")
        digits = (whole + fraction[: len(fraction) + shift]) or "0"
        shift = 0
    else:
        digits = (whole + fraction) or "0"
    if not digits.strip("0"):
        return 0
    if len(digits.lstrip("0")) + shift > 78:
        raise InvalidAddress(f"The number {_quote(text)} is too large.")
    value = int(digits + "0" * shift)
    if sign == "-":
        if not signed:
            raise InvalidAddress(f"The number {_quote(text)} must not be negative.")
        value = -value
    if abs(value) >= _UINT256_LIMIT:
        raise InvalidAddress(f"The number {_quote(text)} is too large.")
    return value


# ---------------------------------------------------------------------------------------------
# the four forms


def _parse_bare(text: str) -> ParsedAddress:
    address, warnings = _hex_address(text, "The address")
    return ParsedAddress(address=address, chain_id=None, source_format="bare", warnings=warnings)


def _check_parameter(key: str, value: str) -> None:
    if _PARAM_KEY.fullmatch(key) is None:
        raise InvalidAddress(f"The URI parameter name {_quote(key)} is not valid.")
    if key in _NUMERIC_PARAMS:
        try:
            parse_eip681_number(value)
        except InvalidAddress as error:
            raise InvalidAddress(
                f"The URI parameter '{key}' must be a whole number: {error.user_message}"
            ) from None
        return
    int_type = _INT_TYPE.fullmatch(key)
    if int_type is not None:
        try:
            parse_eip681_number(value, signed=not int_type.group(1))
        except InvalidAddress as error:
            raise InvalidAddress(
                f"The URI parameter '{key}' must be an integer: {error.user_message}"
            ) from None
        return
    if key == "address" and not _ENS_LIKE.fullmatch(value):
        _hex_address(value, "The URI parameter 'address'")


def _parse_parameters(query: str) -> dict[str, str]:
    if not query:
        raise InvalidAddress("The URI has a '?' but no parameters after it.")
    parameters: dict[str, str] = {}
    for item in query.split("&"):
        key, eq, value = item.partition("=")
        if not eq:
            raise InvalidAddress(f"The URI parameter {_quote(item)} has no '=value'.")
        if key in parameters:
            raise InvalidAddress(f"The URI parameter '{key}' appears more than once.")
        _check_parameter(key, value)
        parameters[key] = value
    return parameters


def _parse_eip681(text: str) -> ParsedAddress:
    rest = text[len("ethereum:") :]
    prefix = _URI_PREFIX.match(rest)
    if prefix is not None:
        if prefix.group(1).lower() != "pay":
            raise InvalidAddress(
                f"The 'ethereum:' URI has the prefix {_quote(prefix.group(0))}, which this "
                "wallet does not know (only 'pay-' is defined)."
            )
        rest = rest[prefix.end() :]
    head, qmark, query = rest.partition("?")
    head, slash, function = head.partition("/")
    target, at, chain_text = head.partition("@")
    warnings: list[str] = []

    if not target:
        raise InvalidAddress("The 'ethereum:' URI has no address after 'ethereum:'.")
    if _ENS_LIKE.fullmatch(target):
        raise InvalidAddress("ENS names are not supported; paste the 0x address.")

    chain_id: int | None = None
    if at:
        if chain_text[:2] in ("0x", "0X"):
            hex_digits = chain_text[2:]
            if not hex_digits or any(ch not in _HEX_CHARS for ch in hex_digits):
                raise InvalidAddress(
                    f"The chain id after '@' must be decimal digits, not {_quote(chain_text)}."
                )
            if len(hex_digits) > 16:
                raise InvalidAddress("The chain id after '@' is too large to be a chain id.")
            chain_id = _check_chain_id_range(int(hex_digits, 16), _quote(chain_text))
            warnings.append(
                f"The chain id is written in hex ({chain_text}), which ERC-681 does not allow; "
                f"it was read as {chain_id}."
            )
        else:
            chain_id = _decimal_chain_id(chain_text, "'@'")

    function_name: str | None = None
    if slash:
        if _FUNCTION_NAME.fullmatch(function) is None:
            raise InvalidAddress(f"The function name {_quote(function)} in the URI is not valid.")
        function_name = function

    parameters = _parse_parameters(query) if qmark else {}
    # The checksum is checked last so that a structural fault is reported as such.
    address, address_warnings = _hex_address(target, "The address in the 'ethereum:' URI")
    warnings[:0] = address_warnings
    return ParsedAddress(
        address=address,
        chain_id=chain_id,
        source_format="eip681",
        warnings=tuple(warnings),
        function=function_name,
        parameters=MappingProxyType(parameters),
    )


def _parse_caip10(text: str) -> ParsedAddress:
    _, _, rest = text.partition(":")
    reference, colon, account = rest.partition(":")
    if not colon:
        raise InvalidAddress(
            "A CAIP-10 account is written 'eip155:<chain id>:<address>'; the address is missing."
        )
    if len(reference) > 1 and reference.startswith("0"):
        raise InvalidAddress(
            f"The CAIP-10 chain id {_quote(reference)} must not start with a zero."
        )
    chain_id = _decimal_chain_id(reference, "'eip155:'")
    address, warnings = _hex_address(account, "The address in the CAIP-10 account")
    return ParsedAddress(
        address=address, chain_id=chain_id, source_format="caip10", warnings=warnings
    )


def _parse_eip3770(text: str) -> ParsedAddress:
    prefix, _, account = text.partition(":")
    if not prefix:
        raise InvalidAddress("The chain short name before ':' is empty.")
    if _SHORT_NAME.fullmatch(prefix) is None:
        raise InvalidAddress(f"{_quote(prefix)} is not a chain short name.")
    name = prefix.lower()
    if name in _LEGACY_SHORT_NAMES:
        raise InvalidAddress(
            f"'{prefix}:' is an old or unofficial chain short name; this wallet reads the current "
            f"one, '{_LEGACY_SHORT_NAMES[name]}:', or a bare 0x address."
        )
    if name == "local":
        raise InvalidAddress(
            "'local:' does not name one chain; use 'anvil:' for the local Anvil node (chain 31337) "
            "or paste the bare 0x address."
        )
    chain_id = SHORT_NAMES.get(name)
    if chain_id is None:
        known = ", ".join(sorted(SHORT_NAMES))
        raise InvalidAddress(
            f"{_quote(prefix)} is not a chain short name this wallet knows (it knows {known})."
        )
    address, warnings = _hex_address(account, "The address after the chain short name")
    return ParsedAddress(
        address=address, chain_id=chain_id, source_format="eip3770", warnings=warnings
    )


def parse_address(text: str) -> ParsedAddress:
    """Read one address from pasted or scanned text; raise :class:`InvalidAddress` saying why not.

    Accepted: a bare ``0x`` address; ``ethereum:[pay-]0x…[@chainId][/function][?params]``
    (ERC-681); ``shortName:0x…`` (ERC-3770, known short names only); ``eip155:<chainId>:0x…``
    (CAIP-10). Surrounding whitespace is ignored.
    """
    if not isinstance(text, str):
        raise InvalidAddress("An address must be given as text.")
    stripped = text.strip()
    if not stripped:
        raise InvalidAddress("There is no address: the text is empty.")
    if len(stripped) > MAX_INPUT_CHARS:
        raise InvalidAddress(
            f"The text is {len(stripped)} characters long, too long to be an address or a URI."
        )
    scheme, colon, _ = stripped.partition(":")
    if not colon:
        return _parse_bare(stripped)
    lowered = scheme.lower()
    if lowered == "ethereum":
        return _parse_eip681("ethereum:" + stripped[len(scheme) + 1 :])
    if lowered == "eip155":
        return _parse_caip10(stripped)
    return _parse_eip3770(stripped)


def parse_grantee(text: str, expected_chain_id: int) -> ParsedAddress:
    """Read the address of a party to be granted consent, for a wallet on ``expected_chain_id``.

    On top of :func:`parse_address`: refuses payment and contract-call URIs (a function or any
    parameter), the zero address, and an address marked for a different chain. An address without
    a chain id is taken as meant for the wallet's chain.
    """
    parsed = parse_address(text)
    if parsed.function is not None:
        raise InvalidAddress(
            f"This is a request to call the contract function '{parsed.function}', not a "
            "provider's address; ask the provider for their address QR code."
        )
    if parsed.parameters:
        keys = ", ".join(sorted(parsed.parameters))
        raise InvalidAddress(
            f"This is a payment or transaction request (it carries {keys}), not a provider's "
            "address; ask the provider for their address QR code."
        )
    if int(parsed.address, 16) == 0:
        raise InvalidAddress("The zero address belongs to no one and cannot be granted access.")
    if parsed.chain_id is not None and parsed.chain_id != expected_chain_id:
        raise InvalidAddress(
            f"This address is marked for {chain_label(parsed.chain_id)}, but this wallet is on "
            f"{chain_label(expected_chain_id)}; ask for the address on the right network."
        )
    return parsed
