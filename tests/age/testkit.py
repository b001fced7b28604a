"""Loader for the C2SP/CCTV age test kit copied in tests/vectors/age (see its SOURCES.md)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

TESTDATA = Path(__file__).resolve().parents[1] / "vectors" / "age" / "testdata"


@dataclass
class Vector:
    name: str
    expect: str
    payload_sha256: str | None = None
    file_key: bytes | None = None
    identities: list[str] = field(default_factory=list)
    passphrases: list[str] = field(default_factory=list)
    armored: bool = False
    comment: str = ""
    body: bytes = b""


def load(path: Path) -> Vector:
    raw = path.read_bytes()
    head, sep, body = raw.partition(b"\n\n")
    if not sep:
        raise ValueError(f"{path.name}: no blank line after the vector header")
    vector = Vector(name=path.name, expect="")
    compressed = False
    for line in head.decode("utf-8").split("\n"):
        key, _, value = line.partition(": ")
        if key == "expect":
            vector.expect = value
        elif key == "payload":
            vector.payload_sha256 = value
        elif key == "file key":
            vector.file_key = bytes.fromhex(value)
        elif key == "identity":
            vector.identities.append(value)
        elif key == "passphrase":
            vector.passphrases.append(value)
        elif key == "armored":
            vector.armored = value == "yes"
        elif key == "compressed":
            if value != "zlib":
                raise ValueError(f"{path.name}: unknown compression {value!r}")
            compressed = True
        elif key == "comment":
            vector.comment = value
        # the README says files with unknown keys are to be ignored; none exist today
        else:
            raise ValueError(f"{path.name}: unknown key {key!r}")
    vector.body = zlib.decompress(body) if compressed else body
    return vector


def all_vectors() -> list[Vector]:
    return [load(p) for p in sorted(TESTDATA.iterdir()) if p.is_file()]
