#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# -o onto things that are not regular files: a device or FIFO is written
# in place after the verdict, never renamed over; a directory is refused.
. "$srcdir/tests/lib.sh"
setup_keys

echo 'meet at noon' >"$T/note"
mule-seal -r bob@example.org -o "$T/note.asc" "$T/note"
# One character changed (one in 64 is an X already: then a Y).
sed '4s/./X/5' "$T/note.asc" >"$T/tampered.asc"
cmp -s "$T/note.asc" "$T/tampered.asc" &&
    sed '4s/./Y/5' "$T/note.asc" >"$T/tampered.asc"

run_status 0 mule-open -q -o /dev/null "$T/note.asc"
check "-o /dev/null: exit 0" [ $? -eq 0 ]
check "... and /dev/null is still a character device" [ -c /dev/null ]
run_status 0 mule-seal -r bob@example.org -o /dev/null "$T/note"
check "mule-seal -o /dev/null leaves the device alone" [ -c /dev/null ]

mkfifo "$T/fifo"
cat "$T/fifo" >"$T/from-fifo" &
reader=$!
run_status 0 mule-open -q -o "$T/fifo" "$T/note.asc"
st=$?
wait $reader
check "-o FIFO: exit 0" [ $st -eq 0 ]
check "... the reader gets the plaintext" cmp -s "$T/note" "$T/from-fifo"
check "... and the FIFO is still a FIFO" [ -p "$T/fifo" ]

cat "$T/fifo" >"$T/from-fifo" &
reader=$!
run_status 1 mule-open -q -o "$T/fifo" "$T/tampered.asc"
st=$?
# The FIFO was opened, so the reader sees end of file, and nothing else.
wait $reader
check "-o FIFO, tampered input: exit 1" [ $st -eq 0 ]
check "... the reader gets nothing" [ ! -s "$T/from-fifo" ]

mkdir "$T/dir"
expect_fail "-o onto a directory: exit 2" 2 mule-open -o "$T/dir" "$T/note.asc"
done_testing
