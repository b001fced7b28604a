"""A small Bech32 codec (BIP-173) as age uses it for keys: no 90-character limit.

Owns turning a human-readable prefix and bytes into a Bech32 string and back (age recipients are
``age1...`` in lower case, identities ``AGE-SECRET-KEY-1...`` in upper case). Bech32 is an
encoding with a checksum, not cryptography; it follows the BIP-173 reference closely and is held
to BIP-173's valid and invalid test strings in the tests.

Must not import anything from ``wallet`` except ``wallet.age.errors``. Security note: decoding
secret keys must not leak them into error messages; errors here carry no input text.
"""

from __future__ import annotations

from wallet.age.errors import InvalidAgeKey

__all__ = ["decode", "encode"]

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_CHARSET_REV = {c: i for i, c in enumerate(_CHARSET)}
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            if (top >> i) & 1:
                chk ^= _GENERATOR[i]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: bytes | list[int], from_bits: int, to_bits: int, pad: bool) -> list[int]:
    acc = 0
    bits = 0
    out: list[int] = []
    max_value = (1 << to_bits) - 1
    for value in data:
        if value < 0 or value >> from_bits:
            raise InvalidAgeKey("bech32: value out of range")
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & max_value)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & max_value)
    elif bits >= from_bits or ((acc << (to_bits - bits)) & max_value):
        raise InvalidAgeKey("bech32: invalid padding")
    return out


def encode(hrp: str, data: bytes) -> str:
    """Encode ``data`` under ``hrp``; the result has the (unmixed) case of ``hrp``."""
    if not hrp or any(ord(c) < 33 or ord(c) > 126 for c in hrp):
        raise InvalidAgeKey("bech32: invalid human-readable part")
    if hrp.lower() != hrp and hrp.upper() != hrp:
        raise InvalidAgeKey("bech32: mixed-case human-readable part")
    upper = hrp.upper() == hrp and hrp.lower() != hrp
    lower_hrp = hrp.lower()
    values = _convert_bits(data, 8, 5, pad=True)
    polymod = _polymod([*_hrp_expand(lower_hrp), *values, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    text = lower_hrp + "1" + "".join(_CHARSET[v] for v in values + checksum)
    return text.upper() if upper else text


def decode(text: str) -> tuple[str, bytes]:
    """Decode a Bech32 string into (human-readable part in lower case, data bytes)."""
    if any(ord(c) < 33 or ord(c) > 126 for c in text):
        raise InvalidAgeKey("bech32: invalid character")
    lower = text.lower()
    if lower != text and text.upper() != text:
        raise InvalidAgeKey("bech32: mixed case")
    pos = lower.rfind("1")
    if pos < 1 or pos + 7 > len(lower):
        raise InvalidAgeKey("bech32: separator misplaced")
    hrp = lower[:pos]
    try:
        values = [_CHARSET_REV[c] for c in lower[pos + 1 :]]
    except KeyError:
        raise InvalidAgeKey("bech32: invalid data character") from None
    if _polymod([*_hrp_expand(hrp), *values]) != 1:
        raise InvalidAgeKey("bech32: invalid checksum")
    return hrp, bytes(_convert_bits(values[:-6], 5, 8, pad=False))
