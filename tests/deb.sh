#!/bin/sh
# tests/deb.sh - the Debian packages (debian/): builds them with
# `dpkg-buildpackage -us -uc -b` in a scratch copy of the work tree
# (committed and uncommitted files, not build/: dpkg-buildpackage writes its
# .debs beside the source directory, so never in the work tree), runs
# lintian on them (any E: line fails), then installs them with dpkg, runs
# /usr/bin/patchdigest --version, builds and runs a program against
# libpatchdigest-dev with pkg-config (with the shared library, then with
# libpatchdigest.a), and purges them.
#
# `make deb` installs what it needs (devscripts debhelper lintian fakeroot
# and the build dependencies) and runs it.  What is missing is a skip line
# naming it; installing needs root (a skip line otherwise), and is skipped
# when a patchdigest package is already installed, so that the machine is
# left as it was found.  DEB_OUT=DIR (relative to the top of the tree)
# keeps a copy of the .debs, .changes and .buildinfo in DIR.  Each step runs
# under `timeout`: the whole takes about 30 s on 2 cores.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2

PKGS="patchdigest libpatchdigest0 libpatchdigest-dev"
installed=""
cleanup() {
	if [ -n "$installed" ]; then
		timeout 120 dpkg -P $PKGS >"$tmp/purge.log" 2>&1 ||
			echo "# deb.sh: dpkg -P $PKGS failed: $(tail -5 "$tmp/purge.log")"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# tail of a log, indented, for a "not ok" line
logtail() { tail -n "${2:-20}" "$1" | sed 's/^/#   /'; }

missing=""
for c in dpkg-buildpackage dpkg-parsechangelog dh lintian cc pkg-config; do
	command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
done
if [ -n "$missing" ]; then
	skip "deb: build the Debian packages" "not installed:$missing; 'make deb' installs them"
	exit 0
fi

version=$(dpkg-parsechangelog -l debian/changelog -SVersion) || { nok "deb: dpkg-parsechangelog"; exit 1; }
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)

# 1. the copy: what git knows of (tracked, or untracked and not ignored;
# not the files deleted from the work tree), or, outside a git work tree,
# everything but what .gitignore names
src="$tmp/src/patchdigest-$version"
mkdir -p "$src"
if command -v git >/dev/null 2>&1 &&
   git -c safe.directory="$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -c safe.directory="$top" -c core.quotePath=false ls-files -co --exclude-standard | while IFS= read -r f; do
		if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\n' "$f"; fi
	done | tar -cf - --no-recursion --verbatim-files-from -T - | tar -xf - -C "$src"
else
	tar -cf - --exclude=./.git --exclude=./build --exclude=./fuzz/out --exclude=./bench/archives \
	    --exclude='*.o' . | tar -xf - -C "$src"
fi
if [ -f "$src/debian/control" ] && [ -f "$src/Makefile" ]; then
	ok "deb: copy of the work tree"
else
	nok "deb: copy of the work tree ($src has no debian/control or Makefile)"
	exit 1
fi

# the build dependencies: missing ones are the machine's, not the package's
if ! (cd "$src" && timeout 60 dpkg-checkbuilddeps) >"$tmp/bdeps.log" 2>&1; then
	unmet=$(sed -n 's/.*Unmet build dependencies: *//p' "$tmp/bdeps.log")
	if [ -n "$unmet" ]; then
		skip "deb: build the Debian packages" "not installed: $unmet; 'make deb' installs them"
		exit 0
	fi
	nok "deb: dpkg-checkbuilddeps failed: $(head -c 600 "$tmp/bdeps.log")"
	exit 1
fi

# 2. the build; the source package too (before the build, from the clean
# copy), only so that lintian checks debian/ as a source package
if (cd "$tmp/src" && timeout 120 dpkg-source -b "patchdigest-$version") >"$tmp/source.log" 2>&1; then
	ok "deb: dpkg-source -b"
else
	nok "deb: dpkg-source -b failed"; logtail "$tmp/source.log"
fi
dsc="$tmp/src/patchdigest_$version.dsc"
start=$(date +%s)
if (cd "$src" && timeout 600 dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
	ok "deb: dpkg-buildpackage -us -uc -b ($(( $(date +%s) - start )) s)"
else
	nok "deb: dpkg-buildpackage -us -uc -b failed (log: last lines below)"
	logtail "$tmp/build.log" 40
	exit 1
fi
changes="$tmp/src/patchdigest_${version}_${arch}.changes"
debs=""
for p in $PKGS; do
	d="$tmp/src/${p}_${version}_${arch}.deb"
	if [ -f "$d" ]; then debs="$debs $d"; else nok "deb: $p was not built (no $(basename "$d"))"; fi
done
[ "$fail" = 0 ] && ok "deb: the three packages are built ($PKGS)"
[ -f "$changes" ] || nok "deb: no $(basename "$changes")"
[ "$fail" = 0 ] || exit 1
if [ -n "${DEB_OUT:-}" ]; then
	mkdir -p "$DEB_OUT" && cp "$tmp"/src/*.deb "$tmp"/src/*.changes "$tmp"/src/*.buildinfo "$DEB_OUT"/ &&
		echo "# deb.sh: packages copied to $DEB_OUT"
fi

# the symbols file lists what the library exports, no more, no less
# (dpkg-gensymbols fails the build when one disappeared; a new one is only
# a warning, and debian/libpatchdigest0.symbols must then name it)
if grep -q 'dpkg-gensymbols: warning: some new symbols appeared' "$tmp/build.log"; then
	nok "deb: debian/libpatchdigest0.symbols lacks symbols the library exports; add these lines (with the first version that has them):"
	grep '^+ ' "$tmp/build.log" | sed 's/^/#   /'
else
	ok "deb: debian/libpatchdigest0.symbols matches the library's exports"
fi

# 3. lintian on the binary packages (the .changes) and the source (.dsc):
# errors fail; warnings, pedantic and informational tags are shown as
# comments.  Exit 0: no error; otherwise error tags, or lintian failed.
lint="$changes"; [ -f "$dsc" ] && lint="$lint $dsc"
# shellcheck disable=SC2086
timeout 300 lintian --tag-display-limit 0 --display-info --pedantic $lint >"$tmp/lintian.log" 2>&1
rc=$?
if grep -q '^E: ' "$tmp/lintian.log"; then
	nok "deb: lintian reports errors"
	grep '^E: ' "$tmp/lintian.log" | sed 's/^/#   /'
elif [ "$rc" != 0 ]; then
	nok "deb: lintian failed (exit $rc): $(grep -v 'root privileges' "$tmp/lintian.log" | head -c 600)"
else
	ok "deb: lintian reports no errors ($(grep -c '^W: ' "$tmp/lintian.log") warnings, $(grep -c -E '^[IPX]: ' "$tmp/lintian.log") info/pedantic/experimental)"
fi
grep -E '^[WIPX]: ' "$tmp/lintian.log" | sed 's/^/# lintian: /'

# 4. installed: the program and a program built against -dev
if [ "$(id -u)" != 0 ]; then
	skip "deb: install the packages" "dpkg -i needs root"
	exit $fail
fi
present=""
for p in $PKGS; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$'; then present="$present $p"; fi
done
if [ -n "$present" ]; then
	skip "deb: install the packages" "already installed:$present; not replacing them"
	exit $fail
fi
installed=yes
# shellcheck disable=SC2086
if DEBIAN_FRONTEND=noninteractive timeout 300 dpkg -i $debs >"$tmp/install.log" 2>&1; then
	ok "deb: dpkg -i $PKGS"
else
	nok "deb: dpkg -i failed"
	logtail "$tmp/install.log"
	exit 1
fi

out=$(timeout 30 /usr/bin/patchdigest --version 2>&1); rc=$?
if [ "$rc" = 0 ]; then
	ok "deb: /usr/bin/patchdigest --version exits 0 ($out)"
else
	nok "deb: /usr/bin/patchdigest --version: exit $rc: $out"
fi
case $out in
*"$version"*) ok "deb: /usr/bin/patchdigest --version names $version" ;;
*) nok "deb: /usr/bin/patchdigest --version: '$out' does not name $version" ;;
esac
if [ -f /usr/share/man/man1/patchdigest.1.gz ]; then ok "deb: the man page is installed"
else nok "deb: no /usr/share/man/man1/patchdigest.1.gz"; fi

cat >"$tmp/use.c" <<'EOF'
#include <stdio.h>
#include <patchdigest.h>

int main(void)
{
	int n = pd_init();
	const char *s = pd_status_to_string(0);

	if (n < 1 || !s || !*s) {
		fprintf(stderr, "pd_init() = %d, pd_status_to_string(0) = %s\n",
		        n, s ? s : "(null)");
		return 1;
	}
	printf("pd_init() = %d, pd_status_to_string(0) = %s\n", n, s);
	return pd_shutdown() == 0 ? 0 : 1;
}
EOF
# only the system's pkg-config files, and a compiler run outside the tree
unset PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR C_INCLUDE_PATH CPATH LIBRARY_PATH
cd "$tmp" || exit 1
if flags=$(pkg-config --cflags --libs patchdigest 2>"$tmp/pc.err"); then
	# shellcheck disable=SC2086
	if timeout 120 cc -o use-shared use.c $flags >"$tmp/cc.log" 2>&1; then
		out=$(timeout 30 ./use-shared 2>&1); rc=$?
		if [ "$rc" = 0 ]; then ok "deb: a program built with pkg-config --cflags --libs patchdigest runs: $out"
		else nok "deb: the program built against libpatchdigest-dev: exit $rc: $out"; fi
		lib=$(ldd ./use-shared | sed -n 's/.*libpatchdigest\.so\.0 => \([^ ]*\).*/\1/p')
		case $lib in
		"/usr/lib/$multiarch/libpatchdigest.so.0"|"/lib/$multiarch/libpatchdigest.so.0")
			ok "deb: it uses the installed $lib" ;;
		*) nok "deb: it does not use /usr/lib/$multiarch/libpatchdigest.so.0: '$lib'" ;;
		esac
	else
		nok "deb: cc use.c $flags failed"; logtail "$tmp/cc.log"
	fi
	# the static library, linked as the project links its program: libpatchdigest.a,
	# then the modules of Requires.private (as shared libraries: a fully static
	# `pkg-config --static` link needs static libraries that Debian's -dev
	# packages of gmime and libgit2 do not all bring, gpgme's for one)
	sflags="$(pkg-config --cflags patchdigest) -l:libpatchdigest.a"
	sflags="$sflags $(pkg-config --libs $(pkg-config --print-requires-private patchdigest | cut -d' ' -f1)) -lpthread"
	# shellcheck disable=SC2086
	if timeout 120 cc -o use-static use.c $sflags >"$tmp/cc.log" 2>&1; then
		out=$(timeout 30 ./use-static 2>&1); rc=$?
		if [ "$rc" = 0 ] && ! ldd ./use-static | grep -q libpatchdigest; then
			ok "deb: a program linked with libpatchdigest.a and the Requires.private modules runs"
		else nok "deb: the program linked with libpatchdigest.a: exit $rc: $out"; fi
	else
		nok "deb: cc use.c $sflags failed"; logtail "$tmp/cc.log"
	fi
else
	nok "deb: pkg-config --cflags --libs patchdigest: $(cat "$tmp/pc.err")"
fi
cd "$top" || exit 1

# 5. purged: nothing left behind
if timeout 120 dpkg -P $PKGS >"$tmp/purge.log" 2>&1; then
	installed=""
	left=""
	for f in /usr/bin/patchdigest /usr/include/patchdigest.h "/usr/lib/$multiarch/libpatchdigest.so.0" \
	         "/usr/lib/$multiarch/pkgconfig/patchdigest.pc"; do
		[ -e "$f" ] && left="$left $f"
	done
	if [ -z "$left" ]; then ok "deb: dpkg -P $PKGS removes them"
	else nok "deb: dpkg -P left:$left"; fi
else
	nok "deb: dpkg -P $PKGS failed"; logtail "$tmp/purge.log"
fi
exit $fail
