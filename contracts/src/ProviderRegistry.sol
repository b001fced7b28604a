// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/**
 * @title ProviderRegistry
 * @notice Providers (doctors, hospitals, labs, insurers, pharmacies) register their X25519
 * encryption key from their own address, so that patients can wrap record keys for them;
 * accreditors (a regulator or a consortium, holders of {ACCREDITOR_ROLE}) vouch for registered
 * providers. The provider's public profile (JSON with name and licence) is published only in the
 * {ProviderRegistered} event; storage keeps its keccak256 hash.
 *
 * An accreditation counts ({isAccredited}) only while the accreditor that gave it still holds
 * {ACCREDITOR_ROLE}: revoking a compromised accreditor's role voids every accreditation it gave,
 * without a transaction per provider. Deregistering deletes the provider's record, accreditation
 * included ({ProviderDeregistered} is the only event for it).
 */
contract ProviderRegistry is AccessControl {
    /// @notice The role that may accredit providers and withdraw accreditations.
    bytes32 public constant ACCREDITOR_ROLE = keccak256("ACCREDITOR_ROLE");

    /// @notice What kind of party a provider is.
    enum ProviderKind {
        Provider,
        Lab,
        Insurer,
        Pharmacy,
        Other
    }

    /// @notice A provider's record.
    struct Provider {
        bool registered;
        ProviderKind kind;
        bytes32 encryptionKey; // X25519 public key
        bytes32 profileHash; // keccak256 of the profile JSON published at registration
        address accreditedBy; // zero when not accredited
        uint64 accreditedAt; // block timestamp of the accreditation; zero when not accredited
    }

    mapping(address provider => Provider) private _providers;

    /// @notice `provider` registered as `kind` with X25519 key `encryptionKey` and profile `profile`.
    event ProviderRegistered(
        address indexed provider, ProviderKind indexed kind, bytes32 encryptionKey, bytes32 profileHash, string profile
    );

    /// @notice `provider` replaced its encryption key.
    event ProviderKeyRotated(address indexed provider, bytes32 previousKey, bytes32 newKey);

    /// @notice `provider` deleted its registration (and with it any accreditation).
    event ProviderDeregistered(address indexed provider);

    /// @notice `accreditor` accredited `provider`.
    event ProviderAccredited(address indexed provider, address indexed accreditor);

    /// @notice `accreditor` withdrew the accreditation of `provider`, which `previousAccreditor` had given.
    event ProviderAccreditationWithdrawn(
        address indexed provider, address indexed accreditor, address indexed previousAccreditor
    );

    /// @dev The admin given to the constructor is the zero address.
    error ProviderRegistryInvalidAdmin(address admin);

    /// @dev The provider is already registered.
    error ProviderRegistryAlreadyRegistered(address provider);

    /// @dev The provider is not registered.
    error ProviderRegistryNotRegistered(address provider);

    /// @dev The encryption key is zero.
    error ProviderRegistryInvalidEncryptionKey(bytes32 encryptionKey);

    /// @dev The new encryption key is the current one.
    error ProviderRegistryKeyUnchanged(address provider, bytes32 encryptionKey);

    /// @dev The kind is not one of {ProviderKind}.
    error ProviderRegistryInvalidKind(uint8 kind);

    /// @dev keccak256 of the profile is not the profile hash given.
    error ProviderRegistryProfileHashMismatch(bytes32 profileHash, bytes32 actualHash);

    /// @dev The provider is already accredited, by `accreditedBy`.
    error ProviderRegistryAlreadyAccredited(address provider, address accreditedBy);

    /// @dev The provider has no accreditation to withdraw.
    error ProviderRegistryNotAccredited(address provider);

    /**
     * @param admin Holds DEFAULT_ADMIN_ROLE (grants and revokes roles) and {ACCREDITOR_ROLE}.
     */
    constructor(address admin) {
        if (admin == address(0)) {
            revert ProviderRegistryInvalidAdmin(admin);
        }
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(ACCREDITOR_ROLE, admin);
    }

    /**
     * @notice Registers the caller as a provider.
     * @param encryptionKey The caller's X25519 public key (32 bytes, non-zero).
     * @param kind A {ProviderKind}: 0 Provider, 1 Lab, 2 Insurer, 3 Pharmacy, 4 Other.
     * @param profileHash keccak256 of `profile`; kept in storage.
     * @param profile The public profile as JSON (name, licence); published in the event only.
     */
    function register(bytes32 encryptionKey, uint8 kind, bytes32 profileHash, string calldata profile) external {
        Provider storage p = _providers[msg.sender];
        if (p.registered) {
            revert ProviderRegistryAlreadyRegistered(msg.sender);
        }
        if (encryptionKey == bytes32(0)) {
            revert ProviderRegistryInvalidEncryptionKey(encryptionKey);
        }
        if (kind > uint8(type(ProviderKind).max)) {
            revert ProviderRegistryInvalidKind(kind);
        }
        bytes32 actualHash = keccak256(bytes(profile));
        if (actualHash != profileHash) {
            revert ProviderRegistryProfileHashMismatch(profileHash, actualHash);
        }
        p.registered = true;
        p.kind = ProviderKind(kind);
        p.encryptionKey = encryptionKey;
        p.profileHash = profileHash;
        emit ProviderRegistered(msg.sender, ProviderKind(kind), encryptionKey, profileHash, profile);
    }

    /**
     * @notice Replaces the caller's encryption key; the accreditation is kept.
     * @param newKey The new X25519 public key (non-zero, different from the current one).
     */
    function rotateKey(bytes32 newKey) external {
        Provider storage p = _providers[msg.sender];
        if (!p.registered) {
            revert ProviderRegistryNotRegistered(msg.sender);
        }
        if (newKey == bytes32(0)) {
            revert ProviderRegistryInvalidEncryptionKey(newKey);
        }
        bytes32 previousKey = p.encryptionKey;
        if (newKey == previousKey) {
            revert ProviderRegistryKeyUnchanged(msg.sender, newKey);
        }
        p.encryptionKey = newKey;
        emit ProviderKeyRotated(msg.sender, previousKey, newKey);
    }

    /**
     * @notice Deletes the caller's registration, accreditation included.
     */
    function deregister() external {
        if (!_providers[msg.sender].registered) {
            revert ProviderRegistryNotRegistered(msg.sender);
        }
        delete _providers[msg.sender];
        emit ProviderDeregistered(msg.sender);
    }

    /**
     * @notice Accredits a registered provider, recording the caller as its accreditor.
     * @dev Only {ACCREDITOR_ROLE}.
     * @param provider The provider's address.
     */
    function accredit(address provider) external onlyRole(ACCREDITOR_ROLE) {
        Provider storage p = _providers[provider];
        if (!p.registered) {
            revert ProviderRegistryNotRegistered(provider);
        }
        if (p.accreditedBy != address(0)) {
            revert ProviderRegistryAlreadyAccredited(provider, p.accreditedBy);
        }
        p.accreditedBy = msg.sender;
        p.accreditedAt = uint64(block.timestamp);
        emit ProviderAccredited(provider, msg.sender);
    }

    /**
     * @notice Withdraws a provider's accreditation, whichever accreditor gave it.
     * @dev Only {ACCREDITOR_ROLE}.
     * @param provider The provider's address.
     */
    function withdrawAccreditation(address provider) external onlyRole(ACCREDITOR_ROLE) {
        Provider storage p = _providers[provider];
        address previousAccreditor = p.accreditedBy;
        if (previousAccreditor == address(0)) {
            revert ProviderRegistryNotAccredited(provider);
        }
        p.accreditedBy = address(0);
        p.accreditedAt = 0;
        emit ProviderAccreditationWithdrawn(provider, msg.sender, previousAccreditor);
    }

    /**
     * @notice A provider's record; all zero when not registered.
     * @param provider The provider's address.
     * @return The record (registered, kind, encryptionKey, profileHash, accreditedBy, accreditedAt).
     */
    function getProvider(address provider) external view returns (Provider memory) {
        return _providers[provider];
    }

    /**
     * @notice Whether `provider` is registered and accredited by an address that still holds
     * {ACCREDITOR_ROLE}.
     * @param provider The provider's address.
     * @return True if the accreditation is in force.
     */
    function isAccredited(address provider) external view returns (bool) {
        Provider storage p = _providers[provider];
        return p.registered && p.accreditedBy != address(0) && hasRole(ACCREDITOR_ROLE, p.accreditedBy);
    }
}
