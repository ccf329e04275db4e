#!/bin/sh
# tests/content-hash.sh - src/mail/content-hash.c against public-inbox's
# own content hash (PublicInbox::ContentHash, Debian's public-inbox), on
# every message of the real archives in ../shared/corpus: the rule that
# tells a cross-posted message from another one with its Message-ID.
# A difference makes a cross-post count twice (never lost), so the test
# holds the agreement to at least 99.5% and prints the messages that
# differ.
set -u
. "$(dirname "$0")/lib.sh"
B=${B:-build}
if ! perl -MPublicInbox::ContentHash -e1 2>/dev/null; then
	skip "content hash against public-inbox" "public-inbox's Perl modules are not installed (make deps)"; exit 0
fi
for name in ${CONTENT_HASH_ARCHIVES:-kvm-ppc kvmarm}; do
	inbox=$SHARED/corpus/$name
	if [ ! -d "$inbox/git" ]; then skip "content hash on $name" "no $inbox"; continue; fi
	: >"$tmp/$name.batch"
	for epoch in "$inbox"/git/*.git; do
		git --git-dir="$epoch" log --format= --raw --no-abbrev --first-parent HEAD 2>/dev/null |
			awk '$6 == "m" && $4 != "0000000000000000000000000000000000000000" { print $4 }' |
			git --git-dir="$epoch" cat-file --batch >>"$tmp/$name.batch"
	done
	perl tests/tools/pi-content-hash.pl <"$tmp/$name.batch" | sort >"$tmp/$name.pi"
	"$B/tests/test-content-hash" --batch <"$tmp/$name.batch" | sort >"$tmp/$name.pd"
	total=$(wc -l <"$tmp/$name.pi")
	same=$(comm -12 "$tmp/$name.pi" "$tmp/$name.pd" | wc -l)
	echo "# $name: $same of $total messages hash as public-inbox hashes them"
	comm -23 "$tmp/$name.pi" "$tmp/$name.pd" | head -5 | sed 's/^/#   differs: /'
	check "content hash on $name: some messages compared" "$([ "$total" -gt 1000 ] && echo yes)" yes
	check "content hash on $name: at least 99.5% agree" \
		"$(awk -v s="$same" -v t="$total" 'BEGIN { print (t > 0 && s / t >= 0.995) ? "yes" : "no: " s "/" t }')" yes
done
exit $fail
