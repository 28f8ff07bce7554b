# SPDX-License-Identifier: GPL-3.0-or-later
# The TAP scripts of make check, the longest first so that make -j keeps
# every core busy to the end.
MULE_TESTS += tests/t-hostile.sh tests/t-stick-gaps.sh tests/t-bundle-hostile.sh \
	tests/t-qr-show.sh tests/t-qr-sandbox.sh \
	tests/t-verify-hostile.sh tests/t-bundle-interrupted.sh \
	tests/t-bundle-roundtrip.sh tests/t-man.sh tests/t-sign.sh tests/t-pump.sh \
	tests/t-passphrase.sh tests/t-bundle-options.sh tests/t-keys.sh \
	tests/t-forget.sh \
	tests/t-signer-options.sh tests/t-key-exchange.sh \
	tests/t-key-refused.sh tests/t-key-rotate.sh tests/t-qr-loss.sh \
	tests/t-qr-interop.sh \
	tests/t-symmetric.sh tests/t-races.sh tests/t-bundle-regressions.sh \
	tests/t-failure.sh tests/t-literal.sh tests/t-manifest.sh \
	tests/t-key-interop.sh tests/t-interop.sh tests/t-roundtrip.sh \
	tests/t-stick-rotate.sh tests/t-stick-holes.sh \
	tests/t-stick-forged.sh tests/t-stick-interrupted.sh \
	tests/t-stick-planted.sh tests/t-stick-exchange.sh \
	tests/t-stick-json.sh tests/t-stick-odd.sh tests/t-stick-fat.sh \
	tests/t-stick-report.sh tests/t-stick-sent.sh \
	tests/t-stick-rejected.sh tests/t-stick-small.sh \
	tests/t-stick-cert-hostile.sh \
	tests/t-stick-outbox.sh tests/t-stick-attack.sh \
	tests/t-stick-locked.sh tests/t-stick-names.sh \
	tests/t-key-fat.sh \
	tests/t-stick-races.sh tests/t-regressions.sh tests/t-output.sh \
	tests/t-stick-usage.sh tests/t-smoke.sh tests/t-fuzz-replay.sh \
	tests/t-fuzz-lists.sh \
	tests/t-layers.sh tests/t-qr.sh tests/t-qr-refused.sh tests/t-qr-status.sh \
	tests/t-qr-armor.sh tests/t-cli.sh tests/t-errors.sh \
	tests/t-completions.sh

# The fault sweep: "make check-faults" (needs --enable-test-hooks; minutes,
# so not part of make check).
FAULT_TESTS = tests/t-faults-files.sh tests/t-faults-bundle.sh \
	tests/t-faults-put.sh tests/t-faults-get.sh tests/t-faults-get-malloc.sh \
	tests/t-faults-key.sh tests/t-faults-sync.sh

# Data past 4 GiB through every streaming tool: "make check-large" (minutes
# and 9 GiB of disk, so not part of make check).
LARGE_TESTS = tests/t-large.sh
