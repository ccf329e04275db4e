#!/bin/sh
# tests/fetch.sh - getting and following an archive as a user does, with
# public-inbox's own tools really started: an inbox made by its delivery
# agent, served by public-inbox-httpd on 127.0.0.1 (a free port, stopped
# by this test, bounded by timeout), cloned with public-inbox-clone; a
# first `next` by name (from a PI_CONFIG this test writes), more mail
# delivered to the served inbox, and `next --fetch NAME` prints exactly
# the new mail.  Also the first run: 7 days before the newest message,
# --since, --all.
set -u
. "$(dirname "$0")/lib.sh"
tools=$(dirname "$0")/tools
for cmd in public-inbox-mda public-inbox-httpd public-inbox-clone public-inbox-fetch curl; do
	if ! command -v $cmd >/dev/null; then
		skip "fetching with public-inbox" "$cmd is not installed (make deps)"; exit 0
	fi
done
export XDG_CONFIG_HOME="$tmp/xdg" XDG_STATE_HOME="$tmp/state"

python3 "$tools/review-mail.py" "$tmp/mail"
"$tools/deliver.sh" "$tmp/served" "$tmp/mail/batch1.mbox" >/dev/null 2>&1 || nok "deliver.sh batch 1"
cat >"$tmp/pi-served" <<CONF
[publicinbox "kvm"]
	inboxdir = $tmp/served
	address = kvm@vger.kernel.org
	url = http://127.0.0.1/kvm
CONF
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PI_CONFIG="$tmp/pi-served" timeout 300 public-inbox-httpd -l "http://127.0.0.1:$port" >"$tmp/httpd.log" 2>&1 &
httpd=$!
trap 'kill $httpd 2>/dev/null; rm -rf "$tmp"' EXIT
up=0
for i in $(seq 1 50); do
	if curl -sf "http://127.0.0.1:$port/kvm/" >/dev/null 2>&1; then up=1; break; fi
	sleep 0.2
done
check "public-inbox-httpd serves the inbox on 127.0.0.1:$port" $up 1
timeout 120 public-inbox-clone "http://127.0.0.1:$port/kvm" "$tmp/clone" >/dev/null 2>&1
check "public-inbox-clone clones it" $? 0

cat >"$tmp/pi-local" <<CONF
[publicinbox "kvm"]
	inboxdir = $tmp/clone
	address = kvm@vger.kernel.org
CONF
export PI_CONFIG="$tmp/pi-local"
"$PD" next -f json kvm >"$tmp/d1.json" 2>"$tmp/d1.err"; check "next NAME on the clone: exit 0" $? 0
check "... the three patches of batch 1" "$(json "$tmp/d1.json" 'len(d["series"])')" 3
"$tools/deliver.sh" "$tmp/served" "$tmp/mail/batch2.mbox" >/dev/null 2>&1 || nok "deliver.sh batch 2"
"$PD" next -f json kvm >"$tmp/d2.json" 2>"$tmp/d2.err"
check "without --fetch the clone has nothing new: exit 0, nothing printed" "$? $(wc -c <"$tmp/d2.json")" "0 0"
"$PD" next --fetch -f json kvm >"$tmp/d3.json" 2>"$tmp/d3.err"; check "next --fetch NAME: exit 0" $? 0
check "... prints exactly the new mail (batch 2: 3 messages, 1 new patch)" \
	"$(json "$tmp/d3.json" '[d["counts"]["messages"], [s["title"] for s in d["series"]]]')" \
	"[3, ['epsilon: fix E']]"
check "... whose replies find the series the first digest reported" \
	"$(json "$tmp/d3.json" 'sorted(r["address"] for r in d["reviewers"])')" \
	"['dave@example.net', 'maint@example.com']"
kill $httpd 2>/dev/null; wait $httpd 2>/dev/null
"$PD" next --fetch kvm >/dev/null 2>"$tmp/d4.err"; check "--fetch with the server gone: exit 4" $? 4
check_grep "... saying public-inbox-fetch failed" "public-inbox-fetch -C .* failed" "$tmp/d4.err"
PATH=/nonexistent "$PD" next --fetch kvm >/dev/null 2>"$tmp/d5.err"
check "--fetch without public-inbox-fetch: exit 4" $? 4
check_grep "... saying it is not installed" "public-inbox-fetch is not installed" "$tmp/d5.err"

# --- the first run -------------------------------------------------------
# three messages 20 and 10 days before the newest, and the newest
cat >"$tmp/spread.mbox" <<'MBOX'
From a Mon Jan  1 00:00:00 2025
From: A <a@example.org>
Subject: [PATCH] one
Date: Wed, 1 Jan 2025 10:00:00 +0000
Message-ID: <1@example.org>

x
---
diff --git a/a b/a

From a Mon Jan  1 00:00:00 2025
From: A <a@example.org>
Subject: [PATCH] two
Date: Sat, 11 Jan 2025 10:00:00 +0000
Message-ID: <2@example.org>

x
---
diff --git a/a b/a

From a Mon Jan  1 00:00:00 2025
From: A <a@example.org>
Subject: [PATCH] three
Date: Tue, 21 Jan 2025 10:00:00 +0000
Message-ID: <3@example.org>

x
---
diff --git a/a b/a
MBOX
"$tools/deliver.sh" "$tmp/spread" "$tmp/spread.mbox" >/dev/null 2>&1 || nok "deliver.sh spread"
"$PD" next --dry-run -f json "$tmp/spread" >"$tmp/f1.json" 2>"$tmp/f1.err"
check "a first next starts 7 days before the newest message" \
	"$(json "$tmp/f1.json" '[s["title"] for s in d["series"]]')" "['three']"
check_grep "... and says so first, on stderr" "this first one starts 7 days before its newest message, at 2025-01-14 10:00 UTC" "$tmp/f1.err"
"$PD" next --dry-run --all -f json "$tmp/spread" >"$tmp/f2.json" 2>/dev/null
check "--all starts at the first message" "$(json "$tmp/f2.json" 'len(d["series"])')" 3
"$PD" next --dry-run --since 2025-01-05 -f json "$tmp/spread" >"$tmp/f3.json" 2>/dev/null
check "--since starts there" "$(json "$tmp/f3.json" '[s["title"] for s in d["series"]]')" "['two', 'three']"
"$PD" next --dry-run --until 2025-01-05 "$tmp/spread" >/dev/null 2>"$tmp/f6.err"
check "a first next whose --until comes before its start: exit 2" $? 2
check_grep "... saying so" "until comes before this first digest's start" "$tmp/f6.err"
git init --bare -q "$tmp/spread/git/1.git"   # a new epoch, no commit yet
"$PD" next --dry-run -f json "$tmp/spread" >"$tmp/f5.json" 2>/dev/null
check "a first next with a newest epoch still empty: exit 0" $? 0
check_cmd "... counting back from the newest epoch that has a commit" cmp -s "$tmp/f1.json" "$tmp/f5.json"
mkdir -p "$XDG_CONFIG_HOME/patchdigest"
printf '[patchdigest]\n\tfirstRunDays = 15\n' >"$XDG_CONFIG_HOME/patchdigest/config"
"$PD" next --dry-run -f json "$tmp/spread" >"$tmp/f4.json" 2>/dev/null
check "firstRunDays in the configuration" "$(json "$tmp/f4.json" '[s["title"] for s in d["series"]]')" "['two', 'three']"
exit $fail
