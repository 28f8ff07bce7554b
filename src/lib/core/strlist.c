/* SPDX-License-Identifier: GPL-3.0-or-later */
/* strlist.c - a growing list of malloc'ed strings (strlist.h). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/strlist.h"

gpg_error_t
mule_strlist_add(char ***list, size_t *n, const char *s)
{
	char **l = realloc(*list, (*n + 1) * sizeof *l);

	if (!l)
		return gpg_error_from_syserror();
	*list = l;
	l[*n] = strdup(s);
	if (!l[*n])
		return gpg_error_from_syserror();
	(*n)++;
	return 0;
}

void
mule_strlist_free(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}
