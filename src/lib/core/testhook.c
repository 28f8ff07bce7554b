/* SPDX-License-Identifier: GPL-3.0-or-later */
/* testhook.c - pause points for the race tests (see testhook.h). */
#include <config.h>

#include "core/testhook.h"

#ifdef MULE_TEST_HOOKS
#include <signal.h>
#include <stdlib.h>
#include <string.h>

void
mule_test_pause(const char *name)
{
	const char *want = getenv("MULE_TEST_PAUSE");

	if (want && !strcmp(want, name))
		raise(SIGSTOP);
}

int
mule_test_switch(const char *name)
{
	const char *on = getenv("MULE_TEST_SWITCH");
	size_t n = strlen(name);

	for (; on && *on; on += strcspn(on, ","), on += *on == ',')
		if (!strncmp(on, name, n) && (on[n] == ',' || !on[n]))
			return 1;
	return 0;
}
#endif
