"""Recovery words: BIP39 English mnemonics, their validation and their seed.

Owns turning entropy into words and back, checking words a person typed (with messages that say
which word is wrong and what it probably should be), completion suggestions for the UI, and the
BIP39 seed (PBKDF2-HMAC-SHA512, 2048 rounds, salt ``"mnemonic" + passphrase``, both NFKD). The
encoding and the seed come from the ``mnemonic`` package (trezor/python-mnemonic, the reference
implementation); this module adds normalisation and the user-facing messages.

Must not import Qt or any ``wallet`` module but ``errors``. Must not log, print or store words.

Security notes: fresh entropy comes from :mod:`secrets` (the OS CSPRNG). Words and seeds are Python
``str``/``bytes`` here, which cannot be wiped; callers that keep secrets for long hold them in
:class:`wallet.session.Session`, which zeroes its own buffers on lock. Error messages name a
mistyped word (the user just typed it, and it is not in the word list) but never echo valid
words of the phrase.
"""

from __future__ import annotations

import difflib
import secrets
import unicodedata
from functools import cache

from mnemonic import Mnemonic

from wallet.errors import WalletValueError

__all__ = [
    "ACCEPTED_WORD_COUNTS",
    "GENERATED_WORD_COUNTS",
    "InvalidMnemonic",
    "entropy_to_mnemonic",
    "generate_mnemonic",
    "mnemonic_to_entropy",
    "mnemonic_to_seed",
    "normalize_mnemonic",
    "suggest_words",
    "validate_mnemonic",
]

GENERATED_WORD_COUNTS = (12, 24)
"""What this wallet creates: 128 or 256 bits of entropy."""

ACCEPTED_WORD_COUNTS = (12, 15, 18, 21, 24)
"""What it restores: every BIP39 length, so words made by another wallet (e.g. 18) still work."""

_ENTROPY_BYTES = {12: 16, 15: 20, 18: 24, 21: 28, 24: 32}
_MAX_INPUT_CHARS = 4096  # far above 24 words of at most 8 letters; refuses pasted novels


class InvalidMnemonic(WalletValueError):
    """The words are not a valid BIP39 English phrase; the message says which problem."""


@cache
def _english() -> Mnemonic:
    return Mnemonic("english")


@cache
def _wordlist() -> tuple[str, ...]:
    words = tuple(_english().wordlist)
    if len(words) != 2048:  # pragma: no cover - a broken install, not user input
        raise RuntimeError("The BIP39 English word list is damaged.")
    return words


@cache
def _wordset() -> frozenset[str]:
    return frozenset(_wordlist())


def normalize_mnemonic(text: str) -> str:
    """NFKD, lower case, words separated by single spaces, no leading or trailing space."""
    return " ".join(unicodedata.normalize("NFKD", text).lower().split())


def generate_mnemonic(words: int = 24) -> str:
    """Fresh words from the OS random source: 24 (256 bits, the default) or 12 (128 bits)."""
    if words not in GENERATED_WORD_COUNTS:
        raise WalletValueError("A new recovery phrase has 12 or 24 words.")
    return entropy_to_mnemonic(secrets.token_bytes(_ENTROPY_BYTES[words]))


def _count_message(given: int) -> str:
    nearest = min(ACCEPTED_WORD_COUNTS, key=lambda n: (abs(n - given), -n))
    if abs(nearest - given) == 1:
        return f"{nearest} words are needed, {given} were given."
    return (
        f"12 or 24 words are needed (15, 18 and 21 are accepted too), "
        f"{given} {'was' if given == 1 else 'were'} given."
    )


def _suggestions(word: str, limit: int = 3) -> list[str]:
    """Likely intended words: a unique BIP39 prefix first, then the closest spellings."""
    found: list[str] = []
    if len(word) >= 3:
        found.extend(w for w in _wordlist() if w.startswith(word))
        if len(found) > limit:
            found = []
    matcher = difflib.SequenceMatcher(b=word)
    scored: list[tuple[float, str]] = []
    for candidate in _wordlist():
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() >= 0.7 and matcher.quick_ratio() >= 0.7:
            ratio = matcher.ratio()
            if ratio >= 0.7:
                scored.append((ratio, candidate))
    if scored:
        best = max(r for r, _ in scored)
        for ratio, candidate in sorted(scored, key=lambda rc: (-rc[0], rc[1])):
            if best - ratio <= 0.08 and candidate not in found:
                found.append(candidate)
    return found[:limit]


def _unknown_word_message(position: int, word: str, others: int) -> str:
    shown = word if len(word) <= 20 else word[:20] + "…"
    message = f'Word {position}, "{shown}", is not in the BIP39 English list'
    close = _suggestions(word)
    if len(close) == 1:
        message += f'; did you mean "{close[0]}"?'
    elif close:
        message += "; did you mean " + ", ".join(f'"{w}"' for w in close[:-1])
        message += f' or "{close[-1]}"?'
    else:
        message += "."
    if others:
        noun = "word is" if others == 1 else "words are"
        message = message[:-1] + f" ({others} other {noun} not in the list either)" + message[-1]
    return message


def validate_mnemonic(text: str) -> str:
    """Return the normalised words, or raise :class:`InvalidMnemonic` naming the problem.

    Checks, in order: the number of words, that every word is in the BIP39 English list (the first
    unknown word is named by position with suggestions), then the checksum.
    """
    if len(text) > _MAX_INPUT_CHARS:
        raise InvalidMnemonic("That is far too much text for a recovery phrase.")
    normalised = normalize_mnemonic(text)
    words = normalised.split(" ") if normalised else []
    if len(words) not in ACCEPTED_WORD_COUNTS:
        raise InvalidMnemonic(_count_message(len(words)))
    unknown = [(i, w) for i, w in enumerate(words, start=1) if w not in _wordset()]
    if unknown:
        position, word = unknown[0]
        raise InvalidMnemonic(_unknown_word_message(position, word, len(unknown) - 1))
    if not _english().check(normalised):
        raise InvalidMnemonic(
            "The words are all valid but their checksum does not match; "
            "check their order and spelling."
        )
    return normalised


def suggest_words(prefix: str, limit: int = 8) -> list[str]:
    """Words of the English list that start with ``prefix`` (normalised), for completion."""
    key = normalize_mnemonic(prefix)
    if not key or " " in key or limit <= 0:
        return []
    return [w for w in _wordlist() if w.startswith(key)][:limit]


def mnemonic_to_entropy(words: str) -> bytes:
    """The entropy the words encode (after validation)."""
    return bytes(_english().to_entropy(validate_mnemonic(words)))


def entropy_to_mnemonic(entropy: bytes) -> str:
    """The words for 16, 20, 24, 28 or 32 bytes of entropy."""
    if len(entropy) not in _ENTROPY_BYTES.values():
        raise WalletValueError("Entropy for a recovery phrase is 16, 20, 24, 28 or 32 bytes.")
    return str(_english().to_mnemonic(bytes(entropy)))


def mnemonic_to_seed(words: str, passphrase: str = "") -> bytes:
    """The 64-byte BIP39 seed of valid words and an optional passphrase (NFKD-normalised)."""
    return bytes(Mnemonic.to_seed(validate_mnemonic(words), passphrase))
