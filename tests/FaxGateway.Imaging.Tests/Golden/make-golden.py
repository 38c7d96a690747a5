#!/usr/bin/env python3
"""Builds the golden files: a run-length page coded by libtiff's own encoder (tiffcp from libtiff-tools).

The page is 2600 pixels wide and 5200 rows high. Row 2L is L white pixels then black to the end, row 2L+1 is
L black pixels then white, for L = 0..2599: together they use every T.4 terminating code (runs 0..63) and every
make-up code (64..1728 and the extended 1792..2560) of both colours, plus 2560 + terminating for longer runs.
Run from this folder: python3 make-golden.py (needs tiffcp). The test builds the same page in C# and checks that
our decoder reads these files to it and that our encoder writes the same strip bytes as libtiff.
"""
import struct, subprocess, os

W, H = 2600, 5200
stride = (W + 7) // 8

def row(black_first, n):
    bits = [black_first] * n + [not black_first] * (W - n)
    out = bytearray(stride)
    for x, b in enumerate(bits):
        if b:
            out[x >> 3] |= 0x80 >> (x & 7)
    return bytes(out)

data = b''.join(row(i % 2 == 1, i // 2) for i in range(H))
entries = [
    (256, 4, 1, W), (257, 4, 1, H), (258, 3, 1, 1), (259, 3, 1, 1), (262, 3, 1, 0),
    (273, 4, 1, 0), (277, 3, 1, 1), (278, 4, 1, H), (279, 4, 1, len(data)),
    (282, 5, 1, 0), (283, 5, 1, 0), (296, 3, 1, 2),
]
ifd_offset = 8
ifd_size = 2 + 12 * len(entries) + 4
res_offset = ifd_offset + ifd_size
data_offset = res_offset + 16
out = bytearray(b'II*\x00' + struct.pack('<I', ifd_offset))
out += struct.pack('<H', len(entries))
for tag, typ, count, value in entries:
    if tag == 273: value = data_offset
    if tag == 282: value = res_offset
    if tag == 283: value = res_offset + 8
    if typ == 3:
        out += struct.pack('<HHIHH', tag, typ, count, value, 0)
    else:
        out += struct.pack('<HHII', tag, typ, count, value)
out += struct.pack('<I', 0)
out += struct.pack('<IIII', 204, 1, 196, 1)
out += data
open('runs-none.tif', 'wb').write(out)
for name, c in [('runs-g3-1d.tif', 'g3:1d'), ('runs-g3-1d-fill.tif', 'g3:1d:fill'), ('runs-g3-2d.tif', 'g3:2d'), ('runs-g4.tif', 'g4')]:
    subprocess.run(['tiffcp', '-c', c, '-r', str(H), 'runs-none.tif', name], check=True)
os.remove('runs-none.tif')
