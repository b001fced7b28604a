// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ProviderRegistry} from "../src/ProviderRegistry.sol";
import {TestBase} from "./Vm.sol";

contract ProviderRegistryTest is TestBase {
    uint64 internal constant T0 = 1_700_000_000;
    string internal constant PROFILE = '{"name":"Example Clinic","licence":"GMC-1234567"}';
    bytes32 internal constant KEY = keccak256("x25519 public key");

    ProviderRegistry internal reg;
    address internal admin = address(0xAD);
    address internal accreditor = address(0xACC);
    address internal provider = address(0xD0C);
    address internal stranger = address(0xBAD);

    function setUp() public {
        vm.warp(T0);
        reg = new ProviderRegistry(admin);
        bytes32 accreditorRole = reg.ACCREDITOR_ROLE();
        vm.prank(admin);
        reg.grantRole(accreditorRole, accreditor);
    }

    function _register(address who) internal {
        vm.prank(who);
        reg.register(KEY, uint8(ProviderRegistry.ProviderKind.Lab), keccak256(bytes(PROFILE)), PROFILE);
    }

    // ---------------------------------------------------------------- constructor and roles

    function test_Constructor_AdminHoldsBothRoles() public view {
        assertTrue(reg.hasRole(reg.DEFAULT_ADMIN_ROLE(), admin), "admin role");
        assertTrue(reg.hasRole(reg.ACCREDITOR_ROLE(), admin), "accreditor role");
        assertEq(reg.ACCREDITOR_ROLE(), keccak256("ACCREDITOR_ROLE"), "role id");
    }

    function test_Constructor_RevertsOnZeroAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryInvalidAdmin.selector, address(0)));
        new ProviderRegistry(address(0));
    }

    // ---------------------------------------------------------------- register

    function test_Register_StoresHashAndEmitsProfile() public {
        vm.expectEmit(true, true, true, true, address(reg));
        emit ProviderRegistry.ProviderRegistered(
            provider, ProviderRegistry.ProviderKind.Lab, KEY, keccak256(bytes(PROFILE)), PROFILE
        );
        _register(provider);
        ProviderRegistry.Provider memory p = reg.getProvider(provider);
        assertTrue(p.registered, "registered");
        assertEq(uint8(p.kind), uint8(ProviderRegistry.ProviderKind.Lab), "kind");
        assertEq(p.encryptionKey, KEY, "key");
        assertEq(p.profileHash, keccak256(bytes(PROFILE)), "profile hash");
        assertEq(p.accreditedBy, address(0), "not accredited yet");
        assertEq(p.accreditedAt, 0, "no accreditation time");
        assertFalse(reg.isAccredited(provider), "not accredited");
    }

    function test_Register_RevertsWhenAlreadyRegistered() public {
        _register(provider);
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryAlreadyRegistered.selector, provider)
        );
        _register(provider);
    }

    function test_Register_RevertsOnZeroKey() public {
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryInvalidEncryptionKey.selector, bytes32(0))
        );
        vm.prank(provider);
        reg.register(bytes32(0), 0, keccak256(bytes(PROFILE)), PROFILE);
    }

    function testFuzz_Register_KindMustBeKnown(uint8 kind) public {
        if (kind <= uint8(type(ProviderRegistry.ProviderKind).max)) {
            vm.prank(provider);
            reg.register(KEY, kind, keccak256(bytes(PROFILE)), PROFILE);
            assertEq(uint8(reg.getProvider(provider).kind), kind, "kind stored");
        } else {
            vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryInvalidKind.selector, kind));
            vm.prank(provider);
            reg.register(KEY, kind, keccak256(bytes(PROFILE)), PROFILE);
        }
    }

    function testFuzz_Register_ProfileHashMustMatch(string calldata profile, bytes32 claimed) public {
        bytes32 actual = keccak256(bytes(profile));
        vm.assume(claimed != actual);
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryProfileHashMismatch.selector, claimed, actual)
        );
        vm.prank(provider);
        reg.register(KEY, 0, claimed, profile);
    }

    // ---------------------------------------------------------------- rotateKey

    function test_RotateKey_ReplacesKeyAndKeepsAccreditation() public {
        _register(provider);
        vm.prank(accreditor);
        reg.accredit(provider);
        bytes32 newKey = keccak256("new key");
        vm.expectEmit(true, true, true, true, address(reg));
        emit ProviderRegistry.ProviderKeyRotated(provider, KEY, newKey);
        vm.prank(provider);
        reg.rotateKey(newKey);
        assertEq(reg.getProvider(provider).encryptionKey, newKey, "new key stored");
        assertTrue(reg.isAccredited(provider), "accreditation kept");
    }

    function test_RotateKey_RevertsWhenNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotRegistered.selector, provider));
        vm.prank(provider);
        reg.rotateKey(KEY);
    }

    function test_RotateKey_RevertsOnZeroKey() public {
        _register(provider);
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryInvalidEncryptionKey.selector, bytes32(0))
        );
        vm.prank(provider);
        reg.rotateKey(bytes32(0));
    }

    function test_RotateKey_RevertsWhenUnchanged() public {
        _register(provider);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryKeyUnchanged.selector, provider, KEY));
        vm.prank(provider);
        reg.rotateKey(KEY);
    }

    // ---------------------------------------------------------------- deregister

    function test_Deregister_DeletesRecordAndAccreditation() public {
        _register(provider);
        vm.prank(accreditor);
        reg.accredit(provider);
        vm.expectEmit(true, true, true, true, address(reg));
        emit ProviderRegistry.ProviderDeregistered(provider);
        vm.prank(provider);
        reg.deregister();
        ProviderRegistry.Provider memory p = reg.getProvider(provider);
        assertFalse(p.registered, "not registered");
        assertEq(p.encryptionKey, bytes32(0), "key deleted");
        assertEq(p.accreditedBy, address(0), "accreditation deleted");
        assertFalse(reg.isAccredited(provider), "not accredited");
        _register(provider); // may register again, unaccredited
        assertFalse(reg.isAccredited(provider), "re-registration starts unaccredited");
    }

    function test_Deregister_RevertsWhenNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotRegistered.selector, provider));
        vm.prank(provider);
        reg.deregister();
    }

    // ---------------------------------------------------------------- accredit / withdraw

    function test_Accredit_RecordsWhoAndWhen() public {
        _register(provider);
        vm.warp(T0 + 5);
        vm.expectEmit(true, true, true, true, address(reg));
        emit ProviderRegistry.ProviderAccredited(provider, accreditor);
        vm.prank(accreditor);
        reg.accredit(provider);
        ProviderRegistry.Provider memory p = reg.getProvider(provider);
        assertEq(p.accreditedBy, accreditor, "accreditor recorded");
        assertEq(p.accreditedAt, T0 + 5, "time recorded");
        assertTrue(reg.isAccredited(provider), "accredited");
    }

    function testFuzz_Accredit_OnlyAccreditors(address caller) public {
        vm.assume(caller != admin && caller != accreditor);
        _register(provider);
        bytes32 role = reg.ACCREDITOR_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, role)
        );
        vm.prank(caller);
        reg.accredit(provider);
    }

    function test_Accredit_RevertsWhenNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotRegistered.selector, provider));
        vm.prank(accreditor);
        reg.accredit(provider);
    }

    function test_Accredit_RevertsWhenAlreadyAccredited() public {
        _register(provider);
        vm.prank(accreditor);
        reg.accredit(provider);
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryAlreadyAccredited.selector, provider, accreditor)
        );
        vm.prank(admin);
        reg.accredit(provider);
    }

    function test_WithdrawAccreditation_ByAnyAccreditor() public {
        _register(provider);
        vm.prank(accreditor);
        reg.accredit(provider);
        vm.expectEmit(true, true, true, true, address(reg));
        emit ProviderRegistry.ProviderAccreditationWithdrawn(provider, admin, accreditor);
        vm.prank(admin);
        reg.withdrawAccreditation(provider);
        ProviderRegistry.Provider memory p = reg.getProvider(provider);
        assertEq(p.accreditedBy, address(0), "accreditor cleared");
        assertEq(p.accreditedAt, 0, "time cleared");
        assertTrue(p.registered, "still registered");
        assertFalse(reg.isAccredited(provider), "not accredited");
    }

    function test_WithdrawAccreditation_RevertsWhenNotAccredited() public {
        _register(provider);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotAccredited.selector, provider));
        vm.prank(accreditor);
        reg.withdrawAccreditation(provider);
    }

    function test_WithdrawAccreditation_OnlyAccreditors() public {
        _register(provider);
        vm.prank(accreditor);
        reg.accredit(provider);
        bytes32 role = reg.ACCREDITOR_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, provider, role)
        );
        vm.prank(provider);
        reg.withdrawAccreditation(provider);
    }

    function test_IsAccredited_VoidedWhenAccreditorLosesRole() public {
        _register(provider);
        vm.prank(accreditor);
        reg.accredit(provider);
        bytes32 role = reg.ACCREDITOR_ROLE();
        vm.prank(admin);
        reg.revokeRole(role, accreditor);
        assertFalse(reg.isAccredited(provider), "void once the accreditor loses the role");
        assertEq(reg.getProvider(provider).accreditedBy, accreditor, "record still names the accreditor");
        vm.prank(admin);
        reg.grantRole(role, accreditor);
        assertTrue(reg.isAccredited(provider), "counts again when the role is restored");
    }

    function test_IsAccredited_FalseForStranger() public view {
        assertFalse(reg.isAccredited(stranger), "unknown address");
        assertFalse(reg.getProvider(stranger).registered, "unknown address not registered");
    }
}
