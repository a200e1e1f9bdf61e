/* SPDX-License-Identifier: ISC */
/*
 * cmd_audit.c - `rootgate audit [--kb FILE] [--json]
 * [--rootwrap-config FILE | PATH...]`: the rules that make a caller
 * root-equivalent, each with its reason and a tighter native rule, from
 * the knowledge base (rootequiv.h, doc/audit.md). Never executes.
 * Exit 0 when no rule is root-equivalent (accepted risks aside), 1 when
 * one is, 97 when the policy or the knowledge base does not load.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_audit.h"
#include "diag.h"
#include "exitcode.h"
#include "json.h"
#include "policy.h"
#include "rootequiv.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: rootgate [--config DIR] audit [--kb FILE] [--json] "
	    "[--rootwrap-config FILE | PATH...]\n");
}

static void
print_text(const struct audit_report *rep)
{
	for (size_t i = 0; i < rep->nf; i++) {
		const struct audit_finding *f = &rep->f[i];

		if (f->accepted != NULL)
			printf("%s:%u: rule %s: accepted: %s [%s] (%s)\n",
			    f->rule->file, f->line, f->rule->name, f->reason,
			    f->id, f->accepted);
		else
			printf("%s:%u: rule %s: %s: %s [%s]; suggest: %s\n",
			    f->rule->file, f->line, f->rule->name,
			    audit_risk_name(f->risk), f->reason, f->id,
			    f->suggest);
	}
}

static void
print_json(const struct audit_report *rep, size_t nrules, const char *kb)
{
	printf("{\"knowledge_base\":");
	json_str(stdout, kb);
	printf(",\"rules\":%zu,\"findings\":[", nrules);
	for (size_t i = 0; i < rep->nf; i++) {
		const struct audit_finding *f = &rep->f[i];

		printf("%s{\"file\":", i ? "," : "");
		json_str(stdout, f->rule->file);
		printf(",\"line\":%u,\"rule\":", f->line);
		json_str(stdout, f->rule->name);
		printf(",\"exec\":");
		json_str(stdout, f->rule->exec);
		printf(",\"id\":");
		json_str(stdout, f->id);
		printf(",\"risk\":");
		json_str(stdout, audit_risk_name(f->risk));
		printf(",\"reason\":");
		json_str(stdout, f->reason);
		printf(",\"suggest\":");
		json_str(stdout, f->suggest);
		printf(",\"accepted\":");
		if (f->accepted != NULL)
			json_str(stdout, f->accepted);
		else
			printf("null");
		putchar('}');
	}
	printf("],\"root_equivalent\":%zu,\"warnings\":%zu,\"deviations\":%zu,"
	    "\"accepted\":%zu}\n", rep->nroot, rep->nwarn, rep->ndev,
	    rep->naccepted);
}

static struct policy *
load(const struct cli_opts *opts, const char *rwconf, int argc, char **argv,
    struct rg_errlist *errs)
{
	if (argc > 0 && rwconf != NULL) {
		cli_warnx("audit: give --rootwrap-config or paths, not both");
		return NULL;
	}
	if (rwconf != NULL)
		return cli_load_rootwrap(rwconf, errs);
	if (argc > 0)
		return policy_load_paths((const char *const *)argv,
		    (size_t)argc, NULL, errs);
	return policy_load_confdir(opts->confdir, NULL, errs);
}

int
cmd_audit(const struct cli_opts *opts, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "kb", required_argument, NULL, 'k' },
		{ "rootwrap-config", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *kbpath = NULL, *kbused = NULL;
	const char *rwconf = opts->rootwrap_conf;
	struct rg_errlist errs = { 0 };
	struct audit_report rep;
	struct policy *p = NULL;
	struct kb *kb = NULL;
	bool json = false;
	int ch, rc = RG_EXIT_CONFIG;

	optind = 1;
	opterr = 0;	/* our own message, below */
	while ((ch = getopt_long(argc, argv, "+jk:r:h", lopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case 'k':
			kbpath = optarg;
			break;
		case 'r':
			rwconf = optarg;
			break;
		case 'h':
			usage(stdout);
			return RG_EXIT_OK;
		default:
			return cli_usage_error(argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if ((kb = kb_load(kbpath, &kbused, &errs)) == NULL ||
	    (p = load(opts, rwconf, argc, argv, &errs)) == NULL) {
		cli_print_errs(&errs);
		cli_warnx("audit: unable to load the %s", kb == NULL ?
		    "knowledge base" : "policy");
		goto out;
	}
	if (rootequiv_audit(p, kb, &rep) < 0) {
		cli_warnx("audit: out of memory");
		rc = RG_EXIT_INTERNAL;
		goto out;
	}
	/* load warnings (rootwrap's) still go to stderr */
	cli_print_errs(&errs);
	if (json)
		print_json(&rep, p->nrules, kbused);
	else {
		print_text(&rep);
		printf("audit: %zu rule%s, %zu root-equivalent, %zu warning%s, "
		    "%zu deviation%s, %zu accepted (knowledge base %s)\n",
		    p->nrules, p->nrules == 1 ? "" : "s", rep.nroot, rep.nwarn,
		    rep.nwarn == 1 ? "" : "s", rep.ndev, rep.ndev == 1 ? "" :
		    "s", rep.naccepted, kbused);
	}
	rc = rep.nroot > 0 ? RG_EXIT_LINT : RG_EXIT_OK;
	audit_report_free(&rep);
out:
	rg_errlist_free(&errs);
	policy_free(p);
	kb_free(kb);
	return rc;
}
