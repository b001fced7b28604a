"""Which recovery words the patient must type back, and whether the answers match. No Qt.

Owns the "prove you wrote them down" step of creating a wallet: a random subset of positions
(at least :data:`MIN_CHALLENGE_WORDS`, in order) and the comparison of the typed answers with the
words shown. Comparison normalises like the core (:func:`wallet.mnemonic.normalize_mnemonic`).
Kept free of Qt so it is tested without a window (Electrum keeps its wizard steps in
``electrum/wizard.py`` for the same reason); it could move to ``wallet/`` as is.

Never logs the words; holds them only as long as its owner keeps it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Final


def _normalize(text: str) -> str:
    from wallet.mnemonic import normalize_mnemonic  # keeps start-up light

    return normalize_mnemonic(text)


MIN_CHALLENGE_WORDS: Final = 4


@dataclass(frozen=True)
class WordChallenge:
    """Ask for ``positions`` (1-based, ascending) of ``words``."""

    words: tuple[str, ...]
    positions: tuple[int, ...]

    @classmethod
    def random(cls, words: str, count: int = MIN_CHALLENGE_WORDS) -> WordChallenge:
        """A challenge for ``count`` random positions (at least four; all words if fewer)."""
        split = tuple(_normalize(words).split())
        count = min(len(split), max(count, MIN_CHALLENGE_WORDS))
        chosen: set[int] = set()
        while len(chosen) < count:
            chosen.add(secrets.randbelow(len(split)) + 1)
        return cls(split, tuple(sorted(chosen)))

    def first_mismatch(self, answers: list[str]) -> int | None:
        """The first asked position whose answer differs (or is missing), else None."""
        for i, position in enumerate(self.positions):
            answer = _normalize(answers[i]) if i < len(answers) else ""
            if answer != self.words[position - 1]:
                return position
        return None
