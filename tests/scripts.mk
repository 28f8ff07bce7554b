MULE_TESTS += tests/t-smoke.sh
MULE_TESTS += tests/t-man.sh
