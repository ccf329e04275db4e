# patchdigest - see README.md.  `make demo` installs what is missing,
# builds and prints the digest of the bundled sample; `make check` runs
# every test.

VERSION  := 0.1.0
CC       ?= cc
PKGS     := libgit2 gmime-3.0 jansson glib-2.0 sqlite3
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS  = $(CFLAGS) $(WARN) -std=gnu11 -Isrc -DPD_VERSION='"$(VERSION)"' $(PKG_CFLAGS)

# Debian packages the build, the tests and mkinbox need.
DEBS := build-essential pkg-config libgit2-dev libgmime-3.0-dev libjansson-dev \
        libglib2.0-dev libsqlite3-dev git python3 public-inbox

B        ?= build
LIB_SRC  := $(wildcard src/*.c)
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

.PHONY: all deps demo check run-tests asan fuzz fuzz-targets bench clean

all: $(B)/patchdigest

$(B)/%.o: %.c src/patchdigest.h src/pd-private.h $(wildcard src/*-private.h) cli/cli.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libpatchdigest.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/patchdigest: $(CLI_OBJ) $(B)/libpatchdigest.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(B)/libpatchdigest.a $(PKG_LIBS)

$(B)/tests/%: tests/unit/%.c tests/unit/harness.h fuzz/message-compare.h $(B)/libpatchdigest.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -Ifuzz $(LDFLAGS) -o $@ $< $(B)/libpatchdigest.a $(PKG_LIBS)

$(B)/fuzz/%: fuzz/%.c fuzz/runner.c fuzz/fuzz-common.h fuzz/message-compare.h $(B)/libpatchdigest.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ifuzz $(LDFLAGS) -o $@ $< fuzz/runner.c $(B)/libpatchdigest.a $(PKG_LIBS)

$(B)/fuzz/%-libfuzzer: fuzz/%.c fuzz/fuzz-common.h fuzz/message-compare.h $(B)/libpatchdigest.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ifuzz -fsanitize=fuzzer,address,undefined -o $@ $< \
	  $(B)/libpatchdigest.a $(PKG_LIBS)

# Installs the Debian packages that are missing (root, or sudo).
deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
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

run-tests: all $(UNIT_BIN) $(FUZZ_RUN)
	@B=$(B) tests/run-all.sh

# allocator_may_return_null: a failed allocation returns NULL, as libc's
# malloc does, where ASan would abort.  A corrupt git object can declare any
# size, libgit2 allocates it and handles the failure (tests/git-faults.sh).
asan: deps
	ASAN_OPTIONS=$${ASAN_OPTIONS:+$$ASAN_OPTIONS:}allocator_may_return_null=1 \
	$(MAKE) --no-print-directory B=build/asan \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" run-tests

# The fuzz targets with libFuzzer, ASan and UBSan (clang); fuzz/run.sh
# runs them.  See fuzz/README.md.
fuzz:
	@command -v clang >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq clang >/dev/null; }
	$(MAKE) --no-print-directory B=build/fuzz CC=clang \
	  CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  fuzz-targets

fuzz-targets: $(FUZZ_LIBFUZZER)

# Times patchdigest against `git cat-file --batch` (bench/README.md).
bench: all
	python3 bench/bench.py

clean:
	rm -rf build
