/* SPDX-License-Identifier: GPL-3.0-or-later */
/* place.c - an item moved into place, and what a killed put left. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/output.h"
#include "stick/folder.h"
#include "stick/place.h"
#include "stick/sent.h"
#include "tar/parts.h"

gpg_error_t
mule_stick_location(const struct mule_stick *s,
    char location[MULE_SEQUENCE_LOCATION_MAX + 1])
{
	char id[MULE_STICK_ID_LEN + 1];
	gpg_error_t err = mule_stick_id(s, 1, id);

	if (!err)
		snprintf(location, MULE_SEQUENCE_LOCATION_MAX + 1, "stick:%s",
		    id);
	return err;
}

/* Copy NAME from folder FROM (FROM_PATH) into a temporary for NAME in
 * folder TO (TO_PATH), to be committed by the caller. */
static gpg_error_t
copy_open(int from, const char *from_path, int to, const char *to_path,
    const char *name, struct mule_output **out)
{
	unsigned char buf[65536];
	gpg_error_t err;
	ssize_t n;
	int fd;

	*out = NULL;
	fd = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	err = fd < 0 ? mule_error_set(gpg_error_from_syserror(), NULL,
	    "%s/%s: %s", from_path, name, strerror(errno))
	    : mule_output_open_at(out, to, to_path, name, MULE_OUTPUT_FORCE
	    | MULE_OUTPUT_BATCH);
	while (!err && (n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		err = n < 0 ? gpg_error_from_syserror()
		    : mule_output_write(*out, buf, (size_t)n);
	}
	if (fd >= 0)
		close(fd);
	if (err) {
		mule_output_free(*out);
		*out = NULL;
	}
	return err;
}

/* The file name of part K of item CID (0: not split). */
static void
part_name(char name[80], const char *cid, size_t k)
{
	if (k)
		snprintf(name, 80, "%s.gpg.%03zu", cid, k);
	else
		snprintf(name, 80, "%s.gpg", cid);
}

gpg_error_t
mule_stick_copy_item(int from, const char *from_path, int to,
    const char *to_path, const char *cid, size_t nparts,
    mule_stick_before_fn before, void *arg)
{
	struct mule_output *first = NULL, *out = NULL;
	char name[80];
	gpg_error_t err;
	size_t k;

	/* The first part is written first and renamed into place last, as
	 * put itself does: until then a reader sees, beside the other
	 * parts, the temporary of a running put, not an item with its first
	 * part missing. */
	part_name(name, cid, nparts ? 1 : 0);
	err = copy_open(from, from_path, to, to_path, name, &first);
	if (!err && before) {
		mule_output_keep_on_signal(first);
		err = before(arg, mule_output_temp_name(first));
	}
	for (k = nparts; !err && k >= 2; k--) {
		part_name(name, cid, k);
		err = copy_open(from, from_path, to, to_path, name, &out);
		if (!err)
			err = mule_output_commit(out);
		mule_output_free(out);
		out = NULL;
	}
	if (!err)
		err = mule_output_commit(first);
	mule_output_free(first);
	return err;
}

/* Is item CID in place in folder FD (-1: none): CID.gpg, or its first
 * part, which is renamed into place last?  *NPARTS: how many parts
 * follow each other from the first (0: one file). */
static int
in_place(int fd, const char *cid, size_t *nparts)
{
	struct stat st;
	char name[80];
	size_t k;

	*nparts = 0;
	if (fd < 0)
		return 0;
	part_name(name, cid, 0);
	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
	    && S_ISREG(st.st_mode))
		return 1;
	for (k = 1; k <= MULE_PARTS_MAX; k++) {
		part_name(name, cid, k);
		if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0
		    || !S_ISREG(st.st_mode))
			break;
	}
	*nparts = k - 1;
	return k > 1;
}

/* Is the temporary MARK in folder FD (-1: none)? */
static int
mark_there(int fd, const char *mark)
{
	struct stat st;

	return fd >= 0 && fstatat(fd, mark, &st, AT_SYMLINK_NOFOLLOW) == 0
	    && S_ISREG(st.st_mode);
}

/* Remove from folder FD (-1: none) the parts of CID that a put renamed
 * before it was killed, ahead of the first one (which is not there). */
static void
remove_parts(int fd, const char *cid)
{
	struct dirent *de;
	int dfd;
	DIR *d;

	if (fd < 0)
		return;
	dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	while ((de = readdir(d)))
		if (strlen(de->d_name) == 64 + 8 && !strncmp(de->d_name, cid, 64)
		    && !strncmp(de->d_name + 64, ".gpg.", 5)
		    && strspn(de->d_name + 69, "0123456789") == 3) {
			struct stat st;

			if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW)
			    == 0 && S_ISREG(st.st_mode))
				unlinkat(fd, de->d_name, 0);
		}
	closedir(d);
	(void)mule_sync_dirfd(fd);
}

/* The folders of the recipients of an item being probed. */
struct probe {
	const struct mule_stick *s;
	struct mule_sequence_item *it;
	int *fds;		/* to/RECIPIENT, -1: missing */
	char **paths;
	int anyone;		/* to/anyone, -1: missing */
	size_t src;		/* a folder where the item is in place */
	size_t nparts;		/* its parts there */
};

/* Copy the item into the folder of copy K, where it never was. */
static gpg_error_t
complete(struct probe *p, size_t k)
{
	char rel[64];
	gpg_error_t err = 0;

	snprintf(rel, sizeof rel, "to/%s", p->it->copies[k].recipient);
	if (p->fds[k] < 0) {
		free(p->paths[k]);
		p->paths[k] = NULL;
		err = mule_stick_folder(p->s, rel, 1, &p->fds[k], &p->paths[k]);
	}
	if (!err)
		err = mule_stick_copy_item(p->fds[p->src], p->paths[p->src],
		    p->fds[k], p->paths[k], p->it->cid, p->nparts, NULL, NULL);
	if (!err && mule_sync_dirfd(p->fds[k]) < 0)
		err = gpg_error_from_syserror();
	return err;
}

/* The fate of copy K, as place.h's table says. */
static enum mule_sequence_fate
fate_of(struct probe *p, size_t k)
{
	struct mule_sequence_copy *c = &p->it->copies[k];
	char rel[64];
	size_t np;

	snprintf(rel, sizeof rel, "to/%s", c->recipient);
	if (!mule_is_fpr(c->recipient) || mule_stick_folder(p->s, rel, 0,
	    &p->fds[k], &p->paths[k]))
		return MULE_SEQUENCE_LATER;	/* planted: not now */
	if (in_place(p->fds[k], p->it->cid, &np)) {
		if (p->src == SIZE_MAX) {
			p->src = k;
			p->nparts = np;
		}
		return MULE_SEQUENCE_THERE;
	}
	if (in_place(p->anyone, p->it->cid, &np))
		return MULE_SEQUENCE_THERE;
	if (!c->mark || mark_there(p->fds[k], c->mark)
	    || mark_there(p->anyone, c->mark))
		return MULE_SEQUENCE_NEVER;
	return MULE_SEQUENCE_UNSURE;
}

gpg_error_t
mule_stick_probe(void *arg, struct mule_sequence_item *it)
{
	struct mule_error_record why;
	struct probe p;
	size_t k, n = it->n, never = 0;
	gpg_error_t err = 0;

	memset(&p, 0, sizeof p);
	p.s = arg;
	p.it = it;
	p.src = SIZE_MAX;
	p.anyone = -1;
	p.fds = malloc((n ? n : 1) * sizeof *p.fds);
	p.paths = calloc(n ? n : 1, sizeof *p.paths);
	if (!p.fds || !p.paths) {
		free(p.fds);
		free(p.paths);
		return gpg_error_from_syserror();
	}
	/* What goes wrong with one item leaves it pending, and is no
	 * error of this put. */
	mule_error_save(&why);
	for (k = 0; k < n; k++)
		p.fds[k] = -1;
	if (mule_stick_folder(p.s, "to/" MULE_STICK_ANYONE, 0, &p.anyone,
	    NULL))
		n = 0;		/* all LATER */
	for (k = 0; k < n; k++) {
		it->copies[k].fate = fate_of(&p, k);
		never += it->copies[k].fate == MULE_SEQUENCE_NEVER;
	}
	/* In place for some and never for others: put it in place for
	 * them too, so that every number it carries is a good one. */
	for (k = 0; never < n && p.src != SIZE_MAX && k < n; k++)
		if (it->copies[k].fate == MULE_SEQUENCE_NEVER)
			it->copies[k].fate = complete(&p, k)
			    ? MULE_SEQUENCE_LATER : MULE_SEQUENCE_THERE;
	/* Never in place anywhere: no part of it stays behind. */
	for (k = 0; n && never == n && k < n; k++)
		remove_parts(p.fds[k], it->cid);
	if (n && never == n)
		remove_parts(p.anyone, it->cid);
	for (k = 0; k < it->n; k++) {
		if (p.fds[k] >= 0)
			close(p.fds[k]);
		free(p.paths[k]);
	}
	if (p.anyone >= 0)
		close(p.anyone);
	free(p.fds);
	free(p.paths);
	mule_error_restore(&why);
	return err;
}

gpg_error_t
mule_stick_probe_sent(void *arg, struct mule_sequence_item *it)
{
	struct mule_stick_prober *p = arg;
	char *path = NULL;
	gpg_error_t err = 0;
	size_t k;

	if (!p->sent) {
		err = mule_sent_path(p->state_dir, &path);
		if (!err)
			err = mule_sent_open(&p->sent, path);
		free(path);
		if (err)
			return err;
	}
	if (!mule_sent_put_cid(p->sent, it->sender, it->cid))
		return mule_stick_probe((void *)(uintptr_t)p->stick, it);
	for (k = 0; k < it->n; k++)
		it->copies[k].fate = MULE_SEQUENCE_THERE;
	return 0;
}

void
mule_stick_prober_release(struct mule_stick_prober *p)
{
	mule_sent_close(p->sent);
	p->sent = NULL;
}
