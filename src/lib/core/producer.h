/* SPDX-License-Identifier: GPL-3.0-or-later */
/* producer.h - a worker thread that writes a stream into a pipe.
 *
 * mule-bundle joins two pull-style libraries: GPGME reads the tar stream
 * that libarchive writes (creating), and libarchive reads the plaintext
 * that GPGME writes (extracting).  One side runs in a worker thread and
 * writes into a pipe; the other reads the pipe in the calling thread.
 * Nothing goes through a file.
 */
#ifndef MULE_PRODUCER_H
#define MULE_PRODUCER_H

#include <gpg-error.h>

/* Write the stream to FD (the pipe's write end, closed afterwards). */
typedef gpg_error_t (*mule_produce_fn)(void *arg, int fd);

struct mule_producer;

/* Start FN(ARG, FD) in a thread; *READ_FD gets the pipe's read end. */
gpg_error_t mule_producer_start(struct mule_producer **p, mule_produce_fn fn,
    void *arg, int *read_fd);

/* Close READ_FD (so that a worker still writing stops with EPIPE), wait
 * for the worker and return the error that explains the outcome: the
 * worker's, unless it only saw the pipe closed because the reader failed
 * with ERR.  The worker's message becomes the recorded one.  Frees P. */
gpg_error_t mule_producer_finish(struct mule_producer *p, int read_fd,
    gpg_error_t err);

/* The same, where the reader, having failed with ERR, may have cut the
 * worker's input short to stop it: *CUT, read once the worker has ended,
 * says whether it did.  If so, whatever the worker reports is a
 * consequence of that, and ERR stands. */
gpg_error_t mule_producer_finish_cut(struct mule_producer *p, int read_fd,
    gpg_error_t err, const int *cut);

#endif
