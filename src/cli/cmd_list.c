/* SPDX-License-Identifier: ISC */
/*
 * cmd_list.c - `rootgate list [--as USER] [--json]`: what a caller may
 * run, rule by rule, with every placeholder's constraint (like sudo -l).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "exitcode.h"
#include "match.h"
#include "pattern.h"
#include "policy.h"

static void
list_text(const struct rule *r)
{
	char pat[2048], desc[256], sum[512];

	pattern_format(&r->pattern, pat, sizeof(pat));
	printf("%s (%s:%u)%s\n", r->name, r->file, r->line, r->inactive ?
	    " [inactive: executable not installed]" : "");
	if (r->description != NULL)
		printf("    %s\n", r->description);
	printf("    %s%s%s\n", r->exec, pat[0] ? " " : "", pat);
	for (size_t i = 0; i < r->ncks; i++) {
		constraint_describe(&r->cks[i], desc, sizeof(desc));
		printf("      <%s>: %s\n", r->cks[i].name, desc);
	}
	cli_sbx_summary(&r->sbx, sum, sizeof(sum));
	printf("    as %s:%s; sandbox %s\n", r->user, r->group ? r->group :
	    "?", sum);
}

static void
list_json(const struct rule *r, bool first)
{
	char pat[2048], desc[256];

	pattern_format(&r->pattern, pat, sizeof(pat));
	printf("%s{\"name\":", first ? "" : ",");
	json_str(stdout, r->name);
	printf(",\"file\":");
	json_str(stdout, r->file);
	printf(",\"line\":%u,\"exec\":", r->line);
	json_str(stdout, r->exec);
	printf(",\"args\":");
	json_str(stdout, pat);
	printf(",\"active\":%s,\"user\":", r->inactive ? "false" : "true");
	json_str(stdout, r->user);
	printf(",\"constraints\":{");
	for (size_t i = 0; i < r->ncks; i++) {
		constraint_describe(&r->cks[i], desc, sizeof(desc));
		if (i > 0)
			putchar(',');
		json_str(stdout, r->cks[i].name);
		putchar(':');
		json_str(stdout, desc);
	}
	printf("},\"sandbox\":%s}", r->sbx.enabled ? "true" : "false");
}

int
cmd_list(const struct cli_opts *opts, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "as", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *as = NULL;
	bool json = false, first = true;
	struct cli_caller cc;
	struct policy *p;
	int ch;

	optind = 1;
	opterr = 0;	/* our own message, below */
	while ((ch = getopt_long(argc, argv, "+ja:h", lopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case 'a':
			as = optarg;
			break;
		case 'h':
			printf("usage: rootgate [--config DIR] list [--as USER] "
			    "[--json]\n");
			return RG_EXIT_OK;
		default:
			return cli_usage_error(argv[optind - 1]);
		}
	}
	if (optind != argc) {
		cli_warnx("list: unexpected argument '%s'", argv[optind]);
		return RG_EXIT_NO_COMMAND;
	}
	if ((p = cli_load_policy(opts)) == NULL)
		return RG_EXIT_CONFIG;
	if (cli_caller_for(opts, &cc, as) < 0) {
		policy_free(p);
		return RG_EXIT_INTERNAL;
	}
	if (json)
		putchar('[');
	else
		printf("%s may run, in decision order:\n", cc.user ? cc.user :
		    "this caller");
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];

		if (!match_caller_allowed(r, &cc.c))
			continue;
		if (json)
			list_json(r, first);
		else
			list_text(r);
		first = false;
	}
	if (json)
		puts("]");
	else if (first)
		printf("    nothing\n");
	cli_caller_free(&cc);
	policy_free(p);
	return RG_EXIT_OK;
}
