"""PNG files of 8-bit images: encoding (tf.summary.image, tf.image.encode_png: gray, RGB or
RGBA rows, each unfiltered, in one zlib stream) and decoding (tf.image.decode_png: every
filter type, palettes, 8-bit non-interlaced files)."""
import struct
import zlib

import numpy as np

_COLOR_TYPE = {1: 0, 3: 2, 4: 6}  # channels -> PNG color type (gray, RGB, RGBA)


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + \
        struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode(image):
    """The PNG file of a uint8 [height, width, channels] array (channels 1, 3 or 4)."""
    height, width, channels = image.shape
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPE[channels], 0, 0, 0)
    rows = np.concatenate([np.zeros((height, 1), np.uint8),  # filter type 0 on each row
                           np.ascontiguousarray(image, np.uint8).reshape(height, -1)], 1)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes())) + _chunk(b"IEND", b""))


_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SAMPLES = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # PNG color type -> samples per pixel


def _chunks(data):
    """(kind, body) of each chunk, checksums checked."""
    pos = 8
    while pos < len(data):
        if pos + 12 > len(data):
            raise ValueError("truncated chunk")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 8 + length
        if end + 4 > len(data):
            raise ValueError(f"truncated {kind.decode(errors='replace')} chunk")
        body = data[pos + 8:end]
        if zlib.crc32(kind + body) & 0xFFFFFFFF != struct.unpack(">I", data[end:end + 4])[0]:
            raise ValueError(f"bad checksum in its {kind.decode(errors='replace')} chunk")
        yield kind, body
        pos = end + 4


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
    return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


def _unfilter(rows, width, bpp):
    """The pixel bytes [height, width * bpp] of filtered scanlines [height, 1 + width * bpp]."""
    out = np.zeros((rows.shape[0], width * bpp), np.int32)
    prev = np.zeros(width * bpp, np.int32)
    for y, row in enumerate(rows):
        kind, line = row[0], row[1:].astype(np.int32)
        if kind == 0:
            cur = line
        elif kind == 1:  # sub: each byte plus the one a pixel to the left
            cur = np.cumsum(line.reshape(width, bpp), axis=0).reshape(-1) & 255
        elif kind == 2:
            cur = (line + prev) & 255
        elif kind in (3, 4):  # average or Paeth: pixel by pixel, all its bytes at once
            cur = line.reshape(width, bpp).copy()
            up = prev.reshape(width, bpp)
            left, corner = np.zeros(bpp, np.int32), np.zeros(bpp, np.int32)
            for x in range(width):
                guess = (left + up[x]) // 2 if kind == 3 else _paeth(left, up[x], corner)
                cur[x] = (cur[x] + guess) & 255
                left, corner = cur[x], up[x]
            cur = cur.reshape(-1)
        else:
            raise ValueError(f"unknown filter type {kind}")
        out[y] = prev = cur
    return out.astype(np.uint8)


def decode(data):
    """uint8 [height, width, channels] of an 8-bit, non-interlaced PNG file: gray (1),
    gray with alpha (2), RGB (3), RGBA (4); palette images become RGB (RGBA with tRNS)."""
    if not isinstance(data, (bytes, bytearray)) or not data.startswith(_SIGNATURE):
        raise ValueError("not a PNG file")
    header, palette, alpha, parts = None, None, None, []
    for kind, body in _chunks(data):
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif kind == b"tRNS":
            alpha = np.frombuffer(body, np.uint8)
        elif kind == b"IDAT":
            parts.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("no IHDR chunk")
    width, height, depth, color, _, _, interlace = header
    if depth != 8 or interlace or color not in _SAMPLES:
        raise ValueError(f"tf0 decodes 8-bit non-interlaced PNGs (this one: depth {depth}, "
                         f"color type {color}, interlace {interlace})")
    bpp = _SAMPLES[color]
    try:
        raw = np.frombuffer(zlib.decompress(b"".join(parts)), np.uint8)
    except zlib.error as e:
        raise ValueError(f"corrupt image data: {e}") from None
    if raw.size != height * (1 + width * bpp):
        raise ValueError("image data of the wrong size")
    pixels = _unfilter(raw.reshape(height, 1 + width * bpp), width, bpp)
    image = pixels.reshape(height, width, bpp)
    if color == 3:
        if palette is None:
            raise ValueError("palette image without a PLTE chunk")
        index = image[..., 0]
        rgb = palette[np.minimum(index, len(palette) - 1)]
        if alpha is None:
            return rgb
        full = np.concatenate([alpha, np.full(256 - len(alpha), 255, np.uint8)])
        return np.concatenate([rgb, full[index][..., None]], axis=2)
    return image


def with_channels(image, channels):
    """`image` [h, w, c] with `channels` (0: as it is): gray from color as TF1 makes it
    ((9797 R + 19234 G + 3737 B) / 2^15 rounded down: Rec. 601 weights), color from gray
    repeated, alpha 255 added or dropped."""
    have = image.shape[2]
    if channels in (0, have):
        return image
    color = image[..., :3] if have >= 3 else np.repeat(image[..., :1], 3, axis=2)
    if channels == 1:
        if have <= 2:
            return image[..., :1]
        gray = (color.astype(np.int64) @ np.array([9797, 19234, 3737])) >> 15
        return gray.astype(np.uint8)[..., None]
    if channels == 3:
        return color
    if channels == 4:
        opaque = image[..., -1:] if have in (2, 4) else np.full(image.shape[:2] + (1,), 255,
                                                                 np.uint8)
        return np.concatenate([color, opaque], axis=2)
    raise ValueError(f"channels must be 0, 1, 3 or 4, got {channels}")
