"""Throughput of wallet.age streaming vs the age CLI on the same file, with peak RSS.

Usage: .venv/bin/python bench/age_stream.py [--size-mib N] [--runs R] [--no-cli]

Creates a random N MiB plaintext in /tmp, then measures (median of R runs, page cache warm, each
run writing a NEW output file, as TOOLCHAIN.md advises):
  * encrypt + SHA-256 of the plaintext (what the vault's import does),
  * decrypt + SHA-256 of the plaintext (what the vault's export does, with the hash verified),
  * `age -r` encrypt and `age -d -i` decrypt of the same file,
and the peak RSS of every operation, each in a fresh subprocess (ru_maxrss). wallet.age is timed
inside its process (the vault imports inside a running app, so interpreter start-up is excluded);
the CLI is timed as a whole process (its start-up is a few ms). The load average is printed:
other work on the machine moves every figure, so compare ratios from the same run.
All files are removed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wallet.age import X25519Identity, decrypt_stream, encrypt_stream  # noqa: E402


def _child(mode: str, src: str, dst: str, key: str, expect: str) -> None:
    identity = X25519Identity.from_string(key)
    digest = hashlib.sha256()
    start = time.perf_counter()
    with open(src, "rb") as fin, open(dst, "xb") as fout:
        if mode == "encrypt":
            size = encrypt_stream(fin, fout, [identity.recipient()], plaintext_hash=digest)
        else:
            size = decrypt_stream(fin, fout, [identity], plaintext_hash=digest)
    elapsed = time.perf_counter() - start
    ok = digest.hexdigest() == expect
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "bytes": size, "hash_ok": ok, "rss_kib": rss_kib}))


_TIME = "/usr/bin/time"


def _measured(cmd: list[str]) -> tuple[float, float, str]:
    """Run ``cmd``; return (wall seconds, its peak RSS in MB, its stdout).

    The peak RSS comes from ``/usr/bin/time -f %M`` when present: ``wait4`` on a child forked
    from this (larger) process would report this process's RSS inherited across the fork.
    """
    with tempfile.NamedTemporaryFile("r", prefix="age-bench-rss-", dir="/tmp") as rss_file:
        wrapped = [_TIME, "-f", "%M", "-o", rss_file.name, *cmd] if os.path.exists(_TIME) else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdout=subprocess.PIPE, text=True)
        out, _ = proc.communicate()
        elapsed = time.perf_counter() - start
        if proc.returncode:
            raise subprocess.CalledProcessError(proc.returncode, cmd)
        text = rss_file.read().strip()
        peak_mb = int(text.splitlines()[-1]) / 1024 if text else float("nan")
    return elapsed, peak_mb, out


def _run_child(mode: str, src: Path, dst: Path, key: str, expect: str) -> dict[str, float]:
    _, peak_mb, out = _measured(
        [sys.executable, __file__, "--child", mode, str(src), str(dst), key, expect]
    )
    result: dict[str, float] = json.loads(out)
    result["peak_mb"] = peak_mb
    return result


def _time_cmd(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, peak RSS in MB)."""
    elapsed, peak_mb, _ = _measured(cmd)
    return elapsed, peak_mb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-cli", action="store_true")
    args = parser.parse_args()
    size = args.size_mib * 1024 * 1024
    work = Path(tempfile.mkdtemp(prefix="age-bench-", dir="/tmp"))
    try:
        plain = work / "plain.bin"
        digest = hashlib.sha256()
        with plain.open("wb") as fh:
            block = os.urandom(16 * 1024 * 1024)
            left = size
            while left:
                piece = block[: min(left, len(block))]
                fh.write(piece)
                digest.update(piece)
                left -= len(piece)
            del block, piece
        expect = digest.hexdigest()
        identity = X25519Identity.generate()
        key = identity.to_string()
        keyfile = work / "key.txt"
        keyfile.write_text(key + "\n")
        keyfile.chmod(0o600)
        mb = size / 1e6
        results: dict[str, list[float]] = {"enc": [], "dec": [], "cli_enc": [], "cli_dec": []}
        rss: dict[str, float] = {"enc": 0, "dec": 0, "cli_enc": 0, "cli_dec": 0}
        load_before = os.getloadavg()
        subprocess.run(["cat", str(plain)], check=True, stdout=subprocess.DEVNULL)  # warm cache
        for run in range(args.runs):
            enc = work / f"enc{run}.age"
            r = _run_child("encrypt", plain, enc, key, expect)
            assert r["hash_ok"], "encrypt hash mismatch"
            results["enc"].append(mb / r["seconds"])
            rss["enc"] = max(rss["enc"], r["peak_mb"])
            dec = work / f"dec{run}.bin"
            r = _run_child("decrypt", enc, dec, key, expect)
            assert r["hash_ok"], "decrypt hash mismatch"
            results["dec"].append(mb / r["seconds"])
            rss["dec"] = max(rss["dec"], r["peak_mb"])
            dec.unlink()
            if not args.no_cli and shutil.which("age"):
                cli_enc = work / f"cli{run}.age"
                seconds, peak = _time_cmd(
                    ["age", "-r", identity.recipient().to_string(), "-o", str(cli_enc), str(plain)]
                )
                results["cli_enc"].append(mb / seconds)
                rss["cli_enc"] = max(rss["cli_enc"], peak)
                cli_dec = work / f"clidec{run}.bin"
                seconds, peak = _time_cmd(
                    ["age", "-d", "-i", str(keyfile), "-o", str(cli_dec), str(enc)]
                )
                results["cli_dec"].append(mb / seconds)
                rss["cli_dec"] = max(rss["cli_dec"], peak)
                cli_enc.unlink()
                cli_dec.unlink()
            enc.unlink()
        med = {k: statistics.median(v) for k, v in results.items() if v}
        load_after = os.getloadavg()
        print(f"file: {args.size_mib} MiB, runs: {args.runs}, cpus: {os.cpu_count()}")
        print(f"load average (1/5/15 min) before {load_before}, after {load_after}")
        print(f"wallet.age encrypt+sha256: {med['enc']:8.0f} MB/s  peak RSS {rss['enc']:.0f} MB")
        print(f"wallet.age decrypt+sha256: {med['dec']:8.0f} MB/s  peak RSS {rss['dec']:.0f} MB")
        if "cli_enc" in med:
            for name, label in (
                ("cli_enc", "age CLI -r encrypt"),
                ("cli_dec", "age CLI -d decrypt"),
            ):
                print(f"{label:25s}: {med[name]:8.0f} MB/s  peak RSS {rss[name]:.0f} MB")
            print(f"ratio import/age -r      : {med['enc'] / med['cli_enc']:.2f}x (target >= 1.2)")
            print(f"ratio export/age -d      : {med['dec'] / med['cli_dec']:.2f}x (target >= 1.5)")
        print("all runs MB/s:", {k: [round(x) for x in v] for k, v in results.items()})
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:7])
    else:
        main()
