"""Keystore v3 export/import: round trips, the default cost, spec vectors, other readers, errors."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import secrets
import stat
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from Crypto.Hash import keccak
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from eth_account import Account
from eth_keyfile.keyfile import decode_keyfile_json
from hypothesis import given, settings
from hypothesis import strategies as st

from wallet.errors import (
    CorruptData,
    UnsupportedFormat,
    WalletExists,
    WalletNotFound,
    WalletValueError,
    WrongPassword,
)
from wallet.keystore_v3 import (
    DEFAULT_SCRYPT_N,
    MAX_KEYSTORE_BYTES,
    export_keystore_v3,
    import_keystore_v3,
    write_keystore_v3,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SPEC = json.loads((HERE / "vectors" / "web3_secret_storage.json").read_text(encoding="utf-8"))
FAST_N = 2**10  # tests only; the default is proven once in test_default_cost_is_scrypt_n_262144
PASSWORD = "correct horse battery staple"


def _key() -> bytes:
    return bytes(Account.create().key)


def _independent_decrypt(keystore: dict[str, Any], password: str) -> bytes:
    """A second reader of the format, written from the spec on other primitives.

    KDF from hashlib (OpenSSL), AES-128-CTR from `cryptography`, keccak-256 from pycryptodome;
    no eth-account or eth-keyfile code.
    """
    crypto = keystore["crypto"]
    params = crypto["kdfparams"]
    salt = bytes.fromhex(params["salt"])
    if crypto["kdf"] == "scrypt":
        n, r, p = params["n"], params["r"], params["p"]
        derived = hashlib.scrypt(
            password.encode(), salt=salt, n=n, r=r, p=p, dklen=params["dklen"], maxmem=2**30
        )
    else:
        assert params["prf"] == "hmac-sha256"
        derived = hashlib.pbkdf2_hmac(
            "sha256", password.encode(), salt, params["c"], params["dklen"]
        )
    ciphertext = bytes.fromhex(crypto["ciphertext"])
    mac = keccak.new(digest_bits=256, data=derived[16:32] + ciphertext).digest()
    if mac != bytes.fromhex(crypto["mac"]):
        raise ValueError("MAC mismatch")
    iv = bytes.fromhex(crypto["cipherparams"]["iv"])
    decryptor = Cipher(algorithms.AES(derived[:16]), modes.CTR(iv)).decryptor()
    return decryptor.update(ciphertext) + decryptor.finalize()


# --- export / import round trips -------------------------------------------------------------


def test_export_decrypts_with_eth_account_to_the_same_key_and_address() -> None:
    key = _key()
    keystore = export_keystore_v3(key, PASSWORD, iterations=FAST_N)
    assert bytes(Account.decrypt(keystore, PASSWORD)) == key
    assert Account.from_key(key).address.lower() == "0x" + keystore["address"].lower()
    assert import_keystore_v3(keystore, PASSWORD) == key
    assert keystore["crypto"]["kdfparams"]["n"] == FAST_N


def test_written_file_is_private_json_v3_and_imports(tmp_path: Path) -> None:
    key = _key()
    path = tmp_path / "account-0.json"
    write_keystore_v3(path, export_keystore_v3(key, PASSWORD, iterations=FAST_N))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["version"] == 3
    assert document["crypto"]["kdf"] == "scrypt"
    assert document["crypto"]["cipher"] == "aes-128-ctr"
    assert import_keystore_v3(path, PASSWORD) == key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["account-0.json"]  # no temp file left


def test_pbkdf2_export_round_trip() -> None:
    key = _key()
    keystore = export_keystore_v3(key, PASSWORD, kdf="pbkdf2", iterations=1000)
    params = keystore["crypto"]["kdfparams"]
    assert (keystore["crypto"]["kdf"], params["c"], params["prf"]) == (
        "pbkdf2",
        1000,
        "hmac-sha256",
    )
    assert import_keystore_v3(keystore, PASSWORD) == key
    assert _independent_decrypt(keystore, PASSWORD) == key


def test_default_cost_is_scrypt_n_262144() -> None:
    key = _key()
    started = time.perf_counter()
    keystore = export_keystore_v3(key, PASSWORD)
    export_seconds = time.perf_counter() - started
    started = time.perf_counter()
    assert import_keystore_v3(keystore, PASSWORD) == key
    import_seconds = time.perf_counter() - started
    print(
        f"keystore v3 default scrypt: export {export_seconds:.2f} s, import {import_seconds:.2f} s"
    )
    params = keystore["crypto"]["kdfparams"]
    assert keystore["crypto"]["kdf"] == "scrypt"
    assert (params["n"], params["r"], params["p"], params["dklen"]) == (DEFAULT_SCRYPT_N, 8, 1, 32)
    assert DEFAULT_SCRYPT_N == 262144
    assert len(bytes.fromhex(params["salt"])) >= 16
    assert _independent_decrypt(keystore, PASSWORD) == key


@settings(max_examples=20, deadline=None)
@given(
    key=st.binary(min_size=32, max_size=32).filter(lambda b: 0 < int.from_bytes(b, "big") < 2**255),
    password=st.text(min_size=1, max_size=40),
)
def test_round_trip_any_key_and_unicode_password(key: bytes, password: str) -> None:
    keystore = export_keystore_v3(key, password, iterations=2)
    assert import_keystore_v3(keystore, password) == key
    assert _independent_decrypt(keystore, password) == key
    with pytest.raises(WrongPassword):
        import_keystore_v3(keystore, password + "x")


# --- other implementations --------------------------------------------------------------------


@pytest.mark.parametrize("kdf", ["pbkdf2", "scrypt"])
def test_web3_secret_storage_spec_vectors(kdf: str) -> None:
    expected = bytes.fromhex(SPEC["private_key"])
    assert import_keystore_v3(SPEC[kdf], SPEC["password"]) == expected
    if kdf == "pbkdf2":
        assert _independent_decrypt(SPEC[kdf], SPEC["password"]) == expected
    # The scrypt vector has r=1 and n=2**18, which RFC 7914 forbids (n < 2**(16 r)); OpenSSL, hence
    # the independent reader, refuses it. pycryptodome (under eth-keyfile) computes it anyway.
    assert Account.from_key(expected).address.lower() == "0x" + SPEC["address"]


def test_eth_keyfile_reads_the_written_file(tmp_path: Path) -> None:
    # eth-keyfile is what web3.py and eth-account use underneath: it reads the bytes we wrote.
    key = _key()
    path = tmp_path / "k.json"
    write_keystore_v3(path, export_keystore_v3(key, PASSWORD, iterations=FAST_N))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert decode_keyfile_json(document, PASSWORD.encode()) == key
    assert _independent_decrypt(document, PASSWORD) == key


def _cast() -> Path:
    override = os.environ.get("PATIENT_WALLET_CAST")
    path = (
        Path(override)
        if override
        else REPO / "contracts/node_modules/@foundry-rs/cast-linux-amd64/bin/cast"
    )
    if not path.is_file():
        pytest.fail(f"Foundry cast is missing at {path}; run scripts/bootstrap.sh first.")
    return path


def _run_cast(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run(
        [str(_cast()), *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )


def test_foundry_cast_decrypts_our_file(tmp_path: Path) -> None:
    key = _key()
    keystore_dir = tmp_path / "keystores"
    keystore_dir.mkdir()
    write_keystore_v3(
        keystore_dir / "patient", export_keystore_v3(key, PASSWORD, iterations=FAST_N)
    )
    done = _run_cast(
        "wallet", "decrypt-keystore", "patient", "-k", str(keystore_dir),
        "--unsafe-password", PASSWORD, home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "0x" + key.hex() in done.stdout
    wrong = _run_cast(
        "wallet", "decrypt-keystore", "patient", "-k", str(keystore_dir),
        "--unsafe-password", "not it", home=tmp_path,
    )  # fmt: skip
    assert wrong.returncode != 0
    assert "0x" + key.hex() not in wrong.stdout


def test_we_import_a_file_foundry_cast_wrote(tmp_path: Path) -> None:
    key = _key()
    keystore_dir = tmp_path / "keystores"
    keystore_dir.mkdir()
    done = _run_cast(
        "wallet", "import", "fromcast", "-k", str(keystore_dir),
        "--private-key", "0x" + key.hex(), "--unsafe-password", PASSWORD, home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    path = keystore_dir / "fromcast"
    assert import_keystore_v3(path, PASSWORD) == key
    with pytest.raises(WrongPassword):
        import_keystore_v3(path, "not it")


# --- writing ----------------------------------------------------------------------------------


def test_write_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    path.write_text("precious", encoding="utf-8")
    keystore = export_keystore_v3(_key(), PASSWORD, iterations=FAST_N)
    with pytest.raises(WalletExists) as info:
        write_keystore_v3(path, keystore)
    assert "already exists" in info.value.user_message
    assert path.read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.json"]


def test_write_into_a_missing_folder(tmp_path: Path) -> None:
    keystore = export_keystore_v3(_key(), PASSWORD, iterations=FAST_N)
    with pytest.raises(WalletNotFound, match="does not exist"):
        write_keystore_v3(tmp_path / "nope" / "k.json", keystore)


def test_write_refuses_something_that_is_not_v3(tmp_path: Path) -> None:
    with pytest.raises(WalletValueError, match="Only a keystore v3 object"):
        write_keystore_v3(tmp_path / "k.json", {"version": 4})
    assert not (tmp_path / "k.json").exists()


# --- import errors ----------------------------------------------------------------------------


def test_wrong_password_is_a_wrong_password_sentence() -> None:
    keystore = export_keystore_v3(_key(), PASSWORD, iterations=FAST_N)
    with pytest.raises(WrongPassword) as info:
        import_keystore_v3(keystore, "Correct horse battery staple")
    assert info.value.user_message == "The password does not open this keystore file."


def test_altered_ciphertext_is_refused() -> None:
    keystore = export_keystore_v3(_key(), PASSWORD, iterations=FAST_N)
    ciphertext = bytearray(bytes.fromhex(keystore["crypto"]["ciphertext"]))
    ciphertext[0] ^= 1
    keystore["crypto"]["ciphertext"] = ciphertext.hex()
    with pytest.raises(WrongPassword):
        import_keystore_v3(keystore, PASSWORD)


def test_address_that_does_not_match_the_key_is_corrupt() -> None:
    keystore = export_keystore_v3(_key(), PASSWORD, iterations=FAST_N)
    keystore["address"] = Account.create().address[2:]
    with pytest.raises(CorruptData, match="does not match the address"):
        import_keystore_v3(keystore, PASSWORD)


def test_legacy_capitalised_keys_are_accepted() -> None:
    key = _key()
    keystore = export_keystore_v3(key, PASSWORD, iterations=FAST_N)
    keystore["Crypto"] = keystore.pop("crypto")
    keystore["Crypto"]["KDFParams"] = keystore["Crypto"].pop("kdfparams")
    assert import_keystore_v3(keystore, PASSWORD) == key


def test_bad_json_file_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    path.write_text('{"version": 3, "crypto": ', encoding="utf-8")
    with pytest.raises(CorruptData) as info:
        import_keystore_v3(path, PASSWORD)
    assert info.value.user_message == f"{path} is not a keystore file: it is not valid JSON."


def test_binary_and_oversized_files_are_corrupt(tmp_path: Path) -> None:
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CorruptData, match="not valid JSON"):
        import_keystore_v3(binary, PASSWORD)
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_KEYSTORE_BYTES + 1))
    with pytest.raises(CorruptData, match="too large"):
        import_keystore_v3(big, PASSWORD)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WalletNotFound, match="There is no keystore file"):
        import_keystore_v3(tmp_path / "absent.json", PASSWORD)


def _edit(keystore: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    edited = copy.deepcopy(keystore)
    *parents, leaf = dotted.split(".")
    target = edited
    for name in parents:
        target = target[name]
    if value is _DELETE:
        del target[leaf]
    else:
        target[leaf] = value
    return edited


_DELETE = object()
_GOOD = export_keystore_v3(bytes.fromhex(SPEC["private_key"]), PASSWORD, iterations=FAST_N)


@pytest.mark.parametrize(
    ("dotted", "value", "error", "fragment"),
    [
        ("version", 4, UnsupportedFormat, "keystore version 4 file"),
        ("version", "3", CorruptData, "no version number"),
        ("version", True, CorruptData, "no version number"),
        ("version", _DELETE, CorruptData, "no version number"),
        ("crypto", _DELETE, CorruptData, "no crypto section"),
        ("crypto.cipher", "aes-128-cbc", UnsupportedFormat, "cipher other than AES-128-CTR"),
        ("crypto.kdf", "argon2id", UnsupportedFormat, "other than scrypt or PBKDF2"),
        ("crypto.cipherparams.iv", "00" * 8, CorruptData, "iv has the wrong length"),
        ("crypto.ciphertext", "zz" * 32, CorruptData, "ciphertext is not hexadecimal"),
        ("crypto.ciphertext", "00" * 33, CorruptData, "ciphertext has the wrong length"),
        ("crypto.mac", _DELETE, CorruptData, "mac is missing"),
        ("crypto.kdfparams", _DELETE, CorruptData, "no key derivation parameters"),
        ("crypto.kdfparams.n", 1000, CorruptData, "not a power of two"),
        ("crypto.kdfparams.n", -2, CorruptData, "n parameter"),
        ("crypto.kdfparams.r", "8", CorruptData, "r parameter"),
        ("crypto.kdfparams.dklen", 16, CorruptData, "below the required 32 bytes"),
        ("crypto.kdfparams.salt", "00" * 8, CorruptData, "salt is shorter than 16 bytes"),
        # Work caps: these would take minutes or gigabytes if derived; refused before any work.
        ("crypto.kdfparams.n", 2**30, UnsupportedFormat, "more key derivation work"),
        ("crypto.kdfparams.p", 2**20, UnsupportedFormat, "more key derivation work"),
    ],
)
def test_malformed_keystores_are_refused_with_a_sentence(
    dotted: str, value: Any, error: type[Exception], fragment: str
) -> None:
    started = time.perf_counter()
    with pytest.raises(error) as info:
        import_keystore_v3(_edit(_GOOD, dotted, value), PASSWORD)
    assert fragment in str(info.value)
    assert time.perf_counter() - started < 1.0


def test_pbkdf2_work_cap_and_prf() -> None:
    keystore = export_keystore_v3(_key(), PASSWORD, kdf="pbkdf2", iterations=1000)
    with pytest.raises(UnsupportedFormat, match="PBKDF2 c=1000000000"):
        import_keystore_v3(_edit(keystore, "crypto.kdfparams.c", 10**9), PASSWORD)
    with pytest.raises(UnsupportedFormat, match="other than HMAC-SHA256"):
        import_keystore_v3(_edit(keystore, "crypto.kdfparams.prf", "hmac-sha512"), PASSWORD)


@pytest.mark.parametrize("document", [[], "text", 3, None])
def test_non_object_json_is_corrupt(document: Any) -> None:
    with pytest.raises(CorruptData, match="not a JSON object"):
        import_keystore_v3(document, PASSWORD)


# --- export argument checks -------------------------------------------------------------------

_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@pytest.mark.parametrize(
    ("key", "password", "kwargs", "fragment"),
    [
        (b"\x01" * 31, PASSWORD, {}, "exactly 32 bytes"),
        (b"\x00" * 32, PASSWORD, {}, "not a valid secp256k1 private key"),
        (_N.to_bytes(32, "big"), PASSWORD, {}, "not a valid secp256k1 private key"),
        (b"\x01" * 32, "", {}, "needs a password"),
        (b"\x01" * 32, PASSWORD, {"kdf": "argon2id"}, '"scrypt" or "pbkdf2"'),
        (b"\x01" * 32, PASSWORD, {"iterations": 1000}, "power of two"),
        (b"\x01" * 32, PASSWORD, {"iterations": 1}, "at least 2"),
        (b"\x01" * 32, PASSWORD, {"iterations": True}, "whole number"),
        (b"\x01" * 32, PASSWORD, {"iterations": 2**22}, "too slow to open"),
        (b"\x01" * 32, PASSWORD, {"kdf": "pbkdf2", "iterations": 10**8}, "too slow to open"),
    ],
)
def test_export_rejects_bad_arguments(
    key: bytes, password: str, kwargs: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(WalletValueError) as info:
        export_keystore_v3(key, password, **kwargs)
    assert fragment in info.value.user_message


def test_exports_are_randomised() -> None:
    key = secrets.token_bytes(31).rjust(32, b"\x01")
    first = export_keystore_v3(key, PASSWORD, iterations=FAST_N)
    second = export_keystore_v3(key, PASSWORD, iterations=FAST_N)
    assert first["crypto"]["kdfparams"]["salt"] != second["crypto"]["kdfparams"]["salt"]
    assert first["crypto"]["cipherparams"]["iv"] != second["crypto"]["cipherparams"]["iv"]
    assert first["id"] != second["id"]
