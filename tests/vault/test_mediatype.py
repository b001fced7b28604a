"""Media-type guessing from the name and first bytes."""

from __future__ import annotations

import pytest

from wallet.vault.mediatype import guess_media_type

FHIR = b'{\n  "resourceType": "Observation",\n  "id": "x"\n}'


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("scan.bin", b"%PDF-1.7\n...", "application/pdf"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),  # content beats the name
        ("x", b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        ("ct", bytes(128) + b"DICM" + bytes(10), "application/dicom"),
        ("obs.json", FHIR, "application/fhir+json"),
        ("obs", FHIR, "application/fhir+json"),
        ("data.json", b'{"a": [1, 2]}', "application/json"),
        ("notes.txt", b"hello\nworld\n", "text/plain"),
        ("notes", "caf\u00e9 na\u00efve\n".encode(), "text/plain"),
        ("labs.csv", b"a,b\n1,2\n", "text/csv"),
        ("cda.xml", b'<?xml version="1.0"?><ClinicalDocument/>', "application/xml"),
        ("fake.txt", b"\x00\x01\x02binary", "application/octet-stream"),
        ("blob", b"\x00\x01\x02", "application/octet-stream"),
        ("empty.pdf", b"", "application/pdf"),
        ("empty", b"", "application/octet-stream"),
        ("broken.json", b'{"a": ', "application/json"),  # the name decides
        ("broken", b'{"a": ', "text/plain"),
    ],
)
def test_guess(name: str, head: bytes, expected: str) -> None:
    assert guess_media_type(name, head, complete=True) == expected


def test_multibyte_character_cut_by_the_sniff_window_is_still_text() -> None:
    head = ("a" * 10 + "\u00e9").encode()[:-1]
    assert guess_media_type("n", head, complete=False) == "text/plain"
    assert guess_media_type("n", head, complete=True) == "application/octet-stream"
