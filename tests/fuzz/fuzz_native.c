/* SPDX-License-Identifier: ISC */
/*
 * fuzz_native.c - native filter files (native.c, rulekeys.c, pattern.c,
 * constraint.c, ini_src.c) and rootgate.conf (conf.c) as a load reads
 * them, then the lint and the descriptions check(8) prints, and one
 * match of each loaded rule against its own synopsis.
 *
 * Input: a filter file. An input holding a line "%%" is instead a
 * configuration directory: what precedes the line is rootgate.conf,
 * what follows is filters.d/10-fuzz.conf. Those two are written to a
 * private directory and loaded by policy_load_confdir with every file
 * safety check on, as rootgate loads /etc/rootgate (the fuzzer runs as
 * root, so the directories and files are root-owned, not group- or
 * world-writable).
 */
#define _GNU_SOURCE		/* memmem */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "constraint.h"
#include "diag.h"
#include "match.h"
#include "policy.h"
#include "strv.h"
#include "fuzz.h"
#include "fuzzpol.h"

#define MARK "%%\n"

static char confdir[PATH_MAX];

/* Made and removed within each input: libFuzzer ends a run with _Exit,
 * so nothing at exit would clean a directory kept across inputs. */
static void
mkconf(void)
{
	char p[PATH_MAX + 32];

	/* not $TMPDIR: every ancestor must pass filesafe's checks */
	strlcpy(confdir, "/tmp/rootgate-fuzz.XXXXXX", sizeof(confdir));
	if (mkdtemp(confdir) == NULL) {
		perror("fuzz_native: mkdtemp");
		abort();
	}
	snprintf(p, sizeof(p), "%s/filters.d", confdir);
	if (mkdir(p, 0755) < 0) {
		perror("fuzz_native: mkdir");
		abort();
	}
}

static void
rmconf(void)
{
	char p[PATH_MAX + 32];

	snprintf(p, sizeof(p), "%s/filters.d/10-fuzz.conf", confdir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/filters.d", confdir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/rootgate.conf", confdir);
	unlink(p);
	rmdir(confdir);
}

static void
write_file(const char *name, const uint8_t *data, size_t size)
{
	char p[PATH_MAX + 32];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", confdir, name);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) <
	    0 || write(fd, data, size) != (ssize_t)size) {
		perror("fuzz_native: write");
		abort();
	}
	close(fd);
}

static void
parse_memory(const uint8_t *data, size_t size)
{
	const struct policy_opts o = { .skip_file_safety = true };
	struct rg_errlist errs = { 0 };
	struct policy *p;
	char *copy;
	FILE *fp;

	/* a copy of the input's exact size: no NUL after it to lean on */
	if ((copy = malloc(size + 1)) == NULL || (p = policy_new()) == NULL) {
		free(copy);
		return;
	}
	memcpy(copy, data, size);
	fp = size > 0 ? fmemopen(copy, size, "r") : fopen("/dev/null", "re");
	if (fp == NULL) {
		perror("fuzz_native: fmemopen");
		abort();
	}
	if (policy_parse_native(p, fp, "fuzz.conf", &o, &errs) == 0 &&
	    policy_finish(p, &errs) == 0)
		fuzz_inspect_rules(p);
	fclose(fp);
	fuzz_format_errs(&errs);
	rg_errlist_free(&errs);
	policy_free(p);
	free(copy);
}

static void
load_confdir(const uint8_t *data, size_t conflen, const uint8_t *filt,
    size_t filtlen)
{
	const struct policy_opts o = { 0 };
	struct rg_errlist errs = { 0 };
	struct policy *p;

	mkconf();
	write_file("rootgate.conf", data, conflen);
	write_file("filters.d/10-fuzz.conf", filt, filtlen);
	if ((p = policy_load_confdir(confdir, &o, &errs)) != NULL) {
		fuzz_inspect_rules(p);
		policy_free(p);
	}
	rmconf();
	fuzz_format_errs(&errs);
	rg_errlist_free(&errs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *m = NULL;

	if (size >= 3 && memcmp(data, MARK, 3) == 0)
		m = data;
	else if (size >= 4 && (m = memmem(data, size, "\n" MARK, 4)) != NULL)
		m++;
	if (m == NULL)
		parse_memory(data, size);
	else
		load_confdir(data, (size_t)(m - data), m + 3,
		    size - (size_t)(m - data) - 3);
	return 0;
}
