"""Ethereum HD vectors: all 304 (mnemonic, path) -> address (and private key) checks.

Paths ``m/44'/60'/0'/0/i`` go through the wallet's own ``SeedKeys.account(i)``; the other paths
(ethers' arbitrary BIP32 paths, Trezor's non-account paths) through eth-account's
``key_from_seed``, the function ``SeedKeys`` uses, with the seed from ``wallet.mnemonic``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
from eth_account import Account
from eth_account.hdaccount import key_from_seed

from tests.keys.vectors import ABANDON_ABOUT, load
from wallet.keys import SeedKeys
from wallet.mnemonic import mnemonic_to_seed

DATA = load("eth-hd/eth_hd_vectors.json")
ACCOUNT_RE = re.compile(r"m/44'/60'/0'/0/(\d+)")


def _checks() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for group in DATA["dev_account_sets"]:
        for acct in group["accounts"]:
            out.append({"mnemonic": group["mnemonic"], "passphrase": group["passphrase"], **acct})
    out.extend(DATA["single_vectors"])
    for case in DATA["ethers_v5_hdnode_subset"]["cases"]:
        for node in case["nodes"]:
            out.append({"mnemonic": case["mnemonic"], "passphrase": case["passphrase"], **node})
    return out


CHECKS = _checks()


@cache
def _seed(words: str, passphrase: str) -> bytes:
    return mnemonic_to_seed(words, passphrase)


def test_all_304_checks_are_present() -> None:
    assert len(CHECKS) == 304


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: f"{c['mnemonic'][:12]}:{c['path']}")
def test_eth_hd_vector(check: dict[str, Any]) -> None:
    seed = _seed(check["mnemonic"], check["passphrase"])
    match = ACCOUNT_RE.fullmatch(check["path"])
    if match:
        account = SeedKeys.from_seed(seed).account(int(match.group(1)))
    else:
        account = Account.from_key(key_from_seed(seed, check["path"]))
    assert account.address == check["address"]
    if "private_key" in check:
        assert account.key.to_0x_hex() == check["private_key"]


def test_abandon_about_account_0() -> None:
    keys = SeedKeys.from_seed(mnemonic_to_seed(ABANDON_ABOUT))
    assert keys.address(0) == "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
