/* SPDX-License-Identifier: ISC */
/*
 * auditlog.h - one record per decision and one per exit: to syslog
 * (facility authpriv) and, when rootgate.conf names one, to a JSON-lines
 * file. Arguments are escaped (control characters never reach a log:
 * CVE-2023-28486/28487). audit/ is called, never calls back.
 */
#ifndef ROOTGATE_AUDITLOG_H
#define ROOTGATE_AUDITLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct decision;
struct policy;
struct run_outcome;

struct audit_caller {
	uid_t uid;
	const char *user;	/* NULL if the uid has no name */
	char sudo_user[64];	/* SUDO_USER: recorded, grants nothing */
	char sudo_uid[16];
	pid_t pid;		/* the caller: our parent in direct mode */
	char comm[32];		/* its command name */
	const char *mode;	/* "direct", "broker" */
};

/* Fill the parts of *c that come from this process (sudo variables, the
 * parent's pid and command). */
void auditlog_caller_direct(struct audit_caller *c, uid_t uid,
    const char *user, char *const *envp);

/*
 * Record a decision. Returns 0, or -1 when an audit file is configured
 * and the record could not be written to it: then the command must not
 * run (a result that cannot be audited is not produced).
 */
int auditlog_decision(const struct policy *p, const struct audit_caller *c,
    char *const *argv, size_t argc, const struct decision *d);

/* Record how an allowed command ended. Returns 0 or -1 as above. */
int auditlog_exit(const struct policy *p, const struct audit_caller *c,
    const struct decision *d, const struct run_outcome *o);

#endif
