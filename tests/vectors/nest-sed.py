#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""nest-sed.py SEALED.gpg SESSION-KEY OUT.gpg [INNER.gpg]

Rebuild a message sealed for a key so that, inside its (valid,
MDC-protected) encryption, it holds a bare symmetrically encrypted data
packet (tag 9) with no session key packet of its own: gpg "assumes IDEA
encrypted data" there and asks for a passphrase.  With INNER.gpg, the
encryption holds that file's packets instead (a whole message sealed
with a passphrase, say).  SESSION-KEY is gpg's --show-session-key output
("9:HEX", AES-256).  Needs openssl for CFB."""
import hashlib, os, subprocess, sys

def new_packet(tag, body):
    n = len(body)
    if n < 192:
        head = bytes([n])
    elif n < 8384:
        n -= 192
        head = bytes([(n >> 8) + 192, n & 0xff])
    else:
        head = b"\xff" + n.to_bytes(4, "big")
    return bytes([0xc0 | tag]) + head + body

src, sk, out = sys.argv[1:4]
algo, key = sk.split(":")
assert algo == "9", "AES-256 expected"
data = open(src, "rb").read()
assert data[0] == 0x84, "an old-format PKESK first"
pkesk = data[:2 + data[1]]
if len(sys.argv) > 4:
    inner = open(sys.argv[4], "rb").read()
else:
    inner = new_packet(9, os.urandom(40))
prefix = os.urandom(16)
prefix += prefix[-2:]
mdc_in = prefix + inner + b"\xd3\x14"
plain = mdc_in + hashlib.sha1(mdc_in).digest()
cipher = subprocess.run(["openssl", "enc", "-aes-256-cfb", "-K", key,
    "-iv", "0" * 32, "-nopad"], input=plain, capture_output=True,
    check=True).stdout
open(out, "wb").write(pkesk + new_packet(18, b"\x01" + cipher))
