"""The encrypted keystore: round trips, wrong passwords, damage, versions, parameter tampering."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.keys.vectors import ABANDON_ABOUT
from wallet import keystore as ks
from wallet.errors import (
    CorruptData,
    UnsupportedFormat,
    WalletNotFound,
    WalletValueError,
    WrongPassword,
)
from wallet.kdf import KdfParams
from wallet.keystore import WalletSecret, change_password, read_keystore, write_keystore

PASSWORD = "correct horse battery staple"
FAST = KdfParams.fast_for_tests()
SECRET = WalletSecret(bytes(range(32)), "tr\u00e9sor secret")


@pytest.fixture
def keyfile(tmp_path: Path) -> Path:
    path = tmp_path / "keystore.json"
    write_keystore(path, SECRET, PASSWORD, FAST)
    return path


def _doc(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def _put(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(json.dumps(doc))


def test_round_trip_and_file_shape(keyfile: Path) -> None:
    assert read_keystore(keyfile, PASSWORD) == SECRET
    doc = _doc(keyfile)
    assert list(doc) == ["format", "version", "kdf", "cipher", "nonce", "ciphertext"]
    assert doc["format"] == "patient-wallet-keystore"
    assert doc["version"] == 1
    assert doc["cipher"] == "chacha20-poly1305"
    assert doc["kdf"]["algorithm"] == "argon2id"
    assert len(base64.b64decode(doc["nonce"])) == 12
    assert stat.S_IMODE(os.stat(keyfile).st_mode) == 0o600
    assert [p.name for p in keyfile.parent.iterdir()] == ["keystore.json"]  # no temp file left


def test_nothing_secret_in_the_file(keyfile: Path) -> None:
    raw = keyfile.read_bytes()
    for needle in (SECRET.entropy, SECRET.entropy.hex().encode(), b"sor secret", PASSWORD.encode()):
        assert needle not in raw
    assert SECRET.words().split()[0].encode() not in raw


def test_every_write_uses_fresh_salt_and_nonce(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write_keystore(a, SECRET, PASSWORD, FAST)
    write_keystore(b, SECRET, PASSWORD, FAST)
    da, db = _doc(a), _doc(b)
    assert da["kdf"]["salt"] != db["kdf"]["salt"] != FAST.to_json()["salt"]
    assert da["nonce"] != db["nonce"]
    assert da["ciphertext"] != db["ciphertext"]


def test_padding_hides_passphrase_length(tmp_path: Path) -> None:
    sizes = set()
    for i, passphrase in enumerate(["", "x", "a much longer BIP39 passphrase, still under 100"]):
        path = tmp_path / f"k{i}"
        write_keystore(path, WalletSecret(bytes(32), passphrase), PASSWORD, FAST)
        sizes.add(len(base64.b64decode(_doc(path)["ciphertext"])))
    assert sizes == {128 + 16}


def test_wrong_password_changes_nothing(keyfile: Path) -> None:
    before = keyfile.read_bytes()
    with pytest.raises(WrongPassword) as caught:
        read_keystore(keyfile, "Correct horse battery staple")
    assert caught.value.user_message == "The password is wrong; nothing was changed. Try again."
    with pytest.raises(WrongPassword):
        change_password(keyfile, "wrong", "new password 123")
    assert keyfile.read_bytes() == before


def test_password_is_nfkc_normalised(tmp_path: Path) -> None:
    path = tmp_path / "k"
    write_keystore(path, SECRET, "pa\u0301ss\ufb01", FAST)
    assert read_keystore(path, "p\u00e1ssfi") == SECRET


def test_change_password(keyfile: Path) -> None:
    old_doc = _doc(keyfile)
    change_password(keyfile, PASSWORD, "a new password")
    new_doc = _doc(keyfile)
    assert new_doc["kdf"]["salt"] != old_doc["kdf"]["salt"]
    assert new_doc["kdf"]["memory_kib"] == old_doc["kdf"]["memory_kib"]
    assert read_keystore(keyfile, "a new password") == SECRET
    with pytest.raises(WrongPassword):
        read_keystore(keyfile, PASSWORD)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WalletNotFound):
        read_keystore(tmp_path / "nope.json", PASSWORD)
    with pytest.raises(WalletNotFound):
        write_keystore(tmp_path / "no-dir" / "k.json", SECRET, PASSWORD, FAST)


def test_empty_password_refused(tmp_path: Path) -> None:
    with pytest.raises(WalletValueError):
        write_keystore(tmp_path / "k", SECRET, "", FAST)


@pytest.mark.parametrize("cut", [0, 1, 10, 100, -2])
def test_truncated_file_is_corrupt(keyfile: Path, cut: int) -> None:
    raw = keyfile.read_bytes()
    keyfile.write_bytes(raw[:cut])
    with pytest.raises(CorruptData):
        read_keystore(keyfile, PASSWORD)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.update(nonce="AAAA"),
        lambda d: d.update(nonce="!!not base64!!"),
        lambda d: d.update(ciphertext=d["ciphertext"][:20]),
        lambda d: d.update(ciphertext=None),
        lambda d: d.pop("nonce"),
        lambda d: d.update(extra=1),
        lambda d: d.update(version="1"),
        lambda d: d["kdf"].update(memory_kib=1 << 30),  # hostile: refused before any work
        lambda d: d["kdf"].pop("salt"),
    ],
)
def test_damaged_fields_are_corrupt(keyfile: Path, damage: Any) -> None:
    doc = _doc(keyfile)
    damage(doc)
    _put(keyfile, doc)
    with pytest.raises(CorruptData):
        read_keystore(keyfile, PASSWORD)


def test_not_json_and_huge_files_are_corrupt(tmp_path: Path) -> None:
    for content in (b"\xff\xfe garbage", b"[1, 2]", b" " * (ks.MAX_FILE_BYTES + 1)):
        path = tmp_path / "k"
        path.write_bytes(content)
        with pytest.raises(CorruptData):
            read_keystore(path, PASSWORD)


@pytest.mark.parametrize(
    "change",
    [
        {"version": 2},
        {"format": "electrum-wallet"},
        {"cipher": "aes-256-gcm"},
    ],
)
def test_future_or_foreign_format_is_unsupported(keyfile: Path, change: dict[str, Any]) -> None:
    doc = _doc(keyfile)
    doc.update(change)
    _put(keyfile, doc)
    with pytest.raises(UnsupportedFormat):
        read_keystore(keyfile, PASSWORD)


def test_future_kdf_version_is_unsupported(keyfile: Path) -> None:
    doc = _doc(keyfile)
    doc["kdf"]["version"] = 2
    _put(keyfile, doc)
    with pytest.raises(UnsupportedFormat):
        read_keystore(keyfile, PASSWORD)


def test_flipped_ciphertext_bit_fails_authentication(keyfile: Path) -> None:
    doc = _doc(keyfile)
    raw = bytearray(base64.b64decode(doc["ciphertext"]))
    raw[5] ^= 1
    doc["ciphertext"] = base64.b64encode(raw).decode()
    _put(keyfile, doc)
    # An AEAD cannot tell tampering from a wrong password; either way nothing is decrypted.
    with pytest.raises(WrongPassword):
        read_keystore(keyfile, PASSWORD)


@pytest.mark.parametrize(
    "change",
    [
        {"iterations": 2},  # a different cost
        {"lanes": 2, "memory_kib": 16},
        {"salt": base64.b64encode(bytes(16)).decode()},  # a swapped salt
    ],
)
def test_swapped_or_downgraded_kdf_params_fail(keyfile: Path, change: dict[str, Any]) -> None:
    doc = _doc(keyfile)
    doc["kdf"].update(change)
    _put(keyfile, doc)
    with pytest.raises(WrongPassword):
        read_keystore(keyfile, PASSWORD)


def test_kdf_params_are_bound_as_associated_data(tmp_path: Path) -> None:
    """Same key, different declared params: the AD alone must make decryption fail.

    The file is re-encrypted by hand with the key of the original params but declaring a stronger
    cost, as an attacker who knows the key (or a buggy writer) could; reading must not accept it.
    """
    path = tmp_path / "k"
    write_keystore(path, SECRET, PASSWORD, FAST)
    doc = _doc(path)
    params = KdfParams.from_json(doc["kdf"])
    key = bytearray(32)
    ks.derive_key_into(PASSWORD, params, key)
    plain = bytearray(len(base64.b64decode(doc["ciphertext"])) - 16)
    aead = ChaCha20Poly1305(bytes(key))
    nonce = base64.b64decode(doc["nonce"])
    aead.decrypt_into(
        nonce, base64.b64decode(doc["ciphertext"]), ks._associated_data(params), plain
    )
    other = KdfParams.argon2id(memory_kib=16, iterations=1, lanes=1, salt=params.salt)
    with pytest.raises(InvalidTag):
        aead.decrypt(nonce, base64.b64decode(doc["ciphertext"]), ks._associated_data(other))
    assert ks._associated_data(other) != ks._associated_data(params)
    assert b'"memory_kib":8' in ks._associated_data(params)


def test_unknown_plaintext_version_is_unsupported() -> None:
    plain = ks._pack(SECRET)
    plain[0] = 2
    with pytest.raises(UnsupportedFormat):
        ks._unpack(plain)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: p.__setitem__(1, 17),  # entropy length not BIP39
        lambda p: p.__setitem__(-1, 1),  # non-zero padding
        lambda p: p.__setitem__(slice(34, 36), b"\xff\xff"),  # passphrase length too large
        lambda p: p.__delitem__(slice(3, None)),
    ],
)
def test_malformed_plaintext_is_corrupt(mutate: Any) -> None:
    plain = ks._pack(SECRET)
    mutate(plain)
    with pytest.raises(CorruptData):
        ks._unpack(plain)


@settings(max_examples=60, deadline=None)
@given(
    entropy=st.sampled_from([16, 20, 24, 28, 32]).flatmap(
        lambda n: st.binary(min_size=n, max_size=n)
    ),
    passphrase=st.text(max_size=200),
)
def test_plaintext_round_trip(entropy: bytes, passphrase: str) -> None:
    secret = WalletSecret(entropy, passphrase)
    packed = ks._pack(secret)
    assert len(packed) % 128 == 0
    unpacked = ks._unpack(packed)
    assert unpacked.entropy == entropy
    assert unpacked.seed() == secret.seed()  # passphrase stored NFKD: same seed


def test_wallet_secret_words_seed_and_repr() -> None:
    secret = WalletSecret.from_words(ABANDON_ABOUT, "TREZOR")
    assert secret.entropy == bytes(16)
    assert secret.words() == ABANDON_ABOUT
    assert secret.seed().hex().startswith("c55257c360c07c72029aebc1b53c05ed")
    assert "abandon" not in repr(secret)
    assert "TREZOR" not in repr(secret)
    assert repr(secret) == "WalletSecret(<12 words>, passphrase=True)"
    with pytest.raises(WalletValueError):
        WalletSecret(bytes(15))
    with pytest.raises(WalletValueError):
        WalletSecret(bytes(16), "x" * 2000)


def test_default_params_calibrate_unless_fast_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATIENT_WALLET_INSECURE_FAST_KDF", "1")
    path = tmp_path / "k"
    write_keystore(path, SECRET, PASSWORD)
    assert _doc(path)["kdf"]["memory_kib"] == 8
    monkeypatch.delenv("PATIENT_WALLET_INSECURE_FAST_KDF")
    monkeypatch.setattr(
        ks,
        "params_for_new_keystore",
        lambda: KdfParams.argon2id(memory_kib=16, iterations=1, lanes=1),
    )
    write_keystore(path, SECRET, PASSWORD)
    assert _doc(path)["kdf"]["memory_kib"] == 16
