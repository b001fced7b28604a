"""Spec edge cases of c2sp.org/age checked one by one, beyond what the C2SP test kit covers.

Each test names the rule it holds us to: STREAM last-chunk rules, the header grammar (64-column
bodies, strict base64, stanza arguments, the MAC input), the scrypt guards, X25519 low-order
shares, Bech32 case rules (with BIP-173's own test strings), the two-thread payload path's
error handling, and the one-sentence user messages.
"""

from __future__ import annotations

import hashlib
import io
import threading
from typing import BinaryIO, cast

import pytest
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from wallet.age import (
    CHUNK_SIZE,
    AgeError,
    AgeHeaderError,
    AgeHmacError,
    AgePayloadError,
    AgeTrailingData,
    AgeTruncated,
    AgeUsageError,
    AgeWorkFactorTooHigh,
    IncorrectIdentity,
    IncorrectPassphrase,
    InvalidAgeKey,
    ScryptIdentity,
    ScryptRecipient,
    Stanza,
    UnsupportedAge,
    X25519Identity,
    X25519Recipient,
    bech32,
    build_header,
    decrypt_bytes,
    decrypt_payload,
    encrypt_bytes,
    encrypt_payload,
    parse_header,
    read_header,
    unwrap_file_key,
)
from wallet.age.format import b64decode_strict, b64encode_raw, encode_header
from wallet.age.primitives import header_mac, payload_key
from wallet.age.stream import BATCH_CHUNKS
from wallet.errors import UnsupportedFormat, WrongPassword

KEY = bytes(range(16))
IDENTITY = X25519Identity.generate()
TAG = 16
ENC_CHUNK = CHUNK_SIZE + TAG


def _seal(plain: bytes) -> bytes:
    out = io.BytesIO()
    encrypt_payload(io.BytesIO(plain), out, KEY)
    return out.getvalue()


def _open(payload: bytes) -> bytes:
    out = io.BytesIO()
    decrypt_payload(io.BytesIO(payload), out, KEY)
    return out.getvalue()


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _handmade(chunks: list[tuple[bytes, bool]]) -> bytes:
    """A payload built chunk by chunk with chosen final flags, under KEY."""
    nonce = bytes(16)
    aead = ChaCha20Poly1305(payload_key(KEY, nonce))
    body = b"".join(aead.encrypt(_nonce(i, last), c, None) for i, (c, last) in enumerate(chunks))
    return nonce + body


# -- STREAM -------------------------------------------------------------------------------------


def test_empty_plaintext_is_one_empty_final_chunk() -> None:
    sealed = _seal(b"")
    assert len(sealed) == 16 + TAG
    aead = ChaCha20Poly1305(payload_key(KEY, sealed[:16]))
    assert aead.decrypt(_nonce(0, True), sealed[16:], None) == b""


def test_full_final_chunk_is_marked_last_and_not_followed_by_an_empty_one() -> None:
    plain = bytes(range(256)) * (CHUNK_SIZE // 256)
    sealed = _seal(plain)
    assert len(sealed) == 16 + ENC_CHUNK
    aead = ChaCha20Poly1305(payload_key(KEY, sealed[:16]))
    assert aead.decrypt(_nonce(0, True), sealed[16:], None) == plain


def test_empty_final_chunk_after_data_is_rejected() -> None:
    payload = _handmade([(b"a" * CHUNK_SIZE, False), (b"", True)])
    with pytest.raises(AgePayloadError):
        _open(payload)


def test_full_chunk_not_marked_last_at_end_is_truncation() -> None:
    with pytest.raises(AgeTruncated):
        _open(_handmade([(b"a" * CHUNK_SIZE, False)]))


def test_short_chunk_not_marked_last_is_rejected() -> None:
    with pytest.raises(AgePayloadError):
        _open(_handmade([(b"a" * 10, False)]))


def test_last_chunk_before_more_data_is_trailing_data() -> None:
    payload = _handmade([(b"a" * CHUNK_SIZE, True), (b"b", True)])
    with pytest.raises(AgeTrailingData):
        _open(payload)


@pytest.mark.parametrize("extra", [b"\x00", b"x" * 100])
def test_trailing_bytes_after_a_full_last_chunk(extra: bytes) -> None:
    with pytest.raises(AgePayloadError):
        _open(_seal(b"z" * CHUNK_SIZE) + extra)


def test_truncated_at_chunk_boundary_and_inside_a_chunk() -> None:
    sealed = _seal(b"q" * (3 * CHUNK_SIZE + 5))
    with pytest.raises(AgeTruncated):
        _open(sealed[: 16 + 2 * ENC_CHUNK])
    with pytest.raises(AgePayloadError):
        _open(sealed[:-1])
    with pytest.raises(AgeTruncated):
        _open(sealed[:16])  # a nonce and no chunk at all


@pytest.mark.parametrize("cut", [0, 1, 15])
def test_missing_or_short_nonce_is_a_header_failure(cut: int) -> None:
    with pytest.raises(AgeHeaderError):
        _open(_seal(b"")[:cut])


def test_plaintext_before_a_bad_chunk_is_released_and_hashed_on_the_threaded_path() -> None:
    size = 3 * BATCH_CHUNKS * CHUNK_SIZE + 123  # several slots: the helper thread runs
    plain = bytes(i % 253 for i in range(size))
    sealed = bytearray(_seal(plain))
    bad = 2 * BATCH_CHUNKS + 3  # a chunk in the third slot
    sealed[16 + bad * ENC_CHUNK + 7] ^= 1
    out = io.BytesIO()
    digest = hashlib.sha256()
    threads = threading.active_count()
    with pytest.raises(AgePayloadError):
        decrypt_payload(io.BytesIO(bytes(sealed)), out, KEY, plaintext_hash=digest)
    assert out.getvalue() == plain[: bad * CHUNK_SIZE]
    assert digest.digest() == hashlib.sha256(out.getvalue()).digest()
    assert threading.active_count() == threads


class _FailingReader(io.RawIOBase):
    """Gives ``good`` bytes, then raises OSError (a disk error mid-file)."""

    def __init__(self, good: int) -> None:
        super().__init__()
        self._left = good

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._left <= 0:
            raise OSError("disk on fire")
        count = min(len(buffer), self._left)
        buffer[:count] = b"\x00" * count
        self._left -= count
        return count


def test_read_error_in_the_helper_thread_reaches_the_caller() -> None:
    threads = threading.active_count()
    src = cast(BinaryIO, _FailingReader(3 * BATCH_CHUNKS * CHUNK_SIZE))
    with pytest.raises(OSError, match="disk on fire"):
        encrypt_payload(src, io.BytesIO(), KEY)
    assert threading.active_count() == threads


class _BrokenHash:
    def update(self, data: memoryview, /) -> None:
        raise RuntimeError("hash broke")


def test_hash_error_in_the_helper_thread_reaches_the_caller() -> None:
    plain = bytes(3 * BATCH_CHUNKS * CHUNK_SIZE)
    with pytest.raises(RuntimeError, match="hash broke"):
        encrypt_payload(io.BytesIO(plain), io.BytesIO(), KEY, plaintext_hash=_BrokenHash())
    sealed = _seal(plain)
    with pytest.raises(RuntimeError, match="hash broke"):
        decrypt_payload(io.BytesIO(sealed), io.BytesIO(), KEY, plaintext_hash=_BrokenHash())


def test_progress_reports_running_plaintext_counts() -> None:
    size = 2 * BATCH_CHUNKS * CHUNK_SIZE + 1
    seen: list[int] = []
    encrypt_payload(io.BytesIO(bytes(size)), io.BytesIO(), KEY, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == size


# -- header grammar ------------------------------------------------------------------------------


def test_stanza_body_wraps_at_64_columns_with_a_final_short_line() -> None:
    assert Stanza("t", [], bytes(48)).encode() == b"-> t\n" + b"A" * 64 + b"\n\n"
    assert Stanza("t", [], bytes(49)).encode() == b"-> t\n" + b"A" * 64 + b"\nAA\n"
    assert Stanza("t", ["a"], b"").encode() == b"-> t a\n\n"


def _header(*stanza_lines: bytes) -> bytes:
    return b"age-encryption.org/v1\n" + b"".join(stanza_lines) + b"--- " + b"A" * 43 + b"\n"


@pytest.mark.parametrize(
    "lines",
    [
        (b"-> t\n" + b"A" * 64 + b"\n",),  # a full last line needs an empty line after it
        (b"-> t\n" + b"A" * 68 + b"\n",),  # a line longer than 64 columns
        (b"-> t\nAA==\n",),  # padding
        (b"-> t\nAB\n",),  # non-zero trailing bits (non-canonical)
        (b"-> t\nA\n",),  # impossible length
        (b"->  t\n\n",),  # empty argument (two spaces)
        (b"-> t \n\n",),  # trailing space
        (b"->\n\n",),  # no type
        (b"->t\n\n",),  # no space after the arrow
        (b"-> t\xff\n\n",),  # not ASCII
        (b"-> t\r\n\n",),  # CR
        (b"-> t\n",),  # body missing before the MAC line
    ],
)
def test_malformed_stanzas_are_header_failures(lines: tuple[bytes, ...]) -> None:
    with pytest.raises(AgeHeaderError):
        parse_header(_header(*lines))


@pytest.mark.parametrize(
    "mac_line",
    [b"---\n", b"--- \n", b"---  " + b"A" * 43 + b"\n", b"--- " + b"A" * 42 + b"\n", b"---A\n"],
)
def test_malformed_mac_lines_are_header_failures(mac_line: bytes) -> None:
    with pytest.raises(AgeHeaderError):
        parse_header(b"age-encryption.org/v1\n-> t\n\n" + mac_line)


def test_unknown_version_is_unsupported() -> None:
    with pytest.raises(UnsupportedAge) as info:
        parse_header(b"age-encryption.org/v2\n")
    assert isinstance(info.value, UnsupportedFormat)
    assert isinstance(info.value, AgeHeaderError)


def test_base64_is_strict_and_unpadded() -> None:
    assert b64encode_raw(b"\xff") == "/w"
    assert b64decode_strict("/w") == b"\xff"
    for bad in ("/w==", "/x", "-w", "_w", " /w", "/w\n"):
        with pytest.raises(AgeHeaderError):
            b64decode_strict(bad)


def test_stanza_constructor_enforces_the_argument_grammar() -> None:
    for args in ([""], ["a b"], ["é"], ["\x7f"]):
        with pytest.raises(AgeUsageError):
            Stanza("t", args, b"")


def test_header_mac_covers_exactly_up_to_the_dashes() -> None:
    header, offset = parse_header(encrypt_bytes(b"x", [IDENTITY.recipient()]))
    assert header.mac_input.endswith(b"\n---")
    assert header.raw == header.mac_input + b" " + b64encode_raw(header.mac).encode() + b"\n"
    assert offset == len(header.raw)
    file_key = unwrap_file_key(header, [IDENTITY])
    assert header_mac(file_key, header.mac_input) == header.mac
    forged = encode_header([*header.stanzas, Stanza("grease", [], b"")], header.mac)
    with pytest.raises(AgeHmacError):
        unwrap_file_key(read_header(io.BytesIO(forged)), [IDENTITY])


def test_read_header_leaves_the_source_at_the_payload_nonce() -> None:
    sealed = encrypt_bytes(b"hello", [IDENTITY.recipient()])
    src = io.BytesIO(sealed)
    header = read_header(src)
    assert src.tell() == len(header.raw)
    out = io.BytesIO()
    decrypt_payload(src, out, unwrap_file_key(header, [IDENTITY]))
    assert out.getvalue() == b"hello"


# -- scrypt -------------------------------------------------------------------------------------


def test_scrypt_recipient_must_be_alone_when_building() -> None:
    with pytest.raises(AgeUsageError):
        build_header(KEY, [ScryptRecipient(b"pw", work_factor=2), IDENTITY.recipient()])
    with pytest.raises(AgeUsageError):
        build_header(KEY, [ScryptRecipient(b"pw", work_factor=2)] * 2)


def test_scrypt_stanza_must_be_alone_when_reading_for_any_identity() -> None:
    scrypt_stanza = ScryptRecipient(b"pw", work_factor=2).wrap(KEY)[0]
    x_stanza = IDENTITY.recipient().wrap(KEY)[0]
    stanzas = [x_stanza, scrypt_stanza]
    raw = encode_header(stanzas, header_mac(KEY, encode_header(stanzas, bytes(32))[:-48]))
    header = read_header(io.BytesIO(raw))
    for identity in (IDENTITY, ScryptIdentity(b"pw")):
        with pytest.raises(AgeHeaderError):
            unwrap_file_key(header, [identity])


def test_wrong_passphrase_is_retryable_and_typed() -> None:
    sealed = encrypt_bytes(b"secret", [ScryptRecipient(b"right", work_factor=4)])
    with pytest.raises(IncorrectPassphrase) as info:
        decrypt_bytes(sealed, [ScryptIdentity(b"wrong")])
    assert isinstance(info.value, WrongPassword)
    assert isinstance(info.value, IncorrectIdentity)
    assert decrypt_bytes(sealed, [ScryptIdentity(b"right")]) == b"secret"


def test_work_factor_above_the_cap_is_refused_before_any_work() -> None:
    sealed = encrypt_bytes(b"s", [ScryptRecipient(b"pw", work_factor=12)])
    with pytest.raises(AgeWorkFactorTooHigh):
        decrypt_bytes(sealed, [ScryptIdentity(b"pw", max_work_factor=11)])
    assert decrypt_bytes(sealed, [ScryptIdentity(b"pw", max_work_factor=12)]) == b"s"


# -- X25519 and Bech32 ---------------------------------------------------------------------------


@pytest.mark.parametrize("share", [bytes(32), (1).to_bytes(32, "little")])
def test_low_order_x25519_share_is_a_header_failure(share: bytes) -> None:
    body = bytes(32)
    stanza = Stanza("X25519", [b64encode_raw(share)], body)
    with pytest.raises(AgeHeaderError):
        IDENTITY.unwrap([stanza])


def test_x25519_no_matching_stanza_is_incorrect_identity() -> None:
    sealed = encrypt_bytes(b"s", [X25519Identity.generate().recipient()])
    with pytest.raises(IncorrectIdentity):
        decrypt_bytes(sealed, [IDENTITY])


def test_key_strings_case_rules() -> None:
    secret = IDENTITY.to_string()
    public = IDENTITY.recipient().to_string()
    assert secret.startswith("AGE-SECRET-KEY-1") and secret == secret.upper()
    assert public.startswith("age1") and public == public.lower()
    assert X25519Recipient.from_string(public) == IDENTITY.recipient()
    assert X25519Identity.from_string(secret).private_bytes() == IDENTITY.private_bytes()
    for bad in (public.upper(), public[:10] + public[10:].upper()):
        with pytest.raises(InvalidAgeKey):
            X25519Recipient.from_string(bad)
    for bad in (secret.lower(), secret[:20] + secret[20:].lower()):
        with pytest.raises(InvalidAgeKey):
            X25519Identity.from_string(bad)
    with pytest.raises(InvalidAgeKey):
        X25519Recipient.from_string(secret)
    with pytest.raises(InvalidAgeKey):
        X25519Identity.from_string(public)


def test_key_errors_do_not_leak_the_secret() -> None:
    secret = IDENTITY.to_string()
    broken = secret[:-1] + ("Q" if secret[-1] != "Q" else "P")
    with pytest.raises(InvalidAgeKey) as info:
        X25519Identity.from_string(broken)
    assert secret[16:30] not in str(info.value) + info.value.detail
    assert secret[16:30] not in repr(IDENTITY)


# BIP-173 test strings (github.com/bitcoin/bips/blob/master/bip-0173.mediawiki, "Test vectors").
BIP173_VALID = [
    "A12UEL5L",
    "a12uel5l",
    "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11" + "q" * 82 + "c8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    "?1ezyfcl",
]
BIP173_INVALID = [
    "\x201nwldj5",  # HRP character out of range
    "\x7f1axkwrx",
    "\x801eym55h",
    "pzry9x0s0muk",  # no separator
    "1pzry9x0s0muk",  # empty HRP
    "x1b4n0q5v",  # invalid data character
    "li1dgmt3",  # too short checksum
    "de1lg7wt\xff",  # invalid character in checksum
    "A1G7SGD8",  # checksum calculated with uppercase form of HRP
    "10a06t8",  # empty HRP
    "1qzzfhee",  # empty HRP
]


@pytest.mark.parametrize("text", BIP173_VALID)
def test_bech32_bip173_valid(text: str) -> None:
    hrp, data = bech32.decode(text)
    upper = text.upper() == text and text.lower() != text
    assert bech32.encode(hrp.upper() if upper else hrp, data) == text


@pytest.mark.parametrize("text", BIP173_INVALID)
def test_bech32_bip173_invalid(text: str) -> None:
    with pytest.raises(InvalidAgeKey):
        bech32.decode(text)


# -- errors ---------------------------------------------------------------------------------------


def test_user_messages_are_one_sentence_and_details_stay_technical() -> None:
    errors: list[AgeError | IncorrectIdentity] = []
    for data in (b"", b"age-encryption.org/v1\n", encrypt_bytes(b"x", [IDENTITY.recipient()])):
        try:
            decrypt_bytes(data, [X25519Identity.generate()])
        except (AgeError, IncorrectIdentity) as exc:
            errors.append(exc)
    assert len(errors) == 3
    for error in errors:
        message = str(error)
        assert message == error.user_message
        assert message.endswith(".") and message.count(". ") == 0 and "\n" not in message
