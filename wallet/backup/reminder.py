"""When to remind the patient to make a backup: a pure rule, no I/O.

Owns :func:`backup_reminder`: remind when no verified backup was ever made, or when a record was
added after the last one (so the backup lacks it). ``last_backup_at`` is the ISO 8601 UTC text
:class:`~wallet.backup.service.BackupService` records, to the second; a record counts as newer only
from the next whole second, so a backup made in the same second as an import is not reported stale.

Must not import Qt or touch files. The sentences are the core's, shown as they are.
"""

from __future__ import annotations

from datetime import UTC, datetime

NO_BACKUP = (
    "There is no backup of this wallet yet; export an encrypted backup so a lost computer does "
    "not mean lost records."
)
STALE_BACKUP = (
    "Records were added after your last backup ({0}); export a new backup so it holds them too."
)


def backup_reminder(last_backup_at: str | None, newest_record_at: datetime | None) -> str | None:
    """The reminder sentence, or ``None`` when the last backup holds every record.

    An unreadable ``last_backup_at`` counts as no backup. ``newest_record_at`` must be aware
    (the vault's times are UTC); ``None`` means the vault holds no record.
    """
    if not last_backup_at:
        return NO_BACKUP
    try:
        made = datetime.fromisoformat(last_backup_at)
    except ValueError:
        return NO_BACKUP
    if made.tzinfo is None:
        made = made.replace(tzinfo=UTC)
    if newest_record_at is not None and newest_record_at.replace(microsecond=0) > made:
        return STALE_BACKUP.format(made.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    return None
