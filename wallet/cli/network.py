"""How CLI commands reach the chain: which network, and a ready chain service.

Owns the rule for picking a network (``--network NAME``, default ``local``, or ``--rpc URL``) and,
on the local chain only, starting the node when needed and topping up the signing account (the
local chain's ether is play money); on any other network it never does either. Must not import Qt;
imports the chain stack (web3) only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wallet.cli.context import CliContext

if TYPE_CHECKING:
    from wallet.chain.profiles import NetworkProfile
    from wallet.chain.service import ChainService

LOCAL_TOP_UP_BELOW_WEI = 10**18  # top the local account up when it has less than 1 ether


async def network_profile(ctx: CliContext) -> NetworkProfile:
    from wallet.chain.client import profile_for_rpc
    from wallet.chain.localnode import LocalNode
    from wallet.chain.profiles import load_profiles, select_profile

    profiles = load_profiles(ctx.data_dir.root, local=LocalNode().profile())
    if ctx.args.rpc:
        return await profile_for_rpc(ctx.args.rpc, profiles)
    return select_profile(profiles, ctx.args.network or "local")


async def chain_service(ctx: CliContext, *, signing: bool) -> ChainService:
    """A chain service; with ``signing`` the wallet is unlocked (and funded, on the local chain)."""
    from wallet.chain.service import ChainService

    profile = await network_profile(ctx)
    if not signing:
        service = ctx.service()
        return ChainService(service.data_dir.root, profile, lambda: service.session.account(0))
    chain = ctx.unlocked_service().chain(profile)
    if profile.local:
        address = ctx.unlocked_service().address(0)
        client = await chain.client()
        if await client.balance(address) < LOCAL_TOP_UP_BELOW_WEI:
            await chain.fund(address)
    return chain
