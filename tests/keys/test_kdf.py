"""The password KDF: parameter serialisation, hostile-file caps, normalisation, calibration."""

from __future__ import annotations

import time
from typing import Any

import pytest

from wallet import kdf
from wallet.errors import CorruptData, UnsupportedFormat, WalletValueError
from wallet.kdf import (
    LATEST_VERSION,
    KdfParams,
    KdfParamsRejected,
    calibrate,
    derive_key,
    derive_key_into,
    params_for_new_keystore,
)

SALT = bytes(range(16))


def _fast(**changes: Any) -> dict[str, Any]:
    data = KdfParams.argon2id(memory_kib=8, iterations=1, lanes=1, salt=SALT).to_json()
    data.update(changes)
    return data


def test_json_round_trip_both_algorithms() -> None:
    for params in (KdfParams.fast_for_tests(), KdfParams.argon2id(), KdfParams.scrypt()):
        assert KdfParams.from_json(params.to_json()) == params
    assert _fast() == {
        "version": 1,
        "algorithm": "argon2id",
        "salt": "AAECAwQFBgcICQoLDA0ODw==",
        "memory_kib": 8,
        "iterations": 1,
        "lanes": 1,
    }


def test_known_answer_argon2id_and_nfkc() -> None:
    # Pins version 1: NFKC + UTF-8 password, Argon2id, 32 bytes; a change would break old files.
    params = KdfParams.from_json(_fast())
    key = derive_key("pa\u0301ss\ufb01", params)  # decomposed á and the "fi" ligature
    assert key == derive_key("p\u00e1ssfi", params)
    assert key.hex() == KNOWN_ARGON2ID_KEY
    assert derive_key("p\u00e1ssfj", params) != key


def test_known_answer_scrypt() -> None:
    params = KdfParams.from_json(
        {
            "version": 1,
            "algorithm": "scrypt",
            "salt": "AAECAwQFBgcICQoLDA0ODw==",
            "log2_n": 10,
            "r": 8,
            "p": 1,
        }
    )
    assert derive_key("password", params).hex() == KNOWN_SCRYPT_KEY


def test_derive_key_into_fills_the_buffer() -> None:
    params = KdfParams.from_json(_fast())
    out = bytearray(32)
    derive_key_into("x", params, out)
    assert bytes(out) == derive_key("x", params)
    with pytest.raises(WalletValueError):
        derive_key_into("x", params, bytearray(16))


def test_salt_changes_the_key() -> None:
    a = KdfParams.fast_for_tests()
    assert derive_key("pw", a) != derive_key("pw", a.with_fresh_salt())


@pytest.mark.parametrize(
    "changes",
    [
        {"version": 2},
        {"version": 99},
        {"algorithm": "pbkdf2"},
        {"algorithm": "argon2i"},
    ],
)
def test_unknown_version_or_algorithm_is_unsupported(changes: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedFormat):
        KdfParams.from_json(_fast(**changes))


@pytest.mark.parametrize(
    "changes",
    [
        {"memory_kib": 64 * 1024 * 1024},  # 64 GiB
        {"memory_kib": 1024 * 1024 + 1},
        {"iterations": 10_000},
        {"memory_kib": 1024 * 1024, "iterations": 5},  # under each cap, over the work cap
        {"lanes": 64},
        {"lanes": 0},
        {"iterations": 0},
        {"memory_kib": 4},  # below Argon2's 8 KiB per lane
        {"memory_kib": -1},
        {"memory_kib": "65536"},
        {"memory_kib": 1.5},
        {"iterations": True},
        {"salt": "AAAA"},  # 3 bytes
        {"salt": "not base64!"},
        {"salt": 12},
        {"extra": 1},
        {"log2_n": 14},  # scrypt field on argon2id
    ],
)
def test_hostile_or_malformed_params_are_refused_fast(changes: dict[str, Any]) -> None:
    start = time.perf_counter()
    with pytest.raises(KdfParamsRejected) as caught:
        KdfParams.from_json(_fast(**changes))
    assert isinstance(caught.value, CorruptData)
    assert caught.value.user_message.endswith(".")
    assert time.perf_counter() - start < 0.1


@pytest.mark.parametrize(
    "changes", [{"log2_n": 21}, {"log2_n": 9}, {"r": 64}, {"p": 0}, {"log2_n": 20, "r": 16}]
)
def test_hostile_scrypt_params_are_refused(changes: dict[str, Any]) -> None:
    data = {
        "version": 1,
        "algorithm": "scrypt",
        "salt": "AAECAwQFBgcICQoLDA0ODw==",
        "log2_n": 10,
        "r": 8,
        "p": 1,
    }
    data.update(changes)
    with pytest.raises(KdfParamsRejected):
        KdfParams.from_json(data)


@pytest.mark.parametrize("data", [None, [], "argon2id", {"algorithm": "argon2id"}])
def test_non_objects_are_refused(data: object) -> None:
    with pytest.raises(CorruptData):
        KdfParams.from_json(data)


def test_repr_has_no_salt() -> None:
    params = KdfParams.from_json(_fast())
    assert "salt" not in repr(params)
    assert "AAEC" not in repr(params)


def test_weak_flag() -> None:
    assert KdfParams.fast_for_tests().is_weak
    assert not KdfParams.argon2id().is_weak


def test_fast_params_only_by_explicit_env(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[float] = []
    monkeypatch.setattr(
        kdf, "calibrate", lambda target=0.3: called.append(target) or KdfParams.argon2id()
    )
    monkeypatch.delenv(kdf.INSECURE_FAST_KDF_ENV, raising=False)
    assert not params_for_new_keystore().is_weak
    assert called == [0.3]
    monkeypatch.setenv(kdf.INSECURE_FAST_KDF_ENV, "yes")  # only exactly "1" counts
    assert not params_for_new_keystore().is_weak
    monkeypatch.setenv(kdf.INSECURE_FAST_KDF_ENV, "1")
    assert params_for_new_keystore().is_weak
    assert len(called) == 2


def test_calibration_scaling_never_lowers_cost() -> None:
    base = KdfParams.argon2id()
    raised = kdf._scaled(base, 3.0)
    assert raised.memory_kib == 192 * 1024
    assert raised.iterations == base.iterations
    capped = kdf._scaled(base, 10.0)
    assert capped.memory_kib == kdf.CALIBRATION_MAX_MEMORY_KIB
    assert capped.iterations > base.iterations
    assert kdf._scaled(base, 1.0001).iterations == base.iterations + 1


def test_calibrate_reaches_the_target() -> None:
    """The one slow test: calibration plus one measured derivation (about a second)."""
    start = time.perf_counter()
    params = calibrate(0.3)
    spent = time.perf_counter() - start
    assert params.algorithm == "argon2id"
    assert params.version == LATEST_VERSION
    assert len(params.salt) == 16
    assert params.memory_kib >= 64 * 1024
    assert 1 <= params.lanes <= 4
    start = time.perf_counter()
    derive_key("correct horse battery staple", params)
    assert time.perf_counter() - start >= 0.25
    assert spent < 6.0


# Cross-checked when written: argon2-cffi 25.1.0 (libargon2 reference code) hash_secret_raw(type=ID)
# and hashlib.scrypt give the same bytes.
KNOWN_ARGON2ID_KEY = "7d1c307e148cbacd2d6d82168d0711a772ddf362bd4fc992dfbeb11f7976f6ab"
KNOWN_SCRYPT_KEY = "3a7c0782a4dbdf543acd7c522fe853d9b34abb8af27a5c6597488cdf228140b5"
