// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/**
 * @title ConsentRegistry
 * @notice A patient's consent for a grantee (a provider's address) to open one share (a bundle of
 * re-wrapped record keys, named by its hash `shareId`), for one purpose of use, until an expiry.
 * Only addresses, hashes, a purpose code and times are stored: nothing clinical.
 *
 * Purpose codes mirror HL7 v3 ActReason: 1 TREAT (treatment), 2 ETREAT (emergency treatment),
 * 3 HPAYMT (payment), 4 HOPERAT (healthcare operations), 5 HRESCH (research), 6 PUBHLTH (public
 * health), 7 PATRQT (patient request). 0 and anything above 7 are invalid.
 *
 * Storage: ONE slot per grant, keyed by `keccak256(abi.encode(patient, grantee, shareId))`, holding
 * `expiresAt` in bits 0-63 and `purpose` in bits 64-71. A zero slot means "no grant". Revoking
 * clears the slot (and earns the storage refund), so after a revocation the state is the same as
 * if the grant had never been made: the revocation itself is observable in the `ConsentRevoked`
 * event, which together with `ConsentGranted` is the audit trail.
 *
 * Emergency (ETREAT) grants are capped at {MAX_EMERGENCY_LIFETIME} from the block that records
 * them, and emit `EmergencyAccessGranted` IN ADDITION to `ConsentGranted`, so that an indexer that
 * follows `ConsentGranted` sees every grant and a monitor can subscribe to break-glass access alone.
 *
 * Grants can also be signed off-chain by the patient (EIP-712, domain "PatientWalletConsent"
 * version "1") and relayed by anyone through {grantBySig}; each signature consumes the patient's
 * nonce, and {invalidateNonce} lets a patient cancel a signed grant that was not relayed yet.
 */
contract ConsentRegistry is EIP712, Nonces {
    /// @notice The longest an emergency (ETREAT) grant may last, counted from the block that records it.
    uint64 public constant MAX_EMERGENCY_LIFETIME = 72 hours;

    uint8 private constant _PURPOSE_ETREAT = 2;
    uint8 private constant _PURPOSE_MAX = 7; // PATRQT

    bytes32 private constant _GRANT_TYPEHASH = keccak256(
        "Grant(address patient,address grantee,bytes32 shareId,uint8 purpose,uint64 expiresAt,uint256 nonce,uint256 deadline)"
    );

    /// grant key => (purpose << 64) | expiresAt; zero means no grant.
    mapping(bytes32 grantKey => uint256 packedGrant) private _grants;

    /// @notice `patient` let `grantee` open share `shareId` for `purpose` until `expiresAt` (exclusive).
    event ConsentGranted(
        address indexed patient, address indexed grantee, bytes32 indexed shareId, uint8 purpose, uint64 expiresAt
    );

    /// @notice An emergency (ETREAT) grant; always emitted together with {ConsentGranted}.
    event EmergencyAccessGranted(
        address indexed patient, address indexed grantee, bytes32 indexed shareId, uint64 expiresAt
    );

    /// @notice `patient` withdrew the grant of share `shareId` to `grantee`.
    event ConsentRevoked(address indexed patient, address indexed grantee, bytes32 indexed shareId);

    /// @notice `patient` consumed `nonce` without a grant, cancelling a signed grant not yet relayed.
    event NonceInvalidated(address indexed patient, uint256 nonce);

    /// @dev The grantee is the zero address.
    error ConsentRegistryInvalidGrantee(address grantee);

    /// @dev The share id is zero.
    error ConsentRegistryInvalidShareId(bytes32 shareId);

    /// @dev The purpose code is not one of 1..7.
    error ConsentRegistryInvalidPurpose(uint8 purpose);

    /// @dev The expiry is not after the current block's timestamp.
    error ConsentRegistryExpiryNotInFuture(uint64 expiresAt, uint256 blockTimestamp);

    /// @dev An emergency grant would outlive {MAX_EMERGENCY_LIFETIME}; `latestAllowed` is the latest expiry now.
    error ConsentRegistryEmergencyLifetimeExceeded(uint64 expiresAt, uint256 latestAllowed);

    /// @dev The same purpose and expiry are already recorded for this grant.
    error ConsentRegistryGrantUnchanged(address patient, address grantee, bytes32 shareId);

    /// @dev There is no grant to revoke (never granted, or already revoked).
    error ConsentRegistryGrantNotFound(address patient, address grantee, bytes32 shareId);

    /// @dev The signed grant's deadline has passed.
    error ConsentRegistryExpiredSignature(uint256 deadline);

    /// @dev The signature is not the patient's over this grant and the patient's current nonce.
    error ConsentRegistryInvalidSignature(address patient);

    constructor() EIP712("PatientWalletConsent", "1") {}

    /**
     * @notice Lets `grantee` open share `shareId` for `purpose` until `expiresAt`, as the caller
     * (the patient). Granting again for the same (grantee, shareId) replaces purpose and expiry.
     * @param grantee The provider's address.
     * @param shareId The share bundle's hash.
     * @param purpose An HL7 v3 ActReason code, 1..7 (see the contract's notice).
     * @param expiresAt Unix time (seconds) from which the grant no longer authorises; must be in
     * the future, and at most {MAX_EMERGENCY_LIFETIME} away for ETREAT.
     */
    function grant(address grantee, bytes32 shareId, uint8 purpose, uint64 expiresAt) external {
        _grant(msg.sender, grantee, shareId, purpose, expiresAt);
    }

    /**
     * @notice Records a grant that `patient` signed off-chain (EIP-712 typed data
     * `Grant(address patient,address grantee,bytes32 shareId,uint8 purpose,uint64 expiresAt,uint256 nonce,uint256 deadline)`
     * with `nonce` = {nonces}(patient)). Anyone may relay it; it consumes the nonce.
     * @dev Accepts ECDSA signatures from externally owned accounts and ERC-1271 signatures from
     * contract accounts (OpenZeppelin SignatureChecker).
     * @param patient The signer, whose consent this is.
     * @param grantee The provider's address.
     * @param shareId The share bundle's hash.
     * @param purpose An HL7 v3 ActReason code, 1..7.
     * @param expiresAt Unix time from which the grant no longer authorises.
     * @param deadline Unix time after which the signature is no longer accepted.
     * @param signature The patient's signature over the typed data.
     */
    function grantBySig(
        address patient,
        address grantee,
        bytes32 shareId,
        uint8 purpose,
        uint64 expiresAt,
        uint256 deadline,
        bytes calldata signature
    ) external {
        // slither-disable-next-line timestamp
        if (block.timestamp > deadline) {
            revert ConsentRegistryExpiredSignature(deadline);
        }
        bytes32 structHash = keccak256(
            abi.encode(_GRANT_TYPEHASH, patient, grantee, shareId, purpose, expiresAt, _useNonce(patient), deadline)
        );
        if (!SignatureChecker.isValidSignatureNow(patient, _hashTypedDataV4(structHash), signature)) {
            revert ConsentRegistryInvalidSignature(patient);
        }
        _grant(patient, grantee, shareId, purpose, expiresAt);
    }

    /**
     * @notice Withdraws the caller's grant of share `shareId` to `grantee`, from the next block on.
     * Clears the grant's storage slot; the `ConsentRevoked` event is the lasting record.
     * @param grantee The provider's address.
     * @param shareId The share bundle's hash.
     */
    function revoke(address grantee, bytes32 shareId) external {
        bytes32 key = _grantKey(msg.sender, grantee, shareId);
        if (_grants[key] == 0) {
            revert ConsentRegistryGrantNotFound(msg.sender, grantee, shareId);
        }
        delete _grants[key];
        emit ConsentRevoked(msg.sender, grantee, shareId);
    }

    /**
     * @notice Consumes the caller's current nonce, so that a grant they signed with it can no
     * longer be relayed.
     * @return nonce The nonce that was consumed.
     */
    function invalidateNonce() external returns (uint256 nonce) {
        nonce = _useNonce(msg.sender);
        emit NonceInvalidated(msg.sender, nonce);
    }

    /**
     * @notice Whether `grantee` may open share `shareId` of `patient` now: granted, not revoked,
     * and `block.timestamp < expiresAt`.
     * @param patient The patient's address.
     * @param grantee The provider's address.
     * @param shareId The share bundle's hash.
     * @return True exactly while the grant is in force.
     */
    function isAuthorized(address patient, address grantee, bytes32 shareId) external view returns (bool) {
        uint256 packed = _grants[_grantKey(patient, grantee, shareId)];
        // slither-disable-next-line timestamp
        return packed != 0 && block.timestamp < uint64(packed);
    }

    /**
     * @notice The stored grant of share `shareId` by `patient` to `grantee`.
     * @param patient The patient's address.
     * @param grantee The provider's address.
     * @param shareId The share bundle's hash.
     * @return purpose The purpose code; 0 when there is no grant (never granted, or revoked).
     * @return expiresAt The expiry; 0 when there is no grant.
     * @return active Whether the grant is in force now (same as {isAuthorized}).
     */
    function getGrant(address patient, address grantee, bytes32 shareId)
        external
        view
        returns (uint8 purpose, uint64 expiresAt, bool active)
    {
        uint256 packed = _grants[_grantKey(patient, grantee, shareId)];
        purpose = uint8(packed >> 64);
        expiresAt = uint64(packed);
        // slither-disable-next-line timestamp
        active = packed != 0 && block.timestamp < expiresAt;
    }

    /**
     * @notice The EIP-712 domain separator of this contract on this chain.
     * @return The domain separator.
     */
    // slither-disable-next-line naming-convention
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _grant(address patient, address grantee, bytes32 shareId, uint8 purpose, uint64 expiresAt) private {
        if (grantee == address(0)) {
            revert ConsentRegistryInvalidGrantee(grantee);
        }
        if (shareId == bytes32(0)) {
            revert ConsentRegistryInvalidShareId(shareId);
        }
        if (purpose == 0 || purpose > _PURPOSE_MAX) {
            revert ConsentRegistryInvalidPurpose(purpose);
        }
        // slither-disable-next-line timestamp
        if (expiresAt <= block.timestamp) {
            revert ConsentRegistryExpiryNotInFuture(expiresAt, block.timestamp);
        }
        bool emergency = purpose == _PURPOSE_ETREAT;
        // slither-disable-next-line timestamp
        if (emergency && expiresAt > block.timestamp + MAX_EMERGENCY_LIFETIME) {
            revert ConsentRegistryEmergencyLifetimeExceeded(expiresAt, block.timestamp + MAX_EMERGENCY_LIFETIME);
        }
        bytes32 key = _grantKey(patient, grantee, shareId);
        uint256 packed = (uint256(purpose) << 64) | expiresAt;
        if (_grants[key] == packed) {
            revert ConsentRegistryGrantUnchanged(patient, grantee, shareId);
        }
        _grants[key] = packed;
        emit ConsentGranted(patient, grantee, shareId, purpose, expiresAt);
        if (emergency) {
            emit EmergencyAccessGranted(patient, grantee, shareId, expiresAt);
        }
    }

    function _grantKey(address patient, address grantee, bytes32 shareId) private pure returns (bytes32) {
        return keccak256(abi.encode(patient, grantee, shareId));
    }
}
