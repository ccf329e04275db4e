#!/bin/sh
# tests/install.sh - `make install DESTDIR=... PREFIX=/usr` gives a tree a
# library user can build against with pkg-config alone: a small C program
# (tests/install/digest-sample.c) built that way, run against the
# installed shared library, prints the same digest of the sample as the
# program does.  Only the public functions are exported.
set -u
. "$(dirname "$0")/lib.sh"
B=${B:-build}
root="$tmp/root"
if ! make -s install B="$B" DESTDIR="$root" PREFIX=/usr >"$tmp/install.log" 2>&1; then
	nok "make install DESTDIR PREFIX=/usr"; sed 's/^/#   /' "$tmp/install.log" | tail -5; exit 1
fi
ok "make install DESTDIR PREFIX=/usr"
for f in usr/bin/patchdigest usr/include/patchdigest.h usr/lib/pkgconfig/patchdigest.pc \
	 usr/lib/libpatchdigest.so.0 usr/lib/libpatchdigest.so usr/share/man/man1/patchdigest.1; do
	check_cmd "installs $f" test -e "$root/$f"
done
soname=$(readelf -d "$root/usr/lib/libpatchdigest.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
check "the shared library's SONAME" "$soname" libpatchdigest.so.0
nm -D --defined-only "$root/usr/lib/libpatchdigest.so" | awk '$2 ~ /^[TDBR]$/ {print $3}' >"$tmp/syms"
check "only pd_ symbols are exported, none internal (pd__)" \
	"$(grep -cv '^pd_[a-z]' "$tmp/syms")" 0
check_cmd "pd_digest_archive is exported" grep -qx pd_digest_archive "$tmp/syms"

# pkg-config reads the installed .pc; the sysroot prefixes its -I and -L
export PKG_CONFIG_PATH="$root/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
flags=$(pkg-config --cflags --libs patchdigest) || { nok "pkg-config knows patchdigest"; exit 1; }
ok "pkg-config knows patchdigest"
# a library built with sanitizers (make asan) needs them in its program too
san=
readelf -d "$root/usr/lib/libpatchdigest.so" | grep -q 'NEEDED.*libasan' && san=-fsanitize=address,undefined
# shellcheck disable=SC2086 # the flags are words
if ${CC:-cc} $san -o "$tmp/digest-sample" tests/install/digest-sample.c $flags 2>"$tmp/cc.err"; then
	ok "a program builds with pkg-config --cflags --libs patchdigest"
else
	nok "a program builds with pkg-config --cflags --libs patchdigest"; sed 's/^/#   /' "$tmp/cc.err"; exit 1
fi
check_cmd "it links the shared library" sh -c "readelf -d '$tmp/digest-sample' | grep -q 'NEEDED.*libpatchdigest.so.0'"
LD_LIBRARY_PATH="$root/usr/lib" "$tmp/digest-sample" sample/kvm-sample.mbox >"$tmp/lib.txt"
check "it digests the sample (exit 0)" $? 0
"$PD" sample/kvm-sample.mbox >"$tmp/cli.txt"
check_cmd "its digest equals the program's, byte for byte" cmp "$tmp/lib.txt" "$tmp/cli.txt"
exit $fail
