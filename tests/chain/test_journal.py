"""The pending-transaction journal: file format and permissions, and reconciliation of a
transaction still in the pool, one replaced by another with the same nonce, and one mined."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from eth_account.signers.local import LocalAccount

from tests.chain.helpers import new_account, rpc, run
from wallet.chain.journal import Journal, JournalEntry
from wallet.chain.localnode import LocalNode
from wallet.chain.service import ChainService
from wallet.consent import Purpose
from wallet.errors import CorruptData, UnsupportedFormat


def entry(tx_hash: str, nonce: int, sender: str, **keys: str) -> JournalEntry:
    return JournalEntry(
        tx_hash=tx_hash,
        raw_tx="0x02",
        nonce=nonce,
        sender=sender,
        chain_id=31337,
        kind="grant",
        description="test",
        keys=keys,
    )


def test_file_format_permissions_and_queries(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    sender = new_account().address
    journal.add(entry("0xaa", 4, sender, grantee="0xBB", share_id="0x01"))
    journal.add(entry("0xcc", 5, sender, grantee="0xbb", share_id="0x02"))
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    doc = json.loads(journal.path.read_text())
    assert doc["format"] == "patient-wallet-tx-journal"
    assert doc["version"] == 1
    assert journal.next_nonce(31337, sender) == 6
    assert journal.next_nonce(1, sender) is None
    found = journal.find_pending(31337, "grant", {"grantee": "0xbb", "share_id": "0x01"})
    assert found is not None
    assert found.tx_hash == "0xaa"
    journal.update("0xaa", "mined", block_number=9)
    assert journal.find_pending(31337, "grant", {"grantee": "0xbb", "share_id": "0x01"}) is None
    assert journal.next_nonce(31337, sender) == 6
    assert journal.get("0xAA") is not None
    assert journal.get("0xaa").block_number == 9

    doc["version"] = 2
    journal.path.write_text(json.dumps(doc))
    with pytest.raises(UnsupportedFormat):
        journal.entries()
    journal.path.write_text("{not json")
    with pytest.raises(CorruptData):
        journal.entries()


def test_reconcile_pending_replaced_and_mined(
    node: LocalNode,
    funded: Callable[[], LocalAccount],
    make_service: Callable[..., ChainService],
    tmp_path: Path,
) -> None:
    patient, provider = funded(), funded()

    async def scenario() -> None:
        service = make_service(patient)
        try:
            client = await service.client()
            # A transaction signed and journaled but never sent, with nonce 0...
            consent = client.contract("ConsentRegistry")
            fn = consent.functions.grant(provider.address, os.urandom(32), 1, 2**40)
            tx = await fn.build_transaction(
                {
                    "from": patient.address,
                    "nonce": 0,
                    "gas": 200_000,
                    "maxFeePerGas": 10**10,
                    "maxPriorityFeePerGas": 10**9,
                    "chainId": 31337,
                }
            )
            tx.pop("from", None)
            signed = patient.sign_transaction(tx)  # type: ignore[arg-type]
            lost_hash = "0x" + bytes(signed.hash).hex()
            service.journal.add(
                JournalEntry(
                    tx_hash=lost_hash,
                    raw_tx="0x" + bytes(signed.raw_transaction).hex(),
                    nonce=0,
                    sender=patient.address,
                    chain_id=31337,
                    kind="grant",
                    description="lost",
                )
            )
            service.journal.update(lost_hash, "rejected")  # hide it from nonce selection
            # ...then another transaction uses nonce 0.
            await service.grant(provider.address, os.urandom(32), Purpose.TREAT, 1)
            service.journal.update(lost_hash, "pending")

            await rpc(node.profile(), "evm_setAutomine", [False])
            try:
                waiting = await service.grant(
                    provider.address, os.urandom(32), Purpose.TREAT, 1, wait=False
                )
                outcomes = {o.entry.tx_hash: o.action for o in await service.reconcile()}
            finally:
                await rpc(node.profile(), "evm_setAutomine", [True])
            assert outcomes == {lost_hash: "replaced", waiting.tx_hash: "still-pending"}
            assert service.journal.get(lost_hash).status == "replaced"  # type: ignore[union-attr]

            await rpc(node.profile(), "evm_mine", [])
            outcomes = {o.entry.tx_hash: o.action for o in await service.reconcile()}
            assert outcomes == {waiting.tx_hash: "mined"}
            assert service.pending() == []
        finally:
            await service.close()

    run(scenario())
