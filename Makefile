# zsim - compressed-swap simulator.  `make` builds ./zsim; `make help` lists targets.
#
# Sources are found by folder: every .c in core/ codecs/ allocators/ policies/
# traces/ tiers/ sim/ cli/ is part of zsim, so adding a model means adding its
# file (and its one registry line).  The folders are layers, in that order: each
# includes only folders before it (tests/layers.sh checks, inside `make check`).  Objects go to $(BUILD)/; the sanitizer build uses its
# own directory so the two never mix.

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
OPT     ?= -O2
PKGS    := liblz4 lzo2 libzstd jansson libxxhash

PKG_CONFIG ?= pkg-config
WERROR  ?=

# pkg-config is asked when a recipe first needs the flags (and once only), so
# `make deps`, `make help` and `make clean` work without the libraries.  A
# package it cannot find stops make with one line naming it and the fix.
DEB_liblz4 := liblz4-dev
DEB_lzo2 := liblzo2-dev
DEB_libzstd := libzstd-dev
DEB_jansson := libjansson-dev
DEB_libxxhash := libxxhash-dev
DEB_check := check
pkg_missing = $(strip $(foreach p,$(1),$(if $(shell $(PKG_CONFIG) --exists $(p) 2>/dev/null && echo y),,$(p))))
pkg_fail = $(error $(if $(shell command -v $(PKG_CONFIG)),pkg-config cannot find,$(PKG_CONFIG) not found; it is needed to find) $(1); run `make deps`, or: sudo apt-get install -y pkg-config $(foreach p,$(1),$(or $(DEB_$(p)),$(p))))
pkg_flags = $(if $(call pkg_missing,$(2)),$(call pkg_fail,$(call pkg_missing,$(2))),$(shell $(PKG_CONFIG) $(1) $(2)))
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(call pkg_flags,--cflags,$$(PKGS)))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $$(call pkg_flags,--libs,$$(PKGS)))$(PKG_LIBS)
CHECK_CFLAGS = $(eval CHECK_CFLAGS := $$(call pkg_flags,--cflags,check))$(CHECK_CFLAGS)
CHECK_LIBS   = $(eval CHECK_LIBS := $$(call pkg_flags,--libs,check))$(CHECK_LIBS)

# Link-time optimisation of the zsim binary: its run loop calls across layers
# (trace decode, the engine, mm, swap, policies), and inlining across files
# takes ~9% of its instructions per access (make bench's cachegrind counts).
# Objects carry GCC's IR beside plain code, so the tests, tools and benches
# link as before, without LTO's link-time cost.  LTO= turns it off.
LTO     ?= $(if $(filter gcc cc,$(notdir $(CC))),-flto=auto -ffat-lto-objects)

# WERROR=1 (CI) turns every warning into an error (WERROR=0 or unset: off).
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wmissing-prototypes $(if $(filter-out 0,$(WERROR)),-Werror)
CFLAGS  ?= -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(OPT) $(CFLAGS) $(SANFLAGS) $(WARN) -I. $(PKG_CFLAGS) -MMD -MP
LDLIBS_ALL = $(PKG_LIBS) -lm -lpthread

LIB_SRC  := $(filter-out cli/main.c,$(wildcard core/*.c codecs/*.c allocators/*.c policies/*.c traces/*.c tiers/*.c sim/*.c cli/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/cli/main.o
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOLS    := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
BENCH_SRC:= $(wildcard bench/*.c)
BENCHES  := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

ZSIM_BIN := $(BUILD)/zsim

.PHONY: regress regress-accept docs-img
.PHONY: validate-kernel validate-resim zsim-static traces run all check check-layers check-unit check-e2e check-kernel asan bench install uninstall clean help deps fuzz

all: zsim

zsim: $(ZSIM_BIN)
ifeq ($(BUILD),build)
	@cp -f $(ZSIM_BIN) zsim
endif

help:
	@echo "make             build ./zsim"
	@echo "make check       unit tests, end-to-end tests, and the real-kernel zram check when zram0 is free"
	@echo "make asan        the same tests under address+undefined sanitizers (objects in build-asan/)"
	@echo "make check-kernel  only the real-kernel zram fidelity check (root, free /sys/block/zram0)"
	@echo "make bench       benchmarks; prints figures"
	@echo "make fuzz        run the libFuzzer targets for a bounded time (clang)"
	@echo "make validate-kernel  the same traces in zsim and in Debian's 6.1 kernel under qemu; prints a table"
	@echo "make validate-resim   zsim's side of the saved validation again (no qemu; after a model change)"
	@echo "make traces      traces/kbuild.trc, hogger-800m.trc (the 2013 experiment), service-800m.trc"
	@echo "make install PREFIX=/usr/local DESTDIR=   zsim, its man page, configs and scripts (make uninstall)"
	@echo "make regress     rerun the standard scenarios, compare with results/baselines/ (tolerances), charts, HTML reports"
	@echo "make regress-accept  make the last regress run the new baselines (then commit results/baselines/)"
	@echo "make docs-img    the README's charts (docs/img/*.png) from results/baselines/"

deps:
	@sh scripts/deps.sh

# The main job on the built-in defaults: an 800 MiB service that keeps using part
# of its memory beside a kernel build -j4, on a 1 GiB board with zram and an SSD
# swap partition (the 2013 workload, but with a hogger that touches its pages again);
# --baseline runs it again with RAM for everything, for each trace's slowdown.
run: zsim traces
	./zsim --trace traces/service-800m.trc --trace traces/kbuild.trc --config configs/zram+ssd.json --out zsim-out --baseline

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LTO) -c $< -o $@

$(BUILD)/libzsim.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(ZSIM_BIN): $(MAIN_OBJ) $(BUILD)/libzsim.a
	$(CC) $(OPT) $(CFLAGS) $(SANFLAGS) $(LTO) $(LDSTATIC) -o $@ $^ $(LDLIBS_ALL)

# One static binary (build-static/zsim) to put in a guest's initramfs, where
# `zsim play` runs traces against a real kernel (make validate-kernel).
zsim-static:
	$(MAKE) BUILD=build-static LDSTATIC=-static build-static/zsim

# Unit tests: every tests/unit/*.c may define `Suite *suite_NAME(void)`; the
# runner's list is generated from the sources, so a new test file needs no edit here.
$(BUILD)/tests/unit/suites.h: $(UNIT_SRC)
	@mkdir -p $(dir $@)
	@grep -ho 'Suite \*suite_[a-z0-9_]*(void)' $(UNIT_SRC) | sort -u | \
	  sed -e 's/^Suite \*\(suite_[a-z0-9_]*\)(void)/X(\1)/' > $@.tmp && mv $@.tmp $@

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -I$(BUILD)/tests/unit -c $< -o $@

$(BUILD)/tests/unit/runner.o: $(BUILD)/tests/unit/suites.h

$(BUILD)/unit-tests: $(UNIT_OBJ) $(BUILD)/libzsim.a
	$(CC) $(OPT) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS_ALL)

$(BUILD)/tools/%: tests/tools/%.c $(BUILD)/libzsim.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libzsim.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

check-layers:
	@sh tests/layers.sh

check-unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

check-e2e: $(ZSIM_BIN) $(TOOLS)
	@ZSIM=$(abspath $(ZSIM_BIN)) TOOLS=$(abspath $(BUILD)/tools) sh tests/e2e/run.sh

check-kernel: $(ZSIM_BIN) $(TOOLS)
	@ZSIM=$(abspath $(ZSIM_BIN)) TOOLS=$(abspath $(BUILD)/tools) bash tests/kernel/zram_fidelity.sh

# The kernel check runs inside `make check` only where zram0 is free; the
# script itself decides and says why it skips.
check: zsim check-layers check-unit check-e2e
	@ZSIM=$(abspath $(ZSIM_BIN)) TOOLS=$(abspath $(BUILD)/tools) ZSIM_KERNEL_OPTIONAL=1 bash tests/kernel/zram_fidelity.sh

asan:
	$(MAKE) BUILD=build-asan OPT=-O1 LTO= SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" check-unit check-e2e

bench: $(ZSIM_BIN) $(BENCHES) $(TOOLS)
	@ZSIM=$(abspath $(ZSIM_BIN)) BENCH=$(abspath $(BUILD)/bench) TOOLS=$(abspath $(BUILD)/tools) sh bench/run.sh

fuzz:
	@sh tests/fuzz/run.sh

# zsim against a real kernel over time: Debian's 6.1 under qemu runs each
# scenario of tests/kernel/validate/scenarios/ with `zsim play` (twice, for the
# kernel's own spread), zsim runs the same traces on a config measured in the
# guest, and a table compares them (results/validation/README.md holds the last).
# VALIDATE_ARGS="--boots 1 zram-hotcold" runs a subset.
validate-kernel: zsim
	@sh scripts/deps.sh validate
	sh tests/kernel/validate/run.sh $(or $(VALIDATE_ARGS),--save results/validation)

# zsim's side of the saved validation again (no qemu): after a model change,
# the table and verdicts in results/validation/ against the same kernel runs.
validate-resim: zsim
	sh tests/kernel/validate/resim.sh $(VALIDATE_ARGS)

# The standard traces of the 2013 experiment (seconds to generate; not committed).
traces: zsim
	sh scripts/make-traces.sh ./zsim traces

# CI regression (scripts/regress.sh says what runs and which tolerances apply):
# reruns into build/regress/, exit 5 when a tolerance is exceeded.  A change
# meant to move results: `make regress-accept`, commit results/baselines/.
regress: zsim traces
	@ZSIM=$(abspath $(ZSIM_BIN)) sh scripts/regress.sh run

regress-accept: zsim
	@ZSIM=$(abspath $(ZSIM_BIN)) sh scripts/regress.sh accept

# The README's charts: the main job beside seed experiment 2 (its OOM kill), from the baselines;
# docs/capacity-planning.md's plot and answers (scripts/capacity-plan.sh, about 5 minutes).
docs-img: zsim
	$(ZSIM_BIN) plot results/baselines/main results/baselines/seed2 -o docs/img --format png
	IMG=docs/img/capacity-planning.png sh scripts/capacity-plan.sh $(ZSIM_BIN) capacity-out

# Installs the binary, the manual page (its example paths rewritten to
# PREFIX), the ready configs (every file under configs/, seed-2013/ included)
# and the scripts people run: make-traces.sh, plot.sh, compare-zram-zswap.sh.
BINDIR  = $(PREFIX)/bin
MANDIR  = $(PREFIX)/share/man/man1
DATADIR = $(PREFIX)/share/zsim
INSTALL_SCRIPTS := scripts/make-traces.sh scripts/plot.sh scripts/compare-zram-zswap.sh

install: zsim
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)/configs $(DESTDIR)$(DATADIR)/scripts
	install -m 755 $(ZSIM_BIN) $(DESTDIR)$(BINDIR)/zsim
	sed 's|/usr/local/share/zsim|$(DATADIR)|g' docs/zsim.1 > $(DESTDIR)$(MANDIR)/zsim.1
	chmod 644 $(DESTDIR)$(MANDIR)/zsim.1
	cd configs && find . -type f | while read -r f; do \
		install -D -m 644 "$$f" "$(DESTDIR)$(DATADIR)/configs/$$f" || exit 1; done
	install -m 755 $(INSTALL_SCRIPTS) $(DESTDIR)$(DATADIR)/scripts/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/zsim $(DESTDIR)$(MANDIR)/zsim.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan build-fuzz build-static zsim

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)
