"""BIP39: the 24 English TREZOR vectors, normalisation, and the messages people see."""

from __future__ import annotations

import hashlib

import pytest

from tests.keys.vectors import ABANDON_ABOUT, load
from wallet import mnemonic as m
from wallet.errors import WalletValueError
from wallet.mnemonic import (
    InvalidMnemonic,
    entropy_to_mnemonic,
    generate_mnemonic,
    mnemonic_to_entropy,
    mnemonic_to_seed,
    normalize_mnemonic,
    suggest_words,
    validate_mnemonic,
)

TREZOR = load("bip39/english_TREZOR.json")["vectors"]


def test_all_24_english_vectors_are_present() -> None:
    assert len(TREZOR) == 24
    assert {v["passphrase"] for v in TREZOR} == {"TREZOR"}


@pytest.mark.parametrize("vector", TREZOR, ids=lambda v: v["entropy"][:8] + f"-{len(v['entropy'])}")
def test_trezor_vector(vector: dict[str, str]) -> None:
    entropy = bytes.fromhex(vector["entropy"])
    words = entropy_to_mnemonic(entropy)
    assert words == vector["mnemonic"]
    assert validate_mnemonic(words) == words
    assert mnemonic_to_entropy(words) == entropy
    assert mnemonic_to_seed(words, vector["passphrase"]).hex() == vector["seed"]


def test_english_list_is_the_bip39_list() -> None:
    # sha256 of bitcoin/bips bip-0039/english.txt, as recorded in tests/vectors/bip39/SOURCES.md
    text = "".join(w + "\n" for w in m._wordlist())
    assert hashlib.sha256(text.encode()).hexdigest() == (
        "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda"
    )


@pytest.mark.parametrize("count", [12, 24])
def test_generate_gives_valid_fresh_words(count: int) -> None:
    first, second = generate_mnemonic(count), generate_mnemonic(count)
    assert len(first.split()) == count
    assert validate_mnemonic(first) == first
    assert first != second


@pytest.mark.parametrize("count", [0, 11, 15, 18, 25])
def test_generate_refuses_other_lengths(count: int) -> None:
    with pytest.raises(WalletValueError, match="12 or 24"):
        generate_mnemonic(count)


def test_normalize_odd_spacing_case_and_compatibility_forms() -> None:
    messy = "  ABANDON\tabandon\u3000Abandon  abandon\nabandon abandon abandon abandon abandon "
    messy += (
        "abandon abandon ａｂｏｕｔ\u00a0"  # full-width letters, ideographic and no-break spaces
    )
    assert normalize_mnemonic(messy) == ABANDON_ABOUT
    assert validate_mnemonic(messy) == ABANDON_ABOUT


def test_passphrase_is_nfkd_normalised() -> None:
    composed, decomposed = "caf\u00e9", "cafe\u0301"
    assert mnemonic_to_seed(ABANDON_ABOUT, composed) == mnemonic_to_seed(ABANDON_ABOUT, decomposed)
    assert mnemonic_to_seed(ABANDON_ABOUT, composed) != mnemonic_to_seed(ABANDON_ABOUT, "cafe")


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (23, "24 words are needed, 23 were given."),
        (25, "24 words are needed, 25 were given."),
        (11, "12 words are needed, 11 were given."),
        (13, "12 words are needed, 13 were given."),
        (1, "12 or 24 words are needed (15, 18 and 21 are accepted too), 1 was given."),
        (7, "12 or 24 words are needed (15, 18 and 21 are accepted too), 7 were given."),
        (0, "12 or 24 words are needed (15, 18 and 21 are accepted too), 0 were given."),
    ],
)
def test_word_count_message(given: int, message: str) -> None:
    with pytest.raises(InvalidMnemonic) as caught:
        validate_mnemonic(" ".join(["abandon"] * given))
    assert caught.value.user_message == message


def test_unknown_word_named_with_position_and_suggestion() -> None:
    words = ABANDON_ABOUT.split()
    words[4] = "abandn"
    with pytest.raises(InvalidMnemonic) as caught:
        validate_mnemonic(" ".join(words))
    assert caught.value.user_message == (
        'Word 5, "abandn", is not in the BIP39 English list; did you mean "abandon"?'
    )
    assert isinstance(caught.value, WalletValueError)


def test_unknown_word_reports_first_and_counts_the_rest() -> None:
    words = ABANDON_ABOUT.split()
    words[1], words[7], words[9] = "zzzzqqq", "abuot", "qwxz"
    with pytest.raises(InvalidMnemonic) as caught:
        validate_mnemonic(" ".join(words))
    text = caught.value.user_message
    assert text.startswith('Word 2, "zzzzqqq", is not in the BIP39 English list')
    assert text.endswith("(2 other words are not in the list either).")


def test_unknown_word_several_suggestions() -> None:
    words = ABANDON_ABOUT.split()
    words[11] = "wrold"
    with pytest.raises(InvalidMnemonic) as caught:
        validate_mnemonic(" ".join(words))
    assert caught.value.user_message == (
        'Word 12, "wrold", is not in the BIP39 English list; did you mean "world" or "old"?'
    )


def test_bad_checksum() -> None:
    with pytest.raises(InvalidMnemonic) as caught:
        validate_mnemonic(" ".join(["abandon"] * 12))
    assert caught.value.user_message == (
        "The words are all valid but their checksum does not match; check their order and spelling."
    )


def test_swapped_words_fail_the_checksum() -> None:
    words = TREZOR[5]["mnemonic"].split()
    words[0], words[1] = words[1], words[0]
    with pytest.raises(InvalidMnemonic, match="checksum"):
        mnemonic_to_seed(" ".join(words))


def test_huge_input_is_refused_quickly() -> None:
    with pytest.raises(InvalidMnemonic, match="far too much"):
        validate_mnemonic("abandon " * 10_000)


def test_suggest_words() -> None:
    assert suggest_words("aba") == ["abandon"]
    assert suggest_words(" ZO ") == ["zone", "zoo"]
    assert suggest_words("ab", limit=3) == ["abandon", "ability", "able"]
    assert suggest_words("") == []
    assert suggest_words("xyz") == []
    assert suggest_words("a b") == []


@pytest.mark.parametrize("length", [0, 15, 17, 33, 64])
def test_entropy_length_checked(length: int) -> None:
    with pytest.raises(WalletValueError):
        entropy_to_mnemonic(bytes(length))
