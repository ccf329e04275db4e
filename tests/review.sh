#!/bin/sh
# tests/review.sh - the review side against b4 as the oracle: on kvm-ppc
# and kvmarm (../shared/corpus), the Reviewed-by/Acked-by/Tested-by set
# of every patch and cover letter equals what b4's own LoreMailbox
# collects from the same threads (tests/tools/b4-oracle.py), but for the
# differences it names as deliberate.  Debian's b4 (make deps) provides
# the oracle; its Python API runs under /usr/bin/python3.
set -u
. "$(dirname "$0")/lib.sh"
tools=$(dirname "$0")/tools
if ! /usr/bin/python3 -c 'import b4' 2>/dev/null; then
	skip "trailers against b4" "Debian's b4 is not installed (make deps installs it)"; exit 0
fi
for name in kvm-ppc kvmarm; do
	archive=$SHARED/corpus/$name
	if [ ! -d "$archive" ]; then
		skip "$name: trailers against b4" "$archive is not here"; continue
	fi
	"$PD" -q --no-progress -f json "$archive" >"$tmp/$name.json" 2>/dev/null
	if /usr/bin/python3 "$tools/b4-oracle.py" "$archive" "$tmp/$name.json" >"$tmp/$name.out" 2>&1; then
		ok "$name: every patch's and cover's trailers are b4's, but the deliberate differences"
	else
		nok "$name: trailers differ from b4's"
	fi
	sed 's/^/# /; s/^# #/#/' "$tmp/$name.out" | head -20
done
exit $fail
