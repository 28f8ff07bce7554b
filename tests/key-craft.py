#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""key-craft.py COMMAND ARG...: packet surgery on binary OpenPGP
certificates, for the hostile inputs of t-key-refused.sh.  Standard
library only.  Every command writes to standard output; packets are
numbered from 0 in file order, and every packet written gets a
new-format header (RFC 4880 4.2.2) with the shortest length encoding.

  list FILE              one line per packet: INDEX TAG HEADER-LEN BODY-LEN
  index FILE TAG N       the index of the N-th (from 1) packet of type TAG
  take FILE I [J]        packets I to J (default I), both included
  drop FILE I [J]        FILE without packets I to J (default I)
  insert FILE I FILE2    FILE with the packets of FILE2 before packet I
                         (I = the number of packets: after the last)
  version FILE I V       packet I with its first body byte (a key's or a
                         signature's version) set to V
  flip FILE N            the N-th (from 1) signature packet with one bit
                         flipped in its hashed subpacket area: the last
                         byte of its creation time (else of the area),
                         so that it still parses but no longer verifies
  cat FILE...            the packets of all FILEs, one after the other
  packet TAG TEXT        one packet of type TAG, TEXT (UTF-8) its body
  armor FILE LABEL [CRC] FILE's bytes in ASCII armour "BEGIN PGP LABEL";
                         CRC is "good" (default), "bad" (one bit off) or
                         "none" (no checksum line)
  random N SEED          N pseudo-random bytes, the same for each SEED
  jpeg                   a JPEG of 1x1 pixel (for a photo ID)

A file that is not a sequence of whole packets with definite lengths is
an error (exit 2).
"""
import base64
import random
import sys


def die(msg):
    sys.stderr.write("key-craft.py: %s\n" % msg)
    sys.exit(2)


def packets(data):
    """[(tag, header length, body)] of DATA."""
    out, off = [], 0
    while off < len(data):
        b = data[off]
        if not b & 0x80:
            die("no packet tag at byte %d" % off)
        if b & 0x40:
            tag = b & 0x3F
            if off + 1 >= len(data):
                die("cut short at byte %d" % off)
            l0 = data[off + 1]
            if l0 < 192:
                hlen, blen = 2, l0
            elif l0 < 224:
                if off + 2 >= len(data):
                    die("cut short at byte %d" % off)
                hlen, blen = 3, ((l0 - 192) << 8) + data[off + 2] + 192
            elif l0 == 255:
                hlen, blen = 6, int.from_bytes(data[off + 2:off + 6], "big")
            else:
                die("partial length at byte %d" % off)
        else:
            tag = (b >> 2) & 0x0F
            if b & 3 == 3:
                die("indeterminate length at byte %d" % off)
            n = 1 << (b & 3)
            hlen, blen = 1 + n, int.from_bytes(data[off + 1:off + 1 + n], "big")
        body = data[off + hlen:off + hlen + blen]
        if len(body) != blen:
            die("cut short at byte %d" % off)
        out.append((tag, hlen, body))
        off += hlen + blen
    return out


def emit(tag, body):
    n = len(body)
    if n < 192:
        head = bytes([n])
    elif n < 8384:
        n -= 192
        head = bytes([(n >> 8) + 192, n & 0xFF])
    else:
        head = b"\xff" + n.to_bytes(4, "big")
    return bytes([0xC0 | tag]) + head + body


def emit_all(pkts):
    return b"".join(emit(tag, body) for tag, _, body in pkts)


def read(path):
    with open(path, "rb") as f:
        return packets(f.read())


def span(pkts, i, j):
    i, j = int(i), int(j)
    if not 0 <= i <= j < len(pkts):
        die("no packets %d to %d in %d" % (i, j, len(pkts)))
    return i, j


def flip(body):
    """BODY, a v4 signature, with a bit of its hashed area flipped."""
    if len(body) < 6 or body[0] != 4:
        die("not a v4 signature")
    area = int.from_bytes(body[4:6], "big")
    off, end, target = 6, 6 + area, 6 + area - 1
    while off < end:
        l0 = body[off]
        if l0 < 192:
            hl, sl = 1, l0
        elif l0 < 255:
            hl, sl = 2, ((l0 - 192) << 8) + body[off + 1] + 192
        else:
            hl, sl = 5, int.from_bytes(body[off + 1:off + 5], "big")
        if body[off + hl] & 0x7F == 2:     # signature creation time
            target = off + hl + sl - 1
        off += hl + sl
    b = bytearray(body)
    b[target] ^= 1
    return bytes(b)


# The smallest JPEG we know of (1x1, grey, 107 bytes).
JPEG = bytes.fromhex(
    "ffd8ffdb0043000302020202020302020203030303040604040404040806060506"
    "09080a0a090809090a0c0f0c0a0b0e0b09090d110d0e0f101011100a0c12131210"
    "130f101010ffc9000b080001000101011100ffcc000600101005ffda0008010100"
    "003f00d2cf20ffd9")


def crc24(data):
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def armor(data, label, crc):
    b64 = base64.b64encode(data).decode()
    lines = ["-----BEGIN PGP %s-----" % label, ""]
    lines += [b64[i:i + 64] for i in range(0, len(b64), 64)]
    if crc != "none":
        c = crc24(data) ^ (1 if crc == "bad" else 0)
        lines.append("=" + base64.b64encode(c.to_bytes(3, "big")).decode())
    lines.append("-----END PGP %s-----" % label)
    return ("\n".join(lines) + "\n").encode()


def main(argv):
    if not argv:
        die("usage: key-craft.py COMMAND ARG... (see its top)")
    cmd, a = argv[0], argv[1:]
    out = b""
    if cmd == "list":
        for i, (tag, hlen, body) in enumerate(read(a[0])):
            print(i, tag, hlen, len(body))
        return
    if cmd == "index":
        tag, n = int(a[1]), int(a[2])
        for i, p in enumerate(read(a[0])):
            if p[0] == tag:
                n -= 1
                if n == 0:
                    print(i)
                    return
        die("no such packet")
    if cmd in ("take", "drop"):
        pkts = read(a[0])
        i, j = span(pkts, a[1], a[2] if len(a) > 2 else a[1])
        out = emit_all(pkts[i:j + 1] if cmd == "take"
                       else pkts[:i] + pkts[j + 1:])
    elif cmd == "insert":
        pkts, i = read(a[0]), int(a[1])
        if not 0 <= i <= len(pkts):
            die("no place %d in %d packets" % (i, len(pkts)))
        out = emit_all(pkts[:i] + read(a[2]) + pkts[i:])
    elif cmd == "version":
        pkts = read(a[0])
        i, _ = span(pkts, a[1], a[1])
        tag, hlen, body = pkts[i]
        pkts[i] = (tag, hlen, bytes([int(a[2])]) + body[1:])
        out = emit_all(pkts)
    elif cmd == "flip":
        pkts, n = read(a[0]), int(a[1])
        sigs = [i for i, p in enumerate(pkts) if p[0] == 2]
        if not 1 <= n <= len(sigs):
            die("no signature %d" % n)
        tag, hlen, body = pkts[sigs[n - 1]]
        pkts[sigs[n - 1]] = (tag, hlen, flip(body))
        out = emit_all(pkts)
    elif cmd == "cat":
        out = emit_all([p for f in a for p in read(f)])
    elif cmd == "packet":
        out = emit(int(a[0]), a[1].encode())
    elif cmd == "armor":
        with open(a[0], "rb") as f:
            out = armor(f.read(), a[1], a[2] if len(a) > 2 else "good")
    elif cmd == "random":
        r = random.Random(int(a[1]))
        out = bytes(r.getrandbits(8) for _ in range(int(a[0])))
    elif cmd == "jpeg":
        out = JPEG
    else:
        die("unknown command %s" % cmd)
    sys.stdout.buffer.write(out)


if __name__ == "__main__":
    main(sys.argv[1:])
