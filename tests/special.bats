#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# special.bats: files that are not regular files, once per engine: /dev/null
# and /dev/full as destination, a FIFO as destination, /dev/stdout into a
# pipe, /dev/stdin from a pipe, /dev/null as source, and a full
# filesystem (ENOSPC on a small tmpfs).  A forced engine either copies or
# refuses clearly: "zcp: ENGINE 'SRC' -> 'DST': ERROR", exit 1.

load helpers

eopts()
{
	[[ $1 == auto ]] || echo "--engine=$1"
}

# refused ENGINE SRC DST: the last run was a clear refusal by ENGINE.
refused()
{
	assert_status 1
	assert_match "$stderr" "^zcp: $1 '$(re_escape "$2")' -> '$(re_escape "$3")': [A-Z][a-z].*$" "refusal"
}

# Engines that must handle a non-regular end: rw always, auto by falling
# back; the others may refuse.
must_work()
{
	[[ $1 == auto || $1 == rw ]]
}

# ... and where one end is a pipe, splice too: pipes are what it is for.
must_work_pipe()
{
	must_work "$1" || [[ $1 == splice ]]
}

check_dev_null()
{
	mkrandom src 100000
	run --separate-stderr "$ZCP" $(eopts "$1") src /dev/null
	[[ -c /dev/null ]]
	if must_work "$1" || [[ $status -eq 0 ]]; then
		assert_status 0
		assert_stderr ""
	else
		refused "$1" src /dev/null
	fi
}

# /dev/full takes no byte: the copy fails with the write error, or the
# forced engine refuses.  Never exit 0.
check_dev_full()
{
	mkrandom src 100000
	run --separate-stderr "$ZCP" $(eopts "$1") src /dev/full
	assert_status 1
	if [[ $1 == auto || $1 == rw ||
	    $stderr == "zcp: error writing "* ]]; then
		assert_stderr "zcp: error writing '/dev/full': No space left on device"
	else
		refused "$1" src /dev/full
	fi
}

check_fifo_dst()
{
	mkrandom src 3000000
	mkfifo fifo
	timeout 60 cat fifo > got &
	register_pid $!
	run --separate-stderr timeout 60 "$ZCP" $(eopts "$1") src fifo
	if ! must_work_pipe "$1" && [[ $status -ne 0 ]]; then
		refused "$1" src fifo
		return 0
	fi
	assert_status 0
	assert_stderr ""
	wait
	cmp src got
	[[ -p fifo ]]
}

check_stdout_pipe()
{
	mkrandom src 3000000
	timeout 60 "$ZCP" $(eopts "$1") src /dev/stdout 2> err | cat > got
	status=${PIPESTATUS[0]}
	stderr=$(cat err)
	if ! must_work_pipe "$1" && [[ $status -ne 0 ]]; then
		refused "$1" src /dev/stdout
		return 0
	fi
	assert_status 0
	assert_stderr ""
	cmp src got
}

# A pipe of several buffers: short reads all the way.
check_stdin_pipe()
{
	mkrandom src 3000000
	# (errexit: the status is saved, not tested, by the || list)
	echo 0 > rc
	cat src | timeout 60 "$ZCP" $(eopts "$1") /dev/stdin out 2> err ||
	    echo "${PIPESTATUS[1]}" > rc
	status=$(cat rc)
	stderr=$(cat err)
	if ! must_work_pipe "$1" && [[ $status -ne 0 ]]; then
		refused "$1" /dev/stdin out
		return 0
	fi
	assert_status 0
	assert_stderr ""
	cmp src out
}

check_null_src()
{
	run --separate-stderr "$ZCP" $(eopts "$1") /dev/null out
	if ! must_work "$1" && [[ $status -ne 0 ]]; then
		refused "$1" /dev/null out
		return 0
	fi
	assert_status 0
	assert_stderr ""
	[[ -f out ]]
	assert_eq "$(fsize out)" 0 "size"
}

# A full filesystem: both ends on a 2 MiB tmpfs (so that copy_file_range
# is not refused as cross-device), 1.2 MiB copied into the ~0.8 MiB left.
# zcp reports the write error, exits 1 and, as cp does, leaves the
# partial destination: a prefix of the source, shorter than it.
check_enospc()
{
	[[ $1 != clone ]] || skip "FICLONE allocates no data blocks: its ENOSPC is injected in faults.bats"
	mkfs_tmpfs_small full 2m
	mkrandom full/src 1300000
	run --separate-stderr "$ZCP" --debug $(eopts "$1") full/src full/out
	assert_status 1
	assert_stderr "zcp: error writing 'full/out': No space left on device"
	assert_match "$output" "^'full/src' -> 'full/out'${DBG_RE}[a-z_]+( after [^]]*)?, failed after [0-9.]+ (B|KiB|MiB)$"
	[[ -f full/out ]]
	assert_prefix full/src full/out
	(( $(fsize full/out) < 1300000 ))
}

@test "auto: /dev/null as destination" {
	check_dev_null auto
}

@test "clone: /dev/null as destination" {
	check_dev_null clone
}

@test "copy_file_range: /dev/null as destination" {
	check_dev_null copy_file_range
}

@test "sendfile: /dev/null as destination" {
	check_dev_null sendfile
}

@test "splice: /dev/null as destination" {
	check_dev_null splice
}

@test "rw: /dev/null as destination" {
	check_dev_null rw
}

@test "auto: /dev/full as destination fails with the write error" {
	check_dev_full auto
}

@test "clone: /dev/full as destination fails with the write error" {
	check_dev_full clone
}

@test "copy_file_range: /dev/full as destination fails with the write error" {
	check_dev_full copy_file_range
}

@test "sendfile: /dev/full as destination fails with the write error" {
	check_dev_full sendfile
}

@test "splice: /dev/full as destination fails with the write error" {
	check_dev_full splice
}

@test "rw: /dev/full as destination fails with the write error" {
	check_dev_full rw
}

@test "auto: FIFO as destination" {
	check_fifo_dst auto
}

@test "clone: FIFO as destination" {
	check_fifo_dst clone
}

@test "copy_file_range: FIFO as destination" {
	check_fifo_dst copy_file_range
}

@test "sendfile: FIFO as destination" {
	check_fifo_dst sendfile
}

@test "splice: FIFO as destination" {
	check_fifo_dst splice
}

@test "rw: FIFO as destination" {
	check_fifo_dst rw
}

@test "auto: /dev/stdout into a pipe" {
	check_stdout_pipe auto
}

@test "clone: /dev/stdout into a pipe" {
	check_stdout_pipe clone
}

@test "copy_file_range: /dev/stdout into a pipe" {
	check_stdout_pipe copy_file_range
}

@test "sendfile: /dev/stdout into a pipe" {
	check_stdout_pipe sendfile
}

@test "splice: /dev/stdout into a pipe" {
	check_stdout_pipe splice
}

@test "rw: /dev/stdout into a pipe" {
	check_stdout_pipe rw
}

@test "auto: /dev/stdin from a pipe" {
	check_stdin_pipe auto
}

@test "clone: /dev/stdin from a pipe" {
	check_stdin_pipe clone
}

@test "copy_file_range: /dev/stdin from a pipe" {
	check_stdin_pipe copy_file_range
}

@test "sendfile: /dev/stdin from a pipe" {
	check_stdin_pipe sendfile
}

@test "splice: /dev/stdin from a pipe" {
	check_stdin_pipe splice
}

@test "rw: /dev/stdin from a pipe" {
	check_stdin_pipe rw
}

@test "auto: /dev/null as source makes an empty file" {
	check_null_src auto
}

@test "clone: /dev/null as source makes an empty file" {
	check_null_src clone
}

@test "copy_file_range: /dev/null as source makes an empty file" {
	check_null_src copy_file_range
}

@test "sendfile: /dev/null as source makes an empty file" {
	check_null_src sendfile
}

@test "splice: /dev/null as source makes an empty file" {
	check_null_src splice
}

@test "rw: /dev/null as source makes an empty file" {
	check_null_src rw
}

@test "auto: full filesystem: ENOSPC, exit 1, partial prefix left" {
	check_enospc auto
}

@test "clone: full filesystem: ENOSPC, exit 1, partial prefix left" {
	check_enospc clone
}

@test "copy_file_range: full filesystem: ENOSPC, exit 1, partial prefix left" {
	check_enospc copy_file_range
}

@test "sendfile: full filesystem: ENOSPC, exit 1, partial prefix left" {
	check_enospc sendfile
}

@test "splice: full filesystem: ENOSPC, exit 1, partial prefix left" {
	check_enospc splice
}

@test "rw: full filesystem: ENOSPC, exit 1, partial prefix left" {
	check_enospc rw
}

@test "named FIFO as source is read to its end" {
	mkrandom src 300000
	mkfifo fifo
	{ head -c 100000 src; sleep 0.2; tail -c +100001 src; } > fifo &
	register_pid $!
	run --separate-stderr timeout 60 "$ZCP" fifo out
	assert_status 0
	assert_stderr ""
	cmp src out
	[[ -f out && ! -p out ]]
}

@test "ENOSPC on one file: the next source is still tried" {
	mkfs_tmpfs_small full 1m
	mkrandom big 2000000
	printf 'small\n' > small
	mkdir -p full/d
	run --separate-stderr "$ZCP" big small full/d
	assert_status 1
	assert_eq "${stderr_lines[0]}" "zcp: error writing 'full/d/big': No space left on device"
	assert_prefix big full/d/big
	# big filled the disk: small was tried, and failed the same way (or
	# fitted in the last page).
	if [[ ${#stderr_lines[@]} -eq 2 ]]; then
		assert_eq "${stderr_lines[1]}" "zcp: error writing 'full/d/small': No space left on device"
	else
		assert_eq "${#stderr_lines[@]}" 1 "error lines"
		cmp small full/d/small
	fi
}
