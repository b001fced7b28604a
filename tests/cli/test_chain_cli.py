"""The CLI contract for the chain: chain, contracts, provider and consent, on a real anvil.

An independent client (Foundry's ``cast``) checks what the CLI did on chain.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cli.helpers import ABANDON, Cli, assert_one_sentence_error

REPO = Path(__file__).resolve().parents[2]
CAST = REPO / "contracts/node_modules/@foundry-rs/cast-linux-amd64/bin/cast"
SHARE = "0x" + "5a" * 32

pytestmark = [pytest.mark.chain, pytest.mark.slow]


def cast(*args: str) -> str:
    return subprocess.run(
        [str(CAST), *args], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()


@pytest.fixture(scope="module")
def chain_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("chain-home")
    yield home
    node = home / "node.json"
    if node.exists():
        pid = json.loads(node.read_text())["pid"]
        subprocess.run(["kill", str(pid)], check=False)


@pytest.fixture
def chain_cli(
    make_cli: Callable[[str], Cli], chain_home: Path, tmp_path: Path
) -> Callable[[str, str | None], Cli]:
    """A CLI on the shared test chain; with ``words`` the wallet is restored from them first."""

    def make(name: str, words: str | None = None) -> Cli:
        cli = make_cli(name)
        cli.env["PATIENT_WALLET_CHAIN_HOME"] = str(chain_home)
        if words is None:
            cli("init", "--mnemonic-out", str(tmp_path / f"{name}.words"), check=True)
        else:
            (tmp_path / f"{name}.words").write_text(words)
            cli("restore", "--mnemonic-file", str(tmp_path / f"{name}.words"), check=True)
        return cli

    return make


def rpc_url(chain_home: Path) -> str:
    return str(json.loads((chain_home / "node.json").read_text())["rpc_url"])


def authorized(chain_home: Path, consent: str, patient: str, provider: str, share: str) -> str:
    return cast(
        "call",
        "--rpc-url",
        rpc_url(chain_home),
        consent,
        "isAuthorized(address,address,bytes32)(bool)",
        patient,
        provider,
        share,
    )


def test_chain_lifecycle_and_contract_addresses(chain_cli, chain_home: Path) -> None:
    patient = chain_cli("patient", ABANDON)
    status = json.loads(patient("chain", "status", "--json", check=True).stdout)
    if not status["running"]:
        assert "chain start" in status["message"]
        patient("chain", "start", check=True)
    status = json.loads(patient("chain", "status", "--json", check=True).stdout)
    assert status["running"] is True
    assert status["chain_id"] == 31337
    assert status["block"] >= 3  # three deployments
    addresses = json.loads(patient("contracts", "addresses", "--json", check=True).stdout)
    assert set(addresses) == {"ProviderRegistry", "ConsentRegistry", "RecordAnchor"}
    code = cast("code", "--rpc-url", rpc_url(chain_home), addresses["ConsentRegistry"])
    assert len(code) > 100
    again = patient("chain", "start", check=True)  # idempotent: same node, same contracts
    assert rpc_url(chain_home) in again.stdout
    assert json.loads(patient("contracts", "addresses", "--json", check=True).stdout) == addresses


def test_provider_registration_and_accreditation(chain_cli) -> None:
    provider = chain_cli("provider")
    provider("chain", "start", check=True)
    address = provider("address", check=True).stdout.strip()
    tx = provider("provider", "register", "--name", "Northside Lab", "--kind", "lab", check=True)
    assert tx.stdout.strip().startswith("0x")
    shown = json.loads(provider("provider", "show", address, "--json", check=True).stdout)
    assert shown["registered"] is True
    assert shown["name"] == "Northside Lab"
    assert shown["kind"] == "lab"
    assert shown["recipient"] == provider("recipient", check=True).stdout.strip()
    assert shown["accredited"] is False
    assert_one_sentence_error(provider("provider", "register", "--name", "Again"), "already")

    outsider = chain_cli("outsider")
    assert_one_sentence_error(outsider("provider", "accredit", address), "not an accreditor")
    accreditor = chain_cli("accreditor")
    accreditor_address = accreditor("address", check=True).stdout.strip()
    accreditor("chain", "add-accreditor", accreditor_address, check=True)
    accreditor("provider", "accredit", address, check=True)
    shown = json.loads(provider("provider", "show", address, "--json", check=True).stdout)
    assert shown["accredited"] is True
    assert shown["accredited_by"] == accreditor_address


def test_grant_revoke_expiry_seen_by_cast(chain_cli, chain_home: Path) -> None:
    patient = chain_cli("patient", ABANDON)
    patient("chain", "start", check=True)
    provider = chain_cli("provider2")
    provider_address = provider("address", check=True).stdout.strip()
    patient_address = patient("address", check=True).stdout.strip()
    consent = json.loads(patient("contracts", "addresses", "--json", check=True).stdout)[
        "ConsentRegistry"
    ]
    share = "0x" + "5b" * 32

    grant = patient(
        "consent",
        "grant",
        provider_address,
        "--share-id",
        share,
        "--purpose",
        "TREAT",
        "--days",
        "1",
        check=True,
    )
    assert grant.stdout.strip().startswith("0x")
    assert authorized(chain_home, consent, patient_address, provider_address, share) == "true"
    rows = json.loads(patient("consent", "list", "--json", check=True).stdout)
    mine = [r for r in rows if r["share_id"] == share]
    assert [r["status"] for r in mine] == ["active"]
    assert mine[0]["purpose"] == "TREAT"
    received = json.loads(provider("consent", "list", "--received", "--json", check=True).stdout)
    assert [r["patient"] for r in received if r["share_id"] == share] == [patient_address]
    assert_one_sentence_error(
        patient(
            "consent",
            "grant",
            provider_address,
            "--share-id",
            share,
            "--purpose",
            "TREAT",
            "--days",
            "1",
        ),
        "already",
    )

    patient("consent", "revoke", provider_address, "--share-id", share, check=True)
    assert authorized(chain_home, consent, patient_address, provider_address, share) == "false"
    rows = json.loads(patient("consent", "list", "--json", check=True).stdout)
    assert [r["status"] for r in rows if r["share_id"] == share] == ["revoked"]
    assert_one_sentence_error(
        patient("consent", "revoke", provider_address, "--share-id", share), "no active consent"
    )

    expiring = "0x" + "5c" * 32
    patient(
        "consent",
        "grant",
        provider_address,
        "--share-id",
        expiring,
        "--purpose",
        "HPAYMT",
        "--days",
        "1",
        check=True,
    )
    assert authorized(chain_home, consent, patient_address, provider_address, expiring) == "true"
    cast("rpc", "--rpc-url", rpc_url(chain_home), "evm_increaseTime", "172800")
    cast("rpc", "--rpc-url", rpc_url(chain_home), "evm_mine")
    assert authorized(chain_home, consent, patient_address, provider_address, expiring) == "false"
    rows = json.loads(patient("consent", "list", "--json", check=True).stdout)
    assert [r["status"] for r in rows if r["share_id"] == expiring] == ["expired"]


def test_bad_input_and_faults_are_sentences(chain_cli, chain_home: Path) -> None:
    patient = chain_cli("patient", ABANDON)
    patient("chain", "start", check=True)
    provider = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    args = ("consent", "grant", provider, "--share-id", SHARE, "--days", "3")
    assert_one_sentence_error(patient(*args, "--purpose", "BOGUS"), "BOGUS")
    assert_one_sentence_error(
        patient(
            "consent", "grant", provider, "--share-id", "0x12", "--purpose", "TREAT", "--days", "3"
        ),
        "share id",
    )
    assert_one_sentence_error(
        patient(
            "consent",
            "grant",
            provider.lower()[:-1],
            "--share-id",
            SHARE,
            "--purpose",
            "TREAT",
            "--days",
            "3",
        ),
        "39 hex digits",
    )
    typo = provider[:-1] + ("c" if provider[-1] == "C" else "C")  # a wrong EIP-55 letter case
    assert_one_sentence_error(
        patient("consent", "grant", typo, "--share-id", SHARE, "--purpose", "TREAT", "--days", "3"),
        "checksum",
    )
    assert_one_sentence_error(
        patient(
            "consent",
            "grant",
            provider,
            "--share-id",
            SHARE,
            "--purpose",
            "ETREAT",
            "--days",
            "3.5",
        ),
        "72 hours",
    )
    assert_one_sentence_error(
        patient("--rpc", "http://127.0.0.1:9", *args, "--purpose", "TREAT"), "127.0.0.1:9"
    )
    assert_one_sentence_error(patient("--network", "nowhere", "chain", "status"), "nowhere")
    # A profile that claims another chain id for the local node is refused before signing.
    addresses = json.loads(patient("contracts", "addresses", "--json", check=True).stdout)
    contracts = "\n".join(f'{name} = "{addr}"' for name, addr in addresses.items())
    (patient.data_dir / "networks.toml").write_text(
        "format_version = 1\n[networks.liar]\n"
        f'rpc_url = "{rpc_url(chain_home)}"\nchain_id = 1\n[networks.liar.contracts]\n{contracts}\n'
    )
    assert_one_sentence_error(patient("--network", "liar", *args, "--purpose", "TREAT"), "chain")
    rows = json.loads(patient("consent", "list", "--json", check=True).stdout)
    assert [r for r in rows if r["share_id"] == SHARE] == []  # nothing above was granted


def test_unknown_share_id_is_refused_before_any_chain_is_reached(
    restored: Cli, tmp_path: Path
) -> None:
    """`share grant|revoke|bundle` with an id the ledger lacks: one sentence, no node started."""
    chain_home = tmp_path / "untouched-chain-home"
    restored.env["PATIENT_WALLET_CHAIN_HOME"] = str(chain_home)
    unknown = "0x" + "ab" * 32
    for args in (
        ("share", "grant", unknown),
        ("share", "revoke", unknown),
        ("share", "bundle", unknown, "--out", str(tmp_path / "b.pwshare")),
    ):
        assert_one_sentence_error(restored(*args), "No share with id 0xabababababababab")
    assert not chain_home.exists()
    assert not (tmp_path / "b.pwshare").exists()
