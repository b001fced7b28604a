"""SeedKeys: the pinned encryption-identity vector, subkey labels, independence and wiping."""

from __future__ import annotations

import pytest

from tests.keys.vectors import ABANDON_ABOUT
from wallet.errors import WalletLocked, WalletValueError
from wallet.keys import ACCOUNT_PATH, SeedKeys, derivation_info
from wallet.mnemonic import mnemonic_to_seed

# Pinned in docs/KEYS.md. Computed when the scheme was fixed with an independent HKDF (hashlib/hmac
# per RFC 5869), a separate Bech32 encoder and `age-keygen -y` (age 1.1.1) for the recipient.
ABANDON_IDENTITY_0 = (
    "AGE-SECRET-KEY-188FV4R8JZHWK0H4ZX2R4VCCJ53NFW2PN9T7YV0ZHWQHA3HUZ9GEQSWJ0E7",
    "age1nd4lnjk75nh7ugcslf9nhqq6vd2ayjw24ut95sqmthdyxvxhufyq9jf59z",
)
ABANDON_IDENTITY_1 = (
    "AGE-SECRET-KEY-1CDM40QK04FAH3LG05DHMFF36AAHAU0ARWS8WWT9G4KRZ0H9M5PHSSRTX85",
    "age1agwwta4a73cmyhetvq73ec37uesfxkpe4llangnacgqyq28cjs3sylft9d",
)
ABANDON_VAULT_INDEX_KEY = "e977267dff3168c39b2e3248774086fbdd87237b87bd581a8551799a18fea38f"


@pytest.fixture(scope="module")
def keys() -> SeedKeys:
    return SeedKeys.from_seed(mnemonic_to_seed(ABANDON_ABOUT))


def test_identity_vector_is_pinned(keys: SeedKeys) -> None:
    for index, (secret, recipient) in enumerate([ABANDON_IDENTITY_0, ABANDON_IDENTITY_1]):
        identity = keys.encryption_identity(index)
        assert identity.to_string() == secret
        assert identity.recipient().to_string() == recipient


def test_vault_index_subkey_is_pinned(keys: SeedKeys) -> None:
    assert keys.subkey("vault-index").hex() == ABANDON_VAULT_INDEX_KEY


def test_passphrase_changes_everything() -> None:
    plain = SeedKeys.from_seed(mnemonic_to_seed(ABANDON_ABOUT))
    other = SeedKeys.from_seed(mnemonic_to_seed(ABANDON_ABOUT, "TREZOR"))
    assert plain.address() != other.address()
    assert plain.encryption_identity().to_string() != other.encryption_identity().to_string()
    assert plain.subkey("backup") != other.subkey("backup")


def test_identity_is_not_a_signing_key(keys: SeedKeys) -> None:
    identity_bytes = keys.encryption_identity(0).private_bytes()
    signing = {bytes(keys.account(i).key) for i in range(3)}
    assert identity_bytes not in signing
    assert len(identity_bytes) == 32


def test_labels_separate_purposes_and_lengths(keys: SeedKeys) -> None:
    outputs = {
        keys.subkey("vault-index"),
        keys.subkey("backup"),
        keys.subkey("backup", 16),
        keys.subkey("backup", 64)[:32],
        keys.encryption_identity(0).private_bytes(),
        keys.encryption_identity(1).private_bytes(),
    }
    assert len(outputs) == 6
    # the length is bound into the label, so a short key is not a prefix of a long one
    assert keys.subkey("backup", 64)[:16] != keys.subkey("backup", 16)
    assert derivation_info("age-x25519/0", 32) == b"patient-wallet/v1/age-x25519/0/32"
    assert derivation_info("vault-index", 32) == b"patient-wallet/v1/vault-index/32"


@pytest.mark.parametrize(
    "purpose", ["", "Backup", "age-x25519", "age-x25519/0", "back up", "é", "-x", "x" * 65, "a/b"]
)
def test_bad_or_reserved_purposes(keys: SeedKeys, purpose: str) -> None:
    with pytest.raises(WalletValueError):
        keys.subkey(purpose)


@pytest.mark.parametrize("length", [0, 15, 65, 1000])
def test_subkey_length_range(keys: SeedKeys, length: int) -> None:
    with pytest.raises(WalletValueError):
        keys.subkey("backup", length)


@pytest.mark.parametrize("index", [-1, 2**31, 1.0, True])
def test_index_range(keys: SeedKeys, index: object) -> None:
    with pytest.raises(WalletValueError):
        keys.account(index)  # type: ignore[arg-type]
    with pytest.raises(WalletValueError):
        keys.encryption_identity(index)  # type: ignore[arg-type]


def test_largest_index_works(keys: SeedKeys) -> None:
    assert keys.address(2**31 - 1).startswith("0x")
    assert ACCOUNT_PATH.format(index=7) == "m/44'/60'/0'/0/7"


@pytest.mark.parametrize("seed", [b"", bytes(32), bytes(64), bytes(65)])
def test_seed_checked(seed: bytes) -> None:
    with pytest.raises(WalletValueError):
        SeedKeys.from_seed(seed)


def test_wipe_and_repr() -> None:
    seed = mnemonic_to_seed(ABANDON_ABOUT)
    keys = SeedKeys.from_seed(seed)
    assert seed.hex() not in repr(keys)
    assert repr(keys) == "SeedKeys(<secret>)"
    buffer = keys._seed
    keys.wipe()
    assert buffer == bytearray(64)
    assert keys.wiped
    assert repr(keys) == "SeedKeys(<wiped>)"
    for call in (
        keys.account,
        keys.address,
        keys.encryption_identity,
        lambda: keys.subkey("backup"),
    ):
        with pytest.raises(WalletLocked):
            call()
