/* SPDX-License-Identifier: GPL-3.0-or-later */
/* show.c - QR codes animated in the terminal, and the terminal put back
 * as it was on every way out. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/stream.h"
#include "qr/fountain.h"
#include "qr/show.h"
#include "qr/term.h"

/* Lines kept below the code for the status. */
#define STATUS_LINES 1

static const int caught_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGWINCH
};
#define NSIGNALS (sizeof caught_signals / sizeof caught_signals[0])

static volatile sig_atomic_t caught, suspended, resized;

static void
on_signal(int sig)
{
	if (sig == SIGWINCH)
		resized = 1;
	else if (sig == SIGTSTP)
		suspended = 1;
	else if (!caught)
		caught = sig;
}

/* Write the N bytes at P to FD; a write cut short once a signal that
 * ends the show came is left unfinished: a reader that stopped reading
 * (a full pipe) must not keep SIGTERM or Ctrl-C waiting. */
static gpg_error_t
screen_write(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n) {
		w = write(fd, c, n);
		if (w < 0 && errno != EINTR)
			return gpg_error_from_syserror();
		if (w > 0) {
			c += w;
			n -= (size_t)w;
		}
		if (n && caught)
			return 0;
	}
	return 0;
}

/* The output and what was changed on it. */
struct screen {
	int fd, is_tty;
	int keys;		/* /dev/tty, read for q; or -1 */
	struct termios saved;
	int echo_off, entered;
	struct sigaction old[NSIGNALS];
	int cols, lines;
	struct mule_membuf frame;
};

static void
signals_catch(struct screen *s)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal ends the wait for the next frame.  One
	 * ignored from the start (nohup, a shell's trap) stays ignored. */
	for (i = 0; i < NSIGNALS; i++) {
		sigaction(caught_signals[i], NULL, &s->old[i]);
		if (s->old[i].sa_handler != SIG_IGN)
			sigaction(caught_signals[i], &sa, NULL);
	}
}

static void
signals_restore(struct screen *s)
{
	size_t i;

	for (i = 0; i < NSIGNALS; i++)
		sigaction(caught_signals[i], &s->old[i], NULL);
}

/* Take the terminal: the alternate screen, no cursor, no echo. */
static void
screen_enter(struct screen *s)
{
	struct termios raw;
	static const char enter[] = "\033[?1049h\033[?25l\033[2J";

	if (!s->is_tty)
		return;
	if (s->keys < 0)
		s->keys = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC
		    | O_NONBLOCK);
	if (s->keys >= 0 && !tcgetattr(s->keys, &s->saved)) {
		raw = s->saved;
		/* ISIG stays: Ctrl-C and Ctrl-Z work as always. */
		raw.c_lflag &= ~(tcflag_t)(ECHO | ICANON);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		s->echo_off = !tcsetattr(s->keys, TCSANOW, &raw);
	}
	screen_write(s->fd, enter, sizeof enter - 1);
	s->entered = 1;
}

/* Give the terminal back as it was. */
static void
screen_leave(struct screen *s)
{
	static const char leave[] = "\033[0m\033[?25h\033[?1049l";

	if (s->entered)
		screen_write(s->fd, leave, sizeof leave - 1);
	s->entered = 0;
	if (s->echo_off)
		tcsetattr(s->keys, TCSANOW, &s->saved);
	s->echo_off = 0;
}

/* Ctrl-Z: give the terminal back while stopped, take it again after. */
static void
screen_suspend(struct screen *s)
{
	struct sigaction dfl, ours;

	suspended = 0;
	screen_leave(s);
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, &ours);
	raise(SIGTSTP);
	sigaction(SIGTSTP, &ours, NULL);
	screen_enter(s);
	resized = 1;
}

/* The size to fit: the terminal's, else $COLUMNS x $LINES, else 80x24
 * on a terminal and no limit elsewhere. */
static void
screen_measure(struct screen *s)
{
	if (!mule_qr_term_size(s->fd, &s->cols, &s->lines))
		return;
	s->cols = s->is_tty ? 80 : INT_MAX / 2;
	s->lines = s->is_tty ? 24 : INT_MAX / 2;
}

/* Wait until DEADLINE; 1 if the user pressed q meanwhile, 0 at the
 * deadline or when a signal came. */
static int
screen_wait(struct screen *s, const struct timespec *deadline)
{
	struct pollfd pfd = { s->keys, POLLIN, 0 };
	struct timespec now;
	long ms;
	char c;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (deadline->tv_sec - now.tv_sec) * 1000
		    + (deadline->tv_nsec - now.tv_nsec) / 1000000;
		if (ms <= 0)
			return 0;
		/* EINTR: a signal, dealt with by the caller. */
		if (poll(&pfd, s->keys >= 0 && s->echo_off, (int)ms) < 0)
			return 0;
		while (pfd.revents && read(s->keys, &c, 1) == 1)
			if (c == 'q' || c == 'Q')
				return 1;
		if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
			pfd.fd = -1;
		pfd.revents = 0;
		if (caught || suspended || resized)
			return 0;
	}
}

static void
deadline_next(struct timespec *t, unsigned fps)
{
	struct timespec now;

	t->tv_nsec += 1000000000L / fps;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
	/* Late by more than a frame (a stopped terminal): start again from
	 * now rather than rush to catch up. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > t->tv_sec + 1)
		*t = now;
}

/* The codes of what is shown, fitted to the largest VERSION allowed:
 * the first in *FIRST.  Parts of a fragment that mule_qr_fragment_for
 * allows fit however far the sequence number goes. */
static gpg_error_t
stream_for(const void *payload, size_t n, const char *text,
    const struct mule_qr_show_opts *o, int version,
    struct mule_qr_stream **r_s, struct mule_qr_code *first)
{
	struct mule_qr_encode_opts e = o->enc;
	size_t most = mule_qr_fragment_for(e.level, version);
	int fragment_fits;
	gpg_error_t err;

	e.max_version = version;
	if (!o->fragment_given && most < e.fragment)
		e.fragment = most;
	fragment_fits = e.fragment >= MULE_FOUNTAIN_MIN_FRAGMENT
	    && e.fragment <= most;
	if (e.fragment < MULE_FOUNTAIN_MIN_FRAGMENT)
		e.fragment = MULE_FOUNTAIN_MIN_FRAGMENT;
	if (text)
		err = mule_qr_stream_new_text(text, &e, r_s);
	else
		err = mule_qr_stream_new(payload, n, &e, r_s);
	/* A single part is the one code it makes; more need the room. */
	if (!err && !text && mule_qr_stream_len(*r_s) > 1 && !fragment_fits)
		err = gpg_error(GPG_ERR_TOO_LARGE);
	if (!err)
		err = mule_qr_stream_next(*r_s, first);
	if (err) {
		mule_qr_stream_free(*r_s);
		*r_s = NULL;
	}
	return err;
}

/* The codes do not fit S: say what size they need. */
static gpg_error_t
too_small(const void *payload, size_t n, const char *text,
    const struct mule_qr_show_opts *o, const struct screen *s, int version)
{
	struct mule_qr_stream *st = NULL;
	struct mule_qr_code code;
	int v;

	mule_error_clear();
	for (v = version + 1; v <= 40; v++) {
		if (!stream_for(payload, n, text, o, v, &st, &code))
			break;
		mule_error_clear();
	}
	mule_qr_stream_free(st);
	if (v > 40 || v > o->enc.max_version)
		return mule_error_set(gpg_error(GPG_ERR_TOO_LARGE),
		    "use a smaller --fragment, a larger --max-version or a "
		    "lower --ec",
		    "these codes need a QR version above %d",
		    o->enc.max_version);
	return mule_error_set(gpg_error(GPG_ERR_TOO_LARGE),
	    "make the window larger or the font smaller, or write PNG "
	    "frames with mule-qr encode",
	    "the codes need a terminal of %dx%d; this one is %dx%d",
	    mule_qr_term_cols(v), mule_qr_term_lines(v) + STATUS_LINES,
	    s->cols, s->lines);
}

/* The line below the code, cut to the terminal's width. */
static gpg_error_t
draw_status(struct screen *s, const struct mule_qr_shown *r,
    unsigned long seq, size_t bytes, unsigned fps)
{
	char line[160];
	int len;

	if (r->len == 1)
		len = snprintf(line, sizeof line,
		    "one code, %zu bytes - q or Ctrl-C stops", bytes);
	else
		len = snprintf(line, sizeof line,
		    "part %lu - %zu parts carry %zu bytes - %u a second - "
		    "q or Ctrl-C stops", seq, r->len, bytes, fps);
	if (len < 0)
		return gpg_error(GPG_ERR_INTERNAL);
	if (len >= s->cols)
		len = s->cols - 1;
	if (len > (int)sizeof line - 1)
		len = (int)sizeof line - 1;
	return mule_membuf_write(&s->frame, line, (size_t)len);
}

/* Whether a code of VERSION fits S with its status line. */
static int
fits(const struct screen *s, int version)
{
	return mule_qr_term_cols(version) <= s->cols
	    && mule_qr_term_lines(version) + STATUS_LINES <= s->lines;
}

/* One frame: the code (or, when the terminal is now too small, what it
 * needs) and the status line, written at once. */
static gpg_error_t
draw(struct screen *s, const struct mule_qr_code *code,
    const struct mule_qr_shown *r, unsigned long seq, size_t bytes,
    const struct mule_qr_show_opts *o)
{
	char msg[128];
	gpg_error_t err = 0;
	int room = fits(s, code->version);

	s->frame.len = 0;
	if (s->is_tty)
		err = mule_membuf_write(&s->frame, "\033[H", 3);
	if (!err && room)
		err = mule_qr_term_draw(code->modules, code->width,
		    mule_membuf_write, &s->frame);
	else if (!err) {
		snprintf(msg, sizeof msg, "make the terminal at least %dx%d",
		    mule_qr_term_cols(code->version),
		    mule_qr_term_lines(code->version) + STATUS_LINES);
		err = mule_membuf_write(&s->frame, msg, strlen(msg));
	}
	if (!err && s->is_tty && !o->quiet && room)
		err = draw_status(s, r, seq, bytes, o->fps);
	if (!err)
		err = s->is_tty ? mule_membuf_write(&s->frame, "\033[J", 3)
		    : mule_membuf_write(&s->frame, "\n", 1);
	if (!err)
		err = screen_write(s->fd, s->frame.p, s->frame.len);
	return err;
}

/* Show codes until the count, q, Ctrl-C or another signal. */
static gpg_error_t
animate(struct screen *s, struct mule_qr_stream *st,
    struct mule_qr_code *code, size_t bytes,
    const struct mule_qr_show_opts *o, struct mule_qr_shown *r)
{
	struct timespec deadline;
	gpg_error_t err = 0;
	int room;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	while (!err && !caught) {
		if (suspended)
			screen_suspend(s);
		if (resized) {
			resized = 0;
			screen_measure(s);
		}
		room = fits(s, code->version);
		err = draw(s, code, r, r->count + 1, bytes, o);
		if (!err && room) {
			r->count++;
			if (code->version > r->version)
				r->version = code->version;
		}
		if (err || (o->count && r->count >= o->count))
			break;
		if (screen_wait(s, &deadline)) {
			r->stopped = 1;
			break;
		}
		deadline_next(&deadline, o->fps);
		/* A terminal too small holds the part back until it fits. */
		if (room && !caught)
			err = mule_qr_stream_next(st, code);
	}
	if (caught == SIGINT)
		r->stopped = 1;
	return err;
}

gpg_error_t
mule_qr_show(const void *payload, size_t n,
    const struct mule_qr_show_opts *o, int fd, struct mule_qr_shown *r)
{
	struct screen s;
	struct mule_qr_shown dummy;
	struct mule_qr_stream *st = NULL;
	struct mule_qr_code code;
	char uri[53], *text = NULL;
	gpg_error_t err;
	int version, sig;
	size_t i;

	if (!r)
		r = &dummy;
	memset(r, 0, sizeof *r);
	if (o->fps < 1 || o->fps > MULE_QR_FPS_MAX)
		return gpg_error(GPG_ERR_INV_ARG);
	if (mule_qr_is_fingerprint_uri(payload, n)) {
		/* Upper case: the code's alphanumeric mode. */
		for (i = 0; i < sizeof uri - 1; i++)
			uri[i] = (char)toupper(((const unsigned char *)payload)[i]);
		uri[i] = 0;
		text = uri;
	}
	memset(&s, 0, sizeof s);
	s.fd = fd;
	s.keys = -1;
	s.is_tty = isatty(fd);
	screen_measure(&s);
	version = mule_qr_term_fit(s.cols, s.lines, STATUS_LINES);
	if (version > o->enc.max_version)
		version = o->enc.max_version;
	err = version ? stream_for(payload, n, text, o, version, &st, &code)
	    : gpg_error(GPG_ERR_TOO_LARGE);
	if (gpg_err_code(err) == GPG_ERR_TOO_LARGE)
		err = too_small(payload, n, text, o, &s, version);
	if (err)
		return err;
	r->len = mule_qr_stream_len(st);
	caught = suspended = resized = 0;
	signals_catch(&s);
	screen_enter(&s);
	err = animate(&s, st, &code, n, o, r);
	screen_leave(&s);
	signals_restore(&s);
	sig = caught;
	if (s.keys >= 0)
		close(s.keys);
	mule_membuf_release(&s.frame);
	mule_qr_stream_free(st);
	/* Ctrl-C is how a user ends the show; any other signal is raised
	 * again, now that the terminal is back, to end us as it would have. */
	if (sig && sig != SIGINT)
		raise(sig);
	return err;
}

int
mule_qr_is_fingerprint_uri(const void *p, size_t n)
{
	static const char prefix[] = "OPENPGP4FPR:";
	const char *s = p;
	size_t i;

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (n != sizeof prefix - 1 + 40
	    || strncasecmp(s, prefix, sizeof prefix - 1))
		return 0;
	for (i = sizeof prefix - 1; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return 0;
	return 1;
}
