"""CLI commands for the record vault: records import|list|export|path|delete.

Must not import Qt. Record titles and contents are health data: they are printed only on request
(``list``) to stdout, and exported only to the file the user names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wallet.cli.context import CliContext
from wallet.errors import WalletValueError
from wallet.vault import RecordMeta


def register(commands: Any) -> None:
    records = commands.add_parser("records", help="import, list and export health records")
    records.set_defaults(group_parser=records)
    sub = records.add_subparsers(dest="records_command", metavar="COMMAND")

    imp = sub.add_parser(
        "import", help="encrypt files into the vault; prints one record id per line"
    )
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--title", help="title of the record (only with a single file)")
    imp.add_argument("--type", dest="media_type", metavar="MEDIA_TYPE", help="e.g. application/pdf")
    imp.set_defaults(handler=cmd_import)

    lst = sub.add_parser("list", help="list records: id, title, type, size, created, content hash")
    lst.add_argument("--json", action="store_true", help="machine-readable output")
    lst.set_defaults(handler=cmd_list)

    exp = sub.add_parser("export", help="write a decrypted copy of a record to FILE")
    exp.add_argument("record_id", metavar="ID")
    exp.add_argument("--out", metavar="FILE", required=True)
    exp.add_argument("--force", action="store_true", help="replace FILE if it exists")
    exp.set_defaults(handler=cmd_export)

    path = sub.add_parser("path", help="print the path of a record's encrypted age file")
    path.add_argument("record_id", metavar="ID")
    path.set_defaults(handler=cmd_path)

    delete = sub.add_parser("delete", help="delete a record from the vault")
    delete.add_argument("record_id", metavar="ID")
    delete.set_defaults(handler=cmd_delete)


def record_json(meta: RecordMeta) -> dict[str, Any]:
    return {
        "id": meta.id,
        "title": meta.title,
        "type": meta.media_type,
        "size": meta.size,
        "created": meta.created_at.isoformat(timespec="seconds"),
        "sha256": meta.sha256,
        "version": meta.version,
    }


def cmd_import(ctx: CliContext) -> int:
    files = [Path(f) for f in ctx.args.files]
    if ctx.args.title is not None and len(files) != 1:
        raise WalletValueError("--title can be used with a single file only.")
    vault = ctx.unlocked_service().vault
    for path in files:
        meta = vault.import_file(
            path,
            title=ctx.args.title,
            media_type=ctx.args.media_type,
            progress=ctx.progress(f"Importing {path.name}"),
        )
        ctx.print(meta.id)
    return 0


def cmd_list(ctx: CliContext) -> int:
    records = ctx.unlocked_service().vault.list_records()
    if ctx.args.json:
        ctx.print_json([record_json(meta) for meta in records])
        return 0
    for meta in records:
        created = meta.created_at.strftime("%Y-%m-%d %H:%M")
        ctx.print(
            f"{meta.id}  {meta.title}  {meta.media_type}  {meta.size}  {created}  {meta.sha256}"
        )
    return 0


def cmd_export(ctx: CliContext) -> int:
    out = Path(ctx.args.out)
    if not out.parent.is_dir():
        raise WalletValueError(f"The folder {out.parent} does not exist.")
    vault = ctx.unlocked_service().vault
    meta = vault.export(
        ctx.args.record_id,
        out,
        overwrite=ctx.args.force,
        progress=ctx.progress(f"Exporting {ctx.args.record_id}"),
    )
    ctx.warn(f"Decrypted copy of {meta.title!r} written to {out}.")
    return 0


def cmd_path(ctx: CliContext) -> int:
    ctx.print(str(ctx.unlocked_service().vault.record_path(ctx.args.record_id)))
    return 0


def cmd_delete(ctx: CliContext) -> int:
    ctx.unlocked_service().vault.delete(ctx.args.record_id)
    return 0
