# SPDX-License-Identifier: GPL-2.0-only
#
# hvlis top-level Makefile. See README.md; `make help` lists the targets.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' $(TOP)/dkms.conf)

# The kernel build tree to build modules for, and whether compiler warnings
# stop the build (on in development and CI, off under DKMS: see dkms.conf).
KDIR ?= /lib/modules/$(shell uname -r)/build
HVLIS_WERROR ?= 1
# 1: test hooks (hv_utils.test_delay_ms) for the VM tests; never in packages
HVLIS_TEST_HOOKS ?= 0
INSTALL_MOD_DIR ?= updates/hvlis
DESTDIR ?=
PREFIX ?= /usr

# Probe results live per kernel release and tree, so builds for different
# kernels never see each other's answers (lazy: only evaluated by `modules`).
KREL = $(shell $(TOP)/compat/kernelrelease.sh $(KDIR))
CFGDIR = $(TOP)/.build/$(KREL)-$(shell cd $(KDIR) && pwd -P | cksum | cut -d' ' -f1)

KBUILD_ARGS = -C $(KDIR) M=$(TOP)/modules HVLIS_TOP=$(TOP) HVLIS_CFGDIR=$(CFGDIR) \
	HVLIS_WERROR=$(HVLIS_WERROR) HVLIS_VERSION=$(VERSION) HVLIS_TEST_HOOKS=$(HVLIS_TEST_HOOKS)

.PHONY: print-cfgdir print-test-module-dirs all kdir-check modules test-modules daemons check check-unit check-fuzz fuzz-deep check-compat-rhel check-matrix check-vm check-daemons deb rpm check-packaging bench bench-kvp bench-stor bench-ring bench-net check-vmsmoke check-vm-all check-install check-install-dracut check-vm-quarantine check-vm-stress \
	install modules_install daemons_install clean demo help version

all: modules daemons

help:
	@echo "hvlis $(VERSION)"
	@echo "  make [all]            modules for KDIR, plus the daemons"
	@echo "  make modules KDIR=..  kernel modules only (default KDIR: running kernel)"
	@echo "  make daemons          userspace daemons only"
	@echo "  make check            the whole test suite (what CI runs)"
	@echo "  make check-unit       userspace unit tests under ASan/UBSan"
	@echo "  make check-fuzz       fuzz smoke runs"
	@echo "  make fuzz-deep RUNS=N every libFuzzer harness N times, corpora kept (not in check)"
	@echo "  make check-matrix     build every module against every Debian kernel tree"
	@echo "  make check-compat-rhel  probe answers on the RHEL trees built by hand (HVLIS_RHEL_TREES; not in check)"
	@echo "  make check-vm         QEMU scenarios on the simulated Hyper-V host"
	@echo "  make check-vmsmoke    the VM smoke set on Debian's 5.10 and 6.12 kernels (the end of make check)"
	@echo "  make check-vm-all     every VM scenario on all four Debian kernels (long, not in check)"
	@echo "  make check-install    the user's install path in a VM: packages, DKMS, initramfs, root on hv_storvsc, kernel update, failed build, purge (root; not in check)"
	@echo "  make check-install-dracut  the same install with dracut making the initramfs (root; not in check)"
	@echo "  make check-vm-quarantine  VM scenarios seen failing intermittently, kept out of check until fixed"
	@echo "  make check-vm-stress  heavy VM scenarios (tests/vm/scenarios/stress.d), outside check"
	@echo "  make check-daemons    daemons against fake kernels, crash test, fuzzers"
	@echo "  make deb              Debian packages (hvlis-dkms, hvlis-daemons) into packaging/out/"
	@echo "  make rpm              RPMs (hvlis-dkms, hvlis-daemons, source RPM) into packaging/out/"
	@echo "  make check-packaging  build, install and remove the packages (root)"
	@echo "  make bench            benchmarks: KVP daemon against Debian's in-box one (root)"
	@echo "  make bench-stor       benchmark: hv_storvsc against brd in a VM (root, QEMU, ~5 min)"
	@echo "  make bench-ring       benchmark: the VMBus ring code in userspace against a plain buffer (~3 min)"
	@echo "  make bench-net        benchmark: hv_netvsc against veth in a VM (root, QEMU, ~5 min)"
	@echo "  make install          install modules (to $(INSTALL_MOD_DIR)) and daemons"
	@echo "  make demo             build everything and show what works"
	@echo "  make clean"

version:
	@echo $(VERSION)

# The directories of the test-only modules (used by the matrix and VM scripts).
print-test-module-dirs:
	@echo $(TEST_MODULE_DIRS)

# Where the probe results for KDIR live (used by the tests).
print-cfgdir:
	@echo $(CFGDIR)

kdir-check:
	@test -f "$(KDIR)/Makefile" || { \
	  echo "hvlis: KDIR=$(KDIR) is not a kernel build tree." >&2; \
	  echo "hvlis: install the headers for the target kernel (Debian: apt-get install linux-headers-<release>;" >&2; \
	  echo "hvlis: RHEL: yum install kernel-devel-<release>) or pass KDIR=/path/to/build/tree." >&2; \
	  exit 1; }

modules: kdir-check
	@$(MAKE) --no-print-directory -f $(TOP)/compat/config.mk KDIR=$(KDIR) CFGDIR=$(CFGDIR)
	$(MAKE) $(KBUILD_ARGS) modules

# Test-only modules (the simulated host, the test drivers); never installed.
# Kbuild does not run modpost again for them when only our modules'
# exports changed (their symbol versions too): a Module.symvers older than
# ours is removed so that it does, and they get the new versions.
TEST_MODULE_DIRS := tests/hvsim tests/drivers/hvlis_echo
test-modules: modules
	set -e; for d in $(TEST_MODULE_DIRS); do \
		if [ $(TOP)/modules/Module.symvers -nt $(TOP)/$$d/Module.symvers ]; then \
			rm -f $(TOP)/$$d/Module.symvers; \
		fi; \
		$(MAKE) -C $(KDIR) M=$(TOP)/$$d HVLIS_TOP=$(TOP) HVLIS_CFGDIR=$(CFGDIR) \
			HVLIS_WERROR=$(HVLIS_WERROR) HVLIS_VERSION=$(VERSION) \
			KBUILD_EXTRA_SYMBOLS=$(TOP)/modules/Module.symvers modules; \
	done

modules_install: modules
	$(MAKE) $(KBUILD_ARGS) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install

daemons:
	$(MAKE) -C $(TOP)/daemons VERSION=$(VERSION)

daemons_install: daemons
	$(MAKE) -C $(TOP)/daemons install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

install: modules_install daemons_install

check:
	$(TOP)/tests/run.sh all

check-unit:
	$(TOP)/tests/run.sh unit

check-fuzz:
	$(TOP)/tests/run.sh fuzz

# Every libFuzzer harness (the kernel parsers' and the daemons' handlers) for
# RUNS executions each, niced, corpora kept in FUZZ_CORPUS, libFuzzer's
# final edge and feature counts in FUZZ_REPORT; each harness must reach its
# coverage floor (tests/fuzz/floors.txt). Not part of make check.
RUNS ?= 10000000
FUZZ_CORPUS ?= $(TOP)/tests/build/fuzz-corpus
FUZZ_REPORT ?= $(TOP)/tests/build/fuzz-deep-report.txt
fuzz-deep:
	@rm -f $(FUZZ_REPORT) $(FUZZ_REPORT).kernel $(FUZZ_REPORT).daemons
	nice -n 19 $(MAKE) -C $(TOP)/tests/fuzz deep RUNS=$(RUNS) CORPUS=$(FUZZ_CORPUS) \
		REPORT=$(FUZZ_REPORT).kernel; k=$$?; \
	FUZZ_RUNS=$(RUNS) FUZZ_CORPUS=$(FUZZ_CORPUS) FUZZ_REPORT=$(FUZZ_REPORT).daemons \
		nice -n 19 $(TOP)/tests/daemons/run.sh fuzz; d=$$?; \
	cat $(FUZZ_REPORT).kernel $(FUZZ_REPORT).daemons > $(FUZZ_REPORT) 2> /dev/null; \
	echo "# coverage report: $(FUZZ_REPORT)"; \
	[ $$k = 0 ] && [ $$d = 0 ]

# The RHEL trees built by hand (docs/kernels.md) are on no clean machine:
# outside make check, and a tree that is missing fails here.
check-compat-rhel:
	$(TOP)/tests/run.sh compat-rhel

check-matrix:
	$(TOP)/tests/run.sh ktrees compat matrix

check-vm:
	$(TOP)/tests/run.sh modinfo vmprep vm

check-vmsmoke:
	$(TOP)/tests/run.sh ktrees matrix vmsmoke

check-vm-all:
	$(TOP)/tests/run.sh ktrees matrix vmprep vmall
# Outside make check: apt-get installs a kernel into an image and every run
# builds the packages (docs/testing.md, "sd-install").
check-install:
	$(TOP)/tests/vm/run-vm.sh $(TOP)/tests/vm/scenarios/sd-install.d/sd-install.sh

# the same install with dracut as the initramfs generator (a second image;
# the scenario's name, sd-install-dracut, keeps its output apart)
check-install-dracut:
	HVLIS_INSTALL_INITRAMFS=dracut $(TOP)/tests/vm/run-vm.sh \
		$(TOP)/tests/vm/scenarios/sd-install.d/sd-install-dracut.sh

check-vm-quarantine:
	@set -- $(wildcard $(TOP)/tests/vm/scenarios/quarantine.d/*.sh); \
	if [ $$# = 0 ]; then echo "no scenario in quarantine"; else $(TOP)/tests/vm/run-vm.sh "$$@"; fi

# Heavy VM scenarios (minutes each, or many rebuilds under load): outside
# make check; tests/vm/scenarios/stress.d.
check-vm-stress:
	$(TOP)/tests/vm/run-vm.sh $(TOP)/tests/vm/scenarios/stress.d/*.sh

check-daemons:
	$(TOP)/tests/run.sh daemons

check-packaging:
	$(TOP)/tests/run.sh dkms packaging

# Side by side with Debian's in-box daemon; see docs/benchmarks.md.
bench: bench-kvp

bench-kvp:
	$(TOP)/tests/bench/run.sh

# hv_storvsc against brd in one VM (QEMU); see docs/benchmarks.md. Not in bench
# (minutes of QEMU) nor in check.
bench-stor:
	$(TOP)/tests/bench/stor-run.sh

# The ring code (modules/proto) in userspace, two threads, against a plain
# shared buffer; no VM. See docs/benchmarks.md. Not in bench nor in check.
bench-ring:
	$(TOP)/tests/bench/ring-run.sh

# hv_netvsc against a veth pair in one VM (QEMU); see docs/benchmarks.md.
# Not in bench nor in check.
bench-net:
	$(TOP)/tests/bench/net-run.sh

deb:
	$(TOP)/packaging/build-deb.sh

rpm:
	$(TOP)/packaging/build-rpm.sh

demo:
	$(TOP)/scripts/demo.sh

clean:
	rm -rf $(TOP)/.build
	find $(TOP)/modules $(wildcard $(addprefix $(TOP)/,$(TEST_MODULE_DIRS))) \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
	  -o -name '.*.cmd' -o -name '*.order' -o -name 'Module.symvers' -o -name '*.a' \
	  -o -name '.*.d' -o -name '*.dwo' \) -delete
	rm -rf $(TOP)/modules/.tmp_versions
	if [ -d $(TOP)/daemons ]; then $(MAKE) -C $(TOP)/daemons clean; fi
	rm -rf $(TOP)/tests/build $(TOP)/packaging/out
