"""The ASCII armor of age v1: strict PEM with type "AGE ENCRYPTED FILE", 64 columns, no headers.

Owns ``armor_encode`` (bytes to armored text), :class:`ArmoredReader` (a streaming, strict decoder
that the header parser and the payload decryptor read from like a file) and the detection rule
used by ``decrypt_stream`` (:func:`looks_armored`: a ``-----BEGIN`` line, in any case, near the
start of a file that is not binary age; a wrong-case or wrong-type line is then an armor
failure, not a header failure).

Rules, following the reference ``armor.go`` and the test kit: LF or CRLF line ends; no spaces
inside, before or after a line; canonical padded standard base64; every line 64 columns but the
last, which is shorter (or full, then followed directly by the END line); no empty lines; at most
1 KiB of whitespace before BEGIN and after END and nothing else.

Must not import Qt or the vault. Security notes: every line read is bounded, so garbage input
cannot make the reader allocate without limit; errors are :class:`AgeArmorError`.
"""

from __future__ import annotations

import binascii
import io
import re
from typing import BinaryIO

from wallet.age.errors import AgeArmorError

__all__ = ["ARMOR_BEGIN", "ARMOR_END", "ArmoredReader", "armor_encode", "looks_armored"]

ARMOR_BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
ARMOR_END = b"-----END AGE ENCRYPTED FILE-----"
_COLUMNS = 64
_BYTES_PER_LINE = _COLUMNS // 4 * 3
_MAX_WHITESPACE = 1024
_MAX_LINE = _MAX_WHITESPACE + 2
_WHITESPACE = b" \t\n\r\x0b\x0c"
_B64_LINE = re.compile(rb"[A-Za-z0-9+/]*={0,2}")
_READ_SIZE = 64 * 1024


def armor_encode(data: bytes) -> bytes:
    """Armor an age file: BEGIN line, padded base64 in 64-column lines, END line."""
    encoded = binascii.b2a_base64(data, newline=False)
    lines = [encoded[i : i + _COLUMNS] for i in range(0, len(encoded), _COLUMNS)]
    return ARMOR_BEGIN + b"\n" + b"".join(line + b"\n" for line in lines) + ARMOR_END + b"\n"


def looks_armored(prefix: bytes) -> bool:
    """True if ``prefix`` (the first KiB or so of a file) looks like an armored file.

    It does when, after leading whitespace, it starts with ``-----`` (a PEM-like line), or when it
    is not a binary age file and has a ``-----BEGIN`` line in it (garbage before the armor is
    then reported as an armor failure rather than a header failure).
    """
    stripped = prefix.lstrip(_WHITESPACE)
    if stripped.startswith(b"-----"):
        return True
    return not prefix.startswith(b"age-encryption.org/") and b"\n-----BEGIN" in prefix.upper()


class ArmoredReader(io.RawIOBase):
    """Reads the binary age file inside an armored stream; raises :class:`AgeArmorError`."""

    def __init__(self, src: BinaryIO) -> None:
        super().__init__()
        self._src = src
        self._pending = bytearray()  # raw armored bytes read but not yet split into lines
        self._src_eof = False
        self._decoded = bytearray()  # decoded bytes not yet returned
        self._started = False
        self._done = False

    def readable(self) -> bool:
        return True

    def _line(self) -> bytes | None:
        """The next line without its LF and one CR; ``None`` at end of input."""
        while True:
            newline = self._pending.find(b"\n", 0, _MAX_LINE)
            if newline >= 0:
                line = bytes(self._pending[:newline])
                del self._pending[: newline + 1]
                break
            if len(self._pending) >= _MAX_LINE:
                raise AgeArmorError("armor line too long")
            if self._src_eof:
                if not self._pending:
                    return None
                line = bytes(self._pending)
                self._pending.clear()
                break
            chunk = self._src.read(_READ_SIZE)
            if not chunk:
                self._src_eof = True
            else:
                self._pending += chunk
        return line[:-1] if line.endswith(b"\r") else line

    def _drain_trailing(self) -> None:
        rest = bytearray(self._pending)
        self._pending.clear()
        while not self._src_eof and len(rest) <= _MAX_WHITESPACE:
            chunk = self._src.read(_MAX_WHITESPACE + 1 - len(rest))
            if not chunk:
                self._src_eof = True
            rest += chunk
        if rest.strip(_WHITESPACE):
            raise AgeArmorError("data after the armor END line")
        if len(rest) > _MAX_WHITESPACE:
            raise AgeArmorError("too much whitespace after the armor END line")
        self._done = True

    def _start(self) -> None:
        skipped = 0
        while True:
            line = self._line()
            if line is None:
                raise AgeArmorError("no armor BEGIN line")
            if not line.strip(_WHITESPACE):
                skipped += len(line) + 1
                if skipped > _MAX_WHITESPACE:
                    raise AgeArmorError("too much whitespace before the armor BEGIN line")
                continue
            if line != ARMOR_BEGIN:
                raise AgeArmorError("invalid armor BEGIN line")
            self._started = True
            return

    def _decode_line(self) -> None:
        line = self._line()
        if line is None:
            raise AgeArmorError("armor ends without an END line")
        if line == ARMOR_END:
            self._drain_trailing()
            return
        if len(line) > _COLUMNS:
            raise AgeArmorError("armor line longer than 64 columns")
        if not line or len(line) % 4 or not _B64_LINE.fullmatch(line):
            raise AgeArmorError("invalid base64 line in armor")
        try:
            decoded = binascii.a2b_base64(line, strict_mode=True)
        except binascii.Error:
            raise AgeArmorError("invalid base64 line in armor") from None
        if binascii.b2a_base64(decoded, newline=False) != line:
            raise AgeArmorError("non-canonical base64 in armor")
        self._decoded += decoded
        if len(decoded) < _BYTES_PER_LINE:
            end = self._line()
            if end != ARMOR_END:
                raise AgeArmorError("a short armor line is not followed by the END line")
            self._drain_trailing()

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        if not self._started:
            self._start()
        while len(self._decoded) < len(view) and not self._done:
            self._decode_line()
        count = min(len(view), len(self._decoded))
        view[:count] = self._decoded[:count]
        del self._decoded[:count]
        return count
