// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsentRegistry} from "../src/ConsentRegistry.sol";
import {TestBase, Vm} from "./Vm.sol";

/// @dev Drives the registry with random patients, grantees, shares, purposes, expiries, signed
/// grants, forgeries and time jumps. It keeps two independent models:
/// - `intent`: what each patient asked for, updated only when that patient acted (directly or by
///   a signature made with their key);
/// - `ledger`: rebuilt only from the ConsentGranted / ConsentRevoked events the registry emitted.
/// Calls the registry must reject are made with try/catch and must revert; the handler itself
/// never reverts unless a check fails (the invariant run has fail_on_revert = true).
contract ConsentHandler is TestBase {
    struct Model {
        uint8 purpose;
        uint64 expiresAt;
    }

    ConsentRegistry public immutable reg;
    uint256[3] internal patientKeys = [uint256(0xA1), 0xA2, 0xA3];
    address[3] internal grantees = [address(0xD1), address(0xD2), address(0xD3)];
    bytes32[2] internal shares = [keccak256("share 0"), keccak256("share 1")];
    address internal constant ATTACKER = address(0xBAD);

    mapping(bytes32 key => Model) public intent;
    mapping(bytes32 key => Model) public ledger;
    uint256 public grants;
    uint256 public revokes;
    uint256 public rejected;

    bytes32 internal constant GRANTED_TOPIC = keccak256("ConsentGranted(address,address,bytes32,uint8,uint64)");
    bytes32 internal constant REVOKED_TOPIC = keccak256("ConsentRevoked(address,address,bytes32)");

    constructor(ConsentRegistry registry) {
        reg = registry;
    }

    function patientAt(uint256 i) public view returns (address) {
        return vm.addr(patientKeys[i]);
    }

    function granteeAt(uint256 i) public view returns (address) {
        return grantees[i];
    }

    function shareAt(uint256 i) public view returns (bytes32) {
        return shares[i];
    }

    function key(address p, address g, bytes32 s) public pure returns (bytes32) {
        return keccak256(abi.encode(p, g, s));
    }

    // ---------------------------------------------------------------- actions

    function grant(uint256 pSeed, uint256 gSeed, uint256 sSeed, uint8 purpose, uint32 lifetime) external {
        address p = patientAt(pSeed % 3);
        address g = grantees[gSeed % 3];
        bytes32 s = shares[sSeed % 2];
        purpose = uint8(bound(purpose, 1, 7));
        uint64 expiresAt = uint64(block.timestamp) + uint64(bound(lifetime, 1, purpose == 2 ? 72 hours : 30 days));
        bytes32 k = key(p, g, s);
        if (intent[k].purpose == purpose && intent[k].expiresAt == expiresAt) return; // would revert: unchanged
        vm.recordLogs();
        vm.prank(p);
        reg.grant(g, s, purpose, expiresAt);
        _applyLogs(p);
        intent[k] = Model(purpose, expiresAt);
        grants++;
    }

    function grantBySig(uint256 pSeed, uint256 gSeed, uint256 sSeed, uint8 purpose, uint32 lifetime) external {
        uint256 pk = patientKeys[pSeed % 3];
        address p = vm.addr(pk);
        address g = grantees[gSeed % 3];
        bytes32 s = shares[sSeed % 2];
        purpose = uint8(bound(purpose, 1, 7));
        uint64 expiresAt = uint64(block.timestamp) + uint64(bound(lifetime, 1, purpose == 2 ? 72 hours : 30 days));
        bytes32 k = key(p, g, s);
        if (intent[k].purpose == purpose && intent[k].expiresAt == expiresAt) return;
        bytes memory sig = _sign(pk, p, g, s, purpose, expiresAt, reg.nonces(p), block.timestamp);
        vm.recordLogs();
        vm.prank(ATTACKER); // anyone may relay
        reg.grantBySig(p, g, s, purpose, expiresAt, block.timestamp, sig);
        _applyLogs(p);
        intent[k] = Model(purpose, expiresAt);
        grants++;
    }

    function revoke(uint256 pSeed, uint256 gSeed, uint256 sSeed) external {
        address p = patientAt(pSeed % 3);
        address g = grantees[gSeed % 3];
        bytes32 s = shares[sSeed % 2];
        bytes32 k = key(p, g, s);
        vm.recordLogs();
        vm.prank(p);
        if (intent[k].purpose == 0) {
            try reg.revoke(g, s) {
                revert("revoke of a missing grant succeeded");
            } catch (bytes memory err) {
                require(bytes4(err) == ConsentRegistry.ConsentRegistryGrantNotFound.selector, "wrong revert");
                rejected++;
            }
            return;
        }
        reg.revoke(g, s);
        _applyLogs(p);
        delete intent[k];
        revokes++;
    }

    /// Someone other than the patient tries to change the patient's grants.
    function attack(uint256 pSeed, uint256 gSeed, uint256 sSeed, uint8 purpose, uint32 lifetime) external {
        address p = patientAt(pSeed % 3);
        address g = grantees[gSeed % 3];
        bytes32 s = shares[sSeed % 2];
        purpose = uint8(bound(purpose, 1, 7));
        uint64 expiresAt = uint64(block.timestamp) + uint64(bound(lifetime, 1, 72 hours));
        // A signature by the attacker's key, claimed to be the patient's.
        bytes memory forged = _sign(0xBAD, p, g, s, purpose, expiresAt, reg.nonces(p), block.timestamp);
        vm.prank(ATTACKER);
        try reg.grantBySig(p, g, s, purpose, expiresAt, block.timestamp, forged) {
            revert("forged signature accepted");
        } catch (bytes memory err) {
            require(bytes4(err) == ConsentRegistry.ConsentRegistryInvalidSignature.selector, "wrong revert");
            rejected++;
        }
        // The grantee revoking "the patient's" grant only ever addresses its own (empty) slot.
        vm.prank(g);
        try reg.revoke(g, s) {
            revert("grantee revoked a grant");
        } catch (bytes memory err) {
            require(bytes4(err) == ConsentRegistry.ConsentRegistryGrantNotFound.selector, "wrong revert");
        }
    }

    function warp(uint32 secondsAhead) external {
        vm.warp(block.timestamp + bound(secondsAhead, 0, 4 days));
    }

    // ---------------------------------------------------------------- helpers

    function _sign(
        uint256 pk,
        address p,
        address g,
        bytes32 s,
        uint8 purpose,
        uint64 expiresAt,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (bytes memory) {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Grant(address patient,address grantee,bytes32 shareId,uint8 purpose,uint64 expiresAt,uint256 nonce,uint256 deadline)"
                ),
                p,
                g,
                s,
                purpose,
                expiresAt,
                nonce,
                deadline
            )
        );
        (uint8 v, bytes32 r, bytes32 sigS) =
            vm.sign(pk, keccak256(abi.encodePacked(hex"1901", reg.DOMAIN_SEPARATOR(), structHash)));
        return abi.encodePacked(r, sigS, v);
    }

    /// Applies the registry's events to the ledger, checking that each names the acting patient.
    function _applyLogs(address actingPatient) internal {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = 0; i < logs.length; i++) {
            Vm.Log memory log = logs[i];
            if (log.emitter != address(reg)) continue;
            bytes32 topic = log.topics[0];
            if (topic != GRANTED_TOPIC && topic != REVOKED_TOPIC) continue;
            address p = address(uint160(uint256(log.topics[1])));
            require(p == actingPatient, "an event changed another patient's grant");
            bytes32 k = key(p, address(uint160(uint256(log.topics[2]))), log.topics[3]);
            if (topic == GRANTED_TOPIC) {
                (uint8 purpose, uint64 expiresAt) = abi.decode(log.data, (uint8, uint64));
                ledger[k] = Model(purpose, expiresAt);
            } else {
                delete ledger[k];
            }
        }
    }
}

contract ConsentRegistryInvariantTest is TestBase {
    ConsentRegistry internal reg;
    ConsentHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        reg = new ConsentRegistry();
        handler = new ConsentHandler(reg);
    }

    /// @dev Read by forge: fuzz only the handler's actions (the registry is called through it).
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function _forEachGrant(function(address, address, bytes32) internal view check) internal view {
        for (uint256 p = 0; p < 3; p++) {
            for (uint256 g = 0; g < 3; g++) {
                for (uint256 s = 0; s < 2; s++) {
                    check(handler.patientAt(p), handler.granteeAt(g), handler.shareAt(s));
                }
            }
        }
    }

    /// isAuthorized holds exactly when a ConsentGranted event with a future expiry was not followed
    /// by a ConsentRevoked event for the same (patient, grantee, share).
    function invariant_AuthorizedIffUnrevokedGrantEvent() public view {
        _forEachGrant(_checkLedger);
    }

    /// The registry's state is exactly what each patient asked for, whatever others attempted.
    function invariant_OnlyThePatientChangesTheirGrants() public view {
        _forEachGrant(_checkIntent);
    }

    function _checkLedger(address p, address g, bytes32 s) internal view {
        (uint8 purpose, uint64 expiresAt) = handler.ledger(handler.key(p, g, s));
        bool expected = purpose != 0 && block.timestamp < expiresAt;
        require(reg.isAuthorized(p, g, s) == expected, "isAuthorized disagrees with the event ledger");
    }

    function _checkIntent(address p, address g, bytes32 s) internal view {
        (uint8 purpose, uint64 expiresAt) = handler.intent(handler.key(p, g, s));
        (uint8 onPurpose, uint64 onExpiry, bool active) = reg.getGrant(p, g, s);
        require(onPurpose == purpose && onExpiry == expiresAt, "stored grant differs from the patient's intent");
        require(active == (purpose != 0 && block.timestamp < expiresAt), "active flag wrong");
        require(active == reg.isAuthorized(p, g, s), "getGrant and isAuthorized disagree");
    }

    /// The run actually exercised the registry (guards against a handler that silently does nothing).
    function afterInvariant() public view {
        require(handler.grants() > 0, "no grant was made in this run");
    }
}
