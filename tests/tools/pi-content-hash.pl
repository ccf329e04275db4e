#!/usr/bin/perl
# tests/tools/pi-content-hash.pl - the oracle for src/mail/content-hash.c:
# public-inbox's own content hash of each message of a `git cat-file
# --batch` stream on standard input, printed as "OID HEX" lines.
use strict;
use PublicInbox::Eml;
use PublicInbox::ContentHash qw(content_hash);
binmode STDIN; binmode STDOUT;
while (my $head = <STDIN>) {
	my ($oid, $type, $size) = split ' ', $head;
	my $raw = '';
	read(STDIN, $raw, $size) == $size or die "short read";
	read(STDIN, my $nl, 1);
	print $oid, ' ', unpack('H*', content_hash(PublicInbox::Eml->new(\$raw))), "\n";
}
