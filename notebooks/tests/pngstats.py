"""Reads an 8-bit, non-interlaced PNG (grey, RGB, grey+alpha or RGBA) with the standard library and
summarises its pixels, to tell a rendered page from a blank one."""

import struct
import zlib

_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def read_png(path):
    """Returns (width, height, channels, rows) where rows is a list of bytes objects, one per row."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError(f"{path}: no IHDR chunk")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in _CHANNELS or interlace != 0:
        raise ValueError(f"{path}: unsupported PNG (bit depth {depth}, colour type {colour}, "
                         f"interlace {interlace}); need 8-bit non-interlaced grey/RGB/RGBA")
    channels = _CHANNELS[colour]
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        kind = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        _unfilter(kind, line, prev, channels)
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def _unfilter(kind, line, prev, bpp):
    n = len(line)
    if kind == 0:
        return
    if kind == 1:
        for x in range(bpp, n):
            line[x] = (line[x] + line[x - bpp]) & 0xFF
    elif kind == 2:
        for x in range(n):
            line[x] = (line[x] + prev[x]) & 0xFF
    elif kind == 3:
        for x in range(n):
            left = line[x - bpp] if x >= bpp else 0
            line[x] = (line[x] + ((left + prev[x]) >> 1)) & 0xFF
    elif kind == 4:
        for x in range(n):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[x] = (line[x] + pred) & 0xFF
    else:
        raise ValueError(f"bad PNG filter type {kind}")


def stats(path):
    """Pixel counts of a PNG: total, non-white (any channel below 245), saturated (the channels of
    an RGB pixel differ by 80 or more: colour, not black, grey or white text), distinct colours."""
    width, height, channels, rows = read_png(path)
    total = non_white = saturated = 0
    colours = set()
    for row in rows:
        for x in range(0, len(row), channels):
            px = row[x:x + min(channels, 3)]
            total += 1
            colours.add(px)
            if min(px) < 245:
                non_white += 1
            if len(px) == 3 and max(px) - min(px) >= 80:
                saturated += 1
    return {"width": width, "height": height, "pixels": total, "non_white": non_white,
            "saturated": saturated, "colours": len(colours)}
