#!/bin/sh
# fuzz/campaign.sh SECONDS TARGET...
#
# Runs the TARGETs one after another with fuzz/run.sh for SECONDS each and
# appends to build/fuzz/campaign.log one line per run: the target, its
# exit (0: nothing found), wall and CPU seconds, inputs run and peak RSS.
# Run two of these at once on a 2-core machine.  Seeds from ../shared
# are added when it is there.
seconds=${1:?usage: fuzz/campaign.sh SECONDS TARGET...}; shift
cd "$(dirname "$0")/.."
shared=${PD_SHARED:-../shared}/conformance
for target; do
	seeds=
	case $target in
		message) for d in "$shared/git-mailinfo/inputs" "$shared/patchwork-series/mail"; do
				[ -d "$d" ] && seeds="$seeds $d"; done ;;
		mbox) [ -d "$shared/patchwork-series/fuzz" ] && seeds="$shared/patchwork-series/fuzz" ;;
	esac
	/usr/bin/time -f "%e %U %S" -o "build/fuzz/$target.time" fuzz/run.sh "$target" "$seconds" $seeds
	rc=$?
	log=build/fuzz/logs/$target.log
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
	# the last line: time puts "Command exited with ..." before it on failure
	read -r wall user sys <<EOT
$(tail -n 1 "build/fuzz/$target.time")
EOT
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
	echo "$(date -u +%FT%TZ) $target exit=$rc wall=${wall}s cpu=${cpu}s runs=$runs peak_rss=${rss}MB" \
		>>build/fuzz/campaign.log
done
