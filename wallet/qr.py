"""QR codes: decode address QR codes from images and camera frames, encode this wallet's own.

Owns the bridge between pixels and :mod:`wallet.addresses`: zxing-cpp reads 8-bit grayscale
buffers (what ``QImage.Format_Grayscale8`` and converted camera frames give); Pillow opens image
files for the command line; segno writes PNG and SVG. A failed read is retried on a lightly blurred
copy and on 2x and 4x box-averaged copies (noise averages out), made with byte-string arithmetic so
numpy is not needed.

Must not import Qt (the UI converts its ``QImage`` or video frame to grayscale bytes and calls
:func:`decode_qr_gray`) or any ``wallet`` module but ``errors``, ``addresses`` and ``fileio``.

Security notes: image files and camera frames are untrusted. Buffer sizes are checked against the
stated geometry before zxing-cpp sees them; image files are capped in bytes and pixels before
decoding (decompression bombs), and only common still-image formats are opened. A decoded text is
only ever handed to :func:`wallet.addresses.parse_address`, never acted on directly.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import segno
import zxingcpp
from PIL import Image, UnidentifiedImageError

from wallet.addresses import InvalidAddress, ParsedAddress, eip681_uri, parse_address
from wallet.errors import WalletNotFound, WalletValueError
from wallet.fileio import write_atomic

__all__ = [
    "NoQrCodeFound",
    "NotAnAddressQr",
    "UnreadableImage",
    "decode_qr_gray",
    "decode_qr_image_file",
    "make_address_qr",
    "make_qr_png_bytes",
    "read_address_qr",
]

#: Largest image side accepted (a 4K camera frame is 3840).
MAX_SIDE = 16384
#: Largest image accepted, in pixels (a 48 MP phone photo is 8000x6000).
MAX_PIXELS = 50_000_000
#: Largest image file opened, in bytes.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Image file formats opened (Pillow names); others are refused before any decoder runs.
IMAGE_FORMATS = ("PNG", "JPEG", "BMP", "GIF", "WEBP")
#: Smallest side worth retrying at a reduced size.
_MIN_RETRY_SIDE = 64
_QR_FORMATS = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


class NoQrCodeFound(WalletValueError):
    """The image was read, but no QR code could be found or decoded in it."""


class UnreadableImage(WalletValueError):
    """The file or buffer is not an image this module can read."""


class NotAnAddressQr(InvalidAddress):
    """A QR code was decoded, but its text is not an address this wallet accepts.

    ``texts`` holds what was decoded; ``reason`` is the parser's sentence for the first text.
    """

    def __init__(self, user_message: str, texts: tuple[str, ...], reason: str) -> None:
        super().__init__(user_message)
        self.texts = texts
        self.reason = reason


# ---------------------------------------------------------------------------------------------
# grayscale arithmetic on byte strings (each byte one pixel), C speed through big integers


def _average(a: bytes, b: bytes) -> bytes:
    """Per-byte ``floor((a + b) / 2)`` of two equal-length byte strings, without a Python loop."""
    n = len(a)
    x = int.from_bytes(a, "little")
    y = int.from_bytes(b, "little")
    mask = int.from_bytes(b"\xfe" * n, "little")
    # (x & y) + ((x ^ y) >> 1) per byte; the mask stops a bit leaking into the byte below.
    return ((x & y) + (((x ^ y) & mask) >> 1)).to_bytes(n, "little")


def _compact(data: bytes, width: int, height: int, stride: int) -> bytes:
    if stride == width:
        return bytes(data[: width * height])
    return b"".join(data[y * stride : y * stride + width] for y in range(height))


def _half(pixels: bytes, width: int, height: int) -> tuple[bytes, int, int]:
    """2x2 box-average downscale of a contiguous ``width`` x ``height`` image."""
    w2, h2 = width // 2, height // 2
    rows = b"".join(pixels[y * width : y * width + 2 * w2] for y in range(2 * h2))
    across = _average(rows[0::2], rows[1::2])  # 2*h2 rows of w2
    top = b"".join(across[(2 * y) * w2 : (2 * y + 1) * w2] for y in range(h2))
    bottom = b"".join(across[(2 * y + 1) * w2 : (2 * y + 2) * w2] for y in range(h2))
    return _average(top, bottom), w2, h2


def _blur(pixels: bytes, width: int, height: int) -> tuple[bytes, int, int]:
    """A light blur: the 2x2 box average at full resolution (one row shorter)."""
    across = _average(pixels[:-1], pixels[1:])  # the last column mixes with the next row: harmless
    down = _average(across[:-width], across[width:])
    return down + b"\xff", width, height - 1


def _read(pixels: bytes, width: int, height: int, stride: int) -> list[str]:
    view = zxingcpp.ImageView(pixels, width, height, zxingcpp.ImageFormat.Lum, row_stride=stride)
    found = zxingcpp.read_barcodes(view, formats=_QR_FORMATS)
    texts: list[str] = []
    for barcode in found:
        text = str(barcode.text)
        if text not in texts:
            texts.append(text)
    return texts


def decode_qr_gray(
    data: bytes | memoryview, width: int, height: int, stride: int | None = None
) -> list[str]:
    """All QR code texts in an 8-bit grayscale image (row ``y`` starts at byte ``y * stride``).

    Returns an empty list when nothing is found. A failed read is retried on a lightly blurred
    copy, then on 2x and 4x downscaled copies.
    """
    row = width if stride is None else stride
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (width, height, row)):
        raise UnreadableImage("The image size must be given as whole numbers.")
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise UnreadableImage(
            f"The image is {width}x{height} pixels; each side must be between 1 and {MAX_SIDE}."
        )
    if row < width:
        raise UnreadableImage(f"The row stride {row} is smaller than the image width {width}.")
    buffer = data.tobytes() if isinstance(data, memoryview) else bytes(data)
    needed = row * (height - 1) + width
    if len(buffer) < needed:
        raise UnreadableImage(
            f"The image buffer holds {len(buffer)} bytes, fewer than the {needed} its size needs."
        )

    pixels = _compact(buffer, width, height, row)
    texts = _read(pixels, width, height, width)
    if texts:
        return texts
    if height > 2:
        texts = _read(*_blur(pixels, width, height), width)
        if texts:
            return texts
    w, h = width, height
    for _ in range(2):
        if min(w, h) < 2 * _MIN_RETRY_SIDE:
            break
        pixels, w, h = _half(pixels, w, h)
        texts = _read(pixels, w, h, w)
        if texts:
            return texts
    return []


def decode_qr_image_file(path: Path) -> list[str]:
    """All QR code texts in a PNG, JPEG, BMP, GIF or WebP file (empty list if none).

    Raises :class:`WalletNotFound` for a missing file and :class:`UnreadableImage` for anything
    that is not a readable image of a sensible size.
    """
    path = Path(path)
    if not path.is_file():
        raise WalletNotFound(f"There is no image file at {path}.")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UnreadableImage(f"The file {path} cannot be read ({error.strerror}).") from None
    if size > MAX_FILE_BYTES:
        raise UnreadableImage(
            f"The file {path} is {size // (1024 * 1024)} MiB; images over "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MiB are not read."
        )
    formats = ", ".join(IMAGE_FORMATS[:-1]) + " or " + IMAGE_FORMATS[-1]
    try:
        with Image.open(path, formats=IMAGE_FORMATS) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise UnreadableImage(
                    f"The image {path} is {width}x{height} pixels, too large to scan for a QR code."
                )
            image.load()
            gray = _to_gray(image)
            pixels = gray.tobytes()
    except UnreadableImage:
        raise  # the size check above; UnreadableImage is also a ValueError
    except UnidentifiedImageError:
        raise UnreadableImage(
            f"The file {path} is not an image this wallet can read ({formats})."
        ) from None
    except Image.DecompressionBombError:
        raise UnreadableImage(
            f"The image {path} has too many pixels to scan for a QR code."
        ) from None
    except (OSError, ValueError, SyntaxError):
        raise UnreadableImage(
            f"The image {path} is damaged or truncated and cannot be read."
        ) from None
    return decode_qr_gray(pixels, width, height)


def _to_gray(image: Image.Image) -> Image.Image:
    """8-bit grayscale; transparent areas become white (a QR code on a transparent background)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, image.convert("RGBA")).convert("L")
    return image.convert("L")


def _as_clause(sentence: str) -> str:
    """Turn a full sentence into a clause that can follow a colon."""
    first = sentence.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():  # an acronym such as "ENS"
        return sentence
    return sentence[:1].lower() + sentence[1:]


def read_address_qr(source: Path | str | Sequence[str]) -> ParsedAddress:
    """Decode an image file (a :class:`Path`) or take decoded QR texts; parse the one address.

    A plain ``str`` is one decoded text, not a path. Raises :class:`NoQrCodeFound` when there is no
    QR code, :class:`NotAnAddressQr` when no QR code holds an acceptable address, and
    :class:`InvalidAddress` when the image holds several different addresses.
    """
    if isinstance(source, Path):
        texts = decode_qr_image_file(source)
        if not texts:
            raise NoQrCodeFound(
                f"No QR code was found in {source.name}; use a sharper, well-lit picture with the "
                "whole code in view."
            )
    else:
        texts = [source] if isinstance(source, str) else list(source)
        if not texts:
            raise NoQrCodeFound("No QR code was found; hold the whole code steady in view.")

    parsed: list[ParsedAddress] = []
    first_error: InvalidAddress | None = None
    for text in texts:
        try:
            candidate = parse_address(text)
        except InvalidAddress as error:
            first_error = first_error or error
            continue
        if all((p.address, p.chain_id) != (candidate.address, candidate.chain_id) for p in parsed):
            parsed.append(candidate)
    if len(parsed) == 1:
        return parsed[0]
    if len(parsed) > 1:
        raise InvalidAddress(
            f"The picture holds {len(parsed)} different address QR codes; show only one."
        )
    reason = first_error.user_message if first_error else "it is empty."
    raise NotAnAddressQr(
        f"The QR code does not hold a usable Ethereum address: {_as_clause(reason)}",
        tuple(texts),
        reason,
    )


# ---------------------------------------------------------------------------------------------
# encoding


def make_qr_png_bytes(text: str, scale: int = 8) -> bytes:
    """A PNG of ``text`` as a QR code (error correction M, 4-module quiet zone)."""
    if isinstance(scale, bool) or not isinstance(scale, int) or not 1 <= scale <= 64:
        raise WalletValueError("The QR code scale must be a whole number from 1 to 64.")
    buffer = io.BytesIO()
    _make(text).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def _make(text: str) -> segno.QRCode:
    if not text:
        raise WalletValueError("There is nothing to put in the QR code.")
    try:
        return segno.make_qr(text, error="m")
    except segno.DataOverflowError:
        raise WalletValueError(
            f"The text is too long ({len(text)} characters) to fit in a QR code."
        ) from None


def make_address_qr(address: str, chain_id: int, out: Path, *, scale: int = 8) -> None:
    """Write ``ethereum:<address>@<chainId>`` as a QR code to ``out``: PNG or SVG by its suffix."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise WalletValueError(
            f"A QR code is saved as .png or .svg, not {out.suffix or 'a file without a suffix'}."
        )
    payload = eip681_uri(address, chain_id)
    if suffix == ".png":
        data = make_qr_png_bytes(payload, scale)
    else:
        buffer = io.BytesIO()
        _make(payload).save(buffer, kind="svg", scale=scale, border=4, xmldecl=True, title=payload)
        data = buffer.getvalue()
    if not out.parent.is_dir():
        raise WalletNotFound(f"The folder {out.parent} does not exist.")
    try:
        write_atomic(out, data)
    except OSError as error:
        raise WalletValueError(
            f"The QR code could not be written to {out} ({error.strerror or error})."
        ) from None
