/* SPDX-License-Identifier: ISC */
/* cli.h - shared pieces of the command-line programs (cli/ only). */
#ifndef ROOTGATE_CLI_H
#define ROOTGATE_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "match.h"

struct policy;
struct rg_errlist;

#define RG_DEFAULT_CONFDIR SYSCONFDIR "/rootgate"
#define RG_VERSION "0.1.0"

extern const char *rg_progname;

struct cli_opts {
	const char *confdir;	/* --config */
	const char *rootwrap_conf;	/* --rootwrap-config: a rootwrap.conf
					   instead of confdir */
	const char *socket;	/* --socket: the broker's, for a caller
				   who is not root (broker.h) */
};

/*
 * Load the rootwrap.conf at path and its filter files (rootwrap.h); every
 * error, the configuration's included, goes to errs. NULL on failure.
 */
struct policy *cli_load_rootwrap(const char *path, struct rg_errlist *errs);



/* "rootgate: " + message, on stderr */
void cli_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * An unknown option or a missing option argument (getopt's optopt):
 * one line naming it; returns 98, the status of a malformed invocation.
 */
int cli_usage_error(const char *arg);

/* Print every record of l to stderr; warnings as "warning: ...". */
void cli_print_errs(const struct rg_errlist *l);

/* Load opts->confdir; on failure print the errors and return NULL. */
struct policy *cli_load_policy(const struct cli_opts *opts);
/* For a run of cmd (argv[0]): the policy cache may supply only the rules
 * that can decide it (policy_load_confdir_for). */
struct policy *cli_load_policy_for(const struct cli_opts *opts,
    const char *cmd);

/* A caller: the named user (--as), or the real uid. Names are owned by
 * the struct and freed by cli_caller_free. Returns 0 or -1 (message
 * printed). */
struct cli_caller {
	struct caller c;
	char *user;
	char **groups;
	size_t ngroups;
};
int cli_caller_init(struct cli_caller *cc, const char *as_user);
int cli_caller_from_uid(struct cli_caller *cc, uid_t uid, gid_t gid);
void cli_caller_free(struct cli_caller *cc);

/* The caller of explain/list: --as USER, else root for a rootwrap
 * configuration (its filters have no callers: sudo decided), else the
 * real uid. */
int cli_caller_for(const struct cli_opts *opts, struct cli_caller *cc,
    const char *as_user);

/* The sandbox profile in one line ("ns=mount,pid caps=none ..."). */
void cli_sbx_summary(const struct sbx_profile *s, char *buf, size_t len);

int cmd_check(const struct cli_opts *opts, int argc, char **argv);
int cmd_explain(const struct cli_opts *opts, int argc, char **argv);
int cmd_list(const struct cli_opts *opts, int argc, char **argv);

#endif
