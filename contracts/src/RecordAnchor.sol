// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/**
 * @title RecordAnchor
 * @notice A patient anchors a batch of record hashes as one Merkle root, in one transaction whose
 * cost does not depend on the batch size; anyone can then check that a record belonged to a batch
 * the patient anchored, and when.
 *
 * Tree convention (OpenZeppelin StandardMerkleTree with the single leaf type `bytes32`):
 * - leaf = `keccak256(bytes.concat(keccak256(abi.encode(contentHash))))`, i.e. keccak256 applied
 *   twice to the 32-byte content hash (abi.encode of one bytes32 is the value itself), so that a
 *   leaf can never be mistaken for an inner node;
 * - an inner node is keccak256 of its two children sorted as unsigned integers, smaller first
 *   (OpenZeppelin `Hashes.commutativeKeccak256`), so a proof is just the list of siblings;
 * - StandardMerkleTree sorts the leaves by hash and lays the tree out as an array, but any tree
 *   built with these two rules verifies; a batch of one record has root = its leaf, proof = [].
 */
contract RecordAnchor {
    struct Anchor {
        uint64 anchoredAt;
        uint32 count;
    }

    mapping(address patient => mapping(bytes32 root => Anchor)) private _anchors;

    /// @notice `patient` anchored the Merkle root `root` of a batch of `count` record hashes.
    event RecordsAnchored(address indexed patient, bytes32 indexed root, uint32 count);

    /// @dev The root is zero.
    error RecordAnchorInvalidRoot(bytes32 root);

    /// @dev The batch is empty.
    error RecordAnchorEmptyBatch(bytes32 root);

    /// @dev The caller already anchored this root, at `anchoredAt`.
    error RecordAnchorAlreadyAnchored(address patient, bytes32 root, uint64 anchoredAt);

    /**
     * @notice Anchors, as the caller (the patient), the Merkle root of a batch of record hashes.
     * @param root The Merkle root (see the contract's notice for the tree convention).
     * @param count How many records the batch holds (informational; not checked against the tree).
     */
    function anchor(bytes32 root, uint32 count) external {
        if (root == bytes32(0)) {
            revert RecordAnchorInvalidRoot(root);
        }
        if (count == 0) {
            revert RecordAnchorEmptyBatch(root);
        }
        Anchor storage slot = _anchors[msg.sender][root];
        if (slot.count != 0) {
            revert RecordAnchorAlreadyAnchored(msg.sender, root, slot.anchoredAt);
        }
        slot.anchoredAt = uint64(block.timestamp);
        slot.count = count;
        emit RecordsAnchored(msg.sender, root, count);
    }

    /**
     * @notice When `patient` anchored `root`, and how many records they said the batch holds.
     * @param patient The patient's address.
     * @param root The Merkle root.
     * @return anchoredAt The block timestamp of the anchoring; 0 if never anchored.
     * @return count The batch size given at anchoring; 0 if never anchored.
     */
    function getAnchor(address patient, bytes32 root) external view returns (uint64 anchoredAt, uint32 count) {
        Anchor storage slot = _anchors[patient][root];
        return (slot.anchoredAt, slot.count);
    }

    /**
     * @notice Whether `patient` anchored `root` and the record with `contentHash` is a leaf of it.
     * @param patient The patient's address.
     * @param root The Merkle root.
     * @param contentHash The record's content hash (the leaf is derived from it as documented above).
     * @param proof The sibling hashes from the leaf up to the root.
     * @return True if the root was anchored by `patient` and the proof holds.
     */
    function verify(address patient, bytes32 root, bytes32 contentHash, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        // slither-disable-next-line incorrect-equality,timestamp
        if (_anchors[patient][root].count == 0) {
            return false; // never anchored (an anchored batch always has count >= 1)
        }
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(contentHash))));
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }
}
