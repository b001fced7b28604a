"""Gas budgets of the wallet's contracts, measured as transaction receipts on a real anvil node.

Starts the pinned anvil binary (``contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil``)
on 127.0.0.1 at a free port, deploys the committed artifacts (``wallet/chain/artifacts/*.json``)
with web3, runs the scenarios the wallet performs and prints each transaction's receipt
``gasUsed`` (intrinsic 21,000 gas and calldata included, refunds deducted) next to its budget.
Scenarios without a budget are printed for information.

    .venv/bin/python bench/gas.py          a table
    .venv/bin/python bench/gas.py --json   the same rows as JSON

Exit status: 0 when every budget holds, 1 when one is exceeded, 2 when the bench could not run
(the reason is printed as one sentence). anvil is stopped on every path out.

This script imports nothing from ``wallet/``: its Merkle tree and EIP-712 message are written
out here independently, so the on-chain checks it makes are also a cross-check of the contracts.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_utils import keccak
from web3 import Web3

from wallet.consent import GrantRequest, Purpose, sign_grant

ROOT = Path(__file__).resolve().parent.parent
ANVIL = ROOT / "contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
ARTIFACTS = ROOT / "wallet/chain/artifacts"

# Budgets from the project brief, in gas (receipt gasUsed).
BUDGET_GRANT = 50_000
BUDGET_REVOKE = 27_000
BUDGET_ANCHOR = 50_000
BUDGET_GRANT_GROWTH = 1_000  # |100th grant - 1st grant| for the same patient

PURPOSE_TREAT = 1
PURPOSE_ETREAT = 2
DAY = 86_400
# A fixed, well-known test key (never holds funds): the patient who signs a grant for a relayer.
SIGNING_PATIENT_KEY = "0x" + "11" * 32


class BenchError(Exception):
    """A reason the bench could not run, as one sentence for the user."""


@dataclass
class Row:
    name: str
    gas_used: int
    budget: int | None

    @property
    def ok(self) -> bool:
        return self.budget is None or self.gas_used <= self.budget

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


# --------------------------------------------------------------------------- Merkle tree
# OpenZeppelin StandardMerkleTree, one bytes32 value per leaf (what RecordAnchor.verify expects).


def leaf_of(content_hash: bytes) -> bytes:
    return keccak(keccak(content_hash))  # keccak256(bytes.concat(keccak256(abi.encode(bytes32))))


def hash_pair(a: bytes, b: bytes) -> bytes:
    return keccak(a + b) if a < b else keccak(b + a)


def standard_tree(content_hashes: list[bytes]) -> list[bytes]:
    """The tree as OpenZeppelin's array: leaves sorted, tree[i] = hash(tree[2i+1], tree[2i+2])."""
    leaves = sorted(leaf_of(h) for h in content_hashes)
    n = len(leaves)
    tree = [b""] * (2 * n - 1)
    for i, leaf in enumerate(leaves):
        tree[len(tree) - 1 - i] = leaf
    for i in range(len(tree) - 1 - n, -1, -1):
        tree[i] = hash_pair(tree[2 * i + 1], tree[2 * i + 2])
    return tree


def proof_for(tree: list[bytes], leaf: bytes) -> list[bytes]:
    index = tree.index(leaf)
    proof = []
    while index > 0:
        proof.append(tree[index + 1 if index % 2 else index - 1])
        index = (index - 1) // 2
    return proof


# --------------------------------------------------------------------------- anvil


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_anvil() -> tuple[subprocess.Popen[bytes], Web3]:
    if not ANVIL.is_file():
        raise BenchError(f"anvil is not installed at {ANVIL}; run scripts/bootstrap.sh first.")
    port = free_port()
    proc = subprocess.Popen(
        [str(ANVIL), "--host", "127.0.0.1", "--port", str(port), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{port}", request_kwargs={"timeout": 30}))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
            raise BenchError(f"anvil exited at start with status {proc.returncode}: {err[-300:]}")
        try:
            if w3.is_connected():
                return proc, w3
        except Exception:  # not listening yet
            pass
        time.sleep(0.05)
    stop_anvil(proc)
    raise BenchError("anvil did not answer on 127.0.0.1 within 15 seconds.")


def stop_anvil(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    if proc.stderr:
        proc.stderr.close()


# --------------------------------------------------------------------------- scenarios


def load_artifact(name: str) -> dict[str, Any]:
    path = ARTIFACTS / f"{name}.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise BenchError(
            f"the artifact {path} is missing; run node contracts/tools/compile.js."
        ) from None


class Bench:
    def __init__(self, w3: Web3) -> None:
        self.w3 = w3
        self.accounts = w3.eth.accounts
        self.rows: list[Row] = []

    def send(self, call: Any, sender: str) -> dict[str, Any]:
        tx_hash = call.transact({"from": sender})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)
        if receipt["status"] != 1:
            raise BenchError(f"a benchmark transaction reverted ({call.fn_name}).")
        return dict(receipt)

    def measure(self, name: str, call: Any, sender: str, budget: int | None) -> int:
        gas = int(self.send(call, sender)["gasUsed"])
        self.rows.append(Row(name, gas, budget))
        return gas

    def deploy(self, name: str, *args: Any) -> Any:
        art = load_artifact(name)
        factory = self.w3.eth.contract(abi=art["abi"], bytecode=art["bytecode"])
        receipt = self.send(factory.constructor(*args), self.accounts[0])
        self.rows.append(Row(f"deploy {name}", int(receipt["gasUsed"]), None))
        return self.w3.eth.contract(address=receipt["contractAddress"], abi=art["abi"])

    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def run(self) -> list[Row]:
        admin, provider, patient, relayer = self.accounts[:4]
        providers = self.deploy("ProviderRegistry", admin)
        consent = self.deploy("ConsentRegistry")
        anchor = self.deploy("RecordAnchor")

        profile = json.dumps(
            {"name": "Example Clinic", "licence": "GMC-1234567", "country": "GB"},
            separators=(",", ":"),
        )
        self.measure(
            "register provider",
            providers.functions.register(keccak(b"x25519"), 0, keccak(text=profile), profile),
            provider,
            None,
        )
        self.measure("accredit provider", providers.functions.accredit(provider), admin, None)
        self.measure(
            "rotate provider key", providers.functions.rotateKey(keccak(b"k2")), provider, None
        )

        expires = self.now() + 30 * DAY
        share = keccak(b"share bundle")
        first = self.measure(
            "grant (new grantee)",
            consent.functions.grant(provider, share, PURPOSE_TREAT, expires),
            patient,
            BUDGET_GRANT,
        )
        # 98 more grants to distinct grantees, then the 100th, measured.
        for i in range(1, 99):
            grantee = Web3.to_checksum_address(keccak(i.to_bytes(32, "big"))[-20:])
            self.send(consent.functions.grant(grantee, share, PURPOSE_TREAT, expires), patient)
        grantee_100 = Web3.to_checksum_address(keccak((99).to_bytes(32, "big"))[-20:])
        hundredth = self.measure(
            "grant (patient's 100th grant)",
            consent.functions.grant(grantee_100, share, PURPOSE_TREAT, expires),
            patient,
            BUDGET_GRANT,
        )
        self.rows.append(Row("|100th - 1st grant|", abs(hundredth - first), BUDGET_GRANT_GROWTH))
        self.measure(
            "emergency grant (ETREAT, 2 events)",
            consent.functions.grant(provider, keccak(b"er"), PURPOSE_ETREAT, self.now() + DAY),
            patient,
            None,
        )
        self.measure("revoke", consent.functions.revoke(provider, share), patient, BUDGET_REVOKE)
        self.measure_grant_by_sig(consent, provider, relayer)

        for count in (1, 100, 10_000):
            hashes = [keccak(f"record {count}/{i}".encode()) for i in range(count)]
            tree = standard_tree(hashes)
            self.measure(
                f"anchor batch of {count:,} records",
                anchor.functions.anchor(tree[0], count),
                patient,
                BUDGET_ANCHOR,
            )
            probe = hashes[count // 2]
            if not anchor.functions.verify(
                patient, tree[0], probe, proof_for(tree, leaf_of(probe))
            ).call():
                raise BenchError(
                    f"RecordAnchor.verify rejected a valid proof in the {count} batch."
                )
        return self.rows

    def measure_grant_by_sig(self, consent: Any, grantee: str, relayer: str) -> None:
        signer = Account.from_key(SIGNING_PATIENT_KEY)
        expires, deadline = self.now() + 30 * DAY, self.now() + 3600
        share = keccak(b"signed share")
        request = GrantRequest(
            patient=signer.address,
            grantee=grantee,
            share_id=share,
            purpose=Purpose(PURPOSE_TREAT),
            expires_at=expires,
            nonce=consent.functions.nonces(signer.address).call(),
            deadline=deadline,
        )
        # The wallet's own EIP-712 encoding: the bench then also proves it matches the contract.
        signature = sign_grant(
            signer, request, chain_id=self.w3.eth.chain_id, verifying_contract=consent.address
        )
        self.measure(
            "grantBySig (relayed)",
            consent.functions.grantBySig(
                signer.address, grantee, share, PURPOSE_TREAT, expires, deadline, signature
            ),
            relayer,
            None,
        )
        if not consent.functions.isAuthorized(signer.address, grantee, share).call():
            raise BenchError("a relayed signed grant did not authorise the grantee.")


# --------------------------------------------------------------------------- output


def print_table(rows: list[Row]) -> None:
    width = max(len(r.name) for r in rows)
    print(f"{'scenario':<{width}}  {'gasUsed':>9}  {'budget':>9}  status")
    for r in rows:
        budget = f"{r.budget:,}" if r.budget is not None else "-"
        status = "-" if r.budget is None else ("OK" if r.ok else "OVER")
        print(f"{r.name:<{width}}  {r.gas_used:>9,}  {budget:>9}  {status}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    proc = None
    try:
        proc, w3 = start_anvil()
        rows = Bench(w3).run()
    except BenchError as exc:
        print(f"gas bench: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # one sentence for the user, never a traceback
        print(f"gas bench: unexpected failure: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    finally:
        if proc is not None:
            stop_anvil(proc)
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], indent=2))
    else:
        print_table(rows)
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
