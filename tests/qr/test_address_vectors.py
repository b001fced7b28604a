"""Every EIP-55 / ERC-681 / ERC-3770 vector gets this wallet's expected answer (see SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from eth_utils import is_checksum_address, to_checksum_address

from wallet.addresses import InvalidAddress, parse_address, parse_eip681_number, to_checksum

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "eip55-681-3770"


def _load(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


EIP55 = _load("eip55_vectors.json")["eip55"]
ERC681 = _load("erc681_uris.json")["erc681"]
ERC3770 = _load("erc3770_addresses.json")["erc3770"]
CHECKSUM_MSG = "fails its EIP-55 checksum"
# Checksummed form of the ERC-681 text's mixed-case example address (its checksum is wrong).
FB69 = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"


# ---------------------------------------------------------------------------------------------
# EIP-55


@pytest.mark.parametrize("address", EIP55["normal"] + EIP55["all_caps"] + EIP55["all_lower"])
def test_eip55_listed_addresses_are_their_own_checksum(address: str) -> None:
    parsed = parse_address(address)
    assert parsed.address == address
    assert parsed.address == to_checksum_address(address)  # independent implementation
    assert parsed.source_format == "bare"
    assert parsed.chain_id is None
    # Each listed form *is* its checksum (even all-caps/all-lower), so no single-case warning.
    assert parsed.warnings == ()
    assert to_checksum(address) == address


@pytest.mark.parametrize("address", EIP55["normal"])
def test_eip55_normal_addresses_lowercased_are_accepted_with_a_warning(address: str) -> None:
    for variant in (address.lower(), "0x" + address[2:].upper()):
        parsed = parse_address(variant)
        assert parsed.address == address
        assert len(parsed.warnings) == 1
        assert "no EIP-55 checksum" in parsed.warnings[0]


@pytest.mark.parametrize("address", EIP55["constructed_invalid_checksum"]["addresses"])
def test_eip55_constructed_bad_checksums_are_rejected(address: str) -> None:
    assert not is_checksum_address(address)
    with pytest.raises(InvalidAddress, match=CHECKSUM_MSG):
        parse_address(address)
    with pytest.raises(InvalidAddress, match=CHECKSUM_MSG):
        to_checksum(address)


# ---------------------------------------------------------------------------------------------
# ERC-681


def test_erc681_text_example_one_has_a_bad_checksum_and_is_rejected() -> None:
    uri = ERC681["examples_from_erc_text"][0]["uri"]
    assert "?value=2.014e18" in uri
    with pytest.raises(InvalidAddress, match=CHECKSUM_MSG):
        parse_address(uri)
    # With the address written correctly the same request parses.
    fixed = parse_address(uri.replace("0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d359", FB69))
    assert fixed.address == FB69
    assert fixed.parameters == {"value": "2.014e18"}
    assert parse_eip681_number(fixed.parameters["value"]) == 2014 * 10**15


def test_erc681_text_example_two_transfer() -> None:
    uri = ERC681["examples_from_erc_text"][1]["uri"]
    parsed = parse_address(uri)
    assert parsed.source_format == "eip681"
    assert parsed.address == to_checksum_address("0x89205a3a3b2a69de6dbf7f01ed13b2108b2c43e7")
    assert parsed.chain_id is None
    assert parsed.function == "transfer"
    assert parsed.parameters == {
        "address": "0x8e23ee67d1332ad560396262c48ffbb01f93d052",
        "uint256": "1",
    }
    assert len(parsed.warnings) == 1  # all-lowercase target


VALID_681 = [c for c in ERC681["constructed_examples"]["cases"] if c["valid"]]
INVALID_681 = [c for c in ERC681["constructed_examples"]["cases"] if not c["valid"]]


@pytest.mark.parametrize("case", VALID_681, ids=[c["uri"][:40] for c in VALID_681])
def test_erc681_constructed_valid_cases(case: dict[str, Any]) -> None:
    if case["target"].endswith(".eth"):
        with pytest.raises(InvalidAddress, match=r"^ENS names are not supported; paste the 0x"):
            parse_address(case["uri"])
        return
    parsed = parse_address(case["uri"])
    assert parsed.source_format == "eip681"
    assert parsed.address == to_checksum_address(case["target"])
    assert parsed.chain_id == case["chain_id"]
    assert parsed.function == case["function"]
    assert parsed.parameters == case["params"]
    if "value_wei" in case:
        assert parse_eip681_number(parsed.parameters["value"]) == case["value_wei"]
    single_case = case["target"][2:] in (case["target"][2:].lower(), case["target"][2:].upper())
    assert bool(parsed.warnings) == (single_case and case["target"] != parsed.address)


EXPECTED_681_REASON = {
    "non-integer wei": r"'value' must be a whole number: The number '1\.5' is not a whole number\.",
    # Hex chain ids are read (with a warning); this URI's address checksum is wrong, though.
    "chain_id must be decimal": CHECKSUM_MSG,
    "39 hex digits": r"has 39 hex digits after '0x'; an Ethereum address has 40\.",
}


@pytest.mark.parametrize("case", INVALID_681, ids=[c["reason"][:20] for c in INVALID_681])
def test_erc681_constructed_invalid_cases(case: dict[str, Any]) -> None:
    pattern = next(v for k, v in EXPECTED_681_REASON.items() if k in case["reason"])
    with pytest.raises(InvalidAddress, match=pattern):
        parse_address(case["uri"])


def test_erc681_hex_chain_id_is_read_with_a_warning() -> None:
    parsed = parse_address(f"ethereum:{FB69}@0x1?value=1")
    assert parsed.chain_id == 1
    assert parsed.warnings == (
        "The chain id is written in hex (0x1), which ERC-681 does not allow; it was read as 1.",
    )
    assert parse_address(f"ethereum:{FB69}@0x7a69").chain_id == 31337


# ---------------------------------------------------------------------------------------------
# ERC-3770


def test_erc3770_current_short_names_map_to_their_chain_ids() -> None:
    address = "0x0DA0C3e52C977Ed3cBc641fF02DD271c3ED55aFe"
    for chain_id, name in ERC3770["current_short_names_ethereum_lists"].items():
        parsed = parse_address(f"{name}:{address}")
        assert (parsed.address, parsed.chain_id, parsed.source_format) == (
            address,
            int(chain_id),
            "eip3770",
        )


def test_erc3770_image_examples() -> None:
    current = {"ovm": "oeth", "poly": "pol", "xdai": "gno", "arb": "arb1", "bsc": "bnb"}
    for text in ERC3770["examples_from_erc_image"]:
        prefix = text.split(":")[0]
        if prefix == "eth":
            assert parse_address(text).chain_id == 1
            continue
        with pytest.raises(InvalidAddress, match=f"the current one, '{current[prefix]}:'"):
            parse_address(text)


def test_erc3770_constructed_cases() -> None:
    valid = ERC3770["constructed_examples"]["valid"]
    assert [parse_address(t).chain_id for t in valid] == [1, 11155111]
    assert all(parse_address(t).source_format == "eip3770" for t in valid)
    bad_checksum, missing, empty = ERC3770["constructed_examples"]["invalid"]
    with pytest.raises(InvalidAddress, match=CHECKSUM_MSG):
        parse_address(bad_checksum["s"])
    # Without a short name it is not ERC-3770, but it is a valid bare address (no chain).
    bare = parse_address(missing["s"])
    assert (bare.source_format, bare.chain_id) == ("bare", None)
    with pytest.raises(InvalidAddress, match=r"^The chain short name before ':' is empty\.$"):
        parse_address(empty["s"])
