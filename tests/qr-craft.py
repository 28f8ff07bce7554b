#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""qr-craft.py: UR part lines of type bytes made by hand, well-formed or
not, for the hostile inputs of t-qr-refused.sh.  Standard library only,
and independent of mule's own encoder: minimal bytewords with their
CRC-32 trailer, the CBOR part [seq, len, messageLen, checksum, fragment],
and ways to get each of them wrong.

One run makes many files (python starts slowly here): every line of
standard input is

  OUT COMMAND ARG... [KEY=VALUE...]

and appends what COMMAND makes to the file OUT (emptied the first time
it is named in the run).  Blank lines and lines starting with # are
skipped.  Commands:

  part SEQ LEN MSGLEN CRC DATA   one part line; CRC in hex, or @FILE for
                                 the checksum of FILE's message (its
                                 bytes as a CBOR byte string); DATA in
                                 hex or "zeros:N"
  message FILE                   the plain parts (1 to len) of FILE's
                                 bytes as a UR message, one a line
  single HEX                     the single-part form of the CBOR HEX

Options of part (and of message, for every part it makes):
  path=S-L|none   the path's "seq-len" (default the CBOR's); none: the
                  single-part form around this CBOR
  wide=FIELD      FIELD's head one size longer than needed: array, seq,
                  len, msglen, crc or data
  indef=FIELD     array or data as an indefinite-length item
  items=N         the array says N items (extra ones are 0)
  neg=1           seq as a negative integer (major type 1)
  trail=HEX       bytes after the array
  bwcrc=bad       the bytewords' CRC-32 trailer one bit off
  word=1          the first letter pair replaced by one that is no word
  case=upper|lower|mixed   (default upper)
  type=NAME       the UR type (default bytes)
Options of message only:
  frag=N          the largest fragment (default 400; the reference's
                  nominal length, at least 10 bytes)
  cbor=bytes|text|array|wide|indef|trail|raw   how FILE becomes the UR
                  message: a canonical byte string (default), a text
                  string, an array holding the byte string, a byte string
                  with a head longer than needed, an indefinite-length
                  byte string, a byte string and a trailing byte, or
                  FILE's bytes as they are
  crc=HEX|@FILE   the checksum every part claims (default the message's)
  msglen=N len=N  what every part claims (defaults: the real ones)
  seqs=A,B,...    only these parts
  single=1        the single-part form (the whole message in one part)
"""
import sys
import zlib

WORDS = (
    "ableacidalsoapexaquaarchatomauntawayaxisbackbaldbarnbeltbetabias"
    "bluebodybragbrewbulbbuzzcalmcashcatschefcityclawcodecolacookcost"
    "cruxcurlcuspcyandarkdatadaysdelidicedietdoordowndrawdropdrumdull"
    "dutyeacheasyechoedgeepicevenexamexiteyesfactfairfernfigsfilmfish"
    "fizzflapflewfluxfoxyfreefrogfuelfundgalagamegeargemsgiftgirlglow"
    "goodgraygrimgurugushgyrohalfhanghardhawkheathelphighhillholyhope"
    "hornhutsicedideaidleinchinkyintoirisironitemjadejazzjoinjoltjowl"
    "judojugsjumpjunkjurykeepkenokeptkeyskickkilnkingkitekiwiknoblamb"
    "lavalazyleaflegsliarlimplionlistlogoloudloveluaulucklungmainmany"
    "mathmazememomenumeowmildmintmissmonknailnavyneednewsnextnoonnote"
    "numbobeyoboeomitonyxopenovalowlspaidpartpeckplaypluspoempoolpose"
    "puffpumapurrquadquizraceramprealredorichroadrockroofrubyruinruns"
    "rustsafesagascarsetssilkskewslotsoapsolosongstubsurfswantacotask"
    "taxitenttiedtimetinytoiltombtoystriptunatwinuglyundouniturgeuser"
    "vastveryvetovialvibeviewvisavoidvowswallwandwarmwaspwavewaxywebs"
    "whatwhenwhizwolfworkyankyawnyellyogayurtzapszerozestzinczonezoom")
MINIMAL = [WORDS[4 * i] + WORDS[4 * i + 3] for i in range(256)]


def die(msg):
    sys.stderr.write("qr-craft.py: %s\n" % msg)
    sys.exit(2)


def head(major, v, wide=False):
    """A CBOR head, canonical unless WIDE (one size longer)."""
    sizes = [(24, 0), (0x100, 1), (0x10000, 2), (0x100000000, 4),
             (1 << 64, 8)]
    k = next(i for i, (lim, _) in enumerate(sizes) if v < lim)
    if wide:
        k += 1
        if k >= len(sizes):
            die("no wider head for %d" % v)
    n = sizes[k][1]
    if n == 0:
        return bytes([major << 5 | v])
    info = {1: 24, 2: 25, 4: 26, 8: 27}[n]
    return bytes([major << 5 | info]) + v.to_bytes(n, "big")


def bytestring(data, wide=False, indef=False):
    if indef:
        # two definite chunks inside 0x5f ... 0xff
        h = len(data) // 2
        return (b"\x5f" + head(2, h) + data[:h] + head(2, len(data) - h)
                + data[h:] + b"\xff")
    return head(2, len(data), wide) + data


def part_cbor(seq, length, msglen, crc, data, o):
    wide = o.get("wide", "")
    indef = o.get("indef", "")
    items = int(o.get("items", "5"))
    if o.get("neg"):
        first = head(1, seq - 1)
    else:
        first = head(0, seq, wide == "seq")
    fields = [first, head(0, length, wide == "len"),
              head(0, msglen, wide == "msglen"),
              head(0, crc, wide == "crc"),
              bytestring(data, wide == "data", indef == "data")]
    fields += [b"\x00"] * (items - 5)
    fields = fields[:items]
    if indef == "array":
        body = b"\x9f" + b"".join(fields) + b"\xff"
    else:
        body = head(4, items, wide == "array") + b"".join(fields)
    return body + bytes.fromhex(o.get("trail", ""))


def line(cbor, path, o):
    """The part line of the CBOR body CBOR, PATH "S-L" or None."""
    crc = zlib.crc32(cbor)
    if o.get("bwcrc") == "bad":
        crc ^= 1
    words = "".join(MINIMAL[b] for b in cbor + crc.to_bytes(4, "big"))
    if o.get("word"):
        words = "qq" + words[2:]
    s = "ur:%s/" % o.get("type", "bytes")
    if path is not None:
        s += path + "/"
    s += words
    case = o.get("case", "upper")
    if case == "upper":
        s = s.upper()
    elif case == "mixed":
        s = "".join(c.upper() if i % 3 == 0 else c for i, c in enumerate(s))
    return s + "\n"


def path_of(seq, length, o):
    p = o.get("path")
    if p == "none":
        return None
    return p if p is not None else "%d-%d" % (seq, length)


def crc_arg(s):
    if s.startswith("@"):
        with open(s[1:], "rb") as f:
            return zlib.crc32(bytestring(f.read()))
    return int(s, 16)


def data_arg(s):
    if s.startswith("zeros:"):
        return bytes(int(s[6:]))
    return bytes.fromhex(s)


def cmd_part(args, o):
    if len(args) != 5:
        die("part SEQ LEN MSGLEN CRC DATA")
    seq, length, msglen = (int(a) for a in args[:3])
    crc = crc_arg(args[3])
    cbor = part_cbor(seq, length, msglen, crc, data_arg(args[4]), o)
    return line(cbor, path_of(seq, length, o), o)


def nominal_fragment(m, min_len, max_len):
    """The reference's find_nominal_fragment_length."""
    n = m
    for count in range(1, max(m // min_len, 1) + 1):
        n = -(-m // count)
        if n <= max_len:
            break
    return n


def ur_message(payload, kind):
    if kind == "bytes":
        return bytestring(payload)
    if kind == "text":
        return head(3, len(payload)) + payload
    if kind == "array":
        return head(4, 1) + bytestring(payload)
    if kind == "wide":
        return bytestring(payload, wide=True)
    if kind == "indef":
        return bytestring(payload, indef=True)
    if kind == "trail":
        return bytestring(payload) + b"\x00"
    if kind == "raw":
        return payload
    die("unknown cbor=%s" % kind)


def cmd_message(args, o):
    if len(args) != 1:
        die("message FILE")
    with open(args[0], "rb") as f:
        msg = ur_message(f.read(), o.get("cbor", "bytes"))
    crc = crc_arg(o["crc"]) if "crc" in o else zlib.crc32(msg)
    if o.get("single"):
        return line(msg, None, o)
    flen = nominal_fragment(len(msg), 10, int(o.get("frag", "400")))
    count = -(-len(msg) // flen)
    length = int(o.get("len", count))
    msglen = int(o.get("msglen", len(msg)))
    msg += bytes(count * flen - len(msg))
    seqs = ([int(s) for s in o["seqs"].split(",")] if "seqs" in o
            else range(1, count + 1))
    out = ""
    for seq in seqs:
        frag = msg[(seq - 1) * flen:seq * flen]
        cbor = part_cbor(seq, length, msglen, crc, frag, o)
        out += line(cbor, path_of(seq, length, o), o)
    return out


def main():
    seen = set()
    for raw in sys.stdin:
        words = raw.split()
        if not words or words[0].startswith("#"):
            continue
        out, cmd, rest = words[0], words[1], words[2:]
        args = [w for w in rest if "=" not in w]
        opts = dict(w.split("=", 1) for w in rest if "=" in w)
        if cmd == "part":
            text = cmd_part(args, opts)
        elif cmd == "message":
            text = cmd_message(args, opts)
        elif cmd == "single":
            text = line(bytes.fromhex(args[0]), None, opts)
        else:
            die("unknown command %s" % cmd)
        with open(out, "a" if out in seen else "w") as f:
            f.write(text)
        seen.add(out)


main()
