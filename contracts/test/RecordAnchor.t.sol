// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {RecordAnchor} from "../src/RecordAnchor.sol";
import {TestBase} from "./Vm.sol";

/// @dev A reference OpenZeppelin StandardMerkleTree (bytes32 leaves), written out independently of
/// MerkleProof: leaves double-hashed and sorted, tree[i] = sortedPairHash(tree[2i+1], tree[2i+2]),
/// leaves stored from the end of the array, proof = siblings on the path to the root.
library ReferenceTree {
    function leaf(bytes32 contentHash) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(contentHash))));
    }

    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return uint256(a) < uint256(b) ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }

    function build(bytes32[] memory contentHashes) internal pure returns (bytes32[] memory tree) {
        uint256 n = contentHashes.length;
        bytes32[] memory leaves = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) {
            leaves[i] = leaf(contentHashes[i]);
        }
        for (uint256 i = 1; i < n; i++) {
            // insertion sort, ascending
            bytes32 x = leaves[i];
            uint256 j = i;
            while (j > 0 && uint256(leaves[j - 1]) > uint256(x)) {
                leaves[j] = leaves[j - 1];
                j--;
            }
            leaves[j] = x;
        }
        tree = new bytes32[](2 * n - 1);
        for (uint256 i = 0; i < n; i++) {
            tree[tree.length - 1 - i] = leaves[i];
        }
        for (uint256 k = tree.length - n; k > 0; k--) {
            uint256 i = k - 1;
            tree[i] = hashPair(tree[2 * i + 1], tree[2 * i + 2]);
        }
    }

    function proof(bytes32[] memory tree, bytes32 leafHash) internal pure returns (bytes32[] memory out) {
        uint256 index = type(uint256).max;
        for (uint256 i = 0; i < tree.length; i++) {
            if (tree[i] == leafHash) index = i;
        }
        require(index != type(uint256).max, "leaf not in tree");
        bytes32[] memory tmp = new bytes32[](64);
        uint256 len = 0;
        while (index > 0) {
            tmp[len++] = tree[index % 2 == 1 ? index + 1 : index - 1];
            index = (index - 1) / 2;
        }
        out = new bytes32[](len);
        for (uint256 i = 0; i < len; i++) {
            out[i] = tmp[i];
        }
    }
}

contract RecordAnchorTest is TestBase {
    uint64 internal constant T0 = 1_700_000_000;

    RecordAnchor internal anchor;
    address internal patient = address(0xA11CE);
    address internal other = address(0xB0B);

    function setUp() public {
        vm.warp(T0);
        anchor = new RecordAnchor();
    }

    function _hashes(uint256 seed, uint256 n) internal pure returns (bytes32[] memory hs) {
        hs = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) {
            hs[i] = keccak256(abi.encode(seed, i));
        }
    }

    function test_Anchor_StoresTimeAndCountAndEmits() public {
        bytes32 root = keccak256("root");
        vm.expectEmit(true, true, true, true, address(anchor));
        emit RecordAnchor.RecordsAnchored(patient, root, 42);
        vm.prank(patient);
        anchor.anchor(root, 42);
        (uint64 anchoredAt, uint32 count) = anchor.getAnchor(patient, root);
        assertEq(anchoredAt, T0, "time stored");
        assertEq(count, 42, "count stored");
        (anchoredAt, count) = anchor.getAnchor(other, root);
        assertEq(anchoredAt, 0, "per patient");
        assertEq(count, 0, "per patient count");
    }

    function test_Anchor_RevertsOnZeroRoot() public {
        vm.expectRevert(abi.encodeWithSelector(RecordAnchor.RecordAnchorInvalidRoot.selector, bytes32(0)));
        vm.prank(patient);
        anchor.anchor(bytes32(0), 1);
    }

    function test_Anchor_RevertsOnEmptyBatch() public {
        bytes32 root = keccak256("root");
        vm.expectRevert(abi.encodeWithSelector(RecordAnchor.RecordAnchorEmptyBatch.selector, root));
        vm.prank(patient);
        anchor.anchor(root, 0);
    }

    function test_Anchor_RevertsWhenAlreadyAnchored() public {
        bytes32 root = keccak256("root");
        vm.prank(patient);
        anchor.anchor(root, 1);
        vm.warp(T0 + 60);
        vm.expectRevert(
            abi.encodeWithSelector(RecordAnchor.RecordAnchorAlreadyAnchored.selector, patient, root, uint64(T0))
        );
        vm.prank(patient);
        anchor.anchor(root, 1);
        vm.prank(other); // another patient may anchor the same root
        anchor.anchor(root, 1);
    }

    function testFuzz_Anchor_CostIndependentOfCount(uint32 count) public {
        count = uint32(bound(count, 1, type(uint32).max));
        anchor.getAnchor(patient, bytes32(0)); // warm the account, as in test_Grant_CostIndependentOfGrantCount
        vm.startPrank(patient);
        uint256 before = gasleft();
        anchor.anchor(keccak256("a"), 1);
        uint256 one = before - gasleft();
        before = gasleft();
        anchor.anchor(keccak256("b"), count);
        uint256 many = before - gasleft();
        vm.stopPrank();
        assertTrue(one + 50 > many && many + 50 > one, "anchoring cost does not depend on the count");
    }

    function test_Verify_SingleRecordBatch() public {
        bytes32 h = keccak256("only record");
        bytes32 root = ReferenceTree.leaf(h);
        vm.prank(patient);
        anchor.anchor(root, 1);
        assertTrue(anchor.verify(patient, root, h, new bytes32[](0)), "root = leaf, empty proof");
        assertFalse(anchor.verify(patient, root, keccak256("x"), new bytes32[](0)), "other record");
        // The single-hashed leaf (an inner-node-style preimage) must not pass as the content hash.
        assertFalse(anchor.verify(patient, root, keccak256(abi.encode(h)), new bytes32[](0)), "no leaf confusion");
    }

    function testFuzz_Verify_MatchesReferenceTree(uint256 seed, uint8 size, uint8 pick) public {
        uint256 n = bound(size, 1, 40);
        bytes32[] memory hs = _hashes(seed, n);
        bytes32[] memory tree = ReferenceTree.build(hs);
        bytes32 root = tree[0];
        vm.prank(patient);
        anchor.anchor(root, uint32(n));

        bytes32 h = hs[bound(pick, 0, n - 1)];
        bytes32[] memory proof = ReferenceTree.proof(tree, ReferenceTree.leaf(h));
        assertTrue(anchor.verify(patient, root, h, proof), "member verifies");
        assertFalse(anchor.verify(other, root, h, proof), "only the patient who anchored");
        assertFalse(anchor.verify(patient, root, keccak256(abi.encode(h)), proof), "non-member rejected");
        if (proof.length > 0) {
            proof[0] = bytes32(uint256(proof[0]) ^ 1);
            assertFalse(anchor.verify(patient, root, h, proof), "tampered proof rejected");
        }
    }

    function test_Verify_FalseForUnanchoredRoot() public view {
        bytes32 h = keccak256("r");
        assertFalse(anchor.verify(patient, ReferenceTree.leaf(h), h, new bytes32[](0)), "root never anchored");
    }
}
