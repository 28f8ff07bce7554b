#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The fault sweep (tests/faults-lib.sh) of mule-stick get --remove, for
# the file system's calls (the allocator's: t-faults-get-malloc.sh).
. "$srcdir/tests/faults-lib.sh"

sweep get "mule-stick get --remove" "write fsync rename mkdir unlink"
faults_done
