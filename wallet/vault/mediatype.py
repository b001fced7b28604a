"""Guessing a record's media type from its file name and its first bytes.

Owns the rules that label an imported file (PDF, PNG, JPEG, DICOM, FHIR JSON, JSON, XML, text) when
the user does not say what it is. Content signatures win over the file name's extension, because
the name is whatever the user's download happened to be called.

Must not read files itself (the caller hands over the first :data:`SNIFF_BYTES` bytes) nor import
anything from ``wallet``. Uses a private :class:`mimetypes.MimeTypes` table, not the system's
``/etc/mime.types``, so the answer is the same on every machine.
"""

from __future__ import annotations

import json
import mimetypes
import re

SNIFF_BYTES = 4096
OCTET_STREAM = "application/octet-stream"
FHIR_JSON = "application/fhir+json"

_TABLE = mimetypes.MimeTypes(filenames=())
_TABLE.add_type("application/dicom", ".dcm")
_TABLE.add_type(FHIR_JSON, ".fhir.json")
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
_FHIR_HINT = re.compile(rb'"resourceType"\s*:\s*"[A-Z][A-Za-z]+"')


def _decodes_as_text(head: bytes, complete: bool) -> str | None:
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sniff window is still text.
        if not complete and exc.start >= len(head) - 3 and exc.reason == "unexpected end of data":
            return head[: exc.start].decode("utf-8")
        return None


def _sniff_text(head: bytes, complete: bool) -> str | None:
    text = _decodes_as_text(head.removeprefix(b"\xef\xbb\xbf"), complete)
    if text is None:
        return None
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        if _FHIR_HINT.search(head):
            return FHIR_JSON
        if not complete:
            return "application/json"
        try:
            json.loads(text)
        except ValueError:
            return "text/plain"
        return "application/json"
    if stripped.startswith("<?xml"):
        return "application/xml"
    if all(ch.isprintable() or ch in "\t\r\n\f" for ch in text):
        return "text/plain"
    return None


def guess_media_type(name: str, head: bytes, *, complete: bool) -> str:
    """Best media type for a file called ``name`` whose first bytes are ``head``.

    ``complete`` says that ``head`` is the whole file (small files); then JSON is parsed fully.
    """
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    if head[128:132] == b"DICM":
        return "application/dicom"
    by_name, _encoding = _TABLE.guess_type(name, strict=False)
    if not head:
        return by_name or OCTET_STREAM
    by_content = _sniff_text(head, complete)
    if by_content in (FHIR_JSON, "application/json", "application/xml"):
        return by_content
    if by_name is not None:
        if by_content is None and by_name.startswith("text/"):
            return OCTET_STREAM  # a ".txt" name on binary bytes: trust the bytes
        return by_name  # ".csv" is more precise than "text/plain"
    return by_content or OCTET_STREAM
