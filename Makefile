# ipmp for Linux: one Makefile for the whole tree (no recursion).
#   make            build everything into build/
#   make check      install dependencies, build, run every test
#   make demo       install dependencies, build, run the sandbox demo
#   make check SANITIZE=address,undefined
#                   the same suite on an ASan/UBSan build in build/san/
#   make fuzz       every libFuzzer target for FUZZ_SECONDS each (build/fuzz/)
#   make bench      run the benchmarks (prints ratios; not a test)
#   make install    PREFIX=/usr/local DESTDIR=
#   make V=1        show the commands

.DELETE_ON_ERROR:
.SUFFIXES:
.DEFAULT_GOAL := all

CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
PREFIX   ?= /usr/local
DESTDIR  ?=
# A sanitizer build has a tree of its own: objects do not depend on flags.
ifneq ($(SANITIZE),)
BUILD    := build/san
else
BUILD    := build
endif

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-5s %s\n' $(1) $(2);
endif

MULTIARCH := $(shell gcc -dumpmachine)	# Debian multiarch, whatever CC is
PKGS      := libbpf libevent libmnl inih jansson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS   ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	-Iinclude -Ilib -Iagent -I$(BUILD) $(PKG_CFLAGS) $(SANITIZE_FLAGS)
LDLIBS   := $(PKG_LIBS) -lelf -lz -lm
# the kernel's register layout for kprobe arguments (bpf_tracing.h)
BPF_ARCH := $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/; s/ppc64le/powerpc/')
BPF_CFLAGS := -O2 -g -target bpf -Wall -Werror -Iinclude -Ibpf \
	-idirafter /usr/include/$(MULTIARCH) -D__TARGET_ARCH_$(BPF_ARCH)

# Every map declaration, hashed: a pinned map set from another layout is
# not reused by the agent but replaced, with a clean re-attach (maps.h, abi).
LAYOUT_FILES := include/ipmp/maps.h include/ipmp/probe.h bpf/maps.bpf.h bpf/probe_maps.bpf.h
LAYOUT_HASH  := 0x$(shell cat $(LAYOUT_FILES) | sha256sum | cut -c1-16)

ifneq ($(SANITIZE),)
SANITIZE_FLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
override LDFLAGS += -fsanitize=$(SANITIZE)
endif

MAKEFILE_DEPS := Makefile

# --- eBPF programs and skeletons -------------------------------------------
BPF_PROGS := group_egress member_ingress member_xdp carrier_off
BPF_OBJS  := $(BPF_PROGS:%=$(BUILD)/bpf/%.bpf.o)
BPF_SKELS := $(BPF_PROGS:%=$(BUILD)/%.skel.h)
.SECONDARY: $(BPF_OBJS)
BPF_HDRS  := $(wildcard bpf/*.h) $(wildcard include/ipmp/*.h)

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) $(MAKEFILE_DEPS)
	$(call msg,BPF,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

# --- user space ---------------------------------------------------------------
LIB_SRCS   := $(wildcard lib/*.c)
AGENT_CORE := agent/config.c agent/config_file.c agent/log.c agent/clock.c agent/group.c agent/binding.c \
	agent/offline.c agent/membership.c agent/probe.c agent/probe_reply.c agent/targets.c \
	agent/snapshot.c \
	agent/addrmap.c agent/announce_queue.c \
	agent/link.c agent/prom.c agent/request.c
AGENT_SYS  := agent/kernel.c agent/netlink.c agent/netlink_route.c agent/dataplane.c agent/dataplane_push.c agent/dataplane_attach.c agent/dataplane_state.c agent/announce.c \
	agent/sysctl.c agent/probe_io.c agent/probe_wire.c agent/undo.c agent/mcast.c agent/learning.c agent/hooks.c agent/managers.c agent/routes.c agent/provision.c agent/adopt.c \
	agent/linkwatch.c agent/dataplane_carrier.c agent/events.c agent/control.c agent/admin.c agent/notify.c \
	agent/metrics.c agent/lock.c agent/agent.c agent/main.c
AGENT_SRCS := $(AGENT_CORE) $(AGENT_SYS)

objs = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

$(BUILD)/obj/agent/dataplane_state.o: override CFLAGS += -DIPMP_LAYOUT_HASH=$(LAYOUT_HASH)ULL
$(BUILD)/obj/agent/dataplane_state.o: $(LAYOUT_FILES)

$(BUILD)/obj/%.o: %.c $(MAKEFILE_DEPS) | $(BPF_SKELS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

$(BUILD)/ipmp-agent: $(call objs,$(AGENT_SRCS) $(LIB_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/ipmpstat: $(call objs,cmd/ipmpstat/ipmpstat.c $(LIB_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/if_mpadm: $(call objs,cmd/if_mpadm/if_mpadm.c $(LIB_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/ipmpadm: $(call objs,cmd/ipmpadm/ipmpadm.c $(LIB_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

BINS := $(BUILD)/ipmp-agent $(BUILD)/ipmpstat $(BUILD)/if_mpadm $(BUILD)/ipmpadm

# --- tests --------------------------------------------------------------------
UNIT_TESTS := $(patsubst selftests/unit/%.c,$(BUILD)/selftests/%,$(wildcard selftests/unit/test_*.c))
BPF_TESTS  := $(patsubst selftests/bpf/%.c,$(BUILD)/selftests/%,$(wildcard selftests/bpf/test_*.c))
TEST_LIBS  := $(LDLIBS) -lcmocka

$(BUILD)/selftests/test_%: selftests/unit/test_%.c $(call objs,$(AGENT_CORE) $(LIB_SRCS)) $(MAKEFILE_DEPS)
	$(call msg,TEST,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(call objs,$(AGENT_CORE) $(LIB_SRCS)) $(TEST_LIBS) -o $@

# the maps are filled as the agent fills them: its pure helpers come along
DP_HELPERS := lib/buckets.c lib/addr_index.c

$(BUILD)/selftests/test_bpf_%: selftests/bpf/test_bpf_%.c $(DP_HELPERS) $(BPF_SKELS) $(MAKEFILE_DEPS)
	$(call msg,TEST,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(DP_HELPERS) $(TEST_LIBS) -o $@

# The reference model of the programs, its generator and harness (selftests/model/).
MODEL_SRCS := selftests/model/model.c selftests/model/frames.c selftests/model/harness.c $(DP_HELPERS)
MODEL_HDRS := $(wildcard selftests/model/*.h)

$(BUILD)/selftests/test_bpf_malformed: selftests/bpf/test_bpf_malformed.c $(MODEL_SRCS) $(MODEL_HDRS) \
		$(BPF_SKELS) $(MAKEFILE_DEPS)
	$(call msg,TEST,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Iselftests/model $(LDFLAGS) $< $(MODEL_SRCS) $(LDLIBS) -o $@

$(BUILD)/tools/ipmp-traffic: selftests/tools/ipmp-traffic.c $(MAKEFILE_DEPS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

$(BUILD)/bench/prog_ns: bench/prog_ns.c $(DP_HELPERS) $(BPF_SKELS) $(BUILD)/bench/baseline.skel.h \
		$(MAKEFILE_DEPS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -I$(BUILD)/bench $(LDFLAGS) $< $(DP_HELPERS) $(LDLIBS) -o $@

$(BUILD)/bench/lossy: bench/lossy.c $(BUILD)/bench/lossy.skel.h $(MAKEFILE_DEPS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -I$(BUILD)/bench $(LDFLAGS) $< $(LDLIBS) -o $@

$(BUILD)/bench/bare_probe: bench/bare_probe.c $(MAKEFILE_DEPS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

$(BUILD)/bench/%.bpf.o: bench/%.bpf.c $(MAKEFILE_DEPS)
	$(call msg,BPF,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench/%.skel.h: $(BUILD)/bench/%.bpf.o
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

.SECONDARY: $(BUILD)/bench/baseline.bpf.o $(BUILD)/bench/lossy.bpf.o

# --- fuzzing (libFuzzer): built by clang in build/fuzz, see make fuzz ---------
FUZZ_TARGETS  := config request snapshot frames
FUZZERS       := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
FUZZ_SANITIZE := fuzzer-no-link,address,undefined
FUZZ_LINK     := -fsanitize=fuzzer,address,undefined
FUZZ_SECONDS  ?= 60

$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c $(call objs,$(AGENT_CORE) $(LIB_SRCS)) $(MAKEFILE_DEPS)
	$(call msg,FUZZ,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(FUZZ_LINK) $< $(call objs,$(AGENT_CORE) $(LIB_SRCS)) $(LDLIBS) -o $@

$(BUILD)/fuzz/fuzz_frames: fuzz/fuzz_frames.c $(MODEL_SRCS) $(MODEL_HDRS) $(BPF_SKELS) $(MAKEFILE_DEPS)
	$(call msg,FUZZ,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Iselftests/model -Iselftests/bpf $(FUZZ_LINK) $< $(MODEL_SRCS) $(LDLIBS) -o $@

TOOLS       := $(BUILD)/tools/ipmp-traffic
BENCH_TOOLS := $(BUILD)/bench/prog_ns $(BUILD)/bench/lossy $(BUILD)/bench/bare_probe

# --- top-level targets --------------------------------------------------------
.PHONY: all deps check check-unit check-vm demo bench bench-peers install clean fuzz fuzzers

all: $(BINS) $(UNIT_TESTS) $(BPF_TESTS) $(TOOLS) $(BENCH_TOOLS)

deps:
	$(Q)scripts/install-deps.sh

# The README's test command: unit tests (no root), then BPF and netns tests
# (root); then, unless SANITIZE was given, the whole suite again on the
# ASan/UBSan build, every fuzz target for FUZZ_SMOKE_SECONDS, and
# VM_CHECK_TESTS in a VM on Debian 12's kernel (skipped, and said, where
# QEMU cannot run).
SANITIZE_CHECK     := address,undefined
# what make check runs on Debian 12's own kernel (make check-vm runs them all):
# the unit under systemd, and what this machine's kernel cannot show (8021q,
# the multicast fallback of a kernel without RTNLGRP_IPV4_MCADDR, the kprobe
# of early_carrier)
VM_CHECK_TESTS     ?= selftests/vm/service.sh selftests/net/link_failover.sh \
		      selftests/net/vlan.sh selftests/net/multicast.sh \
		      selftests/net/early_carrier.sh
FUZZ_SMOKE_SECONDS ?= 10
check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)IPMP_BUILD=$(BUILD) IPMP_SANITIZE=$(SANITIZE) scripts/run-tests.sh
ifeq ($(SANITIZE),)
	$(Q)$(MAKE) --no-print-directory check SANITIZE=$(SANITIZE_CHECK)
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS)
	$(Q)IPMP_BUILD=$(BUILD) VM_OPTIONAL=1 VM_TESTS="$(VM_CHECK_TESTS)" vm/run.sh
endif

# Tests in a VM on Debian 12's own kernel under QEMU (vm/run.sh):
#   make check-vm VM_TESTS="selftests/net/link_failover.sh selftests/vm/service.sh"
check-vm: deps
	$(Q)IPMP_BUILD=$(BUILD) vm/run.sh

check-unit: $(UNIT_TESTS)
	$(Q)IPMP_BUILD=$(BUILD) IPMP_SANITIZE=$(SANITIZE) scripts/run-tests.sh unit

# Every fuzz target for FUZZ_SECONDS, from the seed corpus in fuzz/corpus/.
fuzz: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build/fuzz CC=$(CLANG) SANITIZE=$(FUZZ_SANITIZE) fuzzers
	$(Q)scripts/fuzz.sh build/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzzers: $(FUZZERS)

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bench/run.sh

# Linux bonding (and teamd) beside our group, in the VM: one table of ratios.
bench-peers: deps
	$(Q)IPMP_BUILD=$(BUILD) VM_MODE=bench VM_TESTS=bench/peers.sh vm/run.sh

SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/ipmp
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system

install: $(BINS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(SBINDIR)/
	install -m 0644 man/ipmp-agent.8 man/ipmpstat.8 man/if_mpadm.8 man/ipmpadm.8 \
		$(DESTDIR)$(MANDIR)/man8/
	install -m 0644 man/ipmp.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 etc/ipmp.conf.example $(DESTDIR)$(DOCDIR)/
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		etc/ipmp-agent.service.in > $(DESTDIR)$(UNITDIR)/ipmp-agent.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/ipmp-agent.service

clean:
	rm -rf $(BUILD)
