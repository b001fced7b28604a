"""Hypothesis properties: header and stanza round trips, STREAM round trips near chunk
boundaries, and damage (flips, truncations) only ever raising the typed age errors."""

from __future__ import annotations

import hashlib
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wallet.age import (
    CHUNK_SIZE,
    AgeError,
    IncorrectIdentity,
    Stanza,
    X25519Identity,
    decrypt_payload,
    decrypt_stream,
    encode_header,
    encrypt_payload,
    encrypt_stream,
    parse_header,
)
from wallet.age.format import b64decode_strict, b64encode_raw

IDENTITY = X25519Identity.generate()
FILE_KEY = bytes(range(16))

_vchar = st.characters(min_codepoint=33, max_codepoint=126)
_word = st.text(_vchar, min_size=1, max_size=12)
stanzas = st.builds(
    lambda t, a, b: Stanza(t, a, b),
    _word,
    st.lists(_word, max_size=4),
    st.binary(max_size=200),
)


@given(st.binary(max_size=300))
def test_base64_round_trip(data: bytes) -> None:
    assert b64decode_strict(b64encode_raw(data)) == data


@given(stanzas)
def test_stanza_round_trip(stanza: Stanza) -> None:
    header = encode_header([stanza], bytes(32))
    parsed, offset = parse_header(header)
    assert parsed.stanzas == [stanza]
    assert offset == len(header)


@given(st.lists(stanzas, max_size=5), st.binary(min_size=32, max_size=32), st.binary(max_size=20))
def test_header_parse_then_serialise_is_identity(
    items: list[Stanza], mac: bytes, payload: bytes
) -> None:
    header = encode_header(items, mac)
    parsed, offset = parse_header(header + payload)
    assert offset == len(header)
    assert parsed.raw == header
    assert parsed.mac == mac
    assert encode_header(parsed.stanzas, parsed.mac) == header


_boundary_sizes = st.one_of(
    st.integers(0, 300),
    st.integers(-40, 40).map(lambda d: max(0, CHUNK_SIZE + d)),
    st.integers(-40, 40).map(lambda d: max(0, 2 * CHUNK_SIZE + d)),
    st.integers(-40, 40).map(lambda d: max(0, 16 * CHUNK_SIZE + d)),  # one read batch
    st.integers(-40, 40).map(lambda d: max(0, 17 * CHUNK_SIZE + d)),
)


@settings(max_examples=40, deadline=None)
@given(_boundary_sizes, st.booleans())
def test_stream_round_trip(size: int, hashed: bool) -> None:
    plain = bytes(i % 251 for i in range(size))
    sealed = io.BytesIO()
    h1 = hashlib.sha256() if hashed else None
    assert encrypt_payload(io.BytesIO(plain), sealed, FILE_KEY, plaintext_hash=h1) == size
    chunks = max(1, -(-size // CHUNK_SIZE))
    assert len(sealed.getvalue()) == 16 + size + 16 * chunks
    out = io.BytesIO()
    h2 = hashlib.sha256() if hashed else None
    assert decrypt_payload(io.BytesIO(sealed.getvalue()), out, FILE_KEY, plaintext_hash=h2) == size
    assert out.getvalue() == plain
    if h1 is not None and h2 is not None:
        assert h1.digest() == h2.digest() == hashlib.sha256(plain).digest()


def _sealed(size: int) -> bytes:
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(bytes(size)), out, [IDENTITY.recipient()])
    return out.getvalue()


SAMPLES = {size: _sealed(size) for size in (0, 1, 1000, CHUNK_SIZE, CHUNK_SIZE + 5)}


def _decrypt_only_typed_errors(data: bytes) -> None:
    try:
        decrypt_stream(io.BytesIO(data), io.BytesIO(), [IDENTITY])
    except (AgeError, IncorrectIdentity):
        return


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SAMPLES)), st.data())
def test_byte_flip_raises_only_typed_errors(size: int, data: st.DataObject) -> None:
    sealed = bytearray(SAMPLES[size])
    index = data.draw(st.integers(0, len(sealed) - 1))
    sealed[index] ^= data.draw(st.integers(1, 255))
    try:
        decrypt_stream(io.BytesIO(bytes(sealed)), io.BytesIO(), [IDENTITY])
    except (AgeError, IncorrectIdentity):
        return
    raise AssertionError("an altered file decrypted")


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(SAMPLES)), st.data())
def test_truncation_raises_only_typed_errors(size: int, data: st.DataObject) -> None:
    sealed = SAMPLES[size]
    cut = data.draw(st.integers(0, len(sealed) - 1))
    try:
        decrypt_stream(io.BytesIO(sealed[:cut]), io.BytesIO(), [IDENTITY])
    except AgeError:
        return
    raise AssertionError("a truncated file decrypted")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(SAMPLES)), st.binary(min_size=1, max_size=70_000))
def test_appended_data_raises_only_typed_errors(size: int, extra: bytes) -> None:
    try:
        decrypt_stream(io.BytesIO(SAMPLES[size] + extra), io.BytesIO(), [IDENTITY])
    except AgeError:
        return
    raise AssertionError("a file with trailing data decrypted")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_random_input_raises_only_typed_errors(junk: bytes) -> None:
    _decrypt_only_typed_errors(junk)
    _decrypt_only_typed_errors(b"age-encryption.org/v1\n" + junk)
