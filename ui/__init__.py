"""The desktop app (PySide6 + qasync): composition root, bridge, shell window, screens.

Owns everything the patient sees. Reaches the core only through ``wallet.service.WalletService``
via the one bridge object (:mod:`ui.bridge`); never reads or writes wallet files itself.
Importing this package imports no Qt (so ``ui.launcher`` stays cheap for the command line).
"""
