"""The age v1 header grammar: stanzas, the header, strict base64, parse and serialise.

Owns the byte-exact text format of c2sp.org/age section "Header": the version line, recipient
stanzas (``-> type args...`` then a base64 body wrapped at 64 columns and ended by a short,
possibly empty, line) and the MAC line ``--- <base64 mac>``. Parsing is strict (canonical base64
without padding, no CR, no empty arguments), so parse-then-serialise is the identity and the MAC
is computed over the very bytes read.

Must not import Qt, the vault, or any cryptography: this module only reads and writes text.
Security notes: every read is bounded (line and header size caps below) so a hostile file cannot
make the parser allocate without limit; no ``assert`` guards input; every failure is a typed
:class:`~wallet.age.errors.AgeHeaderError` (or :class:`~wallet.age.errors.UnsupportedAge`).
"""

from __future__ import annotations

import binascii
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from wallet.age.errors import AgeHeaderError, AgeUsageError, UnsupportedAge

__all__ = [
    "COLUMNS_PER_LINE",
    "INTRO",
    "MAC_SIZE",
    "MAX_HEADER_SIZE",
    "MAX_LINE_SIZE",
    "Header",
    "Stanza",
    "b64decode_strict",
    "b64encode_raw",
    "encode_header",
    "encode_header_without_mac",
    "parse_header",
    "read_header",
]

INTRO = b"age-encryption.org/v1\n"
_STANZA_PREFIX = b"->"
_FOOTER_PREFIX = b"---"
COLUMNS_PER_LINE = 64
BYTES_PER_LINE = COLUMNS_PER_LINE // 4 * 3
MAC_SIZE = 32
#: Longest header line accepted (a post-quantum stanza's argument line is about 1.5 KB).
MAX_LINE_SIZE = 64 * 1024
#: Largest header accepted, all stanzas included.
MAX_HEADER_SIZE = 1024 * 1024

_B64_ALPHABET = re.compile(rb"[A-Za-z0-9+/]*")
_OTHER_VERSION = re.compile(rb"age-encryption\.org/[!-~]+\n")
_MAX_VERSION_LINE = 128


def b64encode_raw(data: bytes) -> str:
    """Standard base64 without padding, as age writes it."""
    return binascii.b2a_base64(data, newline=False).rstrip(b"=").decode("ascii")


def b64decode_strict(text: str | bytes) -> bytes:
    """Decode canonical unpadded standard base64; raise :class:`AgeHeaderError` otherwise."""
    raw = text.encode("ascii", "replace") if isinstance(text, str) else bytes(text)
    if not _B64_ALPHABET.fullmatch(raw) or len(raw) % 4 == 1:
        raise AgeHeaderError("invalid base64 (characters, padding or length)")
    try:
        decoded = binascii.a2b_base64(raw + b"=" * (-len(raw) % 4), strict_mode=True)
    except binascii.Error:
        raise AgeHeaderError("invalid base64") from None
    if b64encode_raw(decoded).encode("ascii") != raw:
        raise AgeHeaderError("non-canonical base64")
    return decoded


def _is_valid_string(value: str) -> bool:
    return bool(value) and all(33 <= ord(c) <= 126 for c in value)


@dataclass(frozen=True)
class Stanza:
    """One recipient stanza: a type, its arguments and an opaque body."""

    type: str
    args: list[str]
    body: bytes

    def __post_init__(self) -> None:
        if not _is_valid_string(self.type) or not all(_is_valid_string(a) for a in self.args):
            raise AgeUsageError("stanza type and arguments must be non-empty printable ASCII")

    def encode(self) -> bytes:
        """The stanza's exact header bytes, ending with its short (possibly empty) last line."""
        first = " ".join(["->", self.type, *self.args]).encode("ascii") + b"\n"
        body = b64encode_raw(self.body).encode("ascii")
        lines = [body[i : i + COLUMNS_PER_LINE] for i in range(0, len(body), COLUMNS_PER_LINE)]
        if not lines or len(lines[-1]) == COLUMNS_PER_LINE:
            lines.append(b"")
        return first + b"".join(line + b"\n" for line in lines)


@dataclass(frozen=True)
class Header:
    """A parsed header: its stanzas, its MAC, and the exact bytes read (through the MAC line)."""

    stanzas: list[Stanza]
    mac: bytes
    raw: bytes

    @property
    def mac_input(self) -> bytes:
        """The bytes the header MAC covers: everything up to and including ``---``."""
        start = self.raw.rindex(b"\n", 0, len(self.raw) - 1) + 1
        return self.raw[: start + len(_FOOTER_PREFIX)]


def encode_header_without_mac(stanzas: Sequence[Stanza]) -> bytes:
    """The header bytes the MAC covers: version line, stanzas, and ``---``."""
    return INTRO + b"".join(s.encode() for s in stanzas) + _FOOTER_PREFIX


def encode_header(stanzas: Sequence[Stanza], mac: bytes) -> bytes:
    """The full header, MAC line included."""
    if len(mac) != MAC_SIZE:
        raise AgeUsageError("header MAC must be 32 bytes")
    return encode_header_without_mac(stanzas) + b" " + b64encode_raw(mac).encode("ascii") + b"\n"


class _LineReader:
    """Reads bounded lines from ``src`` and keeps the exact bytes read."""

    def __init__(self, src: BinaryIO) -> None:
        self._src = src
        self.raw = bytearray()

    def line(self) -> bytes:
        budget = min(MAX_LINE_SIZE, MAX_HEADER_SIZE - len(self.raw))
        if budget <= 0:
            raise AgeHeaderError("header too large")
        data = self._src.readline(budget)
        self.raw += data
        if not data.endswith(b"\n"):
            if len(data) >= budget:
                raise AgeHeaderError("header line or header too long")
            raise AgeHeaderError("unexpected end of file in header")
        return data[:-1]


def _parse_stanza(first: bytes, lines: _LineReader) -> Stanza:
    parts = first.split(b" ")
    if parts[0] != _STANZA_PREFIX or len(parts) < 2:
        raise AgeHeaderError("malformed stanza line")
    try:
        words = [p.decode("ascii") for p in parts[1:]]
    except UnicodeDecodeError:
        raise AgeHeaderError("non-ASCII stanza argument") from None
    if not all(_is_valid_string(w) for w in words):
        raise AgeHeaderError("invalid stanza argument")
    body = bytearray()
    while True:
        line = lines.line()
        if len(line) > COLUMNS_PER_LINE:
            raise AgeHeaderError("stanza body line too long")
        body += b64decode_strict(line)
        if len(line) < COLUMNS_PER_LINE:
            return Stanza(words[0], words[1:], bytes(body))


def read_header(src: BinaryIO) -> Header:
    """Read and parse an age v1 header from ``src``, leaving it at the payload nonce.

    ``src`` must support ``readline(limit)`` that consumes exactly one line (buffered files,
    ``io.BytesIO`` and the armor reader do). Raises :class:`AgeHeaderError` or
    :class:`UnsupportedAge`.
    """
    lines = _LineReader(src)
    intro = src.readline(_MAX_VERSION_LINE)
    lines.raw += intro
    if intro != INTRO:
        if _OTHER_VERSION.fullmatch(intro):
            raise UnsupportedAge("unknown version line")
        raise AgeHeaderError("not an age v1 file (bad version line)")
    stanzas: list[Stanza] = []
    while True:
        line = lines.line()
        if line.startswith(_FOOTER_PREFIX):
            parts = line.split(b" ")
            if parts[0] != _FOOTER_PREFIX or len(parts) != 2:
                raise AgeHeaderError("malformed MAC line")
            mac = b64decode_strict(parts[1])
            if len(mac) != MAC_SIZE:
                raise AgeHeaderError("MAC has the wrong length")
            return Header(stanzas=stanzas, mac=mac, raw=bytes(lines.raw))
        if line.startswith(_STANZA_PREFIX):
            stanzas.append(_parse_stanza(line, lines))
            continue
        raise AgeHeaderError("unexpected line in header")


def parse_header(data: bytes) -> tuple[Header, int]:
    """Parse a header at the start of ``data``; return it and the offset of the payload."""
    buffer = io.BytesIO(data)
    header = read_header(buffer)
    return header, buffer.tell()
