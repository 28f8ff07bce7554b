#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# fake-agent.py SOCKET MODE LOG - a gpg-agent for --forget-passphrase's
# failure paths, listening on SOCKET, each command it gets added to LOG.
#
# Key AAAA... is held from the start, BBBB... from the second listing on
# (the run "unlocked" it), CCCC... never.  MODE:
#   forgets  CLEAR_PASSPHRASE answers OK and the key is no longer held
#   refuses  CLEAR_PASSPHRASE answers ERR
#   ignores  CLEAR_PASSPHRASE answers OK, the key stays held
#   inquire  KEYINFO --list answers with an INQUIRE
#   long     KEYINFO --list answers with a line of 3000 bytes
#   silent   connections are accepted and never answered
import os
import socket
import sys

path, mode, log = sys.argv[1:4]
A, B, C = "A" * 40, "B" * 40, "C" * 40
try:
    os.unlink(path)
except FileNotFoundError:
    pass
srv = socket.socket(socket.AF_UNIX)
srv.bind(path + ".new")
srv.listen(16)
os.rename(path + ".new", path)
lists = 0
cleared = set()
quiet = []
while True:
    conn, _ = srv.accept()
    if mode == "silent":
        quiet.append(conn)
        continue
    conn.sendall(b"OK Pleased to meet you\n")
    line = conn.makefile("rb").readline().decode().rstrip("\n")
    with open(log, "a") as f:
        f.write(line + "\n")
    out = ""
    if line == "KEYINFO --list" and mode == "inquire":
        out = "INQUIRE NEEDPIN\n"
    elif line == "KEYINFO --list" and mode == "long":
        out = "S KEYINFO " + "x" * 3000
    elif line == "KEYINFO --list":
        held = [A] + ([B] if lists else [])
        lists += 1
        for g in (A, B, C):
            flag = "1" if g in held and g not in cleared else "-"
            out += "S KEYINFO %s D - - %s P - - -\n" % (g, flag)
        out += "OK\n"
    elif line.startswith("CLEAR_PASSPHRASE --mode=normal "):
        if mode == "refuses":
            out = "ERR 67108924 Not supported <GPG Agent>\n"
        else:
            if mode == "forgets":
                cleared.add(line.split()[-1])
            out = "OK\n"
    else:
        out = "ERR 67109139 Unknown IPC command <GPG Agent>\n"
    conn.sendall(out.encode())
    conn.close()
