"""Share-bundle throughput: many small records, and one large record against a plain file copy.

Usage: ``.venv/bin/python bench/share.py [--small 1000] [--size-mib 1024] [--runs 3] [--dir /tmp]``

Uses :func:`wallet.share.write_bundle` directly on a real vault in a temporary directory. No chain
is needed: building a bundle takes the chain id and contract address as plain values, and the
grant transaction (one per share, whatever its size) is not part of what is measured.

(a) ``--small`` records of 1 KiB each shared with one provider in one bundle: time and records/s.
(b) one ``--size-mib`` MiB record: the bundle write (header re-wrap, manifest, in-kernel payload
    copy, atomic link) against ``shutil.copyfile`` of the same vault file, each the median of
    ``--runs`` alternating runs with a warm page cache; prints both and the ratio (target <= 1.5x).
    Neither forces its data to disk: a bundle is rebuildable from the vault and the ledger
    (``share bundle``), so it is written like a copy. For information it also prints both with an
    fsync added (equal durability, dominated by the disk's write-back speed). Exits 1 if the target
    is missed.
Imports into the vault are set-up, not measured. Deletes its temporary files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wallet.age import X25519Identity  # noqa: E402
from wallet.share import ShareParties, write_bundle  # noqa: E402
from wallet.vault import Vault  # noqa: E402

TARGET_RATIO = 1.5
PATIENT = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
PROVIDER = "0x00000000000000000000000000000000000000A1"
REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3"


def _vault(root: Path) -> Vault:
    return Vault.open(root / "vault", X25519Identity.generate(), os.urandom(32))


def _parties() -> ShareParties:
    return ShareParties(PATIENT, PROVIDER, X25519Identity.generate().recipient(), 31337, REGISTRY)


def bench_small(root: Path, count: int) -> None:
    with _vault(root / "small") as vault:
        source = root / "small.txt"
        ids = []
        for i in range(count):
            source.write_bytes(os.urandom(1024))
            ids.append(vault.import_file(source, title=f"record {i}").id)
        start = time.perf_counter()
        built = write_bundle(vault, ids, _parties(), root / "small.pwshare")
        elapsed = time.perf_counter() - start
    size = built.path.stat().st_size
    print(
        f"(a) {count} records of 1 KiB in one bundle: {elapsed:.3f} s, "
        f"{count / elapsed:,.0f} records/s, bundle {size / 2**20:.1f} MiB"
    )


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy(src: Path, dst: Path, durable: bool) -> float:
    start = time.perf_counter()
    shutil.copyfile(src, dst)
    if durable:
        _fsync(dst)
    return time.perf_counter() - start


def bench_large(root: Path, size_mib: int, runs: int) -> bool:
    with _vault(root / "large") as vault:
        source = root / "large.bin"
        block = os.urandom(2**20)
        with open(source, "wb") as fh:
            for _ in range(size_mib):
                fh.write(block)
        record = vault.import_file(source)
        source.unlink()
        vault_file = vault.record_path(record.id)
        parties = _parties()
        share_times: list[float] = []
        copy_times: list[float] = []
        durable_times: list[float] = []
        durable_share_times: list[float] = []
        shutil.copyfile(vault_file, root / "warm")  # warm the page cache
        (root / "warm").unlink()
        for run in range(runs):
            out = root / f"large-{run}.pwshare"
            copy_times.append(_copy(vault_file, root / "copy", durable=False))
            (root / "copy").unlink()
            start = time.perf_counter()
            write_bundle(vault, [record.id], parties, out)
            share_times.append(time.perf_counter() - start)
            out.unlink()
            durable_times.append(_copy(vault_file, root / "copy", durable=True))
            (root / "copy").unlink()
            start = time.perf_counter()
            write_bundle(vault, [record.id], parties, out)
            _fsync(out)
            durable_share_times.append(time.perf_counter() - start)
            out.unlink()
    share_s = statistics.median(share_times)
    copy_s = statistics.median(copy_times)
    durable_s = statistics.median(durable_times)
    durable_share_s = statistics.median(durable_share_times)
    ratio = share_s / copy_s

    def runs(times: list[float]) -> list[float]:
        return [round(t, 3) for t in times]

    print(f"(b) one {size_mib} MiB record:")
    print(f"    share (write_bundle):   {share_s:.3f} s  runs {runs(share_times)}")
    print(f"    shutil.copyfile:        {copy_s:.3f} s  runs {runs(copy_times)}")
    print(f"    ratio share / copyfile = {ratio:.2f} (target <= {TARGET_RATIO})")
    print(
        f"    informational, both fsynced: share {durable_share_s:.3f} s, copyfile "
        f"{durable_s:.3f} s, ratio {durable_share_s / durable_s:.2f}"
    )
    return ratio <= TARGET_RATIO


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp)
        bench_small(root, args.small)
        ok = bench_large(root, args.size_mib, args.runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
