#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The fault sweep (tests/faults-lib.sh) of mule-stick get --remove, for
# the allocator's calls (the file system's: t-faults-get.sh).
. "$srcdir/tests/faults-lib.sh"

sweep get "mule-stick get --remove" "malloc"
faults_done
