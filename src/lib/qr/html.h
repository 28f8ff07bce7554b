/* SPDX-License-Identifier: GPL-3.0-or-later */
/* html.h - mule-qr encode --html: DIR/index.html, one page that plays
 * the frames on any screen.
 *
 * The page is self-contained: every frame is a data: URI inside it, the
 * script and style are inline, and its Content-Security-Policy lets the
 * browser load nothing else (no network, no font, no other file).  It
 * loops the frames at FPS, with a pause button, the frame counter, and
 * the arrow keys to step while paused.
 */
#ifndef MULE_QR_HTML_H
#define MULE_QR_HTML_H

#include <stddef.h>
#include <gpg-error.h>

#define MULE_QR_HTML_NAME "index.html"

struct mule_qr_html;

/* Begin DIR/index.html (DIRFD is DIR, lent) for frames shown FPS a
 * second, as a temporary until mule_qr_html_commit. */
gpg_error_t mule_qr_html_new(int dirfd, const char *dir, unsigned fps,
    int force, struct mule_qr_html **r_html);

/* Add the next frame, the N bytes of a PNG file at PNG. */
gpg_error_t mule_qr_html_frame(struct mule_qr_html *html, const void *png,
    size_t n);

/* End the page and put it in place (not yet synced: the caller syncs
 * DIR with the frames). */
gpg_error_t mule_qr_html_commit(struct mule_qr_html *html);

/* NULL-safe; a page not committed is removed. */
void mule_qr_html_free(struct mule_qr_html *html);

#endif
