"""Network profiles: which node to talk to, which chain id to expect, where the contracts live.

Owns: the :class:`NetworkProfile` value type, the ``networks.toml`` file format in the data
directory (user profiles, merged over the built-ins), its validation, and the example profiles
shipped in ``wallet/chain/networks/*.toml`` (documented in ``docs/NETWORKS.md``).

Must not import Qt, web3, or open network connections: reading the chain id of an ad-hoc ``--rpc``
node is the client's job (``client.profile_for_rpc``). The built-in ``local`` profile is built by
``localnode`` from its own records and passed in here.

Security notes: the chain id in a profile is what the client checks against the node before it
signs anything, so a profile never omits it. Addresses are checksummed on load; a malformed
address is refused rather than guessed. A user file can add networks and override built-in ones by
name, except ``local``, which always points at the embedded node.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from eth_utils.address import is_address, to_checksum_address

from wallet.errors import UnsupportedFormat, WalletNotFound, WalletValueError

PROFILES_FILE = "networks.toml"
LOCAL = "local"
CONTRACT_NAMES = ("ProviderRegistry", "ConsentRegistry", "RecordAnchor")


@dataclass(frozen=True)
class NetworkProfile:
    """One network the wallet can use."""

    name: str
    rpc_url: str
    chain_id: int
    contracts: Mapping[str, str] = field(default_factory=dict)
    local: bool = False
    explorer: str | None = None
    #: Block the contracts were deployed at; event scans start there (public chains limit ranges).
    start_block: int = 0
    #: Consortium chains such as Besu QBFT with a zero gas price: send fee-free transactions.
    free_gas: bool = False
    description: str = ""

    def with_rpc(self, rpc_url: str) -> NetworkProfile:
        """The same profile pointed at another node of the same chain."""
        return replace(self, rpc_url=_check_url(rpc_url, self.name))

    def address_of(self, contract: str) -> str:
        """The checksummed address of ``contract`` on this network, or a sentence saying none."""
        try:
            return self.contracts[contract]
        except KeyError:
            raise WalletNotFound(
                f"The network profile '{self.name}' has no address for {contract}; "
                f"add it under [networks.{self.name}.contracts] in {PROFILES_FILE}."
            ) from None


def _check_url(url: str, name: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise WalletValueError(
            f"The RPC URL of network '{name}' must be an http:// or https:// address."
        )
    return url


def _parse_contracts(raw: Any, name: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise WalletValueError(f"The contracts of network '{name}' must be a table.")
    out: dict[str, str] = {}
    for key, value in raw.items():
        if key not in CONTRACT_NAMES:
            raise WalletValueError(
                f"Network '{name}' names an unknown contract '{key}'; "
                f"known: {', '.join(CONTRACT_NAMES)}."
            )
        if not isinstance(value, str) or not is_address(value):
            raise WalletValueError(f"The {key} address of network '{name}' is not an address.")
        out[key] = to_checksum_address(value)
    return out


def profile_from_table(name: str, table: Mapping[str, Any]) -> NetworkProfile:
    """Build and validate a profile from one ``[networks.<name>]`` TOML table."""
    if not name or not name.replace("-", "").replace("_", "").isalnum():
        raise WalletValueError(f"'{name}' is not a valid network name (letters, digits, - and _).")
    chain_id = table.get("chain_id")
    if not isinstance(chain_id, int) or isinstance(chain_id, bool) or chain_id <= 0:
        raise WalletValueError(f"Network '{name}' needs a positive integer chain_id.")
    rpc_url = table.get("rpc_url")
    if not isinstance(rpc_url, str):
        raise WalletValueError(f"Network '{name}' needs an rpc_url.")
    explorer = table.get("explorer")
    if explorer is not None and not isinstance(explorer, str):
        raise WalletValueError(f"The explorer of network '{name}' must be a URL.")
    start_block = table.get("start_block", 0)
    if not isinstance(start_block, int) or start_block < 0:
        raise WalletValueError(f"The start_block of network '{name}' must be a block number.")
    free_gas = table.get("free_gas", False)
    if not isinstance(free_gas, bool):
        raise WalletValueError(f"free_gas of network '{name}' must be true or false.")
    description = table.get("description", "")
    return NetworkProfile(
        name=name,
        rpc_url=_check_url(rpc_url, name),
        chain_id=chain_id,
        contracts=_parse_contracts(table.get("contracts"), name),
        local=False,
        explorer=explorer,
        start_block=start_block,
        free_gas=free_gas,
        description=str(description),
    )


def parse_profiles_toml(text: str, source: str) -> dict[str, NetworkProfile]:
    """Parse a ``networks.toml`` document (``format_version = 1``, ``[networks.<name>]`` tables)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WalletValueError(f"{source} is not valid TOML ({exc}).") from None
    version = doc.get("format_version", 1)
    if version != 1:
        raise UnsupportedFormat(
            f"{source} uses network file version {version}, which this program does not know."
        )
    networks = doc.get("networks", {})
    if not isinstance(networks, dict):
        raise WalletValueError(f"{source} must hold [networks.<name>] tables.")
    out: dict[str, NetworkProfile] = {}
    for name, table in networks.items():
        if not isinstance(table, dict):
            raise WalletValueError(f"[networks.{name}] in {source} must be a table.")
        if name == LOCAL:
            raise WalletValueError(
                f"{source} may not redefine the built-in 'local' network; give it another name."
            )
        out[name] = profile_from_table(name, table)
    return out


def example_profiles() -> dict[str, NetworkProfile]:
    """The example profiles shipped with the program (placeholders; see docs/NETWORKS.md)."""
    out: dict[str, NetworkProfile] = {}
    folder = resources.files("wallet.chain").joinpath("networks")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            out.update(parse_profiles_toml(entry.read_text("utf-8"), entry.name))
    return out


def load_profiles(
    data_dir: Path, *, local: NetworkProfile | None = None
) -> dict[str, NetworkProfile]:
    """Built-in ``local`` (if given), then ``<data_dir>/networks.toml`` profiles by name."""
    out: dict[str, NetworkProfile] = {}
    if local is not None:
        out[LOCAL] = local
    path = data_dir / PROFILES_FILE
    if path.exists():
        out.update(parse_profiles_toml(path.read_text("utf-8"), str(path)))
    return out


def select_profile(profiles: Mapping[str, NetworkProfile], name: str) -> NetworkProfile:
    """The profile called ``name`` or a sentence listing the known ones."""
    try:
        return profiles[name]
    except KeyError:
        known = ", ".join(sorted(profiles)) or "none"
        raise WalletNotFound(f"There is no network called '{name}' (known: {known}).") from None
