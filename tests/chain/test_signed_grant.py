"""EIP-712 signed grants: the Python typed data matches the deployed contract, a grant signed by
the patient and relayed by another account takes effect, and a replay reverts."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace

import pytest
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount

from tests.chain.helpers import new_account, run
from wallet.chain.client import ContractReverted
from wallet.chain.registries import ConsentRegistryClient
from wallet.chain.service import ChainService
from wallet.consent import GrantRequest, Purpose, grant_typed_data


def test_domain_separator_matches_contract(
    funded: Callable[[], LocalAccount], make_service: Callable[..., ChainService]
) -> None:
    account = funded()

    async def scenario() -> None:
        service = make_service(account)
        try:
            client = await service.client()
            consent = client.contract("ConsentRegistry")
            on_chain = bytes(await client.call(consent.functions.DOMAIN_SEPARATOR()))
            request = GrantRequest(
                new_account().address, new_account().address, os.urandom(32), Purpose.TREAT, 1, 0, 1
            )
            message = grant_typed_data(
                request, chain_id=client.chain_id, verifying_contract=consent.address
            )
            signable = encode_typed_data(full_message=message)
            # EIP-191 version 0x01: header is the domain separator.
            assert signable.header == on_chain
        finally:
            await service.close()

    run(scenario())


def test_relayed_signed_grant_works_and_replay_reverts(
    funded: Callable[[], LocalAccount], make_service: Callable[..., ChainService]
) -> None:
    patient = new_account()  # no funds: the relayer pays
    relayer, provider = funded(), funded()
    share = os.urandom(32)

    async def scenario() -> None:
        patient_service = make_service(patient, "patient")
        relay_service = make_service(relayer, "relayer")
        try:
            signed = await patient_service.sign_grant(
                provider.address, share, Purpose.PATRQT, days=2
            )
            assert patient_service.journal.entries() == []
            sent = await relay_service.relay_grant(signed)
            assert sent.block_number is not None
            assert await relay_service.is_authorized(patient.address, provider.address, share)
            state = await relay_service.get_grant(patient.address, provider.address, share)
            assert state.purpose is Purpose.PATRQT
            assert state.active

            with pytest.raises(ContractReverted) as info:
                await relay_service.relay_grant(signed)
            assert info.value.error_name == "ConsentRegistryInvalidSignature"
            assert "already used" in info.value.user_message

            client = await relay_service.client()
            consent = ConsentRegistryClient(client)
            assert await consent.nonce(patient.address) == 1
            forged = replace(signed, request=replace(signed.request, purpose=Purpose.HRESCH))
            with pytest.raises(ContractReverted):
                await relay_service.relay_grant(forged)
        finally:
            await patient_service.close()
            await relay_service.close()

    run(scenario())
