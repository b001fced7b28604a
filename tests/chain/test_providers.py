"""The provider registry through the service: register, show (profile checked against its hash),
rotate, accredit/withdraw, deregister, and the refusals as sentences."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace

import pytest
from eth_account.signers.local import LocalAccount

from tests.chain.helpers import new_account, run
from wallet.chain.client import ContractReverted
from wallet.chain.localnode import LocalNode, operator_account
from wallet.chain.registries import ProviderKind, parse_kind
from wallet.chain.service import ChainService
from wallet.errors import ChainError, WalletValueError


def test_provider_lifecycle(
    node: LocalNode,
    funded: Callable[[], LocalAccount],
    make_service: Callable[..., ChainService],
) -> None:
    provider = funded()
    operator = operator_account()
    key1, key2 = os.urandom(32), os.urandom(32)

    async def scenario() -> None:
        mine = make_service(provider, "provider")
        admin = make_service(operator, "operator")
        try:
            unknown = await mine.show_provider(provider.address)
            assert not unknown.registered
            assert unknown.name is None

            await mine.register_provider("Ward 7 Lab", ProviderKind.LAB, None, key1)
            info = await mine.show_provider(provider.address)
            assert info.registered
            assert info.kind is ProviderKind.LAB
            assert info.encryption_key == key1
            assert info.name == "Ward 7 Lab"
            assert info.licence is None
            assert info.profile_verified
            assert not info.accredited

            with pytest.raises(ContractReverted, match="already registered as a provider"):
                await mine.register_provider("Ward 7 Lab", ProviderKind.LAB, None, key1)

            await mine.rotate_provider_key(key2)
            assert (await mine.show_provider(provider.address)).encryption_key == key2

            await admin.accredit(provider.address)
            assert (await mine.show_provider(provider.address)).accredited
            with pytest.raises(ContractReverted, match="already accredited"):
                await admin.accredit(provider.address)
            await admin.withdraw_accreditation(provider.address)
            assert not (await mine.show_provider(provider.address)).accredited

            await mine.deregister_provider()
            assert not (await mine.show_provider(provider.address)).registered
            with pytest.raises(ContractReverted, match="not registered as a provider"):
                await admin.accredit(provider.address)
        finally:
            await mine.close()
            await admin.close()

    run(scenario())


def test_local_only_helpers_refuse_other_networks(
    node: LocalNode, make_service: Callable[..., ChainService]
) -> None:
    service = make_service(new_account())
    service.profile = replace(service.profile, local=False, name="besu")

    async def scenario() -> None:
        with pytest.raises(ChainError, match="only possible on the local chain"):
            await service.fund()
        await service.close()

    run(scenario())


def test_kinds_and_profile_validation(make_service: Callable[..., ChainService]) -> None:
    assert parse_kind("pharmacy") is ProviderKind.PHARMACY
    assert parse_kind(2) is ProviderKind.INSURER
    with pytest.raises(WalletValueError, match="provider kind"):
        parse_kind("wizard")
    service = make_service(new_account())

    async def scenario() -> None:
        try:
            with pytest.raises(WalletValueError, match="name"):
                await service.register_provider("  ", ProviderKind.OTHER, None, os.urandom(32))
            with pytest.raises(WalletValueError, match="32 bytes"):
                await service.register_provider("X", ProviderKind.OTHER, None, b"short")
        finally:
            await service.close()

    run(scenario())
