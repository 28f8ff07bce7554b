/* SPDX-License-Identifier: GPL-3.0-or-later */
/* testhook.h - pause points for the race tests, compiled out of releases.
 *
 * Configured with --enable-test-hooks, mule_test_pause("NAME") stops the
 * process (SIGSTOP) when the environment variable MULE_TEST_PAUSE names
 * NAME, so that a test can change the file system at exactly that moment
 * and then continue it (kill -CONT).  tests/lib.sh has pause_at and
 * resume.  In a release build the call is nothing at all.
 */
#ifndef MULE_TESTHOOK_H
#define MULE_TESTHOOK_H

#ifdef MULE_TEST_HOOKS
void mule_test_pause(const char *name);
#else
#define mule_test_pause(name) ((void)0)
#endif

/* Is the switch NAME on: does the environment variable MULE_TEST_SWITCH
 * (one name, or several separated by commas) name it?  For what a test cannot arrange otherwise (a file system
 * that says it has room, and then has none).  Never in a release. */
#ifdef MULE_TEST_HOOKS
int mule_test_switch(const char *name);
#else
#define mule_test_switch(name) 0
#endif

#endif
