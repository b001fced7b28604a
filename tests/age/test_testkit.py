"""Every C2SP/CCTV age test vector, with its failure class (tests/vectors/age, see SOURCES.md)."""

from __future__ import annotations

import hashlib
import io

import pytest

from tests.age.testkit import Vector, all_vectors
from wallet.age import (
    AgeArmorError,
    AgeError,
    AgeHeaderError,
    AgeHmacError,
    AgePayloadError,
    ArmoredReader,
    IncorrectIdentity,
    ScryptIdentity,
    X25519Identity,
    armor_encode,
    decrypt_payload,
    decrypt_stream,
    encrypt_payload,
    parse_header,
    read_header,
    unwrap_file_key,
)
from wallet.age.format import encode_header
from wallet.age.protocols import Identity

PQ_PREFIX = "AGE-SECRET-KEY-PQ-1"
_PQ_REASON = "mlkem768x25519 (post-quantum hybrid) recipients are not implemented"
#: Vectors skipped because every identity in them is of a type we do not implement.
SKIPPED_VECTORS: dict[str, str] = {
    name: _PQ_REASON
    for name in [
        "armor_hybrid",
        "hybrid",
        "hybrid_and_x25519",
        "hybrid_bad_tag",
        "hybrid_currupted_enc_mlkem",
        "hybrid_currupted_enc_x25519",
        "hybrid_extra_argument",
        "hybrid_grease",
        "hybrid_identity",
        "hybrid_long_file_key",
        "hybrid_long_share",
        "hybrid_low_order",
        "hybrid_multiple_recipients",
        "hybrid_no_match",
        "hybrid_not_canonical_body",
        "hybrid_not_canonical_enc",
        "hybrid_short_share",
        "hybrid_uppercase",
    ]
}

VECTORS = all_vectors()

EXPECTED_ERROR: dict[str, type[Exception]] = {
    "header failure": AgeHeaderError,
    "HMAC failure": AgeHmacError,
    "payload failure": AgePayloadError,
    "armor failure": AgeArmorError,
    "no match": IncorrectIdentity,
}
# Classes that must NOT be what a given expectation raises (the kit's point: a lower-level error
# must not be masked by a higher-level one).
_ALL_CLASSES = (AgeHeaderError, AgeHmacError, AgePayloadError, AgeArmorError, IncorrectIdentity)


def _unimplemented(vector: Vector) -> bool:
    has_pq = any(i.startswith(PQ_PREFIX) for i in vector.identities)
    ours = [i for i in vector.identities if not i.startswith(PQ_PREFIX)] + vector.passphrases
    return has_pq and not ours


def _identities(vector: Vector) -> list[Identity]:
    ids: list[Identity] = [
        X25519Identity.from_string(i) for i in vector.identities if not i.startswith(PQ_PREFIX)
    ]
    ids += [ScryptIdentity(p.encode()) for p in vector.passphrases]
    if not ids:  # "empty" and "armor_empty" name no identity; any will do
        ids.append(X25519Identity.generate())
    return ids


def test_vector_corpus_is_complete() -> None:
    assert len(VECTORS) == 143
    assert {v.expect for v in VECTORS} == set(EXPECTED_ERROR) | {"success"}


def test_skipped_set_is_exactly_the_documented_one() -> None:
    assert {v.name for v in VECTORS if _unimplemented(v)} == set(SKIPPED_VECTORS)


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v.name)
def test_vector(vector: Vector) -> None:
    if vector.name in SKIPPED_VECTORS:
        pytest.skip(SKIPPED_VECTORS[vector.name])
    out = io.BytesIO()
    digest = hashlib.sha256()
    if vector.expect == "success":
        size = decrypt_stream(
            io.BytesIO(vector.body),
            out,
            _identities(vector),
            plaintext_hash=digest,
            armored=vector.armored,
        )
        assert size == len(out.getvalue())
        assert digest.hexdigest() == vector.payload_sha256
        assert hashlib.sha256(out.getvalue()).hexdigest() == vector.payload_sha256
        return
    expected = EXPECTED_ERROR[vector.expect]
    with pytest.raises(expected) as info:
        decrypt_stream(
            io.BytesIO(vector.body),
            out,
            _identities(vector),
            plaintext_hash=digest,
            armored=vector.armored,
        )
    for other in _ALL_CLASSES:
        if not issubclass(expected, other) and not issubclass(other, expected):
            assert not isinstance(info.value, other), (vector.name, repr(info.value))
    if vector.expect != "no match":
        assert isinstance(info.value, AgeError)
    if vector.payload_sha256 is not None:  # plaintext released before the failure
        assert digest.hexdigest() == vector.payload_sha256
        assert hashlib.sha256(out.getvalue()).hexdigest() == vector.payload_sha256
    else:
        assert out.getvalue() == b""


@pytest.mark.parametrize("vector", [v for v in VECTORS if v.armored], ids=lambda v: v.name)
def test_armor_detection_matches_the_kit(vector: Vector) -> None:
    """Auto-detection classifies every armored vector as armored, and gives the same result."""
    if vector.name in SKIPPED_VECTORS:
        pytest.skip(SKIPPED_VECTORS[vector.name])
    forced = _outcome(vector, armored=True)
    detected = _outcome(vector, armored=None)
    assert forced == detected


def _outcome(vector: Vector, armored: bool | None) -> tuple[str, bytes]:
    out = io.BytesIO()
    try:
        decrypt_stream(io.BytesIO(vector.body), out, _identities(vector), armored=armored)
    except (AgeError, IncorrectIdentity) as exc:
        return type(exc).__name__, out.getvalue()
    return "ok", out.getvalue()


@pytest.mark.parametrize(
    "vector",
    [v for v in VECTORS if v.armored and v.expect not in ("armor failure",)],
    ids=lambda v: v.name,
)
def test_armor_round_trip(vector: Vector) -> None:
    """Decoding then re-encoding the armor gives the file back (modulo CRLF and outer spaces)."""
    binary = ArmoredReader(io.BytesIO(vector.body)).read()
    canonical = vector.body.replace(b"\r\n", b"\n").strip() + b"\n"
    assert armor_encode(binary) == canonical


@pytest.mark.parametrize(
    "vector",
    [v for v in VECTORS if v.expect not in ("header failure", "armor failure")],
    ids=lambda v: v.name,
)
def test_header_round_trip(vector: Vector) -> None:
    """Every parsable header re-serialises to exactly the bytes read."""
    data = ArmoredReader(io.BytesIO(vector.body)).read() if vector.armored else vector.body
    header, offset = parse_header(data)
    assert header.raw == data[:offset]
    assert encode_header(header.stanzas, header.mac) == header.raw


@pytest.mark.parametrize(
    "vector", [v for v in VECTORS if v.expect == "success"], ids=lambda v: v.name
)
def test_stream_round_trip(vector: Vector) -> None:
    """The kit's file key re-encrypts the plaintext and the result decrypts to the same bytes."""
    if vector.name in SKIPPED_VECTORS:
        pytest.skip(SKIPPED_VECTORS[vector.name])
    data = ArmoredReader(io.BytesIO(vector.body)).read() if vector.armored else vector.body
    src = io.BytesIO(data)
    header = read_header(src)
    assert vector.file_key is not None
    assert unwrap_file_key(header, _identities(vector)) == vector.file_key
    plain = io.BytesIO()
    decrypt_payload(src, plain, vector.file_key)
    sealed = io.BytesIO()
    encrypt_payload(io.BytesIO(plain.getvalue()), sealed, vector.file_key)
    assert len(sealed.getvalue()) == len(data) - len(header.raw)
    again = io.BytesIO()
    decrypt_payload(io.BytesIO(sealed.getvalue()), again, vector.file_key)
    assert again.getvalue() == plain.getvalue()
