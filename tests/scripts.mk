MULE_TESTS += tests/t-smoke.sh
MULE_TESTS += tests/t-man.sh
MULE_TESTS += tests/t-roundtrip.sh
MULE_TESTS += tests/t-interop.sh
MULE_TESTS += tests/t-keys.sh
MULE_TESTS += tests/t-symmetric.sh
MULE_TESTS += tests/t-hostile.sh
MULE_TESTS += tests/t-failure.sh
