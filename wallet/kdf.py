"""Password to key: the versioned, calibrated password KDF.

Owns :class:`KdfParams` (algorithm, salt and cost, serialised with a version), the calibration of
Argon2id on this machine, and :func:`derive_key`. The password is NFKC-normalised and UTF-8
encoded here, once, so every caller derives the same key from what the user typed on any keyboard.

Versions follow Electrum's ``crypto.py`` idea: :data:`LATEST_VERSION` is what new files get,
:data:`KNOWN_VERSIONS` every version ever defined, :data:`SUPPORTED_VERSIONS` what this program
still reads. Version 1: NFKC + UTF-8 password, 32-byte output, ``argon2id`` (RFC 9106, via
``cryptography``) or ``scrypt`` (RFC 7914, read-only fallback when the OpenSSL build lacks
Argon2).

Must not import Qt or any ``wallet`` module but ``errors``. Never logs, stores or returns the
password.

Security notes: cost parameters read from a file are untrusted. :meth:`KdfParams.from_json`
refuses memory, time and lane counts above fixed caps, so a hostile or damaged file can neither
exhaust memory nor hang the program; it also refuses parameters too small to be Argon2 at all.
The cheap :meth:`KdfParams.fast_for_tests` set exists for tests and for an explicit opt-in
(:data:`INSECURE_FAST_KDF_ENV`); nothing selects it by default. The derived key is returned as
``bytes`` by :func:`derive_key`; :func:`derive_key_into` writes it into a caller's ``bytearray``
so it can be zeroed after use. The password itself is a ``str`` and cannot be wiped by Python.
"""

from __future__ import annotations

import base64
import binascii
import math
import os
import secrets
import time
import unicodedata
from dataclasses import dataclass, replace
from typing import Any, Final

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from wallet.errors import CorruptData, UnsupportedFormat, WalletValueError

__all__ = [
    "INSECURE_FAST_KDF_ENV",
    "KEY_LENGTH",
    "KNOWN_VERSIONS",
    "LATEST_VERSION",
    "SUPPORTED_VERSIONS",
    "KdfParams",
    "KdfParamsRejected",
    "calibrate",
    "derive_key",
    "derive_key_into",
    "insecure_fast_kdf_requested",
    "params_for_new_keystore",
]

LATEST_VERSION: Final = 1
KNOWN_VERSIONS: Final = frozenset({1})
SUPPORTED_VERSIONS: Final = frozenset({1})

ARGON2ID: Final = "argon2id"
SCRYPT: Final = "scrypt"
ALGORITHMS: Final = frozenset({ARGON2ID, SCRYPT})

KEY_LENGTH: Final = 32
SALT_LENGTH: Final = 16
INSECURE_FAST_KDF_ENV: Final = "PATIENT_WALLET_INSECURE_FAST_KDF"

# Starting point of calibration: RFC 9106 section 4, second recommended option.
BASELINE_MEMORY_KIB: Final = 64 * 1024
BASELINE_ITERATIONS: Final = 3
BASELINE_LANES: Final = 4
CALIBRATION_MAX_MEMORY_KIB: Final = 256 * 1024
CALIBRATION_TRIALS: Final = 4

# Caps on what a file may ask for (hostile-file guard), and floors below which it is not Argon2.
MAX_MEMORY_KIB: Final = 1024 * 1024  # 1 GiB
MAX_ITERATIONS: Final = 64
MAX_LANES: Final = 8
MAX_WORK_KIB_PASSES: Final = 4 * 1024 * 1024  # memory x iterations: 4 GiB-passes, a few seconds
MAX_SCRYPT_LOG2_N: Final = 20
MAX_SCRYPT_R: Final = 32
MAX_SCRYPT_P: Final = 16
MAX_SCRYPT_MEMORY: Final = 1024 * 1024 * 1024  # 128 * n * r bytes
MAX_SALT_LENGTH: Final = 64

_ARGON2_FIELDS: Final = frozenset(
    {"version", "algorithm", "salt", "memory_kib", "iterations", "lanes"}
)
_SCRYPT_FIELDS: Final = frozenset({"version", "algorithm", "salt", "log2_n", "r", "p"})


class KdfParamsRejected(CorruptData):
    """KDF parameters from a file are malformed or ask for more work than this program allows."""


def _check_version(version: int) -> None:
    if version not in KNOWN_VERSIONS:
        raise UnsupportedFormat(
            f"The key file uses KDF version {version}, which this program does not know; "
            "it was probably written by a newer version."
        )
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedFormat(f"KDF version {version} is no longer supported by this program.")


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64decode(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise KdfParamsRejected(f"The key file's {what} is not text; the file is damaged.")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise KdfParamsRejected(
            f"The key file's {what} is not valid base64; it is damaged."
        ) from exc


def _int_field(data: dict[str, Any], name: str) -> int:
    value = data.get(name)
    if type(value) is not int:  # bool is an int subclass: refuse it too
        raise KdfParamsRejected(f"The key file's KDF field '{name}' is missing or not a number.")
    return value


@dataclass(frozen=True)
class KdfParams:
    """Everything needed to re-derive a key from a password, except the password.

    ``argon2id`` uses ``memory_kib``, ``iterations`` and ``lanes``; ``scrypt`` uses ``log2_n``,
    ``r`` and ``p``. The fields of the other algorithm are 0. Construct through
    :func:`calibrate`, :meth:`argon2id`, :meth:`from_json` or :meth:`fast_for_tests`; the
    constructor checks the values against the same caps as a file.
    """

    version: int
    algorithm: str
    salt: bytes
    memory_kib: int = 0
    iterations: int = 0
    lanes: int = 0
    log2_n: int = 0
    r: int = 0
    p: int = 0

    def __post_init__(self) -> None:
        _check_version(self.version)
        if self.algorithm not in ALGORITHMS:
            raise UnsupportedFormat(
                f"The key file uses the password KDF '{self.algorithm[:32]}', "
                "which this program does not support."
            )
        if not SALT_LENGTH <= len(self.salt) <= MAX_SALT_LENGTH:
            raise KdfParamsRejected(
                f"The key file's salt has {len(self.salt)} bytes; "
                f"{SALT_LENGTH} to {MAX_SALT_LENGTH} are allowed."
            )
        if self.algorithm == ARGON2ID:
            self._check_argon2id()
        else:
            self._check_scrypt()

    def _check_argon2id(self) -> None:
        if self.log2_n or self.r or self.p:
            raise KdfParamsRejected("The key file mixes Argon2id and scrypt settings.")
        if not 1 <= self.lanes <= MAX_LANES:
            raise KdfParamsRejected(
                f"The key file asks for {self.lanes} Argon2 lanes; 1 to 8 are allowed."
            )
        if not 1 <= self.iterations <= MAX_ITERATIONS:
            raise KdfParamsRejected(
                f"The key file asks for {self.iterations} Argon2 passes; 1 to {MAX_ITERATIONS} "
                "are allowed."
            )
        if not 8 * self.lanes <= self.memory_kib <= MAX_MEMORY_KIB:
            raise KdfParamsRejected(
                f"The key file asks for {self.memory_kib} KiB of Argon2 memory; "
                f"at most {MAX_MEMORY_KIB // 1024} MiB is allowed."
            )
        if self.memory_kib * self.iterations > MAX_WORK_KIB_PASSES:
            raise KdfParamsRejected(
                "The key file asks for more password-hashing work than this program allows."
            )

    def _check_scrypt(self) -> None:
        if self.memory_kib or self.iterations or self.lanes:
            raise KdfParamsRejected("The key file mixes Argon2id and scrypt settings.")
        if not 10 <= self.log2_n <= MAX_SCRYPT_LOG2_N:
            raise KdfParamsRejected(
                f"The key file asks for scrypt N = 2^{self.log2_n}; 2^10 to "
                f"2^{MAX_SCRYPT_LOG2_N} are allowed."
            )
        if not 1 <= self.r <= MAX_SCRYPT_R or not 1 <= self.p <= MAX_SCRYPT_P:
            raise KdfParamsRejected("The key file's scrypt r or p is out of the allowed range.")
        if 128 * (1 << self.log2_n) * self.r > MAX_SCRYPT_MEMORY:
            raise KdfParamsRejected(
                "The key file asks for more scrypt memory than this program allows."
            )

    # -- named constructors --------------------------------------------------------------------

    @classmethod
    def argon2id(
        cls,
        *,
        memory_kib: int = BASELINE_MEMORY_KIB,
        iterations: int = BASELINE_ITERATIONS,
        lanes: int = BASELINE_LANES,
        salt: bytes | None = None,
    ) -> KdfParams:
        """Argon2id parameters with a fresh random salt unless one is given."""
        return cls(
            version=LATEST_VERSION,
            algorithm=ARGON2ID,
            salt=secrets.token_bytes(SALT_LENGTH) if salt is None else salt,
            memory_kib=memory_kib,
            iterations=iterations,
            lanes=lanes,
        )

    @classmethod
    def scrypt(cls, *, log2_n: int = 17, r: int = 8, p: int = 1) -> KdfParams:
        """scrypt parameters with a fresh salt (fallback when Argon2id is unavailable)."""
        return cls(
            version=LATEST_VERSION,
            algorithm=SCRYPT,
            salt=secrets.token_bytes(SALT_LENGTH),
            log2_n=log2_n,
            r=r,
            p=p,
        )

    @classmethod
    def fast_for_tests(cls) -> KdfParams:
        """INSECURE: a millisecond Argon2id for tests and the explicit fast-KDF opt-in only."""
        return cls.argon2id(memory_kib=8, iterations=1, lanes=1)

    def with_fresh_salt(self) -> KdfParams:
        """The same cost and algorithm under a new random salt (every keystore write uses one)."""
        return replace(self, salt=secrets.token_bytes(SALT_LENGTH))

    @property
    def is_weak(self) -> bool:
        """True when the cost is below the calibration baseline (e.g. the test parameters)."""
        if self.algorithm == ARGON2ID:
            return self.memory_kib * self.iterations < BASELINE_MEMORY_KIB * BASELINE_ITERATIONS
        return 128 * (1 << self.log2_n) * self.r < 128 * (1 << 17) * 8

    # -- serialisation -------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The JSON object stored in a keystore (salt in base64); round-trips through from_json."""
        out: dict[str, Any] = {
            "version": self.version,
            "algorithm": self.algorithm,
            "salt": _b64encode(self.salt),
        }
        if self.algorithm == ARGON2ID:
            out.update(memory_kib=self.memory_kib, iterations=self.iterations, lanes=self.lanes)
        else:
            out.update(log2_n=self.log2_n, r=self.r, p=self.p)
        return out

    @classmethod
    def from_json(cls, data: object) -> KdfParams:
        """Parse untrusted parameters: UnsupportedFormat for unknown versions or algorithms,
        :class:`KdfParamsRejected` (a CorruptData) for malformed or excessive values."""
        if not isinstance(data, dict):
            raise KdfParamsRejected("The key file's KDF settings are not an object; it is damaged.")
        version = _int_field(data, "version")
        _check_version(version)
        algorithm = data.get("algorithm")
        if not isinstance(algorithm, str):
            raise KdfParamsRejected("The key file does not name its password KDF.")
        if algorithm not in ALGORITHMS:
            raise UnsupportedFormat(
                f"The key file uses the password KDF '{algorithm[:32]}', "
                "which this program does not support."
            )
        expected = _ARGON2_FIELDS if algorithm == ARGON2ID else _SCRYPT_FIELDS
        if set(data) != expected:
            raise KdfParamsRejected("The key file's KDF settings have unexpected fields.")
        salt = _b64decode(data["salt"], "KDF salt")
        if algorithm == ARGON2ID:
            return cls(
                version=version,
                algorithm=algorithm,
                salt=salt,
                memory_kib=_int_field(data, "memory_kib"),
                iterations=_int_field(data, "iterations"),
                lanes=_int_field(data, "lanes"),
            )
        return cls(
            version=version,
            algorithm=algorithm,
            salt=salt,
            log2_n=_int_field(data, "log2_n"),
            r=_int_field(data, "r"),
            p=_int_field(data, "p"),
        )

    def __repr__(self) -> str:
        cost = (
            f"memory_kib={self.memory_kib}, iterations={self.iterations}, lanes={self.lanes}"
            if self.algorithm == ARGON2ID
            else f"log2_n={self.log2_n}, r={self.r}, p={self.p}"
        )
        return f"KdfParams(version={self.version}, algorithm={self.algorithm!r}, {cost})"


def _password_bytes(password: str) -> bytes:
    if not isinstance(password, str):
        raise WalletValueError("The password must be text.")
    return unicodedata.normalize("NFKC", password).encode("utf-8")


def derive_key_into(password: str, params: KdfParams, out: bytearray) -> None:
    """Derive the 32-byte key into ``out`` (a ``bytearray`` of length 32 the caller zeroes)."""
    if len(out) != KEY_LENGTH:
        raise WalletValueError("The key buffer must be 32 bytes.")
    material = _password_bytes(password)
    if params.algorithm == ARGON2ID:
        Argon2id(
            salt=params.salt,
            length=KEY_LENGTH,
            iterations=params.iterations,
            lanes=params.lanes,
            memory_cost=params.memory_kib,
        ).derive_into(material, out)
    else:
        Scrypt(
            salt=params.salt, length=KEY_LENGTH, n=1 << params.log2_n, r=params.r, p=params.p
        ).derive_into(material, out)


def derive_key(password: str, params: KdfParams) -> bytes:
    """The 32-byte key for ``password`` under ``params`` (prefer :func:`derive_key_into`)."""
    out = bytearray(KEY_LENGTH)
    derive_key_into(password, params, out)
    return bytes(out)


def _argon2id_available() -> bool:
    try:
        Argon2id(salt=b"\0" * SALT_LENGTH, length=KEY_LENGTH, iterations=1, lanes=1, memory_cost=8)
    except UnsupportedAlgorithm:
        return False
    return True


def _measure(params: KdfParams) -> float:
    start = time.perf_counter()
    derive_key("calibration", params)
    return time.perf_counter() - start


def _scaled(params: KdfParams, factor: float) -> KdfParams:
    """Raise the cost by ``factor``: memory first (up to the calibration cap), then passes."""
    if params.algorithm == SCRYPT:
        steps = max(1, math.ceil(math.log2(factor)))
        return replace(params, log2_n=min(MAX_SCRYPT_LOG2_N, params.log2_n + steps))
    memory = min(CALIBRATION_MAX_MEMORY_KIB, int(params.memory_kib * factor) // 1024 * 1024)
    memory = max(memory, params.memory_kib)
    left = factor * params.memory_kib / memory
    iterations = max(params.iterations, math.ceil(params.iterations * left - 0.05))
    if memory == params.memory_kib and iterations == params.iterations:
        iterations += 1
    iterations = min(iterations, MAX_WORK_KIB_PASSES // memory)
    return replace(params, memory_kib=memory, iterations=iterations)


def calibrate(target_seconds: float = 0.3) -> KdfParams:
    """Argon2id parameters (fresh 16-byte salt) that take at least ``target_seconds`` here.

    Starts from RFC 9106's 64 MiB / 3 passes / 4 lanes and never goes below it; while a trial
    derivation is faster than the target, raises memory (up to 256 MiB), then passes, in
    proportion to the shortfall. At most four short trials, so calibration itself stays well
    under a couple of seconds. Falls back to scrypt (N = 2^17 and up) when the OpenSSL build has
    no Argon2.
    """
    if not 0 < target_seconds <= 10:
        raise WalletValueError("The KDF target time must be between 0 and 10 seconds.")
    params = KdfParams.argon2id() if _argon2id_available() else KdfParams.scrypt()
    for _ in range(CALIBRATION_TRIALS):
        elapsed = _measure(params)
        if elapsed >= target_seconds:
            return params.with_fresh_salt()
        raised = _scaled(params, 1.1 * target_seconds / max(elapsed, 1e-3))
        if raised == params:  # at the caps: the best this machine is allowed
            break
        params = raised
    return params.with_fresh_salt()


def insecure_fast_kdf_requested() -> bool:
    """True when the user set ``PATIENT_WALLET_INSECURE_FAST_KDF=1`` (the CLI must warn)."""
    return os.environ.get(INSECURE_FAST_KDF_ENV) == "1"


def params_for_new_keystore() -> KdfParams:
    """Calibrated parameters, or the insecure fast set when explicitly requested by env var."""
    if insecure_fast_kdf_requested():
        return KdfParams.fast_for_tests()
    return calibrate()
