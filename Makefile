# patchdigest - see README.md.  `make demo` installs what is missing,
# builds and prints the digest of the bundled sample; `make check` runs
# every test; `make install` installs the program, the library, its header,
# its pkg-config file and the man page under $(DESTDIR)$(PREFIX).

VERSION  := 0.1.0
SOVERSION := 0
CC       ?= cc
AR       ?= ar
PKGS     := libgit2 gmime-3.0 jansson glib-2.0 sqlite3 zlib libdeflate nettle
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes
# WERROR=1 (CI does) turns every warning into an error.
ifeq ($(WERROR),1)
WARN     += -Werror
endif
# debhelper names the cross pkg-config when cross-building
PKG_CONFIG ?= pkg-config
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
# CPPFLAGS, CFLAGS and LDFLAGS are the caller's (Debian's hardening flags
# come that way); -MMD -MP keep a .d file of each object's headers.
ALL_CPPFLAGS = -Isrc -DPD_VERSION='"$(VERSION)"' $(CPPFLAGS)
ALL_CFLAGS   = $(CFLAGS) $(WARN) -std=gnu11 -MMD -MP $(PKG_CFLAGS)
# the library's objects: position independent, and only PD_EXTERN visible
LIB_CFLAGS   = -fPIC -fvisibility=hidden

# The program's malloc (cli/allocator.c says why): jemalloc, or with
# ALLOCATOR= (empty) the C library's.  The library itself uses whatever
# malloc its program has; the sanitizer builds use the C library's.
ALLOCATOR ?= jemalloc
ifeq ($(ALLOCATOR),jemalloc)
ALLOC_LIBS := $(shell $(PKG_CONFIG) --libs jemalloc 2>/dev/null)
ALLOC_CPPFLAGS := $(if $(ALLOC_LIBS),-DPD_JEMALLOC)
endif

# Install locations (GNU names).  Debian sets LIBDIR to its multiarch one.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL    ?= install

# Debian packages the build, the tests and mkinbox need.
DEBS := build-essential pkg-config libgit2-dev libgmime-3.0-dev libjansson-dev \
        libglib2.0-dev libsqlite3-dev zlib1g-dev libdeflate-dev nettle-dev libjemalloc-dev git python3 public-inbox gdb b4 curl \
        chromium python3-html5lib python3-feedparser cmark-gfm

B        ?= build
LIB_SRC  := $(wildcard src/*/*.c)
CLI_SRC  := $(wildcard cli/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(wildcard tests/unit/test-*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC := $(wildcard fuzz/fuzz-*.c)
# each fuzz target as a plain program replaying files (for the tests) ...
FUZZ_RUN := $(FUZZ_SRC:fuzz/%.c=$(B)/fuzz/%)
# ... and linked with libFuzzer (make fuzz: clang)
FUZZ_LIBFUZZER := $(FUZZ_SRC:fuzz/%.c=$(B)/fuzz/%-libfuzzer)
SONAME   := libpatchdigest.so.$(SOVERSION)
SHLIB    := $(B)/libpatchdigest.so.$(VERSION)

.PHONY: all deps demo check run-tests asan fuzz fuzz-targets bench clean install uninstall deb

all: $(B)/patchdigest $(SHLIB)

$(B)/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LIB_CFLAGS) -c -o $@ $<

$(B)/cli/%.o: cli/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALLOC_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libpatchdigest.a: $(LIB_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(SHLIB): $(LIB_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--no-undefined \
	  -o $@ $^ $(PKG_LIBS) -lpthread
	ln -sf $(notdir $@) $(B)/$(SONAME)
	ln -sf $(SONAME) $(B)/libpatchdigest.so

# The program links the library statically: one file, no search path.
$(B)/patchdigest: $(CLI_OBJ) $(B)/libpatchdigest.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(B)/libpatchdigest.a $(PKG_LIBS) $(ALLOC_LIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libpatchdigest.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -Itests/unit $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libpatchdigest.a $(PKG_LIBS)

$(B)/fuzz/runner.o: fuzz/runner.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -Ifuzz $(ALL_CFLAGS) -c -o $@ $<

# one source per command, so that its .d file lists that source's headers
$(B)/fuzz/%: fuzz/%.c $(B)/fuzz/runner.o $(B)/libpatchdigest.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -Ifuzz -Itests/unit $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/fuzz/runner.o \
	  $(B)/libpatchdigest.a $(PKG_LIBS)

$(B)/fuzz/%-libfuzzer: fuzz/%.c $(B)/libpatchdigest.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -Ifuzz -Itests/unit $(ALL_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
	  $(B)/libpatchdigest.a $(PKG_LIBS)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_BIN:=.d) $(FUZZ_RUN:=.d) $(B)/fuzz/runner.d

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PKGCONFIGDIR)
	$(INSTALL) -m 755 $(B)/patchdigest $(DESTDIR)$(BINDIR)/patchdigest
	$(INSTALL) -m 644 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libpatchdigest.so
	$(INSTALL) -m 644 $(B)/libpatchdigest.a $(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 644 src/patchdigest.h $(DESTDIR)$(INCLUDEDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|; s|@REQUIRES@|$(PKGS)|' patchdigest.pc.in \
	    >$(DESTDIR)$(PKGCONFIGDIR)/patchdigest.pc
	$(INSTALL) -m 644 docs/patchdigest.1 $(DESTDIR)$(MANDIR)/man1/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/patchdigest $(DESTDIR)$(LIBDIR)/libpatchdigest.* \
	  $(DESTDIR)$(INCLUDEDIR)/patchdigest.h $(DESTDIR)$(PKGCONFIGDIR)/patchdigest.pc \
	  $(DESTDIR)$(MANDIR)/man1/patchdigest.1

# Installs the Debian packages that are missing (root, or sudo).
deps:
	@missing=""; for p in $(DEBS) $(EXTRA_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: deps
	@$(MAKE) --no-print-directory all
	./$(B)/patchdigest sample/kvm-sample.mbox

# deps first, then a fresh make: pkg-config's flags are read when make
# starts, so a machine that just got the -dev packages needs a new run.
check: deps
	@$(MAKE) --no-print-directory run-tests

run-tests: all $(B)/libpatchdigest.a $(UNIT_BIN) $(FUZZ_RUN)
	@B=$(B) tests/run-all.sh

# allocator_may_return_null: a failed allocation returns NULL, as libc's
# malloc does, where ASan would abort.  A corrupt git object can declare any
# size, libgit2 allocates it and handles the failure (tests/git-faults.sh).
asan: deps
	ASAN_OPTIONS=$${ASAN_OPTIONS:+$$ASAN_OPTIONS:}allocator_may_return_null=1 \
	$(MAKE) --no-print-directory B=build/asan ALLOCATOR= \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" run-tests

# The Debian packages (debian/), unsigned, built in a scratch copy and
# copied into $(B)/deb; then lintian, and (as root) install, use, purge.
deb:
	@$(MAKE) --no-print-directory deps EXTRA_DEBS="devscripts debhelper lintian fakeroot"
	DEB_OUT=$(B)/deb tests/deb.sh

# The fuzz targets with libFuzzer, ASan and UBSan (clang); fuzz/run.sh
# runs them.  See fuzz/README.md.
fuzz:
	@command -v clang >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq clang >/dev/null; }
	$(MAKE) --no-print-directory B=build/fuzz CC=clang ALLOCATOR= \
	  CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  fuzz-targets

fuzz-targets: $(FUZZ_LIBFUZZER)

# Times patchdigest against `git cat-file --batch` (bench/README.md).
bench: all
	python3 bench/bench.py

clean:
	rm -rf build
