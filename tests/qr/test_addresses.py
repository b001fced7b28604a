"""Address parsing rules beyond the vectors: each accepted form, each rejection and its reason,
the consent gate (``parse_grantee``), and Hypothesis properties."""

from __future__ import annotations

import contextlib

import pytest
from eth_utils import to_checksum_address
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wallet.addresses import (
    SHORT_NAMES,
    InvalidAddress,
    ParsedAddress,
    eip681_uri,
    parse_address,
    parse_eip681_number,
    parse_grantee,
    to_checksum,
)
from wallet.errors import WalletValueError

ADDR = "0x5FbDB2315678afecb367f032d93F642f64180aa3"  # anvil account 0's first contract
PROVIDER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # anvil account 1


def test_invalid_address_is_a_wallet_value_error() -> None:
    assert issubclass(InvalidAddress, WalletValueError)
    assert issubclass(InvalidAddress, ValueError)


@pytest.mark.parametrize(
    ("text", "chain_id", "source"),
    [
        (f"  {ADDR}\n", None, "bare"),
        (f"ethereum:{ADDR}", None, "eip681"),
        (f"ethereum:{ADDR}@31337", 31337, "eip681"),
        (f"ethereum:pay-{ADDR}@1", 1, "eip681"),
        (f"ETHEREUM:{ADDR}@8453", 8453, "eip681"),
        (f"ethereum:{ADDR}@0x14a34", 84532, "eip681"),
        (f"eip155:10:{ADDR}", 10, "caip10"),
        (f"\teip155:31337:{ADDR} ", 31337, "caip10"),
        (f"anvil:{ADDR}", 31337, "eip3770"),
        (f"base:{ADDR}", 8453, "eip3770"),
        (f"basesep:{ADDR}", 84532, "eip3770"),
        (f"arb1:{ADDR}", 42161, "eip3770"),
        (f"gno:{ADDR}", 100, "eip3770"),
        (f"pol:{ADDR}", 137, "eip3770"),
        (f"oeth:{ADDR}", 10, "eip3770"),
        (f"ETH:{ADDR}", 1, "eip3770"),
    ],
)
def test_accepted_forms(text: str, chain_id: int | None, source: str) -> None:
    parsed = parse_address(text)
    assert parsed.address == ADDR
    assert parsed.chain_id == chain_id
    assert parsed.source_format == source
    assert parsed.function is None
    assert parsed.parameters == {}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", r"^There is no address: the text is empty\.$"),
        ("   \n", r"^There is no address: the text is empty\.$"),
        ("0X" + ADDR[2:], r"starts with '0X'; an Ethereum address starts with a lowercase '0x'\."),
        (ADDR[2:], r"^The address is missing the '0x' prefix\.$"),
        (ADDR[:-1], r"has 39 hex digits after '0x'; an Ethereum address has 40\."),
        (ADDR + "0", r"has 41 hex digits"),
        (ADDR[:-1] + "g", r"contains 'g', which is not a hex digit\."),
        (ADDR[:10] + "\u200b" + ADDR[10:], r"contains '\\u200b', which is not a hex digit\."),
        (ADDR[:10] + " " + ADDR[10:], r"contains ' ', which is not a hex digit\."),
        ("vitalik.eth", r"^ENS names are not supported; paste the 0x address\.$"),
        ("ethereum:vitalik.eth@1", r"^ENS names are not supported; paste the 0x address\.$"),
        ("hello", r"does not start with '0x': 'hello'\."),
        ("ethereum:", r"has no address after 'ethereum:'"),
        (f"ethereum:foo-{ADDR}", r"prefix 'foo-', which this wallet does not know"),
        (f"ethereum:{ADDR}@", r"^The chain id after '@' is empty\.$"),
        (f"ethereum:{ADDR}@1x", r"must be decimal digits, not '1x'"),
        (f"ethereum:{ADDR}@\u0661", r"must be decimal digits"),  # Arabic-Indic one
        (f"ethereum:{ADDR}@0", r"chain ids start at 1"),
        (f"ethereum:{ADDR}@{2**64}", r"too large to be a chain id"),
        (f"ethereum:{ADDR}@{'9' * 1500}", r"too large to be a chain id"),
        (f"ethereum:{ADDR}@0xzz", r"must be decimal digits, not '0xzz'"),
        (f"ethereum:{ADDR}/", r"function name '' in the URI is not valid"),
        (f"ethereum:{ADDR}/a b", r"function name 'a b'"),
        (f"ethereum:{ADDR}?", r"has a '\?' but no parameters"),
        (f"ethereum:{ADDR}?value", r"parameter 'value' has no '=value'"),
        (f"ethereum:{ADDR}?value=1&value=2", r"'value' appears more than once"),
        (f"ethereum:{ADDR}?value=-1", r"must not be negative"),
        (f"ethereum:{ADDR}?gas=abc", r"'gas' must be a whole number: 'abc' is not a number"),
        (f"ethereum:{ADDR}?value=1e999", r"too large"),
        (f"ethereum:{ADDR}/transfer?uint256=1.5", r"'uint256' must be an integer"),
        (f"ethereum:{ADDR}/transfer?address=0x12", r"parameter 'address' has 2 hex digits"),
        (f"eip155:01:{ADDR}", r"must not start with a zero"),
        (f"eip155:1:{ADDR.lower()[:-1]}", r"has 39 hex digits"),
        ("eip155:1", r"the address is missing"),
        (f"eip155:x:{ADDR}", r"must be decimal digits"),
        (f":{ADDR}", r"^The chain short name before ':' is empty\.$"),
        (f"bitcoin:{ADDR}", r"^'bitcoin' is not a chain short name this wallet knows \(it knows "),
        (f"matic:{ADDR}", r"the current one, 'pol:'"),
        (f"local:{ADDR}", r"^'local:' does not name one chain; use 'anvil:'"),
        (f"a b:{ADDR}", r"'a b' is not a chain short name\."),
        ("0x" + "a" * 3000, r"too long to be an address"),
    ],
)
def test_rejections_say_why(text: str, reason: str) -> None:
    with pytest.raises(InvalidAddress, match=reason) as info:
        parse_address(text)
    message = info.value.user_message
    assert message == str(info.value)
    assert message.endswith(".")
    assert "\n" not in message
    assert len(message) < 400


def test_parse_address_rejects_non_text() -> None:
    with pytest.raises(InvalidAddress, match="must be given as text"):
        parse_address(b"0x00" * 10)  # type: ignore[arg-type]


def test_known_short_names_table() -> None:
    assert SHORT_NAMES == {
        "eth": 1,
        "sep": 11155111,
        "oeth": 10,
        "base": 8453,
        "basesep": 84532,
        "arb1": 42161,
        "pol": 137,
        "gno": 100,
        "bnb": 56,
        "anvil": 31337,
    }


def test_parsed_address_is_immutable() -> None:
    parsed = parse_address(f"ethereum:{ADDR}@1?value=1")
    with pytest.raises(AttributeError):
        parsed.address = PROVIDER  # type: ignore[misc]
    with pytest.raises(TypeError):
        parsed.parameters["value"] = "2"  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("21000", 21000),
        ("+7", 7),
        ("1e18", 10**18),
        ("2.014e18", 2014 * 10**15),
        ("1.50e1", 15),
        (".5e1", 5),
        ("1e", 1),
        ("0e999", 0),
        ("1.000", 1),
    ],
)
def test_eip681_numbers(text: str, expected: int) -> None:
    assert parse_eip681_number(text) == expected


def test_eip681_signed_numbers() -> None:
    assert parse_eip681_number("-5e2", signed=True) == -500
    with pytest.raises(InvalidAddress, match="must not be negative"):
        parse_eip681_number("-5e2")
    with pytest.raises(InvalidAddress, match="too large"):
        parse_eip681_number(str(2**256))
    with pytest.raises(InvalidAddress, match="not a number"):
        parse_eip681_number(".")
    with pytest.raises(InvalidAddress, match="not a whole number"):
        parse_eip681_number("1.25e1")


def test_to_checksum_and_eip681_uri() -> None:
    assert to_checksum(PROVIDER.lower()) == PROVIDER
    assert eip681_uri(PROVIDER.lower(), 31337) == f"ethereum:{PROVIDER}@31337"
    for bad_chain in (0, -1, 2**64, True):
        with pytest.raises(InvalidAddress):
            eip681_uri(PROVIDER, bad_chain)
    with pytest.raises(InvalidAddress, match="has 39 hex digits"):
        eip681_uri(PROVIDER[:-1], 1)


# ---------------------------------------------------------------------------------------------
# parse_grantee: the consent gate


def test_grantee_accepts_plain_addresses_for_this_chain() -> None:
    for text in (
        PROVIDER,
        f"ethereum:{PROVIDER}@31337",
        f"anvil:{PROVIDER}",
        f"ethereum:{PROVIDER}",
    ):
        assert parse_grantee(text, 31337).address == PROVIDER


def test_grantee_rejects_an_erc681_transfer_uri() -> None:
    uri = f"ethereum:{ADDR}@31337/transfer?address={PROVIDER}&uint256=1"
    assert parse_address(uri).function == "transfer"  # a valid URI ...
    with pytest.raises(InvalidAddress) as info:  # ... but not a grantee
        parse_grantee(uri, 31337)
    assert info.value.user_message == (
        "This is a request to call the contract function 'transfer', not a provider's address; "
        "ask the provider for their address QR code."
    )


def test_grantee_rejects_a_payment_request() -> None:
    with pytest.raises(
        InvalidAddress, match=r"payment or transaction request \(it carries gas, value\)"
    ):
        parse_grantee(f"ethereum:pay-{PROVIDER}@31337?value=1e18&gas=21000", 31337)


def test_grantee_rejects_a_chain_id_mismatch() -> None:
    with pytest.raises(InvalidAddress) as info:
        parse_grantee(f"ethereum:{PROVIDER}@1", 31337)
    assert info.value.user_message == (
        "This address is marked for chain 1 (Ethereum Mainnet), but this wallet is on chain 31337 "
        "(the local Anvil node); ask for the address on the right network."
    )
    with pytest.raises(InvalidAddress, match=r"marked for chain 11155111 \(Sepolia\)"):
        parse_grantee(f"sep:{PROVIDER}", 8453)
    with pytest.raises(
        InvalidAddress,
        match=r"^This address is marked for chain 5, but this wallet is on chain 1 \(Ethereum",
    ):
        parse_grantee(f"eip155:5:{PROVIDER}", 1)


def test_grantee_rejects_the_zero_address() -> None:
    with pytest.raises(InvalidAddress, match="zero address"):
        parse_grantee("0x" + "0" * 40, 1)


# ---------------------------------------------------------------------------------------------
# Hypothesis

HEX = "0123456789abcdefABCDEF"
URI_ALPHABET = st.sampled_from(list(HEX + "xX:@/?=&.-+eE pay\u0661\u200b\n"))
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse_or_invalid(text: str) -> ParsedAddress | None:
    try:
        parsed = parse_address(text)
    except InvalidAddress as error:
        message = error.user_message
    else:
        # Anything accepted is a real EIP-55 address.
        assert parsed.address == to_checksum_address(parsed.address)
        return parsed
    assert message.endswith(".")
    return None


@FUZZ
@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_invalid_address(text: str) -> None:
    _parse_or_invalid(text)


@FUZZ
@given(st.binary(min_size=20, max_size=20), st.integers(min_value=1, max_value=2**64 - 1))
def test_eip681_uri_round_trip(raw: bytes, chain_id: int) -> None:
    address = to_checksum_address(raw)
    uri = eip681_uri(address.lower(), chain_id)
    parsed = parse_address(uri)
    assert (parsed.address, parsed.chain_id, parsed.warnings) == (address, chain_id, ())
    assert eip681_uri(parsed.address, chain_id) == uri
    if int(address, 16) == 0:
        with pytest.raises(InvalidAddress, match="zero address"):
            parse_grantee(uri, chain_id)
    else:
        assert parse_grantee(uri, chain_id).address == address


@st.composite
def mutated_uris(draw: st.DrawFn) -> str:
    raw = draw(st.binary(min_size=20, max_size=20))
    chain_id = draw(st.integers(min_value=1, max_value=2**64 - 1))
    base = draw(
        st.sampled_from(
            [
                eip681_uri(to_checksum_address(raw), chain_id),
                f"ethereum:pay-{to_checksum_address(raw)}@{chain_id}/transfer?address={PROVIDER}&uint256=1e6",
                f"eip155:{chain_id}:{to_checksum_address(raw)}",
                f"sep:{to_checksum_address(raw)}",
            ]
        )
    )
    chars = list(base)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        op = draw(st.sampled_from(["replace", "insert", "delete", "swapcase"]))
        pos = draw(st.integers(min_value=0, max_value=max(len(chars) - 1, 0)))
        if op == "replace" and chars:
            chars[pos] = draw(URI_ALPHABET)
        elif op == "insert":
            chars.insert(pos, draw(URI_ALPHABET))
        elif op == "delete" and chars:
            del chars[pos]
        elif chars:
            chars[pos] = chars[pos].swapcase()
    return "".join(chars)


@FUZZ
@given(mutated_uris())
def test_mutated_uris_raise_only_invalid_address(text: str) -> None:
    _parse_or_invalid(text)
    with contextlib.suppress(InvalidAddress):
        parse_grantee(text, 31337)
