#!/bin/sh
# tests/config.sh - the configuration file (git-config format, read with
# libgit2): the command line over the list's section over [patchdigest];
# a bad file stops the run with exit 2 naming the file and line;
# `patchdigest config` says where each setting comes from; and names:
# a list of the configuration, else an inbox of public-inbox's own
# configuration ($PI_CONFIG), else an error listing the names known.
set -u
. "$(dirname "$0")/lib.sh"
sample=$(pwd)/sample/kvm-sample.mbox
export XDG_CONFIG_HOME="$tmp/xdg" XDG_STATE_HOME="$tmp/state" PI_CONFIG="$tmp/pi-config"
mkdir -p "$XDG_CONFIG_HOME/patchdigest"
cfg=$XDG_CONFIG_HOME/patchdigest/config
cat >"$cfg" <<CONF
# defaults, then one list
[patchdigest]
	name = Defaults
	staleDays = 10
	lookback = 30
	bot = ci-bot@example.org
[list "sample"]
	path = $sample
	name = Listed
	staleDays = 5
	bot = other-bot@example.org
CONF
title() { sed -n 2p "$1" | sed 's/ mailing list update.*//'; }

"$PD" "$sample" >"$tmp/t1" 2>/dev/null; check "a path in a list's section takes the list's settings" "$(title "$tmp/t1")" Listed
"$PD" sample >"$tmp/t2" 2>/dev/null; check "a list's name reads its path: exit 0" $? 0
check "... with the list's settings" "$(title "$tmp/t2")" Listed
"$PD" --name Given sample >"$tmp/t3" 2>/dev/null; check "the command line wins over the list" "$(title "$tmp/t3")" Given
cp "$sample" "$tmp/other.mbox"
"$PD" "$tmp/other.mbox" >"$tmp/t4" 2>/dev/null; check "an archive of no list takes [patchdigest]" "$(title "$tmp/t4")" Defaults

"$PD" config sample >"$tmp/c1"; check "config NAME: exit 0" $? 0
check_grep "config names the file" "^file = $cfg\$" "$tmp/c1"
check_grep "the list's value, and where it comes from" "^staledays = 5	($cfg, \[list \"sample\"\])\$" "$tmp/c1"
check_grep "a default's value, from [patchdigest]" "^lookback = 30	($cfg, \[patchdigest\])\$" "$tmp/c1"
check_grep "a setting nobody gave: the default" "^firstrundays = 7	(default)\$" "$tmp/c1"
check "bots add up, the list's then the defaults'" "$(grep '^bot = ' "$tmp/c1" | tr '\n' ' ')" \
	"bot = other-bot@example.org bot = ci-bot@example.org "
"$PD" config >"$tmp/c2"; check_grep "config alone lists the lists" "^known list = sample\$" "$tmp/c2"
"$PD" config --config "$tmp/none" >/dev/null 2>"$tmp/e0"; check "--config naming no file: exit 2" $? 2

# the state the configuration names is the one `state` lists
printf '[patchdigest]\n\tstate = %s\n' "$tmp/cfg-state.db" >"$tmp/statecfg"
"$PD" --config "$tmp/statecfg" --record -q "$sample" >/dev/null 2>&1
check "digest --record writes the configuration's state" "$(ls "$tmp/cfg-state.db" 2>/dev/null)" "$tmp/cfg-state.db"
"$PD" state --config "$tmp/statecfg" >"$tmp/st.out"; check_grep "state lists it" "kvm-sample.mbox" "$tmp/st.out"

# bad files: exit 2, the file and the line named
printf '[patchdigest]\n\tname = A\n  not a setting\n' >"$tmp/bad1"
"$PD" --config "$tmp/bad1" "$sample" >/dev/null 2>"$tmp/e1"; check "a syntax error: exit 2" $? 2
check_grep "... naming the file and line" "$tmp/bad1:3" "$tmp/e1"
printf '[patchdigest]\n\tname = A\n[list "x"]\n\tpath = %s\n\tstaleDays = soon\n' "$sample" >"$tmp/bad2"
"$PD" --config "$tmp/bad2" x >/dev/null 2>"$tmp/e2"; check "a bad value: exit 2" $? 2
check_grep "... naming the file, line and setting" "$tmp/bad2:5: staleDays takes a number from 1 to 3650, not 'soon'" "$tmp/e2"

# names: public-inbox's own configuration, then the error
if command -v public-inbox-mda >/dev/null; then
	"$(dirname "$0")/tools/deliver.sh" "$tmp/inbox" "$sample" >/dev/null 2>&1
	printf '[publicinbox "kvm"]\n\tinboxdir = %s\n\taddress = kvm@vger.kernel.org\n' "$tmp/inbox" >"$PI_CONFIG"
	"$PD" next --dry-run kvm >"$tmp/n1" 2>/dev/null; check "next NAME finds public-inbox's inbox: exit 0" $? 0
	"$PD" next --dry-run "$tmp/inbox" >"$tmp/n2" 2>/dev/null
	check_cmd "... the digest of its inboxdir" cmp -s "$tmp/n1" "$tmp/n2"
else
	skip "next NAME through public-inbox's configuration" "public-inbox is not installed (make deps)"
	printf '[publicinbox "kvm"]\n\tinboxdir = /nonexistent\n' >"$PI_CONFIG"
fi
"$PD" nosuch >/dev/null 2>"$tmp/e3"; check "an unknown name: exit 3" $? 3
check_grep "... and the names known are listed" "known names: sample, kvm (public-inbox)" "$tmp/e3"
exit $fail
