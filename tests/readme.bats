#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/readme.bats: what README.md and debian/control show of zcp is
# what zcp does: the --json example has the fields of real output, in
# their order; the --stats example has its lines' form; the package's
# build dependencies are the ones the README installs; the package's
# description names the option that reports the engine.
#
# Environment: ZCP, ZCP_SRCDIR (the source tree).

load helpers

SRC=${ZCP_SRCDIR:-$BATS_TEST_DIRNAME/..}

# readme_after LINE N: the N lines of README.md after the one that is
# LINE (an example's command), without their indentation.
readme_after()
{
	grep -A "$2" -xF "    $1" "$SRC/README.md" | tail -n "$2" |
	    sed 's/^    //'
}

# keys FILTER: the keys of each JSON line of stdin that FILTER selects,
# in their order, one list per line.
keys()
{
	jq -c "$1 | keys_unsorted"
}

@test "README: the --json example has the fields zcp prints, in order" {
	need_cmd jq
	readme_after '$ zcp --json big big.json' 2 > example.json
	[[ $(wc -l < example.json) -eq 2 ]]
	# A copy from /proc: on another file system, so that the clone is
	# refused and the record has a fallback, as the example's.
	"$ZCP" --json /proc/self/status copy > real.json
	local what
	for what in 'select(.type == "file")' \
	    'select(.type == "file") | .fallbacks[0]' \
	    'select(.type == "summary")'; do
		assert_eq "$(keys "$what" < real.json)" \
		    "$(keys "$what" < example.json)" "$what"
	done
}

@test "README: the --stats example's lines have zcp's form" {
	readme_after '$ zcp -R --stats t /tmp/t-copy' 6 > example.txt
	mkdir t
	printf 'data\n' > t/a
	"$ZCP" -R --stats t t-copy 2> real.txt
	# The figures and the engines differ: the form may not.
	local norm='s/[0-9]+(\.[0-9]+)? (B|KiB|MiB|GiB)(\/s)?/SIZE/g;
	    s/SIZE in [0-9.]+ (us|ms|s)/SIZE in TIME/g; s/[0-9]+/N/g;
	    s/ (file|directory|symlink|special file)s?/ \1/g;
	    s/directorie/directory/g'
	assert_eq "$(sed -E "$norm" real.txt | sed -n '1,2p;/fallbacks:/p')" \
	    "$(sed -E "$norm" example.txt | sed -n '1,2p;/fallbacks:/p')"
}

@test "README: the package's build dependencies are the ones it installs" {
	local deps p line
	deps=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' "$SRC/debian/control" |
	    sed 's/^Build-Depends://; /^[A-Z]/d' | tr ',' '\n' |
	    sed 's/(.*)//; s/[[:space:]]//g' | grep -v '^$')
	[[ -n $deps ]]
	line=$(grep -x '    apt-get install build-essential .*' "$SRC/README.md")
	for p in $deps; do
		# debhelper-compat comes with debhelper.
		[[ $p == debhelper-compat ]] && p=debhelper
		[[ " $line " == *" $p "* ]] ||
		    { echo "README does not install $p: $line"; return 1; }
	done
}

@test "debian/control: the option that reports the engine is --debug" {
	run "$ZCP" --help
	[[ $output == *"--debug                  explain how a file is copied"* ]]
	grep -q '(--debug, --stats, --json)' "$SRC/debian/control"
	if grep -q '(-v, --stats, --json)' "$SRC/debian/control"; then
		return 1
	fi
}
