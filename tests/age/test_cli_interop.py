"""Interop with the real age CLI (/usr/bin/age, age-keygen) in both directions, and re-wrapping."""

from __future__ import annotations

import io
import os
import pty
import shutil
import subprocess
from pathlib import Path

import pytest

from wallet.age import (
    IncorrectIdentity,
    ScryptIdentity,
    ScryptRecipient,
    X25519Identity,
    X25519Recipient,
    decrypt_stream,
    encrypt_bytes,
    encrypt_stream,
    read_header,
    rewrap_header,
    unwrap_file_key,
)

pytestmark = pytest.mark.agecli

AGE = shutil.which("age") or "/usr/bin/age"
AGE_KEYGEN = shutil.which("age-keygen") or "/usr/bin/age-keygen"
SIZES = [0, 1, 65535, 65536, 65537, 200_000]


def _keygen(tmp_path: Path) -> tuple[Path, str, str]:
    """A key file made by age-keygen; returns (path, secret string, recipient string)."""
    path = tmp_path / "key.txt"
    subprocess.run([AGE_KEYGEN, "-o", str(path)], check=True, capture_output=True)
    secret = next(line for line in path.read_text().splitlines() if line.startswith("AGE-SECRET"))
    public = subprocess.run(
        [AGE_KEYGEN, "-y", str(path)], check=True, capture_output=True, text=True
    ).stdout.strip()
    return path, secret, public


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    return _keygen(tmp_path_factory.mktemp("agekey"))


def test_keys_parse_and_print_like_age_keygen(keys: tuple[Path, str, str]) -> None:
    _, secret, public = keys
    identity = X25519Identity.from_string(secret)
    assert identity.to_string() == secret
    assert identity.recipient().to_string() == public
    assert X25519Recipient.from_string(public).public_bytes() == identity.recipient().public_bytes()


@pytest.mark.parametrize("size", SIZES)
def test_we_decrypt_age_cli_output(tmp_path: Path, keys: tuple[Path, str, str], size: int) -> None:
    _, secret, public = keys
    plain = os.urandom(size)
    sealed = subprocess.run([AGE, "-r", public], input=plain, check=True, capture_output=True)
    out = io.BytesIO()
    assert (
        decrypt_stream(io.BytesIO(sealed.stdout), out, [X25519Identity.from_string(secret)]) == size
    )
    assert out.getvalue() == plain


def test_we_decrypt_age_cli_armored_output(keys: tuple[Path, str, str]) -> None:
    _, secret, public = keys
    plain = os.urandom(100_000)
    sealed = subprocess.run([AGE, "-a", "-r", public], input=plain, check=True, capture_output=True)
    out = io.BytesIO()
    decrypt_stream(io.BytesIO(sealed.stdout), out, [X25519Identity.from_string(secret)])
    assert out.getvalue() == plain


@pytest.mark.parametrize("size", SIZES)
def test_age_cli_decrypts_our_output(
    tmp_path: Path, keys: tuple[Path, str, str], size: int
) -> None:
    keyfile, _, public = keys
    plain = os.urandom(size)
    sealed = tmp_path / "f.age"
    with sealed.open("xb") as dst:
        encrypt_stream(io.BytesIO(plain), dst, [X25519Recipient.from_string(public)])
    result = subprocess.run(
        [AGE, "-d", "-i", str(keyfile), str(sealed)], check=True, capture_output=True
    )
    assert result.stdout == plain


def test_age_cli_decrypts_our_armored_output(keys: tuple[Path, str, str]) -> None:
    keyfile, _, public = keys
    plain = os.urandom(70_000)
    sealed = encrypt_bytes(plain, [X25519Recipient.from_string(public)], armor=True)
    result = subprocess.run(
        [AGE, "-d", "-i", str(keyfile)], input=sealed, check=True, capture_output=True
    )
    assert result.stdout == plain


@pytest.mark.parametrize("size", SIZES)
def test_rewrapped_header_opens_with_new_identity_and_keeps_payload(
    tmp_path: Path, keys: tuple[Path, str, str], size: int
) -> None:
    patient = X25519Identity.generate()
    provider_keyfile, provider_secret, _ = keys
    plain = os.urandom(size)
    original = io.BytesIO()
    encrypt_stream(io.BytesIO(plain), original, [patient.recipient()])
    src = io.BytesIO(original.getvalue())
    header = read_header(src)
    payload = src.read()
    file_key = unwrap_file_key(header, [patient])
    new_header = rewrap_header(
        header, file_key, [X25519Identity.from_string(provider_secret).recipient()]
    )
    shared = tmp_path / "shared.age"
    shared.write_bytes(new_header + payload)
    assert shared.read_bytes()[len(new_header) :] == original.getvalue()[len(header.raw) :]
    result = subprocess.run(
        [AGE, "-d", "-i", str(provider_keyfile), str(shared)], check=True, capture_output=True
    )
    assert result.stdout == plain
    with pytest.raises(IncorrectIdentity):
        decrypt_stream(io.BytesIO(shared.read_bytes()), io.BytesIO(), [patient])


def test_age_cli_decrypts_our_scrypt_file(tmp_path: Path) -> None:
    plain = os.urandom(70_000)
    sealed = tmp_path / "p.age"
    out = tmp_path / "p.out"
    with sealed.open("xb") as dst:
        encrypt_stream(io.BytesIO(plain), dst, [ScryptRecipient(b"correct horse", work_factor=10)])
    _age_with_tty(["-d", "-o", str(out), str(sealed)], b"correct horse")
    assert out.read_bytes() == plain


def test_we_decrypt_age_cli_scrypt_file(tmp_path: Path) -> None:
    plain = os.urandom(70_000)
    src = tmp_path / "p.bin"
    src.write_bytes(plain)
    sealed = tmp_path / "p.age"
    # age asks twice when encrypting (passphrase and confirmation); the helper answers every prompt
    _age_with_tty(["-p", "-o", str(sealed), str(src)], b"battery staple")
    out = io.BytesIO()
    decrypt_stream(io.BytesIO(sealed.read_bytes()), out, [ScryptIdentity(b"battery staple")])
    assert out.getvalue() == plain


def _age_with_tty(args: list[str], passphrase: bytes) -> None:
    """Run age with a pseudo-terminal as its TTY and answer every passphrase prompt.

    age reads passphrases from the terminal only (never stdin); a pty from Python's ``pty``
    module drives it non-interactively, so scrypt interop is tested in both directions.
    """
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(AGE, [AGE, *args])
    seen = b""
    answered = 0
    try:
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            prompts = seen.lower().count(b"passphrase")
            while answered < prompts:
                os.write(fd, passphrase + b"\n")
                answered += 1
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, seen
