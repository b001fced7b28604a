"""Sharing end to end through the REAL ``patient-wallet`` CLI on a real local anvil chain.

One scenario (module fixture) runs what a patient, two providers and an accreditor do, in order;
the tests then check its outcome: byte-identical files for the shared records and nothing else,
refusal after revoke, rotated keys (a first-bundle key cannot decrypt a later bundle's payloads),
no marker string on chain or on disk outside the providers' chosen folders, and one-sentence
errors for bad input.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.cli.helpers import Cli, Result, assert_one_sentence_error
from wallet.age import AgePayloadError, X25519Identity, decrypt_payload, unwrap_file_key
from wallet.age.format import parse_header
from wallet.share import read_bundle

pytestmark = [pytest.mark.chain, pytest.mark.slow]

MARKERS = ["MARKER-ALPHA-Q7Z1", "MARKER-BRAVO-K2X9", "MARKER-CHARLIE-P4W6"]


@dataclass
class Scenario:
    root: Path
    chain_home: Path
    patient: Cli
    provider: Cli
    provider2: Cli
    accreditor: Cli
    ids: list[str]
    contents: list[bytes]
    share1: str = ""
    share2: str = ""
    bundle1: Path = Path()
    bundle2: Path = Path()
    results: dict[str, Result] = field(default_factory=dict)


def _cli(root: Path, name: str, env: dict[str, str]) -> Cli:
    cli = Cli(root / name, env)
    cli("init", "--mnemonic-out", str(root / f"{name}.words"), check=True)
    return cli


def _address(cli: Cli) -> str:
    return cli("address", check=True).stdout.strip()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    root = tmp_path_factory.mktemp("share-e2e")
    chain_home = root / "chain-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATIENT_WALLET_")}
    env |= {
        "PATIENT_WALLET_INSECURE_FAST_KDF": "1",
        "HOME": str(root / "home"),
        "PATIENT_WALLET_CHAIN_HOME": str(chain_home),
    }
    try:
        provider = _cli(root, "provider", env)
        provider("chain", "start", check=True)
        provider(
            "provider", "register", "--name", "Dr Ada Clinic", "--kind", "provider", check=True
        )
        accreditor = _cli(root, "accreditor", env)
        accreditor("chain", "add-accreditor", _address(accreditor), check=True)
        accreditor("provider", "accredit", _address(provider), check=True)

        patient = _cli(root, "patient", env)
        sources = root / "sources"
        sources.mkdir()
        contents = [
            (f"{MARKERS[0]} blood panel\n".encode() * 9000),  # several STREAM chunks
            f"{MARKERS[1]} allergy list\n".encode(),
            f"{MARKERS[2]} psychiatric note\n".encode(),
        ]
        ids = []
        for name, data in zip(["blood.txt", "allergies.txt", "note.txt"], contents, strict=True):
            (sources / name).write_bytes(data)
            ids.append(patient("records", "import", str(sources / name), check=True).stdout.strip())
        shutil.rmtree(sources)
        yield Scenario(root, chain_home, patient, provider, None, accreditor, ids, contents)  # type: ignore[arg-type]
    finally:
        node = chain_home / "node.json"
        if node.exists():
            subprocess.run(["kill", str(json.loads(node.read_text())["pid"])], check=False)


def _share_two_records(s: Scenario, target: str, bundle: Path, name: str) -> str:
    """`share create` of the first two records for 7 days of TREAT; returns the share id."""
    created = s.patient(
        "share",
        "create",
        target,
        "--records",
        f"{s.ids[0]},{s.ids[1]}",
        "--purpose",
        "TREAT",
        "--days",
        "7",
        "--out",
        str(bundle),
    )
    s.results[name] = created
    assert created.returncode == 0, created.stderr
    return created.stdout.split()[0]


@pytest.fixture(scope="module")
def shared(scenario: Scenario) -> Scenario:
    """Share A,B with provider 1 (by QR), open, revoke, re-open; share again with provider 2."""
    s, root = scenario, scenario.root
    qr = root / "provider-qr.png"
    s.provider("qr", "mine", "--out", str(qr), check=True)
    s.bundle1 = root / "bundles" / "one.pwshare"
    s.bundle1.parent.mkdir()
    s.share1 = _share_two_records(s, str(qr), s.bundle1, "create1")
    s.results["open1"] = s.provider(
        "provider", "open", str(s.bundle1), "--out", str(root / "opened" / "one")
    )
    s.results["list1"] = s.patient("share", "list", "--json")
    s.results["revoke1"] = s.patient("share", "revoke", s.share1)
    s.results["open1-again"] = s.provider(
        "provider", "open", str(s.bundle1), "--out", str(root / "opened" / "one-again")
    )

    s.provider2 = _cli(root, "provider2", {**s.patient.env})
    s.provider2("provider", "register", "--name", "Northside Lab", "--kind", "lab", check=True)
    s.bundle2 = root / "bundles" / "two.pwshare"
    s.share2 = _share_two_records(s, _address(s.provider2), s.bundle2, "create2")
    s.results["open2"] = s.provider2(
        "provider", "open", str(s.bundle2), "--out", str(root / "opened" / "two")
    )
    s.results["list2"] = s.patient("share", "list", "--json")
    s.results["rebuild2"] = s.patient(
        "share", "bundle", s.share2, "--out", str(root / "bundles" / "two-again.pwshare")
    )
    s.results["open2-rebuilt"] = s.provider2(
        "provider",
        "open",
        str(root / "bundles" / "two-again.pwshare"),
        "--out",
        str(root / "opened" / "two-rebuilt"),
    )
    s.results["rebuild1"] = s.patient(
        "share", "bundle", s.share1, "--out", str(root / "bundles" / "one-again.pwshare")
    )
    return s


def test_provider_gets_exactly_the_shared_records(shared: Scenario) -> None:
    created = shared.results["create1"]
    share_id, tx_hash = created.stdout.split()
    assert len(share_id) == 66 and len(tx_hash) == 66
    assert "Accredited by " + _address(shared.accreditor) in created.stderr
    assert "cannot be recalled" in created.stderr
    opened = shared.results["open1"]
    assert opened.returncode == 0, opened.stderr
    files = sorted((shared.root / "opened" / "one").iterdir())
    assert [f.name for f in files] == ["allergies.txt", "blood.txt"]
    assert {f.read_bytes() for f in files} == {shared.contents[0], shared.contents[1]}
    assert not any(MARKERS[2].encode() in f.read_bytes() for f in files)


def test_revoke_refuses_later_opens_and_rotates_keys(shared: Scenario) -> None:
    assert shared.results["revoke1"].returncode == 0, shared.results["revoke1"].stderr
    assert_one_sentence_error(shared.results["open1-again"], "revoked")
    assert not (shared.root / "opened" / "one-again").exists()
    versions = {
        r["id"]: r["version"]
        for r in json.loads(shared.patient("records", "list", "--json", check=True).stdout)
    }
    assert [versions[i] for i in shared.ids] == [2, 2, 1]
    before = {r["share_id"]: r["status"] for r in json.loads(shared.results["list1"].stdout)}
    after = {r["share_id"]: r["status"] for r in json.loads(shared.results["list2"].stdout)}
    assert before == {shared.share1: "active"}
    assert after == {shared.share1: "revoked", shared.share2: "active"}
    names = {r["share_id"]: r["provider_name"] for r in json.loads(shared.results["list2"].stdout)}
    assert names == {shared.share1: "Dr Ada Clinic", shared.share2: "Northside Lab"}


def test_a_lost_bundle_is_written_again_identical(shared: Scenario) -> None:
    """`share bundle` rebuilds the bundle the grant names, byte for byte, from vault + ledger."""
    rebuilt = shared.results["rebuild2"]
    assert rebuilt.returncode == 0, rebuilt.stderr
    again = shared.root / "bundles" / "two-again.pwshare"
    assert again.read_bytes() == shared.bundle2.read_bytes()
    assert shared.results["open2-rebuilt"].returncode == 0, shared.results["open2-rebuilt"].stderr
    files = sorted((shared.root / "opened" / "two-rebuilt").iterdir())
    assert {f.read_bytes() for f in files} == {shared.contents[0], shared.contents[1]}
    # Share 1 was revoked (and its records rotated): its bundle is not made again.
    assert_one_sentence_error(shared.results["rebuild1"], "was revoked")
    shares_dir = shared.patient.data_dir / "shares"
    assert not (shares_dir / f"{shared.share1[2:]}.parts").exists()  # forgotten on revoke
    assert (shares_dir / f"{shared.share2[2:]}.parts").is_file()
    assert not (shared.root / "bundles" / "one-again.pwshare").exists()


def test_second_provider_opens_and_first_keys_do_not_decrypt_it(shared: Scenario) -> None:
    assert shared.results["open2"].returncode == 0, shared.results["open2"].stderr
    files = sorted((shared.root / "opened" / "two").iterdir())
    assert {f.read_bytes() for f in files} == {shared.contents[0], shared.contents[1]}

    key_file = shared.root / "provider1.age-identity"
    shared.provider("identity", "export-age", "--out", str(key_file), check=True)
    secret = next(
        line for line in key_file.read_text().splitlines() if line.startswith("AGE-SECRET-KEY-")
    )
    identity = X25519Identity.from_string(secret)
    with read_bundle(shared.bundle1) as first, read_bundle(shared.bundle2) as second:
        old_keys = []
        for span in first.records:
            header, offset = parse_header(first.read(span, 0, 4096))
            old_keys.append(unwrap_file_key(header, [identity]))
        for old_key, span in zip(old_keys, second.records, strict=True):
            _, offset = parse_header(second.read(span, 0, 4096))
            sink = io.BytesIO()
            with pytest.raises(AgePayloadError):
                decrypt_payload(second.reader(span, offset), sink, old_key)
            assert sink.getvalue() == b""


def _rpc(url: str, method: str, params: list[Any]) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["result"]


def _needles() -> list[bytes]:
    needles = []
    for marker in MARKERS:
        for text in (marker, marker.lower()):
            needles += [text.encode("utf-8"), text.encode("utf-16-le")]
    return needles


def test_no_marker_on_chain_or_on_disk(shared: Scenario) -> None:
    needles = _needles()
    hex_needles = [n.hex() for n in needles]
    url = json.loads((shared.chain_home / "node.json").read_text())["rpc_url"]
    head = int(_rpc(url, "eth_blockNumber", []), 16)
    transactions = 0
    for number in range(head + 1):
        block = _rpc(url, "eth_getBlockByNumber", [hex(number), True])
        for tx in block["transactions"]:
            transactions += 1
            assert not any(h in tx["input"].lower() for h in hex_needles), tx["hash"]
    logs = _rpc(url, "eth_getLogs", [{"fromBlock": "0x0", "toBlock": hex(head)}])
    assert transactions >= 8 and len(logs) >= 6  # registrations, accreditation, grants, revoke
    for log in logs:
        blob = (log["data"] + "".join(log["topics"])).lower()
        assert not any(h in blob for h in hex_needles)
    scanned = 0
    for top in [
        shared.chain_home,
        shared.root / "bundles",
        *(c.data_dir for c in (shared.patient, shared.provider, shared.provider2)),
    ]:
        for path in top.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                scanned += 1
                assert not any(n in data for n in needles), path
    assert scanned > 10
    # The check can fail: the provider's chosen folder does hold the plaintext.
    opened = (shared.root / "opened" / "one" / "blood.txt").read_bytes()
    assert needles[0] in opened


# -- bad input ------------------------------------------------------------------------------------


def test_bad_targets_are_refused_with_a_sentence(shared: Scenario) -> None:
    patient, out = shared.patient, str(shared.root / "never.pwshare")
    base = ["--records", shared.ids[2], "--purpose", "TREAT", "--days", "1", "--out", out]
    outsider = _address(shared.accreditor)
    assert_one_sentence_error(
        patient("share", "create", outsider, *base), "not a registered provider"
    )
    provider = _address(shared.provider)
    transfer = f"ethereum:{provider}@31337/transfer?address={outsider}&uint256=1"
    assert_one_sentence_error(patient("share", "create", transfer, *base), "transfer")
    assert_one_sentence_error(
        patient("share", "create", f"ethereum:{provider}@1", *base), "Ethereum Mainnet"
    )
    unknown = ["--records", "ffffffffff", *base[2:]]
    assert_one_sentence_error(patient("share", "create", provider, *unknown), "ffffffffff")
    blank = shared.root / "blank.png"
    Image.new("L", (200, 200), 255).save(blank)
    assert_one_sentence_error(patient("share", "create", str(blank), *base), "No QR code")
    assert_one_sentence_error(patient("qr", "decode", str(blank)), "No QR code")
    assert not Path(out).exists()
    assert len(json.loads(patient("share", "list", "--json", check=True).stdout)) == 2


def test_qr_decode_prints_address_and_chain(shared: Scenario) -> None:
    result = shared.patient("qr", "decode", str(shared.root / "provider-qr.png"), check=True)
    assert result.stdout.split() == [_address(shared.provider), "31337"]


def test_bundle_not_for_me(shared: Scenario) -> None:
    result = shared.provider(
        "provider", "open", str(shared.bundle2), "--out", str(shared.root / "opened" / "not-mine")
    )
    assert_one_sentence_error(result, "made for the provider", _address(shared.provider2))
    assert not (shared.root / "opened" / "not-mine").exists()


@pytest.mark.parametrize("where", ["header", "payload", "bundle.json"])
def test_altered_bundle_is_refused(shared: Scenario, where: str) -> None:
    altered = shared.root / "bundles" / f"altered-{where}.pwshare"
    data = bytearray(shared.bundle2.read_bytes())
    with read_bundle(shared.bundle2) as bundle:
        span = bundle.records[0]
        _, header_size = parse_header(bundle.read(span, 0, 4096))
        descriptor = bundle.descriptor_bytes
    if where == "header":
        data[span.offset + 30] ^= 0x01
    elif where == "payload":
        data[span.offset + header_size + 70_000] ^= 0x01
    else:
        at = bytes(data).index(descriptor) + descriptor.index(b'"created_at":') + 14
        data[at] = ord("1") if data[at] != ord("1") else ord("2")
    altered.write_bytes(bytes(data))
    out = shared.root / "opened" / f"altered-{where}"
    result = shared.provider2("provider", "open", str(altered), "--out", str(out))
    expected = "has not granted" if where == "bundle.json" else "altered"
    assert_one_sentence_error(result, expected)
    assert not out.exists() or list(out.iterdir()) == []
