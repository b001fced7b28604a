"""The camera QR scanner: frames from QtMultimedia, decoded off the GUI thread.

Owns one :class:`QCamera` (the default video input) wired through a
:class:`QMediaCaptureSession` into a :class:`QVideoSink`. Each frame becomes a ``QImage``, then an
8-bit grayscale image (``Format_Grayscale8``: zxing-cpp reads camera formats only after that
conversion), whose pixels go to the ``decode`` callable it is given (the bridge's, i.e.
:func:`wallet.qr.decode_qr_gray`) on a private decoding thread. While one frame decodes, newer
frames are dropped rather than queued, so a slow decode never builds a backlog and the GUI thread
only ever copies a frame reference.

Must not judge what a QR code says: it emits the raw texts (``decoded``) and the screen asks the
core whether they hold a provider address. Tests feed frames with
``scanner.sink.setVideoFrame(QVideoFrame(image))`` after :meth:`listen`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import (
    QCamera,
    QMediaCaptureSession,
    QMediaDevices,
    QVideoFrame,
    QVideoSink,
)

log = logging.getLogger(__name__)

Decode = Callable[[bytes, int, int, int], list[str]]


class CameraScanner(QObject):
    """``decoded(list[str])`` for each frame holding QR codes; ``frameShown(QImage)`` to preview.

    ``failed(str)`` carries the camera's own error text when it cannot start or stops.
    """

    decoded = Signal(list)
    frameShown = Signal(QImage)
    failed = Signal(str)
    _result = Signal(list)  # from the decoding thread; queued to the GUI thread

    def __init__(self, decode: Decode, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._decode = decode
        self.sink = QVideoSink(self)
        self.sink.videoFrameChanged.connect(self._on_frame)
        self._session = QMediaCaptureSession(self)
        self._session.setVideoSink(self.sink)
        self._camera: QCamera | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qr-decode")
        self._decoding = False
        self._listening = False
        self._result.connect(self._on_result, Qt.ConnectionType.QueuedConnection)

    @staticmethod
    def has_camera() -> bool:
        return bool(QMediaDevices.videoInputs())

    @property
    def listening(self) -> bool:
        return self._listening

    def start(self) -> bool:
        """Open the default camera and listen; False (and nothing started) when there is none."""
        device = QMediaDevices.defaultVideoInput()
        if device.isNull():
            return False
        self._camera = QCamera(device, self)
        self._camera.errorOccurred.connect(self._on_camera_error)
        self._session.setCamera(self._camera)
        self.listen()
        self._camera.start()
        return True

    def listen(self) -> None:
        """Decode whatever frames reach the sink (the camera's, or a test's)."""
        self._listening = True

    def stop(self) -> None:
        self._listening = False
        if self._camera is not None:
            self._camera.stop()
            self._session.setCamera(None)  # type: ignore[arg-type]
            self._camera.deleteLater()
            self._camera = None

    def close(self) -> None:
        self.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)

    @Slot(QCamera.Error, str)
    def _on_camera_error(self, _error: QCamera.Error, text: str) -> None:
        self.stop()
        self.failed.emit(text)

    @Slot(QVideoFrame)
    def _on_frame(self, frame: QVideoFrame) -> None:
        if not self._listening or not frame.isValid():
            return
        image = frame.toImage()
        if image.isNull():
            return
        self.frameShown.emit(image)
        if self._decoding:
            return  # drop: the previous frame is still being read
        self._decoding = True
        self._pool.submit(self._decode_image, image)

    def _decode_image(self, image: QImage) -> None:
        texts: list[str] = []
        try:
            gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
            data = bytes(gray.constBits())  # type: ignore[call-overload]
            texts = self._decode(data, gray.width(), gray.height(), gray.bytesPerLine())
        except Exception:  # a bad frame must not stop scanning; the next one is tried
            log.exception("decoding a camera frame failed")
        self._result.emit(texts)

    @Slot(list)
    def _on_result(self, texts: list[str]) -> None:
        self._decoding = False
        if texts and self._listening:
            self.decoded.emit(texts)
