# usertoken: one entry point for building, the demo, every test suite and installing.
#
#   make demo       build everything, start ut-emulator, run examples/demo.c against it
#   make test       every suite: Rust, C (ctest), Python, C#
#   make install    PREFIX=/usr/local (DESTDIR honoured)
#   make wheel      the Python wheel (manylinux, library stripped) in bindings/python/dist
#   make header     regenerate include/usertoken.h with the pinned cbindgen

CARGO   ?= cargo
CC      ?= cc
PYTHON  ?= python3
PREFIX  ?= /usr/local
BUILD   := build
RELEASE := target/release
LIB     := $(RELEASE)/libusertoken.so
EMULATOR := $(RELEASE)/ut-emulator
VENV    := $(BUILD)/venv

.PHONY: all build demo test test-rust test-c test-python test-csharp wheel header install clean

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

test: test-rust test-c test-python test-csharp

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

test-python: build $(VENV)/.installed
	$(MAKE) -C bindings/python test PYTHON=$(CURDIR)/$(VENV)/bin/python

wheel: build $(VENV)/.installed
	$(MAKE) -C bindings/python wheel PYTHON=$(CURDIR)/$(VENV)/bin/python

test-csharp: build
	$(MAKE) -C bindings/csharp test

header:
	UT_UPDATE_HEADER=1 $(CARGO) build --release

install: build
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/lib/cmake/usertoken
	install -m 0755 -s $(LIB) $(DESTDIR)$(PREFIX)/lib/libusertoken.so.1.0.0
	ln -sf libusertoken.so.1.0.0 $(DESTDIR)$(PREFIX)/lib/libusertoken.so.1
	ln -sf libusertoken.so.1 $(DESTDIR)$(PREFIX)/lib/libusertoken.so
	install -m 0644 include/usertoken.h $(DESTDIR)$(PREFIX)/include/usertoken.h
	sed 's|@PREFIX@|$(PREFIX)|g' packaging/usertoken.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/usertoken.pc
	install -m 0644 packaging/usertokenConfig.cmake packaging/usertokenConfigVersion.cmake \
		$(DESTDIR)$(PREFIX)/lib/cmake/usertoken/

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
FUZZ_HOST    := $(shell rustc -vV | sed -n 's/^host: //p')
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
