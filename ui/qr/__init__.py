"""Camera capture for QR codes; decoding itself is the core's (:mod:`wallet.qr`)."""
