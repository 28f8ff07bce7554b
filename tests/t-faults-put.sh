#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The fault sweep (tests/faults-lib.sh) of mule-stick put.
. "$srcdir/tests/faults-lib.sh"

sweep put "mule-stick put"
faults_done
