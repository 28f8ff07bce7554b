#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""qr-term.py - the codes that `mule-qr show` drew, back as PNG images.

usage: qr-term.py SHOW-OUTPUT DIR [--border N] [--tty]

Reads what `mule-qr show` wrote to a file or pipe (codes of half blocks,
each followed by an empty line; the colour escapes are skipped), or with
--tty what a terminal showed (each frame after "ESC [ H"; lines of
anything but blocks, such as the status line, left out), and
writes DIR/0001.png, DIR/0002.png, ...: 4 pixels a module, each module as
the half blocks say, surrounded by N modules of black (a dark terminal
around the code; default 4), so the scanner sees no more quiet zone than
the code drew itself.  Prints the number of codes and the size of each
in cells (columns x lines) on standard output.
"""
import os
import re
import struct
import sys
import zlib

ESC = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]')
# light above, light below
CELLS = {'\u2588': (1, 1), '\u2580': (1, 0), '\u2584': (0, 1), ' ': (0, 0)}


def png(path, rows, scale):
    h = len(rows) * scale
    w = len(rows[0]) * scale
    raw = b''.join(b'\0' + bytes(v * 255 for v in row for _ in range(scale))
                   for row in rows for _ in range(scale))

    def chunk(t, d):
        return (struct.pack('>I', len(d)) + t + d
                + struct.pack('>I', zlib.crc32(t + d)))
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n'
                + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


def tty_frames(text):
    for screen in text.split('\x1b[H')[1:]:
        lines = [ESC.sub('', l).rstrip('\r') for l in screen.split('\n')]
        lines = [l for l in lines if l and all(c in CELLS for c in l)]
        if lines:
            yield lines


def frames(text):
    cur = []
    for line in text.split('\n'):
        line = ESC.sub('', line)
        if line == '':
            if cur:
                yield cur
            cur = []
        else:
            cur.append(line)
    if cur:
        yield cur


def main():
    args = sys.argv[1:]
    border = 4
    tty = '--tty' in args
    if tty:
        args.remove('--tty')
    if '--border' in args:
        i = args.index('--border')
        border = int(args[i + 1])
        del args[i:i + 2]
    src, out = args
    os.makedirs(out, exist_ok=True)
    n = 0
    sizes = []
    with open(src, encoding='utf-8') as f:
        text = f.read()
    for lines in (tty_frames if tty else frames)(text):
        width = len(lines[0])
        if any(len(l) != width for l in lines):
            sys.exit('qr-term.py: frame %d: lines of different widths' % (n + 1))
        rows = []
        for l in lines:
            top = [CELLS[c][0] for c in l]
            bottom = [CELLS[c][1] for c in l]
            rows += [top, bottom]
        pad = [0] * (width + 2 * border)
        rows = ([pad] * border + [[0] * border + r + [0] * border for r in rows]
                + [pad] * border)
        n += 1
        png(os.path.join(out, '%04d.png' % n), rows, 4)
        sizes.append('%dx%d' % (width, len(lines)))
    print(n, ' '.join(sizes))


if __name__ == '__main__':
    main()
