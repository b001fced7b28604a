"""The follower reports a grant and a revoke within one block, to the patient's view and to the
provider's view, and reports a node outage as a ConnectionChanged event."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from eth_account.signers.local import LocalAccount

from tests.chain.helpers import new_account, run
from wallet.chain.client import ChainClient
from wallet.chain.follower import BlockSeen, ConnectionChanged, ConsentChanged, Follower
from wallet.chain.profiles import NetworkProfile
from wallet.chain.service import ChainService
from wallet.consent import Purpose


async def next_consent(follower: Follower, max_polls: int = 20) -> tuple[ConsentChanged, int]:
    """Poll until a ConsentChanged arrives; return it and the head block seen in that poll."""
    for _ in range(max_polls):
        batch = await follower.poll()
        changes = [e for e in batch if isinstance(e, ConsentChanged)]
        if changes:
            heads = [e.number for e in batch if isinstance(e, BlockSeen)]
            return changes[0], heads[-1]
        await asyncio.sleep(0.05)
    raise AssertionError("no consent event seen")


def test_grant_and_revoke_seen_within_one_block_by_both_views(
    funded: Callable[[], LocalAccount], make_service: Callable[..., ChainService]
) -> None:
    patient, provider, other = funded(), funded(), funded()
    share = os.urandom(32)

    async def scenario() -> None:
        patient_service = make_service(patient, "patient")
        provider_service = make_service(provider, "provider")
        other_service = make_service(other, "other")
        try:
            patient_view = await patient_service.follower(interval=0.05)
            provider_view = await provider_service.follower(interval=0.05)
            other_view = await other_service.follower(interval=0.05)
            for f in (patient_view, provider_view, other_view):
                await f.poll()  # anchor at the current head

            sent = await patient_service.grant(provider.address, share, Purpose.TREAT, 3)
            for view in (patient_view, provider_view):
                event, head = await next_consent(view)
                assert event.change == "granted"
                assert (event.patient, event.grantee, event.share_id) == (
                    patient.address,
                    provider.address,
                    share,
                )
                assert event.purpose is Purpose.TREAT
                assert event.tx_hash == sent.tx_hash
                assert event.block_number == sent.block_number
                assert head - event.block_number <= 1

            revoked = await patient_service.revoke(provider.address, share)
            for view in (patient_view, provider_view):
                event, head = await next_consent(view)
                assert event.change == "revoked"
                assert event.block_number == revoked.block_number
                assert head - event.block_number <= 1

            unrelated = [e for e in await other_view.poll() if isinstance(e, ConsentChanged)]
            assert unrelated == []
        finally:
            for s in (patient_service, provider_service, other_service):
                await s.close()

    run(scenario())


def test_run_delivers_events_to_a_callback(
    funded: Callable[[], LocalAccount], make_service: Callable[..., ChainService]
) -> None:
    patient, provider = funded(), funded()

    async def scenario() -> None:
        service = make_service(patient)
        seen: list[ConsentChanged] = []
        try:
            follower = await service.follower(interval=0.05)
            await follower.poll()

            async def on_event(event: object) -> None:
                if isinstance(event, ConsentChanged):
                    seen.append(event)
                    follower.stop()

            task = asyncio.create_task(follower.run(on_event))
            await service.grant(provider.address, os.urandom(32), Purpose.HOPERAT, 1)
            await asyncio.wait_for(task, timeout=5)
            assert [e.change for e in seen] == ["granted"]
        finally:
            await service.close()

    run(scenario())


def test_outage_becomes_a_connection_event(profile: NetworkProfile, tmp_path: Path) -> None:
    async def scenario() -> None:
        down = replace(profile, rpc_url="http://127.0.0.1:9")
        client = ChainClient(down, timeout=2.0)
        follower = Follower(client, watch=[new_account().address], interval=0.05)
        events = follower.events()
        try:
            first = await asyncio.wait_for(anext(events), timeout=10)
            assert isinstance(first, ConnectionChanged)
            assert not first.connected
            assert "http://127.0.0.1:9" in first.message
        finally:
            follower.stop()
            await events.aclose()
            await client.close()

    run(scenario())
