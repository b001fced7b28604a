// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsentRegistry} from "../src/ConsentRegistry.sol";
import {TestBase} from "./Vm.sol";

/// @dev A contract account (ERC-1271) that approves exactly one digest, to test smart-account patients.
contract ApprovingWallet {
    bytes32 public approved;

    function approve(bytes32 digest) external {
        approved = digest;
    }

    function isValidSignature(bytes32 digest, bytes calldata) external view returns (bytes4) {
        return digest == approved ? bytes4(0x1626ba7e) : bytes4(0xffffffff);
    }
}

contract ConsentRegistryTest is TestBase {
    uint8 internal constant TREAT = 1;
    uint8 internal constant ETREAT = 2;
    uint8 internal constant PATRQT = 7;
    uint64 internal constant T0 = 1_700_000_000;
    bytes32 internal constant SHARE = keccak256("share bundle 1");

    bytes32 internal constant GRANT_TYPEHASH = keccak256(
        "Grant(address patient,address grantee,bytes32 shareId,uint8 purpose,uint64 expiresAt,uint256 nonce,uint256 deadline)"
    );
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    ConsentRegistry internal reg;
    uint256 internal patientKey = 0xA11CE;
    address internal patient;
    address internal doctor = address(0xD0C);
    address internal relayer = address(0xBEEF);

    function setUp() public {
        vm.warp(T0);
        reg = new ConsentRegistry();
        patient = vm.addr(patientKey);
    }

    // ---------------------------------------------------------------- helpers

    function _domainSeparator(address registry, uint256 chainId) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("PatientWalletConsent"), keccak256("1"), chainId, registry)
        );
    }

    function _digest(
        address registry,
        uint256 chainId,
        address p,
        address g,
        bytes32 shareId,
        uint8 purpose,
        uint64 expiresAt,
        uint256 nonce,
        uint256 deadline
    ) internal pure returns (bytes32) {
        bytes32 structHash =
            keccak256(abi.encode(GRANT_TYPEHASH, p, g, shareId, purpose, expiresAt, nonce, deadline));
        return keccak256(abi.encodePacked(hex"1901", _domainSeparator(registry, chainId), structHash));
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _signGrant(uint256 key, uint8 purpose, uint64 expiresAt, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        return _sign(
            key,
            _digest(address(reg), block.chainid, vm.addr(key), doctor, SHARE, purpose, expiresAt, nonce, deadline)
        );
    }

    function _grantAsPatient(uint8 purpose, uint64 expiresAt) internal {
        vm.prank(patient);
        reg.grant(doctor, SHARE, purpose, expiresAt);
    }

    // ---------------------------------------------------------------- grant

    function test_Grant_RecordsAndAuthorises() public {
        vm.expectEmit(true, true, true, true, address(reg));
        emit ConsentRegistry.ConsentGranted(patient, doctor, SHARE, TREAT, T0 + 1 days);
        _grantAsPatient(TREAT, T0 + 1 days);

        assertTrue(reg.isAuthorized(patient, doctor, SHARE), "authorised after grant");
        (uint8 purpose, uint64 expiresAt, bool active) = reg.getGrant(patient, doctor, SHARE);
        assertEq(purpose, TREAT, "purpose");
        assertEq(expiresAt, T0 + 1 days, "expiry");
        assertTrue(active, "active");
        assertFalse(reg.isAuthorized(doctor, patient, SHARE), "direction matters");
        assertFalse(reg.isAuthorized(patient, doctor, keccak256("other share")), "share matters");
    }

    function test_Grant_ExpiresExactlyAtExpiresAt() public {
        _grantAsPatient(TREAT, T0 + 100);
        vm.warp(T0 + 99);
        assertTrue(reg.isAuthorized(patient, doctor, SHARE), "one second before expiry");
        vm.warp(T0 + 100);
        assertFalse(reg.isAuthorized(patient, doctor, SHARE), "at expiry");
        (uint8 purpose, uint64 expiresAt, bool active) = reg.getGrant(patient, doctor, SHARE);
        assertEq(purpose, TREAT, "expired grant still stored");
        assertEq(expiresAt, T0 + 100, "expired grant keeps its expiry");
        assertFalse(active, "expired grant inactive");
    }

    function test_Grant_ReplacesPurposeAndExpiry() public {
        _grantAsPatient(TREAT, T0 + 1 days);
        vm.expectEmit(true, true, true, true, address(reg));
        emit ConsentRegistry.ConsentGranted(patient, doctor, SHARE, PATRQT, T0 + 1 hours);
        _grantAsPatient(PATRQT, T0 + 1 hours);
        (uint8 purpose, uint64 expiresAt,) = reg.getGrant(patient, doctor, SHARE);
        assertEq(purpose, PATRQT, "purpose replaced");
        assertEq(expiresAt, T0 + 1 hours, "expiry replaced");
    }

    function test_Grant_RevertsWhenUnchanged() public {
        _grantAsPatient(TREAT, T0 + 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(ConsentRegistry.ConsentRegistryGrantUnchanged.selector, patient, doctor, SHARE)
        );
        _grantAsPatient(TREAT, T0 + 1 days);
    }

    function test_Grant_RevertsOnZeroGrantee() public {
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidGrantee.selector, address(0)));
        vm.prank(patient);
        reg.grant(address(0), SHARE, TREAT, T0 + 1);
    }

    function test_Grant_RevertsOnZeroShareId() public {
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidShareId.selector, bytes32(0)));
        vm.prank(patient);
        reg.grant(doctor, bytes32(0), TREAT, T0 + 1);
    }

    function testFuzz_Grant_PurposeMustBeActReason(uint8 purpose) public {
        if (purpose >= 1 && purpose <= 7) {
            _grantAsPatient(purpose, T0 + 1 hours);
            (uint8 stored,,) = reg.getGrant(patient, doctor, SHARE);
            assertEq(stored, purpose, "valid purpose stored");
        } else {
            vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidPurpose.selector, purpose));
            _grantAsPatient(purpose, T0 + 1 hours);
        }
    }

    function testFuzz_Grant_ExpiryMustBeInFuture(uint64 expiresAt) public {
        if (expiresAt <= T0) {
            vm.expectRevert(
                abi.encodeWithSelector(ConsentRegistry.ConsentRegistryExpiryNotInFuture.selector, expiresAt, T0)
            );
            _grantAsPatient(TREAT, expiresAt);
        } else {
            _grantAsPatient(TREAT, expiresAt);
            assertTrue(reg.isAuthorized(patient, doctor, SHARE), "authorised before expiry");
            vm.warp(expiresAt - 1);
            assertTrue(reg.isAuthorized(patient, doctor, SHARE), "authorised one second before expiry");
            vm.warp(expiresAt);
            assertFalse(reg.isAuthorized(patient, doctor, SHARE), "not authorised at expiry");
        }
    }

    function testFuzz_Grant_EmergencyLifetimeCapped(uint64 lifetime) public {
        uint64 cap = reg.MAX_EMERGENCY_LIFETIME();
        assertEq(cap, 72 hours, "cap is 72 hours");
        lifetime = uint64(bound(lifetime, 1, type(uint64).max - T0));
        uint64 expiresAt = T0 + lifetime;
        if (lifetime <= cap) {
            vm.expectEmit(true, true, true, true, address(reg));
            emit ConsentRegistry.ConsentGranted(patient, doctor, SHARE, ETREAT, expiresAt);
            vm.expectEmit(true, true, true, true, address(reg));
            emit ConsentRegistry.EmergencyAccessGranted(patient, doctor, SHARE, expiresAt);
            _grantAsPatient(ETREAT, expiresAt);
            assertTrue(reg.isAuthorized(patient, doctor, SHARE), "emergency grant authorises");
        } else {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ConsentRegistry.ConsentRegistryEmergencyLifetimeExceeded.selector, expiresAt, T0 + cap
                )
            );
            _grantAsPatient(ETREAT, expiresAt);
        }
    }

    function test_Grant_NonEmergencyEmitsNoEmergencyEvent() public {
        vm.recordLogs();
        _grantAsPatient(TREAT, T0 + 30 days);
        assertEq(vm.getRecordedLogs().length, 1, "exactly one event (ConsentGranted)");
    }

    function test_Grant_CostIndependentOfGrantCount() public {
        // Warm the registry's account first: within one test transaction only the first call pays
        // for the cold account access (bench/gas.py measures whole transactions instead).
        reg.nonces(patient);
        vm.startPrank(patient);
        uint256 before = gasleft();
        reg.grant(address(0x1000), SHARE, TREAT, T0 + 1 days);
        uint256 first = before - gasleft();
        for (uint160 i = 1; i < 99; i++) {
            reg.grant(address(0x1000 + i), SHARE, TREAT, T0 + 1 days);
        }
        before = gasleft();
        reg.grant(address(0x1000 + 99), SHARE, TREAT, T0 + 1 days);
        uint256 hundredth = before - gasleft();
        vm.stopPrank();
        uint256 diff = first > hundredth ? first - hundredth : hundredth - first;
        assertTrue(diff < 100, "1st and 100th grant cost the same");
    }

    // ---------------------------------------------------------------- revoke

    function test_Revoke_ClearsAndEmits() public {
        _grantAsPatient(TREAT, T0 + 1 days);
        vm.expectEmit(true, true, true, true, address(reg));
        emit ConsentRegistry.ConsentRevoked(patient, doctor, SHARE);
        vm.prank(patient);
        reg.revoke(doctor, SHARE);
        assertFalse(reg.isAuthorized(patient, doctor, SHARE), "not authorised after revoke");
        (uint8 purpose, uint64 expiresAt, bool active) = reg.getGrant(patient, doctor, SHARE);
        assertEq(purpose, 0, "slot cleared: purpose");
        assertEq(expiresAt, 0, "slot cleared: expiry");
        assertFalse(active, "slot cleared: active");
    }

    function test_Revoke_RevertsWhenNeverGranted() public {
        vm.expectRevert(
            abi.encodeWithSelector(ConsentRegistry.ConsentRegistryGrantNotFound.selector, patient, doctor, SHARE)
        );
        vm.prank(patient);
        reg.revoke(doctor, SHARE);
    }

    function test_Revoke_RevertsWhenAlreadyRevoked() public {
        _grantAsPatient(TREAT, T0 + 1 days);
        vm.prank(patient);
        reg.revoke(doctor, SHARE);
        vm.expectRevert(
            abi.encodeWithSelector(ConsentRegistry.ConsentRegistryGrantNotFound.selector, patient, doctor, SHARE)
        );
        vm.prank(patient);
        reg.revoke(doctor, SHARE);
    }

    function test_Revoke_OnlyThePatientsOwn() public {
        _grantAsPatient(TREAT, T0 + 1 days);
        // The grantee (or anyone else) revoking addresses its own (non-existent) grant, not the patient's.
        vm.expectRevert(
            abi.encodeWithSelector(ConsentRegistry.ConsentRegistryGrantNotFound.selector, doctor, doctor, SHARE)
        );
        vm.prank(doctor);
        reg.revoke(doctor, SHARE);
        assertTrue(reg.isAuthorized(patient, doctor, SHARE), "patient's grant untouched");
    }

    function test_Revoke_ExpiredGrantAllowed() public {
        _grantAsPatient(TREAT, T0 + 10);
        vm.warp(T0 + 11);
        vm.prank(patient);
        reg.revoke(doctor, SHARE);
        (uint8 purpose,,) = reg.getGrant(patient, doctor, SHARE);
        assertEq(purpose, 0, "expired grant cleared");
    }

    function test_Revoke_ThenGrantAgain() public {
        _grantAsPatient(TREAT, T0 + 1 days);
        vm.prank(patient);
        reg.revoke(doctor, SHARE);
        _grantAsPatient(TREAT, T0 + 1 days);
        assertTrue(reg.isAuthorized(patient, doctor, SHARE), "re-granted");
    }

    // ---------------------------------------------------------------- grantBySig

    function test_GrantBySig_RelayedByAnyone() public {
        assertEq(reg.DOMAIN_SEPARATOR(), _domainSeparator(address(reg), block.chainid), "domain separator");
        uint256 deadline = T0 + 1 hours;
        bytes memory sig = _signGrant(patientKey, TREAT, T0 + 7 days, 0, deadline);
        vm.expectEmit(true, true, true, true, address(reg));
        emit ConsentRegistry.ConsentGranted(patient, doctor, SHARE, TREAT, T0 + 7 days);
        vm.prank(relayer);
        reg.grantBySig(patient, doctor, SHARE, TREAT, T0 + 7 days, deadline, sig);
        assertTrue(reg.isAuthorized(patient, doctor, SHARE), "authorised by signature");
        assertEq(reg.nonces(patient), 1, "nonce consumed");
        assertFalse(reg.isAuthorized(relayer, doctor, SHARE), "relayer gets nothing");
    }

    function test_GrantBySig_ReplaySameNonceReverts() public {
        bytes memory sig = _signGrant(patientKey, TREAT, T0 + 7 days, 0, T0 + 1 hours);
        reg.grantBySig(patient, doctor, SHARE, TREAT, T0 + 7 days, T0 + 1 hours, sig);
        vm.prank(patient);
        reg.revoke(doctor, SHARE);
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSignature.selector, patient));
        reg.grantBySig(patient, doctor, SHARE, TREAT, T0 + 7 days, T0 + 1 hours, sig);
    }

    function test_GrantBySig_FutureNonceReverts() public {
        bytes memory sig = _signGrant(patientKey, TREAT, T0 + 7 days, 1, T0 + 1 hours);
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSignature.selector, patient));
        reg.grantBySig(patient, doctor, SHARE, TREAT, T0 + 7 days, T0 + 1 hours, sig);
    }

    function test_GrantBySig_OtherChainReverts() public {
        bytes memory sig = _signGrant(patientKey, TREAT, T0 + 7 days, 0, T0 + 1 hours);
        vm.chainId(block.chainid + 1);
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSignature.selector, patient));
        reg.grantBySig(patient, doctor, SHARE, TREAT, T0 + 7 days, T0 + 1 hours, sig);
    }

    function test_GrantBySig_OtherContractReverts() public {
        bytes memory sig = _signGrant(patientKey, TREAT, T0 + 7 days, 0, T0 + 1 hours);
        ConsentRegistry other = new ConsentRegistry();
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSignature.selector, patient));
        other.grantBySig(patient, doctor, SHARE, TREAT, T0 + 7 days, T0 + 1 hours, sig);
    }

    function test_GrantBySig_ExpiredDeadlineReverts() public {
        bytes memory sig = _signGrant(patientKey, TREAT, T0 + 7 days, 0, T0 + 1 hours);
        vm.warp(T0 + 1 hours + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ConsentRegistry.ConsentRegistryExpiredSignature.selector, uint256(T0 + 1 hours))
        );
        reg.grantBySig(patient, doctor, SHARE, TREAT, T0 + 7 days, T0 + 1 hours, sig);
    }

    function test_GrantBySig_HighSMalleatedSignatureReverts() public {
        bytes32 digest = _digest(address(reg), block.chainid, patient, doctor, SHARE, TREAT, T0 + 7 days, 0, T0 + 1);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(patientKey, digest);
        bytes memory flipped = abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSignature.selector, patient));
        reg.grantBySig(patient, doctor, SHARE, TREAT, T0 + 7 days, T0 + 1, flipped);
    }

    function test_GrantBySig_MalformedSignatureReverts() public {
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSignature.selector, patient));
        reg.grantBySig(patient, doctor, SHARE, TREAT, T0 + 7 days, T0 + 1, hex"1234");
    }

    function test_GrantBySig_ValidatesLikeGrant() public {
        uint64 tooLate = T0 + 72 hours + 1;
        bytes memory sig = _signGrant(patientKey, ETREAT, tooLate, 0, T0 + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ConsentRegistry.ConsentRegistryEmergencyLifetimeExceeded.selector, tooLate, T0 + 72 hours
            )
        );
        reg.grantBySig(patient, doctor, SHARE, ETREAT, tooLate, T0 + 1, sig);
        assertEq(reg.nonces(patient), 0, "a reverted relay does not consume the nonce");
    }

    function test_InvalidateNonce_CancelsPendingSignature() public {
        bytes memory sig = _signGrant(patientKey, TREAT, T0 + 7 days, 0, T0 + 1 hours);
        vm.expectEmit(true, true, true, true, address(reg));
        emit ConsentRegistry.NonceInvalidated(patient, 0);
        vm.prank(patient);
        assertEq(reg.invalidateNonce(), 0, "returns the consumed nonce");
        assertEq(reg.nonces(patient), 1, "nonce advanced");
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSignature.selector, patient));
        reg.grantBySig(patient, doctor, SHARE, TREAT, T0 + 7 days, T0 + 1 hours, sig);
    }

    function test_GrantBySig_ContractAccountPatient() public {
        ApprovingWallet wallet = new ApprovingWallet();
        bytes32 digest =
            _digest(address(reg), block.chainid, address(wallet), doctor, SHARE, TREAT, T0 + 1 days, 0, T0 + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSignature.selector, address(wallet))
        );
        reg.grantBySig(address(wallet), doctor, SHARE, TREAT, T0 + 1 days, T0 + 1, "");
        wallet.approve(digest);
        reg.grantBySig(address(wallet), doctor, SHARE, TREAT, T0 + 1 days, T0 + 1, "");
        assertTrue(reg.isAuthorized(address(wallet), doctor, SHARE), "ERC-1271 patient authorised");
    }

    function testFuzz_GrantBySig_OnlyTheExactSignedGrantIsAccepted(
        uint256 signerKey,
        uint8 purpose,
        uint64 lifetime,
        uint256 deadlineOffset,
        uint8 tamper
    ) public {
        signerKey = bound(signerKey, 1, SECP256K1_N - 1);
        purpose = uint8(bound(purpose, 1, 7));
        lifetime = uint64(bound(lifetime, 1, purpose == ETREAT ? 72 hours : 3650 days));
        uint256 deadline = T0 + bound(deadlineOffset, 0, 365 days);
        address signer = vm.addr(signerKey);
        uint64 expiresAt = T0 + lifetime;
        bytes memory sig = _sign(
            signerKey, _digest(address(reg), block.chainid, signer, doctor, SHARE, purpose, expiresAt, 0, deadline)
        );

        tamper = uint8(bound(tamper, 0, 5));
        if (tamper == 0) {
            reg.grantBySig(signer, doctor, SHARE, purpose, expiresAt, deadline, sig);
            (uint8 p, uint64 e, bool active) = reg.getGrant(signer, doctor, SHARE);
            assertTrue(p == purpose && e == expiresAt && active, "signed grant recorded");
            return;
        }
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSignature.selector, signer));
        if (tamper == 1) {
            reg.grantBySig(signer, relayer, SHARE, purpose, expiresAt, deadline, sig);
        } else if (tamper == 2) {
            reg.grantBySig(signer, doctor, keccak256("other"), purpose, expiresAt, deadline, sig);
        } else if (tamper == 3) {
            reg.grantBySig(signer, doctor, SHARE, purpose == 1 ? 3 : 1, expiresAt, deadline, sig);
        } else if (tamper == 4) {
            reg.grantBySig(signer, doctor, SHARE, purpose, expiresAt + 1, deadline, sig);
        } else {
            reg.grantBySig(signer, doctor, SHARE, purpose, expiresAt, deadline + 1, sig);
        }
    }

    function testFuzz_GrantBySig_OtherSignerRejected(uint256 otherKey) public {
        otherKey = bound(otherKey, 1, SECP256K1_N - 1);
        vm.assume(otherKey != patientKey);
        bytes memory sig = _sign(
            otherKey, _digest(address(reg), block.chainid, patient, doctor, SHARE, TREAT, T0 + 1 days, 0, T0 + 1)
        );
        vm.expectRevert(abi.encodeWithSelector(ConsentRegistry.ConsentRegistryInvalidSignature.selector, patient));
        reg.grantBySig(patient, doctor, SHARE, TREAT, T0 + 1 days, T0 + 1, sig);
    }
}
