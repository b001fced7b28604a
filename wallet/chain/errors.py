"""The chain's typed errors, all :class:`~wallet.errors.ChainError` subclasses with one sentence.

Owns: the error classes the chain package raises on purpose, so that callers (the service facade,
the CLI, the UI bridge) can import them from one place and tell them apart.

Must not import anything but ``wallet.errors`` (every chain module imports this one).
"""

from __future__ import annotations

from wallet.errors import ChainError


class NodeUnavailable(ChainError):
    """The node did not answer (down, refused, timed out); retry later."""


class WrongChain(ChainError):
    """The node serves another chain than the profile names; nothing is signed."""


class ContractReverted(ChainError):
    """The contract refused the call; carries the decoded custom error name if known."""

    def __init__(self, user_message: str, error_name: str | None = None) -> None:
        super().__init__(user_message)
        self.error_name = error_name


class InsufficientFunds(ChainError):
    """The sending address cannot pay for gas (and value)."""


class TransactionFailed(ChainError):
    """A transaction was mined but reverted."""


class TransactionTimeout(ChainError):
    """A transaction was sent but not mined in time; it stays in the journal."""


class DuplicateGrant(ChainError):
    """An identical grant is already pending or active; nothing was signed."""


class LocalChainError(ChainError):
    """The local chain could not be started, stopped or used."""
