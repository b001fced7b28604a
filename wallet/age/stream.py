"""The age v1 payload: a 16-byte nonce, then ChaCha20-Poly1305 STREAM in 64 KiB chunks.

Owns encrypting and decrypting the payload in constant memory, fast. Each chunk's nonce is an
11-byte big-endian counter and a final-chunk flag byte; only the last chunk has the flag; the last
chunk may be a full 64 KiB, and may be empty only when the whole plaintext is empty.

How it is fast (measured with ``bench/age_stream.py``; figures in its docstring): a payload
longer than one 1 MiB slot is processed by two threads. A helper thread reads ahead into a fixed
pool of slot buffers with ``readinto`` and runs the caller's plaintext hash (SHA-256 of a record),
right after reading when encrypting, on each opened slot when decrypting; the calling thread runs
``encrypt_into``/``decrypt_into`` from those slots into a preallocated buffer and writes every 4
chunks (256 KiB, still in cache). ``hashlib``, file I/O and ``cryptography``'s AEAD (checked with
cryptography 50: two threads sealing at once take 0.33 s per GiB, one takes 0.58 s) all release the
GIL, so the two threads really run on two cores. On the 2-core development VM both are then busy:
encrypting 1 GiB with SHA-256 and writing it costs about 2.5 CPU-seconds in 1.2-1.3 s of wall
time (read 0.15, SHA-256 0.72, ChaCha20-Poly1305 0.58, page-cache write 0.45-0.5, plus contention).
A third thread (a separate writer) or page-aligned buffers measured no faster there. There are
no per-chunk copies or allocations, and memory is constant (about 9 MiB of buffers). A payload
that fits in one slot (index entries, manifests) never starts a thread.
The helper is always joined before returning or raising, so the hash is complete on return.

Decryption semantics follow the reference implementation (and the test kit): plaintext of every
chunk that authenticates is released to ``dst`` before an error about a later chunk is raised;
callers that need all-or-nothing must write to a temporary place and discard it on error (the vault
decrypts to memory or to an encrypted store, never to a plaintext temp file).

Must not import Qt or the vault; only ``cryptography`` for the AEAD. Security notes: nonces are
never reused (fresh random payload nonce per file, counter per chunk); truncation, a missing or
duplicated final chunk, an empty final chunk after data, and trailing data are all typed
:class:`~wallet.age.errors.AgePayloadError` subclasses.
"""

from __future__ import annotations

import queue
import secrets
import threading
from collections.abc import Callable
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from wallet.age.errors import (
    AgeHeaderError,
    AgePayloadError,
    AgeTrailingData,
    AgeTruncated,
    AgeUsageError,
)
from wallet.age.primitives import NONCE_SIZE, check_file_key, payload_key
from wallet.age.protocols import PlaintextHash

__all__ = [
    "BATCH_CHUNKS",
    "CHUNK_SIZE",
    "ENC_CHUNK_SIZE",
    "TAG_SIZE",
    "decrypt_payload",
    "encrypt_payload",
]

CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
ENC_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE
#: Chunks per input slot (1 MiB of plaintext): the unit read, hashed and handed between threads.
BATCH_CHUNKS = 16
#: Chunks sealed or opened between two writes (256 KiB: the data is still in cache when copied).
_WRITE_CHUNKS = 4
#: Input slots in flight (and, when decrypting, plaintext slots): bounds the memory used.
_SLOTS = 4
_SLOT_SIZE = BATCH_CHUNKS * CHUNK_SIZE
_ENC_SLOT_SIZE = BATCH_CHUNKS * ENC_CHUNK_SIZE

Progress = Callable[[int], None]
_Read = Callable[[memoryview], int]


def _chunk_nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _reader(src: BinaryIO) -> _Read:
    readinto = getattr(src, "readinto", None)
    if readinto is not None:

        def read_into(view: memoryview) -> int:
            count = readinto(view)
            if count is None:
                raise AgeUsageError("the source is non-blocking and has no data ready")
            return int(count)

        return read_into

    def read_copy(view: memoryview) -> int:
        data = src.read(len(view))
        view[: len(data)] = data
        return len(data)

    return read_copy


def _fill(read: _Read, view: memoryview) -> int:
    """Read until ``view`` is full or the source is at end of file; return the bytes read."""
    total = 0
    size = len(view)
    while total < size:
        count = read(view[total:])
        if not count:
            break
        total += count
    return total


def _write_all(dst: BinaryIO, view: memoryview) -> None:
    while view:
        written = dst.write(view)
        if written is None:
            raise AgeUsageError("the destination is non-blocking and would block")
        if written >= len(view):
            return
        view = view[written:]


_FILL = 0
_HASH = 1
_STOP = 2
_Task = tuple[int, bytearray | None, int]
_Slot = tuple[bytearray, int, bool]


class _Sidecar:
    """The helper thread of one payload operation: it reads ahead and hashes, in stream order.

    The caller's thread keeps the cipher and ``dst``; this thread owns ``src`` and the plaintext
    hash from its start. It works through one FIFO inbox: *fill* a free input slot from ``src``
    (and, when encrypting, hash it), *hash* a decrypted plaintext slot and hand it back through
    ``plain_free``, or *stop*. Filled slots come out of :meth:`next_slot` with one slot of
    look-ahead, so each says whether it is the last of the stream (the final-chunk flag needs it).
    The caller owns a fixed set of buffers and they only ever circulate, so memory is constant.

    A failing read or hash is recorded and re-raised in the caller's thread; this thread keeps
    draining its inbox (handing buffers back) until told to stop, so neither side can wait on the
    other forever. :meth:`close` joins the thread: once it returns, every hash task posted before
    it has been applied, so the hash covers exactly the plaintext that was released.
    """

    def __init__(
        self,
        read: _Read,
        hasher: PlaintextHash | None,
        first: bytearray,
        plain_free: queue.SimpleQueue[bytearray] | None = None,
    ) -> None:
        self._read = read
        self._hasher = hasher
        self._hash_on_fill = plain_free is None  # encrypting: the input slots are plaintext
        self._plain_free = plain_free
        self._pending: tuple[bytearray, int] | None = (first, len(first))
        self._eof = False
        self._error: BaseException | None = None
        self._inbox: queue.SimpleQueue[_Task] = queue.SimpleQueue()
        self._full: queue.SimpleQueue[_Slot | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="age-stream", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            kind, buffer, length = self._inbox.get()
            if buffer is None:
                return
            try:
                if self._error is not None:
                    pass
                elif kind == _HASH:
                    self._hash(buffer, length)
                elif not self._eof:
                    self._fill(buffer)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                self._error = exc
                self._full.put(None)
            finally:
                if kind == _HASH and self._plain_free is not None:
                    self._plain_free.put(buffer)

    def _hash(self, buffer: bytearray, length: int) -> None:
        if self._hasher is not None and length:
            self._hasher.update(memoryview(buffer)[:length])

    def _fill(self, buffer: bytearray) -> None:
        length = _fill(self._read, memoryview(buffer))
        if self._hash_on_fill:
            self._hash(buffer, length)
        pending, self._pending = self._pending, None
        if pending is not None:
            if length == 0:  # the slot before this one was the last
                self._eof = True
                self._full.put((*pending, True))
                return
            self._full.put((*pending, False))
        if length < len(buffer):
            self._eof = True
            self._full.put((buffer, length, True))
        else:
            self._pending = (buffer, length)

    def fill(self, buffer: bytearray) -> None:
        """Queue ``buffer`` to be filled with the next input slot."""
        self._inbox.put((_FILL, buffer, 0))

    def hash(self, buffer: bytearray, length: int) -> None:
        """Queue ``buffer[:length]`` (plaintext) to be hashed, then handed back to the pool."""
        self._inbox.put((_HASH, buffer, length))

    def next_slot(self) -> _Slot:
        """The next filled input slot: (buffer, length, last); raises the thread's error."""
        slot = self._full.get()
        if slot is None:
            raise self._error or AgeUsageError("the stream helper stopped")
        return slot

    def close(self) -> None:
        """Let the queued tasks finish and join the thread; raise its error if there was one."""
        self._inbox.put((_STOP, None, 0))
        self._thread.join()
        if self._error is not None:
            raise self._error


def _seal_slot(
    aead: ChaCha20Poly1305,
    view: memoryview,
    length: int,
    last: bool,
    counter: int,
    out: memoryview,
    dst: BinaryIO,
) -> int:
    """Seal ``view[:length]`` as chunks from ``counter`` on, writing every few chunks.

    Writing every :data:`_WRITE_CHUNKS` chunks keeps the ciphertext in cache for the copy into
    the page cache, and hands the GIL (released by the write) to the helper thread regularly.
    Returns the next chunk counter.
    """
    encrypt_into = aead.encrypt_into
    pos = 0
    while True:
        out_pos = 0
        for _ in range(_WRITE_CHUNKS):
            size = min(CHUNK_SIZE, length - pos)
            final = last and pos + size == length
            end = out_pos + size + TAG_SIZE
            encrypt_into(
                _chunk_nonce(counter, final), view[pos : pos + size], None, out[out_pos:end]
            )
            counter += 1
            pos += size
            out_pos = end
            if pos >= length:
                break
        _write_all(dst, out[:out_pos])
        if pos >= length:
            return counter


def encrypt_payload(
    src: BinaryIO,
    dst: BinaryIO,
    file_key: bytes,
    *,
    plaintext_hash: PlaintextHash | None = None,
    progress: Progress | None = None,
) -> int:
    """Write a fresh nonce and the STREAM encryption of all of ``src`` to ``dst``.

    ``plaintext_hash`` (e.g. ``hashlib.sha256()``) is updated with the plaintext (complete on
    return; unspecified after an error); ``progress`` is called with the running count of
    plaintext bytes after each 1 MiB slot. Returns the plaintext size. A payload that fits in one
    slot is sealed in the calling thread; a longer one starts the helper thread (see the module
    notes), which is always joined before this returns or raises.
    """
    nonce = secrets.token_bytes(NONCE_SIZE)
    aead = ChaCha20Poly1305(payload_key(check_file_key(file_key), nonce))
    read = _reader(src)
    first = bytearray(_SLOT_SIZE)
    length = _fill(read, memoryview(first))
    out = memoryview(bytearray(_WRITE_CHUNKS * ENC_CHUNK_SIZE))
    _write_all(dst, memoryview(nonce))
    if length < _SLOT_SIZE:  # small payload: no helper thread
        if plaintext_hash is not None and length:
            plaintext_hash.update(memoryview(first)[:length])
        _seal_slot(aead, memoryview(first), length, True, 0, out, dst)
        if progress is not None:
            progress(length)
        return length
    if plaintext_hash is not None:
        plaintext_hash.update(memoryview(first))
    helper = _Sidecar(read, plaintext_hash, first)
    try:
        for _ in range(_SLOTS - 1):
            helper.fill(bytearray(_SLOT_SIZE))
        total = 0
        counter = 0
        while True:
            buffer, length, last = helper.next_slot()
            counter = _seal_slot(aead, memoryview(buffer), length, last, counter, out, dst)
            total += length
            if progress is not None:
                progress(total)
            if last:
                return total
            helper.fill(buffer)
    finally:
        helper.close()


def _open_batch(
    aead: ChaCha20Poly1305, data: memoryview, out: memoryview, counter: int, more: bool
) -> tuple[int, int, AgePayloadError | None]:
    """Open the chunks of one batch; return (plaintext bytes, next counter, pending error)."""
    decrypt_into = aead.decrypt_into
    if not data:
        return 0, counter, AgeTruncated("the payload has no chunks")
    pos = 0
    out_pos = 0
    end = len(data)
    while pos < end:
        size = min(ENC_CHUNK_SIZE, end - pos)
        chunk = data[pos : pos + size]
        if size < ENC_CHUNK_SIZE:  # a short chunk: necessarily the final one, at end of file
            if size < TAG_SIZE:
                return out_pos, counter, AgeTruncated("the final chunk is shorter than a tag")
            if size == TAG_SIZE and counter != 0:
                return out_pos, counter, AgePayloadError("the final chunk is empty")
            plain = size - TAG_SIZE
            try:
                decrypt_into(
                    _chunk_nonce(counter, True), chunk, None, out[out_pos : out_pos + plain]
                )
            except InvalidTag:
                return out_pos, counter, AgePayloadError("a payload chunk failed authentication")
            return out_pos + plain, counter + 1, None
        expect_last = not more and pos + size == end
        target = out[out_pos : out_pos + CHUNK_SIZE]
        try:
            decrypt_into(_chunk_nonce(counter, expect_last), chunk, None, target)
        except InvalidTag:
            try:  # as the reference does: learn whether the final flag is misplaced
                decrypt_into(_chunk_nonce(counter, not expect_last), chunk, None, target)
            except InvalidTag:
                return out_pos, counter, AgePayloadError("a payload chunk failed authentication")
            if expect_last:
                return out_pos + CHUNK_SIZE, counter + 1, AgeTruncated("no final chunk")
            return out_pos + CHUNK_SIZE, counter + 1, AgeTrailingData("data after final chunk")
        pos += size
        out_pos += CHUNK_SIZE
        counter += 1
    return out_pos, counter, None


def _open_slot(
    aead: ChaCha20Poly1305,
    data: memoryview,
    last: bool,
    counter: int,
    out: memoryview,
    dst: BinaryIO,
) -> tuple[int, int, AgePayloadError | None]:
    """Open one input slot into ``out``, writing every few chunks; see :func:`_open_batch`.

    Returns (plaintext bytes written, next counter, pending error).
    """
    group = _WRITE_CHUNKS * ENC_CHUNK_SIZE
    end = len(data)
    pos = 0
    produced = 0
    while True:
        stop = min(pos + group, end)
        more = not last or stop < end
        count, counter, error = _open_batch(aead, data[pos:stop], out[produced:], counter, more)
        if count:
            _write_all(dst, out[produced : produced + count])
        produced += count
        pos = stop
        if error is not None or pos >= end:
            return produced, counter, error


def decrypt_payload(
    src: BinaryIO,
    dst: BinaryIO,
    file_key: bytes,
    *,
    plaintext_hash: PlaintextHash | None = None,
    progress: Progress | None = None,
) -> int:
    """Decrypt a payload (``src`` positioned at its nonce) to ``dst``; return the plaintext size.

    A missing or short nonce is an :class:`AgeHeaderError` (as in the test kit); any chunk problem
    is an :class:`AgePayloadError`, raised after the plaintext of the chunks before it was written
    and hashed. ``progress`` gets the running plaintext count after each slot.
    """
    key = check_file_key(file_key)
    read = _reader(src)
    nonce = bytearray(NONCE_SIZE)
    if _fill(read, memoryview(nonce)) != NONCE_SIZE:
        raise AgeHeaderError("the payload nonce is missing or short")
    aead = ChaCha20Poly1305(payload_key(key, bytes(nonce)))
    first = bytearray(_ENC_SLOT_SIZE)
    length = _fill(read, memoryview(first))
    plain = bytearray(_SLOT_SIZE)
    if length < _ENC_SLOT_SIZE:  # small payload: no helper thread
        produced, _, error = _open_slot(
            aead, memoryview(first)[:length], True, 0, memoryview(plain), dst
        )
        if plaintext_hash is not None and produced:
            plaintext_hash.update(memoryview(plain)[:produced])
        if progress is not None and produced:
            progress(produced)
        if error is not None:
            raise error
        return produced
    plain_free: queue.SimpleQueue[bytearray] = queue.SimpleQueue()
    plain_free.put(plain)
    for _ in range(_SLOTS - 1):
        plain_free.put(bytearray(_SLOT_SIZE))
    helper = _Sidecar(read, plaintext_hash, first, plain_free)
    try:
        for _ in range(_SLOTS - 1):
            helper.fill(bytearray(_ENC_SLOT_SIZE))
        total = 0
        counter = 0
        while True:
            buffer, length, last = helper.next_slot()
            out = plain_free.get()
            produced, counter, error = _open_slot(
                aead, memoryview(buffer)[:length], last, counter, memoryview(out), dst
            )
            helper.hash(out, produced)
            total += produced
            if progress is not None and produced:
                progress(total)
            if error is not None:
                raise error
            if last:
                return total
            helper.fill(buffer)
    finally:
        helper.close()
