#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# quickstart.sh - on a fresh Debian or Ubuntu machine: install what is
# missing, build mule, and run the demonstration round trip.
set -eu
cd "$(dirname "$0")/.."

# Build dependencies, then the tools the test suite uses (it skips the
# tests whose tools are missing, but here we want them all).
pkgs="build-essential autoconf automake libtool pkg-config
libgpgme-dev libgcrypt20-dev libgpg-error-dev libarchive-dev zlib1g-dev
libbz2-dev gnupg
libqrencode-dev libzbar-dev libpng-dev libjpeg62-turbo-dev libseccomp-dev
zbar-tools qrencode imagemagick
mandoc python3 dosfstools fusefat sq sqop rnp gosop libarchive-tools openssl
bash-completion zsh"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
# node and npm for the cross-test with the npm reference of UR: Debian's,
# unless an npm is there already (NodeSource's nodejs package holds one
# and conflicts with Debian's npm).
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y $missing
fi
# The npm reference of UR, for tests/t-qr-interop.sh (which skips
# without it).
if [ ! -d /opt/mule-npm/node_modules/@ngraveio/bc-ur ] &&
    command -v npm >/dev/null 2>&1; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo npm install --prefix /opt/mule-npm --no-audit --no-fund \
	    --loglevel=error @ngraveio/bc-ur@1.1.13 ||
	    echo "quickstart: no @ngraveio/bc-ur: tests/t-qr-interop.sh will skip" >&2
fi

[ -x configure ] || ./autogen.sh
[ -f Makefile ] || ./configure
make -j"$(nproc)"
sh contrib/demo.sh
