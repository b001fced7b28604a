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
NAV_SHARE: Final = tr("Share")
NAV_CONSENTS: Final = tr("Consents")
NAV_ACTIVITY: Final = tr("Activity")
NAV_PROVIDER: Final = tr("For providers")
NAV_BACKUP: Final = tr("Backup")
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
WELCOME_PROVIDER: Final = tr(
    "Are you a provider (doctor, hospital, lab, insurer)? Create a wallet too, then register it "
    "under “For providers” to receive what patients share."
)
CREATE_WALLET: Final = tr("&Create a new wallet")
RESTORE_WALLET: Final = tr("&Restore from recovery words")
RESTORE_FROM_BACKUP: Final = tr("Restore from a &backup file")
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
SETTINGS_SAVED_NOTE: Final = tr("Settings are saved on this computer and apply at once.")
NETWORK: Final = tr("Network")
NETWORK_LOCAL: Final = tr("local (a chain on this computer)")
NETWORK_NOTE: Final = tr(
    "Consents are recorded on this network. Changing it shows the consents made on the other one."
)
SAVED: Final = tr("Saved.")

# -- chain status ---------------------------------------------------------------------------------
CHAIN_OFFLINE: Final = tr("The chain cannot be reached: {0}")
CHAIN_BACK: Final = tr("The chain is reachable again.")
PENDING_GRANT: Final = tr("Signing and sending the consent… waiting for the chain to confirm it.")
PENDING_REVOKE: Final = tr("Revoking on chain… then giving the records new keys.")
PENDING_REGISTER: Final = tr("Registering on chain…")
CONFIRMED_GRANT: Final = tr("Consent confirmed on chain (transaction {0}).")
CONFIRMED_REVOKE: Final = tr(
    "Consent revoked on chain (transaction {0}); the records have new keys."
)
CONFIRMED_REGISTER: Final = tr("Registered on chain (transaction {0}).")

# -- share ----------------------------------------------------------------------------------------
SHARE_TITLE: Final = tr("Share records with a provider")
SHARE_TEXT: Final = tr(
    "Scan the provider's address QR code, or open a picture of it, or paste their address. Then "
    "choose the records, the purpose and how long the provider may open them."
)
SCAN_CAMERA: Final = tr("&Scan with the camera")
STOP_CAMERA: Final = tr("&Stop the camera")
FROM_IMAGE: Final = tr("From an &image file…")
PASTE_IMAGE: Final = tr("&Paste a picture")
QR_IMAGE_DIALOG: Final = tr("Open a picture of the provider's QR code")
QR_IMAGE_FILTER: Final = tr("Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp)")
NO_CAMERA: Final = tr(
    "No camera was found on this computer. Open a picture of the QR code, paste one, or paste "
    "the provider's address instead."
)
CAMERA_FAILED: Final = tr("The camera could not be started: {0}")
SCANNING: Final = tr("Hold the provider's QR code in front of the camera…")
CAMERA_PREVIEW: Final = tr("Camera picture")
NO_CLIPBOARD_IMAGE: Final = tr("The clipboard holds no picture; copy the QR code image first.")
PROVIDER_ADDRESS: Final = tr("Provider address")
PROVIDER_ADDRESS_PLACEHOLDER: Final = tr("0x… address, ethereum: link, or eip155: account")
LOOK_UP: Final = tr("&Look up")
LOOKING_UP: Final = tr("Looking the provider up on chain…")
PROVIDER_CARD: Final = tr("Provider")
PROVIDER_UNVERIFIED_NAME: Final = tr("(name not verified)")
PROVIDER_ACCREDITED: Final = tr("Accredited by {0}")
PROVIDER_NOT_ACCREDITED: Final = tr("NOT accredited by any accreditor")
RECORDS_TO_SHARE: Final = tr("Records to share")
PURPOSE: Final = tr("Purpose")
DURATION: Final = tr("For")
DURATION_SUFFIX: Final = tr(" days")
SHARE: Final = tr("&Share…")
SHARE_DIALOG: Final = tr("Save the share bundle (you give it to the provider)")
SHARE_FILTER: Final = tr("Share bundles (*.pwshare)")
CHOOSE_PROVIDER: Final = tr("Look up a provider first.")
CONFIRM_SHARE_TITLE: Final = tr("Sign this consent?")
CONFIRM_SHARE: Final = tr(
    "You will sign a consent letting {provider} ({address}) open {records} for {purpose} until "
    "about {until}, recorded on the {network} network."
)
RECALL_NOTE: Final = tr(
    "You can revoke it later, but copies the provider has already opened cannot be recalled: "
    "revoking stops later access and protects later versions only."
)
SIGN_AND_SEND: Final = tr("Sign and &send")
CANCEL: Final = tr("Cancel")
SHARED: Final = tr("Shared {0} record(s). Give the bundle {1} to the provider.")
RECORD_COUNT: Final = tr("{0} record(s): {1}")

# -- consents -------------------------------------------------------------------------------------
CONSENTS_TITLE: Final = tr("Your consents")
CONSENTS_TEXT: Final = tr(
    "Every share you made and where its consent stands on chain. The list follows the chain live."
)
CONSENTS_TABLE: Final = tr("Consents table")
COL_PROVIDER: Final = tr("Provider")
COL_RECORDS: Final = tr("Records")
COL_PURPOSE: Final = tr("Purpose")
COL_EXPIRES: Final = tr("Until")
COL_STATUS: Final = tr("Status")
STATUS_PENDING: Final = tr("pending")
STATUS_ACTIVE: Final = tr("active")
STATUS_EXPIRED: Final = tr("expired")
STATUS_REVOKED: Final = tr("revoked")
STATUS_NOT_GRANTED: Final = tr("not granted")
REFRESH: Final = tr("Re&fresh")
REVOKE: Final = tr("&Revoke…")
CONFIRM_REVOKE_TITLE: Final = tr("Revoke this consent?")
CONFIRM_REVOKE: Final = tr(
    "You will sign a revocation so that {provider} can no longer open {records} from the next "
    "block on, recorded on the {network} network; those records then get new keys."
)
REVOKE_NOTE: Final = tr(
    "Copies the provider has already opened cannot be recalled; revoking protects later access "
    "and later versions only."
)
REVOKE_SIGN: Final = tr("Sign and &revoke")
NOTHING_TO_REVOKE: Final = tr("Select an active or pending consent to revoke.")
SAVE_BUNDLE_AGAIN: Final = tr("Save &bundle again…")
GRANT_AGAIN: Final = tr("Send &grant…")
ONE_DAY: Final = tr("1 day")
N_DAYS: Final = tr("{0} days")
N_HOURS: Final = tr("{0} hours")
NOTHING_TO_GRANT: Final = tr("Select a consent marked “not granted” to send its grant.")
CONFIRM_GRANT_AGAIN: Final = tr(
    "The bundle of this share was made but its consent never reached the chain. You will sign a "
    "consent letting {provider} open {records} for {purpose} for {days} from now, recorded on the "
    "{network} network."
)
NOTHING_TO_SAVE: Final = tr("Select a consent whose bundle you want to save again.")
BUNDLE_SAVED_AGAIN: Final = tr(
    "The bundle was saved again to {0}; it is identical to the one this consent names."
)
UNKNOWN_RECORD: Final = tr("(deleted record)")

# -- activity -------------------------------------------------------------------------------------
ACTIVITY_TITLE: Final = tr("Activity")
ACTIVITY_TEXT: Final = tr(
    "What happened in this wallet (kept encrypted on this computer) and what the chain reported."
)
ACTIVITY_TABLE: Final = tr("Activity table")
COL_WHEN: Final = tr("When")
COL_WHAT: Final = tr("What")
COL_DETAILS: Final = tr("Details")
ACTIVITY_KINDS: Final = {
    "unlock": tr("Wallet unlocked"),
    "lock": tr("Wallet locked"),
    "import": tr("Records imported"),
    "export": tr("Decrypted copy saved"),
    "share-created": tr("Share bundle created"),
    "grant-sent": tr("Consent sent"),
    "grant-mined": tr("Consent confirmed on chain"),
    "revoke": tr("Consent revoked"),
    "provider-open": tr("Share opened (provider)"),
    "provider-registered": tr("Registered as a provider"),
    "chain-granted": tr("Chain: consent granted"),
    "chain-revoked": tr("Chain: consent revoked"),
    "chain-emergency": tr("Chain: emergency access granted"),
    "chain-provider": tr("Chain: provider {0}"),
}
ACTIVITY_SOURCE_LOCAL: Final = tr("this computer")
ACTIVITY_SOURCE_CHAIN: Final = tr("chain, block {0}")

# -- provider role --------------------------------------------------------------------------------
PROVIDER_TITLE: Final = tr("For providers")
PROVIDER_TEXT: Final = tr(
    "If you are a doctor, hospital, lab or insurer: register this wallet's address once, show "
    "patients its QR code (Receive), and open what they share with you while their consent lasts."
)
REGISTER_HEADING: Final = tr("Register as a provider")
PROVIDER_NAME: Final = tr("Name")
PROVIDER_KIND: Final = tr("Kind")
PROVIDER_LICENCE: Final = tr("Licence (optional)")
REGISTER: Final = tr("Re&gister")
REGISTERED_AS: Final = tr("Registered as {0} ({1}). {2}.")
NOT_REGISTERED: Final = tr("This address is not registered as a provider yet.")
SHARED_WITH_ME: Final = tr("Shared with me")
SHARED_WITH_ME_TABLE: Final = tr("Shares made to this wallet")
COL_PATIENT: Final = tr("Patient")
COL_SHARE: Final = tr("Share")
OPEN_BUNDLE: Final = tr("&Open a received bundle…")
OPEN_BUNDLE_DIALOG: Final = tr("Open a share bundle")
OPEN_OUT_DIALOG: Final = tr("Choose a folder for the decrypted records")
OPENED: Final = tr("{0} record(s) verified and written to {1}.")


# -- backup ---------------------------------------------------------------------------------------
BACKUP_TITLE: Final = tr("Backup")
BACKUP_TEXT: Final = tr(
    "A backup is one encrypted file holding your records, your shares and your settings. Your "
    "recovery words open it; keep it somewhere other than this computer (a USB stick, a cloud "
    "drive)."
)
LAST_BACKUP: Final = tr("Last backup: {0}")
NEVER_BACKUP: Final = tr("Last backup: never")
USE_BACKUP_PASSWORD: Final = tr("Also protect the backup with a &backup password")
BACKUP_PASSWORD_NOTE: Final = tr(
    "Optional. Without it, the recovery words alone open the backup; with it, both are needed, "
    "and a forgotten backup password makes the backup useless."
)
EXPORT_BACKUP: Final = tr("E&xport an encrypted backup…")
BACKUP_DIALOG: Final = tr("Save the encrypted backup")
BACKUP_FILTER: Final = tr("Patient Wallet backups (*.pwbackup)")
BACKUP_SUFFIX: Final = ".pwbackup"
BACKUP_STARTING: Final = tr("Preparing the backup…")
BACKUP_STAGES: Final = {
    # keyed by the core's stage labels (wallet.backup.export.STAGE_*)
    "Writing backup": tr("Writing the encrypted backup…"),
    "Verifying backup": tr("Reading the backup back to verify it…"),
    "Reading backup": tr("Reading and checking the backup…"),
}
BACKUP_DONE: Final = tr(
    "Backup saved to {path} and verified: it was read back and all {records} record(s) in it "
    "open ({size})."
)
BACKUP_PASSWORD_UNACCEPTABLE: Final = tr(
    "Choose an acceptable backup password, typed the same twice, or untick the box."
)

# -- restore from a backup file -------------------------------------------------------------------
RESTORE_BACKUP_TITLE: Final = tr("Restore from a backup file")
RESTORE_BACKUP_TEXT: Final = tr(
    "Choose the backup file, type the recovery words of the wallet it came from, and choose a "
    "password for this computer. Nothing is changed unless the whole backup checks out."
)
BACKUP_FILE: Final = tr("Backup file")
BACKUP_FILE_PLACEHOLDER: Final = tr("Choose the .pwbackup file")
BROWSE: Final = tr("Bro&wse…")
OPEN_BACKUP_DIALOG: Final = tr("Open a backup file")
RECOVERY_WORDS: Final = tr("Recovery words")
RECOVERY_WORDS_PLACEHOLDER: Final = tr("The 12 to 24 words, in order, separated by spaces")
BACKUP_PASSWORD_OPTIONAL: Final = tr("Backup password (only if you set one)")
NO_BACKUP_FILE: Final = tr("Choose the backup file first.")
RESTORE_FROM_BACKUP_BUTTON: Final = tr("&Restore backup")
RESTORED_FROM_BACKUP: Final = tr(
    "Restored {0} record(s) from the backup. Unlock with the password you just chose."
)

# -- about ----------------------------------------------------------------------------------------
ABOUT: Final = tr("&About")
ABOUT_TIP: Final = tr("Version, data folder and what the wallet protects (F1)")
ABOUT_TITLE: Final = tr("About Patient Wallet")
ABOUT_VERSION: Final = tr("Version")
ABOUT_DATA_DIR: Final = tr("Data folder")
ABOUT_NETWORK: Final = tr("Network")
ABOUT_THREAT_NOTE: Final = tr(
    "Your records are encrypted on this computer, but while the wallet is unlocked, malware on "
    "this computer can read them, and copies a provider has already opened cannot be recalled."
)
ABOUT_THREATS_LINK: Final = tr("What the wallet protects, and what it does not (THREATS.md)")
ABOUT_THREATS_MISSING: Final = tr(
    "See docs/THREATS.md in the Patient Wallet sources for what the wallet protects."
)


def human_size(size: int) -> str:
    """``size`` bytes as a short text (kB, MB, GB; powers of 1000 like file managers)."""
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} bytes"  # pragma: no cover - the loop always returns
