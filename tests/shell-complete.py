#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""shell-complete.py bash|zsh SETUP LINE...: start an interactive bash or
zsh (no startup files) on a new pseudo-terminal, run the commands SETUP
(which load the completion), type each LINE followed by Tab, and print
the command line as the completion left it, one line for each LINE.  A line that came
back unchanged (or never came back) prints as it was typed, with
"(unchanged)" after it.  Exits 0, or 124 if zsh took over 60 seconds."""
import os
import pty
import select
import signal
import sys
import tempfile
import time


def read_until(fd, path, deadline):
    """Wait until the file PATH exists; keep the terminal drained."""
    while time.time() < deadline:
        if os.path.exists(path):
            return True
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                if not os.read(fd, 65536):
                    return False
            except OSError:
                return False
    return False


def main():
    shell, setup, lines = sys.argv[1], sys.argv[2], sys.argv[3:]
    work = tempfile.mkdtemp(prefix="shell-complete.")
    env = dict(os.environ, HOME=work, ZDOTDIR=work, TERM="dumb")
    pid, fd = pty.fork()
    if pid == 0:
        if shell == "zsh":
            os.execvpe("zsh", ["zsh", "-f", "-i"], env)
        os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"], env)
    deadline = time.time() + 60
    # Ctrl-T writes the command line to a file, Ctrl-U then clears it.
    dump = ("dump() { printf '%%s\\n' \"$%s\" >%s/$((++n)).new && "
            "mv %s/$n.new %s/$n; }; n=0; "
            % ("BUFFER" if shell == "zsh" else "READLINE_LINE", work, work,
               work))
    if shell == "zsh":
        dump += "zle -N dump; bindkey '^T' dump; "
    else:
        dump += "bind -x '\"\\C-t\": dump'; "
    setup = "%s; %s: >%s/ready\n" % (setup, dump, work)
    os.write(fd, setup.encode())
    ok = read_until(fd, os.path.join(work, "ready"), deadline)
    out = []
    for i, line in enumerate(lines, 1):
        got = None
        if ok:
            os.write(fd, line.encode() + b"\t")
            time.sleep(0.1)
            os.write(fd, b"\x14\x15")
            path = os.path.join(work, str(i))
            if read_until(fd, path, deadline):
                with open(path, encoding="utf-8", errors="replace") as f:
                    got = f.read().rstrip("\n")
        if got is None or got == line:
            got = line + " (unchanged)"
        out.append(got)
    os.write(fd, b"exit\n")
    time.sleep(0.2)
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    os.waitpid(pid, 0)
    for name in os.listdir(work):
        os.unlink(os.path.join(work, name))
    os.rmdir(work)
    print("\n".join(out))
    sys.exit(0 if time.time() < deadline else 124)


main()
