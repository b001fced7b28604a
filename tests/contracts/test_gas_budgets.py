"""The contracts' gas budgets, measured by ``bench/gas.py`` on a real anvil node.

The bench deploys the committed artifacts and reports each transaction's receipt ``gasUsed``;
gas is deterministic for fixed inputs, so the bounds below are tight: a change that moves a number
by more than a few hundred gas should be a deliberate one, made together with these bounds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.chain, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gas() -> dict[str, dict[str, object]]:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gas.py"), "--json"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode in (0, 1), f"the gas bench could not run: {proc.stderr.strip()}"
    rows = json.loads(proc.stdout)
    assert proc.returncode == (0 if all(r["ok"] for r in rows) else 1)
    return {r["name"]: r for r in rows}


def used(gas: dict[str, dict[str, object]], name: str) -> int:
    value = gas[name]["gas_used"]
    assert isinstance(value, int)
    return value


def test_every_budget_holds(gas: dict[str, dict[str, object]]) -> None:
    over = {name: r for name, r in gas.items() if not r["ok"]}
    assert not over


def test_budgets_are_the_briefs(gas: dict[str, dict[str, object]]) -> None:
    assert gas["grant (new grantee)"]["budget"] == 50_000
    assert gas["grant (patient's 100th grant)"]["budget"] == 50_000
    assert gas["revoke"]["budget"] == 27_000
    assert gas["|100th - 1st grant|"]["budget"] == 1_000
    for count in ("1", "100", "10,000"):
        assert gas[f"anchor batch of {count} records"]["budget"] == 50_000


def test_grant_is_one_new_slot(gas: dict[str, dict[str, object]]) -> None:
    # 21,000 intrinsic + 22,100 for the new slot + a LOG4 are the floor; then calldata and code.
    grant = used(gas, "grant (new grantee)")
    assert 45_500 <= grant <= 48_500
    assert used(gas, "|100th - 1st grant|") == 0


def test_revoke_clears_the_slot_and_gets_the_refund(gas: dict[str, dict[str, object]]) -> None:
    # Without the SSTORE-clear refund (4,800) a revoke would cost about 29,500.
    assert 23_500 <= used(gas, "revoke") <= 25_500


def test_anchor_cost_is_constant_in_batch_size(gas: dict[str, dict[str, object]]) -> None:
    costs = [used(gas, f"anchor batch of {c} records") for c in ("1", "100", "10,000")]
    assert min(costs) >= 44_000
    assert max(costs) - min(costs) <= 64  # only the calldata bytes of `count` differ


def test_emergency_grant_and_signed_grant_are_measured(gas: dict[str, dict[str, object]]) -> None:
    # One more LOG4 (EmergencyAccessGranted) than a plain grant.
    extra = used(gas, "emergency grant (ETREAT, 2 events)") - used(gas, "grant (new grantee)")
    assert 1_500 <= extra <= 3_000
    # Signature recovery, nonce slot and the longer calldata on top of a grant.
    assert 70_000 <= used(gas, "grantBySig (relayed)") <= 90_000
