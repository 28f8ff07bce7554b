/* SPDX-License-Identifier: GPL-3.0-or-later */
/* secret.c - libgcrypt set-up, secure memory and passphrases. */
#include <config.h>

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <gcrypt.h>

#include "core/error.h"
#include "core/secret.h"
#include "core/text.h"

#define PASSPHRASE_MAX 1024

struct mule_passphrase {
	char *text;	/* secure memory */
};

gpg_error_t
mule_secret_init(void)
{
	if (!gcry_check_version("1.10.0"))
		return mule_error_set(mule_fail_code(GPG_ERR_NOT_SUPPORTED),
		    NULL, "libgcrypt is older than 1.10");
	gcry_control(GCRYCTL_SUSPEND_SECMEM_WARN);
	gcry_control(GCRYCTL_INIT_SECMEM, 64 * 1024, 0);
	gcry_control(GCRYCTL_RESUME_SECMEM_WARN);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	return 0;
}

void
mule_random_hex(char *out, size_t n)
{
	unsigned char rnd[32];

	assert(n <= sizeof rnd);
	gcry_create_nonce(rnd, n);
	mule_hex_encode(out, rnd, n);
}

void
mule_wipe(void *p, size_t n)
{
#ifdef HAVE_EXPLICIT_BZERO
	if (p && n)
		explicit_bzero(p, n);
#else
	volatile unsigned char *v = p;

	while (v && n--)
		*v++ = 0;
#endif
}

gpg_error_t
mule_passphrase_read(struct mule_passphrase **pass, const char *file, int fd)
{
	struct mule_passphrase *pp = NULL;
	gpg_error_t err = 0;
	size_t len = 0;
	int own_fd = -1;
	char c;

	*pass = NULL;
	if (file) {
		own_fd = open(file, O_RDONLY | O_CLOEXEC);
		if (own_fd < 0) {
			err = gpg_error_from_syserror();
			mule_error_set(err, NULL, "passphrase file %s: %s",
			    file, strerror(errno));
			goto leave;
		}
		fd = own_fd;
	}
	pp = gcry_calloc_secure(1, sizeof *pp);
	if (pp)
		pp->text = gcry_calloc_secure(1, PASSPHRASE_MAX + 1);
	if (!pp || !pp->text) {
		err = gpg_error_from_syserror();
		goto leave;
	}
	/* One byte at a time: we must not consume past the first line of a
	 * descriptor that the caller may use for something else. */
	for (;;) {
		ssize_t n = read(fd, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = gpg_error_from_syserror();
			mule_error_set(err, NULL, "reading the passphrase: %s",
			    strerror(errno));
			goto leave;
		}
		if (n == 0 || c == '\n')
			break;
		if (len == PASSPHRASE_MAX) {
			err = mule_error_set(mule_fail_code(GPG_ERR_TOO_LARGE),
			    NULL, "passphrase longer than %d bytes",
			    PASSPHRASE_MAX);
			goto leave;
		}
		pp->text[len++] = c;
	}
	if (len && pp->text[len - 1] == '\r')
		pp->text[--len] = '\0';
	*pass = pp;
	pp = NULL;
leave:
	c = 0;
	if (own_fd >= 0)
		close(own_fd);
	mule_passphrase_free(pp);
	return err;
}

const char *
mule_passphrase_get(const struct mule_passphrase *pass)
{
	return pass ? pass->text : NULL;
}

void
mule_passphrase_free(struct mule_passphrase *pass)
{
	if (!pass)
		return;
	if (pass->text) {
		mule_wipe(pass->text, PASSPHRASE_MAX + 1);
		gcry_free(pass->text);
	}
	gcry_free(pass);
}
