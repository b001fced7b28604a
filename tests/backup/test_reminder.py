"""The backup reminder rule: none yet, stale after a newer record, quiet otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wallet.backup.reminder import NO_BACKUP, backup_reminder

MADE = datetime(2026, 11, 25, 14, 0, 0, tzinfo=UTC)


def test_no_backup_yet_reminds_even_without_records() -> None:
    assert backup_reminder(None, None) == NO_BACKUP
    assert backup_reminder("", MADE) == NO_BACKUP
    assert backup_reminder("not a date", MADE) == NO_BACKUP


def test_a_backup_holding_every_record_is_quiet() -> None:
    assert backup_reminder(MADE.isoformat(), None) is None
    assert backup_reminder(MADE.isoformat(), MADE - timedelta(days=1)) is None
    # Same second as the backup (the stored time has no fraction): not stale.
    assert backup_reminder(MADE.isoformat(), MADE + timedelta(microseconds=900_000)) is None


def test_a_newer_record_makes_the_backup_stale_and_names_its_date() -> None:
    sentence = backup_reminder(MADE.isoformat(), MADE + timedelta(seconds=1))
    assert sentence is not None
    assert "2026-11-25 14:00 UTC" in sentence
    naive = MADE.replace(tzinfo=None).isoformat()  # an old file without a zone reads as UTC
    assert backup_reminder(naive, MADE + timedelta(hours=1)) is not None
