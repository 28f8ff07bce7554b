/* SPDX-License-Identifier: GPL-3.0-or-later */
/* html.c - the frames in one page, as data: URIs. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/output.h"
#include "qr/html.h"

struct mule_qr_html {
	struct mule_output *out;
};

static const char head[] =
"<!DOCTYPE html>\n"
"<html lang=\"en\">\n"
"<head>\n"
"<meta charset=\"utf-8\">\n"
"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
"img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
"<title>mule-qr frames</title>\n"
"<style>\n"
"html, body { margin: 0; height: 100%; background: #fff; color: #000;\n"
"  font: 18px sans-serif; }\n"
"main { height: 100%; display: flex; flex-direction: column;\n"
"  align-items: center; justify-content: center; }\n"
"img { image-rendering: pixelated; width: min(92vw, 84vh); height: auto; }\n"
"p { margin: 0.5em; }\n"
"button { font-size: 1em; padding: 0.3em 1.2em; }\n"
"</style>\n"
"</head>\n"
"<body>\n"
"<main>\n"
"<img id=\"code\" alt=\"QR code\">\n"
"<p><button id=\"pause\" type=\"button\">Pause</button>\n"
"<span id=\"count\"></span></p>\n"
"<noscript><p>Playing the frames needs JavaScript.</p></noscript>\n"
"</main>\n"
"<script>\n"
"\"use strict\";\n";

static const char tail[] =
"];\n"
"var i = 0, timer = null;\n"
"var img = document.getElementById(\"code\");\n"
"var count = document.getElementById(\"count\");\n"
"var button = document.getElementById(\"pause\");\n"
"function draw() {\n"
"  img.src = frames[i];\n"
"  count.textContent = \"frame \" + (i + 1) + \" of \" + frames.length;\n"
"}\n"
"function step(d) {\n"
"  i = (i + d + frames.length) % frames.length;\n"
"  draw();\n"
"}\n"
"function play() {\n"
"  timer = setInterval(function () { step(1); }, 1000 / fps);\n"
"  button.textContent = \"Pause\";\n"
"}\n"
"function pause() {\n"
"  clearInterval(timer);\n"
"  timer = null;\n"
"  button.textContent = \"Play\";\n"
"}\n"
"button.onclick = function () { if (timer) pause(); else play(); };\n"
"document.onkeydown = function (e) {\n"
"  if (frames.length < 2)\n"
"    return;\n"
"  if (e.key === \" \") {\n"
"    if (timer) pause(); else play();\n"
"  } else if (e.key === \"ArrowRight\") {\n"
"    pause(); step(1);\n"
"  } else if (e.key === \"ArrowLeft\") {\n"
"    pause(); step(-1);\n"
"  } else\n"
"    return;\n"
"  e.preventDefault();\n"
"};\n"
"draw();\n"
"if (frames.length > 1)\n"
"  play();\n"
"else\n"
"  button.hidden = true;\n"
"</script>\n"
"</body>\n"
"</html>\n";

static gpg_error_t
put(struct mule_qr_html *html, const char *s, size_t n)
{
	return mule_output_write(html->out, s, n);
}

gpg_error_t
mule_qr_html_new(int dirfd, const char *dir, unsigned fps, int force,
    struct mule_qr_html **r_html)
{
	struct mule_qr_html *html;
	char line[64];
	gpg_error_t err;

	*r_html = NULL;
	if (!(html = calloc(1, sizeof *html)))
		return gpg_error_from_syserror();
	err = mule_output_open_at(&html->out, dirfd, dir, MULE_QR_HTML_NAME,
	    MULE_OUTPUT_BATCH | MULE_OUTPUT_LEND_DIR
	    | (force ? MULE_OUTPUT_FORCE : 0));
	if (!err)
		err = put(html, head, sizeof head - 1);
	snprintf(line, sizeof line, "var fps = %u;\nvar frames = [\n", fps);
	if (!err)
		err = put(html, line, strlen(line));
	if (err) {
		mule_qr_html_free(html);
		return err;
	}
	*r_html = html;
	return 0;
}

gpg_error_t
mule_qr_html_frame(struct mule_qr_html *html, const void *png, size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char open[] = "\"data:image/png;base64,";
	const unsigned char *p = png;
	char quad[4 * 256];
	size_t i, q = 0;
	unsigned v;
	gpg_error_t err;

	err = put(html, open, sizeof open - 1);
	for (i = 0; !err && i < n; i += 3) {
		v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		quad[q++] = b64[v >> 18 & 63];
		quad[q++] = b64[v >> 12 & 63];
		quad[q++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		quad[q++] = i + 2 < n ? b64[v & 63] : '=';
		if (q == sizeof quad) {
			err = put(html, quad, q);
			q = 0;
		}
	}
	if (!err && q)
		err = put(html, quad, q);
	if (!err)
		err = put(html, "\",\n", 3);
	return err;
}

gpg_error_t
mule_qr_html_commit(struct mule_qr_html *html)
{
	gpg_error_t err = put(html, tail, sizeof tail - 1);

	return err ? err : mule_output_commit(html->out);
}

void
mule_qr_html_free(struct mule_qr_html *html)
{
	if (!html)
		return;
	mule_output_free(html->out);
	free(html);
}
