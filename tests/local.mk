# SPDX-License-Identifier: GPL-3.0-or-later
# Tests: TAP scripts and C unit tests, run by "make check".
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
AM_TESTS_ENVIRONMENT = srcdir='$(abs_top_srcdir)'; MULE_BUILDDIR='$(abs_top_builddir)'; export srcdir MULE_BUILDDIR;
SH_LOG_DRIVER = $(LOG_DRIVER)
TEST_EXTENSIONS = .sh

TESTS = $(MULE_TESTS) $(UNIT_TESTS)
EXTRA_DIST += tests/README tests/lib.sh tests/stick-lib.sh tests/stick-craft.py tests/key-tty.py \
	tests/qr-term.py tests/qr-tty.py tests/qr-frames.py \
	tests/key-craft.py tests/cert-forge.py tests/bundle-lib.sh tests/qr-lib.sh tests/qr-craft.py \
	tests/faults-lib.sh $(MULE_TESTS) \
	$(FAULT_TESTS) $(LARGE_TESTS)
# The fake gpg-agent of t-forget.sh.
EXTRA_DIST += tests/fake-agent.py
# The npm reference of UR as a filter, for t-qr-interop.sh.
EXTRA_DIST += tests/bcur.js
# An interactive bash or zsh on a terminal, for t-completions.sh.
EXTRA_DIST += tests/shell-complete.py

UNIT_TESTS = tests/unit-text tests/unit-hold tests/unit-output tests/unit-armor tests/unit-packet \
	tests/unit-bundle tests/unit-grammar tests/unit-cert tests/unit-words tests/unit-ur tests/unit-usage \
	tests/unit-qr-loss tests/unit-journal
check_PROGRAMS = $(UNIT_TESTS) $(FUZZ_REPLAY) tests/agent-socket
tests_agent_socket_SOURCES = tests/agent-socket.c
tests_agent_socket_LDADD = $(MULE_LIBS)

# Every fuzz harness of contrib/fuzz, built with fuzz-replay.c as its main,
# so that t-fuzz-replay.sh runs every corpus through it without clang.
FUZZ_REPLAY = tests/fuzz-dearmor tests/fuzz-grammar tests/fuzz-packet \
	tests/fuzz-clearsig tests/fuzz-manifest tests/fuzz-digests \
	tests/fuzz-status tests/fuzz-envelope tests/fuzz-journal tests/fuzz-sequence \
	tests/fuzz-parts \
	tests/fuzz-tar tests/fuzz-cert tests/fuzz-ur tests/fuzz-qr-parts \
	tests/fuzz-sent tests/fuzz-receipt tests/fuzz-outbox
tests_fuzz_outbox_SOURCES = contrib/fuzz/fuzz-outbox.c tests/fuzz-replay.c
tests_fuzz_outbox_LDADD = $(MULE_LIBS)
tests_fuzz_dearmor_SOURCES = contrib/fuzz/fuzz-dearmor.c tests/fuzz-replay.c
tests_fuzz_dearmor_LDADD = $(MULE_LIBS)
tests_fuzz_grammar_SOURCES = contrib/fuzz/fuzz-grammar.c tests/fuzz-replay.c
tests_fuzz_grammar_LDADD = $(MULE_LIBS)
tests_fuzz_packet_SOURCES = contrib/fuzz/fuzz-packet.c tests/fuzz-replay.c
tests_fuzz_packet_LDADD = $(MULE_LIBS)
tests_fuzz_clearsig_SOURCES = contrib/fuzz/fuzz-clearsig.c tests/fuzz-replay.c
tests_fuzz_clearsig_LDADD = $(MULE_LIBS)
tests_fuzz_manifest_SOURCES = contrib/fuzz/fuzz-manifest.c tests/fuzz-replay.c
tests_fuzz_manifest_LDADD = $(MULE_LIBS)
tests_fuzz_digests_SOURCES = contrib/fuzz/fuzz-digests.c tests/fuzz-replay.c
tests_fuzz_digests_LDADD = $(MULE_LIBS)
tests_fuzz_status_SOURCES = contrib/fuzz/fuzz-status.c tests/fuzz-replay.c
tests_fuzz_status_LDADD = $(MULE_LIBS)
tests_fuzz_envelope_SOURCES = contrib/fuzz/fuzz-envelope.c tests/fuzz-replay.c
tests_fuzz_envelope_LDADD = $(MULE_LIBS)
tests_fuzz_journal_SOURCES = contrib/fuzz/fuzz-journal.c tests/fuzz-replay.c
tests_fuzz_journal_LDADD = $(MULE_LIBS)
tests_fuzz_sent_SOURCES = contrib/fuzz/fuzz-sent.c tests/fuzz-replay.c
tests_fuzz_sent_LDADD = $(MULE_LIBS)
tests_fuzz_receipt_SOURCES = contrib/fuzz/fuzz-receipt.c tests/fuzz-replay.c
tests_fuzz_receipt_LDADD = $(MULE_LIBS)
tests_fuzz_sequence_SOURCES = contrib/fuzz/fuzz-sequence.c tests/fuzz-replay.c
tests_fuzz_sequence_LDADD = $(MULE_LIBS)
tests_fuzz_parts_SOURCES = contrib/fuzz/fuzz-parts.c contrib/fuzz/fuzz-scratch.h \
	tests/fuzz-replay.c
tests_fuzz_parts_LDADD = $(MULE_LIBS)
tests_fuzz_tar_SOURCES = contrib/fuzz/fuzz-tar.c contrib/fuzz/fuzz-scratch.h \
	tests/fuzz-replay.c
tests_fuzz_tar_LDADD = $(MULE_LIBS)
tests_fuzz_cert_SOURCES = contrib/fuzz/fuzz-cert.c tests/fuzz-replay.c
tests_fuzz_cert_LDADD = $(MULE_LIBS)
tests_fuzz_ur_SOURCES = contrib/fuzz/fuzz-ur.c tests/fuzz-replay.c
tests_fuzz_ur_LDADD = $(MULE_LIBS)
tests_fuzz_qr_parts_SOURCES = contrib/fuzz/fuzz-qr-parts.c tests/fuzz-replay.c
tests_fuzz_qr_parts_LDADD = $(MULE_LIBS)
tests_unit_bundle_SOURCES = tests/unit-bundle.c tests/tap.h
tests_unit_bundle_LDADD = $(MULE_LIBS)
tests_unit_grammar_SOURCES = tests/unit-grammar.c tests/tap.h
tests_unit_grammar_LDADD = $(MULE_LIBS)
tests_unit_packet_SOURCES = tests/unit-packet.c tests/tap.h
tests_unit_packet_LDADD = $(MULE_LIBS)
tests_unit_cert_SOURCES = tests/unit-cert.c tests/tap.h
tests_unit_cert_LDADD = $(MULE_LIBS)
tests_unit_armor_SOURCES = tests/unit-armor.c tests/tap.h
tests_unit_armor_LDADD = $(MULE_LIBS)
tests_unit_words_SOURCES = tests/unit-words.c tests/tap.h
tests_unit_usage_SOURCES = tests/unit-usage.c tests/tap.h
UNIT_TESTS += tests/unit-envelope tests/unit-sent tests/unit-sequence \
	tests/unit-outbox
tests_unit_sent_SOURCES = tests/unit-sent.c tests/tap.h
tests_unit_sent_LDADD = $(MULE_LIBS)
tests_unit_sequence_SOURCES = tests/unit-sequence.c tests/tap.h
tests_unit_sequence_LDADD = $(MULE_LIBS)
tests_unit_outbox_SOURCES = tests/unit-outbox.c tests/tap.h
tests_unit_outbox_LDADD = $(MULE_LIBS)
tests_unit_envelope_SOURCES = tests/unit-envelope.c tests/tap.h
tests_unit_envelope_LDADD = $(MULE_LIBS)
tests_unit_usage_LDADD = $(MULE_LIBS)
tests_unit_words_LDADD = $(MULE_LIBS)
tests_unit_ur_SOURCES = tests/unit-ur.c tests/tap.h tests/vectors/ur/bc-ur-vectors.h
tests_unit_ur_LDADD = $(MULE_LIBS)
tests_unit_qr_loss_SOURCES = tests/unit-qr-loss.c tests/tap.h
tests_unit_qr_loss_LDADD = $(MULE_LIBS)
tests_unit_text_SOURCES = tests/unit-text.c tests/tap.h
tests_unit_text_LDADD = $(MULE_LIBS)
tests_unit_journal_SOURCES = tests/unit-journal.c tests/tap.h
tests_unit_journal_LDADD = $(MULE_LIBS)
tests_unit_hold_SOURCES = tests/unit-hold.c tests/tap.h
tests_unit_hold_LDADD = $(MULE_LIBS)
tests_unit_output_SOURCES = tests/unit-output.c tests/tap.h
tests_unit_output_LDADD = $(MULE_LIBS)

MULE_TESTS =
include tests/scripts.mk

# The fault sweep, outside make check: every write, fsync, rename, mkdir,
# unlink and malloc of the tools made to fail in turn (tests/README).
check-faults:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="$(FAULT_TESTS)"
.PHONY: check-faults

# A file of 4 GiB + 4097 bytes through every streaming tool (tests/README).
check-large:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="$(LARGE_TESTS)"
.PHONY: check-large

# The keyrings the test scripts share (tests/lib.sh, cached_home).
clean-local:
	rm -rf tests/keyrings
