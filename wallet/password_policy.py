"""The rules a new wallet password must meet, and its strength for display.

Owns the decision "is this password acceptable for protecting the seed?" so that the CLI and the
GUI apply the same rule (the GUI only renders the score and the sentence). Strength is estimated by
zxcvbn (Dropbox's estimator, Python port) rather than by home-made character-class rules.

Must not import Qt. Never logs or stores the password.
"""

from __future__ import annotations

from dataclasses import dataclass

from wallet.errors import WalletValueError

MIN_LENGTH = 8
MIN_SCORE = 2  # zxcvbn 0..4; 2 = "somewhat guessable" (~10^8 guesses), behind a >=250 ms KDF
SCORE_LABELS = ("very weak", "weak", "fair", "strong", "very strong")
_MAX_CHECKED_LENGTH = 100  # zxcvbn is quadratic-ish; longer passwords are judged on their prefix


@dataclass(frozen=True)
class PasswordStrength:
    """zxcvbn's verdict in the words the UI shows."""

    score: int
    label: str
    acceptable: bool
    message: str


def assess_password(password: str) -> PasswordStrength:
    """Score ``password`` and say, in one sentence, whether it may protect a wallet and why not."""
    if len(password) < MIN_LENGTH:
        return PasswordStrength(
            score=0,
            label=SCORE_LABELS[0],
            acceptable=False,
            message=f"The password needs at least {MIN_LENGTH} characters.",
        )
    # Imported here: its frequency lists cost ~13 MB of memory, and only choosing a new password
    # needs them (not unlocking, exporting or backing up).
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:_MAX_CHECKED_LENGTH])
    score = int(result["score"])
    feedback = result.get("feedback", {})
    hint = feedback.get("warning") or " ".join(feedback.get("suggestions", []))
    if score < MIN_SCORE:
        message = "The password is too easy to guess."
        if hint:
            message = f"{message[:-1]}: {hint[0].lower()}{hint[1:]}"
            if not message.endswith("."):
                message += "."
        return PasswordStrength(score, SCORE_LABELS[score], False, message)
    return PasswordStrength(
        score, SCORE_LABELS[score], True, f"Password strength: {SCORE_LABELS[score]}."
    )


def require_acceptable_password(password: str) -> None:
    """Raise :class:`WalletValueError` saying why ``password`` may not protect a wallet."""
    verdict = assess_password(password)
    if not verdict.acceptable:
        raise WalletValueError(verdict.message)
