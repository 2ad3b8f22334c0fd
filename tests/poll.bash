# SPDX-License-Identifier: GPL-3.0-or-later
# tests/poll.bash: waiting for something a background process does.

# poll TRIES PAUSE CMD...: runs CMD until it succeeds, at most TRIES
# times, PAUSE seconds apart.  0 as soon as it does, 1 if it never did.
poll() {
	local n=$1 pause=$2 i
	shift 2
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep "$pause"
	done
	return 1
}

# entries_at_least DIR N: DIR holds N entries or more.
entries_at_least() {
	[ "$(ls -A "$1" 2>/dev/null | wc -l)" -ge "$2" ]
}

# running PID: the process exists and has not exited.  kill -0 is not
# enough: it succeeds on a child that has exited and is not yet waited
# for (a zombie), and a shell busy in a loop of builtins may never reap
# it, so a loop on kill -0 alone can spin forever.
running() {
	local stat
	kill -0 "$1" 2>/dev/null || return 1
	{ read -r stat; } 2>/dev/null < "/proc/$1/stat" || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

# gone PID: the process has exited.
gone() {
	! running "$1"
}
