"""Child process for the crash test: imports two small records, then a large one until killed.

Run as ``python -m tests.vault._crash_child VAULT_ROOT INDEX_KEY_HEX SMALL1 SMALL2 LARGE``. Prints
each finished record id on its own line, then ``LARGE-START`` before the import it will not finish.
"""

from __future__ import annotations

import sys
from pathlib import Path

from wallet.age import X25519Identity
from wallet.vault import Vault

from .conftest import IDENTITY_STRING


def main(argv: list[str]) -> None:
    root, key_hex, small1, small2, large = argv
    vault = Vault.open(
        Path(root), X25519Identity.from_string(IDENTITY_STRING), bytes.fromhex(key_hex)
    )
    for small in (small1, small2):
        print(vault.import_file(Path(small)).id, flush=True)
    print("LARGE-START", flush=True)
    vault.import_file(Path(large))
    print("LARGE-DONE", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
