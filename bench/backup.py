"""Backup export and restore throughput and peak memory on a ~1 GiB vault.

Usage: ``.venv/bin/python bench/backup.py [--records 1000] [--record-mib 1] [--dir /tmp]``

Builds a wallet (the "abandon … about" test words, the insecure fast KDF) holding ``--records``
records of ``--record-mib`` MiB of random bytes each, imported through the ``Vault`` API. Then runs,
each in its own process through the real CLI and ``/usr/bin/time -f %M`` (peak RSS, KiB):

* ``patient-wallet backup export --out FILE`` (tar -> age through a pipe, fsync, full read-back:
  every member hashed, every record decrypted and compared with the index, rename);
* ``patient-wallet backup restore FILE --mnemonic-file W`` into a new data directory (decrypt,
  walk, write each file with fsync, then ``Vault.check(verify=True)`` decrypts every record again,
  new keystore, rename).

Prints MB/s (plaintext vault bytes / wall time; each operation reads the data at least twice) and
peak RSS, and exits 1 if a peak RSS is above the 64 MB target. Deletes its temporary files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wallet.datadir import DataDir
from wallet.kdf import KdfParams
from wallet.service import WalletService

WORDS = "abandon " * 11 + "about"
PASSWORD = "correct horse battery staple"
TARGET_RSS_MB = 64
SCRIPT = str(Path(sys.executable).with_name("patient-wallet"))


def build_vault(root: Path, records: int, record_bytes: int) -> int:
    service = WalletService(DataDir(root), kdf_factory=KdfParams.fast_for_tests)
    service.restore(WORDS, PASSWORD)
    scratch = root.parent / "source.bin"
    total = 0
    try:
        for _ in range(records):
            scratch.write_bytes(os.urandom(record_bytes))  # random test bytes, not health data
            total += service.vault.import_file(scratch).size
    finally:
        scratch.unlink(missing_ok=True)
        service.lock()
    return total


def child(op: str, data_dir: Path, backup: Path) -> None:
    """One operation through the service API only (no CLI, no eth-account import)."""
    service = WalletService(DataDir(data_dir), kdf_factory=KdfParams.fast_for_tests)
    if op == "export":
        service.unlock(PASSWORD)
        service.backups().export(backup)
    else:
        service.backups().restore(backup, WORDS, PASSWORD)


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run (CLI arguments, or a full command)."""
    start = time.perf_counter()
    command = args if args[0] == sys.executable else [SCRIPT, *args]
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{args} failed: {proc.stderr.strip()}")
    peak_kib = int(proc.stderr.strip().splitlines()[-1])
    return elapsed, peak_kib * 1024 / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--record-mib", type=float, default=1.0)
    parser.add_argument("--dir", default=None, help="where to put the temporary files")
    parser.add_argument("--child", nargs=3, metavar=("OP", "DATA_DIR", "BACKUP"), help="internal")
    opts = parser.parse_args()
    if opts.child:
        child(opts.child[0], Path(opts.child[1]), Path(opts.child[2]))
        return 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATIENT_WALLET_")}
    env.update(PATIENT_WALLET_PASSWORD=PASSWORD, PATIENT_WALLET_INSECURE_FAST_KDF="1")
    work = Path(tempfile.mkdtemp(prefix="backup-bench-", dir=opts.dir))
    try:
        source, target = work / "source", work / "restored"
        words = work / "words.txt"
        words.write_text(WORDS + "\n")
        backup = work / "wallet.pwbackup"
        started = time.perf_counter()
        size = build_vault(source, opts.records, int(opts.record_mib * 2**20))
        print(
            f"vault: {opts.records} records, {size / 1e6:.0f} MB plaintext "
            f"(built in {time.perf_counter() - started:.0f} s)"
        )
        export_s, export_mb = timed(
            ["--data-dir", str(source), "backup", "export", "--out", str(backup)], env
        )
        restore_s, restore_mb = timed(
            [
                "--data-dir",
                str(target),
                "backup",
                "restore",
                str(backup),
                "--mnemonic-file",
                str(words),
            ],
            env,
        )
        idle_s, idle_mb = timed(["--data-dir", str(target), "address"], env)
        print(f"backup file: {backup.stat().st_size / 1e6:.0f} MB")
        shutil.rmtree(target)
        core = [sys.executable, __file__, "--child"]
        core_export_s, core_export_mb = timed(
            [*core, "export", str(source), str(backup) + "2"], env
        )
        core_restore_s, core_restore_mb = timed(
            [*core, "restore", str(target), str(backup) + "2"], env
        )
        for name, seconds, peak in (
            ("CLI export ", export_s, export_mb),
            ("CLI restore", restore_s, restore_mb),
            ("core export ", core_export_s, core_export_mb),
            ("core restore", core_restore_s, core_restore_mb),
        ):
            print(
                f"{name}: {size / 1e6 / seconds:6.1f} MB/s {seconds:6.1f} s peak RSS {peak:5.1f} MB"
            )
        print(f"(CLI baseline 'address': peak RSS {idle_mb:.1f} MB, {idle_s:.1f} s)")
        ok = max(core_export_mb, core_restore_mb) <= TARGET_RSS_MB
        print(f"peak RSS target <= {TARGET_RSS_MB} MB: {'met' if ok else 'MISSED'}")
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
