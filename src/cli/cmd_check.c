/* SPDX-License-Identifier: ISC */
/*
 * cmd_check.c - `rootgate check [PATH...]`: load filter files or
 * directories (default: the configuration directory) exactly as a real run
 * would, report every error and every over-broad rule. Never executes.
 * Exit 0 when there is no error (warnings allowed), 1 otherwise.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "exitcode.h"
#include "policy.h"

int
cmd_check(const struct cli_opts *opts, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rg_errlist errs = { 0 };
	struct policy *p;
	size_t nerr, ninactive = 0;
	int ch;

	optind = 1;
	opterr = 0;	/* our own message, below */
	while ((ch = getopt_long(argc, argv, "+h", lopts, NULL)) != -1) {
		if (ch == 'h') {
			printf("usage: rootgate [--config DIR] check [PATH...]\n");
			return RG_EXIT_OK;
		}
		return cli_usage_error(argv[optind - 1]);
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 && opts->rootwrap_conf != NULL)
		p = cli_load_rootwrap(opts->rootwrap_conf, &errs);
	else if (argc == 0)
		p = policy_load_confdir(opts->confdir, NULL, &errs);
	else
		p = policy_load_paths((const char *const *)argv, (size_t)argc,
		    NULL, &errs);
	if (p != NULL)
		for (size_t i = 0; i < p->nrules; i++) {
			policy_lint_rule(&p->rules[i], &errs);
			ninactive += p->rules[i].inactive;
		}
	cli_print_errs(&errs);
	nerr = rg_errlist_nerrors(&errs);
	printf("%s: %zu rule%s%s, %zu error%s, %zu warning%s, %zu accepted "
	    "risk%s\n",
	    argc == 0 ? (opts->rootwrap_conf != NULL ? opts->rootwrap_conf :
	    opts->confdir) : argc == 1 ? argv[0] : "policy",
	    p ? p->nrules : 0, p && p->nrules == 1 ? "" : "s",
	    ninactive ? " (some inactive: executable not installed)" : "",
	    nerr, nerr == 1 ? "" : "s", errs.nwarn, errs.nwarn == 1 ? "" : "s",
	    errs.nnote, errs.nnote == 1 ? "" : "s");
	rg_errlist_free(&errs);
	policy_free(p);
	return nerr == 0 ? RG_EXIT_OK : RG_EXIT_LINT;
}
