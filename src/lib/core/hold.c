/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hold.c - plaintext held back until it is verified. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gcrypt.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/hold.h"
#include "core/secret.h"

#define HOLD_THRESHOLD	(1024 * 1024)
#define CHUNK		(64 * 1024)
#define TAGLEN		16

struct mule_hold {
	unsigned char *mem;	/* in-memory data, or the chunk buffer */
	size_t mem_size;	/* allocated */
	size_t mem_len;		/* bytes in mem */
	size_t threshold;
	uint64_t total;		/* bytes written */
	int spool_fd;		/* -1 while everything is in memory */
	gcry_cipher_hd_t cipher;
	uint64_t chunks;	/* chunks written to the spool */
	/* reading */
	int reading;
	uint64_t read_chunk;	/* next chunk to read from the spool */
	size_t read_off;	/* offset within mem */
};

size_t
mule_hold_threshold(void)
{
	const char *s = getenv("MULE_TEST_HOLD_THRESHOLD");
	char *end;
	unsigned long v;

	if (s && *s) {
		v = strtoul(s, &end, 10);
		if (!*end && v > 0 && v < HOLD_THRESHOLD)
			return v;
	}
	return HOLD_THRESHOLD;
}

gpg_error_t
mule_hold_new(struct mule_hold **hold)
{
	struct mule_hold *h;

	*hold = NULL;
	h = calloc(1, sizeof *h);
	if (!h)
		return gpg_error_from_syserror();
	h->spool_fd = -1;
	h->threshold = mule_hold_threshold();
	*hold = h;
	return 0;
}

static int
open_spool_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[PATH_MAX];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	if (snprintf(path, sizeof path, "%s/.mule-spool-XXXXXX", dir)
	    >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static void
chunk_nonce(unsigned char nonce[12], uint64_t index)
{
	int i;

	memset(nonce, 0, 12);
	for (i = 0; i < 8; i++)
		nonce[11 - i] = (unsigned char)(index >> (8 * i));
}

/* Encrypt LEN bytes of h->mem in place and append them as the next chunk. */
static gpg_error_t
spool_chunk(struct mule_hold *h, unsigned char *buf, size_t len)
{
	unsigned char nonce[12], tag[TAGLEN];
	gpg_error_t err;

	chunk_nonce(nonce, h->chunks);
	err = gcry_cipher_setiv(h->cipher, nonce, sizeof nonce);
	if (!err)
		err = gcry_cipher_final(h->cipher);
	if (!err)
		err = gcry_cipher_encrypt(h->cipher, buf, len, NULL, 0);
	if (!err)
		err = gcry_cipher_gettag(h->cipher, tag, TAGLEN);
	if (!err)
		err = mule_write_all(h->spool_fd, buf, len);
	if (!err)
		err = mule_write_all(h->spool_fd, tag, TAGLEN);
	if (err)
		return mule_error_set(err, "set TMPDIR to a directory with room",
		    "writing the encrypted spool: %s", gpg_strerror(err));
	h->chunks++;
	return 0;
}

/* Move what is in memory to a new spool file, keeping one chunk buffer. */
static gpg_error_t
start_spool(struct mule_hold *h)
{
	unsigned char key[32];
	unsigned char *chunkbuf;
	size_t off;
	gpg_error_t err;

	h->spool_fd = open_spool_file();
	if (h->spool_fd < 0) {
		err = gpg_error_from_syserror();
		return mule_error_set(err, "set TMPDIR to a writable directory",
		    "creating the encrypted spool: %s", strerror(errno));
	}
	err = gcry_cipher_open(&h->cipher, GCRY_CIPHER_AES256,
	    GCRY_CIPHER_MODE_GCM, GCRY_CIPHER_SECURE);
	if (err)
		return err;
	gcry_randomize(key, sizeof key, GCRY_STRONG_RANDOM);
	err = gcry_cipher_setkey(h->cipher, key, sizeof key);
	mule_wipe(key, sizeof key);
	if (err)
		return err;
	for (off = 0; off + CHUNK <= h->mem_len; off += CHUNK) {
		err = spool_chunk(h, h->mem + off, CHUNK);
		if (err)
			return err;
	}
	chunkbuf = malloc(CHUNK);
	if (!chunkbuf)
		return gpg_error_from_syserror();
	if (h->mem) {
		memcpy(chunkbuf, h->mem + off, h->mem_len - off);
		mule_wipe(h->mem, h->mem_size);
		munlock(h->mem, h->mem_size);
		free(h->mem);
	}
	h->mem = chunkbuf;
	h->mem_size = CHUNK;
	h->mem_len -= off;
	mlock(h->mem, h->mem_size);
	return 0;
}

static gpg_error_t
grow_memory(struct mule_hold *h, size_t need)
{
	size_t size = h->mem_size ? h->mem_size : 16384;
	unsigned char *p;

	while (size < need)
		size *= 2;
	if (size > h->threshold)
		size = h->threshold;
	/* realloc would leave an unwiped copy behind. */
	p = malloc(size);
	if (!p)
		return gpg_error_from_syserror();
	mlock(p, size);
	if (h->mem) {
		memcpy(p, h->mem, h->mem_len);
		mule_wipe(h->mem, h->mem_size);
		munlock(h->mem, h->mem_size);
		free(h->mem);
	}
	h->mem = p;
	h->mem_size = size;
	return 0;
}

gpg_error_t
mule_hold_write(void *arg, const void *buf, size_t n)
{
	struct mule_hold *h = arg;
	const unsigned char *p = buf;
	gpg_error_t err;

	if (h->reading)
		return gpg_error(GPG_ERR_INV_STATE);
	if (!n)
		return 0;
	h->total += n;
	if (h->spool_fd < 0 && h->mem_len + n > h->threshold) {
		err = start_spool(h);
		if (err)
			return err;
	}
	if (h->spool_fd < 0) {
		if (h->mem_len + n > h->mem_size) {
			err = grow_memory(h, h->mem_len + n);
			if (err)
				return err;
		}
		memcpy(h->mem + h->mem_len, p, n);
		h->mem_len += n;
		return 0;
	}
	while (n) {
		size_t take = CHUNK - h->mem_len;

		if (take > n)
			take = n;
		memcpy(h->mem + h->mem_len, p, take);
		h->mem_len += take;
		p += take;
		n -= take;
		if (h->mem_len == CHUNK) {
			err = spool_chunk(h, h->mem, CHUNK);
			if (err)
				return err;
			h->mem_len = 0;
		}
	}
	return 0;
}

gpg_error_t
mule_hold_rewind(struct mule_hold *h)
{
	gpg_error_t err;

	if (!h->reading && h->spool_fd >= 0 && h->mem_len) {
		err = spool_chunk(h, h->mem, h->mem_len);
		if (err)
			return err;
	}
	if (h->spool_fd >= 0) {
		h->mem_len = 0;
		if (lseek(h->spool_fd, 0, SEEK_SET) < 0)
			return gpg_error_from_syserror();
	}
	h->reading = 1;
	h->read_chunk = 0;
	h->read_off = 0;
	return 0;
}

static gpg_error_t
read_chunk(struct mule_hold *h)
{
	unsigned char nonce[12], tag[TAGLEN];
	uint64_t remaining = h->total - h->read_chunk * (uint64_t)CHUNK;
	size_t len = remaining > CHUNK ? CHUNK : (size_t)remaining;
	size_t got = 0;
	gpg_error_t err;

	while (got < len + TAGLEN) {
		ssize_t r;
		unsigned char *dst = got < len ? h->mem + got : tag + (got - len);
		size_t want = got < len ? len - got : len + TAGLEN - got;

		r = read(h->spool_fd, dst, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return gpg_error_from_syserror();
		if (r == 0)
			return mule_error_set(gpg_error(GPG_ERR_CHECKSUM), NULL,
			    "the encrypted spool was truncated");
		got += r;
	}
	chunk_nonce(nonce, h->read_chunk);
	err = gcry_cipher_setiv(h->cipher, nonce, sizeof nonce);
	if (!err)
		err = gcry_cipher_final(h->cipher);
	if (!err)
		err = gcry_cipher_decrypt(h->cipher, h->mem, len, NULL, 0);
	if (!err)
		err = gcry_cipher_checktag(h->cipher, tag, TAGLEN);
	if (err)
		return mule_error_set(gpg_error(GPG_ERR_CHECKSUM), NULL,
		    "the encrypted spool was modified");
	h->read_chunk++;
	h->mem_len = len;
	h->read_off = 0;
	return 0;
}

gpg_error_t
mule_hold_read(void *arg, void *buf, size_t n, size_t *got)
{
	struct mule_hold *h = arg;
	gpg_error_t err;

	*got = 0;
	if (!h->reading)
		return gpg_error(GPG_ERR_INV_STATE);
	if (h->read_off == h->mem_len && h->spool_fd >= 0
	    && h->read_chunk * (uint64_t)CHUNK < h->total) {
		err = read_chunk(h);
		if (err)
			return err;
	}
	if (n > h->mem_len - h->read_off)
		n = h->mem_len - h->read_off;
	if (!n)
		return 0;
	memcpy(buf, h->mem + h->read_off, n);
	h->read_off += n;
	*got = n;
	return 0;
}

gpg_error_t
mule_hold_copy_to_fd(struct mule_hold *h, int fd)
{
	gpg_error_t err;

	err = mule_hold_rewind(h);
	while (!err) {
		if (h->read_off < h->mem_len) {
			err = mule_write_all(fd, h->mem + h->read_off,
			    h->mem_len - h->read_off);
			h->read_off = h->mem_len;
		} else if (h->spool_fd >= 0
		    && h->read_chunk * (uint64_t)CHUNK < h->total) {
			err = read_chunk(h);
		} else {
			break;
		}
	}
	return err;
}

gpg_error_t
mule_hold_scan_binary(struct mule_hold *h, int *binary)
{
	unsigned char buf[16384];
	size_t got, i;
	gpg_error_t err;

	*binary = 0;
	err = mule_hold_rewind(h);
	while (!err && !*binary) {
		err = mule_hold_read(h, buf, sizeof buf, &got);
		if (err || !got)
			break;
		for (i = 0; i < got; i++) {
			unsigned char c = buf[i];

			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r'
			    && c != '\f' && c != '\b') || c == 0x7f) {
				*binary = 1;
				break;
			}
		}
	}
	mule_wipe(buf, sizeof buf);
	return err;
}

uint64_t
mule_hold_size(const struct mule_hold *h)
{
	return h->total;
}

int
mule_hold_spooled(const struct mule_hold *h)
{
	return h->spool_fd >= 0;
}

void
mule_hold_free(struct mule_hold *h)
{
	if (!h)
		return;
	if (h->mem) {
		mule_wipe(h->mem, h->mem_size);
		munlock(h->mem, h->mem_size);
		free(h->mem);
	}
	if (h->spool_fd >= 0)
		close(h->spool_fd);
	gcry_cipher_close(h->cipher);
	free(h);
}

gpg_error_t
mule_hold_from_fd(struct mule_hold *hold, int fd)
{
	unsigned char buf[65536];
	gpg_error_t err = 0;
	ssize_t n;

	while (!err && (n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mule_error_set(gpg_error_from_syserror(), NULL,
			    "reading: %s", strerror(errno));
		err = mule_hold_write(hold, buf, (size_t)n);
	}
	mule_wipe(buf, sizeof buf);
	return err;
}
