"""SLIP-39 recovery shares: the upstream vectors, round trips, each named failure, properties."""

from __future__ import annotations

import itertools
import json
import secrets
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shamir_mnemonic import (
    EncryptedMasterSecret,
    MnemonicError,
    Share,
    combine_mnemonics,
    split_ems,
)
from shamir_mnemonic.wordlist import WORDLIST

from wallet.errors import WalletValueError
from wallet.mnemonic import mnemonic_to_entropy
from wallet.recovery_shares import (
    MAX_ITERATION_EXPONENT,
    InvalidShares,
    ShareSet,
    entropy_to_words,
    recover_entropy,
    split_entropy,
)

VECTORS_PATH = Path(__file__).resolve().parents[1] / "vectors" / "slip39" / "vectors.json"
VECTORS = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
VALID = [v for v in VECTORS if v[2]]
INVALID = [v for v in VECTORS if not v[2]]
TREZOR = b"TREZOR"  # the passphrase of every upstream vector (see SOURCES.md)


def test_vector_file_is_complete() -> None:
    assert (len(VECTORS), len(VALID), len(INVALID)) == (45, 15, 30)


@pytest.mark.parametrize(("description", "mnemonics", "secret_hex", "xprv"), VALID)
def test_valid_vector_recovers_its_secret(
    description: str, mnemonics: list[str], secret_hex: str, xprv: str
) -> None:
    assert recover_entropy(mnemonics, slip39_passphrase=TREZOR).hex() == secret_hex
    # Differential: the library's own entry point agrees on the same input.
    assert combine_mnemonics(mnemonics, TREZOR).hex() == secret_hex


@pytest.mark.parametrize(("description", "mnemonics", "secret_hex", "xprv"), INVALID)
def test_invalid_vector_raises_the_typed_error(
    description: str, mnemonics: list[str], secret_hex: str, xprv: str
) -> None:
    with pytest.raises(MnemonicError):
        combine_mnemonics(mnemonics, TREZOR)
    with pytest.raises(InvalidShares) as info:
        recover_entropy(mnemonics, slip39_passphrase=TREZOR)
    message = info.value.user_message
    assert message.endswith(".")
    assert "\n" not in message
    for mnemonic in mnemonics:  # never echo a share: no two of its words in a row
        words = mnemonic.split()
        for pair in itertools.pairwise(words):
            assert " ".join(pair) not in message.lower()


def test_vector_messages_name_the_problem() -> None:
    by_name = {v[0]: v[1] for v in INVALID}

    def message(name: str) -> str:
        with pytest.raises(InvalidShares) as info:
            recover_entropy(by_name[name], slip39_passphrase=TREZOR)
        return info.value.user_message

    assert message("2. Mnemonic with invalid checksum (128 bits)") == (
        "Share 1 has a bad checksum: a word is wrong, missing or out of place."
    )
    assert message("5. Basic sharing 2-of-3 (128 bits)") == (
        "2 shares of this backup are needed, 1 was given."
    )
    assert message("6. Mnemonics with different identifiers (128 bits)") == (
        "Share 2 belongs to a different backup than share 1."
    )
    assert "same share number" in message("11. Mnemonics with duplicate member indices (128 bits)")
    assert message("14. Insufficient number of groups (128 bits, case 1)") == (
        "Shares from 2 groups of this backup are needed, but only 1 group is complete."
    )
    assert message("39. Mnemonic with insufficient length") == (
        "Share 1 has 19 words; a SLIP-39 share has at least 20."
    )


@pytest.mark.parametrize("length", [16, 32])
def test_two_of_three_every_pair_recovers_the_same_words(length: int) -> None:
    entropy = secrets.token_bytes(length)
    share_set = split_entropy(entropy)
    assert (share_set.threshold, share_set.count, len(share_set.shares)) == (2, 3, 3)
    assert len(set(share_set.shares)) == 3
    words = entropy_to_words(entropy)
    for pair in itertools.permutations(share_set.shares, 2):
        recovered = recover_entropy(list(pair))
        assert recovered == entropy
        assert entropy_to_words(recovered) == words
    assert mnemonic_to_entropy(words) == entropy
    # All three together also work: the spare share is checked, not rejected.
    assert recover_entropy(share_set.shares) == entropy


@pytest.mark.parametrize("length", [16, 32])
def test_a_single_share_of_two_of_three_is_not_enough(length: int) -> None:
    share_set = split_entropy(secrets.token_bytes(length))
    for share in share_set.shares:
        with pytest.raises(
            InvalidShares, match=r"^2 shares of this backup are needed, 1 was given"
        ):
            recover_entropy([share])


def test_one_of_one_is_allowed() -> None:
    entropy = secrets.token_bytes(16)
    share_set = split_entropy(entropy, threshold=1, count=1)
    assert len(share_set.shares) == 1
    assert recover_entropy(share_set.shares) == entropy


def test_typed_shares_are_normalised() -> None:
    entropy = secrets.token_bytes(16)
    first, second, _ = split_entropy(entropy).shares
    messy = "  " + "\n".join(first.upper().split()) + "\t"
    assert recover_entropy([messy, second.title()]) == entropy


def test_slip39_passphrase_protects_the_shares() -> None:
    entropy = secrets.token_bytes(32)
    shares = split_entropy(entropy, slip39_passphrase=b"correct horse").shares
    assert recover_entropy(shares[:2], slip39_passphrase=b"correct horse") == entropy
    # SLIP-39's plausible deniability: a wrong passphrase is not detected, it gives other entropy.
    other = recover_entropy(shares[:2], slip39_passphrase=b"wrong")
    assert other != entropy
    assert len(other) == len(entropy)
    assert recover_entropy(shares[:2]) != entropy


def test_unknown_word_is_named_by_position() -> None:
    shares = split_entropy(secrets.token_bytes(16)).shares
    words = shares[1].split()
    words[4] = "notaword"
    with pytest.raises(InvalidShares) as info:
        recover_entropy([shares[0], " ".join(words)])
    assert info.value.user_message == "Word 5 of share 2 is not a SLIP-39 word."
    assert "notaword" not in info.value.user_message


def test_bad_checksum_names_the_share() -> None:
    shares = split_entropy(secrets.token_bytes(16)).shares
    words = shares[2].split()
    position = 10
    words[position] = next(w for w in WORDLIST if w != words[position])
    with pytest.raises(InvalidShares, match=r"^Share 2 has a bad checksum"):
        recover_entropy([shares[0], " ".join(words)])


def test_missing_word_is_a_length_or_checksum_error() -> None:
    shares = split_entropy(secrets.token_bytes(32)).shares
    words = shares[1].split()
    del words[7]
    with pytest.raises(InvalidShares, match=r"^Share 2 "):
        recover_entropy([shares[0], " ".join(words)])


def _identifier(mnemonic: str) -> int:
    return int(Share.from_mnemonic(mnemonic).identifier)


def test_shares_from_different_backups() -> None:
    entropy = secrets.token_bytes(16)
    first = split_entropy(entropy).shares
    second = split_entropy(entropy).shares
    while _identifier(second[0]) == _identifier(first[0]):  # 1 in 32768: draw again
        second = split_entropy(entropy).shares
    with pytest.raises(InvalidShares) as info:
        recover_entropy([first[0], second[1]])
    assert info.value.user_message == "Share 2 belongs to a different backup than share 1."


def test_the_same_share_twice() -> None:
    shares = split_entropy(secrets.token_bytes(16)).shares
    with pytest.raises(InvalidShares) as info:
        recover_entropy([shares[1], shares[1].upper()])
    assert info.value.user_message == (
        "Share 2 is the same as share 1; each share counts only once."
    )


def _crafted_shares(ciphertext: bytes, *, identifier: int = 1234, exponent: int = 1) -> list[str]:
    ems = EncryptedMasterSecret(identifier, True, exponent, ciphertext)
    return [share.mnemonic() for share in split_ems(1, [(2, 3)], ems)[0]]


def test_a_spare_share_that_disagrees_is_named() -> None:
    # Same identifier and settings, different secrets: checksums and metadata all look right.
    good = _crafted_shares(secrets.token_bytes(16))
    other = _crafted_shares(secrets.token_bytes(16))
    with pytest.raises(InvalidShares) as info:
        recover_entropy([good[0], good[1], other[2]])
    assert info.value.user_message == (
        "Share 3 does not agree with the other shares; it belongs to a different backup or was "
        "altered."
    )
    with pytest.raises(InvalidShares, match=r"^These shares do not fit together"):
        recover_entropy([good[0], other[2]])


def test_excessive_iteration_exponent_is_refused_before_any_work() -> None:
    shares = _crafted_shares(secrets.token_bytes(16), exponent=MAX_ITERATION_EXPONENT + 1)
    with pytest.raises(InvalidShares, match=r"iteration exponent 9\) than this program accepts"):
        recover_entropy(shares[:2])


def test_a_secret_that_is_not_bip39_entropy_is_refused() -> None:
    shares = _crafted_shares(secrets.token_bytes(18))  # valid SLIP-39, no BIP39 length
    with pytest.raises(InvalidShares, match=r"18-byte secret"):
        recover_entropy(shares[:2])


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ([], "No shares were given."),
        ("some words", "Give the shares as a list, one share per item."),
        ([""], "Share 1 is empty."),
        ([42], "Share 1 is not text."),
        (["academic " * 61], "Share 1 has 61 words, far more than a share has."),
    ],
)
def test_malformed_input(shares: object, message: str) -> None:
    with pytest.raises(InvalidShares) as info:
        recover_entropy(shares)  # type: ignore[arg-type]
    assert info.value.user_message == message


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"entropy": b"\x00" * 15}, "16, 20, 24, 28 or 32 bytes"),
        ({"entropy": b"\x00" * 64}, "16, 20, 24, 28 or 32 bytes"),
        ({"threshold": 2, "count": 17}, "between 1 and 16"),
        ({"threshold": 0, "count": 3}, "between 1 and the number of shares (3)"),
        ({"threshold": 4, "count": 3}, "between 1 and the number of shares (3)"),
        ({"threshold": 1, "count": 3}, "make a single share, or need at least 2"),
        ({"threshold": True, "count": 3}, "whole number"),
        ({"slip39_passphrase": "pässword".encode()}, "printable ASCII"),
    ],
)
def test_split_rejects_bad_parameters(kwargs: dict[str, object], fragment: str) -> None:
    args: dict[str, object] = {"entropy": b"\x11" * 16, **kwargs}
    with pytest.raises(WalletValueError) as info:
        split_entropy(**args)  # type: ignore[arg-type]
    assert fragment in info.value.user_message


def test_non_ascii_recovery_passphrase_is_refused() -> None:
    shares = split_entropy(secrets.token_bytes(16)).shares
    with pytest.raises(WalletValueError, match="printable ASCII"):
        recover_entropy(shares[:2], slip39_passphrase=b"\x00")


def test_repr_does_not_show_the_shares() -> None:
    share_set = split_entropy(secrets.token_bytes(16))
    assert share_set.shares[0].split()[5] not in repr(share_set)
    assert "threshold=2" in repr(share_set)
    assert isinstance(share_set, ShareSet)


@st.composite
def _plans(draw: st.DrawFn) -> tuple[bytes, int, int, list[int]]:
    entropy = draw(
        st.sampled_from([16, 20, 24, 28, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n))
    )
    count = draw(st.integers(min_value=1, max_value=16))
    threshold = 1 if count == 1 else draw(st.integers(min_value=2, max_value=count))
    order = draw(st.permutations(list(range(count))))
    return entropy, threshold, count, order


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_plans())
def test_any_threshold_of_shares_recovers_and_fewer_do_not(
    plan: tuple[bytes, int, int, list[int]],
) -> None:
    entropy, threshold, count, order = plan
    share_set = split_entropy(entropy, threshold, count)
    assert (share_set.threshold, share_set.count, len(share_set.shares)) == (
        threshold,
        count,
        count,
    )
    chosen = [share_set.shares[i] for i in order[:threshold]]
    assert recover_entropy(chosen) == entropy
    if threshold > 1:
        fewer = chosen[:-1]
        with pytest.raises(InvalidShares) as info:
            recover_entropy(fewer)
        assert info.value.user_message == (
            f"{threshold} shares of this backup are needed, {len(fewer)} "
            f"{'was' if len(fewer) == 1 else 'were'} given."
        )


def test_non_extendable_shares_round_trip() -> None:
    entropy = secrets.token_bytes(32)
    shares = split_entropy(entropy, 3, 5, extendable=False).shares
    assert not Share.from_mnemonic(shares[0]).extendable
    assert Share.from_mnemonic(split_entropy(entropy).shares[0]).extendable
    assert recover_entropy([shares[4], shares[0], shares[2]]) == entropy
