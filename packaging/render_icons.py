"""Render the app icon's PNG sizes from its SVG with Qt's QSvgRenderer (offscreen, no display).

Run after editing resources/icons/hicolor/scalable/apps/org.patientwallet.PatientWallet.svg:
    .venv/bin/python packaging/render_icons.py
Writes resources/icons/hicolor/<N>x<N>/apps/org.patientwallet.PatientWallet.png for each size.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_ID = "org.patientwallet.PatientWallet"
SIZES = (48, 128, 256)
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons" / "hicolor"
SVG = ICONS / "scalable" / "apps" / f"{APP_ID}.svg"


def render(svg: Path = SVG, out_root: Path = ICONS, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    """Write one PNG per size under ``out_root/<N>x<N>/apps/`` and return their paths."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0], "-platform", "offscreen"])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"Error: {svg} is not an SVG file Qt can render.")
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        out = out_root / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(out), "PNG"):
            raise SystemExit(f"Error: could not write {out}.")
        written.append(out)
    return written


if __name__ == "__main__":
    for path in render():
        print(path)
