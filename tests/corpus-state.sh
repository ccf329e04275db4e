#!/bin/sh
# A year of kvmarm (../shared/corpus) in weekly digests, each `next`
# continuing where the last ended: together they must report what one
# digest of the year reports (tests/tools/compare-facts.py), no series
# twice.  Then the same year in one recorded digest, and a `next` after
# it that finds nothing new.
set -u
. "$(dirname "$0")/lib.sh"
tools=$(dirname "$0")/tools
archive=$SHARED/corpus/kvmarm
if [ ! -d "$archive/git/0.git" ]; then
	skip "a year of kvmarm in weekly digests" "$archive is not here"
	exit 0
fi
year=${PD_STATE_YEAR:-2022}
start=$(python3 -c "import datetime as d; t=d.date($year,1,1); print(t + d.timedelta(days=(7 - t.weekday()) % 7))")
end=$(python3 -c "import datetime as d; t=d.date($year+1,1,1); print(t + d.timedelta(days=(7 - t.weekday()) % 7))")
weeks=$(python3 -c "import datetime as d,sys; a=d.date.fromisoformat('$start'); b=d.date.fromisoformat('$end'); print(' '.join(str(a + d.timedelta(weeks=i)) for i in range(1, (b - a).days // 7 + 1)))")

"$PD" -f json --since "$start" --until "$end" "$archive" >"$tmp/year.json" 2>"$tmp/year.err"
check "kvmarm $start..$end in one digest: exit code" $? 0
bad=0; n=0; files=""
for w in $weeks; do
	n=$((n + 1))
	"$PD" next --state "$tmp/s.db" --since "$start" --until "$w" -f json -q "$archive" \
		>"$tmp/w$n.json" 2>"$tmp/w$n.err" || { bad=$((bad + 1)); echo "# week to $w: exit $?"; head -3 "$tmp/w$n.err" | sed 's/^/#   /'; }
	[ -s "$tmp/w$n.json" ] && files="$files $tmp/w$n.json"
done
check "kvmarm: $n weekly digests in a row, each exit code 0" $bad 0
python3 "$tools/digest-facts.py" "$tmp/year.json" >"$tmp/f.year"
python3 "$tools/digest-facts.py" $files >"$tmp/f.weeks"
if python3 "$tools/compare-facts.py" "$tmp/f.year" "$tmp/f.weeks" >"$tmp/cmp"; then
	ok "kvmarm: the weekly digests report the same series as the yearly one, none twice"
else
	nok "kvmarm: the weekly digests report the same series as the yearly one"; head -20 "$tmp/cmp" | sed 's/^/#   /'
fi
grep "^#" "$tmp/cmp"
echo "# kvmarm $start..$end: $(grep -c '^NEW' "$tmp/f.year") New blocks, $(grep -c '^EXIST' "$tmp/f.year") Exist/Skip pairs, $(grep -c '^LIST' "$tmp/f.year") patches and covers"
dups=$(grep '^NEW' "$tmp/f.weeks" | sort | uniq -d | wc -l); dups_year=$(grep '^NEW' "$tmp/f.year" | sort | uniq -d | wc -l)
check "kvmarm: no New block repeats across the weeks more than in the year" $dups $dups_year
printed=$(echo $files | wc -w)
"$PD" state --state "$tmp/s.db" >"$tmp/state"
grep -q "in $printed digest(s)" "$tmp/state" && ok "kvmarm: the state lists the $printed digests printed (weeks with no mail print none)" \
	|| { nok "kvmarm: the state lists the $printed digests printed"; sed 's/^/#   /' "$tmp/state" | head -5; }
