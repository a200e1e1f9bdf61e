/* SPDX-License-Identifier: ISC */
/*
 * fuzz_rootwrap.c - oslo.rootwrap configurations: rootwrap.conf
 * (rootwrap_parse_conf) and a *.filters file (rootwrap_parse_filters),
 * both through rwini.c, then what policy_load_rootwrap does after them
 * (the implicit privsep rule, the [rootgate] section, policy_finish), the
 * lint, import-rootwrap's writer, a match of each rule against its own
 * synopsis, and rwpath.c's realpath on each line of the input.
 *
 * Input: a filter file, loaded under a fixed rootwrap.conf. An input
 * holding a line "%%" is instead rootwrap.conf (before the line) and the
 * filter file (after it). Both parsers take buffers: no files are written.
 */
#define _GNU_SOURCE		/* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "constraint.h"
#include "diag.h"
#include "match.h"
#include "policy.h"
#include "rootwrap.h"
#include "rwimport.h"
#include "rwpath.h"
#include "strv.h"
#include "fuzz.h"
#include "fuzzpol.h"

#define MARK "%%\n"

static const char default_conf[] = "[DEFAULT]\n"
    "filters_path=/nonexistent/rootgate-fuzz\n"
    "exec_dirs=/sbin,/usr/sbin,/bin,/usr/bin\n";

static FILE *devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((devnull = fopen("/dev/null", "we")) == NULL) {
		perror("fuzz_rootwrap: /dev/null");
		abort();
	}
	return 0;
}

static void
inspect(const struct policy *p, const struct rw_conf *conf)
{
	struct rwimport_stats st;

	fuzz_inspect_rules(p);
	(void)rwimport_write(devnull, p, "fuzz-rootwrap.conf", conf, &st);
	fflush(devnull);
}

/* As policy_load_rootwrap, from buffers. */
static void
load(const char *ctext, size_t clen, const char *ftext, size_t flen)
{
	const struct rw_opts o = { "/usr/sbin:/usr/bin:/sbin:/bin", false };
	struct rg_errlist errs = { 0 };
	struct rw_conf conf;
	struct rg_err e = { 0 };
	struct policy *p = NULL;
	char buf[RG_ERR_MSGLEN + RG_ERR_FILELEN + 64];

	if (rootwrap_parse_conf(ctext, clen, "fuzz-rootwrap.conf", &o, &conf,
	    &e) != RW_OK) {
		rg_err_format(&e, buf, sizeof(buf));
		goto out;
	}
	if ((p = policy_new()) == NULL)
		goto out;
	p->use_syslog = false;	/* a decision here must log nothing */
	if (rootwrap_parse_filters(p, ftext, flen, "fuzz.filters", &conf, &o,
	    &errs) == 0 && rootwrap_add_privsep(p, &conf, &errs) == 0 &&
	    rootwrap_apply_rootgate(p, &conf, &errs) == 0 &&
	    policy_finish(p, &errs) == 0) {
		p->linear = true;
		inspect(p, &conf);
	}
out:
	fuzz_format_errs(&errs);
	rg_errlist_free(&errs);
	policy_free(p);
	rootwrap_conf_free(&conf);
}

/* Python's realpath, as PathFilter applies it, on each line. */
static void
realpaths(const char *text, size_t len)
{
	char out[4096];
	const char *l = text, *end = text + len;

	for (int i = 0; i < 8 && l < end; i++) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		size_t n = nl != NULL ? (size_t)(nl - l) : (size_t)(end - l);
		char *s = strndup(l, n);

		if (s != NULL)
			(void)rwpath_realpath(s, out, sizeof(out));
		free(s);
		l += n + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *m = NULL;
	char *copy;

	if (devnull == NULL)
		LLVMFuzzerInitialize(NULL, NULL);
	/* the parsers take (buf, len): an exact-size copy, no NUL after */
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if (size >= 3 && memcmp(copy, MARK, 3) == 0)
		m = copy;
	else if (size >= 4 && (m = memmem(copy, size, "\n" MARK, 4)) != NULL)
		m++;
	if (m == NULL)
		load(default_conf, sizeof(default_conf) - 1, copy, size);
	else
		load(copy, (size_t)(m - copy), m + 3,
		    size - (size_t)(m - copy) - 3);
	realpaths(copy, size);
	free(copy);
	return 0;
}
