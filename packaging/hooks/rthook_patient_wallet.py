"""PyInstaller runtime hook: point the local chain at the anvil binary inside the bundle.

Runs before the app's code in the frozen program. ``wallet.chain.localnode.find_anvil`` reads
``PATIENT_WALLET_ANVIL`` first; a value the user set already is kept, so another anvil can still
be chosen. Nothing else is changed.
"""

import os
import sys

_bundle = getattr(sys, "_MEIPASS", None)
if _bundle:
    _anvil = os.path.join(_bundle, "anvil", "anvil")
    if os.path.isfile(_anvil):
        os.environ.setdefault("PATIENT_WALLET_ANVIL", _anvil)
