# SPDX-License-Identifier: GPL-2.0
#
# egre: out-of-tree module, iproute2 plugin, tests.
#
#   make                 build egre.ko (and the iproute2 plugin) for KDIR
#   make check           install what is needed, then build and run every
#                        selftest in QEMU guests of Debian's 6.1 and 6.12
#                        kernels (or directly, with EGRE_DIRECT=1, as root
#                        on a host that loads modules)
#   make demo            a live two-namespace tunnel in a guest
#   make fuzz            libFuzzer on the header parser, the receive state
#                        machine (reorder queue) and session bookkeeping
#   make bench           veth/ip_gre/pptp.ko/egre throughput in a guest
#                        (bench/README.rst; never part of make check)
#   make install         module (INSTALL_MOD_PATH) and plugin (DESTDIR)
#
# KDIR selects the kernel headers.  Default: the running kernel's build
# directory if it exists, else Debian's newest 6.1 headers in /usr/src.

KDIR_RUNNING := /lib/modules/$(shell uname -r)/build
ifeq ($(origin KDIR),undefined)
KDIR := $(firstword $(wildcard $(KDIR_RUNNING)) \
	$(lastword $(sort $(wildcard /usr/src/linux-headers-6.1.*-amd64))))
endif

SRC := Kbuild compat.h egre_priv.h egre_proto.h egre_main.c egre_session.c \
       egre_xmit.c egre_rcv.c egre_chan.c egre_proc.c include/uapi/linux/egre.h
CHECKPATCH ?= $(firstword $(wildcard scripts/checkpatch/checkpatch.pl))

.PHONY: all module plugin clean install check check-debug demo deps fuzz bench

all: module plugin

module:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || \
		{ echo "KDIR: no kernel headers found (install linux-headers-*, or set KDIR=)"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

plugin:
	$(MAKE) -C iproute2

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	$(MAKE) -C iproute2 install

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf .build
	$(MAKE) -C iproute2 clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/fuzz clean
	$(MAKE) -C bench clean

deps:
	scripts/install-deps.sh

check: deps
	scripts/check.sh

# The selftests on a KASAN/lockdep/UBSAN/kmemleak kernel built from Debian's
# linux-source-6.1 (vm/debug.config; cached in /var/cache/egre-vm/debug)
check-debug: deps
	scripts/check-debug.sh

demo: deps
	scripts/demo.sh

# Bounded libFuzzer run of the pure parser, receive state machine and session
# (FUZZ_SECONDS per target, default 60); crashes go to tests/fuzz/crashes/
fuzz: deps
	$(MAKE) -C tests/fuzz fuzz

# iperf3 through veth, ip_gre, pptp.ko and egre under netem conditions, in
# one guest (EGRE_BENCH_* variables, bench/README.rst); prints a markdown
# table and saves it as bench/results-<kernel>-<date>.md
bench: deps
	bench/run.sh
