#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# make-vectors.py - regenerate the hostile inputs in this directory.
#
# The files are committed; this script only documents how they were made
# and lets anyone rebuild them (the output is deterministic).  Run it from
# this directory:  python3 make-vectors.py
# It needs python3-cryptography for the passphrase-encrypted vectors.
# See README for what each file is and what mule-open must do with it.
import base64
import hashlib
import struct
import zlib

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
try:
    from cryptography.hazmat.decrepit.ciphers.modes import CFB
except ImportError:
    from cryptography.hazmat.primitives.ciphers.modes import CFB
from cryptography.hazmat.primitives.ciphers.modes import ECB

PASSPHRASE = b'mule-vectors'


def packet(tag, body):
    """A new-format packet with a definite length."""
    n = len(body)
    if n < 192:
        length = bytes([n])
    elif n < 8384:
        length = bytes([((n - 192) >> 8) + 192, (n - 192) & 0xff])
    else:
        length = b'\xff' + struct.pack('>I', n)
    return bytes([0xc0 | tag]) + length + body


def literal(data):
    return packet(11, b'b\x00\x00\x00\x00\x00' + data)


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def compressed(inner, algo=1):
    return packet(8, bytes([algo]) + deflate(inner))


def session_key():
    """SKESK v4, AES-256, iterated and salted S2K over SHA-256 (65536
    octets); the session key is the S2K output.  Returns (packet, key)."""
    salt = b'muleSALT'
    count = 65536
    data = salt + PASSPHRASE
    key = hashlib.sha256((data * (count // len(data) + 1))[:count]).digest()
    return packet(3, bytes([4, 9, 3, 8]) + salt + b'\x60'), key


def prefix(name):
    p = hashlib.sha256(b'prefix ' + name.encode()).digest()[:16]
    return p + p[-2:]


def seipd(name, inner, mdc_ok=True):
    """A passphrase-encrypted message with integrity protection (MDC)."""
    skesk, key = session_key()
    body = prefix(name) + inner + b'\xd3\x14'
    mdc = hashlib.sha1(body).digest()
    if not mdc_ok:
        mdc = bytes([mdc[0] ^ 0x55]) + mdc[1:]
    enc = Cipher(algorithms.AES(key), CFB(b'\0' * 16)).encryptor()
    return skesk + packet(18, b'\x01' + enc.update(body + mdc) + enc.finalize())


def sed_no_mdc(name, inner):
    """A passphrase-encrypted message without integrity protection
    (Symmetrically Encrypted Data, tag 9: OpenPGP CFB with resync)."""
    skesk, key = session_key()
    pre = prefix(name)
    ecb = Cipher(algorithms.AES(key), ECB()).encryptor()
    c1 = bytes(a ^ b for a, b in zip(ecb.update(b'\0' * 16), pre[:16]))
    c2 = bytes(a ^ b for a, b in zip(ecb.update(c1)[:2], pre[16:18]))
    iv = (c1 + c2)[2:18]
    enc = Cipher(algorithms.AES(key), CFB(iv)).encryptor()
    return skesk + packet(9, c1 + c2 + enc.update(inner) + enc.finalize())


def nested(depth):
    p = literal(b'nested plaintext\n')
    for _ in range(depth):
        p = compressed(p)
    return p


def bomb():
    """A literal packet of 1 GiB of zeros, deflated twice: 2 KiB."""
    n = 1 << 30
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [c.compress(b'\xcb\xff' + struct.pack('>I', n + 6)
                        + b'b\x00\x00\x00\x00\x00')]
    mib = bytes(1 << 20)
    for _ in range(n >> 20):
        parts.append(c.compress(mib))
    parts.append(c.flush())
    once = packet(8, b'\x01' + b''.join(parts))
    return compressed(once)


BEGIN = b'-----BEGIN PGP MESSAGE-----\n'
END = b'-----END PGP MESSAGE-----\n'
PKESK = bytes([3]) + b'\x11' * 8 + bytes([18]) + b'\x00' * 40

VECTORS = {
    'armour-header-only.asc': lambda: BEGIN,
    'armour-empty-body.asc': lambda: BEGIN + b'\n' + END,
    'armour-huge-header.asc': lambda: BEGIN + b'Comment: ' + b'x' * 81920
    + b'\n\nhF4DERERERERERESAQdA\n' + END,
    'armour-huge-line.asc': lambda: BEGIN + b'\nhF4D' + b'QUFB' * 25600
    + b'\n' + END,
    'armour-junk-body.asc': lambda: BEGIN + b'\n' + b'!*@#' * 16 + b'\n'
    + END,
    'armour-bad-crc.asc': lambda: BEGIN + b'\n'
    + base64.b64encode(packet(1, PKESK)[:48]) + b'\n=AAAA\n' + END,
    'packet-len-4g.gpg': lambda: b'\xc1\xff\xff\xff\xff\xff' + PKESK,
    'packet-oldlen-4g.gpg': lambda: b'\x86\xff\xff\xff\xff' + PKESK,
    'seipd-len-4g.gpg': lambda: b'\xd2\xff\xff\xff\xff\xff\x01'
    + bytes(range(256)),
    'sed-bare.gpg': lambda: packet(9, bytes(range(200))),
    'userid-only.gpg': lambda: packet(13, b'Mallory <mallory@example.org>'),
    'partial-truncated.gpg': lambda: b'\xd2' + bytes([224 + 30]) + b'\x01'
    + bytes(511),
    'marker-only.gpg': lambda: packet(10, b'PGP'),
    'tag0.gpg': lambda: b'\xc0\x05hello',
    'literal-bare.gpg': lambda: literal(b'bare literal data\n'),
    'compressed-nested.gpg': lambda: nested(200),
    'sym-nested.gpg': lambda: seipd('sym-nested', nested(200)),
    'sym-compress-unknown.gpg': lambda: seipd(
        'sym-compress-unknown',
        packet(8, b'\x63' + deflate(literal(b'hello\n')))),
    'sym-deflate-corrupt.gpg': lambda: seipd(
        'sym-deflate-corrupt', packet(8, b'\x01' + b'\xff' * 40)),
    'sym-bad-mdc.gpg': lambda: seipd(
        'sym-bad-mdc', literal(b'altered in transit\n'), mdc_ok=False),
    'sym-no-mdc.gpg': lambda: sed_no_mdc(
        'sym-no-mdc', literal(b'no integrity protection\n')),
    'sym-bomb.gpg': lambda: seipd('sym-bomb', bomb()),
}

if __name__ == '__main__':
    for name, make in sorted(VECTORS.items()):
        with open(name, 'wb') as f:
            f.write(make())
    with open('passphrase', 'wb') as f:
        f.write(PASSPHRASE + b'\n')
