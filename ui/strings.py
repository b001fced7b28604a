"""Every sentence and label the desktop app shows, in one place, ready for translation.

Owns the user-visible text of ``ui/``: window titles, button labels, accessible names and the
sentences screens show. Core error sentences are not here: they come from
``WalletError.user_message`` and are shown as they are. :func:`tr` is the single translation
hook (today it returns its text; a ``QTranslator`` can be wired in later without touching the
screens).

Must not import Qt widgets or the core; constants and small formatting helpers only.
"""

from __future__ import annotations

from typing import Final


def tr(text: str) -> str:
    """Translate ``text`` (identity until translations exist; the one place to hook them in)."""
    return text


APP_NAME: Final = tr("Patient Wallet")
STARTING: Final = tr("Starting…")

# -- shell ----------------------------------------------------------------------------------------
NAV_RECORDS: Final = tr("Records")
NAV_RECEIVE: Final = tr("Receive")
NAV_SETTINGS: Final = tr("Settings")
NAV_ACCESSIBLE: Final = tr("Sections")
LOCK: Final = tr("&Lock")
LOCK_TIP: Final = tr("Lock the wallet now (Ctrl+L)")
UNCONFIRMED_BANNER: Final = tr(
    "Recovery words not confirmed. If you lose this computer without them, your records are lost."
)
DISMISS: Final = tr("Dismiss")
UNEXPECTED_ERROR: Final = tr("Something went wrong: {0}")

# -- onboarding -----------------------------------------------------------------------------------
WELCOME_TITLE: Final = tr("Welcome to Patient Wallet")
WELCOME_TEXT: Final = tr(
    "Your health records stay encrypted on this computer. Recovery words let you get them back "
    "on another one."
)
CREATE_WALLET: Final = tr("&Create a new wallet")
RESTORE_WALLET: Final = tr("&Restore from recovery words")
BACK: Final = tr("&Back")
NEXT: Final = tr("&Next")
WORD_COUNT_TITLE: Final = tr("How many recovery words?")
WORD_COUNT_TEXT: Final = tr("24 words are the safest choice; 12 are easier to write down.")
WORDS_12: Final = tr("12 words")
WORDS_24: Final = tr("24 words (recommended)")
SHOW_WORDS_TITLE: Final = tr("Write down your recovery words")
SHOW_WORDS_TEXT: Final = tr(
    "Write these words on paper, in order, and keep them somewhere safe. Anyone with them can open "
    "your records. They are shown only now."
)
WORDS_WRITTEN: Final = tr("I have &written them down")
CONFIRM_TITLE: Final = tr("Confirm your recovery words")
CONFIRM_TEXT: Final = tr("Type the words asked for below, to check your copy.")
CONFIRM_WORD_LABEL: Final = tr("Word {0}")
CONFIRM_WRONG: Final = tr("Word {0} does not match what you were shown; check your copy.")
CONFIRM_MISSING: Final = tr("Type every word asked for.")
SKIP_ACK: Final = tr(
    "I understand that without checked recovery words I may lose access to my records"
)
SKIP_CONFIRM: Final = tr("&Skip this check")
PASSWORD_TITLE: Final = tr("Choose a password")
PASSWORD_TEXT: Final = tr("The password unlocks the wallet on this computer.")
PASSWORD: Final = tr("Password")
PASSWORD_AGAIN: Final = tr("Password again")
PASSWORD_MISMATCH: Final = tr("The two passwords differ.")
PASSWORD_STRENGTH: Final = tr("Password strength")
CREATE: Final = tr("Create &wallet")
RESTORE: Final = tr("&Restore wallet")
CREATING: Final = tr("Creating the wallet…")
RESTORE_TITLE: Final = tr("Type your recovery words")
RESTORE_TEXT: Final = tr(
    "Type each word, or paste the whole phrase into the first box. Suggestions appear as you type."
)
RESTORE_COUNT: Final = tr("Number of words")
RESTORE_WORD: Final = tr("Word {0}")
BIP39_PASSPHRASE: Final = tr("Extra passphrase (only if you set one)")

# -- unlock ---------------------------------------------------------------------------------------
UNLOCK_TITLE: Final = tr("Unlock your wallet")
UNLOCK: Final = tr("&Unlock")
UNLOCKING: Final = tr("Unlocking…")
LOCKED_BY_IDLE: Final = tr("The wallet locked itself after {0} minutes without activity.")

# -- records --------------------------------------------------------------------------------------
RECORDS_TITLE: Final = tr("Your records")
SEARCH: Final = tr("Search records")
SEARCH_PLACEHOLDER: Final = tr("Search by title, type or file name (Ctrl+F)")
IMPORT: Final = tr("&Import files…")
VIEW: Final = tr("&View")
EXPORT: Final = tr("&Export a decrypted copy…")
DROP_HINT: Final = tr("Drop files here to import them.")
IMPORT_DIALOG: Final = tr("Import records")
EXPORT_DIALOG: Final = tr("Save a decrypted copy")
IMPORTING: Final = tr("Importing {0}…")
IMPORTED: Final = tr("Imported {0} record(s).")
EXPORTED: Final = tr("Saved a decrypted copy to {0}.")
NO_SELECTION: Final = tr("Select a record first.")
RECORDS_TABLE: Final = tr("Records table")
PROGRESS: Final = tr("Progress")
COL_TITLE: Final = tr("Title")
COL_TYPE: Final = tr("Type")
COL_SIZE: Final = tr("Size")
COL_ADDED: Final = tr("Added")
COL_SOURCE: Final = tr("File name")
VIEWER_TITLE: Final = tr("Record: {0}")
VIEWER_BINARY: Final = tr(
    "This record ({0}) cannot be shown here. Export a decrypted copy to open it in another program."
)
CLOSE: Final = tr("Close")

# -- receive --------------------------------------------------------------------------------------
RECEIVE_TITLE: Final = tr("Your address")
RECEIVE_TEXT: Final = tr(
    "Providers and apps use this address to find your consents. It is public; it reveals no record."
)
ADDRESS: Final = tr("Address")
QR_CODE: Final = tr("QR code of your address")
COPY: Final = tr("&Copy address")
COPIED: Final = tr("Address copied.")

# -- settings -------------------------------------------------------------------------------------
SETTINGS_TITLE: Final = tr("Settings")
AUTO_LOCK: Final = tr("Lock automatically after")
AUTO_LOCK_SUFFIX: Final = tr(" minutes without activity")
SETTINGS_SESSION_NOTE: Final = tr("This setting lasts until the program closes.")


def human_size(size: int) -> str:
    """``size`` bytes as a short text (kB, MB, GB; powers of 1000 like file managers)."""
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} bytes"  # pragma: no cover - the loop always returns
