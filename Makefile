# usertoken: one entry point for building, the demo, every test suite and installing.
#
#   make demo       build everything, start ut-emulator, run examples/demo.c against it
#   make test       every suite: Rust, C (ctest), Python, C#
#   make install    PREFIX=/usr/local (DESTDIR honoured)
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

.PHONY: all build demo test test-rust test-c test-python test-csharp header install clean

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

# Release profile, so the suites share one build of every dependency.
test-rust:
	$(CARGO) test --release --workspace

test-c: build
	cmake -S tests/c -B $(BUILD)/ctest -DUSERTOKEN_ROOT=$(CURDIR)
	cmake --build $(BUILD)/ctest -j2
	ctest --test-dir $(BUILD)/ctest --output-on-failure

$(VENV)/bin/pytest:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r bindings/python/requirements-dev.txt

test-python: build $(VENV)/bin/pytest
	$(MAKE) -C bindings/python test PYTHON=$(CURDIR)/$(VENV)/bin/python

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
