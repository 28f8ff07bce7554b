/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tap.h - a minimal TAP producer for the C unit tests. */
#ifndef MULE_TAP_H
#define MULE_TAP_H

#include <stdio.h>
#include <stdlib.h>

static int tap_n, tap_failed;

#define TAP_OK(cond, ...) do { \
	int tap_pass_ = (cond) ? 1 : 0; \
	tap_n++; \
	if (tap_pass_) { \
		printf("ok %d - ", tap_n); \
	} else { \
		tap_failed++; \
		printf("not ok %d - ", tap_n); \
	} \
	printf(__VA_ARGS__); \
	printf("\n"); \
	if (!tap_pass_) \
		printf("# failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
} while (0)

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
