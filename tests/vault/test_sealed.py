"""The sealed index-field codec: round trips, binding to the row, failure only as CorruptData."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wallet.errors import CorruptData, WalletValueError
from wallet.vault.sealed import (
    PAD_BLOCK,
    SealedFields,
    open_key_check,
    seal_fields,
    seal_key_check,
    unseal_fields,
)

KEY = bytes(range(32))
RID = "0123456789abcdef0123456789abcdef"

titles = st.text(
    alphabet=st.characters(blacklist_categories=["Cc", "Cs"]), min_size=1, max_size=500
)
fields_strategy = st.builds(
    SealedFields,
    title=titles,
    media_type=st.sampled_from(["application/pdf", "image/png", "application/fhir+json"]),
    size=st.integers(min_value=0, max_value=2**63 - 1),
    sha256=st.binary(min_size=32, max_size=32).map(bytes.hex),
    created_at=st.datetimes(
        min_value=datetime(1970, 1, 1),
        max_value=datetime(9999, 1, 1),
        timezones=st.just(UTC),
    ),
    source_name=st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
        max_size=200,
    ),
)


def sample() -> SealedFields:
    return SealedFields(
        title="Blood test",
        media_type="application/pdf",
        size=1234,
        sha256="ab" * 32,
        created_at=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
        source_name="blood.pdf",
    )


@settings(max_examples=150, deadline=None)
@given(fields=fields_strategy, version=st.integers(min_value=1, max_value=2**31))
def test_round_trip(fields: SealedFields, version: int) -> None:
    blob = seal_fields(KEY, RID, version, fields)
    assert unseal_fields(KEY, RID, version, blob) == fields
    assert (len(blob) - 1 - 12 - 16) % PAD_BLOCK == 0


@settings(max_examples=300, deadline=None)
@given(blob=st.binary(max_size=300), version=st.integers(min_value=0, max_value=10))
def test_random_bytes_raise_only_corrupt_data(blob: bytes, version: int) -> None:
    with pytest.raises(CorruptData):
        unseal_fields(KEY, RID, version, blob)
    with pytest.raises(CorruptData):
        open_key_check(KEY, blob)


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0), bit=st.integers(min_value=0, max_value=7))
def test_any_flipped_bit_is_detected(position: int, bit: int) -> None:
    blob = bytearray(seal_fields(KEY, RID, 1, sample()))
    blob[position % len(blob)] ^= 1 << bit
    with pytest.raises(CorruptData):
        unseal_fields(KEY, RID, 1, bytes(blob))


def test_blob_is_bound_to_record_id_version_and_key() -> None:
    blob = seal_fields(KEY, RID, 3, sample())
    other_id = "f" * 32
    for record_id, version, key in [(other_id, 3, KEY), (RID, 2, KEY), (RID, 3, os.urandom(32))]:
        with pytest.raises(CorruptData, match="cannot be read with this wallet's keys"):
            unseal_fields(key, record_id, version, blob)


def test_fresh_nonce_every_seal_and_no_plaintext_in_blob() -> None:
    first = seal_fields(KEY, RID, 1, sample())
    second = seal_fields(KEY, RID, 1, sample())
    assert first != second
    assert first[1:13] != second[1:13]
    for needle in (b"Blood", b"blood.pdf", b"application/pdf", b"ab" * 8):
        assert needle not in first


def test_padding_hides_small_differences_in_title_length() -> None:
    short = seal_fields(KEY, RID, 1, sample())
    longer = seal_fields(
        KEY, RID, 1, SealedFields(**{**sample().__dict__, "title": "Blood test 2"})
    )
    assert len(short) == len(longer)


def test_key_check_round_trip_and_wrong_key() -> None:
    blob = seal_key_check(KEY, "age1owner")
    assert open_key_check(KEY, blob) == "age1owner"
    with pytest.raises(CorruptData):
        open_key_check(os.urandom(32), blob)
    with pytest.raises(CorruptData):  # a row blob is not a key check, even with the right key
        open_key_check(KEY, seal_fields(KEY, RID, 1, sample()))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "title"),
        ({"title": "a\nb"}, "title"),
        ({"title": "x" * 501}, "title"),
        ({"title": "bad \udcff name"}, "title"),
        ({"source_name": "bad \udcff name"}, "source file name"),
        ({"media_type": "pdf"}, "media type"),
        ({"size": -1}, "size"),
        ({"size": True}, "size"),
        ({"sha256": "AB" * 32}, "hash"),
        ({"created_at": datetime(2026, 1, 1)}, "UTC"),
        ({"created_at": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(0)}, None),
    ],
)
def test_field_validation(change: dict[str, object], message: str | None) -> None:
    values = {**sample().__dict__, **change}
    if message is None:
        SealedFields(**values)  # type: ignore[arg-type]
        return
    with pytest.raises(WalletValueError, match=message):
        SealedFields(**values)  # type: ignore[arg-type]


def test_wrong_key_size_is_a_value_error() -> None:
    with pytest.raises(WalletValueError, match="32 bytes"):
        seal_fields(b"short", RID, 1, sample())
