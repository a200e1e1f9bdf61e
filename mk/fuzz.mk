# mk/fuzz.mk - libFuzzer harnesses (tests/fuzz/, doc/fuzzing.md) for what
# reads hostile input: native filter files and rootgate.conf, oslo.rootwrap
# configurations, command lines against the shipped policies, and broker
# frames.
#
#   make fuzz               build with clang + ASan + UBSan into build-fuzz/
#                           and run each harness FUZZ_TIME seconds
#   make fuzz-build         only build
#   make check-fuzz-regress replay the seed corpus and every past crash
#                           (tests/fuzz/regress/) with $(CC), no libFuzzer

DEB_QA += clang

FUZZ_CC       ?= clang
FUZZ_BUILD    ?= build-fuzz
FUZZ_TIME     ?= 60
FUZZ_TIMEOUT  ?= 10
FUZZ_PARALLEL ?= 1
FUZZ_OUT      ?= $(FUZZ_BUILD)/run
FUZZ_HARNESSES = fuzz_native fuzz_rootwrap fuzz_match fuzz_proto

# the policies fuzz_match decides against, compiled into it
FUZZ_POLICIES = filters.d/nova-libvirt.conf examples/filters.d/demo.conf \
	tests/data/audit/small.filters

# No _FORTIFY_SOURCE: its checked copies would stand in front of ASan's.
FUZZ_SAN    = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -std=gnu11 -O1 -g -fno-omit-frame-pointer $(WARN) -Iinclude \
	      -Itests/fuzz -I$(FUZZ_BUILD)/tests/fuzz $(PKG_CFLAGS) \
	      -DSYSCONFDIR='"$(SYSCONFDIR)"' -DRG_DATADIR='"$(DATADIR)"' \
	      $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(FUZZ_WNO)
# clang, not gcc, warns of a va_list handed on by a helper of a
# format-checked function (diag.c); gcc builds keep the warning.
FUZZ_WNO    = -Wno-format-nonliteral
FUZZ_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# what the harnesses reach: no sandbox, run or daemon code
FUZZ_CORE_SRCS = $(LIB_SRCS) $(POLICY_SRCS) $(AUDIT_SRCS) src/broker/proto.c \
	src/cli/common.c
FUZZ_CORE_OBJS = $(FUZZ_CORE_SRCS:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BINS = $(FUZZ_HARNESSES:%=$(FUZZ_BUILD)/%)

.PHONY: fuzz fuzz-build fuzz-deps check-fuzz-regress

fuzz-deps:
	@sh tests/tools/deps.sh build $(DEB_BUILD)
	@sh tests/tools/deps.sh quality-gate clang

fuzz-build: fuzz-deps
	$(MAKE) $(FUZZ_BINS)

fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_OUT) $(FUZZ_TIME) \
		$(FUZZ_TIMEOUT) $(FUZZ_PARALLEL) $(FUZZ_HARNESSES)

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(V),,echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/librootgate-fuzz.a: $(FUZZ_CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o \
		$(FUZZ_BUILD)/librootgate-fuzz.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(FUZZ_LIBS)

# fuzz_match carries its policies (tests/fuzz/embed.sh)
%/tests/fuzz/fuzz_policies.h: $(FUZZ_POLICIES) tests/fuzz/embed.sh
	@mkdir -p $(@D)
	sh tests/fuzz/embed.sh $(FUZZ_POLICIES) >$@.tmp && mv $@.tmp $@

$(FUZZ_BUILD)/tests/fuzz/fuzz_match.o: $(FUZZ_BUILD)/tests/fuzz/fuzz_policies.h

# --- the replay build: same harnesses, the normal compiler and flags ----

FUZZ_RDIR = $(BUILD)/tests/fuzz

$(FUZZ_RDIR)/%.o: ALL_CFLAGS += -Itests/fuzz -I$(FUZZ_RDIR)
$(FUZZ_RDIR)/fuzz_match.o: $(FUZZ_RDIR)/fuzz_policies.h

$(FUZZ_RDIR)/%-replay: $(FUZZ_RDIR)/%.o $(FUZZ_RDIR)/replay.o \
		$(BUILD)/src/cli/common.o $(BUILD)/librootgate.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

check-fuzz-regress: deps-ok $(FUZZ_HARNESSES:%=$(FUZZ_RDIR)/%-replay)
	@for h in $(FUZZ_HARNESSES); do \
		$(FUZZ_RDIR)/$$h-replay tests/fuzz/corpus/$$h \
		    tests/fuzz/regress/$$h || exit 1; \
	done

-include $(FUZZ_CORE_OBJS:.o=.d) \
	$(FUZZ_HARNESSES:%=$(FUZZ_BUILD)/tests/fuzz/%.d) \
	$(FUZZ_HARNESSES:%=$(FUZZ_RDIR)/%.d) $(FUZZ_RDIR)/replay.d

# kept between runs (pattern-chained objects would be deleted)
.SECONDARY: $(FUZZ_HARNESSES:%=$(FUZZ_RDIR)/%.o) $(FUZZ_RDIR)/replay.o \
	$(FUZZ_HARNESSES:%=$(FUZZ_BUILD)/tests/fuzz/%.o)

.PHONY: fuzz-clean
fuzz-clean:
	rm -rf $(FUZZ_BUILD)
