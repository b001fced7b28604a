"""Python Merkle trees and proofs verify on chain through ``RecordAnchor.verify`` (batches of 1, 3,
100), wrong proofs and unanchored roots do not, and the tree follows OpenZeppelin's layout."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Callable

import pytest
from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak

from tests.chain.helpers import new_account, run
from wallet.chain.merkle import MerkleTree, hash_pair, leaf_hash
from wallet.chain.service import ChainService
from wallet.errors import WalletNotFound, WalletValueError


def test_tree_shape_matches_openzeppelin_conventions() -> None:
    one = os.urandom(32)
    tree = MerkleTree.build([one])
    assert tree.root == keccak(keccak(one)) == leaf_hash(one)
    assert tree.proof(one) == []

    a, b = os.urandom(32), os.urandom(32)
    pair = MerkleTree.build([a, b])
    assert pair.root == hash_pair(leaf_hash(a), leaf_hash(b))
    assert pair.root == MerkleTree.build([b, a]).root  # leaves are sorted: order-independent

    hashes = [hashlib.sha256(str(i).encode()).digest() for i in range(7)]
    tree = MerkleTree.build(hashes)
    for h in hashes:
        assert tree.verify(h, tree.proof(h))
    assert not tree.verify(hashes[0], tree.proof(hashes[1]))
    with pytest.raises(WalletNotFound):
        tree.proof(os.urandom(32))
    with pytest.raises(WalletValueError):
        MerkleTree.build([])
    with pytest.raises(WalletValueError):
        MerkleTree.build([a, a])


@pytest.mark.parametrize("size", [1, 3, 100])
def test_proofs_verify_on_chain(
    size: int, funded: Callable[[], LocalAccount], make_service: Callable[..., ChainService]
) -> None:
    patient = funded()
    hashes = [os.urandom(32) for _ in range(size)]

    async def scenario() -> None:
        service = make_service(patient)
        try:
            tree, sent = await service.anchor_records(hashes)
            assert sent.block_number is not None
            results = await asyncio.gather(
                *(
                    service.verify_record(patient.address, tree.root, h, tree.proof(h))
                    for h in hashes
                )
            )
            assert results == [True] * size
            outsider = os.urandom(32)
            assert not await service.verify_record(
                patient.address, tree.root, outsider, tree.proof(hashes[0])
            )
            if size > 1:
                assert not await service.verify_record(
                    patient.address, tree.root, hashes[0], tree.proof(hashes[1])
                )
            # The root counts only for the patient who anchored it.
            assert not await service.verify_record(
                new_account().address, tree.root, hashes[0], tree.proof(hashes[0])
            )
        finally:
            await service.close()

    run(scenario())
