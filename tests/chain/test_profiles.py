"""Network profiles (built-ins, user file, examples, ad-hoc ``--rpc``), artifacts and the error
table, and the consent vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.chain.helpers import run
from wallet.chain.artifacts import SENTENCES, decode_error, error_table, load_artifact
from wallet.chain.client import profile_for_rpc
from wallet.chain.localnode import LocalNode
from wallet.chain.profiles import (
    example_profiles,
    load_profiles,
    parse_profiles_toml,
    select_profile,
)
from wallet.consent import Purpose, parse_purpose
from wallet.errors import UnsupportedFormat, WalletNotFound, WalletValueError

USER_FILE = """
format_version = 1
[networks.clinic]
rpc_url = "http://10.0.0.5:8545"
chain_id = 2024
free_gas = true
[networks.clinic.contracts]
ConsentRegistry = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"
"""


def test_examples_parse_and_are_documented() -> None:
    examples = example_profiles()
    assert set(examples) == {"besu-consortium", "base-sepolia"}
    assert examples["besu-consortium"].free_gas
    assert examples["besu-consortium"].chain_id == 1337
    assert examples["base-sepolia"].chain_id == 84532
    docs = (Path(__file__).resolve().parents[2] / "docs/NETWORKS.md").read_text()
    for name in examples:
        assert name in docs


def test_user_file_merges_over_local(node: LocalNode, tmp_path: Path) -> None:
    (tmp_path / "networks.toml").write_text(USER_FILE)
    profiles = load_profiles(tmp_path, local=node.profile())
    assert set(profiles) == {"local", "clinic"}
    clinic = select_profile(profiles, "clinic")
    assert clinic.contracts["ConsentRegistry"] == "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"
    assert clinic.free_gas
    assert not clinic.local
    with pytest.raises(WalletNotFound, match="no address for RecordAnchor"):
        clinic.address_of("RecordAnchor")
    with pytest.raises(WalletNotFound, match="known: clinic, local"):
        select_profile(profiles, "mainnet")


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        ("[networks.x]\nrpc_url='http://a'\n", WalletValueError, "chain_id"),
        ("[networks.x]\nrpc_url='ftp://a'\nchain_id=1\n", WalletValueError, "http"),
        ("[networks.local]\nrpc_url='http://a'\nchain_id=1\n", WalletValueError, "built-in"),
        (
            "[networks.x]\nrpc_url='http://a'\nchain_id=1\n[networks.x.contracts]\n"
            "ConsentRegistry='0x12'\n",
            WalletValueError,
            "not an address",
        ),
        ("format_version = 2\n", UnsupportedFormat, "version 2"),
        ("[networks.x\n", WalletValueError, "not valid TOML"),
    ],
)
def test_bad_profile_files_are_sentences(text: str, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        parse_profiles_toml(text, "networks.toml")


def test_adhoc_rpc_profile_takes_chain_id_from_node(node: LocalNode) -> None:
    local = node.profile()
    profile = run(profile_for_rpc(local.rpc_url, {"local": local}))
    assert profile.chain_id == 31337
    assert profile.contracts == local.contracts
    with pytest.raises(WalletNotFound, match="serves chain 31337"):
        run(profile_for_rpc(local.rpc_url, {}))


def test_every_custom_error_has_a_sentence() -> None:
    names = {spec.name for spec in error_table().values()}
    ours = {n for n in names if n.startswith(("ConsentRegistry", "ProviderRegistry", "Record"))}
    assert ours
    assert ours <= set(SENTENCES)
    assert load_artifact("ConsentRegistry").compiler


def test_decode_error_with_args_and_junk() -> None:
    spec = next(s for s in error_table().values() if s.name == "ProviderRegistryNotRegistered")
    data = "0x" + spec.selector.hex() + "00" * 12 + "11" * 20
    decoded = decode_error(data)
    assert decoded is not None
    assert decoded.sentence == (
        "The address 0x1111111111111111111111111111111111111111 is not registered as a provider."
    )
    assert decode_error("0xdeadbeef") is None
    assert decode_error("0x" + spec.selector.hex() + "zz") is None
    truncated = decode_error("0x" + spec.selector.hex())
    assert truncated is not None
    assert truncated.args == {}


def test_purposes() -> None:
    assert parse_purpose("TREAT") is Purpose.TREAT
    assert parse_purpose("etreat") is Purpose.ETREAT
    assert parse_purpose("public health") is Purpose.PUBHLTH
    assert parse_purpose("7") is Purpose.PATRQT
    assert Purpose.HRESCH.display == "healthcare research"
    with pytest.raises(WalletValueError, match="TREAT, ETREAT"):
        parse_purpose("fun")
    with pytest.raises(WalletValueError):
        parse_purpose(0)
