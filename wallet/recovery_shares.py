"""SLIP-39 recovery shares of the wallet's BIP39 entropy ("m of n" paper backups).

Owns splitting the wallet's secret into SLIP-39 mnemonic shares, any ``threshold`` of which give
the secret back, and recovering it from shares a person typed, with one clear sentence for each
way that can fail (too few shares, a mistyped word, a bad checksum, a share from another backup,
the same share twice). All SLIP-39 arithmetic, encoding and checksums come from the reference
implementation, the ``shamir_mnemonic`` package (trezor/python-shamir-mnemonic); nothing of the
scheme is written here, this module only checks input and names problems.

What is split: the BIP39 *entropy* (16 to 32 bytes), used as the SLIP-39 master secret. Recovery
therefore gives back the same entropy, hence the same BIP39 words and the same seed. Two
passphrases must not be confused:

* the **BIP39 passphrase** (the optional "25th word" that salts the seed) is NOT inside the shares.
  A wallet that has one needs it written down and kept separately; without it the recovered words
  open a different, empty wallet.
* the **SLIP-39 passphrase** (``slip39_passphrase``) is a separate, optional protection of the
  shares themselves (SLIP-39 encrypts the master secret with it before splitting). By design every
  passphrase decrypts to *some* secret: a wrong one is not detected and silently gives other
  entropy, so callers compare the result with what they expect (e.g. the first account address).

Must not import Qt or any ``wallet`` module but ``errors`` and ``mnemonic``. Must not log, print
or store shares, words or entropy.

Security notes: fresh randomness comes from ``shamir_mnemonic`` (``secrets.token_bytes``). Shares
and entropy are Python ``str``/``bytes`` and cannot be wiped; long-lived secrets live in the
session. :class:`ShareSet` hides its shares from ``repr``. Error messages name a share and a word
by position, never by content. Recovery refuses iteration exponents above
:data:`MAX_ITERATION_EXPONENT` so that crafted shares cannot make the program run PBKDF2 for
minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from shamir_mnemonic import MnemonicError, Share, combine_mnemonics, generate_mnemonics
from shamir_mnemonic.constants import MAX_SHARE_COUNT, MIN_MNEMONIC_LENGTH_WORDS
from shamir_mnemonic.wordlist import WORD_INDEX_MAP

from wallet.errors import WalletValueError
from wallet.mnemonic import entropy_to_mnemonic

__all__ = [
    "BIP39_ENTROPY_LENGTHS",
    "DEFAULT_ITERATION_EXPONENT",
    "MAX_ITERATION_EXPONENT",
    "MAX_SHARES",
    "InvalidShares",
    "ShareSet",
    "entropy_to_words",
    "recover_entropy",
    "split_entropy",
]

BIP39_ENTROPY_LENGTHS = (16, 20, 24, 28, 32)
"""Entropy lengths in bytes of 12, 15, 18, 21 and 24 BIP39 words (all valid SLIP-39 secrets)."""

MAX_SHARES: int = MAX_SHARE_COUNT
"""SLIP-39 allows at most 16 shares in a group."""

DEFAULT_ITERATION_EXPONENT = 1
"""SLIP-39 passphrase hardening: PBKDF2 with 10000 * 2**e iterations in all; 1 is Trezor's value."""

MAX_ITERATION_EXPONENT = 8
"""Recovery refuses shares asking for more (2.56 million PBKDF2 iterations already take ~1 s)."""

_MAX_SHARES_GIVEN = MAX_SHARES * MAX_SHARES  # 16 groups of 16: the most a SLIP-39 backup has
_MAX_SHARE_WORDS = 60  # a 32-byte secret needs 33 words; anything far longer is not a share


class InvalidShares(WalletValueError):
    """The shares do not recover a secret; the message says which share and what is wrong."""


@dataclass(frozen=True)
class ShareSet:
    """``count`` SLIP-39 shares of one secret, any ``threshold`` of which recover it."""

    threshold: int
    count: int
    shares: tuple[str, ...] = field(repr=False)


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _check_slip39_passphrase(passphrase: bytes) -> None:
    if not isinstance(passphrase, bytes | bytearray):
        raise WalletValueError("The SLIP-39 passphrase must be given as bytes.")
    if not all(32 <= c <= 126 for c in passphrase):
        raise WalletValueError(
            "The SLIP-39 passphrase may contain only printable ASCII characters "
            "(letters, digits, spaces and common punctuation)."
        )


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise WalletValueError(f"The {name} must be a whole number.")


def split_entropy(
    entropy: bytes,
    threshold: int = 2,
    count: int = 3,
    *,
    slip39_passphrase: bytes = b"",
    extendable: bool = True,
) -> ShareSet:
    """Split BIP39 ``entropy`` into ``count`` SLIP-39 shares, any ``threshold`` of which recover it.

    One group (SLIP-39 "basic" sharing), ``1 <= threshold <= count <= 16``. SLIP-39 forbids a
    threshold of 1 with more than one share (every share would be a full copy): use 1 of 1 instead.
    ``slip39_passphrase`` (printable ASCII) encrypts the secret before it is split; the BIP39
    passphrase, if the wallet has one, is not part of the shares. ``extendable`` sets SLIP-39's
    extendable-backup flag (the library's default), which lets later share sets of the same
    secret be made with the same identifier and passphrase.
    """
    if not isinstance(entropy, bytes | bytearray) or len(entropy) not in BIP39_ENTROPY_LENGTHS:
        raise WalletValueError(
            "The secret to split must be the 16, 20, 24, 28 or 32 bytes of entropy behind "
            "recovery words."
        )
    _check_count("number of shares needed", threshold)
    _check_count("number of shares", count)
    if not 1 <= count <= MAX_SHARES:
        raise WalletValueError(f"The number of shares must be between 1 and {MAX_SHARES}.")
    if not 1 <= threshold <= count:
        raise WalletValueError(
            f"The number of shares needed must be between 1 and the number of shares ({count})."
        )
    if threshold == 1 and count > 1:
        raise WalletValueError(
            "SLIP-39 does not allow several shares that each recover the secret alone; "
            "make a single share, or need at least 2."
        )
    _check_slip39_passphrase(slip39_passphrase)
    groups = generate_mnemonics(
        group_threshold=1,
        groups=[(threshold, count)],
        master_secret=bytes(entropy),
        passphrase=bytes(slip39_passphrase),
        extendable=extendable,
        iteration_exponent=DEFAULT_ITERATION_EXPONENT,
    )
    return ShareSet(threshold=threshold, count=count, shares=tuple(groups[0]))


@dataclass(frozen=True)
class _Given:
    """One share as the user gave it: its 1-based position, its normalised words, its fields."""

    position: int
    mnemonic: str = field(repr=False)
    share: Share = field(repr=False)


def _decode(position: int, text: object) -> _Given:
    if not isinstance(text, str):
        raise InvalidShares(f"Share {position} is not text.")
    words = text.lower().split()
    if not words:
        raise InvalidShares(f"Share {position} is empty.")
    if len(words) > _MAX_SHARE_WORDS:
        raise InvalidShares(f"Share {position} has {len(words)} words, far more than a share has.")
    for number, word in enumerate(words, start=1):
        if word not in WORD_INDEX_MAP:
            raise InvalidShares(f"Word {number} of share {position} is not a SLIP-39 word.")
    if len(words) < MIN_MNEMONIC_LENGTH_WORDS:
        raise InvalidShares(
            f"Share {position} has {len(words)} words; a SLIP-39 share has at least "
            f"{MIN_MNEMONIC_LENGTH_WORDS}."
        )
    mnemonic = " ".join(words)
    try:
        share = Share.from_mnemonic(mnemonic)
    except MnemonicError as exc:
        reason = str(exc).lower()
        if "checksum" in reason:
            message = (
                f"Share {position} has a bad checksum: a word is wrong, missing or out of place."
            )
        elif "padding" in reason or "length" in reason:
            message = f"Share {position} has the wrong number of words for a SLIP-39 share."
        elif "group threshold" in reason:
            message = f"Share {position} needs more groups than its backup has; it was altered."
        else:
            message = f"Share {position} is not a valid SLIP-39 share."
        raise InvalidShares(message) from exc
    return _Given(position, mnemonic, share)


def _check_one_backup(given: Sequence[_Given]) -> None:
    first = given[0]
    seen: dict[tuple[int, int], _Given] = {}
    group_thresholds: dict[int, _Given] = {}
    for item in given:
        share = item.share
        if item is not first:
            if share.identifier != first.share.identifier:
                raise InvalidShares(
                    f"Share {item.position} belongs to a different backup than share 1."
                )
            if share.common_parameters() != first.share.common_parameters():
                raise InvalidShares(
                    f"Share {item.position} does not match the settings of share 1; it belongs "
                    "to a different backup or was altered."
                )
        peer = group_thresholds.setdefault(share.group_index, item)
        if peer.share.member_threshold != share.member_threshold:
            raise InvalidShares(
                f"Shares {peer.position} and {item.position} disagree on how many shares their "
                "group needs; one of them belongs to a different backup or was altered."
            )
        key = (share.group_index, share.index)
        previous = seen.get(key)
        if previous is not None:
            if previous.share == share:
                raise InvalidShares(
                    f"Share {item.position} is the same as share {previous.position}; "
                    "each share counts only once."
                )
            raise InvalidShares(
                f"Shares {previous.position} and {item.position} carry the same share number "
                "but different words; one of them belongs to a different backup or was altered."
            )
        seen[key] = item
    if first.share.iteration_exponent > MAX_ITERATION_EXPONENT:
        raise InvalidShares(
            "These shares ask for more passphrase-hardening work (iteration exponent "
            f"{first.share.iteration_exponent}) than this program accepts "
            f"(at most {MAX_ITERATION_EXPONENT})."
        )


def _select(given: Sequence[_Given]) -> tuple[list[list[_Given]], list[tuple[int, _Given]]]:
    """Pick exactly the shares SLIP-39 combines; return them by group, and the spare shares.

    A spare is a share beyond a group's threshold, paired with the index of its group in the
    selection; it is checked for agreement afterwards rather than rejected, so that giving all
    three shares of a 2-of-3 backup works.
    """
    params = given[0].share
    by_group: dict[int, list[_Given]] = {}
    for item in given:
        by_group.setdefault(item.share.group_index, []).append(item)
    complete = [
        members
        for members in by_group.values()
        if len(members) >= members[0].share.member_threshold
    ]
    if params.group_count == 1:
        needed, have = params.member_threshold, len(given)
        if have < needed:
            raise InvalidShares(
                f"{needed} shares of this backup are needed, {have} "
                f"{_plural(have, 'was', 'were')} given."
            )
    elif len(complete) < params.group_threshold:
        done = len(complete)
        raise InvalidShares(
            f"Shares from {params.group_threshold} groups of this backup are needed, but only "
            f"{done} {_plural(done, 'group is', 'groups are')} complete."
        )
    selected: list[list[_Given]] = []
    spares: list[tuple[int, _Given]] = []
    for index, members in enumerate(complete[: params.group_threshold]):
        threshold = members[0].share.member_threshold
        selected.append(members[:threshold])
        spares.extend((index, spare) for spare in members[threshold:])
    return selected, spares


def _combine(selected: Sequence[Sequence[_Given]], passphrase: bytes) -> bytes:
    mnemonics = [item.mnemonic for members in selected for item in members]
    try:
        return bytes(combine_mnemonics(mnemonics, passphrase))
    except MnemonicError as exc:
        raise InvalidShares(
            "These shares do not fit together; at least one belongs to a different backup or "
            "was altered."
        ) from exc
    except ValueError as exc:  # an odd-length secret: not something SLIP-39 ever makes
        raise InvalidShares("These shares do not hold a valid SLIP-39 secret.") from exc


def recover_entropy(shares: Sequence[str], *, slip39_passphrase: bytes = b"") -> bytes:
    """The BIP39 entropy that ``shares`` (SLIP-39 mnemonics) recover.

    Accepts any valid SLIP-39 set, including multi-group sets made by other wallets. Shares beyond
    a group's threshold are allowed and must agree with the others. Raises :class:`InvalidShares`
    with one sentence naming the problem: too few shares, an unknown word or a bad checksum (by
    position), shares of different backups, the same share twice, or a secret that is not BIP39
    entropy. A wrong ``slip39_passphrase`` cannot be detected (see the module docstring).
    """
    if isinstance(shares, str | bytes):
        raise InvalidShares("Give the shares as a list, one share per item.")
    _check_slip39_passphrase(slip39_passphrase)
    if not shares:
        raise InvalidShares("No shares were given.")
    if len(shares) > _MAX_SHARES_GIVEN:
        raise InvalidShares(
            f"{len(shares)} shares were given; a SLIP-39 backup has at most {_MAX_SHARES_GIVEN}."
        )
    given = [_decode(position, text) for position, text in enumerate(shares, start=1)]
    _check_one_backup(given)
    selected, spares = _select(given)
    passphrase = bytes(slip39_passphrase)
    secret = _combine(selected, passphrase)
    for group, spare in spares:
        swapped = [list(members) for members in selected]
        swapped[group][-1] = spare
        try:
            agrees = _combine(swapped, passphrase) == secret
        except InvalidShares:
            agrees = False
        if not agrees:
            raise InvalidShares(
                f"Share {spare.position} does not agree with the other shares; it belongs to a "
                "different backup or was altered."
            )
    if len(secret) not in BIP39_ENTROPY_LENGTHS:
        raise InvalidShares(
            f"These shares hold a {len(secret)}-byte secret, which is not the entropy of "
            "recovery words."
        )
    return secret


def entropy_to_words(entropy: bytes) -> str:
    """The BIP39 English words of ``entropy`` (the ``mnemonic`` package, via wallet.mnemonic)."""
    return entropy_to_mnemonic(bytes(entropy))
