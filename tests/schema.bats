#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-3.0-or-later
#
# schema.bats: the JSON that zcp prints against the schemas that document
# it (doc/zcp-copy.schema.json for zcp --json, doc/zcp-bench.schema.json
# for zcp --bench --json and the columns of --csv), with python3's
# jsonschema module: real output of every kind of record, and proof that
# the schemas are strict (an unknown field or a wrong type fails).

load helpers

DOC=$BATS_TEST_DIRNAME/../doc

setup()
{
	zcp_setup
	local p
	PY=
	for p in /usr/bin/python3 python3; do
		if command -v "$p" >/dev/null 2>&1 &&
		    "$p" -c 'import jsonschema' 2>/dev/null; then
			PY=$p
			break
		fi
	done
	[[ -n $PY ]] ||
	    skip "needs python3's jsonschema module (Debian: python3-jsonschema)"
}

# validate SCHEMA lines|doc FILE: every line of FILE (JSON Lines), or
# FILE as one document, is valid against doc/SCHEMA.  Prints each
# record's type, kind and status (lines) for the caller to check.
validate()
{
	"$PY" - "$DOC/$1" "$2" "$3" <<'EOF'
import json, sys
import jsonschema

schema_path, mode, path = sys.argv[1:4]
schema = json.load(open(schema_path))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
v = cls(schema)
docs = ([json.loads(l) for l in open(path, encoding="utf-8",
        errors="surrogateescape")] if mode == "lines"
        else [json.load(open(path))])
if not docs:
    sys.exit("%s: no JSON" % path)
for d in docs:
    errors = list(v.iter_errors(d))
    for e in errors:
        print("invalid: %s at %s" % (e.message, list(e.absolute_path)))
    if errors:
        print(json.dumps(d))
        sys.exit(1)
    if mode == "lines":
        print(d["type"], d.get("kind", "-"), d.get("status", "-"))
EOF
}

# strict SCHEMA lines|doc FILE CHANGE...: FILE is valid, and each CHANGE
# (Python, on d, the list of its documents) makes it invalid.
strict()
{
	"$PY" - "$DOC/$1" "$2" "$3" "${@:4}" <<'EOF'
import copy, json, sys
import jsonschema

schema_path, mode, path = sys.argv[1:4]
schema = json.load(open(schema_path))
v = jsonschema.validators.validator_for(schema)(schema)
good = ([json.loads(l) for l in open(path)] if mode == "lines"
        else [json.load(open(path))])
for d in good:
    v.validate(d)
for change in sys.argv[4:]:
    d = copy.deepcopy(good)
    exec(change)
    errors = [e.message for x in d for e in v.iter_errors(x)]
    print("%s: %s" % (change, errors[:1]))
    if not errors:
        sys.exit("still valid after: " + change)
EOF
}

@test "schema: both schemas are valid JSON Schema" {
	for s in zcp-copy zcp-bench; do
		"$PY" -c '
import json, sys, jsonschema
s = json.load(open(sys.argv[1]))
assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
jsonschema.Draft202012Validator.check_schema(s)
' "$DOC/$s.schema.json"
	done
}

@test "schema: zcp --json, every kind of record and status, validates" {
	mkdir -p t/sub
	mkrandom t/a 100000
	mkrandom t/sub/b 5000
	ln -s a t/link
	mkfifo t/fifo
	truncate -s 4M t/sparse
	printf 'data' >> t/sparse
	printf 'odd' > "t/$(printf 'name\377\001')"
	: > out.jsonl
	# A tree (directories, symbolic links, a FIFO, holes, an odd name),
	# with -j4 and with --fsync.
	"$ZCP" -r --json -j4 t t2 >> out.jsonl
	"$ZCP" -r --json -j1 --fsync t t3 >> out.jsonl
	# (A file of a tree is flushed at the end; one named is synced.)
	"$ZCP" --json --fsync t/a t4 >> out.jsonl
	# Skipped (-n) and three failures: no source, the same file, a
	# forced engine the kernel refuses (clone, unless it clones here).
	"$ZCP" -n --json t/a t2/a >> out.jsonl
	"$ZCP" --json missing x >> out.jsonl || true
	"$ZCP" --json t/a t/a >> out.jsonl || true
	"$ZCP" --json --engine=clone t/a c >> out.jsonl || true
	# A file every kernel engine refuses: fallbacks.
	"$ZCP" --json /proc/self/maps maps >> out.jsonl
	run validate zcp-copy.schema.json lines out.jsonl
	echo "$output"
	[ "$status" -eq 0 ]
	for want in "file file copied" "file directory copied" \
	    "file symlink copied" "file special copied" "file file skipped" \
	    "file file failed" "summary - -"; do
		printf '%s\n' "$output" | grep -qx "$want"
	done
	"$PY" - out.jsonl <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8",
        errors="surrogateescape")]
files = [r for r in recs if r["type"] == "file"]
assert any(r["fallbacks"] for r in files)
assert any(r["sparse"] for r in files) and any(r["synced"] for r in files)
assert any(r["errno"] is None and r["status"] == "failed" for r in files)
assert any(r["errno"] == "ENOENT" for r in files)
assert any("\udcff" in r["source"] for r in files)
EOF
}

@test "schema: --atomic, --resume and --verify's fields, with each type they take" {
	mkrandom a $((3 * 1024 * 1024))
	head -c 1000000 a > b
	: > out.jsonl
	# resumed > 0, verified true with a time; atomic true.
	"$ZCP" --json --resume --verify a b >> out.jsonl
	"$ZCP" --json --atomic a c >> out.jsonl
	# verified null with a note (procfs), and without one (a failure
	# before any data: the next test has verified false).
	"$ZCP" --json --verify /proc/self/status st >> out.jsonl
	"$ZCP" --json --verify -r missing x >> out.jsonl || true
	run validate zcp-copy.schema.json lines out.jsonl
	echo "$output"
	[ "$status" -eq 0 ]
	"$PY" - out.jsonl <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
files = [r for r in recs if r["type"] == "file"]
assert any(r["resumed"] == 1000000 and r["verified"] is True and
           r["verify_seconds"] > 0 for r in files)
assert any(r["atomic"] for r in files)
assert any(r["verified"] is None and r["verify_note"] for r in files)
assert any(r["verified"] is None and r["verify_note"] is None and
           r["status"] == "failed" for r in files)
sums = [r for r in recs if r["type"] == "summary"]
assert sums[0]["verified"] == 1 and sums[0]["resumed_bytes"] == 1000000
assert sums[2]["unverified"] == 1
EOF
}

@test "schema: --exclude's count and --dry-run's dry_run, with each value they take" {
	mkdir -p t/sub
	printf 'x' > t/a
	printf 'y' > t/sub/b.o
	: > out.jsonl
	"$ZCP" -r --json t t2 >> out.jsonl
	"$ZCP" -r --json --exclude='*.o' --dry-run t t3 >> out.jsonl
	run validate zcp-copy.schema.json lines out.jsonl
	echo "$output"
	[ "$status" -eq 0 ]
	"$PY" - out.jsonl <<'EOF'
import json, sys
sums = [json.loads(l) for l in open(sys.argv[1])]
sums = [r for r in sums if r["type"] == "summary"]
assert [(r["excluded"], r["dry_run"]) for r in sums] == [(0, False),
                                                         (1, True)], sums
EOF
	[ ! -e t3 ]
}

@test "schema: the summary's sync (--fsync on a tree), with each type it takes" {
	need_strace
	mkdir -p t/sub
	mkrandom t/a 10000
	mkrandom t/sub/b 5000
	: > out.jsonl
	# null; syncfs; fdatasync (no syncfs); a failed flush.
	"$ZCP" -r --json t c1 >> out.jsonl
	"$ZCP" -r --json --fsync t c2 >> out.jsonl
	strace -f -qq -o /dev/null -e inject=syncfs:error=ENOSYS \
	    "$ZCP" -r --json --fsync t c3 >> out.jsonl
	strace -f -qq -o /dev/null -P "$PWD/c4" -e trace=syncfs \
	    -e inject=syncfs:error=EIO "$ZCP" -r --json --fsync t c4 \
	    >> out.jsonl || true
	run validate zcp-copy.schema.json lines out.jsonl
	echo "$output"
	[ "$status" -eq 0 ]
	"$PY" - out.jsonl <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
sums = [r["sync"] for r in recs if r["type"] == "summary"]
assert sums[0] is None, sums
assert sums[1]["method"] == "syncfs" and sums[1]["file_systems"] == 1 and \
    sums[1]["failed"] == 0 and sums[1]["seconds"] >= 0, sums
assert sums[2]["method"] == "fdatasync" and sums[2]["file_systems"] == 0, sums
assert sums[3]["method"] == "syncfs" and sums[3]["failed"] == 1, sums
EOF
}

@test "schema: verified false validates (a copy corrupted before the check)" {
	build_flip
	mkrandom a 100000
	run --separate-stderr env LD_PRELOAD="$FLIP" \
	    "$ZCP" --json --verify a b
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" > out.jsonl
	run validate zcp-copy.schema.json lines out.jsonl
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '"verified":false,"verify_seconds":[0-9.]*,"verify_note":null' out.jsonl
}

@test "schema: the copy schema is strict: an unknown field or a wrong type fails" {
	mkrandom a 1000
	"$ZCP" --json a b > out.jsonl
	run strict zcp-copy.schema.json lines out.jsonl \
	    'd[0]["surprise"] = 1' 'd[0]["bytes"] = "1000"' \
	    'del d[0]["synced"]' 'd[0]["engine"] = "teleport"' \
	    'd[0]["errno"] = "EIO"' 'd[0]["fallbacks"] = [{"engine": "rw"}]' \
	    'd[1]["engines"]["rw"] = {"files": 1}' 'd[1]["type"] = "total"' \
	    'd[0]["verified"] = "yes"' 'del d[0]["verify_note"]' \
	    'd[0]["resumed"] = -1' 'del d[1]["resumed_bytes"]'
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "schema: zcp --bench --json validates: files, cp, --to-socket, refusals" {
	mkdir out
	mkrandom src 200000
	"$ZCP" --bench --bench-size=1M --runs=2 --json out > 1.json
	"$ZCP" --bench --to-socket --runs=2 --cold --json src > 2.json
	# cp missing, asked for; clone refused where it cannot clone.
	env PATH=/nonexistent "$ZCP" --bench=clone,rw,cp --runs=1 --json src \
	    out > 3.json || true
	"$ZCP" --bench=auto,cp --runs=3 --fsync --json src out > 4.json
	"$ZCP" --bench=rw,cp --runs=1 --verify --json src out > 5.json
	grep -q '"verify":true' 5.json
	for f in 1 2 3 4 5; do
		run validate zcp-bench.schema.json doc $f.json
		echo "$f: $output"
		[ "$status" -eq 0 ]
	done
	[ -z "$(ls -A out)" ]
}

@test "schema: zcp --bench --json on a tree validates: fresh, deleted, a failed contender" {
	mkdir -p out tree/a bin
	mkrandom tree/a/f 20000
	: > tree/empty
	"$ZCP" --bench --runs=2 --json tree out > 1.json
	"$ZCP" --bench --runs=1 --bench-state=deleted --fsync --cold --json \
	    tree out > 2.json
	printf '#!/bin/sh\nexit 1\n' > bin/cp
	chmod +x bin/cp
	run env PATH="$PWD/bin:$PATH" "$ZCP" --bench --runs=1 --json tree out
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | sed '/^zcp: /d' > 3.json
	grep -q '"status":"failed"' 3.json
	grep -q '"state":"deleted"' 2.json
	for f in 1 2 3; do
		run validate zcp-bench.schema.json doc $f.json
		echo "$f: $output"
		[ "$status" -eq 0 ]
	done
	[ -z "$(ls -A out)" ]
}

@test "schema: --csv's columns are the schema's, with the JSON's names" {
	mkdir out
	"$ZCP" --bench=rw,auto --bench-size=1M --runs=2 --csv out > b.csv
	"$PY" - "$DOC/zcp-bench.schema.json" b.csv <<'EOF'
import csv, json, sys
s = json.load(open(sys.argv[1]))
rows = list(csv.reader(open(sys.argv[2])))
cols = s["x-csv-columns"]
assert rows[0] == cols, (rows[0], cols)
names = set(s["properties"]) | set(s["$defs"]["contender"]["properties"])
assert set(cols) <= names, set(cols) - names
assert len(rows) == 3 and all(len(r) == len(cols) for r in rows)
EOF
}

@test "schema: the bench schema is strict" {
	mkdir out
	"$ZCP" --bench=rw --bench-size=1M --runs=2 --json out > b.json
	run strict zcp-bench.schema.json doc b.json \
	    'd[0]["surprise"] = 1' 'd[0]["engines"][0]["min"] = 1' \
	    'd[0]["engines"][0]["runs"] = "2"' 'del d[0]["version"]' \
	    'd[0]["engines"][0]["engine"] = "scp"' \
	    'd[0]["engines"][0]["status"] = "refused"'
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "schema: zcp --bench --sweep --json validates, and is strict" {
	mkdir out
	"$ZCP" --bench --sweep=4K,64K --runs=2 --json out > 1.json
	"$ZCP" --bench=rw,auto --sweep=4K,16K --sweep-time=1 --cold --json out > 2.json
	"$ZCP" --bench --to-socket --sweep=4K --runs=1 --json out > 3.json
	env PATH=/nonexistent "$ZCP" --bench=clone,rw,cp --sweep=4K --runs=1 \
	    --json out > 4.json || true
	for f in 1 2 3 4; do
		run validate zcp-bench.schema.json doc $f.json
		echo "$f: $output"
		[ "$status" -eq 0 ]
	done
	run strict zcp-bench.schema.json doc 1.json \
	    'd[0]["surprise"] = 1' 'd[0]["sizes"][0]["surprise"] = 1' \
	    'del d[0]["sizes"]' 'd[0]["sizes"] = []' 'd[0]["bytes"] = 4096' \
	    'd[0]["budget_s"] = "60"' 'del d[0]["sizes"][1]["runs"]' \
	    'd[0]["sizes"][0]["engines"][0]["seconds"] = [0]' \
	    'd[0]["left_out"] = [0]' 'd[0]["type"] = "sweeps"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$(ls -A out)" ]
}
