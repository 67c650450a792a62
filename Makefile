# usertoken: one entry point for building, the demo, every test suite and installing.
#
#   make demo       build everything, start ut-emulator, run examples/demo.c against it
#   make test       every suite: Rust, C (ctest), Python, C#
#   make install    copy what `make build` made: PREFIX=/usr/local, LIBDIR, BINDIR, INCLUDEDIR,
#                   DESTDIR (never builds: `make build` first, as yourself; then `sudo make install`)
#   make uninstall  remove what `make install` put there (the same variables)
#   make wheel      the Python wheel (manylinux2014: glibc 2.17 and newer, x86_64) in bindings/python/dist
#   make header     regenerate include/usertoken.h with the pinned cbindgen

CARGO   ?= cargo
CC      ?= cc
PYTHON  ?= python3
BUILD   := build
RELEASE := target/release
LIB     := $(RELEASE)/libusertoken.so
EMULATOR := $(RELEASE)/ut-emulator
VENV    := $(BUILD)/venv

.PHONY: all build demo test test-lint test-rust test-c test-python test-csharp wheel wheel-library header install uninstall clean

all: build

# The library's soname is libusertoken.so.1; the link beside it lets programs linked
# against the build tree run from it.
build:
	$(CARGO) build --release --workspace
	ln -sf libusertoken.so $(RELEASE)/libusertoken.so.1

$(BUILD)/demo: examples/demo.c include/usertoken.h build
	@mkdir -p $(BUILD)
	$(CC) -std=c99 -Wall -Wextra -Werror -Iinclude -o $@ examples/demo.c -L$(RELEASE) -lusertoken -Wl,-rpath,$(CURDIR)/$(RELEASE)

demo: $(BUILD)/demo
	examples/run-demo.sh $(EMULATOR) $(BUILD)/demo

test: test-lint test-rust test-c test-python test-csharp

# Formatting and clippy's lints, as errors (the Python package's mypy --strict runs in
# test-python).
test-lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings

# Release profile, so the suites share one build of every dependency. The panic test needs
# the test-only feature; it runs first so that the library left in target/ is the plain one.
test-rust:
	$(CARGO) test --release --features test-panic --test process_life
	$(CARGO) test --release --workspace

test-c: build
	cmake -S tests/c -B $(BUILD)/ctest -DUSERTOKEN_ROOT=$(CURDIR)
	cmake --build $(BUILD)/ctest -j2
	ctest --test-dir $(BUILD)/ctest --output-on-failure -j2

# Remade whenever the requirements change.
$(VENV)/.installed: bindings/python/requirements-dev.txt
	[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r bindings/python/requirements-dev.txt
	touch $@

# The wheel's own build of the library (linked for glibc 2.17 by zig) comes first, outside
# pytest: test_wheel.py then finds it built.
test-python: build wheel-library $(VENV)/.installed
	$(MAKE) -C bindings/python test PYTHON=$(CURDIR)/$(VENV)/bin/python

wheel: $(VENV)/.installed
	$(MAKE) -C bindings/python wheel PYTHON=$(CURDIR)/$(VENV)/bin/python

wheel-library: $(VENV)/.installed
	$(MAKE) -C bindings/python library PYTHON=$(CURDIR)/$(VENV)/bin/python CARGO=$(CARGO)

test-csharp: build
	$(MAKE) -C bindings/csharp test

header:
	UT_UPDATE_HEADER=1 $(CARGO) test --release --test header

# Installation. The directories have their GNU names and may each be set (LIBDIR=$(PREFIX)/lib64,
# LIBDIR=/usr/lib/x86_64-linux-gnu, ...); DESTDIR stages the whole tree elsewhere, as packagers
# do. `make install` copies what `make build` made and never runs cargo, so that
# `sudo make install` works without root having Rust on its PATH.
PREFIX       ?= /usr/local
BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
DATAROOTDIR  ?= $(PREFIX)/share
DOCDIR       ?= $(DATAROOTDIR)/doc/usertoken
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
CMAKEDIR     ?= $(LIBDIR)/cmake/usertoken
LDCONFIG     ?= /sbin/ldconfig

VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
SONAME  := libusertoken.so.$(firstword $(subst ., ,$(VERSION)))
# usertoken.pc names its directories from ${prefix} where it can, so that pkg-config's
# --define-prefix and sysroot handling work; the CMake package finds the library and the
# header relative to itself, so that an installed tree can be moved.
PC_LIBDIR     := $(patsubst $(PREFIX)/%,$${exec_prefix}/%,$(LIBDIR))
PC_INCLUDEDIR := $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))
CMAKE_TO_LIBDIR     := $(shell realpath -ms --relative-to=$(CMAKEDIR) $(LIBDIR))
CMAKE_TO_INCLUDEDIR := $(shell realpath -ms --relative-to=$(CMAKEDIR) $(INCLUDEDIR))
INSTALLED := $(LIBDIR)/libusertoken.so.$(VERSION) $(LIBDIR)/$(SONAME) $(LIBDIR)/libusertoken.so \
	$(INCLUDEDIR)/usertoken.h $(PKGCONFIGDIR)/usertoken.pc \
	$(CMAKEDIR)/usertokenConfig.cmake $(CMAKEDIR)/usertokenConfigVersion.cmake \
	$(BINDIR)/ut-emulator $(DOCDIR)/LICENSE-MIT $(DOCDIR)/LICENSE-APACHE

install:
	@for built in $(LIB) $(EMULATOR); do \
		[ -f "$$built" ] || { echo "error: $$built is missing: run 'make build' first (as yourself;" \
			"'make install' only copies what it built)" >&2; exit 1; }; \
	done
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(CMAKEDIR) \
		$(DESTDIR)$(BINDIR) $(DESTDIR)$(DOCDIR)
	install -m 0755 -s $(LIB) $(DESTDIR)$(LIBDIR)/libusertoken.so.$(VERSION)
	ln -sf libusertoken.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libusertoken.so
	install -m 0644 include/usertoken.h $(DESTDIR)$(INCLUDEDIR)/usertoken.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(PC_LIBDIR)|g' -e 's|@INCLUDEDIR@|$(PC_INCLUDEDIR)|g' \
		-e 's|@VERSION@|$(VERSION)|g' packaging/usertoken.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/usertoken.pc
	sed -e 's|@CMAKE_TO_LIBDIR@|$(CMAKE_TO_LIBDIR)|g' -e 's|@CMAKE_TO_INCLUDEDIR@|$(CMAKE_TO_INCLUDEDIR)|g' \
		-e 's|@SONAME@|$(SONAME)|g' packaging/usertokenConfig.cmake.in > $(DESTDIR)$(CMAKEDIR)/usertokenConfig.cmake
	sed -e 's|@VERSION@|$(VERSION)|g' packaging/usertokenConfigVersion.cmake.in \
		> $(DESTDIR)$(CMAKEDIR)/usertokenConfigVersion.cmake
	install -m 0755 -s $(EMULATOR) $(DESTDIR)$(BINDIR)/ut-emulator
	install -m 0644 LICENSE-MIT LICENSE-APACHE $(DESTDIR)$(DOCDIR)/
	$(ldconfig_after_install)

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	rmdir $(DESTDIR)$(CMAKEDIR) $(DESTDIR)$(DOCDIR) 2>/dev/null || true
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && [ -x $(LDCONFIG) ]; then echo "$(LDCONFIG)"; $(LDCONFIG); fi

# A program finds libusertoken.so.1 at run time through an rpath (README.md, "C quick start")
# or through the loader's cache, which learns of a new library only when ldconfig runs. An
# install as root into the running system refreshes the cache; a staged one (DESTDIR) leaves
# that to the package's own scripts.
define ldconfig_after_install
	@if [ -n "$(DESTDIR)" ]; then \
		echo "note: staged under DESTDIR=$(DESTDIR): run ldconfig once the files are in place"; \
	else \
		if [ "$$(id -u)" = 0 ] && [ -x $(LDCONFIG) ]; then echo "$(LDCONFIG)"; $(LDCONFIG); fi; \
		if ! $(LDCONFIG) -p 2>/dev/null | grep -qF " => $(LIBDIR)/$(SONAME)"; then \
			echo "note: $(LIBDIR) is not in the loader's cache: link programs with -Wl,-rpath,$(LIBDIR)" \
				"(README.md, C quick start), or add it to /etc/ld.so.conf.d and run 'sudo ldconfig'"; \
		fi; \
	fi
endef

clean:
	$(CARGO) clean
	rm -rf $(BUILD)

# Benchmarks against ut-emulator (not part of `make test`); writes benches/results.md and
# benches/results.png. BENCH_QUICK=1 for a smoke run; see benches/README.md.
.PHONY: bench
bench: build
	$(MAKE) -C benches run

# Soak (not part of `make test`): 64 threads mixing every call against ut-emulator with
# random faults; SOAK_SECONDS (default 120), SOAK_THREADS, SOAK_RSS_GROWTH_MIB. See
# RELIABILITY.md.
.PHONY: soak
soak: build
	$(CARGO) build --release --example soak
	$(RELEASE)/examples/soak

# Fuzzing (not part of `make test`, whose tests/properties.rs replays the same checks on the
# seed corpus): builds the targets in fuzz/ with libFuzzer's coverage instrumentation on the
# stable toolchain (no sanitizer, so no nightly) and runs each for FUZZ_SECONDS (default
# 120). New inputs go to fuzz/target/corpus, crashes to fuzz/artifacts; the checked-in seeds
# in fuzz/corpus are only read.
FUZZ_SECONDS ?= 120
FUZZ_TARGETS ?= config arguments response dates
FUZZ_HOST    = $(shell rustc -vV | sed -n 's/^host: //p')
FUZZ_FLAGS   := --cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
	-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
	-Cllvm-args=-sanitizer-coverage-trace-compares -Cllvm-args=-sanitizer-coverage-stack-depth \
	-Cdebug-assertions -Coverflow-checks -Ccodegen-units=1
.PHONY: fuzz
fuzz:
	cd fuzz && RUSTFLAGS="$(FUZZ_FLAGS)" $(CARGO) build --release --target $(FUZZ_HOST) --bins
	@mkdir -p fuzz/artifacts
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/target/corpus/$$t; \
		echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
		fuzz/target/$(FUZZ_HOST)/release/$$t fuzz/target/corpus/$$t fuzz/corpus/$$t \
			-max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=20 -print_final_stats=1 \
			-artifact_prefix=fuzz/artifacts/$$t- 2>&1 | tee fuzz/target/$$t.log | grep -E '^#[0-9]+\s+(pulse|DONE)|^stat::|panicked|ERROR: libFuzzer' \
			|| true; \
		grep -q '^stat::number_of_executed_units' fuzz/target/$$t.log || { echo "fuzz $$t: FAILED (see fuzz/target/$$t.log)"; exit 1; }; \
		if grep -qE 'panicked|ERROR: libFuzzer|Test unit written' fuzz/target/$$t.log; then echo "fuzz $$t: FAILED (see fuzz/target/$$t.log)"; exit 1; fi; \
	done
