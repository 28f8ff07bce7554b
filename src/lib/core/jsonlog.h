/* SPDX-License-Identifier: GPL-3.0-or-later */
/* jsonlog.h - a report as one JSON array that is whole however the run
 * ends.
 *
 * A tool that reports with --json prints one array once the work is
 * done.  A run ended by SIGINT, SIGTERM, SIGHUP or SIGQUIT (cleanup.h)
 * prints it too, from the signal handler, with what was decided until
 * then and a last object {"status": "interrupted", "signal": "SIGINT"}:
 * a script reading standard output always gets a document it can parse.
 *
 * Objects are added whole (their text is formatted first, then linked in
 * with one atomic store), so the handler only ever sees complete ones,
 * and writes them with write(2).  One log per process.
 */
#ifndef MULE_JSONLOG_H
#define MULE_JSONLOG_H

#include <gpg-error.h>

struct mule_jsonlog;

/* A log to be printed on descriptor FD (standard output), armed for
 * signals. */
gpg_error_t mule_jsonlog_new(struct mule_jsonlog **log, int fd);

/* Add the object whose text is OBJ ("{...}", malloc'ed: the log takes
 * it).  Callers that add from several threads hold one lock. */
gpg_error_t mule_jsonlog_add(struct mule_jsonlog *log, char *obj);

/* Print the array, once (signals held off meanwhile, so that a signal
 * does not print it twice).  An error if it could not be written. */
gpg_error_t mule_jsonlog_finish(struct mule_jsonlog *log);

/* Whether this process printed a log already (by mule_jsonlog_finish):
 * a run that stops before its log could print prints "[]" itself, so
 * that standard output is still one document. */
int mule_jsonlog_printed(void);

/* Disarm and free LOG (NULL: nothing). */
void mule_jsonlog_free(struct mule_jsonlog *log);

#endif
