"""Grant, revoke and expiry against a real anvil, checked with the real ``cast`` as an independent
client; consent lists for the patient and the provider; duplicate grants refused."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from eth_account.signers.local import LocalAccount

from tests.chain.helpers import cast, rpc, run
from wallet.chain.errors import DuplicateGrant
from wallet.chain.localnode import LocalNode
from wallet.chain.service import ChainService
from wallet.consent import Purpose
from wallet.errors import WalletValueError


def cast_authorized(node: LocalNode, patient: str, grantee: str, share: bytes) -> bool:
    profile = node.profile()
    out = cast(
        "call",
        "--rpc-url",
        profile.rpc_url,
        profile.contracts["ConsentRegistry"],
        "isAuthorized(address,address,bytes32)(bool)",
        patient,
        grantee,
        "0x" + share.hex(),
    )
    assert out in ("true", "false"), out
    return out == "true"


def test_grant_revoke_expiry_seen_by_cast(
    node: LocalNode,
    funded: Callable[[], LocalAccount],
    make_service: Callable[..., ChainService],
) -> None:
    patient, provider = funded(), funded()
    share_a, share_b = os.urandom(32), os.urandom(32)

    async def scenario() -> None:
        service = make_service(patient)
        try:
            assert not cast_authorized(node, patient.address, provider.address, share_a)
            sent = await service.grant(provider.address, share_a, Purpose.TREAT, days=30)
            assert sent.block_number is not None
            assert cast_authorized(node, patient.address, provider.address, share_a)
            assert await service.is_authorized(patient.address, provider.address, share_a)

            await service.revoke(provider.address, share_a)
            assert not cast_authorized(node, patient.address, provider.address, share_a)

            await service.grant(provider.address, share_b, Purpose.HRESCH, days=1)
            assert cast_authorized(node, patient.address, provider.address, share_b)
            await rpc(node.profile(), "evm_increaseTime", [86_400 + 1])
            await rpc(node.profile(), "evm_mine", [])
            assert not cast_authorized(node, patient.address, provider.address, share_b)

            mine = {c.share_id: c for c in await service.list_consents()}
            assert mine[share_a].status == "revoked"
            assert mine[share_b].status == "expired"
            assert mine[share_b].purpose is Purpose.HRESCH
        finally:
            await service.close()

        provider_view = make_service(provider, "provider")
        try:
            theirs = {c.share_id: c.status for c in await provider_view.consents_for_me()}
            assert theirs == {share_a: "revoked", share_b: "expired"}
        finally:
            await provider_view.close()

    run(scenario())


def test_duplicate_grant_refused_active_and_pending(
    node: LocalNode,
    funded: Callable[[], LocalAccount],
    make_service: Callable[..., ChainService],
) -> None:
    patient, provider = funded(), funded()
    share_active, share_pending = os.urandom(32), os.urandom(32)

    async def scenario() -> None:
        service = make_service(patient)
        try:
            await service.grant(provider.address, share_active, Purpose.TREAT, days=7)
            with pytest.raises(DuplicateGrant, match="already has active consent"):
                await service.grant(provider.address, share_active, Purpose.TREAT, days=7)

            await rpc(node.profile(), "evm_setAutomine", [False])
            try:
                first = await service.grant(
                    provider.address, share_pending, Purpose.TREAT, days=7, wait=False
                )
                with pytest.raises(DuplicateGrant, match="already waiting to be mined"):
                    await service.grant(provider.address, share_pending, Purpose.TREAT, days=7)
                listed = {c.share_id: c for c in await service.list_consents()}
                assert listed[share_pending].status == "pending"
                assert listed[share_pending].purpose is Purpose.TREAT
                assert listed[share_pending].tx_hash == first.tx_hash
                assert listed[share_active].status == "active"
            finally:
                await rpc(node.profile(), "evm_setAutomine", [True])
            await rpc(node.profile(), "evm_mine", [])
            client = await service.client()
            receipt = await client.wait(first.tx_hash)
            assert receipt.succeeded
            granted = await client.logs(
                "ConsentRegistry",
                "ConsentGranted",
                filters={"patient": patient.address, "shareId": share_pending},
            )
            assert len(granted) == 1
            assert service.pending() == []
        finally:
            await service.close()

    run(scenario())


def test_emergency_grant_capped_before_signing(
    funded: Callable[[], LocalAccount], make_service: Callable[..., ChainService]
) -> None:
    patient, provider = funded(), funded()

    async def scenario() -> None:
        service = make_service(patient)
        try:
            with pytest.raises(WalletValueError, match="at most 72 hours"):
                await service.grant(provider.address, os.urandom(32), Purpose.ETREAT, days=4)
            assert service.journal.entries() == []
            sent = await service.grant(provider.address, os.urandom(32), Purpose.ETREAT, days=3)
            assert sent.block_number is not None
            consents = await service.list_consents()
            assert [c.emergency for c in consents] == [True]
        finally:
            await service.close()

    run(scenario())
