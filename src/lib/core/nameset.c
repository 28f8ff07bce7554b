/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nameset.c - a set of names with a small value each (open addressing). */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/nameset.h"

struct mule_name_slot {
	char *name;		/* NULL: empty */
	size_t len;
	int value;
};

static uint64_t
hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static struct mule_name_slot *
find(const struct mule_nameset *set, const char *name, size_t len)
{
	size_t i = (size_t)hash(name, len) & (set->cap - 1);
	struct mule_name_slot *s;

	for (;;) {
		s = &set->slots[i];
		if (!s->name || (s->len == len && !memcmp(s->name, name, len)))
			return s;
		i = (i + 1) & (set->cap - 1);
	}
}

int
mule_nameset_get(const struct mule_nameset *set, const char *name,
    size_t len)
{
	struct mule_name_slot *s;

	if (!set->cap)
		return -1;
	s = find(set, name, len);
	return s->name ? s->value : -1;
}

static gpg_error_t
grow(struct mule_nameset *set)
{
	struct mule_nameset bigger;
	size_t i;

	bigger.cap = set->cap ? set->cap * 2 : 64;
	bigger.n = set->n;
	bigger.slots = calloc(bigger.cap, sizeof *bigger.slots);
	if (!bigger.slots)
		return gpg_error_from_syserror();
	for (i = 0; i < set->cap; i++)
		if (set->slots[i].name)
			*find(&bigger, set->slots[i].name, set->slots[i].len) =
			    set->slots[i];
	free(set->slots);
	*set = bigger;
	return 0;
}

gpg_error_t
mule_nameset_put(struct mule_nameset *set, const char *name, size_t len,
    int value)
{
	struct mule_name_slot *s;
	gpg_error_t err;

	if ((set->n + 1) * 2 > set->cap && (err = grow(set)))
		return err;
	s = find(set, name, len);
	if (!s->name) {
		s->name = malloc(len + 1);
		if (!s->name)
			return gpg_error_from_syserror();
		memcpy(s->name, name, len);
		s->name[len] = '\0';
		s->len = len;
		set->n++;
	}
	s->value = value;
	return 0;
}

void
mule_nameset_release(struct mule_nameset *set)
{
	size_t i;

	for (i = 0; i < set->cap; i++)
		free(set->slots[i].name);
	free(set->slots);
	memset(set, 0, sizeof *set);
}
