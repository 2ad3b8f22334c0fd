#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# report.bats: what zcp says about a copy.  The -v line per engine (engine,
# fallbacks, size, time, rate, ", sparse", ", synced", "failed after"), the
# size format (IEC, three significant digits), --json (JSON Lines: one
# record per file and a summary) and --stats on stderr.

load helpers

eopts()
{
	[[ $1 == auto ]] || echo "--engine=$1"
}

# json_check FILE PYTHON: runs PYTHON with recs (every record of the JSON
# Lines FILE, each line parsed on its own), files (the "file" records) and
# summary (the last record, which must be the one summary).
json_check()
{
	python3 - "$1" <<EOF
import json, sys
lines = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read().splitlines()
recs = [json.loads(l) for l in lines]
assert recs, "no JSON record"
summary = recs[-1]
assert summary["type"] == "summary", summary
assert [r["type"] for r in recs[:-1]] == ["file"] * (len(recs) - 1), recs
files = recs[:-1]
$2
EOF
}

# human BYTES: the size as zcp prints it.
human()
{
	python3 - "$1" <<'EOF'
import sys
n = float(sys.argv[1])
if n < 1024:
    print("%.0f B" % n); sys.exit()
units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
i = 0
while n >= 1023.5 and i + 1 < len(units):
    n /= 1024; i += 1
fmt = "%.2f %s" if n < 9.995 else "%.1f %s" if n < 99.95 else "%.0f %s"
print(fmt % (n, units[i]))
EOF
}

# The -v line of a forced engine, exactly: no fallback, no suffix.
check_vline()
{
	engine_dir "$1"
	mkrandom src 1048576
	run --separate-stderr "$ZCP" --debug $(eopts "$1") src out
	assert_status 0
	assert_stderr ""
	case $1 in
	clone)
		assert_match "$output" "^'src' -> 'out'${DBG_RE}cloned, 1\\.00 MiB in $T_RE$" ;;
	auto)
		assert_match "$output" "$(vline_re src out auto '1.00 MiB')"
		[[ ${output##*engine: } != *sparse* && $output != *synced* ]] ;;
	*)
		assert_match "$output" "^'src' -> 'out'${DBG_RE}$1, 1\\.00 MiB in $T_RE, $R_RE$" ;;
	esac
}

# --fsync: ", synced" ends the line.
check_synced()
{
	engine_dir "$1"
	mkrandom src 100000
	run --separate-stderr "$ZCP" --debug --fsync $(eopts "$1") src out
	assert_status 0
	assert_stderr ""
	cmp src out
	assert_match "$output" "^'src' -> 'out'${DBG_RE}.*, 97\\.7 KiB in $T_RE(, $R_RE)?, synced$"
}

# A file that fails on a full filesystem: "failed after SIZE" is what the
# partial destination holds.
check_failed_after()
{
	[[ $1 != clone ]] || skip "FICLONE allocates no data blocks"
	need_cmd python3
	mkfs_tmpfs_small full 2m
	mkrandom full/src 1300000
	run --separate-stderr "$ZCP" --debug $(eopts "$1") full/src full/out
	assert_status 1
	assert_stderr "zcp: error writing 'full/out': No space left on device"
	assert_match "$output" "^'full/src' -> 'full/out'${DBG_RE}[a-z_]+( after [^]]*)?, failed after $(re_escape "$(human "$(fsize full/out)")")$" "failed after the bytes in the destination ($(fsize full/out))"
}

@test "auto: -v line" {
	check_vline auto
}

@test "clone: -v line" {
	check_vline clone
}

@test "copy_file_range: -v line" {
	check_vline copy_file_range
}

@test "sendfile: -v line" {
	check_vline sendfile
}

@test "splice: -v line" {
	check_vline splice
}

@test "rw: -v line" {
	check_vline rw
}

@test "auto: --fsync adds , synced" {
	check_synced auto
}

@test "clone: --fsync adds , synced" {
	check_synced clone
}

@test "copy_file_range: --fsync adds , synced" {
	check_synced copy_file_range
}

@test "sendfile: --fsync adds , synced" {
	check_synced sendfile
}

@test "splice: --fsync adds , synced" {
	check_synced splice
}

@test "rw: --fsync adds , synced" {
	check_synced rw
}

@test "auto: failed after SIZE is what the destination got" {
	check_failed_after auto
}

@test "copy_file_range: failed after SIZE is what the destination got" {
	check_failed_after copy_file_range
}

@test "sendfile: failed after SIZE is what the destination got" {
	check_failed_after sendfile
}

@test "splice: failed after SIZE is what the destination got" {
	check_failed_after splice
}

@test "rw: failed after SIZE is what the destination got" {
	check_failed_after rw
}

@test "-v: sizes in IEC units, three significant digits" {
	local spec n want
	for spec in "0:0 B" "1:1 B" "1023:1023 B" "1024:1.00 KiB" \
	    "1536:1.50 KiB" "10229:9.99 KiB" "10240:10.0 KiB" \
	    "102400:100 KiB" "1048576:1.00 MiB" "1572864:1.50 MiB"; do
		n=${spec%%:*}
		want=${spec#*:}
		mkrandom "s$n" "$n"
		run --separate-stderr "$ZCP" --debug --engine=rw "s$n" "o$n"
		assert_status 0
		assert_match "$output" "^'s$n' -> 'o$n'${DBG_RE}rw, $(re_escape "$want") in $T_RE, $R_RE$" "$n bytes"
	done
}

@test "-v: a sparse source says , sparse and counts its holes" {
	holes_supported || skip "this filesystem does not keep holes"
	truncate -s 2560M src
	printf 'end' >> src
	run --separate-stderr "$ZCP" --debug --engine=rw src out
	assert_status 0
	assert_match "$output" "^'src' -> 'out'${DBG_RE}rw, 2\\.50 GiB in $T_RE, $R_RE, sparse$"
}

@test "-v: a dense file under --sparse=always does not claim , sparse" {
	mkrandom src 1048576
	run --separate-stderr "$ZCP" --debug --sparse=always src out
	assert_status 0
	cmp src out
	assert_eq "$(blocks out)" "$(blocks src)" "blocks: no hole was made"
	[[ ${output##*engine: } != *sparse* ]] || {
		echo "no hole made, yet: $output"
		return 1
	}
}

@test "-v: , sparse under --sparse=always only if holes were made" {
	holes_supported || skip "this filesystem does not keep holes"
	{
		head -c 65536 /dev/urandom
		head -c 1048576 /dev/zero
		head -c 65536 /dev/urandom
	} > src
	run --separate-stderr "$ZCP" --debug --sparse=always --engine=sendfile src out
	assert_status 0
	cmp src out
	if [[ $output == *", sparse]" ]]; then
		(( $(blocks out) < $(blocks src) )) || {
			echo "says sparse, has $(blocks out) blocks of $(blocks src)"
			return 1
		}
	fi
}

@test "-v: fallbacks joined by '; ', the engine that copied first" {
	need_strace
	mkrandom src 100000
	run --separate-stderr zcp_strace 'inject=/^sendfile(64)?$:error=EINVAL' \
	    'inject=splice:error=EXDEV:when=1' -- --debug --reflink=never src out
	assert_status 0
	assert_match "$output" "^'src' -> 'out'${DBG_RE}rw after sendfile: Invalid argument; splice: Invalid cross-device link, 97\\.7 KiB in $T_RE, $R_RE$"
}

@test "-v: a failed file: the line, then the error on stderr" {
	mkrandom src 100000
	run --separate-stderr "$ZCP" --debug --engine=rw src /dev/full
	assert_status 1
	assert_eq "$output" "'src' -> '/dev/full'
copy offload: avoided, reflink: avoided, sparse detection: no, engine: rw, failed after 0 B" "stdout"
	assert_stderr "zcp: error writing '/dev/full': No space left on device"
}

@test "-v: nothing for what was not copied (omitted, missing), -n's skip only a 'skipped' line" {
	printf 'a\n' > a
	printf 'b\n' > b
	mkdir d t
	printf 'old\n' > t/b
	run --separate-stderr "$ZCP" --debug -n a d nosuch b t
	assert_status 1
	assert_match "${lines[0]}"$'\n'"${lines[1]}" \
	    "$(vline_re a t/a auto '2 B')"
	assert_eq "${lines[2]}" "skipped 't/b'"
	assert_eq "${#lines[@]}" 3 "lines on stdout"
	assert_stderr "zcp: -r not specified; omitting directory 'd'
zcp: cannot stat 'nosuch': No such file or directory"
}

@test "--json: one valid record per file and a summary" {
	need_cmd python3
	mkrandom a 100000
	: > e
	mkdir d
	run --separate-stderr "$ZCP" --json a e d
	assert_status 0
	assert_stderr ""
	printf '%s\n' "$output" > out.json
	json_check out.json '
assert len(files) == 2, files
for f, (src, n) in zip(files, [("a", 100000), ("e", 0)]):
    assert f["source"] == src and f["destination"] == "d/" + src, f
    assert f["kind"] == "file" and f["status"] == "copied", f
    assert f["engine"] in ("clone", "copy_file_range", "sendfile", "splice", "rw"), f
    assert f["bytes"] == n, f
    assert isinstance(f["fallbacks"], list), f
    for fb in f["fallbacks"]:
        assert set(fb) == {"engine", "errno", "error", "offset"}, fb
    assert sum(f["moved"].values()) == n, f
    assert isinstance(f["seconds"], (int, float)) and f["seconds"] >= 0, f
    assert isinstance(f["bytes_per_second"], (int, float)), f
    assert f["cloned"] is (f["engine"] == "clone"), f
    assert f["sparse"] is False and f["synced"] is False, f
    assert f["errno"] is None and f["error"] is None, f
s = summary
assert (s["files"], s["directories"], s["symlinks"], s["specials"],
        s["skipped"], s["failed"]) == (2, 0, 0, 0, 0, 0), s
assert s["bytes"] == 100000, s
assert sum(e["files"] for e in s["engines"].values()) == 2, s
assert sum(e["bytes"] for e in s["engines"].values()) == 100000, s
assert s["fallbacks"] == sum(len(f["fallbacks"]) for f in files), s
for k in ("seconds", "bytes_per_second"):
    assert isinstance(s[k], (int, float)), s
'
	cmp a d/a
}

@test "--json: fallbacks with errno names and offsets, moved per engine" {
	need_cmd python3
	need_strace
	mkrandom src $((20 * 1024 * 1024))
	run --separate-stderr zcp_strace 'inject=/^sendfile(64)?$:error=EXDEV:when=2' \
	    -- --json --reflink=never src out
	assert_status 0
	printf '%s\n' "$output" > out.json
	json_check out.json '
f, = files
assert f["engine"] == "splice", f
assert f["fallbacks"] == [{"engine": "sendfile", "errno": "EXDEV",
    "error": "Invalid cross-device link", "offset": 16777216}], f
assert f["moved"] == {"sendfile": 16777216, "splice": 20 * 2**20 - 16777216}, f
assert f["bytes"] == 20 * 2**20, f
assert summary["fallbacks"] == 1, summary
assert summary["engines"] == {"splice": {"files": 1, "bytes": 20 * 2**20}}, summary
'
	cmp src out
}

@test "--json: a clone says so" {
	need_cmd python3
	engine_dir clone
	mkrandom src 100000
	run --separate-stderr "$ZCP" --json src out
	assert_status 0
	printf '%s\n' "$output" > out.json
	json_check out.json '
f, = files
assert f["engine"] == "clone" and f["cloned"] is True, f
assert f["bytes"] == 100000, f
assert summary["engines"] == {"clone": {"files": 1, "bytes": 100000}}, summary
'
}

@test "--json: sparse and synced" {
	need_cmd python3
	holes_supported || skip "this filesystem does not keep holes"
	mkhole_middle src
	run --separate-stderr "$ZCP" --json --fsync --engine=rw src out
	assert_status 0
	printf '%s\n' "$output" > out.json
	json_check out.json '
f, = files
assert f["sparse"] is True and f["synced"] is True, f
assert f["bytes"] == 2**20 + 65536, f
assert f["moved"] == {"rw": 2 * 65536}, f
'
}

@test "--json: a failed file has its errno and cp's message" {
	need_cmd python3
	mkrandom a 100000
	run --separate-stderr "$ZCP" --json --engine=rw a /dev/full
	assert_status 1
	assert_stderr "zcp: error writing '/dev/full': No space left on device"
	printf '%s\n' "$output" > out.json
	json_check out.json '
f, = files
assert f["status"] == "failed", f
assert f["errno"] == "ENOSPC", f
assert f["error"] == "error writing '"'"'/dev/full'"'"': No space left on device", f
assert summary["failed"] == 1 and summary["files"] == 0, summary
'
}

@test "--json: a missing source and an omitted directory" {
	need_cmd python3
	mkdir d t
	run --separate-stderr "$ZCP" --json nosuch d t
	assert_status 1
	printf '%s\n' "$output" > out.json
	json_check out.json '
m, d = files
assert m["source"] == "nosuch" and m["status"] == "failed", m
assert m["errno"] == "ENOENT", m
assert m["error"] == "cannot stat '"'"'nosuch'"'"': No such file or directory", m
assert m["kind"] != "directory", ("a missing source is no directory", m)
assert d["source"] == "d" and d["status"] == "failed", d
assert d["kind"] == "directory", d
assert summary["failed"] == 2, summary
'
}

@test "--json: a skipped file" {
	need_cmd python3
	printf 'a\n' > a
	printf 'b\n' > b
	run --separate-stderr "$ZCP" --json -n a b
	assert_status 0
	printf '%s\n' "$output" > out.json
	json_check out.json '
f, = files
assert f["status"] == "skipped" and f["bytes"] == 0, f
assert summary["skipped"] == 1 and summary["files"] == 0, summary
'
}

@test "--json -v: the -v lines go to stderr, stdout stays JSON" {
	need_cmd python3
	mkrandom a 1000
	run --separate-stderr "$ZCP" --json -v a b
	assert_status 0
	assert_eq "$stderr" "'a' -> 'b'"
	rm b
	run --separate-stderr "$ZCP" --json --debug a b
	assert_status 0
	assert_match "$stderr" "$(vline_re a b auto '1000 B')"
	printf '%s\n' "$output" > out.json
	json_check out.json 'assert len(files) == 1'
}

@test "--json: odd names stay valid JSON and decode to the same bytes" {
	need_cmd python3
	mkdir d
	local n
	for n in 'q"uote' 'back\slash' $'new\nline' $'tab\tx' $'bad\xff\xfename' 'ünïcödé'; do
		printf '%s' "$n" > "$n"
	done
	run --separate-stderr "$ZCP" --json 'q"uote' 'back\slash' $'new\nline' \
	    $'tab\tx' $'bad\xff\xfename' 'ünïcödé' d
	assert_status 0
	printf '%s\n' "$output" > out.json
	json_check out.json '
import os
want = [b"q\"uote", b"back\\slash", b"new\nline", b"tab\tx", b"bad\xff\xfename",
        "ünïcödé".encode()]
got = [os.fsencode(f["source"]) for f in files]
assert got == want, got
assert [os.fsencode(f["destination"]) for f in files] == [b"d/" + w for w in want]
'
}

@test "--stats: the summary on stderr, nothing on stdout" {
	need_strace
	mkrandom a 100000
	mkrandom b 50000
	mkdir d
	run --separate-stderr zcp_strace 'inject=/^sendfile(64)?$:error=EXDEV:when=1' \
	    -- --stats --reflink=never a nosuch b d
	assert_status 1
	assert_eq "$output" "" "stdout"
	assert_eq "${stderr_lines[0]}" "zcp: cannot stat 'nosuch': No such file or directory"
	local l stats=()
	for l in "${stderr_lines[@]:1}"; do
		assert_match "$l" '^zcp: stats: ' "every line after the error"
		stats+=("${l#zcp: stats: }")
	done
	local all
	all=$(printf '%s\n' "${stats[@]}")
	[[ $all == *"2 files"* && $all == *"1 failed"* && $all == *"0 skipped"* ]] || {
		echo "counts: $all"
		return 1
	}
	assert_match "$all" "(^|"$'\n'")146 KiB in $T_RE, $R_RE($|"$'\n'")" "bytes, time and rate"
	assert_match "$all" "(^|"$'\n'")splice: 1 file, 97\\.7 KiB($|"$'\n'")" "splice"
	assert_match "$all" "(^|"$'\n'")sendfile: 1 file, 48\\.8 KiB($|"$'\n'")" "sendfile"
	assert_match "$all" "(^|"$'\n'")fallbacks: 1($|"$'\n'")" "fallbacks"
	assert_match "$all" "sendfile: Invalid cross-device link: 1" "fallbacks by engine and errno"
}

@test "--stats with --json: JSON on stdout, stats on stderr" {
	need_cmd python3
	printf 'a\n' > a
	run --separate-stderr "$ZCP" --stats --json a b
	assert_status 0
	printf '%s\n' "$output" > out.json
	json_check out.json 'assert len(files) == 1'
	assert_match "$stderr" '^zcp: stats: '
	[[ $output != *"stats:"* ]]
}

# A name with bytes that are not valid UTF-8 of every kind: the line must
# be valid UTF-8 JSON (read strictly), and os.fsencode gives the bytes back.
@test "--json: names with malformed UTF-8 are escaped and round-trip" {
	need_cmd python3
	local n names=() bad=(
		'\x80' '\xbf' '\xc0\xaf' '\xc1\xbf' '\xe0\x80\x80' '\xe0\x9f\xbf'
		'\xed\xa0\x80' '\xed\xbf\xbf' '\xf0\x80\x80\x80' '\xf0\x8f\xbf\xbf'
		'\xf4\x90\x80\x80' '\xf5\x80\x80\x80' '\xff' '\xe2\x82' '\xf0\x9f\x98'
		'\xc3\xa9\x80' '\x7f'
	)
	mkdir s
	for n in "${bad[@]}"; do
		printf 'x' > "s/a$(printf "$n")b"
	done
	# Valid ones stay as they are.
	printf 'y' > "s/$(printf 'ok\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf')"
	"$ZCP" -r --json s d > out.json
	python3 - <<'PY'
import json, os
raw = open("out.json", "rb").read()
text = raw.decode("utf-8")          # strict: raw invalid bytes fail here
recs = [json.loads(l) for l in text.splitlines()]
files = [r for r in recs if r["type"] == "file" and r["kind"] == "file"]
want = sorted(os.listdir(b"s"))
got = sorted(os.path.basename(os.fsencode(r["source"])) for r in files)
assert got == want, (got, want)
for r in files:
    assert os.path.exists(os.fsencode(r["destination"])), r
ok = [r for r in files if r["source"].startswith("s/ok")]
assert ok and ok[0]["source"] == "s/ok\u00e9\u20ac\U0001f600\U0010ffff", ok
PY
}

# Numbers in JSON are the C locale's whatever LC_NUMERIC says (a French
# locale writes 0,5).
@test "--json: numbers parse under LC_ALL=fr_FR.UTF-8" {
	need_cmd python3 localedef
	mkdir loc
	localedef -i fr_FR -f UTF-8 loc/fr_FR.UTF-8 2>/dev/null ||
	    skip "cannot build the fr_FR.UTF-8 locale (package locales)"
	[[ $(LOCPATH=$PWD/loc LC_ALL=fr_FR.UTF-8 /usr/bin/printf '%.1f' 0.5) == 0,5 ]] ||
	    skip "the fr_FR.UTF-8 locale does not take effect"
	mkrandom a 100000
	LOCPATH=$PWD/loc LC_ALL=fr_FR.UTF-8 "$ZCP" --json a b > out.json
	python3 -c '
import json, sys
for l in open("out.json", encoding="utf-8"):
    r = json.loads(l)
    assert isinstance(r["seconds"], float), r
    assert isinstance(r["bytes_per_second"], (int, float)), r
'
}

@test "--debug: a destination left as it is (--update=none, -n, -u, -i said no) is said to be skipped, as cp 9.4 and later" {
	printf 'new\n' > a
	printf 'old\n' > b
	cp b old
	touch -d '1 hour ago' a
	local opts
	for opts in --update=none -n -u; do
		run --separate-stderr "$ZCP" --debug $opts a b
		assert_status 0
		assert_stdout "skipped 'b'"
		assert_stderr ""
	done
	run --separate-stderr "$ZCP" --debug -i a b <<< n
	assert_stdout "skipped 'b'"
	# -v alone says nothing of it (cp 9.4 took it back from -v).
	run --separate-stderr "$ZCP" -v --update=none a b
	assert_status 0
	assert_stdout ""
	# --json: the line goes to stderr, with the others of --debug.
	run --separate-stderr "$ZCP" --debug --json --update=none a b
	assert_status 0
	assert_stderr "skipped 'b'"
	cmp old b
}

@test "--debug to a full stdout: the copy is made (or skipped), then the write error, exit 1" {
	printf 'new\n' > a
	printf 'old\n' > b
	run --separate-stderr bash -c '"$1" --debug a c >/dev/full' sh "$ZCP"
	assert_status 1
	assert_stderr "zcp: write error: No space left on device"
	cmp a c
	run --separate-stderr bash -c '"$1" --debug --update=none a b >/dev/full' \
	    sh "$ZCP"
	assert_status 1
	assert_stderr "zcp: write error: No space left on device"
	assert_eq "$(cat b)" "old"
}
