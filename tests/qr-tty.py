#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""qr-tty.py COLSxLINES STEPS COMMAND...: run COMMAND on a new
pseudo-terminal of that size, its controlling terminal, and do the
comma-separated STEPS in order:

  frames:N     wait until N frames were drawn (N times "ESC [ H")
  text:WORDS   wait until WORDS appeared
  key:C        type C (^C is Ctrl-C, ^D Ctrl-D, ^Z Ctrl-Z)
  type:WORDS   type WORDS
  signal:NAME  send signal NAME (TERM, HUP, ...) to COMMAND
  size:CxL     resize the terminal (the kernel sends SIGWINCH)

then wait for COMMAND to end.  Prints everything the terminal showed on
standard output and, on standard error, "echo on" or "echo off" and
"canonical on" or "canonical off": the terminal's modes after the end.
Exits with COMMAND's status (124 after 60 seconds, killed; 128 + N if
signal N ended it)."""
import fcntl
import os
import select
import signal
import struct
import sys
import termios
import time


def set_size(fd, spec):
    cols, lines = (int(x) for x in spec.split('x'))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', lines, cols, 0, 0))


def main():
    size, steps, command = sys.argv[1], sys.argv[2], sys.argv[3:]
    master, slave = os.openpty()
    set_size(slave, size)
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for i in range(3):
            os.dup2(slave, i)
        os.execvp(command[0], command)
    shown = b''
    deadline = time.time() + 60
    todo = [s for s in steps.split(',') if s]
    status = None

    def read(timeout):
        nonlocal shown
        ready, _, _ = select.select([master], [], [], timeout)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b''
            shown += data
            return bool(data)
        return True

    while time.time() < deadline:
        if todo:
            kind, _, arg = todo[0].partition(':')
            done = True
            if kind == 'frames':
                done = shown.count(b'\x1b[H') >= int(arg)
            elif kind == 'text':
                done = arg.encode() in shown
            elif kind == 'key':
                os.write(master, {'^C': b'\x03', '^D': b'\x04', '^Z': b'\x1a'}.get(arg, arg.encode()))
            elif kind == 'type':
                os.write(master, arg.encode())
            elif kind == 'signal':
                os.kill(pid, getattr(signal, 'SIG' + arg))
            elif kind == 'size':
                set_size(slave, arg)
            if done:
                todo.pop(0)
        if not read(0.05):
            break
        got, st = os.waitpid(pid, os.WNOHANG)
        if got:
            while read(0.1) and select.select([master], [], [], 0)[0]:
                pass
            break
    else:
        os.kill(pid, signal.SIGKILL)
        _, st = os.waitpid(pid, 0)
        status = 124
    if status is None and not got:
        _, st = os.waitpid(pid, 0)
    attrs = termios.tcgetattr(slave)
    lflag = attrs[3]
    sys.stderr.write('echo %s\ncanonical %s\n' % (
        'on' if lflag & termios.ECHO else 'off',
        'on' if lflag & termios.ICANON else 'off'))
    sys.stdout.buffer.write(shown)
    if status is None:
        status = os.WEXITSTATUS(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st)
    sys.exit(status)


main()
