"""BIP32 vectors 1-4: the BIP32 code the wallet relies on (eth-account's) against the spec.

``wallet.keys`` derives accounts with ``eth_account.hdaccount.key_from_seed``; eth-account does not
serialise extended keys, so this test adds the Base58Check xprv/xpub serialisation on top of its
``derive_child_key`` and checks every chain of vectors 1-4 (key, chain code, depth, parent
fingerprint, child number). Vector 5 (invalid serialised keys) is not run: neither eth-account nor
the wallet parses extended keys, so there is no product code for it to exercise; its presence in
the copied corpus is checked so nothing is lost silently.
"""

from __future__ import annotations

import hashlib
import hmac

import pytest
from eth_account.hdaccount import key_from_seed
from eth_account.hdaccount._utils import ec_point
from eth_account.hdaccount.deterministic import HDPath, derive_child_key

from tests.keys.vectors import load

DATA = load("bip32/bip32_vectors.json")
CHAINS = [(v["vector"], v["seed_hex"], c) for v in DATA["vectors"] for c in v["chains"]]
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _b58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    number, out = int.from_bytes(data, "big"), ""
    while number:
        number, rem = divmod(number, 58)
        out = B58[rem] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def _hash160(data: bytes) -> bytes:
    return hashlib.new("ripemd160", hashlib.sha256(data).digest()).digest()


def _serialise(seed: bytes, path: str) -> tuple[str, str]:
    master = hmac.new(b"Bitcoin seed", seed, hashlib.sha512).digest()
    key, chain = master[:32], master[32:]
    parent_fp, child = bytes(4), bytes(4)
    nodes = HDPath(path)._path
    for node in nodes:
        parent_fp = _hash160(ec_point(key))[:4]
        child = node.serialize()
        key, chain = derive_child_key(key, chain, node)
    head = bytes([len(nodes)]) + parent_fp + child + chain
    xprv = _b58check(bytes.fromhex("0488ADE4") + head + b"\0" + key)
    xpub = _b58check(bytes.fromhex("0488B21E") + head + ec_point(key))
    return xprv, xpub


def test_corpus_counts() -> None:
    assert [len(v["chains"]) for v in DATA["vectors"]] == [6, 6, 2, 3]
    assert len(DATA["invalid_extended_keys"]) == 16


@pytest.mark.parametrize(
    ("vector", "seed_hex", "chain"), CHAINS, ids=[f"v{v}:{c['path']}" for v, _, c in CHAINS]
)
def test_bip32_chain(vector: int, seed_hex: str, chain: dict[str, str]) -> None:
    seed = bytes.fromhex(seed_hex)
    xprv, xpub = _serialise(seed, chain["path"])
    assert xprv == chain["xprv"]
    assert xpub == chain["xpub"]
    if chain["path"] != "m":
        # the entry point wallet.keys calls gives the same private key
        assert key_from_seed(seed, chain["path"]) == HDPath(chain["path"]).derive(seed)
