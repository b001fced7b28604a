"""Connecting a producer and a consumer of a byte stream through an OS pipe and a thread.

Owns :func:`produced_by`: run ``produce(writer)`` in a worker thread and hand the consumer the
reading end. This is how the backup chains tar and age without a temporary file: the bytes between
the two live only in the kernel's pipe buffer and the two small Python buffers around it, so memory
stays constant whatever the backup's size.

Must not import Qt or any ``wallet`` module but ``errors``. Failure rules: if either side fails, the
other is unblocked (the reading end is closed, so a blocked writer gets ``BrokenPipeError``; a
failing producer closes its end, so the reader sees end-of-file), the worker is joined, and the
error that explains the failure is raised: a producer's :class:`~wallet.errors.WalletError` (say,
a truncated age file) wins over the consumer's consequential "unexpected end of data".
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from typing import BinaryIO

from wallet.errors import WalletError

PIPE_BUFFER = 256 * 1024


@contextlib.contextmanager
def produced_by(produce: Callable[[BinaryIO], object], name: str) -> Iterator[BinaryIO]:
    """Yield a binary reader of what ``produce`` writes; re-raise the producer's failure.

    The consumer should read to end-of-file: the producer's own checks (an age file's last chunk)
    often run only once everything was read. Leaving the block early closes the pipe.
    """
    read_fd, write_fd = os.pipe()
    reader = os.fdopen(read_fd, "rb", buffering=PIPE_BUFFER)
    writer = os.fdopen(write_fd, "wb", buffering=PIPE_BUFFER)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            with writer:
                produce(writer)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer's thread below
            failure.append(exc)

    worker = threading.Thread(target=run, name=name, daemon=True)
    worker.start()
    try:
        yield reader
    except BaseException as exc:
        reader.close()
        worker.join()
        produced = failure[0] if failure else None
        if isinstance(produced, WalletError) and not isinstance(exc, KeyboardInterrupt):
            raise produced from None
        raise
    reader.close()
    worker.join()
    if failure and not isinstance(failure[0], BrokenPipeError):
        raise failure[0]
    if failure:
        raise WalletError("The backup stream ended before it was complete; nothing was changed.")
