MULE_TESTS += tests/t-smoke.sh
