"""The recovery-word check asks for at least four positions in order and spots a wrong answer."""

from __future__ import annotations

from tests.ui.conftest import WORDS_12
from ui.word_challenge import MIN_CHALLENGE_WORDS, WordChallenge

WORDS = "legal winner thank year wave sausage worth useful legal winner thank yellow"


def test_random_challenge_is_ordered_and_large_enough() -> None:
    for _ in range(50):
        challenge = WordChallenge.random(WORDS)
        assert len(challenge.positions) >= MIN_CHALLENGE_WORDS
        assert list(challenge.positions) == sorted(set(challenge.positions))
        assert all(1 <= p <= 12 for p in challenge.positions)


def test_all_words_may_be_asked() -> None:
    assert WordChallenge.random(WORDS, count=99).positions == tuple(range(1, 13))


def test_first_mismatch() -> None:
    challenge = WordChallenge(tuple(WORDS.split()), (1, 3, 6, 12))
    assert challenge.first_mismatch(["legal", "thank", "sausage", "yellow"]) is None
    assert challenge.first_mismatch([" LEGAL ", "thank", "sausage", "yellow"]) is None
    assert challenge.first_mismatch(["legal", "thank", "worth", "yellow"]) == 6
    assert challenge.first_mismatch(["legal", "thank"]) == 6
    assert WordChallenge(tuple(WORDS_12.split()), (12,)).first_mismatch(["about"]) is None
