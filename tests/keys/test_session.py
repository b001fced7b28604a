"""The session: one KDF run at unlock, derived keys while open, zeroed buffers after lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.keys.test_keys import ABANDON_IDENTITY_0, ABANDON_VAULT_INDEX_KEY
from tests.keys.vectors import ABANDON_ABOUT
from wallet import keystore
from wallet.errors import WalletLocked, WrongPassword
from wallet.kdf import KdfParams
from wallet.keystore import WalletSecret, write_keystore
from wallet.session import Session

PASSWORD = "a long enough password"
ADDRESS_0 = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"


@pytest.fixture
def session() -> Session:
    return Session.from_secret(WalletSecret.from_words(ABANDON_ABOUT))


def test_from_secret_derives_the_pinned_keys(session: Session) -> None:
    assert not session.locked
    assert session.address() == ADDRESS_0
    assert session.account(0).address == ADDRESS_0
    assert session.account(0) is session.account(0)  # cached
    assert session.identity.to_string() == ABANDON_IDENTITY_0[0]
    assert session.identity.recipient().to_string() == ABANDON_IDENTITY_0[1]
    assert session.index_key.hex() == ABANDON_VAULT_INDEX_KEY
    assert session.subkey("vault-index") == session.index_key
    assert session.words() == ABANDON_ABOUT
    assert not session.has_passphrase


def test_unlock_runs_the_kdf_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "keystore.json"
    write_keystore(
        path, WalletSecret.from_words(ABANDON_ABOUT, "extra"), PASSWORD, KdfParams.fast_for_tests()
    )
    calls: list[str] = []
    real = keystore.derive_key_into
    monkeypatch.setattr(keystore, "derive_key_into", lambda *a: calls.append("kdf") or real(*a))
    session = Session.unlock(path, PASSWORD)
    session.address(0)
    session.address(3)
    _ = session.identity, session.index_key, session.words()
    assert calls == ["kdf"]
    assert session.has_passphrase
    assert session.address(0) != ADDRESS_0  # the passphrase is part of the seed


def test_unlock_wrong_password(tmp_path: Path) -> None:
    path = tmp_path / "keystore.json"
    write_keystore(
        path, WalletSecret.from_words(ABANDON_ABOUT), PASSWORD, KdfParams.fast_for_tests()
    )
    with pytest.raises(WrongPassword):
        Session.unlock(path, "not it")


def test_lock_zeroes_buffers_and_blocks_every_accessor() -> None:
    session = Session.from_secret(WalletSecret(bytes(range(1, 17)), "p"))  # non-zero entropy
    session.address(1)
    _ = session.identity
    entropy, index_key, seed = session._entropy, session._index_key, session._keys._seed
    assert any(entropy)
    assert any(index_key)
    assert any(seed)
    session.lock()
    assert session.locked
    assert entropy == bytearray(16)
    assert index_key == bytearray(32)
    assert seed == bytearray(64)
    assert session._accounts == {}
    assert session._identities == {}
    accessors = [
        lambda: session.address(0),
        lambda: session.account(1),
        lambda: session.identity,
        lambda: session.encryption_identity(2),
        lambda: session.index_key,
        lambda: session.subkey("backup"),
        session.words,
        lambda: session.has_passphrase,
    ]
    for accessor in accessors:
        with pytest.raises(WalletLocked) as caught:
            accessor()
        assert (
            caught.value.user_message == "The wallet is locked; unlock it with your password first."
        )
    session.lock()  # idempotent


def test_context_manager_locks() -> None:
    with Session.from_secret(WalletSecret(bytes(32))) as s:
        assert len(s.words().split()) == 24
    assert s.locked


def test_repr_shows_no_secret(session: Session) -> None:
    assert repr(session) == "Session(unlocked)"
    session.lock()
    assert repr(session) == "Session(locked)"
    assert not hasattr(session, "__dict__")  # slots: no stray attributes holding secrets
