"""The vault index: a small SQLite database of record ids, rotation versions and sealed metadata.

Owns ``<vault>/index.sqlite3``: its schema (versioned with ``PRAGMA user_version`` and upgraded by
the ordered :data:`MIGRATIONS` list), the key check, and the in-flight operation journal
(``intents``) that crash recovery reads. Only random ids, version counters and sealed blobs
(:mod:`wallet.vault.sealed`) are stored; sorting and searching happen in memory after unsealing.

Must not import Qt, the age layer, or anything about passwords and sessions; it never sees a
plaintext field except through :mod:`wallet.vault.sealed`. Security notes: the database file is
created 0600 before SQLite opens it (its journal inherits that mode), ``secure_delete`` zeroes
freed pages so an old sealed blob does not linger after a rotation or delete, and
``synchronous=FULL`` makes every commit durable before the call returns.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from wallet.errors import CorruptData, UnsupportedFormat, WalletError
from wallet.fileio import FILE_MODE

Migration = Callable[[sqlite3.Connection], None]


class IndexUnavailable(WalletError):
    """The index database could not be read or written (disk full, I/O error, locked)."""


@contextlib.contextmanager
def sql_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's exceptions into one-sentence wallet errors naming the index file."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        raise IndexUnavailable(f"The vault index {path} could not be used ({exc}).") from None
    except sqlite3.DatabaseError as exc:
        raise CorruptData(f"The vault index {path} is damaged ({exc}).") from None


def _migrate_0_to_1(db: sqlite3.Connection) -> None:
    db.execute(
        "CREATE TABLE records ("
        " id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 32 AND id NOT GLOB '*[^0-9a-f]*'),"
        " version INTEGER NOT NULL CHECK (version >= 1),"
        " sealed BLOB NOT NULL"
        ") WITHOUT ROWID"
    )
    db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL)")
    db.execute(
        "CREATE TABLE intents ("
        " id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 32 AND id NOT GLOB '*[^0-9a-f]*'),"
        " op TEXT NOT NULL CHECK (op IN ('import', 'delete'))"
        ") WITHOUT ROWID"
    )


MIGRATIONS: tuple[Migration, ...] = (_migrate_0_to_1,)
"""``MIGRATIONS[n]`` upgrades schema ``n`` to ``n + 1``. Append only; never edit a released step."""
SCHEMA_VERSION = len(MIGRATIONS)
KEY_CHECK = "key_check"


@dataclass(frozen=True)
class IndexRow:
    """One record as the index stores it: nothing readable but the id and the version."""

    record_id: str
    version: int
    sealed: bytes


class Index:
    """A thread-safe handle on the index database (one connection, one lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = self._connect(path)
        try:
            self._migrate()
        except BaseException:
            self._db.close()
            raise

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        # Create the file ourselves so it is 0600 from its first byte; SQLite would honour umask.
        fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        os.close(fd)
        os.chmod(path, FILE_MODE)
        try:
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=DELETE")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA secure_delete=ON")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as exc:
            raise CorruptData(
                f"The vault index {path} is damaged or is not a database ({exc})."
            ) from None
        return db

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise UnsupportedFormat(
                f"The vault index has schema version {version}, but this program knows only up to "
                f"{SCHEMA_VERSION}; update the program."
            )
        for step in range(version, SCHEMA_VERSION):
            with self.transaction():
                MIGRATIONS[step](self._db)
                # PRAGMA takes no parameters; ``step`` is an int from this module.
                self._db.execute(f"PRAGMA user_version = {step + 1}")

    @property
    def schema_version(self) -> int:
        with self._lock, sql_errors(self.path):
            (version,) = self._db.execute("PRAGMA user_version").fetchone()
        return int(version)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """An immediate write transaction; commits on success, rolls back on any exception."""
        with self._lock, sql_errors(self.path):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock, sql_errors(self.path):
            self._db.close()

    # -- meta ---------------------------------------------------------------------------------

    def get_meta(self, name: str) -> bytes | None:
        with self._lock, sql_errors(self.path):
            row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else bytes(row[0])

    def set_meta(self, name: str, value: bytes) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))

    # -- records ------------------------------------------------------------------------------

    def rows(self) -> list[IndexRow]:
        with self._lock, sql_errors(self.path):
            found = self._db.execute("SELECT id, version, sealed FROM records").fetchall()
        return [IndexRow(str(i), int(v), bytes(s)) for i, v, s in found]

    def row(self, record_id: str) -> IndexRow | None:
        with self._lock, sql_errors(self.path):
            found = self._db.execute(
                "SELECT id, version, sealed FROM records WHERE id = ?", (record_id,)
            ).fetchone()
        return None if found is None else IndexRow(str(found[0]), int(found[1]), bytes(found[2]))

    def ids_with_prefix(self, prefix: str, limit: int = 2) -> list[str]:
        with self._lock, sql_errors(self.path):
            found = self._db.execute(
                "SELECT id FROM records WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT ?",
                (len(prefix), prefix, limit),
            ).fetchall()
        return [str(i) for (i,) in found]

    def count_prefix(self, prefix: str) -> int:
        with self._lock, sql_errors(self.path):
            (count,) = self._db.execute(
                "SELECT count(*) FROM records WHERE substr(id, 1, ?) = ?", (len(prefix), prefix)
            ).fetchone()
        return int(count)

    def update_row(self, row: IndexRow) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE records SET version = ?, sealed = ? WHERE id = ?",
                (row.version, row.sealed, row.record_id),
            )

    # -- intents: the crash-recovery journal ----------------------------------------------------

    def begin_import(self, record_id: str) -> None:
        """Record that a file for ``record_id`` may appear before its row is committed."""
        with self.transaction() as db:
            db.execute("INSERT INTO intents (id, op) VALUES (?, 'import')", (record_id,))

    def finish_import(self, row: IndexRow) -> None:
        """Commit the new row and drop the import intent in one transaction."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO records (id, version, sealed) VALUES (?, ?, ?)",
                (row.record_id, row.version, row.sealed),
            )
            db.execute("DELETE FROM intents WHERE id = ? AND op = 'import'", (row.record_id,))

    def begin_delete(self, record_id: str) -> None:
        """Drop the row and record that its file still has to go, in one transaction."""
        with self.transaction() as db:
            db.execute("DELETE FROM records WHERE id = ?", (record_id,))
            db.execute("INSERT OR REPLACE INTO intents (id, op) VALUES (?, 'delete')", (record_id,))

    def clear_intent(self, record_id: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM intents WHERE id = ?", (record_id,))

    def intents(self) -> Sequence[tuple[str, str]]:
        with self._lock, sql_errors(self.path):
            found = self._db.execute("SELECT id, op FROM intents").fetchall()
        return [(str(i), str(op)) for i, op in found]
