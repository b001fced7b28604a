"""CLI commands for sharing: ``share create|grant|bundle|revoke|list``, ``provider open``, ``qr …``.

Owns turning share results into lines or JSON and the stderr notices a patient must see before a
grant (who the provider is, whether and by whom it is accredited, and that opened copies cannot be
recalled). The work is in :mod:`wallet.share` through ``WalletService.shares()``; chain access goes
through :mod:`wallet.cli.network` (same network choice and local top-up rules as every command).
``provider open`` is registered here but joins the ``provider`` group, which
:mod:`wallet.cli.chain_commands` builds and extends with :func:`register_provider_open`.

Must not import Qt. Output contract: ``share create`` prints the share id and the transaction hash
(two lines) on stdout; notices go to stderr. Security: no record title is printed by ``share``
commands; ``provider open`` prints the paths it wrote (the provider's own folder).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from wallet.cli.context import CliContext
from wallet.cli.network import chain_service, network_profile

if TYPE_CHECKING:
    from wallet.chain.registries import ProviderInfo
    from wallet.chain.service import ChainService
    from wallet.share.service import ShareService, ShareStatus

T = TypeVar("T")

RECALL_WARNING = (
    "warning: once the provider has opened this share, the copies it decrypted cannot be "
    "recalled; revoking stops later access and protects later versions only."
)


def register_provider_open(provider_commands: Any) -> None:
    """Add ``provider open`` to the ``provider`` group (built by chain_commands)."""
    opener = provider_commands.add_parser(
        "open", help="check consent on chain, verify a bundle, decrypt its records into DIR"
    )
    opener.add_argument("bundle", metavar="BUNDLE")
    opener.add_argument("--out", required=True, metavar="DIR")
    opener.set_defaults(handler=cmd_provider_open)


def register(commands: Any) -> None:
    share = commands.add_parser("share", help="share records with a provider, revoke, list")
    share.set_defaults(group_parser=share)
    sub = share.add_subparsers(dest="share_command", metavar="COMMAND")
    create = sub.add_parser(
        "create", help="bundle records for a provider and grant consent; prints share id, tx hash"
    )
    create.add_argument("target", metavar="TARGET", help="address, URI, or an image with a QR")
    create.add_argument("--records", required=True, metavar="ID,ID…")
    create.add_argument("--purpose", required=True, help="TREAT, ETREAT, HPAYMT, HOPERAT, …")
    create.add_argument("--days", required=True, type=float, metavar="N")
    create.add_argument("--out", required=True, metavar="BUNDLE", help="new bundle file")
    create.set_defaults(handler=cmd_share_create)
    revoke = sub.add_parser(
        "revoke", help="revoke a share's consent, then give its records fresh keys"
    )
    revoke.add_argument("share_id", metavar="SHARE_ID")
    revoke.set_defaults(handler=cmd_share_revoke)
    grant = sub.add_parser(
        "grant", help="send the grant of a share whose bundle was made but whose grant failed"
    )
    grant.add_argument("share_id", metavar="SHARE_ID")
    grant.set_defaults(handler=cmd_share_grant)
    again = sub.add_parser(
        "bundle", help="write a share's bundle again, identical, e.g. after it was lost"
    )
    again.add_argument("share_id", metavar="SHARE_ID")
    again.add_argument("--out", required=True, metavar="BUNDLE", help="new bundle file")
    again.set_defaults(handler=cmd_share_bundle)
    lst = sub.add_parser("list", help="share_id, provider, records, purpose, expires_at, status")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_share_list)

    qr = commands.add_parser("qr", help="read an address QR image, or make this wallet's own")
    qr.set_defaults(group_parser=qr)
    qsub = qr.add_subparsers(dest="qr_command", metavar="COMMAND")
    decode = qsub.add_parser("decode", help="print the address (and chain id) in a QR image")
    decode.add_argument("image", metavar="IMAGE")
    decode.set_defaults(handler=cmd_qr_decode)
    mine = qsub.add_parser("mine", help="write this wallet's address as an EIP-681 QR code")
    mine.add_argument("--out", required=True, metavar="FILE", help=".png or .svg")
    mine.set_defaults(handler=cmd_qr_mine)


def _date(timestamp: int | None) -> str:
    if not timestamp:
        return "-"
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def _describe(ctx: CliContext, info: ProviderInfo) -> None:
    name = info.name if info.profile_verified and info.name else "(unverified name)"
    kind = info.kind.display if info.kind is not None else "provider"
    ctx.warn(f"Provider: {name}, {kind}, at {info.address}.")
    if info.accredited:
        ctx.warn(f"Accredited by {info.accredited_by}.")
    else:
        ctx.warn("warning: this provider is NOT accredited by any accreditor.")
    ctx.warn(RECALL_WARNING)


# -- share ---------------------------------------------------------------------------------------


async def cmd_share_create(ctx: CliContext) -> int:
    from wallet.consent import parse_purpose
    from wallet.share.service import check_duration

    purpose = parse_purpose(ctx.args.purpose)
    check_duration(purpose, ctx.args.days)
    ids = [part.strip() for part in ctx.args.records.split(",") if part.strip()]
    shares = ctx.unlocked_service().shares()
    shares.check_records(ids)
    chain = await chain_service(ctx, signing=True)
    try:
        info = await shares.find_provider(chain, ctx.args.target)
        _describe(ctx, info)
        created = await shares.create(chain, info, ids, purpose, ctx.args.days, Path(ctx.args.out))
    finally:
        await chain.close()
    ctx.print(created.share_id)
    ctx.print(created.tx_hash)
    ctx.warn(
        f"Bundle of {len(created.bundle.records)} record(s) written to {created.bundle.path}; "
        f"consent for {purpose.display} until {_date(created.expires_at)}."
    )
    return 0


async def _with_shares_and_chain(
    ctx: CliContext, job: Callable[[ShareService, ChainService], Awaitable[T]]
) -> T:
    """Run ``job`` on the share ``ctx.args.share_id`` with a signing chain connection.

    An id the ledger does not know is refused first, before any chain is reached (or the
    local one started). The connection is closed after.
    """
    shares = ctx.unlocked_service().shares()
    shares.ledger.get(ctx.args.share_id)
    chain = await chain_service(ctx, signing=True)
    try:
        return await job(shares, chain)
    finally:
        await chain.close()


async def cmd_share_grant(ctx: CliContext) -> int:
    created = await _with_shares_and_chain(
        ctx, lambda shares, chain: shares.grant_again(chain, ctx.args.share_id)
    )
    ctx.print(created.tx_hash or "-")
    ctx.warn(
        f"Share {created.share_id[:18]}… is granted until {_date(created.expires_at)}; its bundle "
        f"is {created.bundle.path}."
    )
    return 0


def cmd_share_bundle(ctx: CliContext) -> int:
    built = ctx.unlocked_service().shares().rebuild(ctx.args.share_id, Path(ctx.args.out))
    ctx.print(str(built.path))
    ctx.warn(
        f"Bundle of share 0x{built.share_id.hex()[:16]}… written again to {built.path}; it is "
        "identical to the one the grant names."
    )
    return 0


async def cmd_share_revoke(ctx: CliContext) -> int:
    revoked = await _with_shares_and_chain(
        ctx, lambda shares, chain: shares.revoke(chain, ctx.args.share_id)
    )
    ctx.print(revoked.tx_hash or "-")
    ctx.warn(
        f"Share {revoked.share_id[:18]}… revoked; {len(revoked.rotated)} record(s) now have new "
        "keys. Other shares' bundles of these records keep working until you revoke them."
    )
    return 0


def share_json(row: ShareStatus) -> dict[str, Any]:
    entry = row.entry
    return {
        "share_id": "0x" + entry.share_id,
        "provider": entry.provider,
        "provider_name": row.provider_name,
        "records": [r.record_id for r in entry.records],
        "purpose": entry.purpose,
        "expires_at": _date(row.expires_at),
        "status": row.status,
        "bundle": entry.bundle_path,
        "grant_tx": entry.grant_tx,
        "revoke_tx": entry.revoke_tx,
    }


async def cmd_share_list(ctx: CliContext) -> int:
    shares = ctx.unlocked_service().shares()
    chain = await chain_service(ctx, signing=False)
    try:
        rows = [share_json(row) for row in await shares.statuses(chain)]
    finally:
        await chain.close()
    if ctx.args.json:
        ctx.print_json(rows)
        return 0
    for row in rows:
        name = f" ({row['provider_name']})" if row["provider_name"] else ""
        ctx.print(
            f"{row['share_id']}  {row['provider']}{name}  {','.join(row['records'])}  "
            f"{row['purpose']}  {row['expires_at']}  {row['status']}"
        )
    return 0


# -- provider open -------------------------------------------------------------------------------


async def cmd_provider_open(ctx: CliContext) -> int:
    shares = ctx.unlocked_service().shares()
    chain = await chain_service(ctx, signing=False)
    try:
        opened = await shares.open_bundle(chain, Path(ctx.args.bundle), Path(ctx.args.out))
    finally:
        await chain.close()
    for record in opened:
        ctx.print(str(record.path))
    ctx.warn(f"{len(opened)} record(s) verified and written to {ctx.args.out}.")
    return 0


# -- qr ------------------------------------------------------------------------------------------


def cmd_qr_decode(ctx: CliContext) -> int:
    from wallet.addresses import chain_label
    from wallet.qr import read_address_qr

    parsed = read_address_qr(Path(ctx.args.image))
    chain = str(parsed.chain_id) if parsed.chain_id is not None else "-"
    ctx.print(f"{parsed.address} {chain}")
    if parsed.chain_id is not None:
        ctx.warn(f"Address for {chain_label(parsed.chain_id)}.")
    for warning in parsed.warnings:
        ctx.warn(f"warning: {warning}")
    return 0


async def cmd_qr_mine(ctx: CliContext) -> int:
    from wallet.qr import make_address_qr

    profile = await network_profile(ctx)
    address = ctx.unlocked_service().address(0)
    make_address_qr(address, profile.chain_id, Path(ctx.args.out))
    ctx.print(f"ethereum:{address}@{profile.chain_id}")
    return 0
