# tests/lib.sh - what the shell test suites share: the binary, the shared
# folder, a scratch directory, and the "ok"/"not ok"/"skip" lines that
# tests/run-all.sh counts.
PD=${PATCHDIGEST:-build/patchdigest}
SHARED=${PD_SHARED:-../shared}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; fail=1; }
skip() { echo "skip - $1 ($2)"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else nok "$1: got '$2', want '$3'"; fi; }
# check_grep NAME PATTERN FILE: FILE has a line matching PATTERN, a basic
# regular expression as grep reads it
check_grep() { if grep -q "$2" "$3"; then ok "$1"; else nok "$1: no '$2' in: $(head -c 600 "$3")"; fi; }
# check_cmd NAME COMMAND [ARG...]: ok when COMMAND exits 0; otherwise not
# ok, with the start of what it printed
check_cmd() {
	_name=$1; shift
	if _out=$("$@" 2>&1); then ok "$_name"
	else nok "$_name (exit $?)"; printf '%s\n' "$_out" | head -15 | sed 's/^/#   /'; fi
}
# json FILE EXPR: prints the Python expression EXPR over the JSON document
# in FILE, read as d
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
# need_public_inbox WHAT: ends the suite with a skip of WHAT when
# public-inbox (its delivery agent) is not installed
need_public_inbox() {
	command -v public-inbox-mda >/dev/null && return 0
	skip "$1" "public-inbox is not installed (make deps)"; exit 0
}
