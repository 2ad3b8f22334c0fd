#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/man.bats: the documentation says what the program does.  The man
# page lints clean, its SYNOPSIS is what --help's Usage lines say, and
# every option that --help lists is documented in the man page and named
# in README.md (and the man page documents no option that --help lacks).
#
# Environment: ZCP (the binary), ZCP_SRCDIR (the source tree), MANDOC
# (mandoc's path; looked up when empty).  The tests that render the page
# skip when mandoc is not installed.

setup() {
	ZCP=${ZCP:-$BATS_TEST_DIRNAME/../src/zcp}
	ZCP_SRCDIR=${ZCP_SRCDIR:-$BATS_TEST_DIRNAME/..}
	# Relative paths stay right after the cd below.
	case $ZCP in /*) ;; *) ZCP=$PWD/$ZCP ;; esac
	case $ZCP_SRCDIR in /*) ;; *) ZCP_SRCDIR=$PWD/$ZCP_SRCDIR ;; esac
	MAN=$ZCP_SRCDIR/man/zcp.1
	README=$ZCP_SRCDIR/README.md
	cd "$BATS_TEST_TMPDIR" || return 1
}

need_mandoc() {
	if [ -z "${MANDOC:-}" ]; then
		MANDOC=$(command -v mandoc) ||
		    skip "mandoc is not installed (apt-get install mandoc)"
	fi
	[ -x "$MANDOC" ] || skip "MANDOC=$MANDOC is not executable"
}

# The page as text, one paragraph per line where mdoc allows, without the
# overstrikes of bold and underline.
render() {
	"$MANDOC" -Tascii -Owidth=1000 "$MAN" | sed 's/.\x08//g'
}

# Collapses runs of blanks and trims: the only normalisation allowed when
# comparing the SYNOPSIS with --help.
squeeze() {
	sed -e 's/[[:space:]][[:space:]]*/ /g' -e 's/^ //' -e 's/ $//'
}

# The options zcp --help lists, one a line: long ones (--name) and short
# ones (-x) taken from the option lines, which start with blanks and "-".
help_long() {
	"$ZCP" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

help_short() {
	"$ZCP" --help | grep -E '^ +-[A-Za-z0-9]' |
	    sed -E 's/^ +//; s/ {2,}.*//; s/--.*//' |
	    grep -oE -- '-[A-Za-z0-9]' |
	    sort -u
}

# The options the DESCRIPTION's list documents, from the mdoc source:
# "Fl Fl name" is --name and "Fl x" is -x, in .It lines.
man_items() {
	sed -n '/^\.Sh DESCRIPTION/,/^\.Sh /p' "$MAN" | grep '^\.It .*Fl' |
	    grep -oE 'Fl( Fl)? [A-Za-z0-9][A-Za-z0-9-]*' |
	    sed -E 's/^Fl Fl /--/; s/^Fl /-/' | sort -u
}

# word FILE OPT: OPT occurs in FILE as a word of its own (--link is not
# found in --symbolic-link, nor -d in -dR).
word() {
	grep -qE -- "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9-]|\$)" "$1"
}

@test "mandoc -Tlint finds nothing in man/zcp.1" {
	need_mandoc
	run "$MANDOC" -Tlint "$MAN"
	# Not about the page but about this machine's manuals: an .Xr to a
	# page that is not installed, or a mandoc.db older than the pages.
	msgs=$(printf '%s\n' "$output" | grep -v \
	    -e 'outdated mandoc.db' -e 'referenced manual not found' |
	    grep . || true)
	if [ -n "$msgs" ]; then
		printf '%s\n' "$msgs" >&2
		return 1
	fi
	[ -n "$output" ] || [ "$status" -eq 0 ]
}

@test "the SYNOPSIS shows the Usage lines of zcp --help" {
	need_mandoc
	"$ZCP" --help | awk '
	    NR == 1 { if (!sub(/^Usage: +/, "")) exit 1; print; next }
	    sub(/^ +or: +/, "") { print; next }
	    { exit }' | squeeze > help.txt
	# The rendered SYNOPSIS: a line that starts with the program's name
	# begins a form, an indented one continues it.
	render | awk '
	    /^SYNOPSIS/ { in_syn = 1; next }
	    in_syn && /^[^ ]/ { exit }
	    in_syn && /^ *$/ { next }
	    in_syn && /^ +zcp( |$)/ { if (form != "") print form; form = $0; next }
	    in_syn { form = form " " $0 }
	    END { if (form != "") print form }' | squeeze > man.txt
	[ "$(wc -l < help.txt)" -ge 3 ]
	if ! cmp -s help.txt man.txt; then
		diff -u help.txt man.txt >&2
		return 1
	fi
}

@test "every long option of zcp --help is documented in the man page" {
	need_mandoc
	render > man.txt
	help_long > long.txt
	[ -s long.txt ]
	missing=
	while read -r opt; do
		grep -qE "^\.It .*Fl Fl ${opt#--}( |\$)" "$MAN" &&
		    word man.txt "$opt" || missing="$missing $opt"
	done < long.txt
	[ -z "$missing" ] || { echo "not in man/zcp.1:$missing" >&2; return 1; }
}

@test "every short option of zcp --help is documented in the man page" {
	need_mandoc
	render > man.txt
	help_short > short.txt
	[ -s short.txt ]
	missing=
	while read -r opt; do
		grep -qE "^\.It (.* )?Fl ${opt#-}( |\$)" "$MAN" &&
		    word man.txt "$opt" || missing="$missing $opt"
	done < short.txt
	[ -z "$missing" ] || { echo "not in man/zcp.1:$missing" >&2; return 1; }
}

@test "the man page documents no option that zcp --help lacks" {
	{ help_long; help_short; } > help.txt
	man_items > items.txt
	[ -s items.txt ]
	extra=$(grep -vxF -f help.txt items.txt || true)
	[ -z "$extra" ] || { echo "not in --help:" $extra >&2; return 1; }
}

@test "every option of zcp --help is named in README.md" {
	[ -f "$README" ]
	{ help_long; help_short; } > opts.txt
	missing=
	while read -r opt; do
		word "$README" "$opt" || missing="$missing $opt"
	done < opts.txt
	[ -z "$missing" ] || { echo "not in README.md:$missing" >&2; return 1; }
}

@test "every engine of zcp --version has an entry in ENGINES" {
	engines=$("$ZCP" --version | sed -n 's/^engines: //p')
	[ -n "$engines" ]
	for e in $engines; do
		sed -n '/^\.Sh ENGINES/,/^\.Sh /p' "$MAN" |
		    grep -qx "\.It Cm $e" || { echo "no .It Cm $e" >&2; return 1; }
	done
}

@test "every field of the --json records is documented" {
	command -v python3 > /dev/null || skip "python3 is not installed"
	printf 'data\n' > src
	"$ZCP" --json src dst > out.json
	# Field names, with those of the fallbacks' objects when there are
	# any (a file system that clones gives none).
	python3 - out.json > fields.txt <<-'EOF'
	import json, sys
	for line in open(sys.argv[1]):
	    o = json.loads(line)
	    for k in o:
	        print(k)
	    if isinstance(o.get("fallbacks"), list):
	        for f in o["fallbacks"]:
	            for k in f:
	                print(k)
	EOF
	[ "$(wc -l < fields.txt)" -ge 20 ]
	sed -n '/^\.Sh OUTPUT/,/^\.Sh /p' "$MAN" > output.mdoc
	missing=
	for k in $(sort -u fields.txt); do
		# "Li key", or a word of an ".It Li a , b" line.
		grep -qE "(^|[ .])Li $k( |\$)|^\.It Li (.* )?$k( |\$)" \
		    output.mdoc || missing="$missing $k"
	done
	[ -z "$missing" ] || { echo "undocumented:$missing" >&2; return 1; }
}
