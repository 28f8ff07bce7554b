#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The image reader of mule-qr decode and scan runs in a sandboxed child
# (src/lib/qr/reader.h, sandbox.h): shown by making the child misbehave
# on purpose (MULE_TEST_SWITCH, built with --enable-test-hooks) and
# seeing it stopped: a forbidden call (open, socket, exec, fork, a write
# to standard output) is killed by seccomp; a crash, garbage, silence or
# a hang (also zbar on a crafted image of finder patterns) is exit 2.
# Each time: exit 2, one error line, nothing on standard output, no -o
# file or temporary.  The child of a running scan is in seccomp mode 2
# with no new privileges and dies with its parent.  scan itself, fed a
# stream of image files through the same child (the camera's stand-in),
# ends complete, incomplete, refused, or at Ctrl-C with exit 2 and a
# count; a camera that is not there is exit 2.  encode --html writes one
# page that holds every frame and references nothing outside itself.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/qr-lib.sh"

P="$T/p"
mkdir -p "$P"
bytes 3000 7 "$P/msg"
mule-qr encode -q -o "$P/fr" "$P/msg" || { echo "Bail out! encode"; exit 99; }
nframes=$(ls "$P/fr" | grep -c '\.png$')

# stopped DESC WANT-IN-ERR ARGS...: decode ARGS refused with exit 2, one
# error line saying WANT, nothing on stdout, no -o file or temporary.
stopped() {
	sd=$1 want=$2
	shift 2
	why=""
	rm -rf "$T/od" && mkdir "$T/od"
	with_timeout mule-qr "$@" -o "$T/od/out" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq 2 ] || why="$why exit $got, not 2;"
	[ -s "$T/out" ] && why="$why standard output not empty;"
	one_error_of mule-qr "$T/err" || why="$why not one error line;"
	grep -q "$want" "$T/err" || why="$why the error does not say '$want';"
	[ -e "$T/od/out" ] && why="$why the output file was written;"
	no_temps "$T/od" || why="$why a temporary was left;"
	verdict "$sd"
}

# --- the reader as it should be --------------------------------------------
why=""
mule-qr decode -q -o "$T/back" "$P/fr" 2>"$T/err" || why="$why exit $?;"
cmp -s "$T/back" "$P/msg" || why="$why not the message;"
verdict "decode through the sandboxed reader gives the message back"
why=""
mule-qr decode -q <"$P/fr/0001.png" >"$T/out" 2>"$T/err"
[ $? -eq 2 ] || why="$why exit not 2;"
grep -q 'incomplete input: 1 parts seen' "$T/err" || why="$why not one part;"
verdict "an image on standard input goes to the reader too"
printf 'not an image' >"$P/bad.png"
why=""
mule-qr decode -o "$T/b2" "$P/bad.png" >"$T/out" 2>"$T/err"
[ $? -eq 1 ] || why="$why exit not 1;"
grep -q 'bad.png: not a PNG or JPEG image' "$T/err" || why="$why message;"
[ -e "$T/b2" ] && why="$why output written;"
verdict "the child's refusal of an image is still exit 1, naming the file"
: >"$P/empty.png"
why=""
mule-qr decode "$P/empty.png" >"$T/out" 2>"$T/err"
[ $? -eq 1 ] || why="$why exit not 1;"
grep -q 'empty.png: an empty file' "$T/err" || why="$why message;"
verdict "an empty image file is refused before any child"

# --- a camera that is not there, and usage ----------------------------------
stopped "a camera that is not there is exit 2" \
    'cannot open the camera /nonexistent/video9' scan --device /nonexistent/video9
expect_fail "scan takes no file" 2 mule-qr scan "$P/fr/0001.png"
expect_fail "--device is scan's" 2 mule-qr decode --device /dev/video0 "$P/fr"
expect_fail "--html makes images, not text" 2 mule-qr encode --text --html "$P/msg"
expect_fail "--fps of encode goes with --html" 2 mule-qr encode --fps 3 -o "$T/x" "$P/msg"
expect_fail "scan --json needs -o FILE" 2 mule-qr scan --json

# --- encode --html ------------------------------------------------------------
why=""
mule-qr encode -q --html --fps 7 -o "$P/page" "$P/msg" 2>"$T/err" ||
    why="$why exit $?;"
[ -f "$P/page/index.html" ] || why="$why no index.html;"
"$PYTHON" - "$P/page" >"$T/out" 2>&1 <<'EOF' || why="$why $(cat "$T/out");"
import base64, glob, os, re, sys
d = sys.argv[1]
html = open(os.path.join(d, 'index.html'), encoding='utf-8').read()
frames = sorted(glob.glob(os.path.join(d, '[0-9]*.png')))
uris = re.findall(r'"data:image/png;base64,([A-Za-z0-9+/=]*)"', html)
assert len(uris) == len(frames) > 1, 'not one data: URI per frame'
for u, f in zip(uris, frames):
    assert base64.b64decode(u) == open(f, 'rb').read(), f + ' differs'
rest = re.sub(r'"data:image/png;base64,[A-Za-z0-9+/=]*"', '""', html)
low = rest.lower()
for bad in ('http:', 'https:', '//', 'url(', '@import', 'src=', 'href=',
            '<link', '<iframe', '<object', '<embed', 'fetch(', 'xmlhttp',
            'import(', 'websocket', 'file:'):
    if bad == '//' and '//' in low:
        # no comment or protocol-relative address anywhere
        raise AssertionError('"//" in the page')
    assert bad not in low, bad + ' in the page'
assert "default-src 'none'" in html and 'img-src data:' in html, 'CSP'
assert 'var fps = 7;' in html, 'fps'
for word in ('Pause', 'frame " + (i + 1) + " of "'):
    assert word in html, word
EOF
verdict "encode --html: index.html holds every frame and references nothing outside"
# The page's script, run by node with a stub of the few DOM calls it
# makes: it shows frame 1, steps at 1000/fps ms, pauses, and steps with
# the arrow keys while paused.
if have node; then
	why=""
	node - "$P/page/index.html" >"$T/out" 2>&1 <<'EOF' || why="$why $(cat "$T/out");"
const fs = require('fs');
const html = fs.readFileSync(process.argv[2], 'utf8');
const script = html.match(/<script>([\s\S]*?)<\/script>/)[1];
const el = { code: { src: '' }, count: { textContent: '' },
             pause: { textContent: 'Pause', hidden: false } };
const document = { getElementById: (id) => el[id], onkeydown: null };
const timers = [];
const setInterval = (f, ms) => { timers.push({ f, ms, on: true }); return timers.length; };
const clearInterval = (t) => { if (t) timers[t - 1].on = false; };
const page = new Function('document', 'setInterval', 'clearInterval',
    script + '\nreturn { frames: frames, fps: fps };')(document, setInterval, clearInterval);
const assert = (c, m) => { if (!c) { console.log(m); process.exit(1); } };
const n = page.frames.length;
assert(el.code.src === page.frames[0], 'frame 1 not shown first');
assert(el.count.textContent === 'frame 1 of ' + n, 'counter: ' + el.count.textContent);
assert(timers.length === 1 && Math.abs(timers[0].ms - 1000 / 7) < 1, 'not 7 a second');
timers[0].f();
assert(el.code.src === page.frames[1] && el.count.textContent === 'frame 2 of ' + n, 'no step');
el.pause.onclick();
assert(!timers[0].on && el.pause.textContent === 'Play', 'no pause');
document.onkeydown({ key: 'ArrowLeft', preventDefault() {} });
document.onkeydown({ key: 'ArrowLeft', preventDefault() {} });
assert(el.count.textContent === 'frame ' + n + ' of ' + n, 'no wrap back');
el.pause.onclick();
assert(timers.length === 2 && timers[1].on && el.pause.textContent === 'Pause', 'no play');
EOF
	verdict "the page's script loops the frames, pauses and steps (node)"
else
	skip "the page's script (no node)"
fi
why=""
mule-qr encode -q --html --force -o "$P/page" "$P/msg" 2>"$T/err" ||
    why="$why exit $?;"
grep -q 'var fps = 5;' "$P/page/index.html" || why="$why not replaced;"
no_temps "$P/page" || why="$why temporary left;"
verdict "encode --html --force replaces the page with the frames"
bytes 5000 8 "$P/big"
why=""
mule-qr encode --html --max-version 1 --fragment 400 -o "$P/nopage" "$P/big" \
    >"$T/out" 2>"$T/err"
[ $? -eq 2 ] || why="$why exit not 2;"
[ -e "$P/nopage" ] && why="$why the directory is left;"
verdict "encode --html that fails leaves no page and no directory"

if ! has_test_hooks; then
	skip "the misbehaving child (needs --enable-test-hooks)"
	done_testing
fi

# --- the child misbehaves ---------------------------------------------------
for sw in open socket exec fork write; do
	MULE_TEST_SWITCH=reader-$sw stopped \
	    "a child that tries $sw is killed by seccomp" \
	    'forbidden system call and was killed by its sandbox' \
	    decode "$P/fr"
done
# (AddressSanitizer's handler would catch the crash and be killed in turn.)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0" \
MULE_TEST_SWITCH=reader-crash stopped "a crashed child is exit 2" \
    'the image reader crashed (SIGSEGV)' decode "$P/fr"
MULE_TEST_SWITCH=reader-garbage stopped "a child that answers garbage" \
    'answered something it may not' decode "$P/fr"
for sw in upper odd long end; do
	MULE_TEST_SWITCH=reader-$sw stopped "a child's answer that is wrong: $sw" \
	    'answered something it may not' decode "$P/fr"
done
MULE_TEST_SWITCH=reader-silent stopped "a child that exits without answer" \
    'stopped without an answer' decode "$P/fr"
MULE_TEST_SWITCH=reader-hang,reader-quick stopped "a hung child is ended" \
    'gave no answer in 1 s' decode "$P/fr"
if grep -q -- '-fsanitize=address' "$MULE_BUILDDIR/Makefile" 2>/dev/null; then
	skip "the memory limit (not under AddressSanitizer)"
else
	MULE_TEST_SWITCH=reader-alloc stopped \
	    "1.5 GiB is refused to the child" 'ran out of memory' \
	    decode "$P/fr"
fi

# zbar works for minutes on finder patterns tiled over an image (2000 px
# square: about 5 s here; the reader's limit is 20 s, 1 s for the test).
"$PYTHON" - "$P/dos.pgm" <<'EOF'
import sys
w, gap = 2000, 3
pat = [[x in (0, 6) or y in (0, 6) or (2 <= x <= 4 and 2 <= y <= 4)
        for x in range(7)] for y in range(7)]
cell = 7 + gap
kinds = []
for my in range(cell):
    row = bytearray(255 for _ in range(w))
    if my < 7:
        for x in range(w):
            if x % cell < 7 and pat[my][x % cell]:
                row[x] = 0
    kinds.append(bytes(row))
with open(sys.argv[1], 'wb') as f:
    f.write(b'P5 %d %d 255\n' % (w, w))
    for y in range(w):
        f.write(kinds[y % cell])
EOF
if have convert && convert "$P/dos.pgm" "$P/dos.png" 2>/dev/null; then
	start=$(date +%s)
	MULE_TEST_SWITCH=reader-quick stopped \
	    "zbar kept busy by a crafted image is ended by the watchdog" \
	    'gave no answer in 1 s' decode "$P/dos.png"
	check "... within seconds" [ $(($(date +%s) - start)) -lt 10 ]
else
	skip "the crafted image of finder patterns (no ImageMagick)"
fi

# --- scan, its frames from files through the same child --------------------
frames() { "$PYTHON" "$srcdir/tests/qr-frames.py" "$@"; }
frames "$P/all.frames" "$P"/fr/*.png
frames "$P/two.frames" "$P/fr/0001.png" "$P/fr/0002.png"
frames "$P/two-end.frames" "$P/fr/0001.png" "$P/fr/0002.png" --end
frames "$P/bad.frames" "$P/fr/0001.png" "$P/bad.png"
frames "$P/cut.frames" "$P/fr/0001.png" --cut
frames "$P/huge.frames" "$P/fr/0001.png" --huge

why=""
MULE_TEST_FRAMES="$P/all.frames" mule-qr scan -q -o "$T/scanned" \
    2>"$T/err" || why="$why exit $?;"
cmp -s "$T/scanned" "$P/msg" || why="$why not the message;"
verdict "scan reads the frames until the message is complete"
why=""
MULE_TEST_FRAMES="$P/all.frames" mule-qr scan -q --armor >"$T/out" \
    2>"$T/err" || why="$why exit $?;"
grep -q 'BEGIN PGP MESSAGE' "$T/out" || why="$why no armour;"
verdict "scan --armor writes armour on standard output"
for f in two two-end; do
	why=""
	MULE_TEST_FRAMES="$P/$f.frames" mule-qr scan --json -o "$T/od2" \
	    >"$T/out" 2>"$T/err"
	[ $? -eq 2 ] || why="$why exit not 2;"
	grep -q '"status": "incomplete", .*"images": 2, "codes": 2' "$T/out" ||
	    why="$why JSON;"
	grep -q 'incomplete input: 2 parts seen' "$T/err" || why="$why error;"
	[ -e "$T/od2" ] && why="$why output written;"
	verdict "a camera that stops before the end is incomplete ($f)"
done
MULE_TEST_FRAMES="$P/bad.frames" expect_fail \
    "a frame that is no image is refused (exit 1)" 1 mule-qr scan
grep -q 'not a PNG or JPEG image' "$T/err" || diag "$(cat "$T/err")"
MULE_TEST_FRAMES="$P/cut.frames" expect_fail \
    "a frame cut short is refused" 1 mule-qr scan
MULE_TEST_FRAMES="$P/huge.frames" expect_fail \
    "a frame over 256 MiB is refused before it is read" 1 mule-qr scan
MULE_TEST_SWITCH=reader-open MULE_TEST_FRAMES="$P/all.frames" stopped \
    "scan's child is in the sandbox too" 'killed by its sandbox' scan
# A camera's descriptor: the streaming ioctls pass, a UVC extension
# unit's (which can rewrite some cameras' firmware) is killed.
why=""
MULE_TEST_SWITCH=reader-as-camera,reader-ioctl-ok \
    MULE_TEST_FRAMES="$P/all.frames" mule-qr scan -q -o "$T/cam-ok" \
    2>"$T/err" || why="$why exit $?;"
cmp -s "$T/cam-ok" "$P/msg" || why="$why not the message;"
verdict "the camera's streaming ioctls are allowed on its descriptor"
MULE_TEST_SWITCH=reader-as-camera,reader-ioctl-uvc \
    MULE_TEST_FRAMES="$P/all.frames" stopped \
    "a UVC extension unit ioctl on the camera is killed" \
    'killed by its sandbox' scan

# A camera that shows two frames and then nothing, until Ctrl-C.
mkfifo "$P/cam"
# scan_live SIG: scan with the FIFO as its camera, ended by SIG; its
# pid in $scan_pid meanwhile; $T/out and $T/err.
scan_live() {
	(cat "$P/two.frames"; sleep 30) >"$P/cam" &
	feeder=$!
	MULE_TEST_FRAMES="$P/cam" mule-qr scan --json -o "$T/od3" \
	    >"$T/out" 2>"$T/err" &
	scan_pid=$!
	i=0
	while [ $i -lt 100 ] && ! grep -q '"images": 2' "$T/out" 2>/dev/null; do
		# The JSON is printed only at the end: wait for the child.
		[ -n "$(pgrep -P $scan_pid 2>/dev/null)" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	sleep 1
}
# gone PID: PID is no more (a zombie is reaped by init soon after).
gone() {
	i=0
	while [ -n "$1" ] && kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$1" ] && ! kill -0 "$1" 2>/dev/null
}
scan_live
child=$(pgrep -P $scan_pid | head -n 1)
why=""
if [ -n "$child" ] && [ -r "/proc/$child/status" ]; then
	grep -q '^Seccomp:[[:space:]]*2' "/proc/$child/status" ||
	    why="$why not in seccomp filter mode;"
	grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$child/status" ||
	    why="$why may gain privileges;"
	n=$(ls "/proc/$child/fd" 2>/dev/null | wc -l)
	[ "$n" -le 5 ] || why="$why $n descriptors open;"
else
	why="$why no child found;"
fi
verdict "scan's child is confined: seccomp filter, no new privileges, few descriptors"
kill -INT $scan_pid
wait $scan_pid
rc=$?
why=""
[ $rc -eq 2 ] || why="$why exit $rc, not 2;"
grep -q 'error: interrupted: 2 frames, 2 codes read, 2/8 fragments' "$T/err" ||
    why="$why no count;"
grep -q '"status": "interrupted", .*"images": 2' "$T/out" || why="$why JSON;"
[ -e "$T/od3" ] && why="$why output written;"
gone "$child" || why="$why child left;"
verdict "Ctrl-C ends scan with exit 2, a count and the JSON report"
kill $feeder 2>/dev/null
wait $feeder 2>/dev/null

scan_live
child=$(pgrep -P $scan_pid | head -n 1)
kill -KILL $scan_pid
wait $scan_pid 2>/dev/null
check "the child dies with its parent, even after SIGKILL" gone "$child"
kill $feeder 2>/dev/null
wait $feeder 2>/dev/null

done_testing
