"""Screenshots of each main screen at 100 % and 200 % scale, for the docs and for review.

Starts the real window under Xvfb (``xvfb-run``; reused if DISPLAY is set) with a throwaway data
directory and the fast test KDF (the wallet is discarded afterwards), drives it through welcome,
create (count, words, confirm, password), restore (with a mistyped word), records (with a viewer),
share (a registered provider looked up, one record chosen), consents (an active share), activity,
the provider role (registered, "shared with me"), receive, settings and unlock (with a wrong
password), and saves ``docs/screenshots/<screen>@<N>x.png``. The chain screens use a real local
anvil node in a throwaway chain home, stopped at the end.
Each scale runs in its own process because ``QT_SCALE_FACTOR`` is read when Qt starts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
PASSWORD = "correct horse battery staple 42"  # noqa: S105 - a throwaway demo wallet
MISTYPED_WORDS = "legal winner thank year wave sausage worth useful legal winner thank yelow"
SAMPLE = """Discharge summary
Patient: (example)
Diagnosis: community-acquired pneumonia, resolved.
Medication: amoxicillin 500 mg three times daily for 5 days.
Follow-up: chest X-ray in 6 weeks.
"""


async def drive(scale: int, data_dir: Path, files_dir: Path) -> None:
    from PySide6.QtWidgets import QApplication, QWidget

    from ui.bridge import Bridge
    from ui.idle_lock import IdleLock
    from ui.main_window import MainWindow
    from ui.views.share import RECORD_ID_ROLE
    from wallet.datadir import DataDir
    from wallet.events import EventBus
    from wallet.kdf import KdfParams
    from wallet.service import WalletService

    app = QApplication.instance()
    assert app is not None
    service = WalletService(
        DataDir(data_dir), events=EventBus(), kdf_factory=KdfParams.fast_for_tests
    )
    bridge = Bridge(service)
    idle = IdleLock(parent=app)
    app.installEventFilter(idle)
    window = MainWindow(idle, bridge)
    window.show()

    async def settle(seconds: float = 0.3) -> None:
        await asyncio.sleep(seconds)
        # (qasync runs Qt events while this sleeps; processEvents here would re-enter tasks)

    def shot(name: str, widget: QWidget | None = None) -> None:
        path = OUT / f"{name}@{scale}x.png"
        (widget or window).grab().save(str(path))
        print(path.relative_to(ROOT))

    await settle()
    shot("welcome")
    window.welcome.create_button.click()
    await settle()
    shot("create-count")
    create = window.create_view
    create.radio_12.setChecked(True)
    create.count_next.click()
    await settle()
    shot("create-words")
    words = create.word_grid.shown_words()
    create.words_next.click()
    await settle()
    edits = create.confirm_edits
    for edit, position in zip(edits, create.challenge_positions(), strict=True):
        edit.setText(words[position - 1])
    edits[-1].setText("wrong")
    create.confirm_next.click()
    await settle()
    shot("create-confirm")
    create.skip_ack.setChecked(True)
    create.skip_button.click()
    await settle()
    create.password_fields.password_edit.setText("patient2024")
    await settle()
    shot("create-password")
    create.password_fields.password_edit.setText(PASSWORD)
    create.password_fields.repeat_edit.setText(PASSWORD)
    create.create_button.click()
    while window.stack.currentWidget() is not window.home:
        await settle(0.1)

    note = files_dir / "discharge summary.txt"
    note.write_text(SAMPLE)
    lab = files_dir / "lab results 2024-03.json"
    lab.write_text(
        '{"HbA1c": {"value": 5.4, "unit": "%"}, "LDL": {"value": 2.9, "unit": "mmol/L"}}'
    )
    await bridge.import_files([note, lab])
    await settle(0.5)
    shot("records")
    window.records.table.selectRow(0)
    viewers: list[QWidget] = []
    window.records.viewerOpened.connect(viewers.append)
    window.records.view_button.click()
    while not viewers:
        await settle(0.1)
    await settle()
    shot("record-viewer", viewers[0])
    viewers[0].close()
    # A provider registers (second wallet), then the patient shares one record with it.
    provider_service = WalletService(
        DataDir(data_dir.parent / "provider"),
        events=EventBus(),
        kdf_factory=KdfParams.fast_for_tests,
    )
    provider_service.create(PASSWORD, words=12)
    provider_bridge = Bridge(provider_service)
    provider_window = MainWindow(IdleLock(parent=app), provider_bridge)
    provider_window.show()
    await settle()
    await provider_bridge.register_provider("Northside Family Clinic", _kind("PROVIDER"), "GP-4471")
    provider_address = provider_service.address(0)

    def section(screen: QWidget) -> None:
        window.show_section(window.pages.indexOf(screen))

    share = window.share
    section(share)
    await settle(0.5)
    share.address_edit.setText(provider_address)
    await share._use_target(provider_address)
    share.set_record_checked(share.records_list.item(0).data(RECORD_ID_ROLE))
    await settle()
    shot("share")
    record_id = str(share.records_list.item(0).data(RECORD_ID_ROLE))
    purpose = share.purpose_combo.currentData()
    bundle = files_dir / "northside.pwshare"
    await bridge.create_share(share.provider, [record_id], purpose, 30, bundle)
    section(window.consents)
    for _ in range(100):
        await settle(0.1)
        if any(r.status == "active" for r in window.consents.model.rows()):
            break
    window.consents.table.selectRow(0)
    await settle()
    shot("consents")
    section(window.activity)
    await settle(1.0)
    shot("activity")
    provider_window.show_section(provider_window.pages.indexOf(provider_window.provider))
    for _ in range(100):
        await settle(0.1)
        if provider_window.provider.table.rowCount():
            break
    await settle()
    shot("provider", provider_window)
    await provider_bridge.close_chain()
    provider_window.close()
    provider_bridge.close()

    section(window.receive)
    await settle(0.8)
    shot("receive")
    section(window.settings)
    await settle(1.0)
    shot("settings")
    section(window.backup)
    await window.backup.export_to(files_dir / "wallet.pwbackup")
    await settle()
    shot("backup")
    window.lock_now()
    await settle()
    window.unlock_view.password_edit.setText("not my password")
    window.unlock_view.unlock_button.click()
    while not window.unlock_view.error.isVisible():
        await settle(0.1)
    await settle()
    shot("unlock")

    # Restore, with a mistyped word, in a second window on an empty data directory.
    other = WalletService(
        DataDir(data_dir.parent / "restore"),
        events=EventBus(),
        kdf_factory=KdfParams.fast_for_tests,
    )
    other_bridge = Bridge(other)
    restore_window = MainWindow(idle, other_bridge)
    restore_window.show()
    restore_window.welcome.restore_button.click()
    restore_view = restore_window.restore_view
    restore_view.fill_words(MISTYPED_WORDS.split(" "))
    restore_view.words_next.click()
    await settle()
    shot("restore", restore_window)
    restore_window.close()
    other_bridge.close()
    await bridge.close_chain()
    window.close()
    bridge.close()


def _kind(name: str):  # type: ignore[no-untyped-def]
    from wallet.chain.registries import ProviderKind

    return ProviderKind[name]


def child(scale: int) -> int:
    import qasync
    from PySide6.QtWidgets import QApplication

    sys.path.insert(0, str(ROOT))
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory(prefix="pw-shots-") as tmp:
        files = Path(tmp) / "files"
        files.mkdir()
        os.environ["PATIENT_WALLET_CHAIN_HOME"] = str(Path(tmp) / "chain-home")
        from wallet.chain.localnode import LocalNode

        node = LocalNode()
        with loop:
            try:
                loop.run_until_complete(node.start())
                loop.run_until_complete(drive(scale, Path(tmp) / "data", files))
            finally:
                loop.run_until_complete(node.stop())
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child-scale", type=int)
    parser.add_argument("--scales", default="1,2")
    args = parser.parse_args()
    if args.child_scale:
        return child(args.child_scale)
    OUT.mkdir(parents=True, exist_ok=True)
    wrapper: list[str] = []
    if not os.environ.get("DISPLAY"):
        xvfb = shutil.which("xvfb-run")
        if xvfb is None:
            print("xvfb-run is missing (apt-get install xvfb xauth)", file=sys.stderr)
            return 1
        wrapper = [xvfb, "-a", "-s", "-screen 0 1920x1400x24"]
    for scale in (int(s) for s in args.scales.split(",")):
        env = dict(os.environ, QT_SCALE_FACTOR=str(scale))
        env.pop("QT_QPA_PLATFORM", None)
        command = [*wrapper, sys.executable, __file__, "--child-scale", str(scale)]
        subprocess.run(command, env=env, cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
