/* SPDX-License-Identifier: ISC */
/*
 * cmd_import.c - `rootgate import-rootwrap CONFIG`: an oslo.rootwrap
 * configuration, loaded exactly as rootgate-rootwrap loads it, written to
 * standard output as a native filters.d file (rwimport.h). Never
 * executes. Exit 0 when written (some filters may be commented out, NOT
 * IMPORTED), 97 when the configuration does not load, 125 on an output
 * error, 98 for a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_audit.h"
#include "diag.h"
#include "exitcode.h"
#include "policy.h"
#include "rootwrap.h"
#include "rwimport.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: rootgate import-rootwrap CONFIG\n");
}

static struct policy *
load(const char *path, struct rw_conf *conf, struct rg_errlist *errs)
{
	struct rw_opts o = { getenv("PATH"), false };
	struct policy *p;
	struct rg_err err;
	enum rw_status st;

	memset(&err, 0, sizeof(err));
	p = policy_load_rootwrap(path, &o, conf, &st, &err, errs);
	if (st == RW_BADVALUE)
		rg_errlist_add(errs, 0, path, err.line, "Incorrect value in "
		    "%s: %s", path, err.msg);
	else if (st == RW_BADCONF)
		rg_errlist_add(errs, 0, path, err.line, "Incorrect "
		    "configuration file: %s%s%s", path, err.msg[0] ? ": " : "",
		    err.msg);
	return p;
}

int
cmd_import(const struct cli_opts *opts, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rg_errlist errs = { 0 };
	struct rwimport_stats st;
	struct rw_conf conf;
	const char *path;
	struct policy *p;
	int ch, rc;

	optind = 1;
	opterr = 0;	/* our own message, below */
	while ((ch = getopt_long(argc, argv, "+h", lopts, NULL)) != -1) {
		if (ch == 'h') {
			usage(stdout);
			return RG_EXIT_OK;
		}
		return cli_usage_error(argv[optind - 1]);
	}
	argc -= optind;
	argv += optind;
	path = argc == 1 ? argv[0] : opts->rootwrap_conf;
	if (argc > 1 || path == NULL) {
		usage(stderr);
		return RG_EXIT_NO_COMMAND;
	}
	memset(&conf, 0, sizeof(conf));
	if ((p = load(path, &conf, &errs)) == NULL) {
		cli_print_errs(&errs);
		cli_warnx("import-rootwrap: unable to load %s", path);
		rc = RG_EXIT_CONFIG;
		goto out;
	}
	cli_print_errs(&errs);
	if (rwimport_write(stdout, p, path, &conf, &st) < 0) {
		cli_warnx("import-rootwrap: unable to write: %s",
		    strerror(errno));
		rc = RG_EXIT_INTERNAL;
		goto out;
	}
	cli_warnx("import-rootwrap: %zu rule%s imported, %zu filter%s not "
	    "imported (commented out)", st.nrules, st.nrules == 1 ? "" : "s",
	    st.nskipped, st.nskipped == 1 ? "" : "s");
	rc = RG_EXIT_OK;
out:
	rootwrap_conf_free(&conf);
	rg_errlist_free(&errs);
	policy_free(p);
	return rc;
}
