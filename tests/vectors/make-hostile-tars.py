#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# make-hostile-tars.py - write hostile plain tar streams for mule-bundle.
#
#   python3 make-hostile-tars.py OUTDIR [OUTSIDE [VICTIM]]
#
# Writes one file OUTDIR/NAME.tar per defence of mule-bundle -x (see the
# "Defences" paragraph of mule-bundle(1) and tests/vectors/README), plus a
# few archives that must be accepted.  They are plain, unencrypted tar
# streams; tests/t-bundle-hostile.sh generates them at test time and seals
# them with a VALID signature, so that only mule-bundle's extraction
# defences stand between them and the disk.
#
# OUTSIDE is an absolute directory that the archives aim at with absolute
# names and links (default /tmp), and VICTIM an absolute file that the
# absolute symlink and hard link name (default OUTSIDE/victim); the test
# passes its own, whose contents and link count it checks afterwards.  Nothing is read from or written to
# the file system except OUTDIR/*.tar: every entry is built in memory with
# tarfile (standard library only), with fixed times and owners, so the
# output is the same byte for byte on every run.  Every file is smaller
# than 64 KiB; the "huge" ones only declare their size in a header.
import hashlib
import os
import sys
import tarfile

MTIME = 1700000000
BLOCK = 512
END = bytes(2 * BLOCK)          # the end-of-archive marker
GIB = 1 << 30
PAX = tarfile.PAX_FORMAT
GNU = tarfile.GNU_FORMAT
USTAR = tarfile.USTAR_FORMAT


def pad(data):
    return data + bytes(-len(data) % BLOCK)


def header(name, type=tarfile.REGTYPE, size=0, mode=None, link='',
           dev=(0, 0), pax=None, fmt=PAX):
    """One entry's header block(s), without data."""
    ti = tarfile.TarInfo(name)
    ti.type = type
    ti.size = size
    ti.mtime = MTIME
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = ''
    if mode is None:
        mode = 0o755 if type == tarfile.DIRTYPE else 0o644
    ti.mode = mode
    ti.linkname = link
    ti.devmajor, ti.devminor = dev
    if pax:
        ti.pax_headers = dict(pax)
    return ti.tobuf(fmt, 'utf-8', 'surrogateescape')


def reg(name, data=b'', mode=0o644, fmt=PAX):
    return header(name, size=len(data), mode=mode, fmt=fmt) + pad(data)


def dir_(name, mode=0o755):
    return header(name, tarfile.DIRTYPE, mode=mode)


def sym(name, target):
    return header(name, tarfile.SYMTYPE, link=target, mode=0o777)


def hard(name, target):
    # A hard link entry carries no data (size 0): nothing is ever written
    # into the file it names, even by an extractor that follows it.
    return header(name, tarfile.LNKTYPE, link=target)


def text(name):
    return ('content of %s\n' % name).encode()


def manifest(files, override=None):
    """MULE-MANIFEST.sha256 for [(name, data)]: "HEX  NAME" lines.  The
    names used here need no escapes.  override maps a name to the data
    whose digest is written instead of the real one."""
    override = override or {}
    lines = ''.join('%s  %s\n' % (hashlib.sha256(override.get(n, d))
                                  .hexdigest(), n) for n, d in files)
    return reg('MULE-MANIFEST.sha256', lines.encode())


def number(value):
    """A 12-octet numeric header field: octal, or GNU base-256 when too
    large for 11 octal digits."""
    if value < 8 ** 11:
        return b'%011o\0' % value
    return b'\x80' + value.to_bytes(11, 'big')


def checksum(block):
    block = bytearray(block)
    block[148:156] = b' ' * 8
    block[148:156] = b'%06o\0 ' % sum(block)
    return bytes(block)


def gnu_sparse_old(name, realsize, stored):
    """An old-style GNU sparse entry (typeflag 'S'): one data region of
    `stored` octets at offset 0, then a hole up to the full size
    `realsize` (marked, as GNU tar does, by an empty region there)."""
    blk = bytearray(header(name, tarfile.GNUTYPE_SPARSE, size=stored,
                           fmt=GNU))
    assert len(blk) == BLOCK
    blk[386:398] = number(0)            # sparse[0].offset
    blk[398:410] = number(stored)       # sparse[0].numbytes
    blk[410:422] = number(realsize)     # sparse[1].offset
    blk[422:434] = number(0)            # sparse[1].numbytes
    blk[482] = 0                        # isextended
    blk[483:495] = number(realsize)     # realsize
    return checksum(blk) + pad(b'S' * stored)


def pax_sparse_1_0(name, realsize, stored):
    """A GNU sparse file in pax format 1.0: the map (a region of `stored`
    octets at offset 0, an empty one at the full size `realsize`) is a
    block at the start of the data."""
    smap = pad(b'2\n0\n%d\n%d\n0\n' % (stored, realsize))
    data = pad(b'P' * stored)
    return header('GNUSparseFile.0/' + name, size=len(smap) + len(data),
                  pax={'GNU.sparse.major': '1', 'GNU.sparse.minor': '0',
                       'GNU.sparse.name': name,
                       'GNU.sparse.realsize': str(realsize)}) + smap + data


def vectors(outside, victim):
    out_escaped = outside.rstrip('/') + '/escaped'
    out_target = outside.rstrip('/') + '/target'
    a, b = text('a.txt'), text('b.txt')
    long_path = '/'.join(['longpath-' + 'p' * 191]
                         + ['p' * 200] * 20 + ['f'])
    assert len(long_path.encode()) > 4096
    v = {
        # --- accepted: the control, and the lookalikes of hostile ones ---
        'harmless': reg('a.txt', a) + END,
        'manifest-good': reg('a.txt', a) + reg('b.txt', b)
        + manifest([('a.txt', a), ('b.txt', b)]) + END,
        # setuid: not refused; extracted with the bit dropped and a warning.
        'setuid': reg('suid-prog', b'#!/bin/sh\n', mode=0o4755) + END,
        'setgid-sticky': reg('sgid-prog', b'#!/bin/sh\n', mode=0o2755)
        + dir_('sticky', mode=0o1777) + END,
        # "./" is the directory itself: accepted, ok.txt lands in DIR.
        'dot-slash': dir_('./') + reg('./ok.txt', text('ok.txt')) + END,
        # Readme and README collide only on a case-folding file system; on
        # ext4 (case-sensitive) this is NOT a collision and must extract.
        'case-pair': reg('Readme', text('Readme'))
        + reg('README', text('README')) + END,
        'component-255': reg('ok-' + 'c' * 252, text('255')) + END,
        # A symlink that stays inside DIR, from its own directory.
        'symlink-inside': reg('top.txt', text('top.txt')) + dir_('d')
        + sym('d/l', '../top.txt') + END,
        # A hard link to an earlier regular file is what tar makes.
        'hardlink-earlier': reg('a.txt', a) + hard('h', 'a.txt') + END,
        # A chain of links (h2 -> h1 -> a.txt) with its manifest: each
        # link has its target's digest.
        'hardlink-chain': reg('a.txt', a) + hard('h1', 'a.txt')
        + hard('h2', 'h1')
        + manifest([('a.txt', a), ('h1', a), ('h2', a)]) + END,
        # Zero blocks after the end (as --pad writes) are not "data".
        'trailing-zeros': reg('a.txt', a) + END + bytes(16 * BLOCK),

        # --- ".." components ---
        'dotdot-up': reg('../escaped', text('../escaped')) + END,
        'dotdot-up2': reg('../../escaped', text('../../escaped')) + END,
        'dotdot-mid': reg('a/../../escaped', text('a/../../escaped')) + END,
        'dotdot-trailing': dir_('a') + dir_('a/..') + END,
        'dotdot-bare': dir_('..') + END,
        'dotdot-escaped': reg('evil\nname/../../escaped', text('nl')) + END,
        # --- absolute names ---
        'absolute': reg(out_escaped, text('absolute')) + END,
        # --- symlinks ---
        'symlink-abs': sym('link-abs', victim) + END,
        'symlink-up': sym('link-up', '../../escaped') + END,
        'symlink-dir-up': dir_('d') + sym('d/link', '../..')
        + reg('d/link/escaped', text('d/link/escaped')) + END,
        'symlink-through': dir_('sub') + sym('link-sub', 'sub')
        + reg('link-sub/f', text('link-sub/f')) + END,
        'symlink-out-through': sym('link-out', outside)
        + reg('link-out/escaped', text('link-out/escaped')) + END,
        # Lexically d/x/../escaped is d/escaped, inside; but d/x is a link
        # to DIR itself, so link-chain really points at DIR/../escaped.
        'symlink-chain': dir_('d') + sym('d/x', '..')
        + sym('link-chain', 'd/x/../escaped') + END,
        # --- hard links ---
        'hardlink-abs': hard('hl-victim', victim) + END,
        'hardlink-abs-out': hard('hl-out', out_target) + END,
        'hardlink-up': hard('hl-up', '../target') + END,
        'hardlink-up2': hard('hl-up2', '../../target') + END,
        'hardlink-later': hard('hl-early', 'later.txt')
        + reg('later.txt', text('later.txt')) + END,
        'hardlink-missing': reg('a.txt', a) + hard('hl-none', 'nowhere.txt')
        + END,
        'hardlink-dir': dir_('somedir') + hard('hl-dir', 'somedir') + END,
        'hardlink-symlink': reg('a.txt', a) + sym('sl', 'a.txt')
        + hard('hl-sl', 'sl') + END,
        # --- special files ---
        'chardev': header('dev-null', tarfile.CHRTYPE, dev=(1, 3)) + END,
        'blockdev': header('dev-sda', tarfile.BLKTYPE, dev=(8, 0)) + END,
        'fifo': header('pipe-entry', tarfile.FIFOTYPE) + END,
        # --- duplicates and file/directory clashes ---
        'duplicate': reg('dup.txt', b'first\n') + reg('dup.txt', b'second\n')
        + END,
        'duplicate-dir': dir_('twice') + dir_('twice') + END,
        'duplicate-dotslash': reg('dup.txt', b'first\n')
        + reg('./dup.txt', b'second\n') + END,
        'file-then-dir': reg('same', text('same')) + dir_('same') + END,
        'dir-then-file': dir_('same') + reg('same', text('same')) + END,
        'file-then-child': reg('same', text('same'))
        + reg('same/inner.txt', text('inner')) + END,
        # --- long names ---
        'long-component': reg('long-' + 'c' * 251, text('256')) + END,
        'long-path': reg(long_path, text('long path')) + END,
        # --- sizes and counts (run with --max-size 1M / --max-files 100) ---
        # 10 GiB declared in a pax "size" record; 512 octets follow.
        'huge-size': header('huge.bin', size=10 * GIB) + pad(b'H' * 512)
        + END,
        # The same in a GNU base-256 size field, and no end at all.
        'huge-size-gnu': header('huge-gnu.bin', size=10 * GIB, fmt=GNU)
        + pad(b'G' * 512),
        'sparse-gnu': gnu_sparse_old('sparse-gnu.bin', 10 * GIB, 512) + END,
        'sparse-pax': pax_sparse_1_0('sparse-pax.bin', 10 * GIB, 512) + END,
        # Two sparse files of 600 KiB each: each under 1M, together over.
        'sparse-sum': pax_sparse_1_0('sparse-1.bin', 600 << 10, 512)
        + pax_sparse_1_0('sparse-2.bin', 600 << 10, 512) + END,
        # 120 empty files (ustar: one block each, so the file stays small).
        'many-entries': b''.join(reg('f%03d' % i, fmt=USTAR)
                                 for i in range(120)) + END,
        # --- the manifest ---
        'manifest-not-last': reg('a.txt', a) + manifest([('a.txt', a)])
        + dir_('later') + END,
        'manifest-bad-digest': reg('a.txt', a) + reg('b.txt', b)
        + manifest([('a.txt', a), ('b.txt', b)], {'a.txt': b'forged\n'})
        + END,
        # The manifest gives the last link of a chain other content.
        'hardlink-chain-forged': reg('a.txt', a) + hard('h1', 'a.txt')
        + hard('h2', 'h1')
        + manifest([('a.txt', a), ('h1', a), ('h2', a)],
                   {'h2': b'forged\n'}) + END,
        # A hard link that carries data of its own: what lands under its
        # name must be its target's content, or nothing.
        'hardlink-with-data': reg('a.txt', a)
        + header('h', tarfile.LNKTYPE, size=6, link='a.txt')
        + pad(b'EVIL!\n')
        + manifest([('a.txt', a), ('h', b'EVIL!\n')]) + END,
        'manifest-ghost': reg('a.txt', a)
        + manifest([('a.txt', a), ('ghost.txt', b'boo\n')]) + END,
        'manifest-missing': reg('a.txt', a) + reg('b.txt', b)
        + manifest([('a.txt', a)]) + END,
        # --- after the end, and not tar at all ---
        'trailing-garbage': reg('a.txt', a) + END
        + b'data after the end of the archive\n',
        'trailing-garbage-late': reg('a.txt', a) + END + bytes(40 * BLOCK)
        + b'\x01',
        'truncated': header('cut.txt', size=2000) + b'x' * 100,
        'not-tar': b'This is not a tar archive, just text.\n' * 40,
        # --- names reserved for mule's temporaries ---
        'reserved-stage': reg('.mule-123-abc.stage', text('stage')) + END,
        'reserved-dir': dir_('.mule-x') + reg('.mule-x/f', text('f')) + END,
        'reserved-dotslash': reg('./.mule-y', text('y')) + END,
    }
    return v


def main():
    if len(sys.argv) not in (2, 3, 4):
        sys.exit('usage: make-hostile-tars.py OUTDIR [OUTSIDE [VICTIM]]')
    outside = sys.argv[2] if len(sys.argv) >= 3 else '/tmp'
    victim = sys.argv[3] if len(sys.argv) == 4 else \
        outside.rstrip('/') + '/victim'
    if not outside.startswith('/') or not victim.startswith('/'):
        sys.exit('make-hostile-tars.py: OUTSIDE and VICTIM must be absolute')
    for name, data in sorted(vectors(outside, victim).items()):
        assert len(data) < 64 * 1024, name
        with open(os.path.join(sys.argv[1], name + '.tar'), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
