"""CLI commands for the chain: chain, contracts, provider and consent.

Owns turning chain results into lines or JSON; which network and how a signing service is made
ready is :mod:`wallet.cli.network`'s. Must not import Qt. Imports the chain stack (web3) only when
one of these commands runs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from wallet.cli import share_commands
from wallet.cli.context import CliContext
from wallet.cli.network import chain_service

if TYPE_CHECKING:
    from wallet.chain.registries import ConsentInfo, ProviderInfo
    from wallet.chain.service import Submitted


def register(commands: Any) -> None:
    chain = commands.add_parser("chain", help="the embedded local chain: start, stop, status")
    chain.set_defaults(group_parser=chain)
    sub = chain.add_subparsers(dest="chain_command", metavar="COMMAND")
    sub.add_parser("start", help="start the local chain (deploys the contracts once)").set_defaults(
        handler=cmd_chain_start
    )
    sub.add_parser("stop", help="stop the local chain (its state is kept)").set_defaults(
        handler=cmd_chain_stop
    )
    status = sub.add_parser("status", help="running or not, RPC URL, chain id, block")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_chain_status)
    fund = sub.add_parser("fund", help="give an address play ether (local chain only)")
    fund.add_argument("address", nargs="?", help="default: this wallet's account 0")
    fund.set_defaults(handler=cmd_chain_fund)
    acc = sub.add_parser(
        "add-accreditor", help="give ADDRESS the accreditor role (local chain only, for demos)"
    )
    acc.add_argument("address")
    acc.set_defaults(handler=cmd_chain_add_accreditor)

    contracts = commands.add_parser("contracts", help="the contracts of the current network")
    contracts.set_defaults(group_parser=contracts)
    csub = contracts.add_subparsers(dest="contracts_command", metavar="COMMAND")
    addresses = csub.add_parser("addresses", help="contract name -> address")
    addresses.add_argument("--json", action="store_true")
    addresses.set_defaults(handler=cmd_contracts_addresses)

    provider = commands.add_parser("provider", help="provider registry: register, accredit, show")
    provider.set_defaults(group_parser=provider)
    psub = provider.add_subparsers(dest="provider_command", metavar="COMMAND")
    reg = psub.add_parser("register", help="register this wallet as a provider")
    reg.add_argument("--name", required=True)
    reg.add_argument("--kind", default="provider", help="provider, lab, insurer, pharmacy, other")
    reg.add_argument("--licence", help="licence or registration number shown to patients")
    reg.set_defaults(handler=cmd_provider_register)
    accredit = psub.add_parser("accredit", help="accredit a provider (needs the accreditor role)")
    accredit.add_argument("address")
    accredit.set_defaults(handler=cmd_provider_accredit)
    show = psub.add_parser("show", help="kind, recipient, accreditation and profile of a provider")
    show.add_argument("address")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_provider_show)
    share_commands.register_provider_open(psub)

    consent = commands.add_parser("consent", help="grant, revoke and list consents")
    consent.set_defaults(group_parser=consent)
    ksub = consent.add_subparsers(dest="consent_command", metavar="COMMAND")
    grant = ksub.add_parser("grant", help="grant a provider access to a share; prints the tx hash")
    grant.add_argument("address")
    grant.add_argument("--share-id", required=True, metavar="HEX")
    grant.add_argument("--purpose", required=True, help="TREAT, ETREAT, HPAYMT, HOPERAT, …")
    grant.add_argument("--days", required=True, type=float, metavar="N")
    grant.set_defaults(handler=cmd_consent_grant)
    revoke = ksub.add_parser("revoke", help="revoke a consent; prints the tx hash")
    revoke.add_argument("address")
    revoke.add_argument("--share-id", required=True, metavar="HEX")
    revoke.set_defaults(handler=cmd_consent_revoke)
    lst = ksub.add_parser("list", help="provider, share_id, purpose, expires_at, status, tx_hash")
    lst.add_argument("--json", action="store_true")
    lst.add_argument(
        "--received", action="store_true", help="consents granted TO this wallet (provider view)"
    )
    lst.set_defaults(handler=cmd_consent_list)


# -- helpers -----------------------------------------------------------------------------------


def _date(timestamp: int | None) -> str:
    if not timestamp:
        return "-"
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def _print_tx(ctx: CliContext, submitted: Submitted) -> None:
    ctx.print(submitted.tx_hash)
    where = f" in block {submitted.block_number}" if submitted.block_number is not None else ""
    ctx.warn(f"{submitted.description}: mined{where}.")


# -- chain -------------------------------------------------------------------------------------


async def cmd_chain_start(ctx: CliContext) -> int:
    from wallet.chain.localnode import LocalNode

    status = await LocalNode().start()
    ctx.print(f"Local chain running at {status.rpc_url} (chain id {status.chain_id}).")
    return 0


async def cmd_chain_stop(ctx: CliContext) -> int:
    from wallet.chain.localnode import LocalNode

    stopped = await LocalNode().stop()
    ctx.print("Local chain stopped." if stopped else "The local chain was not running.")
    return 0


async def cmd_chain_status(ctx: CliContext) -> int:
    chain = await chain_service(ctx, signing=False)
    try:
        status = await chain.status()
    finally:
        await chain.close()
    running = status.connected
    if ctx.args.json:
        ctx.print_json(
            {
                "network": status.network,
                "running": running,
                "rpc_url": status.rpc_url,
                "chain_id": status.chain_id,
                "block": status.block_number,
                "message": status.message,
            }
        )
        return 0
    state = "running" if running else "not running"
    ctx.print(f"network:  {status.network} ({state})")
    ctx.print(f"rpc url:  {status.rpc_url}")
    ctx.print(f"chain id: {status.chain_id}")
    ctx.print(f"block:    {status.block_number if status.block_number is not None else '-'}")
    if not running:
        ctx.print(status.message)
    return 0


async def cmd_chain_fund(ctx: CliContext) -> int:
    chain = await chain_service(ctx, signing=False)
    try:
        address = ctx.args.address or ctx.unlocked_service().address(0)
        balance = await chain.fund(address)
    finally:
        await chain.close()
    ctx.print(f"{address} now has {balance / 10**18:g} ether on the local chain.")
    return 0


async def cmd_chain_add_accreditor(ctx: CliContext) -> int:
    chain = await chain_service(ctx, signing=False)
    try:
        tx_hash = await chain.make_accreditor(ctx.args.address)
    finally:
        await chain.close()
    ctx.print(tx_hash)
    return 0


async def cmd_contracts_addresses(ctx: CliContext) -> int:
    chain = await chain_service(ctx, signing=False)
    try:
        addresses = await chain.addresses()
    finally:
        await chain.close()
    if ctx.args.json:
        ctx.print_json(addresses)
    else:
        for name, address in addresses.items():
            ctx.print(f"{name}  {address}")
    return 0


# -- provider ----------------------------------------------------------------------------------


async def cmd_provider_register(ctx: CliContext) -> int:
    from wallet.chain.registries import parse_kind

    kind = parse_kind(ctx.args.kind)
    chain = await chain_service(ctx, signing=True)
    try:
        recipient = ctx.unlocked_service().session.identity.recipient().public_bytes()
        submitted = await chain.register_provider(ctx.args.name, kind, ctx.args.licence, recipient)
    finally:
        await chain.close()
    _print_tx(ctx, submitted)
    return 0


async def cmd_provider_accredit(ctx: CliContext) -> int:
    chain = await chain_service(ctx, signing=True)
    try:
        submitted = await chain.accredit(ctx.args.address)
    finally:
        await chain.close()
    _print_tx(ctx, submitted)
    return 0


def provider_json(info: ProviderInfo) -> dict[str, Any]:
    from wallet.age import X25519Recipient

    recipient = (
        X25519Recipient.from_public_bytes(info.encryption_key).to_string()
        if info.registered
        else None
    )
    return {
        "address": info.address,
        "registered": info.registered,
        "kind": info.kind.name.lower() if info.kind is not None else None,
        "name": info.name,
        "licence": info.licence,
        "recipient": recipient,
        "accredited": info.accredited,
        "accredited_by": info.accredited_by,
        "accredited_at": _date(info.accredited_at) if info.accredited_at else None,
        "profile_hash": "0x" + info.profile_hash.hex(),
        "profile_verified": info.profile_verified,
    }


async def cmd_provider_show(ctx: CliContext) -> int:
    chain = await chain_service(ctx, signing=False)
    try:
        info = await chain.show_provider(ctx.args.address)
    finally:
        await chain.close()
    row = provider_json(info)
    if ctx.args.json:
        ctx.print_json(row)
        return 0
    if not info.registered:
        ctx.print(f"{info.address} is not a registered provider.")
        return 0
    for key in ("address", "name", "kind", "licence", "recipient", "accredited", "accredited_by"):
        ctx.print(f"{key + ':':15}{row[key] if row[key] is not None else '-'}")
    ctx.print(f"{'profile hash:':15}{row['profile_hash']}")
    return 0


# -- consent -----------------------------------------------------------------------------------


async def cmd_consent_grant(ctx: CliContext) -> int:
    from wallet.consent import parse_purpose

    purpose = parse_purpose(ctx.args.purpose)
    chain = await chain_service(ctx, signing=True)
    try:
        submitted = await chain.grant(ctx.args.address, ctx.args.share_id, purpose, ctx.args.days)
    finally:
        await chain.close()
    _print_tx(ctx, submitted)
    return 0


async def cmd_consent_revoke(ctx: CliContext) -> int:
    chain = await chain_service(ctx, signing=True)
    try:
        submitted = await chain.revoke(ctx.args.address, ctx.args.share_id)
    finally:
        await chain.close()
    _print_tx(ctx, submitted)
    return 0


def consent_json(info: ConsentInfo) -> dict[str, Any]:
    return {
        "patient": info.patient,
        "provider": info.grantee,
        "share_id": "0x" + info.share_id.hex(),
        "purpose": info.purpose.code if info.purpose is not None else None,
        "expires_at": _date(info.expires_at),
        "status": info.status,
        "emergency": info.emergency,
        "tx_hash": info.tx_hash,
    }


async def cmd_consent_list(ctx: CliContext) -> int:
    ctx.unlocked_service()
    chain = await chain_service(ctx, signing=False)
    try:
        consents = await (chain.consents_for_me() if ctx.args.received else chain.list_consents())
    finally:
        await chain.close()
    rows = [consent_json(info) for info in consents]
    if ctx.args.json:
        ctx.print_json(rows)
        return 0
    for row in rows:
        other = row["patient"] if ctx.args.received else row["provider"]
        ctx.print(
            f"{other}  {row['share_id']}  {row['purpose']}  {row['expires_at']}  "
            f"{row['status']}  {row['tx_hash']}"
        )
    return 0
