#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The fault sweep (tests/faults-lib.sh) of mule-bundle: create in parts (--split) and extract from parts.
. "$srcdir/tests/faults-lib.sh"

sweep bundle_c "mule-bundle -c --split"
sweep bundle_x "mule-bundle -x (parts)"
faults_done
