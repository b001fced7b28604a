"""Who a share goes to: turn what the patient typed or scanned into one provider address.

Owns :func:`resolve_target`: TARGET is an existing image file holding a QR code (decoded with
:mod:`wallet.qr`), or text (bare address, ERC-681 URI, ERC-3770, CAIP-10). Either way the address
passes :func:`wallet.addresses.parse_grantee` for the wallet's current chain, which refuses payment
and contract-call URIs, the zero address and an address marked for another chain.

Must not import Qt or the chain code. Security note: a decoded QR text is only ever parsed, never
acted on; an image with several different addresses is refused rather than guessed.
"""

from __future__ import annotations

from pathlib import Path

from wallet.addresses import InvalidAddress, ParsedAddress, parse_address, parse_grantee
from wallet.qr import NoQrCodeFound, decode_qr_image_file, read_address_qr

__all__ = ["resolve_target"]


def _same(text: str, parsed: ParsedAddress) -> bool:
    try:
        candidate = parse_address(text)
    except InvalidAddress:
        return False
    return (candidate.address, candidate.chain_id) == (parsed.address, parsed.chain_id)


def resolve_target(target: str, chain_id: int) -> ParsedAddress:
    """The provider address named by ``target`` (an address text or a QR image file)."""
    path = Path(target)
    if len(target) < 4096 and path.is_file():
        texts = decode_qr_image_file(path)
        if not texts:
            raise NoQrCodeFound(
                f"No QR code was found in {path.name}; use a sharper picture with the whole code "
                "in view."
            )
        parsed = read_address_qr(texts)
        text = next(t for t in texts if _same(t, parsed))
        return parse_grantee(text, chain_id)
    return parse_grantee(target, chain_id)
