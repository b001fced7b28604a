"""The program's console entry point: the command line when a command is given, else the GUI.

``patient-wallet records list`` runs :func:`wallet.cli.run` without importing Qt at all (fast, and
usable on a machine without a display); ``patient-wallet`` or ``patient-wallet --data-dir DIR``
starts the desktop app. Keep Qt imports out of this module's top level.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

GUI_OPTIONS_WITH_VALUE = frozenset({"--data-dir", "--network"})
"""Options the GUI understands; anything else (a command, --help, --version) goes to the CLI."""
QT_OPTIONS_WITH_VALUE = frozenset(
    {
        "-platform",
        "-platformpluginpath",
        "-platformtheme",
        "-plugin",
        "-style",
        "-stylesheet",
        "-display",
        "-geometry",
        "-qwindowgeometry",
        "-qwindowtitle",
        "-qwindowicon",
    }
)


def wants_gui(argv: Sequence[str]) -> bool:
    """True when ``argv`` holds nothing but GUI options (and Qt's own ``-platform``-style ones)."""
    skip_next = False
    for arg in argv:
        if skip_next:
            skip_next = False
            continue
        if arg in GUI_OPTIONS_WITH_VALUE or arg in QT_OPTIONS_WITH_VALUE:
            skip_next = True
            continue
        if any(arg.startswith(option + "=") for option in GUI_OPTIONS_WITH_VALUE):
            continue
        if arg.startswith("-") and not arg.startswith("--"):
            continue  # Qt's single-dash flags (-reverse, -nograb, …)
        return False
    return True


def has_display() -> bool:
    """True when Qt has somewhere to draw: X11, Wayland, or an explicit QT_QPA_PLATFORM."""
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--self-test"]:
        from ui.self_test import run_self_test  # imports Qt only inside its Qt check

        return run_self_test()
    if not wants_gui(args):
        from wallet.cli import run  # no Qt on the command-line path

        return run(args)
    if not has_display():
        print(
            "Error: no display was found to open the window on; use a command instead "
            "(patient-wallet --help lists them).",
            file=sys.stderr,
        )
        return 1
    from ui.app import main as gui_main

    return gui_main(args)


if __name__ == "__main__":
    sys.exit(main())
