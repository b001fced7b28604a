"""QR encode/decode round trips on real images: segno PNG and SVG, Qt-made rotations and scalings
(Qt only here in the test, offscreen), inversion, noise, blank and non-address codes."""

from __future__ import annotations

import io
import random
import zlib
from pathlib import Path

import pytest
import segno
import zxingcpp
from PIL import Image
from PySide6 import QtCore, QtGui, QtSvg

from wallet.addresses import InvalidAddress, parse_grantee
from wallet.errors import WalletNotFound, WalletValueError
from wallet.qr import (
    NoQrCodeFound,
    NotAnAddressQr,
    UnreadableImage,
    decode_qr_gray,
    decode_qr_image_file,
    make_address_qr,
    make_qr_png_bytes,
    read_address_qr,
)

PROVIDER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
OTHER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
URI = f"ethereum:{PROVIDER}@31337"


def _gray_of(image: QtGui.QImage) -> tuple[bytes, int, int, int]:
    """A QImage as (Grayscale8 bytes, width, height, stride): what the UI will hand the core."""
    gray = image.convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
    data = bytes(gray.constBits())[: gray.sizeInBytes()]
    return data, gray.width(), gray.height(), gray.bytesPerLine()


def _on_white(draw_size: int, png: bytes, transform: QtGui.QTransform) -> QtGui.QImage:
    """Draw ``png`` through ``transform`` in the middle of a white square canvas."""
    source = QtGui.QImage.fromData(png)
    canvas = QtGui.QImage(draw_size, draw_size, QtGui.QImage.Format.Format_RGB32)
    canvas.fill(QtGui.QColor("white"))
    painter = QtGui.QPainter(canvas)
    painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
    painter.translate(draw_size / 2, draw_size / 2)
    painter.setTransform(transform, combine=True)
    painter.drawImage(QtCore.QPointF(-source.width() / 2, -source.height() / 2), source)
    painter.end()
    return canvas


def _matrix_gray(text: str, scale: int) -> tuple[bytes, int, int]:
    rows = list(segno.make_qr(text, error="m").matrix_iter(scale=scale, border=4))
    return bytes(0 if dark else 255 for row in rows for dark in row), len(rows[0]), len(rows)


# ---------------------------------------------------------------------------------------------
# encode, then decode


def test_png_file_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "provider.png"
    make_address_qr(PROVIDER.lower(), 31337, out)
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert out.stat().st_mode & 0o777 == 0o600
    assert decode_qr_image_file(out) == [URI]
    parsed = read_address_qr(out)
    assert (parsed.address, parsed.chain_id, parsed.source_format) == (PROVIDER, 31337, "eip681")
    assert parse_grantee(URI, 31337).address == PROVIDER


def test_svg_file_is_made_and_renders_to_a_readable_code(tmp_path: Path) -> None:
    out = tmp_path / "provider.SVG"
    make_address_qr(PROVIDER, 1, out)
    svg = out.read_text(encoding="utf-8")
    assert svg.startswith("<?xml")
    assert "<svg" in svg
    assert svg.rstrip().endswith("</svg>")
    assert f"<title>ethereum:{PROVIDER}@1</title>" in svg
    assert "<path" in svg
    # Rasterise with QtSvg (test only) and read it back.
    renderer = QtSvg.QSvgRenderer(out.read_bytes())
    assert renderer.isValid()
    size = renderer.defaultSize()
    canvas = QtGui.QImage(size, QtGui.QImage.Format.Format_RGB32)
    canvas.fill(QtGui.QColor("white"))
    painter = QtGui.QPainter(canvas)
    renderer.render(painter)
    painter.end()
    assert decode_qr_gray(*_gray_of(canvas)) == [f"ethereum:{PROVIDER}@1"]


def test_png_bytes_decode_through_qimage_with_a_row_stride() -> None:
    png = make_qr_png_bytes(URI, scale=3)
    data, width, height, stride = _gray_of(QtGui.QImage.fromData(png))
    assert stride != width  # Grayscale8 rows are padded to 4 bytes: the stride path is used
    assert decode_qr_gray(data, width, height, stride) == [URI]
    assert decode_qr_gray(memoryview(data), width, height, stride) == [URI]


@pytest.mark.parametrize("angle", [90, 30, 45, 180])
def test_rotated_codes_decode(angle: int) -> None:
    png = make_qr_png_bytes(URI, scale=4)
    image = _on_white(560, png, QtGui.QTransform().rotate(angle))
    assert decode_qr_gray(*_gray_of(image)) == [URI]


def test_scaled_down_code_decodes() -> None:
    png = make_qr_png_bytes(URI, scale=8)
    small = QtGui.QImage.fromData(png).scaledToWidth(
        150, QtCore.Qt.TransformationMode.SmoothTransformation
    )  # about 2.5 pixels per module
    assert decode_qr_gray(*_gray_of(small)) == [URI]


def test_perspective_warped_code_decodes() -> None:
    png = make_qr_png_bytes(URI, scale=4)
    warp = QtGui.QTransform(1.0, 0.08, 0.0004, 0.05, 0.9, 0.0003, 0.0, 0.0, 1.0)
    assert decode_qr_gray(*_gray_of(_on_white(600, png, warp))) == [URI]


def test_inverted_code_decodes() -> None:
    data, width, height = _matrix_gray(URI, 4)
    inverted = data.translate(bytes(255 - v for v in range(256)))
    assert decode_qr_gray(inverted, width, height) == [URI]


def test_noisy_code_needs_the_retries_and_decodes() -> None:
    data, width, height = _matrix_gray(URI, 8)
    rng = random.Random(1)
    noisy = bytes(rng.randrange(256) if rng.random() < 0.3 else v for v in data)
    view = zxingcpp.ImageView(noisy, width, height, zxingcpp.ImageFormat.Lum)
    assert zxingcpp.read_barcodes(view) == []  # a plain read fails ...
    assert decode_qr_gray(noisy, width, height) == [URI]  # ... the blurred/downscaled retry works


def test_small_code_in_a_large_camera_frame() -> None:
    png = make_qr_png_bytes(URI, scale=3)
    frame = QtGui.QImage(1280, 720, QtGui.QImage.Format.Format_RGB32)
    frame.fill(QtGui.QColor(200, 190, 180))
    painter = QtGui.QPainter(frame)
    painter.drawImage(QtCore.QPoint(900, 400), QtGui.QImage.fromData(png))
    painter.end()
    assert decode_qr_gray(*_gray_of(frame)) == [URI]


def test_transparent_background_png_decodes(tmp_path: Path) -> None:
    path = tmp_path / "transparent.png"
    segno.make_qr(URI).save(str(path), kind="png", scale=6, light=None)
    with Image.open(path) as image:
        assert "transparency" in image.info or image.mode in ("RGBA", "LA", "PA")
    assert decode_qr_image_file(path) == [URI]


def test_jpeg_photo_decodes(tmp_path: Path) -> None:
    png = make_qr_png_bytes(URI, scale=6)
    path = tmp_path / "photo.jpg"
    Image.open(io.BytesIO(png)).convert("RGB").save(path, "JPEG", quality=60)
    assert read_address_qr(path).address == PROVIDER


# ---------------------------------------------------------------------------------------------
# what is not an address QR


def test_blank_image_says_no_qr_code(tmp_path: Path) -> None:
    assert decode_qr_gray(b"\xff" * 300 * 200, 300, 200) == []
    path = tmp_path / "blank.png"
    Image.new("L", (300, 200), 255).save(path)
    with pytest.raises(NoQrCodeFound) as info:
        read_address_qr(path)
    assert info.value.user_message == (
        "No QR code was found in blank.png; use a sharper, well-lit picture with the whole code "
        "in view."
    )
    with pytest.raises(NoQrCodeFound, match="No QR code was found"):
        read_address_qr([])


def test_hello_qr_is_not_an_address(tmp_path: Path) -> None:
    path = tmp_path / "hello.png"
    path.write_bytes(make_qr_png_bytes("hello"))
    with pytest.raises(NotAnAddressQr) as info:
        read_address_qr(path)
    assert info.value.texts == ("hello",)
    assert info.value.user_message == (
        "The QR code does not hold a usable Ethereum address: the address does not start with "
        "'0x': 'hello'."
    )
    assert isinstance(info.value, InvalidAddress)


def test_ens_qr_keeps_the_acronym() -> None:
    with pytest.raises(NotAnAddressQr, match=r"address: ENS names are not supported"):
        read_address_qr("ethereum:vitalik.eth")


def test_transfer_uri_qr_is_refused_as_a_grantee(tmp_path: Path) -> None:
    uri = f"ethereum:{OTHER}@31337/transfer?address={PROVIDER}&uint256=1"
    path = tmp_path / "transfer.png"
    path.write_bytes(make_qr_png_bytes(uri))
    parsed = read_address_qr(path)
    assert parsed.function == "transfer"
    with pytest.raises(InvalidAddress, match=r"contract function 'transfer', not a provider"):
        parse_grantee(decode_qr_image_file(path)[0], 31337)


def test_chain_mismatch_from_a_qr_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sepolia.png"
    make_address_qr(PROVIDER, 11155111, path)
    (text,) = decode_qr_image_file(path)
    with pytest.raises(InvalidAddress, match=r"marked for chain 11155111 \(Sepolia\), but this"):
        parse_grantee(text, 31337)


def test_two_different_addresses_in_one_picture() -> None:
    left, w, h = _matrix_gray(f"ethereum:{PROVIDER}@1", 4)
    right, _, _ = _matrix_gray(f"ethereum:{OTHER}@1", 4)
    both = b"".join(left[y * w : (y + 1) * w] + right[y * w : (y + 1) * w] for y in range(h))
    assert sorted(decode_qr_gray(both, 2 * w, h)) == sorted(
        [f"ethereum:{PROVIDER}@1", f"ethereum:{OTHER}@1"]
    )
    with pytest.raises(InvalidAddress, match="holds 2 different address QR codes"):
        read_address_qr(decode_qr_gray(both, 2 * w, h))
    # The same address twice (and a non-address beside it) is one answer.
    assert read_address_qr(["hello", PROVIDER, PROVIDER.lower()]).address == PROVIDER


# ---------------------------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ((b"\xff" * 10, 0, 10), r"each side must be between 1 and"),
        ((b"\xff" * 10, 5, 3), r"holds 10 bytes, fewer than the 15"),
        ((b"\xff" * 100, 10, 10, 5), r"row stride 5 is smaller than the image width 10"),
        ((b"\xff" * 100, 10.0, 10), r"whole numbers"),
        ((b"\xff" * 100, 20000, 1), r"each side must be between 1 and 16384"),
    ],
)
def test_bad_gray_buffers_are_refused(args: tuple[object, ...], reason: str) -> None:
    with pytest.raises(UnreadableImage, match=reason):
        decode_qr_gray(*args)  # type: ignore[arg-type]


def test_bad_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(WalletNotFound, match="There is no image file at"):
        decode_qr_image_file(tmp_path / "missing.png")
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    with pytest.raises(UnreadableImage, match=r"is not an image this wallet can read \(PNG, JPEG"):
        decode_qr_image_file(text)
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(make_qr_png_bytes(URI)[:200])
    with pytest.raises(UnreadableImage, match="is damaged or truncated"):
        decode_qr_image_file(truncated)
    tiff = tmp_path / "code.tif"
    Image.open(io.BytesIO(make_qr_png_bytes(URI))).save(tiff, "TIFF")
    with pytest.raises(UnreadableImage, match="is not an image this wallet can read"):
        decode_qr_image_file(tiff)


def _png_claiming(width: int, height: int) -> bytes:
    """A valid-looking PNG whose header claims ``width`` x ``height`` 1-bit pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("side", "reason"),
    [
        (7200, r"is 7200x7200 pixels, too large to scan for a QR code\."),  # our own cap
        (20000, r"has too many pixels to scan for a QR code\."),  # Pillow's bomb guard
    ],
)
def test_huge_declared_image_is_refused_before_decoding(
    tmp_path: Path, side: int, reason: str
) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_claiming(side, side))
    with pytest.raises(UnreadableImage, match=reason):
        decode_qr_image_file(path)


def test_encoder_refusals(tmp_path: Path) -> None:
    with pytest.raises(WalletValueError, match=r"saved as \.png or \.svg, not \.jpg"):
        make_address_qr(PROVIDER, 1, tmp_path / "x.jpg")
    with pytest.raises(WalletNotFound, match="does not exist"):
        make_address_qr(PROVIDER, 1, tmp_path / "nowhere" / "x.png")
    with pytest.raises(InvalidAddress, match="checksum"):
        make_address_qr("0x70997970c51812dc3A010C7d01b50e0d17dc79C8", 1, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()
    with pytest.raises(WalletValueError, match="scale must be a whole number from 1 to 64"):
        make_qr_png_bytes("hi", scale=0)
    with pytest.raises(WalletValueError, match="too long"):
        make_qr_png_bytes("x" * 5000)
    with pytest.raises(WalletValueError, match="nothing to put"):
        make_qr_png_bytes("")
