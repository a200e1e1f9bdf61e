# rootgate - see README.md. One Makefile; sources listed one per line.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DESTDIR ?=

CC      ?= cc
BUILD   ?= build
PKGS    = libseccomp libcap-ng inih libbsd-overlay libpcre2-8

# Debian packages the build and the tests need (installed by `make deps`
# when run as root on a machine that lacks them).
DEB_BUILD = build-essential pkg-config libseccomp-dev libcap-ng-dev \
	libinih-dev libbsd-dev libpcre2-dev check
DEB_TEST  = qemu-utils util-linux mount e2fsprogs procps python3 \
	python3-oslo.rootwrap python3-oslo.concurrency python3-oslo.privsep
# ... and what the quality gates need (fuzzing, valgrind, coverage, lint);
# mk/*.mk add theirs. Installed by `make deps-qa`.
DEB_QA    = clang clang-tidy clang-tools cppcheck

WARN    = -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
	  -Wshadow -Wformat=2 -Wformat-nonliteral -Wswitch-enum \
	  -Wpointer-arith -Wcast-qual -Wvla -Wundef -Wnull-dereference
HARDEN  = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection \
	  -fcf-protection -fPIE
OPT     ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# The five libraries are linked statically by default: loading six shared
# objects was most of a one-shot run's start-up cost (bench/). A
# distribution that prefers to track their security updates through
# shared libraries builds with STATIC_DEPS=0.
STATIC_DEPS ?= 1
ifeq ($(STATIC_DEPS),1)
PKG_LIBS   = -Wl,-Bstatic $(shell pkg-config --static --libs-only-l $(PKGS) 2>/dev/null) \
	     -Wl,-Bdynamic $(shell pkg-config --libs-only-other $(PKGS) 2>/dev/null)
else
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
endif
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

ALL_CFLAGS  = -std=gnu11 $(OPT) $(WARN) $(HARDEN) -Iinclude $(PKG_CFLAGS) \
	      -DSYSCONFDIR='"$(SYSCONFDIR)"' $(CFLAGS)
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack -Wl,--as-needed \
	      $(LDFLAGS)

# --- sources ------------------------------------------------------------

LIB_SRCS = \
	src/lib/diag.c \
	src/lib/json.c \
	src/lib/stdfds.c \
	src/lib/strv.c \
	src/lib/xalloc.c

POLICY_SRCS = \
	src/policy/model.c \
	src/policy/conf.c \
	src/policy/ini_src.c \
	src/policy/loadcache.c \
	src/policy/native.c \
	src/policy/rulekeys.c \
	src/policy/pattern.c \
	src/policy/filesafe.c \
	src/policy/rx.c \
	src/policy/size.c \
	src/policy/pathcanon.c \
	src/policy/constraint.c \
	src/policy/rwpath.c \
	src/policy/rwini.c \
	src/policy/rootwrap.c \
	src/policy/lint.c \
	src/policy/match.c \
	src/policy/pcache.c

SANDBOX_SRCS = \
	src/sandbox/ns.c \
	src/sandbox/mount.c \
	src/sandbox/dev.c \
	src/sandbox/rlimit.c \
	src/sandbox/cgroup.c \
	src/sandbox/ids.c \
	src/sandbox/caps.c \
	src/sandbox/seccomp.c \
	src/sandbox/seccomp_embed.c \
	src/sandbox/fds.c \
	src/sandbox/enter.c \
	src/run/execfd.c \
	src/run/spawn.c \
	src/run/pidinit.c \
	src/run/supervise.c \
	src/run/run.c

CLI_SRCS = \
	src/cli/cmd_check.c \
	src/cli/cmd_run.c \
	src/cli/cmd_explain.c \
	src/cli/cmd_list.c \
	src/cli/cmd_audit.c \
	src/cli/cmd_import.c \
	src/cli/common.c

AUDIT_SRCS = \
	src/audit/auditlog.c \
	src/audit/rootequiv.c \
	src/audit/rwimport.c

BROKER_SRCS = \
	src/broker/proto.c \
	src/broker/peer.c \
	src/broker/job.c \
	src/broker/fswatch.c \
	src/broker/daemon.c \
	src/broker/client.c

CORE_SRCS = $(LIB_SRCS) $(POLICY_SRCS) $(SANDBOX_SRCS) $(AUDIT_SRCS) \
	    $(BROKER_SRCS)
CORE_OBJS = $(CORE_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS  = $(CLI_SRCS:%.c=$(BUILD)/%.o)

UNIT_SRCS = \
	tests/unit/main.c \
	tests/unit/testutil.c \
	tests/unit/test_diag.c \
	tests/unit/test_size.c \
	tests/unit/test_pathcanon.c \
	tests/unit/test_rx.c \
	tests/unit/test_native.c \
	tests/unit/test_pattern.c \
	tests/unit/test_match.c \
	tests/unit/test_run.c \
	tests/unit/test_fswatch.c \
	tests/unit/test_rootwrap.c \
	tests/unit/test_audit.c \
	tests/unit/test_proto.c \
	tests/unit/test_proto_more.c \
	tests/unit/test_pathcanon_more.c \
	tests/unit/test_match_more.c \
	tests/unit/test_conf_more.c \
	tests/unit/test_pcache.c \
	tests/unit/test_rwimport_more.c \
	tests/unit/test_rwpath_more.c \
	tests/unit/test_constraint_more.c \
	tests/unit/test_rootwrap_more.c \
	tests/unit/test_peer.c \
	tests/unit/failalloc.c \
	tests/helpers/probe.c
UNIT_OBJS = $(UNIT_SRCS:%.c=$(BUILD)/%.o)
# allocation failure injection (tests/unit/failalloc.h): these calls, in
# the runner and everything linked into it, go through its wrappers
FAILALLOC_WRAP = malloc calloc realloc reallocarray strdup strndup

PROGS = $(BUILD)/rootgate $(BUILD)/rootgate-rootwrap $(BUILD)/rootgated

# --- targets ------------------------------------------------------------

.PHONY: all deps deps-qa check check-unit check-e2e check-attacks check-asan \
	lint install \
	uninstall clean demo bench bench-rootwrap bench-broker

all: deps-ok $(PROGS)

# Verify (and, as root, install) the build dependencies.
.PHONY: deps-ok
deps-ok:
	@sh tests/tools/deps.sh build $(DEB_BUILD)

deps:
	@sh tests/tools/deps.sh build $(DEB_BUILD)
	@sh tests/tools/deps.sh test $(DEB_TEST)

deps-qa: deps
	@sh tests/tools/deps.sh quality-gate $(DEB_QA)

Q = $(if $(V),,@)

# Order-only on deps-ok: under make -j a compile must not start before
# the check (which, as root on a fresh machine, installs the headers).
$(BUILD)/%.o: %.c | deps-ok
	@mkdir -p $(@D)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The default profile's seccomp programs, generated by libseccomp at
# build time (src/sandbox/seccomp_embed.c explains why).
GEN_SECCOMP_OBJS = $(BUILD)/src/tools/gen_seccomp.o \
	$(BUILD)/src/sandbox/seccomp.o $(BUILD)/src/lib/diag.o

$(BUILD)/gen_seccomp: $(GEN_SECCOMP_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/gen/seccomp_default.h: $(BUILD)/gen_seccomp
	@mkdir -p $(@D)
	$(BUILD)/gen_seccomp > $@.tmp
	mv $@.tmp $@

$(BUILD)/src/sandbox/seccomp_embed.o: $(BUILD)/gen/seccomp_default.h
$(BUILD)/src/sandbox/seccomp_embed.o: ALL_CFLAGS += -I$(BUILD)/gen

$(BUILD)/librootgate.a: $(CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/rootgate: $(BUILD)/src/cli/rootgate.o $(CLI_OBJS) $(BUILD)/librootgate.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/rootgated: $(BUILD)/src/cli/rootgated.o $(BUILD)/src/cli/common.o \
		$(BUILD)/librootgate.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/rootgate-rootwrap: $(BUILD)/src/cli/rootgate_rootwrap.o $(BUILD)/librootgate.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/unit/run: $(UNIT_OBJS) $(BUILD)/librootgate.a
	$(CC) $(ALL_LDFLAGS) $(FAILALLOC_WRAP:%=-Wl,--wrap=%) -o $@ $^ \
		$(PKG_LIBS) $(CHECK_LIBS)

check: deps
	$(MAKE) check-unit
	$(MAKE) check-fuzz-regress
	$(MAKE) check-e2e
	$(MAKE) check-attacks

check-unit: $(BUILD)/tests/unit/run
	cd tests/unit && ../../$(BUILD)/tests/unit/run

check-e2e: $(PROGS)
	BUILD=$(BUILD) ROOTGATE_SANITIZED=$(SANITIZED) sh tests/e2e/run.sh

# the adversarial suite (tests/attacks/, SECURITY.md): the real programs,
# as root, against hostile input
check-attacks: $(PROGS)
	BUILD=$(BUILD) ROOTGATE_SANITIZED=$(SANITIZED) sh tests/e2e/run.sh tests/attacks

check-asan: deps
	$(MAKE) BUILD=build-asan OPT='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -DROOTGATE_FREE_AT_EXIT' \
		LDFLAGS='-fsanitize=address,undefined' SANITIZED=1 check-unit \
		check-fuzz-regress check-e2e check-attacks

demo: all
	sh examples/demo.sh

# Benchmarks, side by side with ../shared/bench/anchors.sh (as root; they
# install the anchors' tools): direct mode, rootgate-rootwrap against
# oslo-rootwrap, and the broker.
bench: all
	sh bench/run.sh

bench-rootwrap: all
	bash bench/rootwrap.sh

bench-broker: all
	sh bench/broker.sh

LINT_SRCS = $(CORE_SRCS) $(CLI_SRCS) src/cli/rootgate.c src/cli/rootgated.c \
	src/cli/rootgate_rootwrap.c src/tools/gen_seccomp.c

# cppcheck, then clang-tidy with .clang-tidy's checks (each disabled one
# is justified there); both must be silent.
lint: deps-qa $(BUILD)/gen/seccomp_default.h
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --std=c11 -Iinclude -I$(BUILD)/gen $(LINT_SRCS)
	clang-tidy --quiet $(LINT_SRCS) -- -std=gnu11 -Iinclude -I$(BUILD)/gen $(PKG_CFLAGS) \
		-DSYSCONFDIR='"$(SYSCONFDIR)"' -DRG_DATADIR='"$(DATADIR)"'

DATADIR ?= $(PREFIX)/share/rootgate

# The policy cache (pcache.h): where direct mode keeps it, and the loader
# it belongs to, named by a hash of the loader's sources (a cache written
# by another loader is not used). pcache.o is rebuilt when they change.
CACHEDIR ?= /var/cache/rootgate
PCACHE_SRCS = $(sort $(wildcard src/policy/*.c include/*.h))
RG_BUILD_ID := $(shell cat $(PCACHE_SRCS) | sha256sum | cut -c1-16)
$(BUILD)/src/policy/conf.o: ALL_CFLAGS += -DRG_CACHEDIR='"$(CACHEDIR)"'
$(BUILD)/src/policy/pcache.o: ALL_CFLAGS += -DRG_BUILD_ID='"$(RG_BUILD_ID)"'
$(BUILD)/src/policy/pcache.o: $(PCACHE_SRCS)

# the knowledge base of `rootgate audit`, installed to $(DATADIR)
$(BUILD)/src/audit/rootequiv.o: ALL_CFLAGS += -DRG_DATADIR='"$(DATADIR)"'

# The shipped policies go to $(DATADIR): granting root is the operator's
# decision, so nothing is placed in $(SYSCONFDIR)/rootgate/filters.d.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DATADIR)/filters.d \
		$(DESTDIR)$(DATADIR)/examples/filters.d
	install -m 0755 $(BUILD)/rootgate $(DESTDIR)$(BINDIR)/rootgate
	install -m 0755 $(BUILD)/rootgate-rootwrap \
		$(DESTDIR)$(BINDIR)/rootgate-rootwrap
	install -d $(DESTDIR)$(SBINDIR)
	install -m 0755 $(BUILD)/rootgated $(DESTDIR)$(SBINDIR)/rootgated
	install -m 0644 man/rootgated.8 $(DESTDIR)$(MANDIR)/man8/rootgated.8
	install -m 0644 man/rootgate.8 $(DESTDIR)$(MANDIR)/man8/rootgate.8
	install -m 0644 man/rootgate-rootwrap.8 \
		$(DESTDIR)$(MANDIR)/man8/rootgate-rootwrap.8
	install -m 0644 man/rootgate.filters.5 \
		$(DESTDIR)$(MANDIR)/man5/rootgate.filters.5
	install -m 0644 filters.d/*.conf $(DESTDIR)$(DATADIR)/filters.d/
	install -m 0644 data/rootequiv.conf $(DESTDIR)$(DATADIR)/rootequiv.conf
	install -m 0644 examples/rootgate.conf $(DESTDIR)$(DATADIR)/examples/
	install -m 0644 examples/filters.d/*.conf \
		$(DESTDIR)$(DATADIR)/examples/filters.d/
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/rootgate/filters.d

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/rootgate $(DESTDIR)$(MANDIR)/man8/rootgate.8 \
		$(DESTDIR)$(BINDIR)/rootgate-rootwrap \
		$(DESTDIR)$(MANDIR)/man8/rootgate-rootwrap.8 \
		$(DESTDIR)$(MANDIR)/man5/rootgate.filters.5
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan build-fuzz build-vg build-cov build-sb

# the quality gates' own rules (fuzzing, valgrind, coverage, scan-build)
include $(sort $(wildcard mk/*.mk))

-include $(CORE_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) \
	$(BUILD)/src/cli/rootgate_rootwrap.d $(BUILD)/src/cli/rootgated.d
