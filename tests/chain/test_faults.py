"""Faults, each a clear sentence, and no grant lost or sent twice: node down, node killed with a
journaled unmined grant, wrong chain id, a revert, no funds."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from eth_account.signers.local import LocalAccount

from tests.chain.helpers import ANVIL, new_account, rpc, run
from wallet.chain.client import ChainClient
from wallet.chain.errors import (
    ContractReverted,
    InsufficientFunds,
    NodeUnavailable,
    WrongChain,
)
from wallet.chain.journal import Journal
from wallet.chain.localnode import LocalNode
from wallet.chain.profiles import NetworkProfile
from wallet.chain.registries import ConsentRegistryClient
from wallet.chain.service import ChainService
from wallet.consent import Purpose


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_node_down_is_one_sentence_with_the_url(profile: NetworkProfile, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    down = replace(profile, rpc_url=url, local=False)

    async def scenario() -> None:
        with pytest.raises(NodeUnavailable) as info:
            await ChainClient.connect(down, timeout=2.0)
        message = info.value.user_message
        assert url in message
        assert "\n" not in message
        assert message.endswith(".")

        service = ChainService(tmp_path, down, new_account)
        status = await service.status()
        assert not status.connected
        assert url in status.message
        with pytest.raises(NodeUnavailable):
            await service.grant(new_account().address, os.urandom(32), Purpose.TREAT, 1)
        assert Journal(tmp_path).entries() == []

    run(scenario())


def test_wrong_chain_refused_before_signing(
    profile: NetworkProfile, funded: Callable[[], LocalAccount], tmp_path: Path
) -> None:
    wrong = replace(profile, name="mislabelled", chain_id=11155111, local=False)
    patient = funded()

    async def scenario() -> None:
        with pytest.raises(WrongChain) as info:
            await ChainClient.connect(wrong)
        assert "31337" in info.value.user_message
        assert "11155111" in info.value.user_message

        service = ChainService(tmp_path, wrong, lambda: patient)
        with pytest.raises(WrongChain, match="nothing was signed"):
            await service.grant(new_account().address, os.urandom(32), Purpose.TREAT, 1)
        assert Journal(tmp_path).entries() == []
        await service.close()

    run(scenario())


def test_revert_is_decoded_and_nothing_is_journaled(
    funded: Callable[[], LocalAccount], make_service: Callable[..., ChainService]
) -> None:
    patient = funded()

    async def scenario() -> None:
        service = make_service(patient)
        try:
            with pytest.raises(ContractReverted) as info:
                await service.revoke(new_account().address, os.urandom(32))
            assert info.value.error_name == "ConsentRegistryGrantNotFound"
            assert info.value.user_message == (
                "There is no active consent for this provider and share to revoke."
            )
            assert service.journal.entries() == []
        finally:
            await service.close()

    run(scenario())


def test_unauthorised_accreditation_names_the_role_problem(
    funded: Callable[[], LocalAccount], make_service: Callable[..., ChainService]
) -> None:
    stranger = funded()

    async def scenario() -> None:
        service = make_service(stranger)
        try:
            with pytest.raises(ContractReverted) as info:
                await service.accredit(new_account().address)
            assert info.value.error_name == "AccessControlUnauthorizedAccount"
            assert stranger.address in info.value.user_message
        finally:
            await service.close()

    run(scenario())


def test_insufficient_funds_is_a_sentence_saying_how_to_fund(
    make_service: Callable[..., ChainService],
) -> None:
    broke = new_account()

    async def scenario() -> None:
        service = make_service(broke)
        try:
            with pytest.raises(InsufficientFunds) as info:
                await service.grant(new_account().address, os.urandom(32), Purpose.TREAT, 1)
            message = info.value.user_message
            assert broke.address in message
            assert "chain fund" in message
            assert service.journal.entries() == []
        finally:
            await service.close()

    run(scenario())


def test_killed_node_journaled_grant_rebroadcast_exactly_once(tmp_path: Path) -> None:
    """SIGKILL the node while a signed, journaled grant is unmined; after a restart, reconcile
    sends the SAME signed bytes and exactly one ConsentGranted exists."""
    node = LocalNode(tmp_path / "chain", anvil=ANVIL)
    patient, provider = new_account(), new_account()
    share = os.urandom(32)
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)

    async def scenario() -> None:
        await node.start()
        await node.fund(patient.address)
        # A clean stop/start: the deployment is in state.json, and state survives a restart.
        assert await node.stop()
        status = await node.start()
        assert status.running
        assert status.contracts == node.profile().contracts
        await rpc(node.profile(), "evm_setAutomine", [False])

        service = ChainService(data_dir, node.profile(), lambda: patient, local_node=node)
        sent = await service.grant(provider.address, share, Purpose.TREAT, 5, wait=False)
        await service.close()
        entry = Journal(data_dir).get(sent.tx_hash)
        assert entry is not None
        assert entry.status == "pending"
        raw_before = entry.raw_tx

        record = node.record()
        assert record is not None
        os.kill(record.pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while (await node.status()).running and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        down = await node.status()
        assert not down.running

        await node.start()  # stale node.json handled; state reloaded (grant not in it)
        service = ChainService(data_dir, node.profile(), lambda: patient, local_node=node)
        try:
            client = await service.client()  # connecting reconciles the journal
            assert [(o.entry.tx_hash, o.action) for o in service.reconciled] == [
                (sent.tx_hash, "rebroadcast")
            ]
            receipt = await client.wait(sent.tx_hash)
            assert receipt.succeeded
            assert Journal(data_dir).get(sent.tx_hash).raw_tx == raw_before  # type: ignore[union-attr]
            consent = ConsentRegistryClient(client)
            assert await consent.is_authorized(patient.address, provider.address, share)
            granted = await client.logs(
                "ConsentRegistry", "ConsentGranted", filters={"patient": patient.address}
            )
            assert len(granted) == 1
            assert "0x" + bytes(granted[0]["transactionHash"]).hex() == sent.tx_hash
            # Reconciling again changes nothing and sends nothing.
            assert await service.reconcile() == []
        finally:
            await service.close()
            await node.stop()

    try:
        run(scenario())
    finally:
        run(node.stop())  # also when the scenario failed half-way: never orphan a node
