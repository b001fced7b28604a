"""Helpers for the chain tests: run a coroutine, a local chain in a temporary home, the real
cast, raw RPC, fresh accounts."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from eth_account import Account
from eth_account.signers.local import LocalAccount

from wallet.chain.client import ChainClient
from wallet.chain.localnode import ENV_HOME, LocalNode
from wallet.chain.profiles import NetworkProfile

REPO = Path(__file__).resolve().parents[2]
CAST = REPO / "contracts/node_modules/@foundry-rs/cast-linux-amd64/bin/cast"
ANVIL = REPO / "contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"

T = TypeVar("T")


def run(coro: Awaitable[T]) -> T:
    """Run one coroutine to completion in a fresh event loop."""

    async def wrapper() -> T:
        return await coro

    return asyncio.run(wrapper())


@contextlib.contextmanager
def local_chain(home: Path) -> Iterator[LocalNode]:
    """A real anvil with its home (and ``PATIENT_WALLET_CHAIN_HOME``) at ``home``; stopped after.

    Starting happens inside the ``try``: a deployment that fails half-way must not orphan the node.
    """
    old = os.environ.get(ENV_HOME)
    os.environ[ENV_HOME] = str(home)
    local = LocalNode(home, anvil=ANVIL)
    try:
        run(local.start())
        yield local
    finally:
        run(local.stop())
        if old is None:
            os.environ.pop(ENV_HOME, None)
        else:
            os.environ[ENV_HOME] = old


def new_account() -> LocalAccount:
    account: LocalAccount = Account.create()
    return account


def cast(*args: str) -> str:
    """Run the real cast binary; fail the test on a non-zero exit."""
    proc = subprocess.run([str(CAST), *args], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


async def rpc(profile: NetworkProfile, method: str, params: list[Any]) -> Any:
    """A raw JSON-RPC call (evm_mine, evm_setAutomine, ...)."""
    async with await ChainClient.connect(profile) as client:
        return await client.rpc(method, params)
