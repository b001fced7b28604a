"""One module per screen. Screens talk to :class:`ui.bridge.Bridge`, never to each other.

Must not import the service or storage; rules (password strength, word checks) come through the
bridge from ``wallet/``.
"""
