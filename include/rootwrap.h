/* SPDX-License-Identifier: ISC */
/*
 * rootwrap.h - oslo.rootwrap 6.3.1 configurations (rootwrap.conf and the
 * *.filters files of its filters_path) translated into the one policy
 * model: every filter becomes a struct rule (origin RO_ROOTWRAP) of a
 * linear policy, decided by match_argv like any native rule.
 * doc/rootwrap-compat.md lists where rootgate deliberately refuses what
 * oslo.rootwrap allows.
 *
 * UNPRIVILEGED: reads files, resolves executables (access X_OK), looks
 * up users; never executes anything.
 */
#ifndef ROOTGATE_ROOTWRAP_H
#define ROOTGATE_ROOTWRAP_H

#include <stdbool.h>
#include <stddef.h>

struct policy;
struct rg_err;
struct rg_errlist;
struct rwini_kv;

/* rootwrap.conf, [DEFAULT] */
struct rw_conf {
	char **filters_path;	/* split on ',', entries not stripped */
	size_t nfilters_path;
	char **exec_dirs;	/* split on ','; else PATH split on ':' */
	size_t nexec_dirs;
	bool use_syslog;
	int syslog_facility;	/* unshifted LOG_* facility code (5) */
	int syslog_level;	/* Python logging level (40 = ERROR) */
	long long daemon_timeout;
	long long rlimit_nofile;
	bool privsep_helper;	/* rootgate_privsep_helper (true) */
	struct rwini_kv *rg;	/* the [rootgate] section, rootgate's own
				   (oslo.rootwrap reads [DEFAULT] only) */
	size_t nrg;
	char *name;		/* the configuration, for messages */
};

enum rw_status {
	RW_OK,
	RW_BADCONF,	/* "Incorrect configuration file: CONFIG" */
	RW_BADVALUE,	/* "Incorrect value in CONFIG: DETAIL" */
	RW_BADFILTERS,	/* errors in filter files, in the error list */
};

struct rw_opts {
	const char *path_env;	/* the caller's PATH, NULL if unset */
	bool skip_file_safety;	/* unit tests of the parser only */
};

/*
 * Parse rootwrap.conf text (named `name`) as oslo.rootwrap does, options
 * validated in its order. RW_BADVALUE: err->msg is the DETAIL of oslo's
 * message ("Not a boolean: x"); RW_BADCONF: err->msg is "" or, for a
 * refusal of rootgate's own, a reason to print before oslo's line.
 * Release *conf with rootwrap_conf_free in every case.
 */
enum rw_status rootwrap_parse_conf(const char *buf, size_t len,
    const char *name, const struct rw_opts *o, struct rw_conf *conf,
    struct rg_err *err);

/* Same, from the file (a missing file is RW_BADCONF, as in oslo). */
enum rw_status rootwrap_read_conf(const char *path, const struct rw_opts *o,
    struct rw_conf *conf, struct rg_err *err);

void rootwrap_conf_free(struct rw_conf *conf);

/*
 * Translate one filter file's text (named `file`) and append its rules to
 * p. Returns 0, or -1 with every problem in errs (warnings too).
 */
int rootwrap_parse_filters(struct policy *p, const char *buf, size_t len,
    const char *file, const struct rw_conf *conf, const struct rw_opts *o,
    struct rg_errlist *errs);

/*
 * Apply conf's [rootgate] section to the rules of p (after every filter
 * and the implicit rule, before policy_finish): the native sandbox for
 * the filters it selects (doc/rootwrap-compat.md, "[rootgate]"); every
 * other rule keeps the compatibility profile. Returns 0, or -1 with
 * every problem in errs (FILE:LINE of rootwrap.conf).
 */
int rootwrap_apply_rootgate(struct policy *p, const struct rw_conf *conf,
    struct rg_errlist *errs);

/* Append the implicit privsep-helper rule (if conf enables it). */
int rootwrap_add_privsep(struct policy *p, const struct rw_conf *conf,
    struct rg_errlist *errs);

/*
 * Everything: rootwrap.conf at conf_path, every filter file of its
 * filters_path in readdir order, the implicit rule, policy_finish. On
 * success a new policy and *conf filled; otherwise NULL, *st says which
 * kind of failure, err (RW_BADCONF/RW_BADVALUE) or errs (RW_BADFILTERS)
 * say why. Release *conf with rootwrap_conf_free in every case.
 */
struct policy *policy_load_rootwrap(const char *conf_path,
    const struct rw_opts *o, struct rw_conf *conf, enum rw_status *st,
    struct rg_err *err, struct rg_errlist *errs);

#endif
