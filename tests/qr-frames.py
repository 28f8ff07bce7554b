#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""qr-frames.py OUT IMAGE... - the frame stream that stands in for a camera
(src/lib/qr/camera.h): each IMAGE file as a 4-byte big-endian length and
its bytes.  With --end, a last length of 0 (the camera switched off, said
so); with --cut, the last frame cut short; with --huge, one length over
the limit."""
import struct
import sys


def main():
    args = sys.argv[1:]
    flags = {a for a in args if a.startswith('--')}
    args = [a for a in args if not a.startswith('--')]
    out, images = args[0], args[1:]
    with open(out, 'wb') as f:
        for name in images:
            with open(name, 'rb') as img:
                data = img.read()
            f.write(struct.pack('>I', len(data)) + data)
        if '--huge' in flags:
            f.write(struct.pack('>I', (256 << 20) + 1))
        if '--cut' in flags:
            f.write(struct.pack('>I', 1000) + b'\x89PNG')
        if '--end' in flags:
            f.write(struct.pack('>I', 0))


if __name__ == '__main__':
    main()
