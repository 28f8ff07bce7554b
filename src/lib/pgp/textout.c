/* SPDX-License-Identifier: GPL-3.0-or-later */
/* textout.c - the text a text-mode signature releases. */
#include <config.h>

#include "core/error.h"
#include "pgp/grammar.h"
#include "pgp/textout.h"
#include "pgp/policy.h"

static gpg_error_t
unix_lines(struct mule_textout *t, const char *p, size_t n)
{
	const char *start = p, *end = p + n;
	gpg_error_t err;

	for (; p < end; p++) {
		if (t->cr) {
			t->cr = 0;
			if (*p != '\n' && (err = t->write(t->arg, "\r", 1)))
				return err;
		}
		if (*p == '\r') {
			if (p > start && (err = t->write(t->arg, start,
			    (size_t)(p - start))))
				return err;
			t->cr = 1;
			start = p + 1;
		}
	}
	return end > start ? t->write(t->arg, start, (size_t)(end - start))
	    : 0;
}

gpg_error_t
mule_textout_write(void *arg, const void *buf, size_t n)
{
	struct mule_textout *t = arg;
	const struct mule_grammar_literal *lit;

	if (!t->decided) {
		t->decided = 1;
		/* The checker has read the literal's header and the
		 * signature class before gpg writes a byte of its data. */
		lit = t->grammar ? mule_grammar_literal(t->grammar) : NULL;
		t->text = !lit || (lit->sigclass == 0x01 && lit->format == 'b');
	}
	return t->text ? unix_lines(t, buf, n) : t->write(t->arg, buf, n);
}

gpg_error_t
mule_textout_check(const struct mule_grammar *grammar,
    const struct mule_verdict *v)
{
	const struct mule_grammar_literal *lit;
	size_t i;
	int text = 0;

	if (!grammar)
		return 0;
	lit = mule_grammar_literal(grammar);
	for (i = 0; i < v->nsigners; i++) {
		if ((int)v->signers[i].sigclass != lit->sigclass)
			return mule_reject(GPG_ERR_BAD_SIGNATURE, NULL,
			    "gpg reports a signature of class 0x%02x in a "
			    "message of class 0x%02x signatures",
			    v->signers[i].sigclass, (unsigned)lit->sigclass);
		text |= v->signers[i].sigclass == 0x01;
	}
	if (text && lit->nul)
		return mule_reject(GPG_ERR_BAD_DATA, NULL,
		    "the text signed in text mode holds a NUL byte");
	if (text && lit->lone_cr)
		return mule_reject(GPG_ERR_BAD_DATA, NULL,
		    "the text signed in text mode holds a CR that ends no "
		    "line (it would not be released as signed)");
	return 0;
}
