#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The fault sweep (tests/faults-lib.sh) of mule-stick sync: the outbox
# onto the stick, for the file system's calls and the allocator's.
. "$srcdir/tests/faults-lib.sh"

sweep sync "mule-stick sync"
faults_done
