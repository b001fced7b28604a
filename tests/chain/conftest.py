"""Fixtures for the chain tests: a REAL anvil started through ``localnode`` in a temporary chain
home (shared by the session, stopped at the end), funded fresh accounts, and a service factory.

Each test drives async code with ``helpers.run`` (no pytest-asyncio dependency); clients and
services are created inside that loop and closed before it ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from eth_account.signers.local import LocalAccount

from tests.chain.helpers import local_chain, new_account, run
from wallet.chain.localnode import LocalNode
from wallet.chain.profiles import NetworkProfile
from wallet.chain.service import ChainService


@pytest.fixture(scope="session")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNode]:
    """The session's local chain (a real anvil), stopped at the end."""
    with local_chain(tmp_path_factory.mktemp("chain-home")) as local:
        yield local


@pytest.fixture
def profile(node: LocalNode) -> NetworkProfile:
    return node.profile()


@pytest.fixture
def funded(node: LocalNode) -> Callable[[], LocalAccount]:
    """Make a fresh account with 100 ETH on the local chain."""

    def make() -> LocalAccount:
        account = new_account()
        run(node.fund(account.address))
        return account

    return make


@pytest.fixture
def make_service(node: LocalNode, tmp_path: Path) -> Callable[..., ChainService]:
    """A ChainService for ``account`` with its own data dir (``name`` under tmp_path)."""

    def make(account: LocalAccount, name: str = "data") -> ChainService:
        data_dir = tmp_path / name
        data_dir.mkdir(exist_ok=True, mode=0o700)
        return ChainService(data_dir, node.profile(), lambda: account, local_node=node)

    return make
