#!/bin/sh
# deliver.sh INBOX MBOX [NAME [ADDRESS]]: delivers each message of MBOX
# (mboxrd) to the public-inbox v2 inbox INBOX with public-inbox's own
# delivery agent, as a list server would; makes the inbox first when it
# does not exist (Debian package public-inbox).
set -eu
inbox=$1 mbox=$2 name=${3:-kvm} addr=${4:-kvm@vger.kernel.org}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export PI_CONFIG="$work/config" HOME="$work"
git config --global user.name mkinbox; git config --global user.email mkinbox@localhost
if [ ! -d "$inbox" ]; then
	public-inbox-init -V2 -L basic "$name" "$inbox" "http://localhost/$name" "$addr"
	printf '[publicinboxmda]\n\tspamcheck = none\n' >> "$PI_CONFIG"
else cat > "$PI_CONFIG" <<CONF
[publicinbox "$name"]
	inboxdir = $inbox
	address = $addr
	url = http://localhost/$name
	indexlevel = basic
[publicinboxmda]
	spamcheck = none
CONF
fi
mkdir "$work/split"; git mailsplit --mboxrd -o"$work/split" "$mbox" >/dev/null
for f in "$work"/split/*; do
	[ -e "$f" ] || continue
	ORIGINAL_RECIPIENT="$addr" public-inbox-mda --no-precheck < "$f"
done
