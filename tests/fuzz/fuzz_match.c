/* SPDX-License-Identifier: ISC */
/*
 * fuzz_match.c - hostile command lines against the shipped policies:
 * filters.d/nova-libvirt.conf, examples/filters.d/demo.conf and the
 * oslo.rootwrap filter set of tests/data/audit/small.filters, each for
 * root, a listed caller, an unlisted one and a uid without a name. Every
 * decision then goes through what prints caller input: explain's text and
 * JSON (cmd_explain.c's own printers) and the audit record.
 *
 * Input: the argv words, separated by NUL bytes (a final NUL ends the
 * last word rather than starting an empty one).
 *
 * The policies are compiled into the harness (fuzz_policies.h, made by
 * mk/fuzz.mk from the files above), so it runs from any directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auditlog.h"
#include "diag.h"
#include "match.h"
#include "policy.h"
#include "rootwrap.h"
#include "fuzz.h"
#include "fuzz_policies.h"

/*
 * explain's printers are static in cmd_explain.c; including the file
 * runs exactly the code `rootgate explain` runs, with no change to it.
 */
#include "../../src/cli/cmd_explain.c"

#define MAX_WORDS 512
#define RW_ROOT "/var/lib/rootgate-fuzz"

static struct policy *pols[3];

static const char *const nova_groups[] = { "nova", "libvirt" };
static const char *const mallory_groups[] = { "users", "wheel" };
static const struct caller callers[] = {
	{ 0, 0, "root", NULL, 0 },
	{ 1000, 1000, "nova", nova_groups, 2 },
	{ 1001, 1001, "mallory", mallory_groups, 2 },
	{ 4242, 4242, NULL, NULL, 0 },
};

static void __attribute__((noreturn))
load_failed(const char *what, const struct rg_errlist *errs)
{
	char buf[RG_ERR_MSGLEN + RG_ERR_FILELEN + 64];

	for (size_t i = 0; i < errs->n; i++) {
		rg_err_format(&errs->v[i], buf, sizeof(buf));
		fprintf(stderr, "fuzz_match: %s: %s\n", what, buf);
	}
	fprintf(stderr, "fuzz_match: unable to load %s\n", what);
	abort();
}

/* Decisions in the harness log to /dev/null, never to syslog. */
static void
quiet(struct policy *p)
{
	p->use_syslog = false;
	free(p->audit_log);
	if ((p->audit_log = strdup("/dev/null")) == NULL)
		abort();
}

static struct policy *
load_native(const char *name, const unsigned char *text, size_t len)
{
	const struct policy_opts o = { .skip_file_safety = true };
	struct rg_errlist errs = { 0 };
	struct policy *p = policy_new();
	FILE *fp = fmemopen((void *)(uintptr_t)text, len, "r");

	if (p == NULL || fp == NULL)
		abort();
	if (policy_parse_native(p, fp, name, &o, &errs) < 0 ||
	    policy_finish(p, &errs) < 0)
		load_failed(name, &errs);
	fclose(fp);
	rg_errlist_free(&errs);
	quiet(p);
	return p;
}

/* small.filters names its scratch directory @ROOT@ */
static char *
subst_root(const unsigned char *text, size_t len, size_t *outlen)
{
	static const char tag[] = "@ROOT@";
	char *out = malloc(len * (sizeof(RW_ROOT) / (sizeof(tag) - 1) + 1) +
	    1);
	size_t o = 0;

	if (out == NULL)
		abort();
	for (size_t i = 0; i < len; ) {
		if (len - i >= sizeof(tag) - 1 &&
		    memcmp(text + i, tag, sizeof(tag) - 1) == 0) {
			memcpy(out + o, RW_ROOT, sizeof(RW_ROOT) - 1);
			o += sizeof(RW_ROOT) - 1;
			i += sizeof(tag) - 1;
		} else
			out[o++] = (char)text[i++];
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

static struct policy *
load_rootwrap(const char *name, const unsigned char *text, size_t len)
{
	static const char ctext[] = "[DEFAULT]\n"
	    "filters_path=/nonexistent/rootgate-fuzz\n"
	    "exec_dirs=/sbin,/usr/sbin,/bin,/usr/bin\n";
	const struct rw_opts o = { "/usr/sbin:/usr/bin:/sbin:/bin", false };
	struct rg_errlist errs = { 0 };
	struct rw_conf conf;
	struct rg_err e = { 0 };
	struct policy *p = policy_new();
	size_t flen;
	char *ftext = subst_root(text, len, &flen);

	if (p == NULL || rootwrap_parse_conf(ctext, sizeof(ctext) - 1,
	    "rootwrap.conf", &o, &conf, &e) != RW_OK) {
		rg_errlist_add_err(&errs, &e);
		load_failed("rootwrap.conf", &errs);
	}
	if (rootwrap_parse_filters(p, ftext, flen, name, &conf, &o,
	    &errs) < 0 || rootwrap_add_privsep(p, &conf, &errs) < 0 ||
	    rootwrap_apply_rootgate(p, &conf, &errs) < 0 ||
	    policy_finish(p, &errs) < 0)
		load_failed(name, &errs);
	p->linear = true;	/* as policy_load_rootwrap */
	rootwrap_conf_free(&conf);
	rg_errlist_free(&errs);
	free(ftext);
	quiet(p);
	return p;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* explain prints to stdout; libFuzzer reports on stderr */
	if (freopen("/dev/null", "w", stdout) == NULL)
		abort();
	pols[0] = load_native("nova-libvirt.conf", fz_nova_libvirt_conf,
	    sizeof(fz_nova_libvirt_conf));
	pols[1] = load_native("demo.conf", fz_demo_conf,
	    sizeof(fz_demo_conf));
	pols[2] = load_rootwrap("small.filters", fz_small_filters,
	    sizeof(fz_small_filters));
	return 0;
}

static void
decide(const struct policy *p, const struct caller *c, char *const *argv,
    size_t argc)
{
	char *const envp[] = { "PATH=/usr/bin:/bin", "LANG=C",
	    "SUDO_USER=nova", "A=1", NULL };
	struct audit_caller ac;
	struct decision d;
	int status;

	if (match_argv(p, c, argv, argc, envp, &d) < 0)
		return;
	status = decision_exit_status(&d);
	print_text(&d, status);
	print_json(&d, argv, argc, status);
	memset(&ac, 0, sizeof(ac));
	ac.uid = c->uid;
	ac.user = c->user;
	ac.mode = "broker";
	(void)auditlog_decision(p, &ac, argv, argc, &d);
	decision_clear(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, *argv[MAX_WORDS + 1];
	size_t argc = 0;

	if (pols[0] == NULL)
		LLVMFuzzerInitialize(NULL, NULL);
	if ((copy = malloc(size + 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (size_t o = 0; o < size && argc < MAX_WORDS; ) {
		argv[argc++] = copy + o;
		o += strlen(copy + o) + 1;
	}
	argv[argc] = NULL;
	for (size_t i = 0; i < sizeof(pols) / sizeof(pols[0]); i++)
		for (size_t k = 0; k < sizeof(callers) / sizeof(callers[0]);
		    k++)
			decide(pols[i], &callers[k], argv, argc);
	fflush(stdout);
	free(copy);
	return 0;
}
