#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/locale.bats: zcp in the user's language, word for word with GNU
# cp.  For failing and verbose commands, zcp's stdout, stderr and exit
# status under de_DE.UTF-8 and fr_FR.UTF-8 are GNU cp's, byte for byte:
# both are run by the name zcp (a link named zcp to GNU cp, found in PATH
# as the one to zcp is), so that the program's name in "zcp: ..." and in
# "Try 'zcp --help'" is the same and nothing else may differ.  zcp's own
# messages come from its catalog, po/de.po, which is complete and in step
# with the sources; every message zcp takes from coreutils' catalog is one
# of GNU's; --json and --csv stay in English.
#
# Needs the two locales (build-aux/install-deps generates them), GNU cp
# and coreutils' catalogs, and a zcp built with NLS: skips, saying which
# is missing.  Environment: ZCP, ZCP_SRCDIR, ZCP_BUILDDIR, ZCP_LOCALEDIR
# (the uninstalled catalogs, po/locale).

load helpers

SRC=${ZCP_SRCDIR:-$BATS_TEST_DIRNAME/..}
BUILD=${ZCP_BUILDDIR:-$(dirname "$ZCP")/..}
: "${ZCP_LOCALEDIR:=$BUILD/po/locale}"
export ZCP_LOCALEDIR
LOCALES="de_DE.UTF-8 fr_FR.UTF-8"

# yes_in LOCALE: the locale's answer for yes (its yesexpr), not "y".
yes_in()
{
	case $1 in
	de_*)	echo j ;;
	fr_*)	echo o ;;
	*)	echo y ;;
	esac
}

GNU_CP=/bin/cp

# need_locale LOCALE...: skips unless each is generated and coreutils
# speaks its language here.
need_locale()
{
	local l lang

	for l; do
		lang=${l%%_*}
		locale -a 2>/dev/null | grep -qix "${l%%.*}\.utf-\?8" ||
		    skip "locale $l is not generated (build-aux/install-deps generates it)"
		[[ -f /usr/share/locale/$lang/LC_MESSAGES/coreutils.mo ]] ||
		    skip "coreutils' catalog for '$lang' is not installed"
	done
}

need_nls()
{
	grep -q '^#define ENABLE_NLS 1' "$BUILD/config.h" ||
	    skip "zcp is built with --disable-nls"
}

need_gnu_cp()
{
	"$GNU_CP" --version 2>/dev/null | grep -q 'GNU coreutils' ||
	    skip "$GNU_CP is not GNU cp"
}

setup()
{
	zcp_setup
	need_locale $LOCALES
	need_nls
}

# side_run SIDE LOCALE ARGS...: "zcp ARGS" in SIDE/w, under LOCALE, found
# in SIDE/bin through a relative PATH (nobody needs no way to it), with
# stdin from SIDE/in; as nobody if AS_NOBODY is set.  SIDE/out, SIDE/err,
# SIDE/rc.
side_run()
{
	local side=$1 loc=$2 as=() rc=0

	shift 2
	[[ -n ${AS_NOBODY:-} && $EUID -eq 0 ]] && as=("${NOBODY[@]}")
	(cd "$side/w" &&
	    env -u LANGUAGE -u LANG LC_ALL="$loc" PATH="../bin:$PATH" \
	    ZCP_LOCALEDIR="$ZCP_LOCALEDIR" "${as[@]}" zcp "$@" \
	    < ../in > ../out 2> ../err) || rc=$?
	echo "$rc" > "$side/rc"
}

# same_as_cp FIXTURE ARGS...: for each locale, makes gnu/ and zcp/, runs
# the function FIXTURE in gnu/w and zcp/w, then "zcp ARGS" in each: GNU
# cp in gnu/, zcp in zcp/, with the locale's yes (ANSWER=yes) or no
# (ANSWER=no) on stdin, as nobody if AS_NOBODY is set.  Fails at the first
# difference in stdout, stderr or exit status, showing both.
same_as_cp()
{
	local fixture=$1 loc side f zcp=$ZCP

	shift
	need_gnu_cp
	if [[ -n ${AS_NOBODY:-} ]]; then
		need_nobody
		zcp_for_nobody
		zcp=$ZCP_NOBODY
	fi
	for loc in $LOCALES; do
		rm -rf gnu zcp
		mkdir -p gnu/bin gnu/w zcp/bin zcp/w
		ln -s "$GNU_CP" gnu/bin/zcp
		ln -s "$zcp" zcp/bin/zcp
		chmod 755 gnu zcp gnu/w zcp/w
		for side in gnu zcp; do
			case ${ANSWER:-} in
			yes)	yes_in "$loc" > "$side/in" ;;
			no)	echo n > "$side/in" ;;
			*)	: > "$side/in" ;;
			esac
			(cd "$side/w" && "$fixture") || return 1
			side_run "$side" "$loc" "$@"
		done
		for f in rc out err; do
			if ! cmp -s gnu/$f zcp/$f; then
				printf '%s: zcp %s: the %s differs\n' "$loc" "$*" "$f"
				printf -- '--- GNU cp:\n%s\n--- zcp:\n%s\n' \
				    "$(cat -A gnu/$f)" "$(cat -A zcp/$f)"
				return 1
			fi
		done
	done
}

# Fixtures (run in the working directory of each side).
none() { :; }
files() { echo one > f; echo two > g; }
tree() { files; mkdir -p d/sub e; echo three > d/x; }
# (One entry in d: zcp -r copies several at once, -v in the order done.)
small_tree() { files; mkdir d e; echo three > d/x; }
two_dirs() { mkdir a b d; echo a > a/f; echo b > b/f; }
backups() { files; echo old > g.~1~; }
dir_in_the_way() { files; mkdir -p d/f; }
file_in_the_way() { tree; echo in the way > e/d; }
unreadable() { files; chmod 600 f; chmod 755 .; }
read_only_dir() { files; mkdir ro; chmod 755 ro .; }
unwritable_dest() { files; chmod 444 g; chmod 1777 .; }

# The comparisons are not vacuous: GNU cp does speak both languages here.
@test "locale: GNU cp speaks German and French here" {
	need_gnu_cp
	run env -u LANGUAGE LC_ALL=de_DE.UTF-8 "$GNU_CP" nosuch x
	[[ $output == *"der Aufruf von stat für 'nosuch' ist nicht möglich"* ]]
	run env -u LANGUAGE LC_ALL=fr_FR.UTF-8 "$GNU_CP" nosuch x
	[[ $output == *"impossible d'évaluer 'nosuch'"* ]]
}

@test "locale: a missing source, as cp says it" {
	same_as_cp none nosuch x
}

@test "locale: odd names, quoted as cp quotes them in the locale" {
	same_as_cp tree "grö\$ße" $'new\nline' "it's" $'\xff\xfe' e
}

@test "locale: no operand at all" {
	same_as_cp none
}

@test "locale: a missing destination operand" {
	same_as_cp files f
}

@test "locale: an invalid short option" {
	same_as_cp files -Q f g
}

@test "locale: an unrecognized long option" {
	same_as_cp files --frobnicate f g
}

@test "locale: an option without its argument" {
	same_as_cp files f g --target-directory
}

@test "locale: an invalid argument, with the valid ones in the locale's quotes" {
	same_as_cp files --reflink=sometimes f g
}

@test "locale: an ambiguous argument of --backup (the backup type)" {
	same_as_cp files --backup=n f g
}

@test "locale: an ambiguous empty --sparse=" {
	same_as_cp files --sparse= f g
}

@test "locale: an extra operand with -T" {
	same_as_cp files -T f g h
}

@test "locale: a target that is not a directory" {
	same_as_cp files f g h
}

@test "locale: a target directory that does not exist (-t)" {
	same_as_cp files -t nodir f
}

@test "locale: -t and -T together" {
	same_as_cp tree -t d -T f
}

@test "locale: two target directories" {
	same_as_cp tree -t d -t e f
}

@test "locale: -l and -s together" {
	same_as_cp files -ls f g
}

@test "locale: --backup and --no-clobber together" {
	same_as_cp files -b -n f g
}

@test "locale: --parents into a file" {
	same_as_cp files --parents f g
}

@test "locale: --preserve=context without SELinux" {
	[[ ! -e /sys/fs/selinux/enforce ]] || skip "SELinux is enabled here"
	same_as_cp files --preserve=context f g
}

@test "locale: a file copied onto itself" {
	same_as_cp files f f
}

@test "locale: a directory without -r is omitted" {
	same_as_cp tree d e
}

@test "locale: a directory into itself" {
	same_as_cp tree -r d d/sub
}

@test "locale: a source file named twice" {
	same_as_cp tree f f e
}

@test "locale: a source directory named twice" {
	same_as_cp tree -r d d e
}

@test "locale: will not overwrite a just-created file" {
	same_as_cp two_dirs a/f b/f d
}

@test "locale: a directory in the way of a file" {
	same_as_cp dir_in_the_way f d
}

@test "locale: a file in the way of a directory" {
	same_as_cp file_in_the_way -r d e
}

@test "locale: a relative symbolic link into another directory" {
	same_as_cp tree -s f e/
}

@test "locale: -i asks in the locale's words, the locale's yes copies" {
	ANSWER=yes same_as_cp files -i f g
	cmp zcp/w/f zcp/w/g
}

@test "locale: -i, answered no" {
	ANSWER=no same_as_cp files -i f g
}

@test "locale: -iv, answered yes" {
	ANSWER=yes same_as_cp files -iv f g
}

@test "locale: -v" {
	same_as_cp files -v f h
}

@test "locale: -v with a simple backup" {
	same_as_cp files -vb f g
}

@test "locale: -v with numbered backups" {
	same_as_cp backups -v --backup=numbered f g
}

@test "locale: -v with --remove-destination (removed ...)" {
	same_as_cp files -v --remove-destination f g
}

@test "locale: -rv of a tree" {
	same_as_cp small_tree -rv d e
}

@test "locale: -v --parents" {
	same_as_cp tree -v --parents d/x e
}

@test "locale: as nobody, an unreadable source (permission denied)" {
	AS_NOBODY=1 same_as_cp unreadable f h
}

@test "locale: as nobody, a directory it cannot write in" {
	AS_NOBODY=1 same_as_cp read_only_dir f ro/f
}

@test "locale: as nobody, -i before an unwritable destination" {
	ANSWER=no AS_NOBODY=1 same_as_cp unwritable_dest -i f g
}

# zcp's own words: from its catalog.
@test "locale: zcp's own messages are in German (--stats, --debug)" {
	need_locale de_DE.UTF-8
	files
	run --separate-stderr env LC_ALL=de_DE.UTF-8 "$ZCP" --debug --stats f h
	[ "$status" -eq 0 ]
	[[ $output == *", Engine: "* ]]
	[[ ${stderr_lines[0]} == "zcp: Statistik: 1 Datei, 0 Verzeichnisse, 0 symbolische Verknüpfungen, 0 Spezialdateien; 0 übersprungen, 0 gescheitert" ]]
}

@test "locale: --help: zcp's parts from its catalog, GNU's from coreutils'" {
	run env LC_ALL=de_DE.UTF-8 "$ZCP" --help
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "Aufruf: zcp [OPTION]... [-T] QUELLE ZIEL" ]]
	# GNU's words, in GNU's German.
	[[ $output == *"  -l, --link                   Dateien verknüpfen, statt sie zu kopieren"* ]]
	[[ $output == *"Engines und Berichte:"* ]]
	# French: GNU's parts only (zcp has no French catalog).
	run env LC_ALL=fr_FR.UTF-8 "$ZCP" --help
	[ "$status" -eq 0 ]
	[[ $output == *"Les arguments obligatoires pour les options longues"* ]]
}

@test "locale: --help in German: every description at column 31, as coreutils' German" {
	need_locale de_DE.UTF-8
	need_cmd python3
	env LC_ALL=de_DE.UTF-8 "$ZCP" --help > help
	python3 - help <<'EOF'
import re, sys
bad = []
for l in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    if not l.startswith(" ") or l.startswith("  oder:"):
        continue
    # An option, its description after two spaces at least, at column
    # 31 unless the option is longer; or a description's next line.
    m = re.match(r"^ +-\S*(?: \S+)*?(?:  +(\S))?", l)
    if l.lstrip().startswith("-"):
        col = m.start(1) if m.group(1) else None
        if col is not None and col != 31 and not (col > 31 and
                l[col - 2:col] == "  " and l[col - 3] != " "):
            bad.append(l)
    elif len(l) - len(l.lstrip()) != 31:
        bad.append(l)
    if len(l) > 80:
        bad.append(l)
assert not bad, "\n".join(bad)
EOF
}

@test "locale: --debug's skipped line in the locale (GNU cp 9.4's words, zcp's where coreutils has none)" {
	need_locale de_DE.UTF-8
	files
	run --separate-stderr env LC_ALL=de_DE.UTF-8 "$ZCP" --debug -n f g
	[ "$status" -eq 0 ]
	[ "$output" = "'g' wurde übersprungen" ]
}

@test "locale: --atomic --resume's partial file not adopted: why, in German" {
	need_locale de_DE.UTF-8
	files
	printf 'o' > .g.zcp-partial
	chmod 666 .g.zcp-partial
	run --separate-stderr env LC_ALL=de_DE.UTF-8 "$ZCP" --debug --atomic \
	    --resume f g
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *", nicht fortgesetzt: die Teilkopie ist keine von zcp hinterlassene: andere Benutzer dürfen in sie schreiben; entfernt" ]]
	cmp f g
}

@test "locale: the options of --sweep are refused in German" {
	need_locale de_DE.UTF-8
	run env LC_ALL=de_DE.UTF-8 "$ZCP" --bench --sweep --runs=2 --sweep-time=5
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "zcp: --runs und --sweep-time können nicht kombiniert werden" ]
	run env LC_ALL=de_DE.UTF-8 "$ZCP" --bench --sweep=4K,lots
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "zcp: ungültige Größe: „lots“" ]
	run env LC_ALL=de_DE.UTF-8 "$ZCP" --bench --sweep --sweep-time=0
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "zcp: ungültige Zeit: „0“" ]
}

# aligned FILE WORD...: the table of FILE whose heading holds the WORDs,
# in that order, has its columns aligned on a terminal: the first column
# left-aligned unless the heading starts with a space, the last one too
# if its WORD has a space (a verdict), the others right-aligned, in every
# row up to the first blank line or the first contender that did not run.
aligned()
{
	python3 - "$@" <<'EOF'
import sys
path, words = sys.argv[1], sys.argv[2:]
lines = open(path, encoding="utf-8").read().split("\n")
head = [i for i, l in enumerate(lines)
        if all(w in l for w in words)][0]
spans, at = [], 0
for w in words:
    at = lines[head].index(w, at)
    spans.append((at, at + len(w)))
    at += len(w)
rows = []
for l in lines[head + 1:]:
    if l == "" or l.split()[1] in ("abgelehnt:", "übersprungen:"):
        break
    rows.append(l)
assert rows, lines
last_left = " " in words[-1]
for r in rows:
    for k, (s, e) in enumerate(spans):
        if k == 0 and lines[head][0] != " ":
            assert r[0] != " ", (r, words[k])
        elif k == len(spans) - 1 and last_left:
            assert r[s - 1] == " " and r[s] != " ", (r, words[k])
        else:
            assert r[e - 1] != " " and (e == len(r) or r[e] == " "), \
                (r, words[k], e)
print("%d rows aligned under %r" % (len(rows), lines[head]))
EOF
}

@test "locale: --bench's table in German, its columns aligned" {
	need_locale de_DE.UTF-8
	need_cmd python3
	mkdir d
	env LC_ALL=de_DE.UTF-8 "$ZCP" --bench=rw,auto --runs=2 \
	    --bench-size=64K d > table
	cat table
	grep -qx '2 Läufe von jedem nach einem Aufwärmlauf, abwechselnd; warmer Cache; nicht auf die Platte geschrieben' table
	aligned table Engine Läufe min Median max Streuung Rate Faktor
	grep -qE '^(am schnellsten|kein klarer Sieger): ' table
	[[ -z $(ls -A d) ]]
}

@test "locale: --bench --sweep's table and chart in German, aligned" {
	need_locale de_DE.UTF-8
	need_cmd python3
	mkdir d
	env LC_ALL=de_DE.UTF-8 "$ZCP" --bench=rw,auto --sweep=4K,64K \
	    --runs=2 --chart d > table
	cat table
	grep -q "^zcp --bench --sweep: zufällige Dateien von 4.00 KiB bis 64.0 KiB in 'd' (" table
	grep -q '^bei jeder Größe ein Aufwärmlauf, dann 2 Läufe von jedem, abwechselnd; warmer Cache; nicht auf die Platte geschrieben; Dauer: ' table
	grep -qx 'Median-Durchsatz in MiB/s' table
	aligned table Größe Läufe rw auto "am schnellsten"
	grep -qx 'Median-Durchsatz nach Dateigröße, beide logarithmisch (K, M, G: KiB, MiB, GiB)' table
	# A contender that never ran is listed under the table, in German.
	env LC_ALL=de_DE.UTF-8 "$ZCP" --bench=clone,rw --sweep=4K --runs=1 \
	    d > refused || true
	cat refused
	if ! grep -qE '^ +Größe +Läufe +clone ' refused; then
		grep -qE '^clone: abgelehnt: .+ \(E[A-Z]+\)$' refused
	fi
	[[ -z $(ls -A d) ]]
}

@test "locale: --bench --sweep --plot: the picture's words in German" {
	need_locale de_DE.UTF-8
	need_cmd python3
	mkdir d
	env LC_ALL=de_DE.UTF-8 "$ZCP" --bench=rw,auto --sweep=4K,64K \
	    --runs=2 --plot=plot.svg d > /dev/null
	python3 - plot.svg <<'EOF'
import sys
import xml.etree.ElementTree as ET
N = "{http://www.w3.org/2000/svg}"
texts = ["".join(t.itertext())
         for t in ET.parse(sys.argv[1]).getroot().iter(N + "text")]
print(texts)
assert texts[0] == "zcp --bench --sweep: Kopierdurchsatz nach Dateigröße"
assert "warmer Cache" in texts[1], texts[1]
assert "nicht auf die Platte geschrieben" in texts[1], texts[1]
for t in ("Dateigröße (logarithmisch)", "Durchsatz (logarithmisch)",
          "Linie: Median der Läufe", "Band: Spanne der Läufe"):
    assert t in texts, t
EOF
}

# --json and --csv are for programs: English, whatever the locale.
@test "locale: --json is the same in C, de_DE.UTF-8 and fr_FR.UTF-8" {
	files
	local loc ref
	for loc in C $LOCALES; do
		rm -rf out
		mkdir out
		# A failure (its message), and fallbacks (their errors):
		# /proc is on another file system, the clone is refused.
		env LC_ALL=$loc "$ZCP" --json -j1 nosuch /proc/self/stat f \
		    out > "json.$loc" 2> "err.$loc" || true
		sed -E 's/"(seconds|bytes_per_second|verify_seconds|bytes)":[0-9.e+]+/"\1":N/g;
		    s/"(copy_file_range|sendfile|splice|rw|clone)":[0-9]+/"\1":N/g' \
		    "json.$loc" > "norm.$loc"
	done
	grep -q '"error":"cannot stat '\''nosuch'\'': No such file or directory"' norm.C
	grep -q '"fallbacks":\[{' norm.C
	cmp norm.C norm.de_DE.UTF-8
	cmp norm.C norm.fr_FR.UTF-8
	# (stderr is for people: there it is German.)
	grep -q "der Aufruf von stat für 'nosuch' ist nicht möglich" \
	    err.de_DE.UTF-8
}

@test "locale: --bench --json and --csv are the same in C and de_DE.UTF-8" {
	local loc fmt
	mkdir d
	for fmt in json csv; do
		for loc in C de_DE.UTF-8; do
			# (Exit status 1 if the clone is refused: it is
			# named, and its error must be English too.)
			env LC_ALL=$loc "$ZCP" --bench=clone,rw --runs=1 \
			    --bench-size=64K --$fmt d > "b.$fmt.$loc" || true
			# The times and rates differ from run to run.
			sed -E 's/[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?/N/g' \
			    "b.$fmt.$loc" > "n.$fmt.$loc"
		done
		cmp "n.$fmt.C" "n.$fmt.de_DE.UTF-8"
	done
}

@test "locale: --bench --sweep --json and --csv are the same in C and de_DE.UTF-8" {
	local loc fmt
	mkdir d
	for fmt in json csv; do
		for loc in C de_DE.UTF-8; do
			# clone is refused on most file systems (exit 1): its
			# error must be English too.  (One contender runs, so
			# the order of the rows is the same in both.)
			env LC_ALL=$loc "$ZCP" --bench=clone,rw \
			    --sweep=4K,16K --sweep-time=1 --$fmt d \
			    > "s.$fmt.$loc" || true
			# The times, rates and numbers of runs differ from
			# run to run: each number is N, each list of them N.
			sed -E 's/[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?/N/g;
			    s/N([, ]N)+/N/g' "s.$fmt.$loc" > "n.$fmt.$loc"
		done
		cat "s.$fmt.de_DE.UTF-8"
		cmp "n.$fmt.C" "n.$fmt.de_DE.UTF-8"
	done
	grep -q '"type":"sweep"' s.json.C
	[[ -z $(ls -A d) ]]
}

# The catalog.
@test "po/de.po: every message translated, none fuzzy" {
	need_cmd msgfmt
	run msgfmt --check --statistics -o /dev/null "$SRC/po/de.po"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output =~ ^[0-9]+\ translated\ messages\.$ ]]
}

# make builds po/zcp.pot from the sources (make update-po merges it into
# po/de.po): a message added to the sources without a translation fails.
@test "po/de.po holds every message of the sources (po/zcp.pot)" {
	need_cmd msgcmp
	[[ -f $BUILD/po/zcp.pot ]] || skip "no po/zcp.pot: make builds it"
	run msgcmp "$SRC/po/de.po" "$BUILD/po/zcp.pot"
	echo "$output" | grep -v 'this message is not used' || true
	[ "$status" -eq 0 ]
}

# The functions that print a message or keep one for later take it marked
# (nls.h): a bare English format among their arguments is a message no
# catalog will find.  The few that are not words for translators, or
# that cp itself prints in English (libattr's), are named here.
@test "every message the sources print is marked for translation" {
	need_cmd xgettext msgcat
	xgettext --from-code=UTF-8 --language=C --omit-header -k \
	    -krecord_fail:3 -krecord_warn:3 -krun_fail:6 -krun_skip:5 \
	    -kwarnx:1 -kwarn:1 -kerrx:2 -kerr:2 -koperands_die:2 \
	    -kreport_error:2 -kbench_status:1 -o bare.pot \
	    "$SRC"/src/*.c "$SRC"/src/*.h "$SRC"/src/bench/*.c
	touch bare.pot
	msgcat --no-wrap --no-location bare.pot 2>/dev/null |
	    sed -n 's/^msgid "\(.*\)"$/\1/p' | grep -v '^$' > bare.txt || true
	grep -vxF -e 'atexit' -e '%s %s -> %s' -e '%s' \
	    -e '%s attributes for %s' bare.txt > unmarked.txt || true
	if [[ -s unmarked.txt ]]; then
		echo "not marked for translation (src/nls.h):"
		cat unmarked.txt
		return 1
	fi
}

# A message in GNU cp's words (CP_(), CPN_()) must be one of coreutils'
# message ids, or no language would find it.
@test "every message zcp takes from coreutils is one of coreutils' own" {
	need_cmd msgcmp msgunfmt
	[[ -f $BUILD/po/cp-msgids.pot ]] || skip "no po/cp-msgids.pot: make builds it"
	local lang
	for lang in de fr; do
		msgunfmt -o "coreutils.$lang.po" \
		    "/usr/share/locale/$lang/LC_MESSAGES/coreutils.mo"
		run msgcmp "coreutils.$lang.po" "$BUILD/po/cp-msgids.pot"
		echo "$output" | grep -v 'this message is not used' || true
		[ "$status" -eq 0 ]
	done
}
