#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# cli.bats: the command line.  Operands and their errors (GNU cp 9.1's
# messages with "zcp:"), usage errors and the "Try" line, --help and
# --version, option arguments and combinations, -t and -T, several
# sources, directories without -r, and cp's quoting of odd names.
# Exit status: 0 if all was copied, 1 otherwise.

load helpers

TRY="Try 'zcp --help' for more information."

@test "no operand: missing file operand" {
	run --separate-stderr "$ZCP"
	assert_status 1
	assert_eq "$output" "" "stdout"
	assert_stderr "zcp: missing file operand
$TRY"
}

@test "one operand: missing destination file operand" {
	printf 'a\n' > a
	run --separate-stderr "$ZCP" a
	assert_status 1
	assert_stderr "zcp: missing destination file operand after 'a'
$TRY"
}

@test "-t DIR without a source: missing file operand" {
	mkdir d
	run --separate-stderr "$ZCP" -t d
	assert_status 1
	assert_stderr "zcp: missing file operand
$TRY"
}

@test "an unknown long option: exit 1, nothing copied" {
	printf 'a\n' > a
	run --separate-stderr "$ZCP" --bogus a b
	assert_status 1
	assert_eq "$output" "" "stdout"
	assert_stderr "zcp: unrecognized option '--bogus'
$TRY"
	[[ ! -e b ]]
}

@test "an unknown short option: exit 1, nothing copied" {
	printf 'a\n' > a
	run --separate-stderr "$ZCP" -Y a b
	assert_status 1
	assert_stderr "zcp: invalid option -- 'Y'
$TRY"
	[[ ! -e b ]]
}

@test "an option without its argument" {
	run --separate-stderr "$ZCP" -t
	assert_status 1
	assert_stderr "zcp: option requires an argument -- 't'
$TRY"
}

@test "the usage errors do not depend on how zcp was called" {
	printf 'a\n' > a
	mkdir bin
	ln -s "$ZCP" bin/zcp
	run --separate-stderr env PATH="$PWD/bin:$PATH" zcp --bogus a b
	local by_name=$stderr
	run --separate-stderr "$ZCP" --bogus a b
	assert_eq "$stderr" "$by_name" "stderr by path and by name"
}

@test "--help: usage on stdout, exit 0" {
	run --separate-stderr "$ZCP" --help
	assert_status 0
	assert_stderr ""
	assert_eq "${lines[0]}" "Usage: zcp [OPTION]... [-T] SOURCE DEST" "first line"
	assert_eq "${lines[1]}" "  or:  zcp [OPTION]... SOURCE... DIRECTORY"
	assert_eq "${lines[2]}" "  or:  zcp [OPTION]... -t DIRECTORY SOURCE..."
	local opt
	for opt in --force --interactive --no-clobber --update --preserve \
	    --recursive --no-dereference --dereference --target-directory \
	    --no-target-directory --verbose --remove-destination --reflink \
	    --sparse --engine --fsync --stats --json --help --version; do
		[[ $output == *"$opt"* ]] || { echo "--help lacks $opt"; return 1; }
	done
	for opt in copy_file_range sendfile splice clone rw; do
		[[ $output == *"$opt"* ]] || { echo "--help lacks $opt"; return 1; }
	done
}

@test "--help wins over operands: nothing copied" {
	printf 'a\n' > a
	run --separate-stderr "$ZCP" --help a b
	assert_status 0
	[[ ! -e b ]]
}

@test "--version: name and version on stdout, exit 0" {
	run --separate-stderr "$ZCP" --version
	assert_status 0
	assert_stderr ""
	assert_match "${lines[0]}" '^zcp [0-9]+\.[0-9]+'
}

@test "an invalid --engine: the valid ones are listed" {
	printf 'a\n' > a
	run --separate-stderr env LC_ALL=C "$ZCP" --engine=bogus a b
	assert_status 1
	assert_stderr "zcp: invalid argument 'bogus' for '--engine'
Valid arguments are:
  - 'auto'
  - 'clone'
  - 'copy_file_range'
  - 'sendfile'
  - 'splice'
  - 'rw'
  - 'uring'
$TRY"
	[[ ! -e b ]]
}

@test "an invalid --sparse, in a UTF-8 locale: cp's curly quotes" {
	locale -a 2>/dev/null | grep -qix 'c.utf-\?8' || skip "no C.UTF-8 locale"
	run --separate-stderr env LC_ALL=C.UTF-8 "$ZCP" --sparse=bogus a b
	assert_status 1
	assert_stderr "zcp: invalid argument ‘bogus’ for ‘--sparse’
Valid arguments are:
  - ‘never’
  - ‘auto’
  - ‘always’
$TRY"
}

@test "an invalid --reflink" {
	run --separate-stderr env LC_ALL=C "$ZCP" --reflink=sometimes a b
	assert_status 1
	assert_stderr "zcp: invalid argument 'sometimes' for '--reflink'
Valid arguments are:
  - 'auto'
  - 'always'
  - 'never'
$TRY"
}

@test "every engine name is accepted" {
	printf 'data\n' > a
	local e
	for e in auto clone copy_file_range sendfile splice rw; do
		rm -f b
		run --separate-stderr "$ZCP" --engine="$e" a b
		# clone may be refused here; the option itself never is.
		[[ $stderr != *"invalid argument"* ]] || {
			echo "--engine=$e: $stderr"
			return 1
		}
	done
}

@test "--reflink=never with --engine=copy_file_range is refused" {
	printf 'a\n' > a
	run --separate-stderr "$ZCP" --reflink=never --engine=copy_file_range a b
	assert_status 1
	assert_stderr "zcp: --engine=copy_file_range may share extents, which --reflink=never forbids
$TRY"
	[[ ! -e b ]]
}

@test "--sparse=never with --engine=clone or copy_file_range is refused" {
	printf 'a\n' > a
	for e in clone copy_file_range; do
		run --separate-stderr "$ZCP" --sparse=never --engine=$e a b
		assert_status 1
		assert_stderr "zcp: --engine=$e may keep holes, which --sparse=never forbids
$TRY"
		[[ ! -e b ]]
	done
}

@test "--reflink=always with --sparse=never: cp's message" {
	printf 'a\n' > a
	run --separate-stderr "$ZCP" --reflink=always --sparse=never a b
	assert_status 1
	assert_stderr "zcp: --reflink can be used only with --sparse=auto
$TRY"
}

@test "-t with -T: cp's message" {
	printf 'a\n' > a
	mkdir d
	run --separate-stderr "$ZCP" -t d -T a
	assert_status 1
	assert_stderr "zcp: cannot combine --target-directory (-t) and --no-target-directory (-T)"
	[[ ! -e d/a ]]
}

@test "two -t: cp's message" {
	printf 'a\n' > a
	mkdir d e
	run --separate-stderr "$ZCP" -t d -t e a
	assert_status 1
	assert_stderr "zcp: multiple target directories specified"
}

@test "a directory without -r is omitted, the other sources are copied" {
	printf 'a\n' > a
	printf 'b\n' > b
	mkdir d t
	printf 'x\n' > d/x
	run --separate-stderr "$ZCP" a d b t
	assert_status 1
	assert_eq "$output" "" "stdout"
	assert_stderr "zcp: -r not specified; omitting directory 'd'"
	cmp a t/a
	cmp b t/b
	[[ ! -e t/d ]]
}

@test "a directory without -r, alone" {
	mkdir d
	run --separate-stderr "$ZCP" d e
	assert_status 1
	assert_stderr "zcp: -r not specified; omitting directory 'd'"
	[[ ! -e e ]]
}

@test "several sources, the last operand a file: not a directory" {
	printf 'a\n' > a
	printf 'b\n' > b
	printf 'c\n' > c
	run --separate-stderr "$ZCP" a b c
	assert_status 1
	assert_stderr "zcp: target 'c': Not a directory"
	assert_eq "$(cat c)" c
}

@test "several sources, the last operand missing" {
	printf 'a\n' > a
	printf 'b\n' > b
	run --separate-stderr "$ZCP" a b nowhere
	assert_status 1
	assert_stderr "zcp: target 'nowhere': No such file or directory"
	[[ ! -e nowhere ]]
}

@test "several sources into a directory" {
	printf 'a\n' > a
	printf 'b\n' > b
	printf 'c\n' > c
	mkdir d
	run --separate-stderr "$ZCP" a b c d
	assert_status 0
	assert_stderr ""
	assert_eq "$output" "" "stdout"
	cmp a d/a
	cmp b d/b
	cmp c d/c
}

@test "a directory with a trailing slash as destination" {
	printf 'a\n' > a
	mkdir d
	run --separate-stderr "$ZCP" a d/
	assert_status 0
	cmp a d/a
}

@test "a missing destination with a trailing slash: cp's message" {
	printf 'a\n' > a
	run --separate-stderr "$ZCP" a nb/
	assert_status 1
	assert_stderr "zcp: cannot create regular file 'nb/': Not a directory"
	[[ ! -e nb ]]
}

@test "a destination in a missing directory" {
	printf 'a\n' > a
	run --separate-stderr "$ZCP" a nowhere/b
	assert_status 1
	assert_stderr "zcp: cannot create regular file 'nowhere/b': No such file or directory"
}

@test "a missing source: reported, the others copied, exit 1" {
	printf 'a\n' > a
	printf 'b\n' > b
	mkdir d
	run --separate-stderr "$ZCP" a nosuch b d
	assert_status 1
	assert_stderr "zcp: cannot stat 'nosuch': No such file or directory"
	cmp a d/a
	cmp b d/b
}

@test "an unreadable source: reported, exit 1" {
	need_unprivileged
	printf 'secret\n' > a
	chmod 000 a
	run --separate-stderr unprivileged "$ZCP" a b
	assert_status 1
	assert_stderr "zcp: cannot open 'a' for reading: Permission denied"
}

@test "-t DIR copies every source into DIR" {
	printf 'a\n' > a
	printf 'b\n' > b
	mkdir d
	run --separate-stderr "$ZCP" -t d a b
	assert_status 0
	assert_stderr ""
	cmp a d/a
	cmp b d/b
}

@test "--target-directory=DIR" {
	printf 'a\n' > a
	mkdir d
	run --separate-stderr "$ZCP" --target-directory=d a
	assert_status 0
	cmp a d/a
}

@test "-t with a missing directory" {
	printf 'a\n' > a
	run --separate-stderr "$ZCP" -t nowhere a
	assert_status 1
	assert_stderr "zcp: target directory 'nowhere': No such file or directory"
}

@test "-t with a file" {
	printf 'a\n' > a
	printf 'f\n' > f
	run --separate-stderr "$ZCP" -t f a
	assert_status 1
	assert_stderr "zcp: target directory 'f': Not a directory"
	assert_eq "$(cat f)" f
}

@test "-T: the destination is a file name, even a missing one" {
	printf 'a\n' > a
	run --separate-stderr "$ZCP" -T a b
	assert_status 0
	cmp a b
}

@test "-T onto a directory: cannot overwrite directory" {
	printf 'a\n' > a
	mkdir d
	run --separate-stderr "$ZCP" -T a d
	assert_status 1
	assert_stderr "zcp: cannot overwrite directory 'd' with non-directory"
	[[ ! -e d/a ]]
}

@test "-T with three operands: extra operand" {
	printf 'a\n' > a
	printf 'b\n' > b
	mkdir d
	run --separate-stderr "$ZCP" -T a b d
	assert_status 1
	assert_stderr "zcp: extra operand 'd'
$TRY"
	[[ ! -e d/a && ! -e d/b ]]
}

@test "-- ends the options" {
	printf 'dash\n' > -v
	run --separate-stderr "$ZCP" -- -v out
	assert_status 0
	assert_eq "$output" "" "stdout"
	cmp -- -v out
}

@test "names are quoted as cp quotes them" {
	mkdir d
	run --separate-stderr "$ZCP" "no such" "it's" $'nl\nx' d
	assert_status 1
	assert_stderr "zcp: cannot stat 'no such': No such file or directory
zcp: cannot stat \"it's\": No such file or directory
zcp: cannot stat 'nl'\$'\\n''x': No such file or directory"
}

@test "odd names are copied" {
	printf '1\n' > "a b"
	printf '2\n' > "it's"
	printf '3\n' > $'nl\nx'
	mkdir d
	run --separate-stderr "$ZCP" "a b" "it's" $'nl\nx' d
	assert_status 0
	assert_stderr ""
	cmp "a b" "d/a b"
	cmp "it's" "d/it's"
	cmp $'nl\nx' $'d/nl\nx'
}

# Found by the option fuzzer (tests/fuzz-options.py): each as GNU cp.
@test "--parents '' DIR: cannot stat '', as cp (no read past the name)" {
	mkdir dst
	run --separate-stderr "$ZCP" --parents '' dst
	assert_status 1
	assert_stderr "zcp: cannot stat '': No such file or directory"
}

@test "-S with a '/' inside is not a suffix: '~' is used, as cp" {
	printf 'a\n' > a
	printf 'b\n' > b
	run --separate-stderr "$ZCP" --backup=simple -S '/../zz' a b
	assert_status 0
	assert_eq "$(cat b~)" b
	[[ ! -e zz && ! -e ../zz ]]
}

@test "an empty WHEN for --sparse or --reflink is ambiguous, as cp" {
	local l r
	[[ $(locale charmap 2>/dev/null) == UTF-8 ]] && { l='‘'; r='’'; } || l="'" r="'"
	printf 'a\n' > a
	run --separate-stderr "$ZCP" --sparse= a b
	assert_status 1
	[[ ${stderr_lines[0]} == "zcp: ambiguous argument $l$r for $l--sparse$r" ]]
	run --separate-stderr "$ZCP" --reflink= a b
	assert_status 1
	[[ ${stderr_lines[0]} == "zcp: ambiguous argument $l$r for $l--reflink$r" ]]
}
