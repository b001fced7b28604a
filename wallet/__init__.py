"""Patient Wallet core: keys, the encrypted record vault, sharing and the chain client.

This package never imports Qt (an import-linter contract checks it); the desktop UI in ``ui/``
reaches it only through :mod:`wallet.service`.
"""

__version__ = "0.1.0"
