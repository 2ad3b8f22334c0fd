#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# sparse.bats: holes.  --sparse=auto (the default) keeps a sparse source's
# holes whatever the engine (leading, trailing, middle, nothing but a
# hole); --sparse=never writes every byte; --sparse=always turns zero
# blocks into holes (rw, and auto); holes become zeros in a pipe; holes
# never let old data of an overwritten destination show through.

load helpers

eopts()
{
	[[ $1 == auto ]] || echo "--engine=$1"
}

# check_holes SHAPE ENGINE: the copy is identical and takes no more blocks
# than the source (the holes stayed holes).
check_holes()
{
	engine_dir "$2"
	holes_supported || skip "this filesystem does not keep holes"
	"mkhole_$1" src
	(( $(blocks src) * 512 < $(fsize src) ))
	run --separate-stderr "$ZCP" $(eopts "$2") src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_eq "$(fsize out)" "$(fsize src)" "size"
	(( $(blocks out) <= $(blocks src) )) || {
		echo "source $(blocks src) blocks, copy $(blocks out)"
		return 1
	}
	if [[ $1 == only ]]; then
		assert_eq "$(blocks out)" 0 "blocks of a copy of a hole"
	fi
}

# --sparse=never: every byte written, the copy has no hole.
check_never()
{
	holes_supported || skip "this filesystem does not keep holes"
	mkhole_middle src
	run --separate-stderr "$ZCP" --sparse=never $(eopts "$1") src out
	assert_status 0
	assert_stderr ""
	cmp src out
	(( $(blocks out) * 512 >= $(fsize out) )) || {
		echo "copy has $(blocks out) blocks for $(fsize out) bytes"
		return 1
	}
}

# 64 KiB of data, 1 MiB of written zeros, 64 KiB of data: dense.
mkzeros()
{
	{
		head -c 65536 /dev/urandom
		head -c 1048576 /dev/zero
		head -c 65536 /dev/urandom
	} > "$1"
}

# --sparse=always: runs of zero blocks become holes.
check_always()
{
	holes_supported || skip "this filesystem does not keep holes"
	mkzeros src
	run --separate-stderr "$ZCP" --sparse=always $(eopts "$1") src out
	assert_status 0
	assert_stderr ""
	cmp src out
	(( $(blocks out) * 512 <= 2 * 65536 + 8192 )) || {
		echo "copy has $(blocks out) blocks: zeros were written"
		return 1
	}
}

# A sparse source into a pipe: the holes arrive as zeros.
check_pipe()
{
	mkhole_middle src
	"$ZCP" $(eopts "$1") src /dev/stdout 2> err | cat > got
	status=${PIPESTATUS[0]}
	if [[ $1 != auto && $1 != rw && $1 != splice && $status -ne 0 ]]; then
		assert_match "$(cat err)" "^zcp: $1 'src' -> '/dev/stdout': " "refusal"
		return 0
	fi
	assert_status 0
	assert_eq "$(cat err)" "" "stderr"
	cmp src got
}

# A sparse source over a longer destination full of 0xff bytes: where the
# source has holes the copy reads zeros, not the old bytes.
check_over_old()
{
	engine_dir "$1"
	mkhole_middle src
	head -c 2000000 /dev/zero | tr '\0' '\377' > out
	run --separate-stderr "$ZCP" $(eopts "$1") src out
	assert_status 0
	assert_stderr ""
	cmp src out
}

@test "auto: leading hole is kept" {
	check_holes leading auto
}

@test "clone: leading hole is kept" {
	check_holes leading clone
}

@test "copy_file_range: leading hole is kept" {
	check_holes leading copy_file_range
}

@test "sendfile: leading hole is kept" {
	check_holes leading sendfile
}

@test "splice: leading hole is kept" {
	check_holes leading splice
}

@test "rw: leading hole is kept" {
	check_holes leading rw
}

@test "auto: trailing hole is kept" {
	check_holes trailing auto
}

@test "clone: trailing hole is kept" {
	check_holes trailing clone
}

@test "copy_file_range: trailing hole is kept" {
	check_holes trailing copy_file_range
}

@test "sendfile: trailing hole is kept" {
	check_holes trailing sendfile
}

@test "splice: trailing hole is kept" {
	check_holes trailing splice
}

@test "rw: trailing hole is kept" {
	check_holes trailing rw
}

@test "auto: nothing but a hole is kept" {
	check_holes only auto
}

@test "clone: nothing but a hole is kept" {
	check_holes only clone
}

@test "copy_file_range: nothing but a hole is kept" {
	check_holes only copy_file_range
}

@test "sendfile: nothing but a hole is kept" {
	check_holes only sendfile
}

@test "splice: nothing but a hole is kept" {
	check_holes only splice
}

@test "rw: nothing but a hole is kept" {
	check_holes only rw
}

@test "auto: hole in the middle is kept" {
	check_holes middle auto
}

@test "clone: hole in the middle is kept" {
	check_holes middle clone
}

@test "copy_file_range: hole in the middle is kept" {
	check_holes middle copy_file_range
}

@test "sendfile: hole in the middle is kept" {
	check_holes middle sendfile
}

@test "splice: hole in the middle is kept" {
	check_holes middle splice
}

@test "rw: hole in the middle is kept" {
	check_holes middle rw
}

@test "auto: --sparse=never fills the holes" {
	check_never auto
}

# copy_file_range may clone, and so keep holes (GNU cp 9.2 stopped using
# it under --sparse=never): forcing it with --sparse=never is refused.
@test "copy_file_range: --sparse=never is refused (it may keep holes)" {
	mkhole_middle src
	run --separate-stderr "$ZCP" --sparse=never --engine=copy_file_range src out
	assert_status 1
	[[ ! -e out ]]
}

@test "sendfile: --sparse=never fills the holes" {
	check_never sendfile
}

@test "splice: --sparse=never fills the holes" {
	check_never splice
}

@test "rw: --sparse=never fills the holes" {
	check_never rw
}

@test "auto: --sparse=always turns zero blocks into holes" {
	check_always auto
}

@test "rw: --sparse=always turns zero blocks into holes" {
	check_always rw
}

@test "auto: holes reach a pipe as zeros" {
	check_pipe auto
}

@test "sendfile: holes reach a pipe as zeros" {
	check_pipe sendfile
}

@test "splice: holes reach a pipe as zeros" {
	check_pipe splice
}

@test "rw: holes reach a pipe as zeros" {
	check_pipe rw
}

@test "auto: holes do not show the old bytes of an overwritten file" {
	check_over_old auto
}

@test "clone: holes do not show the old bytes of an overwritten file" {
	check_over_old clone
}

@test "copy_file_range: holes do not show the old bytes of an overwritten file" {
	check_over_old copy_file_range
}

@test "sendfile: holes do not show the old bytes of an overwritten file" {
	check_over_old sendfile
}

@test "splice: holes do not show the old bytes of an overwritten file" {
	check_over_old splice
}

@test "rw: holes do not show the old bytes of an overwritten file" {
	check_over_old rw
}

@test "--sparse=auto leaves a dense file with zeros dense" {
	mkzeros src
	run --separate-stderr "$ZCP" src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_eq "$(blocks out)" "$(blocks src)" "blocks"
}

@test "--sparse=always keeps the holes of a sparse source and adds more" {
	holes_supported || skip "this filesystem does not keep holes"
	# hole, data, zeros, data, hole
	truncate -s 1M src
	{
		head -c 65536 /dev/urandom
		head -c 1048576 /dev/zero
		head -c 65536 /dev/urandom
	} >> src
	truncate -s 4M src
	run --separate-stderr "$ZCP" --sparse=always src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_eq "$(fsize out)" 4194304 "size"
	(( $(blocks out) * 512 <= 2 * 65536 + 8192 )) || {
		echo "copy has $(blocks out) blocks"
		return 1
	}
}

@test "a 1 TiB hole copies in no time and no space" {
	holes_supported || skip "this filesystem does not keep holes"
	truncate -s 1T src 2>/dev/null || skip "no 1 TiB files here"
	printf 'end' >> src
	run --separate-stderr timeout 60 "$ZCP" src out
	assert_status 0
	assert_stderr ""
	assert_eq "$(fsize out)" "$(fsize src)" "size"
	(( $(blocks out) <= 64 ))
	assert_eq "$(tail -c 3 out)" end "last bytes"
}
