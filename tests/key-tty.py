#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""key-tty.py ANSWERS COMMAND...: run COMMAND on a new pseudo-terminal,
its controlling terminal (as a person at a terminal runs it), type the
next line of the file ANSWERS each time it prompts "> ", and Ctrl-D when
the answers are used up.  Print everything the terminal showed (typed
answers included), and exit with COMMAND's status (124 if it ran for more
than 60 seconds, 128 + N if signal N ended it)."""
import os
import pty
import select
import signal
import sys
import time


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        answers = f.read().splitlines()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[2], sys.argv[2:])
    shown = b""
    prompts = typed = 0
    deadline = time.time() + 60
    status = None
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                break
            shown += data
            prompts = shown.count(b"\n> ") + shown.startswith(b"> ")
            while typed < prompts:
                if typed < len(answers):
                    os.write(fd, answers[typed].encode() + b"\n")
                else:
                    os.write(fd, b"\x04")
                typed += 1
    else:
        os.kill(pid, signal.SIGKILL)
        status = 124
    _, st = os.waitpid(pid, 0)
    sys.stdout.buffer.write(shown)
    if status is None:
        status = os.WEXITSTATUS(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st)
    sys.exit(status)


main()
