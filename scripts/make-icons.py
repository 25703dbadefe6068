#!/usr/bin/env python3
"""Draws Sésame's PWA icons (a white keyhole on teal) as PNG, with no image library.

Run from the repository root: python3 scripts/make-icons.py. The PNGs are committed; this
script documents how they were made and regenerates them after a design change.
"""
import struct
import zlib

TEAL = (11, 92, 107)
WHITE = (255, 255, 255)


def keyhole(x, y, scale):
    # Coordinates in [0, 1]; the keyhole is centred and scaled around (0.5, 0.5).
    x = 0.5 + (x - 0.5) / scale
    y = 0.5 + (y - 0.5) / scale
    cx, cy, r = 0.5, 0.40, 0.14
    if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
        return True
    if 0.40 <= y <= 0.74:
        t = (y - 0.40) / 0.34
        half = 0.06 + t * 0.06
        return abs(x - 0.5) <= half
    return False


def inside_rounded(x, y, radius):
    # Rounded square covering [0, 1].
    rx = min(x, 1 - x)
    ry = min(y, 1 - y)
    if rx >= radius or ry >= radius:
        return True
    return (radius - rx) ** 2 + (radius - ry) ** 2 <= radius * radius


def draw(size, maskable):
    ss = 4
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(ss):
                for sx in range(ss):
                    x = (px + (sx + 0.5) / ss) / size
                    y = (py + (sy + 0.5) / ss) / size
                    if not maskable and not inside_rounded(x, y, 0.18):
                        continue
                    color = WHITE if keyhole(x, y, 0.75 if maskable else 1.0) else TEAL
                    acc[0] += color[0]
                    acc[1] += color[1]
                    acc[2] += color[2]
                    acc[3] += 255
            n = ss * ss
            alpha = acc[3] // n
            if alpha:
                row += bytes([acc[0] * 255 // acc[3], acc[1] * 255 // acc[3], acc[2] * 255 // acc[3], alpha])
            else:
                row += bytes([0, 0, 0, 0])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


for size in (192, 512):
    with open(f"public/icons/icon-{size}.png", "wb") as f:
        f.write(draw(size, False))
    with open(f"public/icons/maskable-{size}.png", "wb") as f:
        f.write(draw(size, True))
print("icons written to public/icons/")
