# SPDX-License-Identifier: GPL-3.0-or-later
MULE_TESTS += tests/t-smoke.sh
MULE_TESTS += tests/t-man.sh
MULE_TESTS += tests/t-roundtrip.sh
MULE_TESTS += tests/t-interop.sh
MULE_TESTS += tests/t-keys.sh
MULE_TESTS += tests/t-symmetric.sh
MULE_TESTS += tests/t-hostile.sh
MULE_TESTS += tests/t-failure.sh
MULE_TESTS += tests/t-sign.sh
MULE_TESTS += tests/t-verify-hostile.sh
MULE_TESTS += tests/t-manifest.sh
MULE_TESTS += tests/t-output.sh
MULE_TESTS += tests/t-regressions.sh
MULE_TESTS += tests/t-bundle-hostile.sh
MULE_TESTS += tests/t-bundle-roundtrip.sh tests/t-bundle-options.sh \
	tests/t-bundle-interrupted.sh
MULE_TESTS += tests/t-stick-exchange.sh tests/t-stick-forged.sh \
	tests/t-stick-odd.sh tests/t-stick-interrupted.sh tests/t-stick-json.sh \
	tests/t-stick-fat.sh tests/t-stick-planted.sh tests/t-stick-usage.sh
MULE_TESTS += tests/t-bundle-regressions.sh
MULE_TESTS += tests/t-passphrase.sh
MULE_TESTS += tests/t-literal.sh
MULE_TESTS += tests/t-stick-holes.sh
MULE_TESTS += tests/t-stick-races.sh
MULE_TESTS += tests/t-races.sh
MULE_TESTS += tests/t-fuzz-replay.sh
MULE_TESTS += tests/t-layers.sh

# The fault sweep: "make check-faults" (needs --enable-test-hooks; minutes,
# so not part of make check).
FAULT_TESTS = tests/t-faults-files.sh tests/t-faults-bundle.sh \
	tests/t-faults-put.sh tests/t-faults-get.sh tests/t-faults-get-malloc.sh
