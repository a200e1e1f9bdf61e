/* SPDX-License-Identifier: ISC */
/*
 * cmd_explain.c - `rootgate explain [--json] [--as USER] -- CMD ARGS...`:
 * the decision a real run would take, from the same matcher, without
 * executing anything. Exit 0 allowed, 99 denied, 98 no command, 96 the
 * rule's executable is not installed, 97 configuration error.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "constraint.h"
#include "exitcode.h"
#include "match.h"
#include "pattern.h"
#include "policy.h"

extern char **environ;

static void
json_rule_ref(FILE *fp, const struct rule *r)
{
	fputs("{\"name\":", fp);
	json_str(fp, r->name);
	fputs(",\"file\":", fp);
	json_str(fp, r->file);
	fprintf(fp, ",\"line\":%u}", r->line);
}

static void
json_sbx(FILE *fp, const struct sbx_profile *s)
{
	char sum[512];

	cli_sbx_summary(s, sum, sizeof(sum));
	fprintf(fp, "{\"enabled\":%s,\"summary\":", s->enabled ? "true" :
	    "false");
	json_str(fp, sum);
	fputs(",\"writable\":", fp);
	json_strv(fp, s->writable, s->nwritable);
	fputs(",\"hidden\":", fp);
	json_strv(fp, s->hidden, s->nhidden);
	fprintf(fp, ",\"timeout_ms\":%u}", s->timeout_ms);
}

static void
print_json(const struct decision *d, char *const *argv, size_t argc,
    int status)
{
	fprintf(stdout, "{\"allowed\":%s,\"status\":%d,\"command\":",
	    d->allowed ? "true" : "false", status);
	json_strv(stdout, argv, argc);
	if (d->allowed) {
		fputs(",\"rule\":", stdout);
		json_rule_ref(stdout, d->rule);
		fputs(",\"exec\":", stdout);
		json_str(stdout, d->rule->exec_real ? d->rule->exec_real :
		    d->rule->exec);
		fputs(",\"argv\":", stdout);
		json_strv(stdout, d->argv, d->argc);
		fputs(",\"env\":", stdout);
		json_strv(stdout, d->envp, d->envc);
		fputs(",\"user\":", stdout);
		json_str(stdout, d->rule->user);
		fputs(",\"group\":", stdout);
		json_str(stdout, d->rule->group ? d->rule->group : "");
		fputs(",\"sandbox\":", stdout);
		json_sbx(stdout, d->sbx);
		fputs(",\"reason\":null", stdout);
	} else {
		fputs(",\"rule\":null,\"reason\":", stdout);
		json_str(stdout, d->reason);
		fprintf(stdout, ",\"unusable\":%s", d->code == DENY_UNUSABLE ?
		    "true" : "false");
		if (d->inactive != NULL) {
			/* the first rule that fitted without executable */
			fputs(",\"inactive\":", stdout);
			json_rule_ref(stdout, d->inactive);
		}
	}
	fprintf(stdout, ",\"argv_off\":%zu", d->argv_off);
	fputs(",\"near_misses\":[", stdout);
	for (size_t i = 0; i < d->nmiss; i++) {
		if (i > 0)
			fputc(',', stdout);
		fputs("{\"rule\":", stdout);
		json_rule_ref(stdout, d->miss[i].rule);
		fprintf(stdout, ",\"argument\":%zu,\"reason\":",
		    d->miss[i].argi);
		json_str(stdout, d->miss[i].reason);
		fputc('}', stdout);
	}
	fputs("]}\n", stdout);
}

static void
print_text(const struct decision *d, int status)
{
	char buf[512], q[300];

	if (d->allowed) {
		const struct rule *r = d->rule;

		printf("allowed by rule %s (%s:%u)\n", r->name, r->file,
		    r->line);
		printf("  exec:    %s\n", r->exec_real ? r->exec_real :
		    r->exec);
		printf("  argv:   ");
		for (size_t i = 0; i < d->argc; i++) {
			constraint_escape(d->argv[i], 256, q, sizeof(q));
			printf(" %s", q);
		}
		printf("\n  as:      %s:%s\n", r->user, r->group ? r->group :
		    "?");
		printf("  env:    ");
		for (size_t i = 0; i < d->envc; i++) {
			constraint_escape(d->envp[i], 256, q, sizeof(q));
			printf(" %s", q);
		}
		cli_sbx_summary(d->sbx, buf, sizeof(buf));
		printf("\n  sandbox: %s\n", buf);
	} else {
		printf("denied (status %d): %s\n", status, d->reason);
	}
	for (size_t i = 0; i < d->nmiss; i++)
		printf("  rule %s (%s:%u): %s\n", d->miss[i].rule->name,
		    d->miss[i].rule->file, d->miss[i].rule->line,
		    d->miss[i].reason);
}

int
cmd_explain(const struct cli_opts *opts, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "as", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *as = NULL;
	bool json = false;
	struct cli_caller cc;
	struct decision d;
	struct policy *p;
	int ch, status;

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
			printf("usage: rootgate [--config DIR] explain [--json] "
			    "[--as USER] [--] CMD [ARG...]\n");
			return RG_EXIT_OK;
		default:
			return cli_usage_error(argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		cli_warnx("explain: no command given");
		return RG_EXIT_NO_COMMAND;
	}
	if ((p = cli_load_policy(opts)) == NULL)
		return RG_EXIT_CONFIG;
	if (cli_caller_for(opts, &cc, as) < 0) {
		policy_free(p);
		return RG_EXIT_INTERNAL;
	}
	if (match_argv(p, &cc.c, argv, (size_t)argc, environ, &d) < 0) {
		cli_warnx("unable to allocate memory");
		status = RG_EXIT_INTERNAL;
	} else {
		status = decision_exit_status(&d);
		if (json)
			print_json(&d, argv, (size_t)argc, status);
		else
			print_text(&d, status);
	}
	decision_clear(&d);
	cli_caller_free(&cc);
	policy_free(p);
	return status;
}
