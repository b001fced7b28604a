"""Creating and restoring a wallet through the onboarding screens, against a real service."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from tests.ui.conftest import PASSWORD, WORDS_12
from wallet.service import WalletService


def _to_confirm_page(qtbot, window, *, twelve: bool = True) -> list[str]:  # type: ignore[no-untyped-def]
    assert window.stack.currentWidget() is window.welcome
    qtbot.mouseClick(window.welcome.create_button, Qt.MouseButton.LeftButton)
    view = window.create_view
    assert window.stack.currentWidget() is view
    (view.radio_12 if twelve else view.radio_24).setChecked(True)
    qtbot.mouseClick(view.count_next, Qt.MouseButton.LeftButton)
    words = view.word_grid.shown_words()
    qtbot.mouseClick(view.words_next, Qt.MouseButton.LeftButton)
    assert view.currentWidget() is view.confirm_page
    return words


def _choose_password_and_create(qtbot, window, service: WalletService) -> None:  # type: ignore[no-untyped-def]
    view = window.create_view
    assert view.currentWidget() is view.password_page
    fields = view.password_fields
    qtbot.keyClicks(fields.password_edit, "password")
    assert not view.create_button.isEnabled()
    assert fields.message.text()  # the core's sentence about a weak password
    fields.password_edit.clear()
    qtbot.keyClicks(fields.password_edit, PASSWORD)
    qtbot.keyClicks(fields.repeat_edit, PASSWORD + "x")
    assert not view.create_button.isEnabled()
    assert fields.message.text() == "The two passwords differ."
    qtbot.keyClick(fields.repeat_edit, Qt.Key.Key_Backspace)
    assert view.create_button.isEnabled()
    qtbot.mouseClick(view.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home, timeout=10_000)
    assert service.has_wallet and service.is_unlocked


def test_create_confirms_words_before_the_wallet_exists(qtbot, make_window, service) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    words = _to_confirm_page(qtbot, window)
    view = window.create_view
    assert len(words) == 12
    positions = view.challenge_positions()
    assert len(positions) >= 4

    # A wrong word is refused and named by position; no wallet yet.
    answers = [words[p - 1] for p in positions]
    wrong = list(answers)
    wrong[1] = "zoo" if answers[1] != "zoo" else "zone"
    for edit, answer in zip(view.confirm_edits, wrong, strict=True):
        edit.setText(answer)
    qtbot.mouseClick(view.confirm_next, Qt.MouseButton.LeftButton)
    assert view.currentWidget() is view.confirm_page
    assert view.confirm_page.error.text() == (
        f"Word {positions[1]} does not match what you were shown; check your copy."
    )
    assert not service.has_wallet

    for edit, answer in zip(view.confirm_edits, answers, strict=True):
        edit.setText(answer.upper())
    qtbot.mouseClick(view.confirm_next, Qt.MouseButton.LeftButton)
    assert not service.has_wallet
    _choose_password_and_create(qtbot, window, service)

    assert window.unconfirmed_banner.isHidden()
    # The wallet holds exactly the words that were shown.
    service.lock()
    restored = WalletService(service.data_dir.__class__(service.data_dir.root.parent / "other"))
    restored._kdf_factory = service._kdf_factory
    restored.restore(" ".join(words), PASSWORD)
    service.unlock(PASSWORD)
    assert restored.address(0) == service.address(0)
    restored.lock()


def test_skipping_confirmation_needs_acknowledgement_and_leaves_a_banner(
    qtbot, make_window, service
) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    _to_confirm_page(qtbot, window, twelve=False)
    view = window.create_view
    assert not view.skip_button.isEnabled()
    view.skip_ack.setChecked(True)
    assert view.skip_button.isEnabled()
    qtbot.mouseClick(view.skip_button, Qt.MouseButton.LeftButton)
    _choose_password_and_create(qtbot, window, service)
    qtbot.waitUntil(lambda: window.unconfirmed_banner.isVisible())
    assert window.unconfirmed_banner.text().startswith("Recovery words not confirmed")
    assert window.words_unconfirmed


def test_restore_names_the_bad_word_then_restores(qtbot, make_window, service) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    qtbot.mouseClick(window.welcome.restore_button, Qt.MouseButton.LeftButton)
    view = window.restore_view
    assert window.stack.currentWidget() is view

    # Completion comes from the core's word list.
    qtbot.keyClicks(view.word_edits[0], "aban")
    assert view.word_edits[0].suggestions() == ["abandon"]

    # Pasting the whole phrase into the first box chooses 12 words and fills every box.
    view.word_edits[0].clear()
    QGuiApplication.clipboard().setText(WORDS_12.replace("about", "abuot"))
    qtbot.keyClick(view.word_edits[0], Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(view.word_edits) == 12
    assert view.word_edits[11].text() == "abuot"
    qtbot.mouseClick(view.words_next, Qt.MouseButton.LeftButton)
    assert view.currentWidget() is view.words_page
    assert 'Word 12, "abuot", is not in the BIP39 English list' in view.words_page.error.text()

    view.word_edits[11].setText("about")
    qtbot.mouseClick(view.words_next, Qt.MouseButton.LeftButton)
    assert view.currentWidget() is view.password_page
    qtbot.keyClicks(view.password_fields.password_edit, PASSWORD)
    qtbot.keyClicks(view.password_fields.repeat_edit, PASSWORD)
    qtbot.mouseClick(view.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home, timeout=10_000)
    assert service.address(0) == "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
    # The typed words are forgotten once the restore has finished.
    qtbot.waitUntil(lambda: all(not edit.text() for edit in view.word_edits))
