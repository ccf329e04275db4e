#!/bin/sh
# tests/output.sh - what the command line refuses, and what -o leaves
# behind: -o onto the archive or the state, the mode of a file replaced,
# a run stopped by a signal while writing, a state that is not a file,
# and option values that are out of range or not what they claim.
set -u
. "$(dirname "$0")/lib.sh"
S=sample/kvm-sample.mbox

# --- -o never replaces what the run reads ---------------------------------
cp "$S" "$tmp/in.mbox"
"$PD" -o "$tmp/in.mbox" "$tmp/in.mbox" >/dev/null 2>"$tmp/err"
check "-o naming the input mbox: exit 2" $? 2
check_cmd "-o naming the input mbox: the mbox is intact" cmp "$tmp/in.mbox" "$S"
check_grep "-o naming the input mbox: stderr says why" "is the archive being read" "$tmp/err"
ln "$tmp/in.mbox" "$tmp/hardlink.mbox"
"$PD" -o "$tmp/hardlink.mbox" "$tmp/in.mbox" >/dev/null 2>&1
check "-o naming a hard link of the input (same inode): exit 2" $? 2
"$PD" digest --record --state "$tmp/s.db" "$tmp/in.mbox" >/dev/null 2>&1
cp "$tmp/s.db" "$tmp/s.before"
"$PD" --state "$tmp/s.db" -o "$tmp/s.db" "$tmp/in.mbox" >/dev/null 2>"$tmp/err"
check "-o naming the state database: exit 2" $? 2
check_cmd "-o naming the state database: the state is intact" cmp "$tmp/s.db" "$tmp/s.before"

# --- -o keeps the mode of the file it replaces ------------------------------
for mode in 600 640 604; do
	echo old >"$tmp/out-$mode.txt"; chmod "$mode" "$tmp/out-$mode.txt"
	"$PD" -o "$tmp/out-$mode.txt" "$S" >/dev/null 2>&1
	check "-o onto a $mode file keeps mode $mode" "$(stat -c %a "$tmp/out-$mode.txt")" "$mode"
done

# --- a signal while -o is being written leaves nothing behind ---------------
# gdb stops the run in its first write to the temporary file, then the
# signal is delivered: deterministic, no race with a sleep
if ! command -v gdb >/dev/null; then
	skip "signals during -o" "gdb is not installed (make deps installs it)"
else
	for sig in SIGTERM SIGHUP SIGINT; do
		rm -f "$tmp"/sig.txt*
		timeout 60 gdb -nx -batch -ex 'set startup-with-shell off' \
			-ex 'handle SIGTERM SIGHUP SIGINT nostop noprint pass' \
			-ex 'break cli_output_write' -ex "run -o $tmp/sig.txt $S" \
			-ex "signal $sig" -ex 'info inferiors' \
			--args "$PD" >"$tmp/gdb.out" 2>&1
		check_grep "$sig during -o: the run stopped at its first write" "Breakpoint 1" "$tmp/gdb.out"
		check "$sig during -o: no FILE.XXXXXX left behind" "$(ls "$tmp" | grep -c '^sig\.txt')" 0
	done
fi

# --- a crash after the digest was recorded says so -------------------------
# gdb stops a recording run where it frees its report (after the state's
# commit) and delivers SIGSEGV: the crash handler must not claim that
# nothing was recorded, and the state must hold the digest
if ! command -v gdb >/dev/null; then
	skip "a crash after recording" "gdb is not installed (make deps installs it)"
elif nm -D "$PD" 2>/dev/null | grep -q __asan_init || nm "$PD" 2>/dev/null | grep -q __asan_init; then
	skip "a crash after recording" "AddressSanitizer reports a crash itself"
else
	rm -f "$tmp/crash.sqlite3"
	timeout 60 gdb -nx -batch -ex 'set startup-with-shell off' \
		-ex 'handle SIGSEGV nostop noprint pass' \
		-ex 'break pd_report_free' -ex "run digest --record --state $tmp/crash.sqlite3 -o $tmp/crash-digest.txt $S" \
		-ex 'signal SIGSEGV' -ex 'info inferiors' \
		--args "$PD" >"$tmp/crash.out" 2>&1
	check_grep "a crash after recording: the run stopped where it frees its report" "Breakpoint 1" "$tmp/crash.out"
	check_grep "... and exited 70" "exited with code 0106" "$tmp/crash.out"
	check_grep "... saying the digest was recorded" "the digest was written and recorded" "$tmp/crash.out"
	check "... not that nothing was" "$(grep -c 'nothing was recorded' "$tmp/crash.out")" 0
	"$PD" state --state "$tmp/crash.sqlite3" >"$tmp/crash-state.txt" 2>&1
	check_grep "... and the state holds it" "kvm-sample" "$tmp/crash-state.txt"
	check_grep "... and the digest is in place" "Patch list" "$tmp/crash-digest.txt"
fi

# --- a state that is not a regular file -------------------------------------
"$PD" --state /dev/null "$S" >/dev/null 2>"$tmp/err"
check "--state /dev/null: exit 6" $? 6
check "--state /dev/null: no /dev/null-journal made" "$(ls /dev/null-journal 2>/dev/null)" ""
check_grep "--state /dev/null: stderr says it is no regular file" "not a regular file" "$tmp/err"

# --- option values out of range or not what they claim: exit 2 --------------
bad() { # NAME ARG...: the run exits 2 and says something
	_n=$1; shift
	"$PD" "$@" "$S" >"$tmp/bad.out" 2>"$tmp/bad.err"
	_rc=$?
	if [ $_rc = 2 ] && [ -s "$tmp/bad.err" ] && [ ! -s "$tmp/bad.out" ]; then ok "$_n: exit 2 with a message"
	else nok "$_n: exit $_rc, stderr '$(head -c 200 "$tmp/bad.err")'"; fi
}
bad "--until @0 (would read as no bound)" --until @0
bad "--since 1970-01-01 (the same)" --since 1970-01-01
bad "--until before --since" --since 2025-09-01 --until 2025-08-01
bad "--until equal to --since" --since 2025-09-01 --until 2025-09-01
bad "--until @ past the year 9999" --until @999999999999
bad "--until @ past 64 bits" --until @99999999999999999999
bad "-j 4294967297 (wraps to 1 in 32 bits)" -j 4294967297
bad "-j 0" -j 0
bad "--wait 4294968 (overflows milliseconds)" --wait 4294968
bad "-n '' (an empty name)" -n ''
bad "-n ' KVM' (a blank at an end)" -n ' KVM'
bad "-n not UTF-8" -n "$(printf 'K\377M')"
bad "--lore-list not UTF-8" --lore-list "$(printf 'k\377m')"
bad "--lore-list with a slash" --lore-list "../x"
bad "--stale-days 0" --stale-days 0
bad "--lookback -1" --lookback -1
"$PD" state --wait 4294968 >/dev/null 2>"$tmp/err"
check "state --wait 4294968: exit 2" $? 2
"$PD" --bogus "$S" >/dev/null 2>"$tmp/err"
check_grep "an unknown option is named by patchdigest, not the binary's path" \
	"^patchdigest: unknown option" "$tmp/err"
exit $fail
