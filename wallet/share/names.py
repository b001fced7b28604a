"""Safe file names for records a provider writes out: from an untrusted title, one per record.

Owns :func:`safe_file_name` and :func:`unique_names`. A title comes from the patient's wallet,
which the provider does not control, so it is treated as hostile: Unicode is NFC-normalised;
path separators, control and format characters (bidi overrides such as U+202E, which can
disguise ``gpj.exe`` as ``exe.jpg``) and characters other systems refuse become ``_``; leading
dots and spaces go (no hidden files, never ``.`` or ``..``); length is capped in UTF-8 bytes;
Windows device names get a ``_`` prefix. Names are made unique case-insensitively against each
other and against what the target folder already holds: ``x.pdf``, ``x (2).pdf``...

Must not import anything but the standard library. Security note: the result is a single path
component by construction; callers still join it to the folder they chose and nothing else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

__all__ = ["safe_file_name", "unique_names"]

MAX_NAME_BYTES = 200
_FORBIDDEN = frozenset('/\\:*?"<>|')
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}", re.ASCII)
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
_SUFFIX_BY_TYPE = {
    "application/pdf": ".pdf",
    "application/json": ".json",
    "application/fhir+json": ".json",
    "application/dicom": ".dcm",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "text/plain": ".txt",
    "text/csv": ".csv",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/tiff": ".tif",
}


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _FORBIDDEN or category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append("_")
        elif category == "Zs":
            out.append(" ")
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def _truncate(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


def _suffix(title: str, source_name: str, media_type: str) -> str:
    candidate = PurePosixPath(source_name.replace("\\", "/")).suffix if source_name else ""
    if not _SUFFIX.fullmatch(candidate):
        candidate = _SUFFIX_BY_TYPE.get(media_type, "")
    if candidate and title.lower().endswith(candidate.lower()):
        return ""
    return candidate.lower()


def safe_file_name(title: str, source_name: str = "", media_type: str = "") -> str:
    """One safe file name for a record: its cleaned title plus a suffix from its file name/type."""
    suffix = _suffix(title, source_name, media_type)
    stem = _clean(title).lstrip(". ").rstrip(". ")
    stem = _truncate(stem, MAX_NAME_BYTES - len(suffix)).rstrip(". ")
    if not stem:
        stem = "record"
    if stem.split(".", 1)[0].lower() in _WINDOWS_DEVICES:
        stem = "_" + stem
    return stem + suffix


def _split(name: str) -> tuple[str, str]:
    match = _SUFFIX.search(name)
    if match and match.end() == len(name) and match.start() > 0:
        return name[: match.start()], name[match.start() :]
    return name, ""


def unique_names(names: Sequence[str], taken: Iterable[str] = ()) -> list[str]:
    """``names`` made unique (case-insensitively) among themselves and against ``taken``."""
    used = {t.casefold() for t in taken}
    result: list[str] = []
    for name in names:
        candidate = name
        stem, suffix = _split(name)
        counter = 2
        while candidate.casefold() in used:
            candidate = f"{stem} ({counter}){suffix}"
            counter += 1
        used.add(candidate.casefold())
        result.append(candidate)
    return result
