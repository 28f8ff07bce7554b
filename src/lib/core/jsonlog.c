/* SPDX-License-Identifier: GPL-3.0-or-later */
/* jsonlog.c - a report as one JSON array that is whole however the run
 * ends. */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/error.h"
#include "core/jsonlog.h"

struct node {
	struct node *next;
	size_t len;
	char *text;
};

struct mule_jsonlog {
	int fd;
	struct node *head, *tail;
	volatile sig_atomic_t printed;
};

/* The one log the signal handler prints. */
static struct mule_jsonlog *volatile armed;
/* A log was printed (mule_jsonlog_printed). */
static int printed_one;

/* write(2) all of BUF, async-signal-safe; 0 or -1. */
static int
put(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
print(struct mule_jsonlog *log, const char *last)
{
	struct node *n;
	int bad = put(log->fd, "[", 1);
	int first = 1;

	for (n = __atomic_load_n(&log->head, __ATOMIC_ACQUIRE); n;
	    n = __atomic_load_n(&n->next, __ATOMIC_ACQUIRE)) {
		bad |= put(log->fd, first ? "\n  " : ",\n  ", first ? 3 : 4);
		bad |= put(log->fd, n->text, n->len);
		first = 0;
	}
	if (last) {
		bad |= put(log->fd, first ? "\n  " : ",\n  ", first ? 3 : 4);
		bad |= put(log->fd, last, strlen(last));
		first = 0;
	}
	bad |= put(log->fd, first ? "]\n" : "\n]\n", first ? 2 : 3);
	return bad;
}

static void
last_words(int sig)
{
	struct mule_jsonlog *log = armed;
	const char *obj;

	if (!log || log->printed)
		return;
	log->printed = 1;
	switch (sig) {
	case SIGINT:
		obj = "{\"status\": \"interrupted\", \"signal\": \"SIGINT\"}";
		break;
	case SIGTERM:
		obj = "{\"status\": \"interrupted\", \"signal\": \"SIGTERM\"}";
		break;
	case SIGHUP:
		obj = "{\"status\": \"interrupted\", \"signal\": \"SIGHUP\"}";
		break;
	default:
		obj = "{\"status\": \"interrupted\", \"signal\": \"SIGQUIT\"}";
		break;
	}
	(void)print(log, obj);
}

gpg_error_t
mule_jsonlog_new(struct mule_jsonlog **out, int fd)
{
	struct mule_jsonlog *log = calloc(1, sizeof *log);

	if (!log)
		return gpg_error_from_syserror();
	log->fd = fd;
	armed = log;
	mule_cleanup_last_words(last_words);
	*out = log;
	return 0;
}

gpg_error_t
mule_jsonlog_add(struct mule_jsonlog *log, char *obj)
{
	struct node *n = calloc(1, sizeof *n);

	if (!n) {
		free(obj);
		return gpg_error_from_syserror();
	}
	n->text = obj;
	n->len = strlen(obj);
	/* Whole before it is linked: the handler follows the links. */
	if (log->tail)
		__atomic_store_n(&log->tail->next, n, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&log->head, n, __ATOMIC_RELEASE);
	log->tail = n;
	return 0;
}

gpg_error_t
mule_jsonlog_finish(struct mule_jsonlog *log)
{
	sigset_t all, old;
	int bad = 0;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (!log->printed) {
		log->printed = 1;
		bad = print(log, NULL);
	}
	printed_one = 1;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (bad)
		return mule_error_set(mule_fail_code(GPG_ERR_EIO), NULL,
		    "writing the report to standard output failed");
	return 0;
}

int
mule_jsonlog_printed(void)
{
	return printed_one;
}

void
mule_jsonlog_free(struct mule_jsonlog *log)
{
	struct node *n, *next;

	if (!log)
		return;
	if (armed == log) {
		mule_cleanup_last_words(NULL);
		armed = NULL;
	}
	for (n = log->head; n; n = next) {
		next = n->next;
		free(n->text);
		free(n);
	}
	free(log);
}
