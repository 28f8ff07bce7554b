#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The fault sweep (tests/faults-lib.sh) of the one-file outputs:
# mule-seal -o, mule-open -o and to standard output, mule-sign --manifest.
. "$srcdir/tests/faults-lib.sh"

sweep seal "mule-seal -o"
sweep open_file "mule-open -o"
sweep open_stdout "mule-open to stdout"
sweep manifest "mule-sign --manifest"
faults_done
