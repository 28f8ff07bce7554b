/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pump.h - run one GPGME operation, moving the data's bytes ourselves.
 *
 * GPGME 1.18 formats every byte it moves between gpg and a data object
 * into a debug line it then throws away, whatever GPGME_DEBUG says: on
 * large data that was a third of mule's time, and the reason mule was
 * slower than gpg (bench/results/2026-12-06-pump.txt).  Under our own
 * event loop (gpgme_set_io_cbs) we see gpg's pipes.  When GPGME first
 * hands one of them a data object of data.h, the pump takes that pipe
 * over and moves its bytes with plain reads and writes: from gpg in
 * small steps that grow, with the pipe, once gpg fills them; to gpg at
 * GPGME's pace, or, from a regular file, through a large pipe it leaves
 * gpg to read in peace.
 * GPGME keeps the status and command pipes, and closes every pipe
 * itself once its data object says it is done.
 *
 *	mule_pump_begin(&pump, ctx);
 *	err = mule_pump_run(&pump, gpgme_op_sign_start(ctx, in, out, mode));
 */
#ifndef MULE_PUMP_H
#define MULE_PUMP_H

#include <stdint.h>
#include <gpgme.h>

#include "core/stream.h"

#define MULE_PUMP_FDS 8

struct mule_pump_fd {
	int fd;			/* -1: a free slot */
	int dir;		/* 1: gpg writes and we read; 0: we write */
	gpgme_io_cb_t fnc;	/* GPGME's handler and its argument */
	void *fnc_data;
	struct mule_source *src;	/* taken over: the pump writes it */
	struct mule_sink *sink;		/* taken over: the pump fills it */
	int drained;		/* taken over and all moved: GPGME closes */
	int nonblocking;	/* our writes to it never wait */
	int paced;		/* a large pipe from a file: see rest() */
	size_t pipe_size;	/* what the kernel gave it */
	uint64_t resume;	/* not written again before (CLOCK_MONOTONIC ns) */
	unsigned char *buf;	/* one step of SIZE bytes; towards gpg, */
	size_t size, len, off;	/* LEN of them read from SRC, OFF written */
};

struct mule_pump {
	gpgme_ctx_t ctx;
	struct mule_pump_fd fds[MULE_PUMP_FDS];
	int done;
	gpg_error_t err;	/* GPGME's outcome of the operation */
	gpg_error_t own;	/* our side of a pipe failed */
	struct mule_pump_fd *outer;	/* an outer pump's pipe being served */
};

/* Make CTX's next operation, started with a gpgme_op_*_start call, run
 * under P (which must stay in place until mule_pump_run returns). */
void mule_pump_begin(struct mule_pump *p, gpgme_ctx_t ctx);

/* Run the operation whose start returned START_ERR to its end, and give
 * CTX back its own event loop.  Returns what the synchronous call would
 * have: START_ERR, or GPGME's outcome.  A source or sink that failed
 * keeps its error as data.c's callbacks do (mule_data_own_error tells). */
gpg_error_t mule_pump_run(struct mule_pump *p, gpg_error_t start_err);

/* For data.c's callbacks, called while GPGME serves a pipe of a running
 * pump: the pump takes that pipe over.  mule_pump_take_source returns 1
 * when the pump has moved all of SRC (the callback then says "end of
 * data"), -1 if GPGME asks for bytes the pump is moving (an error), and
 * else 0, having perhaps lowered *N, the most the callback gives GPGME
 * now. */
int mule_pump_take_source(struct mule_source *src, size_t *n);
void mule_pump_take_sink(struct mule_sink *sink);

#endif
