#!/bin/sh
# fuzz/run.sh TARGET SECONDS [SEED-DIR...]
#
# Runs one libFuzzer target (built by `make fuzz`) for SECONDS with the
# limits the project holds every input to: 1 s and 256 MB per input, no
# leak.  The working corpus grows in build/fuzz/corpus/TARGET (seeded
# from fuzz/corpus/TARGET and any SEED-DIR given); a crash, leak, timeout
# or out-of-memory input is written to build/fuzz/artifacts/TARGET/ and
# the run stops with a non-zero exit.  The log is build/fuzz/logs/TARGET.log.
#
# TARGET is one of: header subject message content-hash mbox series pack.
set -eu
target=${1:?usage: fuzz/run.sh TARGET SECONDS [SEED-DIR...]}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS [SEED-DIR...]}
shift 2
cd "$(dirname "$0")/.."
bin=build/fuzz/fuzz/fuzz-$target-libfuzzer
[ -x "$bin" ] || { echo "fuzz/run.sh: $bin is missing: run 'make fuzz' first" >&2; exit 2; }
case $target in
	subject) max_len=1024 ;;
	header) max_len=8192 ;;
	series) max_len=16384 ;;
	*) max_len=65536 ;;
esac
corpus=build/fuzz/corpus/$target
artifacts=build/fuzz/artifacts/$target/
mkdir -p "$corpus" "$artifacts" build/fuzz/logs
# ASan's quarantine of freed memory (256 MB by default) would count
# against the RSS limit; 16 MB keeps the limit about the code's own use.
export ASAN_OPTIONS="quarantine_size_mb=16:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
# -fork would lose the per-input RSS limit's exactness; one process is
# one core, so two targets run side by side on a 2-core machine.
exec "$bin" -max_total_time="$seconds" -timeout=1 -rss_limit_mb=256 \
	-malloc_limit_mb=256 -max_len=$max_len -print_final_stats=1 \
	-artifact_prefix="$artifacts" "$corpus" "fuzz/corpus/$target" "$@" \
	>"build/fuzz/logs/$target.log" 2>&1
