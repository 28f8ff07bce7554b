#!/bin/sh
# Bootstrap the autotools build from a fresh checkout.
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
autoreconf --install --force
# automake installs its TAP driver only on request.
cp "$(automake --print-libdir)/tap-driver.sh" build-aux/
