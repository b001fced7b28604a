"""The CLI contract for the vault: import, list, export, path, and what bad input does to it."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.helpers import Cli, assert_one_sentence_error

MARKER = "MARKER-7f3c2a-diabetes-type-2"


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def import_one(cli: Cli, path: Path, *extra: str) -> str:
    result = cli("records", "import", str(path), *extra, check=True)
    (record_id,) = result.stdout.split()
    return record_id


def test_import_list_export_round_trip(restored: Cli, tmp_path: Path) -> None:
    note = tmp_path / "visit-note.txt"
    note.write_text("Blood pressure 120/80.\n")
    scan = tmp_path / "scan.bin"
    scan.write_bytes(os.urandom(300_000))
    ids = restored("records", "import", str(note), str(scan), check=True).stdout.split()
    assert len(ids) == 2
    listing = json.loads(restored("records", "list", "--json", check=True).stdout)
    by_id = {row["id"]: row for row in listing}
    assert set(by_id) == set(ids)
    assert by_id[ids[0]]["title"] == "visit-note"
    assert by_id[ids[0]]["type"] == "text/plain"
    assert by_id[ids[1]]["size"] == 300_000
    for key in ("id", "title", "type", "size", "created", "sha256"):
        assert key in by_id[ids[0]]
    plain = restored("records", "list", check=True).stdout
    assert ids[0] in plain and "visit-note" in plain
    out = tmp_path / "out.bin"
    restored("records", "export", ids[1], "--out", str(out), check=True)
    assert out.read_bytes() == scan.read_bytes()
    assert_one_sentence_error(restored("records", "export", ids[1], "--out", str(out)), "exists")


def test_title_option_and_its_misuse(restored: Cli, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("a")
    b.write_text("b")
    record_id = import_one(restored, a, "--title", "Discharge letter")
    listing = json.loads(restored("records", "list", "--json", check=True).stdout)
    assert listing[0]["id"] == record_id and listing[0]["title"] == "Discharge letter"
    assert_one_sentence_error(
        restored("records", "import", str(a), str(b), "--title", "x"), "single file"
    )


def test_record_path_is_an_age_file_the_age_cli_opens(restored: Cli, tmp_path: Path) -> None:
    report = tmp_path / "lab.json"
    report.write_text('{"resourceType": "Observation", "status": "final"}')
    record_id = import_one(restored, report)
    path = Path(restored("records", "path", record_id, check=True).stdout.strip())
    assert path.read_bytes().startswith(b"age-encryption.org/v1\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    identity = tmp_path / "id.txt"
    restored("identity", "export-age", "--out", str(identity), check=True)
    decrypted = subprocess.run(
        ["age", "-d", "-i", str(identity), str(path)], capture_output=True, check=True
    ).stdout
    assert decrypted == report.read_bytes()


def test_a_file_encrypted_with_the_age_cli_to_the_vault_imports(
    restored: Cli, tmp_path: Path
) -> None:
    recipient = restored("recipient", check=True).stdout.strip()
    plain = tmp_path / "referral.txt"
    plain.write_bytes(b"Referral to cardiology.\n" * 5000)
    encrypted = tmp_path / "referral.txt.age"
    subprocess.run(["age", "-r", recipient, "-o", str(encrypted), str(plain)], check=True)
    record_id = import_one(restored, encrypted)
    listing = json.loads(restored("records", "list", "--json", check=True).stdout)
    assert listing[0]["title"] == "referral"
    assert listing[0]["size"] == plain.stat().st_size
    out = tmp_path / "back.txt"
    restored("records", "export", record_id, "--out", str(out), check=True)
    assert out.read_bytes() == plain.read_bytes()


def test_no_plaintext_marker_anywhere_under_the_data_dir(restored: Cli, tmp_path: Path) -> None:
    files = []
    for i, body in enumerate(
        [MARKER.encode(), (MARKER * 5000).encode(), b"x" * 70_000 + MARKER.encode() + b"y" * 99]
    ):
        path = tmp_path / f"{MARKER}-{i}.txt"
        path.write_bytes(body)
        files.append(str(path))
    restored("records", "import", *files, check=True)
    record_id = import_one(restored, Path(files[0]), "--title", f"Title {MARKER}")
    assert MARKER in restored("records", "list", check=True).stdout  # it really is in the vault
    restored("records", "path", record_id, check=True)
    needles = [MARKER.encode(), MARKER.encode("utf-16-le"), MARKER.lower().encode()]
    checked = 0
    for path, data in snapshot(restored.data_dir).items():
        checked += 1
        for needle in needles:
            assert needle not in data, f"plaintext marker found in {path}"
    assert checked >= 5


def test_missing_and_bad_inputs_leave_the_vault_as_it_was(restored: Cli, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("kept")
    record_id = import_one(restored, note)
    before = snapshot(restored.data_dir)
    assert_one_sentence_error(
        restored("records", "import", str(tmp_path / "missing.pdf")), "missing.pdf"
    )
    assert_one_sentence_error(restored("records", "import", str(tmp_path)), str(tmp_path))
    assert_one_sentence_error(
        restored("records", "export", "0123456789abcdef", "--out", str(tmp_path / "x")),
        "0123456789abcdef",
    )
    assert_one_sentence_error(
        restored("records", "export", record_id, "--out", str(tmp_path / "no" / "dir" / "x")),
        "does not exist",
    )
    assert snapshot(restored.data_dir) == before


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_corrupted_record_is_refused_and_the_rest_still_opens(
    restored: Cli, tmp_path: Path, damage: str
) -> None:
    good, bad = tmp_path / "good.bin", tmp_path / "bad.bin"
    good.write_bytes(os.urandom(100_000))
    bad.write_bytes(os.urandom(200_000))
    good_id = import_one(restored, good)
    bad_id = import_one(restored, bad)
    path = Path(restored("records", "path", bad_id, check=True).stdout.strip())
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[150_000] ^= 0x01
    else:
        del data[-70_000:]
    path.write_bytes(bytes(data))
    out = tmp_path / "out.bin"
    assert_one_sentence_error(restored("records", "export", bad_id, "--out", str(out)), bad_id[:8])
    assert not out.exists()
    restored("records", "export", good_id, "--out", str(out), check=True)
    assert out.read_bytes() == good.read_bytes()
    assert len(json.loads(restored("records", "list", "--json", check=True).stdout)) == 2


def test_killing_an_import_keeps_every_earlier_record(restored: Cli, tmp_path: Path) -> None:
    earlier = []
    for i in range(2):
        path = tmp_path / f"earlier-{i}.bin"
        path.write_bytes(os.urandom(50_000))
        earlier.append((import_one(restored, path), path.read_bytes()))
    big = tmp_path / "big.bin"
    block = os.urandom(1 << 20)
    with big.open("wb") as fh:
        for _ in range(400):
            fh.write(block)
    proc = restored.popen("records", "import", str(big))
    records_dir = restored.data_dir / "vault" / "records"
    deadline = time.monotonic() + 60
    grown = False
    while time.monotonic() < deadline and proc.poll() is None:
        temps = [p for p in records_dir.iterdir() if p.name.endswith(".tmp")]
        if temps and temps[0].stat().st_size > 20 << 20:
            grown = True
            break
        time.sleep(0.01)
    assert grown, "the import finished or never started before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    listing = json.loads(restored("records", "list", "--json", check=True).stdout)
    assert sorted(row["id"] for row in listing) == sorted(rid for rid, _ in earlier)
    for record_id, content in earlier:
        out = tmp_path / f"{record_id}.out"
        restored("records", "export", record_id, "--out", str(out), check=True)
        assert out.read_bytes() == content
    assert not [p for p in records_dir.iterdir() if p.name.endswith(".tmp")]
