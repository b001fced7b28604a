"""Merkle trees over record content hashes, compatible with OpenZeppelin's ``StandardMerkleTree``.

Owns: the leaf encoding ``keccak256(bytes.concat(keccak256(abi.encode(bytes32 contentHash))))``,
sorted-pair hashing (``MerkleProof.verify``), the array layout of OpenZeppelin's JavaScript
``StandardMerkleTree`` (leaves sorted by hash, tree[i] = hash(tree[2i+1], tree[2i+2])), and
proofs. ``RecordAnchor.verify`` checks these proofs on chain.

Must not import web3, the chain client or Qt: this is pure hashing, usable offline.

Security notes: leaves are double-hashed so that a 64-byte internal node can never be passed off
as a leaf (second-preimage attack on Merkle trees). Only content hashes go into a tree; the root is
the only thing that reaches the chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_utils.crypto import keccak

from wallet.errors import WalletNotFound, WalletValueError


def leaf_hash(content_hash: bytes) -> bytes:
    """The leaf for one 32-byte content hash (``abi.encode(bytes32)`` is the hash itself)."""
    if len(content_hash) != 32:
        raise WalletValueError("A record content hash must be exactly 32 bytes.")
    return keccak(keccak(content_hash))


def hash_pair(a: bytes, b: bytes) -> bytes:
    """OpenZeppelin's commutative pair hash: keccak256 of the two nodes in ascending order."""
    return keccak(a + b) if a < b else keccak(b + a)


def process_proof(leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """Fold ``proof`` into ``leaf`` the way ``MerkleProof.processProof`` does."""
    node = leaf
    for sibling in proof:
        node = hash_pair(node, sibling)
    return node


@dataclass(frozen=True)
class MerkleTree:
    """An immutable tree over a batch of content hashes; build it with :meth:`build`."""

    nodes: tuple[bytes, ...]
    leaf_index: dict[bytes, int]

    @classmethod
    def build(cls, content_hashes: Sequence[bytes]) -> MerkleTree:
        """Build the tree; the batch must be non-empty and hold no duplicate hash."""
        if not content_hashes:
            raise WalletValueError("A batch to anchor must hold at least one record.")
        leaves = [leaf_hash(bytes(h)) for h in content_hashes]
        if len(set(leaves)) != len(leaves):
            raise WalletValueError("A batch to anchor must not list the same record twice.")
        leaves.sort()
        count = len(leaves)
        nodes: list[bytes] = [b""] * (2 * count - 1)
        for i, leaf in enumerate(leaves):
            nodes[len(nodes) - 1 - i] = leaf
        for i in range(len(nodes) - 1 - count, -1, -1):
            nodes[i] = hash_pair(nodes[2 * i + 1], nodes[2 * i + 2])
        position = {leaf: len(nodes) - 1 - i for i, leaf in enumerate(leaves)}
        index = {bytes(h): position[leaf_hash(bytes(h))] for h in content_hashes}
        return cls(nodes=tuple(nodes), leaf_index=index)

    @property
    def root(self) -> bytes:
        """The 32-byte root to anchor."""
        return self.nodes[0]

    @property
    def count(self) -> int:
        """How many records the tree holds."""
        return (len(self.nodes) + 1) // 2

    def proof(self, content_hash: bytes) -> list[bytes]:
        """The sibling path from the leaf of ``content_hash`` up to (not including) the root."""
        try:
            i = self.leaf_index[bytes(content_hash)]
        except KeyError:
            raise WalletNotFound("That record is not in this anchored batch.") from None
        path: list[bytes] = []
        while i > 0:
            sibling = i - 1 if i % 2 == 0 else i + 1
            path.append(self.nodes[sibling])
            i = (i - 1) // 2
        return path

    def verify(self, content_hash: bytes, proof: Sequence[bytes]) -> bool:
        """Check a proof against this tree's root, off chain."""
        return process_proof(leaf_hash(content_hash), proof) == self.root
