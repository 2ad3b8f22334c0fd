#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# socket.bats: copying into a socket that zcp holds as a descriptor
# (/dev/stdout, /dev/fd/N, /proc/self/fd/N): a local socket pair and a
# loopback TCP connection, each engine, a non-blocking socket, the socket
# left open and usable afterwards, and the overwrite options that do not
# apply to a socket.  cp fails on all of these ("No such device or
# address": a socket cannot be opened again by name).

load helpers

# sockrun KIND FD NONBLOCK OUT -- CMD... [-- CMD...]: runs each CMD in
# turn with descriptor FD (1: standard output) one end of a connection of
# KIND (unix: a socket pair; tcp: loopback TCP), optionally non-blocking,
# while a reader collects what reaches the other end.  After the commands
# it sends "END" through the same end, to show that it still works, then
# writes all it received to OUT and prints each command's exit status.
sockrun()
{
	python3 - "$@" <<'EOF'
import os, socket, subprocess, sys, threading, time

kind, fd, nonblock, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], \
    sys.argv[4]
cmds = []
for a in sys.argv[5:]:
    if a == "--":
        cmds.append([])
    else:
        cmds[-1].append(a)
if kind == "unix":
    mine, theirs = socket.socketpair()
else:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    theirs = socket.create_connection(srv.getsockname())
    mine, _ = srv.accept()
    srv.close()
if nonblock == "1":
    theirs.setblocking(False)
got = bytearray()

def reader():
    if nonblock == "1":
        time.sleep(0.3)    # let the socket fill up: EAGAIN
    while True:
        d = mine.recv(1 << 20)
        if not d:
            break
        got.extend(d)

t = threading.Thread(target=reader)
t.start()
for c in cmds:
    if fd == 1:
        p = subprocess.run(c, stdout=theirs.fileno(), timeout=120)
    else:
        def give():
            if theirs.fileno() == fd:
                os.set_inheritable(fd, True)
            else:
                os.dup2(theirs.fileno(), fd)
        p = subprocess.run(c, preexec_fn=give, close_fds=False,
                           timeout=120)
    print(p.returncode)
theirs.setblocking(True)
theirs.sendall(b"END")
theirs.close()
t.join()
open(out, "wb").write(got)
EOF
}

need_python()
{
	need_cmd python3
}

# expect OUT PARTS...: OUT is the concatenation of the files PARTS, then
# "END".
expect()
{
	local out=$1
	shift
	cat "$@" > want
	printf END >> want
	cmp "$out" want
}

@test "socket: /dev/stdout a local socket: the data is sent through it" {
	need_python
	mkrandom src 3000000
	run sockrun unix 1 0 got -- "$ZCP" src /dev/stdout
	echo "$output"
	[ "$output" = 0 ]
	expect got src
}

@test "socket: /dev/stdout a loopback TCP socket: sendfile, and --debug after the data" {
	need_python
	mkrandom src 5000000
	run sockrun tcp 1 0 got -- "$ZCP" --debug src /dev/stdout
	[ "$output" = 0 ]
	# The --debug lines go to standard output, the socket, after the data.
	head -c 5000000 got > data
	cmp data src
	tail -c +5000001 got | head -n 2 > vline
	assert_match "$(cat vline)" "$(vline_re src /dev/stdout sendfile '4.77 MiB')"
	[ "$(tail -c 3 got)" = END ]
}

@test "socket: /dev/fd/N and /proc/self/fd/N, on a socket pair and TCP" {
	need_python
	mkrandom src 1000000
	for kind in unix tcp; do
		run sockrun "$kind" 5 0 got -- "$ZCP" src /dev/fd/5 \
		    -- "$ZCP" src /proc/self/fd/5 \
		    -- sh -c 'exec "$0" src /proc/$$/fd/5' "$ZCP"
		echo "$kind: $output"
		[ "$output" = "$(printf '0\n0\n0')" ]
		expect got src src src
	done
}

@test "socket: each engine, blocking and non-blocking" {
	need_python
	mkrandom src 8000000
	for nb in 0 1; do
		for e in auto sendfile splice rw; do
			run sockrun unix 1 "$nb" got -- "$ZCP" --debug \
			    --engine="$e" src /dev/stdout
			echo "$e, non-blocking $nb: $output"
			[ "$output" = 0 ]
			head -c 8000000 got > data
			cmp data src
			want=$e
			[ "$e" = auto ] && want=sendfile
			tail -c +8000001 got | grep -q "^copy offload: .*, engine: $want, "
		done
	done
}

@test "socket: clone and copy_file_range refuse a socket clearly" {
	need_python
	mkrandom src 100000
	for e in clone copy_file_range; do
		output=$(sockrun unix 1 0 got -- "$ZCP" --engine="$e" src \
		    /dev/stdout 2> err)
		[ "$output" = 1 ]
		assert_match "$(cat err)" "^zcp: $e 'src' -> '/dev/stdout': [A-Z][a-z]"
		[ "$(cat got)" = END ]
	done
}

@test "socket: the socket stays open: two copies and more output follow" {
	need_python
	mkrandom a 2000000
	mkrandom b 300000
	run sockrun tcp 1 0 got -- "$ZCP" a /dev/stdout -- "$ZCP" b /dev/stdout
	[ "$output" = "$(printf '0\n0')" ]
	expect got a b
}

@test "socket: --json records follow the data on the same socket" {
	need_python
	mkrandom src 100000
	run sockrun unix 1 0 got -- "$ZCP" --json src /dev/stdout
	[ "$output" = 0 ]
	head -c 100000 got | cmp - src
	tail -c +100001 got | head -n 2 > json
	python3 - json <<'EOF'
import json, sys
f, s = (json.loads(l) for l in open(sys.argv[1]))
assert f["type"] == "file" and f["status"] == "copied", f
assert f["destination"] == "/dev/stdout" and f["engine"] == "sendfile", f
assert f["bytes"] == 100000 and s["type"] == "summary" and s["files"] == 1
EOF
}

@test "socket: -n, -i, -u, -b, --remove-destination, -p do not apply to a socket" {
	need_python
	mkrandom src 200000
	touch -d '2000-01-01' src
	output=$(sockrun unix 5 0 got -- "$ZCP" -n src /dev/fd/5 \
	    -- "$ZCP" -i src /dev/fd/5 \
	    -- "$ZCP" -u src /dev/fd/5 \
	    -- "$ZCP" -b src /dev/fd/5 \
	    -- "$ZCP" --remove-destination src /dev/fd/5 \
	    -- "$ZCP" -p src /dev/fd/5 < /dev/null 2> err)
	echo "$output"
	cat err
	[ "$output" = "$(printf '0\n0\n0\n0\n0\n0')" ]
	# No question asked, no backup or removal tried, nothing said.
	[ ! -s err ]
	expect got src src src src src src
}

@test "socket: --attributes-only sends nothing" {
	need_python
	mkrandom src 1000
	run sockrun unix 1 0 got -- "$ZCP" --attributes-only src /dev/stdout
	[ "$output" = 0 ]
	[ "$(cat got)" = END ]
}

@test "socket: a socket that is not zcp's descriptor is refused as by cp" {
	need_python
	mkrandom src 1000
	# A socket bound to a name in the file system cannot be opened.
	python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("sock")'
	[ -S sock ]
	run --separate-stderr "$ZCP" src sock
	assert_status 1
	assert_stderr "zcp: cannot create regular file 'sock': No such device or address"
	# /dev/fd/N where descriptor N is not open: nothing to write through.
	run --separate-stderr "$ZCP" src /dev/fd/57
	assert_status 1
	[[ $stderr == "zcp: cannot create regular file '/dev/fd/57': "* ]]
}
