#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# extract.py TEST_CPP > bc-ur-vectors.h - copy the expected values of
# BlockchainCommons/bc-ur test/test.cpp into C arrays for tests/unit-ur.c.
# Get TEST_CPP with: git show 4479fb81b2350ae8bafa042a5572b9c64c2c32ca:test/test.cpp
import re
import sys

t = open(sys.argv[1]).read()


def body(fn):
    i = t.index('static void ' + fn + '(')
    return t[i:t.index('\n}\n', i)]


def nums(s):
    return [int(x) for x in re.findall(r'\d+', s)]


def arr(fn, name):
    return re.search(name + r'\s*=\s*\{(.*?)\};', body(fn), re.S).group(1)


def carr(ctype, name, vals, per=16):
    lines = ['\t' + ', '.join(str(v) for v in vals[i:i + per]) + ','
             for i in range(0, len(vals), per)]
    return 'static const %s %s[%d] = {\n%s\n};\n' % (ctype, name, len(vals),
                                                     '\n'.join(lines))


def cstrs(name, vals):
    return 'static const char *const %s[%d] = {\n%s\n};\n' % (
        name, len(vals), '\n'.join('\t"%s",' % v for v in vals))


def joined(fn, var):
    b = body(fn)
    i = b.index(var)
    return ''.join(re.findall(r'"([^"]*)"', b[i:b.index(';', i)]))


out = ['''/* bc-ur-vectors.h - the expected values of BlockchainCommons/bc-ur
 * test/test.cpp (commit 4479fb81b2350ae8bafa042a5572b9c64c2c32ca),
 * copied by tests/vectors/ur/extract.py; see README in this folder for the
 * licence (BSD-2-Clause-Patent, Copyright (c) 2020 Blockchain Commons,
 * LLC).  Included by tests/unit-ur.c only. */
''']
out.append(carr('unsigned char', 'vec_bytewords2_input',
                nums(arr('test_bytewords_2', 'input'))))
out.append('static const char vec_bytewords2_standard[] =\n\t"%s";\n' %
           joined('test_bytewords_2', 'string encoded ='))
out.append('static const char vec_bytewords2_minimal[] =\n\t"%s";\n' %
           joined('test_bytewords_2', 'string encoded_minimal'))
for n in (1, 2, 3):
    out.append(carr('unsigned', 'vec_rng%d' % n,
                    nums(arr('test_rng_%d' % n, 'expected_numbers'))))
out.append(carr('unsigned', 'vec_sampler',
                nums(arr('test_random_sampler', 'expected_samples')), 25))
sh = nums(arr('test_shuffle', 'expectedResult'))
out.append('static const unsigned vec_shuffle[10][10] = {\n%s\n};\n' % '\n'.join(
    '\t{ ' + ', '.join(map(str, sh[i:i + 10])) + ' },' for i in range(0, 100, 10)))
out.append(cstrs('vec_fragments_1024', re.findall(
    r'"([0-9a-f]+)"', arr('test_partition_and_join', 'expected_fragments'))))
out.append(carr('unsigned', 'vec_degrees',
                nums(arr('test_choose_degree', 'expected_degrees')), 25))
sets = re.findall(r'\{([\d,\s]*)\}',
                  arr('test_choose_fragments', 'expected_fragment_indexes'))
out.append('static const struct { unsigned n; unsigned idx[11]; } '
           'vec_fragment_sets[%d] = {\n%s\n};\n' % (len(sets), '\n'.join(
               '\t{ %d, { %s } },' % (len(nums(s)), ', '.join(map(str, nums(s))))
               for s in sets)))
fe = re.findall(r'"seqNum:(\d+), seqLen:(\d+), messageLen:(\d+), '
                r'checksum:(\d+), data:([0-9a-f]+)"',
                arr('test_fountain_encoder', 'expected_parts'))
out.append('static const struct { unsigned seq, len, message_len; '
           'unsigned long checksum; const char *data; } '
           'vec_fountain_parts[%d] = {\n%s\n};\n' % (len(fe), '\n'.join(
               '\t{ %s, %s, %s, %sUL, "%s" },' % x for x in fe)))
out.append(cstrs('vec_fountain_cbor', re.findall(
    r'"([0-9a-f]+)"', arr('test_fountain_encoder_cbor', 'expected_parts'))))
out.append('static const char vec_single_part_ur[] =\n\t"%s";\n' % re.search(
    r'expected = "([^"]+)"', body('test_single_part_ur')).group(1))
out.append(cstrs('vec_ur_parts', re.findall(
    r'"(ur:bytes/[^"]+)"', arr('test_ur_encoder', 'expected_parts'))))
print('\n'.join(out))
