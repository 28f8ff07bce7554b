#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""cert-forge.py COMMAND ARG...: a key's owner changing her own
certificate as no tool would, for the hostile certificates of
t-stick-cert-hostile.sh: new self-signatures made here, with the
unprotected Ed25519 primary key of a test home (gpg
--export-secret-keys), in pure Python (RFC 8032), standard library only.
CERT is a binary certificate (gpg --export); every command writes the
new certificate (or packets) to standard output.

  uid SECRET CERT TEXT        CERT with user ID TEXT added after its
                              last user ID, self-signed (0x13)
  bind SECRET CERT KEY FLAGS  CERT with the key of the binary
                              certificate KEY (its primary key, or with
                              sub:N its N-th subkey) bound as a subkey
                              (0x18) with key flags FLAGS (hex: 0c
                              encrypt, 02 sign, without a back-signature)
  rsa-sign SECRET CERT BITS EBITS COUNT
                              CERT with COUNT new RSA signing subkeys of
                              BITS bits whose public exponents have EBITS
                              bits, each bound (0x18) with its back-
                              signature (0x19) made by the subkey
  subkeys SECRET CERT COUNT   CERT with COUNT new Curve25519 encryption
                              subkeys (random points), each bound (0x18)
  dsa SECRET CERT BITS        CERT with a DSA key of BITS bits (random
                              numbers: nothing checks them before the
                              strength check) bound as a signing subkey
  expire SECRET CERT SECONDS  CERT with a newer self-signature on its
                              first user ID: the key expires SECONDS
                              after its creation (0: never)
  revsub SECRET CERT N        CERT with its N-th subkey revoked (0x28)
  revuid SECRET CERT N        CERT with its N-th user ID revoked (0x30)
  revoke SECRET CERT          CERT with a key revocation (0x20)
"""
import hashlib
import os
import random
import struct
import sys
import time

# --- Ed25519 (RFC 8032, section 6) ------------------------------------------
P = 2 ** 255 - 19
Q = 2 ** 252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(a, b):
    x = (a[1] - a[0]) * (b[1] - b[0]) % P
    y = (a[1] + a[0]) * (b[1] + b[0]) % P
    c = 2 * a[3] * b[3] * D % P
    d = 2 * a[2] * b[2] % P
    e, f, g, h = y - x, d - c, d + c, y + x
    return (e * f, g * h, f * g, e * h)


def _mul(s, pt):
    acc = (0, 1, 1, 0)
    while s:
        if s & 1:
            acc = _add(acc, pt)
        pt = _add(pt, pt)
        s >>= 1
    return acc


def _recover_x(y, sign):
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P)
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x & 1) != sign:
        x = P - x
    return x


_GY = 4 * pow(5, P - 2, P) % P
_GX = _recover_x(_GY, 0)
G = (_GX, _GY, 1, _GX * _GY % P)


def _compress(pt):
    zi = pow(pt[2], P - 2, P)
    x, y = pt[0] * zi % P, pt[1] * zi % P
    return (y | (x & 1) << 255).to_bytes(32, "little")


def _expand(seed):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def ed_public(seed):
    return _compress(_mul(_expand(seed)[0], G))


def ed_sign(seed, msg):
    a, prefix = _expand(seed)
    pub = _compress(_mul(a, G))
    r = int.from_bytes(hashlib.sha512(prefix + msg).digest(), "little") % Q
    rs = _compress(_mul(r, G))
    h = int.from_bytes(hashlib.sha512(rs + pub + msg).digest(), "little") % Q
    return rs + ((r + h * a) % Q).to_bytes(32, "little")


# --- packets -------------------------------------------------------------------
def die(msg):
    sys.stderr.write("cert-forge.py: %s\n" % msg)
    sys.exit(2)


def packets(data):
    out, off = [], 0
    while off < len(data):
        b = data[off]
        if not b & 0x80:
            die("no packet tag at byte %d" % off)
        if b & 0x40:
            tag, l0 = b & 0x3F, data[off + 1]
            if l0 < 192:
                hlen, blen = 2, l0
            elif l0 < 224:
                hlen, blen = 3, ((l0 - 192) << 8) + data[off + 2] + 192
            elif l0 == 255:
                hlen, blen = 6, int.from_bytes(data[off + 2:off + 6], "big")
            else:
                die("partial length")
        else:
            tag, n = (b >> 2) & 0x0F, 1 << (b & 3)
            hlen, blen = 1 + n, int.from_bytes(data[off + 1:off + 1 + n], "big")
        out.append([tag, data[off + hlen:off + hlen + blen]])
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


def mpi(v):
    if isinstance(v, bytes):
        v = int.from_bytes(v, "big")
    return struct.pack(">H", v.bit_length()) + v.to_bytes((v.bit_length() + 7) // 8, "big")


def key_fpr(body):
    return hashlib.sha1(b"\x99" + struct.pack(">H", len(body)) + body).digest()


def read(path):
    with open(path, "rb") as f:
        return packets(f.read())


def secret_seed(path):
    """The Ed25519 seed of the unprotected primary key in PATH, and the
    public key packet's body."""
    tag, body = read(path)[0]
    if tag != 5 or body[0] != 4 or body[5] != 22:
        die("not a v4 EdDSA secret key")
    off = 6
    off += 1 + body[off]                       # curve OID
    bits = struct.unpack(">H", body[off:off + 2])[0]
    off += 2 + (bits + 7) // 8                 # the public point
    pub = body[:off]
    if body[off] != 0:
        die("the secret key is protected")
    off += 1
    bits = struct.unpack(">H", body[off:off + 2])[0]
    seed = body[off + 2:off + 2 + (bits + 7) // 8].rjust(32, b"\0")
    if b"\x40" + ed_public(seed) != pub[-33:]:
        die("the seed does not make the public key")
    return seed, pub


def subpacket(typ, data):
    n = len(data) + 1
    if n < 192:
        head = bytes([n])
    else:
        n -= 192
        head = bytes([(n >> 8) + 192, n & 0xFF])
    return head + bytes([typ]) + data


def hashed_key(body):
    return b"\x99" + struct.pack(">H", len(body)) + body


def signature(signed, sigtype, algo, hashed, unhashed, sign):
    """A v4 signature packet body over SIGNED (the hashed key and user
    ID or subkey data), made by SIGN(digest, prefix) -> MPIs."""
    head = bytes([4, sigtype, algo, 8]) + struct.pack(">H", len(hashed)) + hashed
    trailer = b"\x04\xff" + struct.pack(">I", len(head))
    digest = hashlib.sha256(signed + head + trailer).digest()
    return (head + struct.pack(">H", len(unhashed)) + unhashed + digest[:2]
            + sign(digest))


def ed_signer(seed):
    def sign(digest):
        s = ed_sign(seed, digest)
        return mpi(s[:32]) + mpi(s[32:])
    return sign


def self_sig(seed, pub, sigtype, signed, extra=b"", when=None):
    fpr = key_fpr(pub)
    hashed = (subpacket(33, b"\x04" + fpr)
              + subpacket(2, struct.pack(">I", when or int(time.time())))
              + extra)
    return signature(signed, sigtype, 22, hashed, subpacket(16, fpr[-8:]),
                     ed_signer(seed))


def after_uids(pkts):
    """The index after the last user ID's signatures (before subkeys)."""
    i = len(pkts)
    for j, (tag, _) in enumerate(pkts):
        if tag == 14:
            i = j
            break
    return i


def write(pkts):
    sys.stdout.buffer.write(b"".join(emit(t, b) for t, b in pkts))


# --- RSA with a large public exponent -------------------------------------------
def is_probable_prime(n, rnd):
    if n < 4:
        return n in (2, 3)
    for p in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while not d & 1:
        d, s = d >> 1, s + 1
    for _ in range(16):
        x = pow(rnd.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def prime(bits, rnd):
    while True:
        c = rnd.getrandbits(bits) | 1 << (bits - 1) | 1
        if is_probable_prime(c, rnd):
            return c


SHA256_DER = bytes.fromhex("3031300d060960864801650304020105000420")


def rsa_key(bits, ebits, rnd):
    """(n, e, primes, exponents): n a product of 512-bit primes (RSA
    works with any number of them), e an odd number of EBITS bits."""
    primes = []
    while sum(p.bit_length() for p in primes) < bits:
        primes.append(prime(512, rnd))
    n = 1
    for p in primes:
        n *= p
    while True:
        e = rnd.getrandbits(ebits) | 1 << (ebits - 1) | 1
        try:
            ds = [pow(e, -1, p - 1) for p in primes]
            return n, e, primes, ds
        except ValueError:
            continue


def rsa_signer(key):
    n, e, primes, ds = key

    def sign(digest):
        k = (n.bit_length() + 7) // 8
        t = SHA256_DER + digest
        m = int.from_bytes(b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t, "big")
        # CRT over all the primes
        s, mod = 0, 1
        for p, d in zip(primes, ds):
            sp = pow(m % p, d, p)
            # combine s (mod mod) with sp (mod p)
            s = s + mod * ((sp - s) * pow(mod, -1, p) % p)
            mod *= p
        assert pow(s, e, n) == m
        return mpi(s)
    return sign


def main(argv):
    if len(argv) < 3:
        die("usage: see the top of cert-forge.py")
    cmd, seed, pub = argv[0], None, None
    seed, pub = secret_seed(argv[1])
    pkts = read(argv[2])
    if pkts[0][1] != pub:
        die("the certificate is not of that key")
    if cmd == "uid":
        uid = argv[3].encode()
        sig = self_sig(seed, pub, 0x13, hashed_key(pub) + b"\xb4"
                       + struct.pack(">I", len(uid)) + uid,
                       subpacket(27, b"\x03"))
        i = after_uids(pkts)
        pkts[i:i] = [[13, uid], [2, sig]]
    elif cmd == "bind":
        other = read(argv[3])
        which = argv[5] if len(argv) > 5 else "primary"
        if which == "primary":
            kbody = other[0][1]
        else:
            n = int(which.split(":")[1])
            kbody = [b for t, b in other if t == 14][n - 1]
        flags = bytes.fromhex(argv[4])
        sig = self_sig(seed, pub, 0x18, hashed_key(pub) + hashed_key(kbody),
                       subpacket(27, flags))
        pkts += [[14, kbody], [2, sig]]
    elif cmd == "rsa-sign":
        bits, ebits, count = int(argv[3]), int(argv[4]), int(argv[5])
        rnd = random.Random(int.from_bytes(os.urandom(8), "big"))
        for _ in range(count):
            key = rsa_key(bits, ebits, rnd)
            kbody = (bytes([4]) + struct.pack(">I", int(time.time()) - 60)
                     + bytes([1]) + mpi(key[0]) + mpi(key[1]))
            signed = hashed_key(pub) + hashed_key(kbody)
            kfpr = key_fpr(kbody)
            back = signature(signed, 0x19, 1,
                             subpacket(33, b"\x04" + kfpr)
                             + subpacket(2, struct.pack(">I", int(time.time()))),
                             subpacket(16, kfpr[-8:]), rsa_signer(key))
            sig = self_sig(seed, pub, 0x18, signed, subpacket(27, b"\x02")
                           + subpacket(32, back))
            pkts += [[14, kbody], [2, sig]]
    elif cmd == "subkeys":
        oid = bytes.fromhex("2b060104019755010501")
        for _ in range(int(argv[3])):
            kbody = (bytes([4]) + struct.pack(">I", int(time.time()) - 60) + bytes([18])
                     + bytes([len(oid)]) + oid + mpi(b"\x40" + os.urandom(32))
                     + bytes([3, 1, 8, 7]))
            sig = self_sig(seed, pub, 0x18, hashed_key(pub) + hashed_key(kbody),
                           subpacket(27, b"\x0c"))
            pkts += [[14, kbody], [2, sig]]
    elif cmd == "dsa":
        bits = int(argv[3])
        rnd = random.Random(int.from_bytes(os.urandom(8), "big"))
        kbody = (bytes([4]) + struct.pack(">I", int(time.time()) - 60) + bytes([17])
                 + b"".join(mpi(rnd.getrandbits(b) | 1 << (b - 1))
                            for b in (bits, 256, bits - 1, bits - 1)))
        sig = self_sig(seed, pub, 0x18, hashed_key(pub) + hashed_key(kbody),
                       subpacket(27, b"\x02"))
        pkts += [[14, kbody], [2, sig]]
    elif cmd == "expire":
        secs = int(argv[3])
        uidi = [j for j, (t, _) in enumerate(pkts) if t == 13][0]
        uid = pkts[uidi][1]
        sig = self_sig(seed, pub, 0x13, hashed_key(pub) + b"\xb4"
                       + struct.pack(">I", len(uid)) + uid,
                       subpacket(27, b"\x03") + subpacket(9, struct.pack(">I", secs)))
        pkts[uidi + 1:uidi + 1] = [[2, sig]]
    elif cmd == "revsub":
        n = int(argv[3])
        idx = [j for j, (t, _) in enumerate(pkts) if t == 14][n - 1]
        sig = self_sig(seed, pub, 0x28, hashed_key(pub) + hashed_key(pkts[idx][1]),
                       subpacket(29, b"\x02"))
        pkts[idx + 1:idx + 1] = [[2, sig]]
    elif cmd == "revuid":
        n = int(argv[3])
        idx = [j for j, (t, _) in enumerate(pkts) if t == 13][n - 1]
        uid = pkts[idx][1]
        sig = self_sig(seed, pub, 0x30, hashed_key(pub) + b"\xb4"
                       + struct.pack(">I", len(uid)) + uid, subpacket(29, b"\x20"))
        pkts[idx + 1:idx + 1] = [[2, sig]]
    elif cmd == "revoke":
        sig = self_sig(seed, pub, 0x20, hashed_key(pub), subpacket(29, b"\x02"))
        pkts[1:1] = [[2, sig]]
    else:
        die("unknown command %s" % cmd)
    write(pkts)


if __name__ == "__main__":
    main(sys.argv[1:])
