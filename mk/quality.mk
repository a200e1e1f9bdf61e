# mk/quality.mk - three quality gates (doc/quality.md):
#
#   make check-valgrind  the unit and end-to-end suites under valgrind
#                        memcheck: zero errors, zero leaks (VG_BUILD)
#   make coverage        unit + e2e + attacks suites built with --coverage
#                        (COV_BUILD); line and branch report by gcovr under
#                        COV_BUILD/coverage/; fails under the thresholds
#   make scan-build      clang's static analyzer over the whole build
#                        (SB_BUILD); any finding fails. `make lint` runs it.

DEB_QA += valgrind gcovr clang-tools

.PHONY: check-valgrind vg-build coverage cov-build scan-build

QUALITY_PROGS = rootgate rootgated rootgate-rootwrap

# --- valgrind -----------------------------------------------------------

VG_BUILD ?= build-vg
# -O1 keeps memcheck's reports exact enough and the runs short;
# ROOTGATE_FREE_AT_EXIT frees what a program still holds at exit (as in
# check-asan), so that anything left is a leak.
VG_OPT   = -O1 -g -fno-omit-frame-pointer -DROOTGATE_FREE_AT_EXIT
VG_LOGS  = $(VG_BUILD)/logs
VG_SUPP  = $(sort $(wildcard tests/valgrind/*.supp))
# The leak kinds that count as errors: definite, indirect and possible.
# "Still reachable" (a pointer to the block is still held at exit) is not
# a leak: libc's stdio buffers and NSS state, Check's runner in the
# forked test children.
VG_FLAGS = --tool=memcheck --leak-check=full \
	--show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible \
	--error-exitcode=86 --num-callers=40 \
	$(VG_SUPP:%=--suppressions=$(CURDIR)/%)
# the unit suites: each suite_create() name but "run", whose every test
# creates a sandbox (tests/unit/test_run.c; see doc/quality.md)
VG_UNIT_SKIP   = run
VG_UNIT_SUITES = $(filter-out $(VG_UNIT_SKIP),$(sort $(shell sed -n \
	's/.*suite_create("\([a-z0-9_]*\)").*/\1/p' tests/unit/*.c)))

vg-build:
	$(MAKE) BUILD=$(VG_BUILD) OPT='$(VG_OPT)' \
		$(QUALITY_PROGS:%=$(VG_BUILD)/%) $(VG_BUILD)/tests/unit/run
	rm -rf $(VG_LOGS) $(VG_BUILD)/wrap
	mkdir -p $(VG_LOGS) $(VG_BUILD)/wrap
	chmod 1777 $(VG_LOGS)
	for p in $(QUALITY_PROGS); do \
		sed -e 's|@BIN@|$(CURDIR)/$(VG_BUILD)|' \
		    -e 's|@LOGS@|$(CURDIR)/$(VG_LOGS)|' \
		    -e 's|@SUPP@|$(VG_SUPP:%=$(CURDIR)/%)|' \
		    tests/valgrind/vgwrap.py > $(VG_BUILD)/wrap/$$p && \
		chmod 0755 $(VG_BUILD)/wrap/$$p || exit 1; \
	done

# Each step goes on after a failure so that the summary covers them all;
# tests/valgrind/report.sh reads every log and sets the status.
check-valgrind: deps-qa
	$(MAKE) vg-build
	@st=0; for s in $(VG_UNIT_SUITES); do \
		echo "valgrind: unit suite $$s"; \
		(cd tests/unit && CK_RUN_SUITE=$$s valgrind $(VG_FLAGS) \
		    --log-file=$(CURDIR)/$(VG_LOGS)/unit-$$s.%p.log \
		    ../../$(VG_BUILD)/tests/unit/run) > $(VG_LOGS)/unit-$$s.out \
		    2>&1 || st=1; \
		tail -n 1 $(VG_LOGS)/unit-$$s.out; \
		grep -q '^100%: Checks: [1-9]' $(VG_LOGS)/unit-$$s.out || st=1; \
	done; echo $$st > $(VG_LOGS)/unit.status
	-BUILD=$(VG_BUILD)/wrap ROOTGATE_VALGRIND=1 sh tests/e2e/run.sh \
		> $(VG_LOGS)/e2e.out 2>&1; echo $$? > $(VG_LOGS)/e2e.status; \
		tail -n 2 $(VG_LOGS)/e2e.out
	-BUILD=$(VG_BUILD)/wrap sh tests/e2e/run.sh tests/valgrind \
		> $(VG_LOGS)/daemon.out 2>&1; echo $$? > $(VG_LOGS)/daemon.status; \
		tail -n 2 $(VG_LOGS)/daemon.out
	sh tests/valgrind/report.sh $(VG_LOGS) '$(VG_UNIT_SKIP)'

# --- coverage -----------------------------------------------------------

COV_BUILD ?= build-cov
COV_DIR    = $(COV_BUILD)/coverage
# -O0: line and branch counts that follow the source. -U_FORTIFY_SOURCE:
# glibc refuses _FORTIFY_SOURCE without optimisation (a #warning, made an
# error by -Werror).
# RG_COVERAGE: rg_cov_flush() (include/cov.h) writes the counters of a
# process that leaves by _exit (rootgated's parent).
COV_MAKE = $(MAKE) BUILD=$(COV_BUILD) OPT='-O0 -g --coverage' \
	CFLAGS='-U_FORTIFY_SOURCE -DRG_COVERAGE' LDFLAGS=--coverage
# thresholds (percent of lines): the whole of src/, and the files that
# parse or decide on hostile input
COV_MIN_ALL  = 85
COV_MIN_KEY  = 95
COV_KEY_SRCS = src/policy/match.c src/policy/pathcanon.c src/broker/proto.c
# Files that run only in the sandboxed child, between clone3 and exec: it
# execs or _exits in a read-only namespace, so gcov never writes their
# counters. Left out of the figures, as are the child-only functions of
# mixed files (GCOVR_EXCL_START/STOP); doc/quality.md lists both and the
# tests that check that code from inside the sandbox instead.
COV_CHILD_ONLY = src/sandbox/dev.c src/sandbox/fds.c src/sandbox/ids.c \
	src/sandbox/rlimit.c src/run/pidinit.c
GCOVR = gcovr --root . --filter 'src/' --object-directory $(COV_BUILD) \
	$(foreach f,$(COV_CHILD_ONLY),--exclude '$(subst .,\.,$(f))$$')

cov-build:
	$(COV_MAKE) $(QUALITY_PROGS:%=$(COV_BUILD)/%) \
		$(COV_BUILD)/tests/unit/run $(COV_BUILD)/tests/helpers/rg-probe

# The counters start at zero, as empty .gcda files anyone may write: the
# e2e tests run the client as a test user, whose counters gcov could not
# merge into a root-owned file (and would say so on the test's stderr).
coverage: deps-qa
	$(MAKE) cov-build
	find $(COV_BUILD) -name '*.gcda' -delete
	find $(COV_BUILD) -name '*.gcno' | while read -r g; do \
		: > "$${g%.gcno}.gcda" && chmod 0666 "$${g%.gcno}.gcda"; \
	done
	$(COV_MAKE) check-unit check-e2e check-attacks
	find $(COV_BUILD) -name '*.gcda' -empty -delete
	rm -rf $(COV_DIR)
	mkdir -p $(COV_DIR)
	$(GCOVR) --branches --json $(COV_DIR)/coverage.json \
		--txt $(COV_DIR)/branches.txt \
		--html-details $(COV_DIR)/index.html --print-summary \
		> $(COV_DIR)/summary.txt
	gcovr --add-tracefile $(COV_DIR)/coverage.json \
		--txt $(COV_DIR)/lines.txt
	cat $(COV_DIR)/lines.txt
	tail -n 2 $(COV_DIR)/summary.txt
	@echo "coverage: report in $(COV_DIR)/index.html"
	@st=0; for f in $(COV_KEY_SRCS); do \
		gcovr --add-tracefile $(COV_DIR)/coverage.json --filter $$f \
		    --fail-under-line $(COV_MIN_KEY) > /dev/null || \
		    { echo "coverage: $$f under $(COV_MIN_KEY)% of lines"; st=1; }; \
	done; \
	gcovr --add-tracefile $(COV_DIR)/coverage.json \
	    --fail-under-line $(COV_MIN_ALL) > /dev/null || \
	    { echo "coverage: src/ under $(COV_MIN_ALL)% of lines"; st=1; }; \
	[ $$st = 0 ] && echo "coverage: thresholds met ($(COV_MIN_KEY)% of" \
	    "lines in $(COV_KEY_SRCS); $(COV_MIN_ALL)% in src/)"; exit $$st

# --- scan-build ---------------------------------------------------------

SB_BUILD ?= build-sb

scan-build: deps-qa
	rm -rf $(SB_BUILD)
	scan-build --status-bugs -o $(SB_BUILD)/report \
		$(MAKE) BUILD=$(SB_BUILD) OPT='-O0 -g' \
		$(QUALITY_PROGS:%=$(SB_BUILD)/%) $(SB_BUILD)/tests/unit/run

lint: scan-build
