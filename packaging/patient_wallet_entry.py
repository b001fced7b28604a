"""PyInstaller entry point of the packaged app: the launcher of the `patient-wallet` script."""

import sys

from ui.launcher import main

if __name__ == "__main__":
    sys.exit(main())
