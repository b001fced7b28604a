"""A share whose grant failed after its bundle was written is finished later, not lost or doubled.

In process, on a real anvil: the patient's grant transaction fails (the node "goes away" for that
one call), which leaves the share in state ``created`` with its bundle and parts on disk; then
``ShareService.grant_again`` sends it, the provider opens the bundle, and a second call refuses.
A share whose grant was mined but whose ledger update was lost is brought up to date without a
second transaction.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.chain.helpers import local_chain, run
from tests.ui.conftest import PASSWORD
from wallet.chain.errors import NodeUnavailable
from wallet.chain.registries import ProviderKind
from wallet.consent import Purpose
from wallet.datadir import DataDir
from wallet.errors import WalletValueError
from wallet.events import EventBus
from wallet.kdf import KdfParams
from wallet.service import WalletService

pytestmark = [pytest.mark.chain, pytest.mark.slow]


def _wallet(root: Path) -> WalletService:
    service = WalletService(DataDir(root), events=EventBus(), kdf_factory=KdfParams.fast_for_tests)
    service.create(PASSWORD, words=12)
    return service


def test_a_share_whose_grant_failed_is_granted_again_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with local_chain(tmp_path / "chain-home") as node:
        profile = node.profile()
        provider = _wallet(tmp_path / "provider")
        patient = _wallet(tmp_path / "patient")
        source = tmp_path / "blood.txt"
        source.write_bytes(b"haemoglobin 14.1\n" * 5000)
        record = patient.vault.import_file(source)
        bundle = tmp_path / "bundles" / "ada.pwshare"
        bundle.parent.mkdir()

        async def scenario() -> None:
            provider_chain = provider.chain(profile)
            patient_chain = patient.chain(profile)
            try:
                await provider_chain.fund(provider.address(0))
                await provider_chain.register_provider(
                    "Dr Ada Clinic",
                    ProviderKind.PROVIDER,
                    None,
                    provider.session.identity.recipient().public_bytes(),
                )
                await patient_chain.fund(patient.address(0))
                shares = patient.shares()
                info = await shares.find_provider(patient_chain, provider.address(0))

                async def node_gone(*_args: object, **_kwargs: object) -> None:
                    raise NodeUnavailable("The chain node is not answering; try again later.")

                with monkeypatch.context() as patched:
                    patched.setattr(patient_chain, "grant", node_gone)
                    with pytest.raises(NodeUnavailable):
                        await shares.create(
                            patient_chain, info, [record.id], Purpose.TREAT, 7, bundle
                        )
                [status] = await shares.statuses(patient_chain)
                assert status.status == "not granted" and status.entry.state == "created"
                share_id = status.entry.share_id
                assert bundle.is_file()  # written before the grant, and kept

                again = await shares.grant_again(patient_chain, share_id)
                assert again.share_id == "0x" + share_id and again.tx_hash.startswith("0x")
                assert await patient_chain.is_authorized(
                    patient.address(0), provider.address(0), share_id
                )
                [status] = await shares.statuses(patient_chain)
                assert status.status == "active" and status.entry.grant_tx == again.tx_hash
                with pytest.raises(WalletValueError, match="never sent"):
                    await shares.grant_again(patient_chain, share_id)

                # Mined, but the ledger update was lost: brought up to date, nothing sent.
                shares.ledger.update(share_id, state="created")
                sent_before = len(await patient_chain.list_consents())
                same = await shares.grant_again(patient_chain, share_id)
                assert same.tx_hash == again.tx_hash and same.expires_at == again.expires_at
                assert len(await patient_chain.list_consents()) == sent_before
                assert shares.ledger.get(share_id).state == "granted"

                opened = await provider.shares().open_bundle(
                    provider_chain, bundle, tmp_path / "opened"
                )
                assert [r.path.read_bytes() for r in opened] == [source.read_bytes()]
            finally:
                await provider_chain.close()
                await patient_chain.close()

        run(scenario())
