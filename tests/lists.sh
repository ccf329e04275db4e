#!/bin/sh
# tests/lists.sh - one digest over several lists (issue 16): two real
# public-inbox v2 inboxes (made with ../shared/tools/mkinbox when it is
# there, else with tests/tools/deliver.sh: both deliver with public-inbox's
# own public-inbox-mda) share cross-posted messages.  The digest of both
# counts each cross-post once and says which lists it came from; the same
# Message-ID with other content counts twice; `next` over both goes on
# per archive; a [list] group in the configuration is the same digest.
set -u
. "$(dirname "$0")/lib.sh"
tools=$(dirname "$0")/tools
# two mboxes with a look-back window that holds posts: its messages are
# sorted by arrival like the range's, and freed with the report (a
# post is a piece of the digest's arena, never freed on its own)
sed 's/kvm@vger.kernel.org/kvmarm@lists.linux.dev/' sample/kvm-sample.mbox >"$tmp/other.mbox"
"$PD" -q --no-progress --since 2025-08-26T09:50 -f json sample/kvm-sample.mbox "$tmp/other.mbox" \
	>"$tmp/window.json" 2>"$tmp/window.err"
check "two lists, a look-back window with posts in it: exit 0" "$?:$(head -c 200 "$tmp/window.err")" "0:"
check "... and a digest of the range" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"]["messages"] > 0)' "$tmp/window.json" 2>&1)" \
	"True"
need_public_inbox "digests of several lists"
msgs='sorted((m["title"], m.get("lists")) for s in d["series"] for m in ([s["cover"]] if s.get("cover") else []) + s["patches"])'
python3 "$tools/lists-mail.py" "$tmp/mail"
A=$tmp/kvm B=$tmp/kvmarm st=$tmp/state.db
for l in kvm kvmarm; do
	if [ -x "$SHARED/tools/mkinbox" ]; then
		"$SHARED/tools/mkinbox" "$tmp/mail/$l-1.mbox" "$tmp/$l" "$l" "$l@example.org" >/dev/null 2>&1 ||
			nok "mkinbox $l"
	else
		"$tools/deliver.sh" "$tmp/$l" "$tmp/mail/$l-1.mbox" "$l" "$l@example.org" >/dev/null 2>&1 ||
			nok "deliver.sh $l"
	fi
done
[ -x "$SHARED/tools/mkinbox" ] || echo "# ($SHARED/tools/mkinbox is not here: the inboxes were made with deliver.sh)"

"$PD" -q --no-progress --lookback 0 -f json "$A" >"$tmp/a.json"
check "each list alone counts its own copies (kvm: 6 messages)" "$(json "$tmp/a.json" 'd["counts"]["messages"]')" 6

"$PD" --no-progress --lookback 0 -f json "$A" "$B" >"$tmp/ab.json" 2>"$tmp/ab.err"
check "digest A B exits 0" $? 0
check "a cross-post counts once, the same Message-ID with other content twice" \
	"$(json "$tmp/ab.json" '[d["counts"][k] for k in ("messages", "patches", "covers", "replies", "crossposted", "duplicates")]')" \
	"[8, 6, 1, 1, 4, 0]"
check "JSON names the lists, and each message's lists" \
	"$(json "$tmp/ab.json" '[d["lists"], '"$msgs"']')" \
	"[['kvm', 'kvmarm'], [('KVM: arm64: first', ['kvm', 'kvmarm']), ('KVM: arm64: only kvmarm', ['kvmarm']), ('KVM: arm64: second', ['kvm', 'kvmarm']), ('KVM: arm64: shared fix', ['kvm', 'kvmarm']), ('KVM: arm64: two of two', ['kvmarm']), ('KVM: x86: one of two', ['kvm']), ('KVM: x86: only kvm', ['kvm'])]]"
check "each message links to lore under the first list it came from" \
	"$(json "$tmp/ab.json" 'sorted((m["title"], m["link"]) for s in d["series"] for m in s["patches"] if m["title"] in ("KVM: arm64: first", "KVM: arm64: only kvmarm"))')" \
	"[('KVM: arm64: first', 'https://lore.kernel.org/kvm/x1@example.org/'), ('KVM: arm64: only kvmarm', 'https://lore.kernel.org/kvmarm/a1@example.org/')]"
check "a cross-posted review counts once" \
	"$(json "$tmp/ab.json" '[(r["address"], r["count"]) for r in d["reviewers"]]')" "[('maz@kernel.example', 1)]"
"$PD" -q --no-progress --lookback 0 "$B" "$A" >"$tmp/ba.txt"
check "the title names the lists" "$(sed -n 2p "$tmp/ba.txt" | cut -d' ' -f1-5)" "kvmarm and kvm mailing list"
check "the series in order of arrival, whichever list was read first" \
	"$(grep -c '^\[PATCH' "$tmp/ba.txt") $("$PD" -q --no-progress --lookback 0 "$A" "$B" | grep '^\[PATCH' | md5sum | cut -c1-8)" \
	"$(grep -c '^\[PATCH' "$tmp/ba.txt") $(grep '^\[PATCH' "$tmp/ba.txt" | md5sum | cut -c1-8)"

# next over both: a position per archive, recorded under the group
"$PD" next --state "$st" --all --no-progress --lookback 0 -f json "$A" "$B" >"$tmp/n1.json" 2>"$tmp/n1.err"
check "next A B (first) exits 0" $? 0
check "... reads both whole" "$(json "$tmp/n1.json" 'd["counts"]["messages"]')" 8
"$tools/deliver.sh" "$A" "$tmp/mail/kvm-2.mbox" kvm kvm@example.org >/dev/null 2>&1 || nok "deliver kvm 2"
"$tools/deliver.sh" "$B" "$tmp/mail/kvmarm-2.mbox" kvmarm kvmarm@example.org >/dev/null 2>&1 || nok "deliver kvmarm 2"
"$PD" next --state "$st" --no-progress --lookback 0 -f json "$B" "$A" >"$tmp/n2.json" 2>"$tmp/n2.err"
check "next B A (the same group, in another order) exits 0" $? 0
check "... goes on in each archive: only the new messages, the cross-post once (lists in the order given)" \
	"$(json "$tmp/n2.json" '[d["counts"]["messages"], d["counts"]["crossposted"], '"$msgs"']')" \
	"[2, 1, [('KVM: arm64: later, to both', ['kvmarm', 'kvm']), ('KVM: x86: later, only kvm', ['kvm'])]]"
"$PD" next --state "$st" --no-progress --lookback 0 "$A" "$B" >"$tmp/n3.txt" 2>"$tmp/n3.err"
check "a third next: nothing new in either" "$?:$(cat "$tmp/n3.txt")" "0:"
check_grep "... and says so" "nothing new" "$tmp/n3.err"
"$PD" state --state "$st" >"$tmp/state.txt" 2>&1
check "state lists the group once, not its archives' positions as archives" \
	"$(grep -c "^archive: " "$tmp/state.txt") $(grep -c "^archive: $A + $B (group of archives)" "$tmp/state.txt")" "1 1"
"$PD" next --state "$st" --all --no-progress --lookback 0 -f json "$A" >"$tmp/alone.json" 2>/dev/null
check "next A alone is not the group's: its own first digest" "$(json "$tmp/alone.json" 'd["counts"]["messages"]')" 8

# a group in the configuration is the same digest, and the same state
cat >"$tmp/config" <<CONF
[list "kvm"]
	path = $A
	name = KVM
[list "kvmarm"]
	path = $B
	name = KVMARM
[list "virt"]
	member = kvm
	member = kvmarm
	lookback = 0
CONF
"$PD" --config "$tmp/config" -q --no-progress --since 2026-02-02 --until 2026-02-03 virt >"$tmp/virt.txt"
check "a [list] group: the title names its lists by their names" \
	"$(sed -n 2p "$tmp/virt.txt" | cut -d' ' -f1-5)" "KVM and KVMARM mailing list"
"$PD" next --config "$tmp/config" --state "$st" --dry-run --no-progress virt >"$tmp/virt-next.txt" 2>"$tmp/virt-next.err"
check_grep "next GROUP goes on from next A B (the same archives)" "nothing new" "$tmp/virt-next.err"
"$PD" config --config "$tmp/config" virt >"$tmp/virt-config.txt" 2>&1
"$PD" config --config "$tmp/config" >"$tmp/config-all.txt" 2>&1
check "config lists the lists and the group" \
	"$(grep -c '^known list = kvm$\|^known list = kvmarm$\|^known group = virt$' "$tmp/config-all.txt")" 3
check "config GROUP shows each member's archive and name" \
	"$(grep -c "^archive = $A	(KVM)\|^archive = $B	(KVMARM)" "$tmp/virt-config.txt") $(grep -c '^lookback = 0' "$tmp/virt-config.txt")" "2 1"
"$PD" -q --no-progress --range HEAD~1..HEAD "$A" "$B" >/dev/null 2>"$tmp/range.err"
check "a range of commits with several archives: exit 2" $? 2
key=$(python3 -c 'import sys; print(" + ".join(sorted(sys.argv[1:])))' "$(realpath "$A")" "$(realpath "$B")")
"$PD" state --state "$st" forget "$key" >/dev/null 2>&1
check "state forget GROUP-KEY exits 0" $? 0
"$PD" next --state "$st" --all --no-progress --lookback 0 -f json "$A" "$B" >"$tmp/again.json" 2>/dev/null
check "... and the group starts over (its archives' positions went with it)" \
	"$(json "$tmp/again.json" 'd["counts"]["messages"]')" 10
"$PD" state --state "$st" >"$tmp/state2.txt" 2>&1
check "state shows the group's position in each archive" \
	"$(grep -c "^  position in $A: epoch 0 at\|^  position in $B: epoch 0 at" "$tmp/state2.txt")" 2
"$PD" state --config "$tmp/config" --state "$st" forget virt >"$tmp/forget.txt" 2>&1
check "state forget GROUP-NAME forgets it" "$?:$(cut -c1-6 "$tmp/forget.txt")" "0:forgot"
exit $fail
