#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# stick-craft.py IN.tar OUT.tar [FIELD=VALUE]... [recipient=FPR SEQ]...
# [content:NAME=TEXT] [file:NAME=PATH] [drop:NAME] [link:NAME=TARGET]:
# IN.tar with the envelope's fields replaced (all recipient lines replaced
# by the given ones; FIELD=- drops the field), entry NAME's content
# replaced by TEXT or by the bytes of PATH, or the entry dropped with its
# manifest line, a hard link NAME to TARGET added before the manifest
# (with a manifest line), and the manifest's lines for changed entries
# recomputed.
import hashlib, io, sys, tarfile
src, dst = sys.argv[1], sys.argv[2]
fields, recips, contents, drops, links = [], None, {}, set(), []
for a in sys.argv[3:]:
    if a.startswith('content:'):
        n, v = a[8:].split('=', 1)
        contents[n] = v.encode()
    elif a.startswith('link:'):
        links.append(tuple(a[5:].split('=', 1)))
    elif a.startswith('drop:'):
        drops.add(a[5:])
    elif a.startswith('file:'):
        n, v = a[5:].split('=', 1)
        with open(v, 'rb') as f:
            contents[n] = f.read()
    else:
        k, v = a.split('=', 1)
        if k == 'recipient':
            recips = (recips or []) + [v]
        else:
            fields.append((k, v))
tin = tarfile.open(src, 'r:')
out = []
for m in tin.getmembers():
    if m.name in drops:
        continue
    data = tin.extractfile(m).read() if m.isfile() else None
    if m.name == 'MULE-ENVELOPE':
        new, rdone = [], False
        for l in data.decode().splitlines():
            k = l.partition(': ')[0]
            if k == 'recipient' and recips is not None:
                if not rdone:
                    new += ['recipient: ' + r for r in recips]
                    rdone = True
                continue
            for fk, fv in fields:
                if k == fk:
                    l = None if fv == '-' else k + ': ' + fv
            if l is not None:
                new.append(l)
        data = ('\n'.join(new) + '\n').encode()
    elif m.name in contents:
        data = contents[m.name]
    if m.name == 'MULE-MANIFEST.sha256':
        for n, t in links:
            li = tarfile.TarInfo(n)
            li.type = tarfile.LNKTYPE
            li.linkname = t
            li.mode = 0o644
            out.append((li, None))
    out.append((m, data))
digests = {m.name: hashlib.sha256(d).hexdigest() for m, d in out if d is not None}
tout = tarfile.open(dst, 'w', format=tarfile.PAX_FORMAT)
for m, data in out:
    if m.name == 'MULE-MANIFEST.sha256':
        lines = []
        for l in data.decode().splitlines():
            h, sep, n = l.partition('  ')
            if sep and n in drops:
                continue
            if sep and n in digests:
                h = digests[n]
            lines.append(h + sep + n)
        lines += [digests[t] + '  ' + n for n, t in links]
        data = ('\n'.join(lines) + '\n').encode()
    if data is not None:
        m.size = len(data)
        m.pax_headers.pop('size', None)
        tout.addfile(m, io.BytesIO(data))
    else:
        tout.addfile(m)
tout.close()
