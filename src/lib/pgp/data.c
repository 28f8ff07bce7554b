/* SPDX-License-Identifier: GPL-3.0-or-later */
/* data.c - GPGME data objects over our own readers and writers. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "pgp/data.h"
#include "pgp/pump.h"

/* Under a pump (pump.h) GPGME serves each pipe of ours once, in its
 * steps of 4 KiB, and the pump moves the rest. */

static ssize_t
source_cb(void *arg, void *buf, size_t n)
{
	struct mule_source *src = arg;
	size_t got;
	gpg_error_t err;

	switch (mule_pump_take_source(src, &n)) {
	case 1:
		return 0;
	case -1:
		errno = EIO;
		return -1;
	}
	err = mule_source_read(src, buf, n, &got);
	if (err) {
		if (!src->err)
			src->err = err;
		errno = EIO;
		return -1;
	}
	return (ssize_t)got;
}

static ssize_t
sink_cb(void *arg, const void *buf, size_t n)
{
	struct mule_sink *sink = arg;

	mule_pump_take_sink(sink);
	if (mule_sink_put(sink, buf, n)) {
		errno = sink->over_limit ? EFBIG : EIO;
		return -1;
	}
	return (ssize_t)n;
}

gpg_error_t
mule_data_from_source(gpgme_data_t *dh, struct mule_source *src)
{
	static struct gpgme_data_cbs cbs = { source_cb, NULL, NULL, NULL };
	gpg_error_t err;

	err = gpgme_data_new_from_cbs(dh, &cbs, src);
	if (!err)
		gpgme_data_set_flag(*dh, "sensitive", "1");
	return err;
}

gpg_error_t
mule_data_to_sink(gpgme_data_t *dh, struct mule_sink *sink)
{
	static struct gpgme_data_cbs cbs = { NULL, sink_cb, NULL, NULL };
	gpg_error_t err;

	err = gpgme_data_new_from_cbs(dh, &cbs, sink);
	if (!err)
		gpgme_data_set_flag(*dh, "sensitive", "1");
	return err;
}

gpg_error_t
mule_data_own_error(const struct mule_source *src,
    const struct mule_sink *sink)
{
	if (sink && sink->over_limit)
		return mule_reject(GPG_ERR_TOO_LARGE,
		    "raise the limit with --max-size if you expect this much",
		    "the plaintext exceeds --max-size (%llu bytes): "
		    "nothing was released", (unsigned long long)sink->limit);
	if (src && src->err)
		return src->err;
	if (sink && sink->err)
		return sink->err;
	return 0;
}
