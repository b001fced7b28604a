"""The embedded local chain: one anvil node per machine user, shared by every data directory.

Owns: the chain home (``$PATIENT_WALLET_CHAIN_HOME`` or ``<user data dir>/patient-wallet/
local-chain``) and its files: ``state.json`` (anvil's persisted chain), ``anvil.log``,
``node.json`` (``{pid, port, rpc_url, chain_id, started_at}`` of the running node),
``deployment.json`` (contract addresses keyed by chain id and block-0 hash, so a wiped chain is
redeployed) and ``node.lock`` (an ``fcntl`` lock: two concurrent starts never spawn two nodes).

It finds the real anvil binary: ``$PATIENT_WALLET_ANVIL``, then
``contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil`` in the source tree, then
``anvil`` on ``PATH``; never the npm launcher, which hides failures. It starts anvil detached on
127.0.0.1 with a free port, deploys the three contracts on first start, stops it with SIGTERM
(anvil writes its state on a clean stop), and offers local-only helpers: ``fund``
(``anvil_setBalance``) and ``grant_accreditor``.

Must not import Qt, and must not be used for any network but its own: ``fund`` and
``grant_accreditor`` check that they talk to this node.

Security notes: the local operator is anvil's well-known development account 0; its key is public
and it is used ONLY on this local development chain (admin and accreditor of the local
ProviderRegistry). The node listens on 127.0.0.1 only, but any local process can reach it:
the local chain is for development, demos and single-machine use, not for real deployments.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import platformdirs
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address

from wallet.chain.client import ChainClient
from wallet.chain.errors import LocalChainError, NodeUnavailable
from wallet.chain.profiles import LOCAL, NetworkProfile
from wallet.errors import CorruptData, WalletError, WalletNotFound
from wallet.fileio import ensure_private_dir, write_atomic

LOCAL_CHAIN_ID = 31337
STATE_INTERVAL_SECONDS = 5
#: anvil's development account 0 (public test key; local chain only).
LOCAL_OPERATOR_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
DEFAULT_FUNDING_WEI = 100 * 10**18
ENV_HOME = "PATIENT_WALLET_CHAIN_HOME"
ENV_ANVIL = "PATIENT_WALLET_ANVIL"
_REPO_ANVIL = Path("contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")


def chain_home() -> Path:
    """Where the local chain keeps its files."""
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("patient-wallet")) / "local-chain"


def find_anvil() -> Path:
    """The real anvil binary (see the module docstring for the search order)."""
    env = os.environ.get(ENV_ANVIL)
    if env:
        path = Path(env).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise WalletNotFound(f"{ENV_ANVIL} names {path}, which is not an executable file.")
    for parent in Path(__file__).resolve().parents:
        candidate = parent / _REPO_ANVIL
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("anvil")
    if found:
        return Path(found)
    raise WalletNotFound(
        "The anvil program (Foundry) was not found; install it, or set "
        f"{ENV_ANVIL} to its path, to run the local chain."
    )


def operator_account() -> LocalAccount:
    """The local chain's operator (anvil development account 0)."""
    account: LocalAccount = Account.from_key(LOCAL_OPERATOR_KEY)
    return account


@dataclass(frozen=True)
class NodeRecord:
    pid: int
    port: int
    rpc_url: str
    chain_id: int
    started_at: int


@dataclass(frozen=True)
class Deployment:
    chain_id: int
    genesis_hash: str
    contracts: Mapping[str, str]
    operator: str
    block: int
    deployed_at: int


@dataclass(frozen=True)
class NodeStatus:
    """What ``chain status`` shows."""

    running: bool
    home: Path
    rpc_url: str | None = None
    chain_id: int | None = None
    block_number: int | None = None
    pid: int | None = None
    contracts: Mapping[str, str] = field(default_factory=dict)
    started_at: int | None = None


def _pid_alive(pid: int) -> bool:
    """True if ``pid`` runs and is an anvil process (not a zombie, not a reused pid)."""
    with contextlib.suppress(ChildProcessError, OSError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False
    proc = Path(f"/proc/{pid}")
    if proc.exists():
        try:
            stat = (proc / "stat").read_text()
            if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                return False
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            return False
        return b"anvil" in cmdline
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalNode:
    """The local chain of one chain home."""

    def __init__(self, home: Path | None = None, *, anvil: Path | None = None) -> None:
        self.home = home if home is not None else chain_home()
        self._anvil = anvil
        self.node_file = self.home / "node.json"
        self.deployment_file = self.home / "deployment.json"
        self.state_file = self.home / "state.json"
        self.log_file = self.home / "anvil.log"
        self._lock_file = self.home / "node.lock"

    # ------------------------------------------------------------------ records

    def record(self) -> NodeRecord | None:
        """The node record, or ``None`` when no node was started (or it was stopped)."""
        if not self.node_file.exists():
            return None
        try:
            raw = json.loads(self.node_file.read_text("utf-8"))
            return NodeRecord(
                pid=int(raw["pid"]),
                port=int(raw["port"]),
                rpc_url=str(raw["rpc_url"]),
                chain_id=int(raw["chain_id"]),
                started_at=int(raw["started_at"]),
            )
        except (ValueError, KeyError, TypeError):
            raise CorruptData(f"The local chain record {self.node_file} is damaged.") from None

    def _deployments(self) -> dict[str, Any]:
        if not self.deployment_file.exists():
            return {"version": 1, "current": None, "deployments": {}}
        try:
            doc = json.loads(self.deployment_file.read_text("utf-8"))
            if not isinstance(doc, dict) or not isinstance(doc.get("deployments"), dict):
                raise ValueError("shape")
        except ValueError:
            raise CorruptData(
                f"The local deployment record {self.deployment_file} is damaged."
            ) from None
        return doc

    def deployment(self) -> Deployment | None:
        """The deployment of the current local chain, if any."""
        doc = self._deployments()
        current = doc.get("current")
        raw = doc["deployments"].get(current) if current else None
        if not isinstance(raw, dict):
            return None
        return Deployment(
            chain_id=int(raw["chain_id"]),
            genesis_hash=str(raw["genesis_hash"]),
            contracts={k: to_checksum_address(v) for k, v in raw["contracts"].items()},
            operator=str(raw["operator"]),
            block=int(raw["block"]),
            deployed_at=int(raw["deployed_at"]),
        )

    def profile(self) -> NetworkProfile:
        """The built-in ``local`` profile (RPC URL empty if the node was never started)."""
        rec = self.record()
        dep = self.deployment()
        return NetworkProfile(
            name=LOCAL,
            rpc_url=rec.rpc_url if rec else "",
            chain_id=LOCAL_CHAIN_ID,
            contracts=dict(dep.contracts) if dep else {},
            local=True,
            start_block=0,
            description="The local chain on this computer (anvil)",
        )

    # ------------------------------------------------------------------ lifecycle

    @contextlib.asynccontextmanager
    async def _locked(self) -> AsyncIterator[None]:
        ensure_private_dir(self.home)
        fd = os.open(self._lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    async def _answers(self, rpc_url: str, timeout: float = 1.0) -> int | None:
        """The chain id the node at ``rpc_url`` reports, or ``None`` if it does not answer."""
        body = {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session,
                session.post(rpc_url, json=body) as resp,
            ):
                data = await resp.json()
                return int(data["result"], 16)
        except (TimeoutError, aiohttp.ClientError, OSError, ValueError, KeyError):
            return None

    async def _running_record(self) -> NodeRecord | None:
        rec = self.record()
        if rec is None:
            return None
        if _pid_alive(rec.pid) and await self._answers(rec.rpc_url) == rec.chain_id:
            return rec
        return None

    async def start(self, *, timeout: float = 15.0, extra_args: Sequence[str] = ()) -> NodeStatus:
        """Start the node if it is not running, deploy the contracts if needed; return status."""
        async with self._locked():
            rec = await self._running_record()
            if rec is None:
                with contextlib.suppress(FileNotFoundError):
                    self.node_file.unlink()  # stale: the process is gone
                rec = await self._spawn(timeout, extra_args)
            await self._ensure_deployed(rec)
        return await self.status()

    async def _spawn(self, timeout: float, extra_args: Sequence[str]) -> NodeRecord:
        anvil = self._anvil or find_anvil()
        port = _free_port()
        args = [
            str(anvil),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--chain-id",
            str(LOCAL_CHAIN_ID),
            "--state",
            str(self.state_file),
            "--state-interval",
            str(STATE_INTERVAL_SECONDS),
            *extra_args,
        ]
        log_fd = os.open(self.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=log_fd,
                stderr=log_fd,
                start_new_session=True,
                close_fds=True,
                cwd=self.home,
            )
        except OSError as exc:
            raise LocalChainError(
                f"The local chain could not be started ({exc.strerror})."
            ) from None
        finally:
            os.close(log_fd)
        rpc_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise LocalChainError(
                    f"The local chain stopped right after starting; see {self.log_file}."
                )
            if await self._answers(rpc_url, timeout=0.5) == LOCAL_CHAIN_ID:
                break
            if time.monotonic() > deadline:
                proc.terminate()
                raise LocalChainError(
                    f"The local chain did not answer within {timeout:.0f} seconds; "
                    f"see {self.log_file}."
                )
            await asyncio.sleep(0.05)
        with contextlib.suppress(FileNotFoundError):
            self.state_file.chmod(0o600)
        rec = NodeRecord(proc.pid, port, rpc_url, LOCAL_CHAIN_ID, int(time.time()))
        write_atomic(
            self.node_file,
            json.dumps(
                {
                    "pid": rec.pid,
                    "port": rec.port,
                    "rpc_url": rec.rpc_url,
                    "chain_id": rec.chain_id,
                    "started_at": rec.started_at,
                },
                indent=1,
            ).encode(),
        )
        return rec

    async def _ensure_deployed(self, rec: NodeRecord) -> Deployment:
        profile = NetworkProfile(name=LOCAL, rpc_url=rec.rpc_url, chain_id=rec.chain_id, local=True)
        async with await ChainClient.connect(profile) as client:
            with client.errors():
                genesis = (await client.w3.eth.get_block(0))["hash"]
            genesis_hash = "0x" + bytes(genesis).hex()
            key = f"{rec.chain_id}:{genesis_hash}"
            doc = self._deployments()
            raw = doc["deployments"].get(key)
            if isinstance(raw, dict):
                contracts = raw.get("contracts", {})
                codes = [await client.code_at(a) for a in contracts.values()]
                if len(codes) == 3 and all(codes):
                    if doc.get("current") != key:
                        doc["current"] = key
                        self._write_deployments(doc)
                    dep = self.deployment()
                    if dep is not None:
                        return dep
            operator = operator_account()
            addresses = {
                "ProviderRegistry": await client.deploy(
                    operator, "ProviderRegistry", operator.address
                ),
                "ConsentRegistry": await client.deploy(operator, "ConsentRegistry"),
                "RecordAnchor": await client.deploy(operator, "RecordAnchor"),
            }
            block = await client.block_number()
        doc["deployments"][key] = {
            "chain_id": rec.chain_id,
            "genesis_hash": genesis_hash,
            "contracts": addresses,
            "operator": operator.address,
            "block": block,
            "deployed_at": int(time.time()),
        }
        doc["current"] = key
        self._write_deployments(doc)
        dep = self.deployment()
        if dep is None:  # pragma: no cover - just written
            raise LocalChainError("The local deployment record could not be written.")
        return dep

    def _write_deployments(self, doc: dict[str, Any]) -> None:
        write_atomic(self.deployment_file, json.dumps(doc, indent=1, sort_keys=True).encode())

    async def stop(self, *, timeout: float = 10.0) -> bool:
        """Stop the node cleanly (SIGTERM; anvil saves its state). False if it was not running."""
        async with self._locked():
            rec = self.record()
            if rec is None:
                return False
            was_running = _pid_alive(rec.pid)
            if was_running:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(rec.pid, signal.SIGTERM)
                deadline = time.monotonic() + timeout
                while _pid_alive(rec.pid):
                    if time.monotonic() > deadline:
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(rec.pid, signal.SIGKILL)
                        await asyncio.sleep(0.1)
                        break
                    await asyncio.sleep(0.05)
            with contextlib.suppress(FileNotFoundError):
                self.node_file.unlink()
            return was_running

    async def status(self) -> NodeStatus:
        """Running or not, and if running its URL, chain id, block number and contracts."""
        rec = self.record()
        dep = self.deployment()
        contracts = dict(dep.contracts) if dep else {}
        if rec is None or not _pid_alive(rec.pid):
            return NodeStatus(running=False, home=self.home, contracts=contracts)
        try:
            async with await ChainClient.connect(self.profile(), timeout=2.0) as client:
                block = await client.block_number()
        except WalletError:
            return NodeStatus(running=False, home=self.home, pid=rec.pid, contracts=contracts)
        return NodeStatus(
            running=True,
            home=self.home,
            rpc_url=rec.rpc_url,
            chain_id=rec.chain_id,
            block_number=block,
            pid=rec.pid,
            contracts=contracts,
            started_at=rec.started_at,
        )

    # ------------------------------------------------------------------ dev helpers

    async def _client(self) -> ChainClient:
        rec = await self._running_record()
        if rec is None:
            raise NodeUnavailable(
                "The local chain is not running; start it with 'patient-wallet chain start'."
            )
        return await ChainClient.connect(self.profile())

    async def fund(self, address: str, wei: int = DEFAULT_FUNDING_WEI) -> int:
        """Set ``address``'s balance on the LOCAL chain (``anvil_setBalance``); returns it."""
        checksummed = to_checksum_address(address)
        async with await self._client() as client:
            await client.rpc("anvil_setBalance", [checksummed, hex(wei)])
            return await client.balance(checksummed)

    async def grant_accreditor(self, address: str) -> str:
        """Dev only: the local operator gives ``address`` the ACCREDITOR_ROLE; returns tx hash."""
        checksummed = to_checksum_address(address)
        async with await self._client() as client:
            registry = client.contract("ProviderRegistry")
            role = await client.call(registry.functions.ACCREDITOR_ROLE())
            result = await client.transact(
                operator_account(),
                registry.functions.grantRole(role, checksummed),
                description=f"Make {checksummed} an accreditor on the local chain",
                kind="grant-accreditor",
            )
            await client.wait(result.tx_hash)
            return result.tx_hash
