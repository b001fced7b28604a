"""The embedded local chain: deploy on first start, reuse after, state across stop/start, a stale
record, concurrent starts, and the local-only helpers."""

from __future__ import annotations

import asyncio
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from eth_account.signers.local import LocalAccount

from tests.chain.helpers import ANVIL, cast, new_account, run
from wallet.chain.localnode import LocalNode, find_anvil
from wallet.chain.registries import ProviderKind
from wallet.chain.service import ChainService
from wallet.consent import Purpose
from wallet.errors import WalletNotFound


def test_session_node_deployed_and_recorded(node: LocalNode) -> None:
    status = run(node.status())
    assert status.running
    assert status.chain_id == 31337
    assert set(status.contracts) == {"ProviderRegistry", "ConsentRegistry", "RecordAnchor"}
    for address in status.contracts.values():
        code = cast("code", "--rpc-url", str(status.rpc_url), address)
        assert len(code) > 100
    record = json.loads(node.node_file.read_text())
    assert record["rpc_url"] == status.rpc_url
    assert record["pid"] == status.pid
    assert record["rpc_url"].startswith("http://127.0.0.1:")
    assert stat.S_IMODE(node.node_file.stat().st_mode) == 0o600
    dep = node.deployment()
    assert dep is not None
    assert dep.contracts == status.contracts
    assert (
        f"{dep.chain_id}:{dep.genesis_hash}"
        in json.loads(node.deployment_file.read_text())["deployments"]
    )


def test_second_start_reuses_node_and_contracts(node: LocalNode) -> None:
    before = run(node.status())
    after = run(node.start())
    assert after.pid == before.pid
    assert after.contracts == before.contracts


def test_state_survives_stop_start_and_concurrent_starts_share_one_node(
    tmp_path: Path,
) -> None:
    home = tmp_path / "chain"
    patient, provider = new_account(), new_account()
    share = os.urandom(32)
    data = tmp_path / "data"
    data.mkdir(mode=0o700)

    async def scenario() -> None:
        first, second = LocalNode(home, anvil=ANVIL), LocalNode(home, anvil=ANVIL)
        a, b = await asyncio.gather(first.start(), second.start())
        assert a.pid == b.pid
        assert a.running
        contracts = dict(a.contracts)
        await first.fund(patient.address)
        service = ChainService(data, first.profile(), lambda: patient, local_node=first)
        await service.grant(provider.address, share, Purpose.TREAT, 10)
        await service.close()

        assert await first.stop()
        assert not (await first.status()).running
        assert not await first.stop()  # already stopped

        again = await first.start()
        assert again.pid != a.pid
        assert again.contracts == contracts
        service = ChainService(data, first.profile(), lambda: patient, local_node=first)
        try:
            assert await service.is_authorized(patient.address, provider.address, share)
        finally:
            await service.close()

    try:
        run(scenario())
    finally:
        run(LocalNode(home, anvil=ANVIL).stop())  # also after a half-way failure


def test_stale_record_is_replaced(tmp_path: Path) -> None:
    home = tmp_path / "chain"

    async def scenario() -> None:
        node = LocalNode(home, anvil=ANVIL)
        home.mkdir(mode=0o700)
        node.node_file.write_text(
            json.dumps(
                {
                    "pid": 2**22 - 3,
                    "port": 9,
                    "rpc_url": "http://127.0.0.1:9",
                    "chain_id": 31337,
                    "started_at": 0,
                }
            )
        )
        status = await node.status()
        assert not status.running
        started = await node.start()
        assert started.running
        assert started.rpc_url != "http://127.0.0.1:9"

    try:
        run(scenario())
    finally:
        run(LocalNode(home, anvil=ANVIL).stop())


def test_local_helpers(
    node: LocalNode,
    funded: Callable[[], LocalAccount],
    make_service: Callable[..., ChainService],
) -> None:
    accreditor, provider = funded(), funded()

    async def scenario() -> None:
        fresh = new_account()
        balance = await node.fund(fresh.address, 5 * 10**18)
        assert balance == 5 * 10**18
        await node.grant_accreditor(accreditor.address)
        provider_service = make_service(provider, "provider")
        accreditor_service = make_service(accreditor, "accreditor")
        try:
            await provider_service.register_provider(
                "Dr Ada Lovelace", ProviderKind.PROVIDER, "GMC-1815", os.urandom(32)
            )
            await accreditor_service.accredit(provider.address)
            info = await accreditor_service.show_provider(provider.address)
            assert info.accredited
            assert info.accredited_by == accreditor.address
            assert info.name == "Dr Ada Lovelace"
            assert info.licence == "GMC-1815"
            assert info.profile_verified
        finally:
            await provider_service.close()
            await accreditor_service.close()

    run(scenario())


def test_anvil_search_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATIENT_WALLET_ANVIL", str(ANVIL))
    assert find_anvil() == ANVIL
    monkeypatch.setenv("PATIENT_WALLET_ANVIL", str(tmp_path / "missing"))
    with pytest.raises(WalletNotFound, match="PATIENT_WALLET_ANVIL"):
        find_anvil()
    monkeypatch.delenv("PATIENT_WALLET_ANVIL")
    found = find_anvil()
    assert found.name == "anvil"
    assert "node_modules/.bin" not in str(found)
