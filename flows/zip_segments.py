"""A ZIP archive written from deflate segments, so a part can reuse another archive's bytes.

Each segment is deflated on its own and ends on a byte boundary (a sync flush), so segments
compressed at different times join into one valid deflate stream, and an unchanged run of
rows keeps its compressed bytes from one release's workbook to the next. A part's CRC-32 is
combined from its segments' without reading their text again. The archive is plain ZIP
(no data descriptors, no ZIP64: a part must stay under 4 GiB, as zipfile requires without
`force_zip64`), dated with the given stamp so the same parts give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from collections.abc import Iterable
from typing import BinaryIO, NamedTuple

_LEVEL = zlib.Z_DEFAULT_COMPRESSION  # what zipfile's ZIP_DEFLATED uses
_FINAL_BLOCK = b"\x03\x00"  # an empty, final fixed-Huffman block: ends a segmented stream
_LIMIT = 0xFFFFFFFF
_VERSION = 20  # 2.0: deflate
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_CRC_POLY = 0xEDB88320  # CRC-32 (reflected), as zlib computes it


class Segment(NamedTuple):
    """A piece of a part, deflated: its compressed bytes, and the CRC-32 and length of its text."""

    data: bytes
    crc: int
    size: int


class Placed(NamedTuple):
    """Where a segment's compressed bytes were written in the archive file."""

    offset: int
    segment: Segment


def deflate_segment(text: bytes | memoryview) -> Segment:
    """`text` deflated on its own, ending on a byte boundary (joinable with any other)."""
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    data = compressor.compress(text) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return Segment(data, zlib.crc32(text), len(text))


def crc32_combine(first: int, second: int, second_size: int) -> int:
    """The CRC-32 of two texts one after the other, from each one's CRC-32 (zlib's method)."""
    return _multiply_mod_poly(_x_to_the_8n(second_size), first) ^ second


class SegmentZipWriter:
    """Writes parts made of segments into a ZIP file, each dated `stamp`."""

    def __init__(self, file: BinaryIO, stamp: dt.datetime) -> None:
        self.file = file
        self.time = (stamp.hour << 11) | (stamp.minute << 5) | (stamp.second // 2)
        self.date = ((stamp.year - 1980) << 9) | (stamp.month << 5) | stamp.day
        self.entries: list[tuple[bytes, int, int, int, int]] = []  # name, crc, sizes, offset

    def write_part(self, name: str, segments: Iterable[Segment]) -> list[Placed]:
        """Write one part from its segments, in order; where each segment's bytes went."""
        encoded = name.encode("ascii")
        header_at = self.file.tell()
        self.file.write(_LOCAL.pack(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) + encoded)
        placed, crc, size, compressed = [], 0, 0, 0
        for segment in segments:
            placed.append(Placed(header_at + _LOCAL.size + len(encoded) + compressed, segment))
            self.file.write(segment.data)
            crc = crc32_combine(crc, segment.crc, segment.size)
            size += segment.size
            compressed += len(segment.data)
        self.file.write(_FINAL_BLOCK)
        compressed += len(_FINAL_BLOCK)
        if size > _LIMIT or compressed > _LIMIT:
            raise ValueError(f"{name} is larger than 4 GiB, beyond a plain ZIP part")
        end = self.file.tell()
        self.file.seek(header_at)
        self.file.write(self._local_header(encoded, crc, compressed, size))
        self.file.seek(end)
        self.entries.append((encoded, crc, compressed, size, header_at))
        return placed

    def close(self) -> None:
        """Write the central directory: the archive is then complete."""
        start = self.file.tell()
        for encoded, crc, compressed, size, offset in self.entries:
            self.file.write(
                _CENTRAL.pack(
                    0x02014B50, _VERSION, _VERSION, 0, zlib.DEFLATED, self.time, self.date,
                    crc, compressed, size, len(encoded), 0, 0, 0, 0, 0, offset,
                )
                + encoded
            )  # fmt: skip
        length = self.file.tell() - start
        count = len(self.entries)
        self.file.write(_END.pack(0x06054B50, 0, 0, count, count, length, start, 0))

    def _local_header(self, encoded: bytes, crc: int, compressed: int, size: int) -> bytes:
        """A part's local file header, now that its CRC-32 and sizes are known."""
        return _LOCAL.pack(
            0x04034B50, _VERSION, 0, zlib.DEFLATED, self.time, self.date,
            crc, compressed, size, len(encoded), 0,
        )  # fmt: skip


def _multiply_mod_poly(a: int, b: int) -> int:
    """a × b modulo the CRC polynomial, in the reflected bit order zlib uses."""
    product, mask = 0, 1 << 31
    while a:
        if a & mask:
            product ^= b
            a ^= mask
        mask >>= 1
        b = (b >> 1) ^ _CRC_POLY if b & 1 else b >> 1
    return product


def _powers_of_x() -> list[int]:
    """x^(2^k) modulo the polynomial, for k = 0 … 31."""
    powers = [1 << 30]  # x^1
    for _ in range(31):
        powers.append(_multiply_mod_poly(powers[-1], powers[-1]))
    return powers


_X_TO_2K = _powers_of_x()


def _x_to_the_8n(size: int) -> int:
    """x^(8 × size) modulo the polynomial: appending `size` zero bytes."""
    power, k = 1 << 31, 3  # x^0; 8 = 2^3
    while size:
        if size & 1:
            power = _multiply_mod_poly(_X_TO_2K[k & 31], power)
        size >>= 1
        k += 1
    return power
