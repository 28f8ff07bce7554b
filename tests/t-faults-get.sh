#!/bin/sh
# The fault sweep (tests/faults-lib.sh) of mule-stick get --remove.
. "$srcdir/tests/faults-lib.sh"

sweep get "mule-stick get --remove"
faults_done
