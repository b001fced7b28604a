"""The chain side of the wallet: async JSON-RPC client, contract artifacts, network profiles, the
embedded local node, the pending-transaction journal, typed registry wrappers and a log follower.

Must not import Qt or the UI. Everything that talks to a node is async (``AsyncWeb3``); there is no
synchronous twin. Signing happens locally with an eth-account ``LocalAccount`` handed in by the
session; no module here ever sees a password or writes a private key to disk.
"""
