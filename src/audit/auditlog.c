/* SPDX-License-Identifier: ISC */
/*
 * auditlog.c - decision and exit records (auditlog.h).
 *
 * Invariants:
 * 1. Every byte of caller-controlled text is escaped before it is logged:
 *    syslog lines get \xNN escapes, JSON gets \u escapes.
 * 2. A JSON record is one write(2) on an O_APPEND descriptor, so records
 *    from concurrent runs never interleave.
 * 3. The audit file is opened O_NOFOLLOW and created 0600.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "auditlog.h"
#include "constraint.h"
#include "json.h"
#include "match.h"
#include "policy.h"
#include "run.h"

#define SYSLOG_ARGV_MAX 1024	/* bytes of escaped argv in a syslog line */

static void
copy_env(char *const *envp, const char *name, char *dst, size_t len)
{
	size_t n = strlen(name);

	dst[0] = '\0';
	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=') {
			/* escape stops where dst is full */
			constraint_escape(*envp + n + 1, len, dst, len);
			return;
		}
}

void
auditlog_caller_direct(struct audit_caller *c, uid_t uid, const char *user,
    char *const *envp)
{
	char path[64];
	FILE *fp;

	memset(c, 0, sizeof(*c));
	c->uid = uid;
	c->user = user;
	c->mode = "direct";
	copy_env(envp, "SUDO_USER", c->sudo_user, sizeof(c->sudo_user));
	copy_env(envp, "SUDO_UID", c->sudo_uid, sizeof(c->sudo_uid));
	c->pid = getppid();
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)c->pid);
	if ((fp = fopen(path, "re")) != NULL) {
		char raw[32] = "";

		if (fgets(raw, sizeof(raw), fp) != NULL)
			raw[strcspn(raw, "\n")] = '\0';
		fclose(fp);
		constraint_escape(raw, 16, c->comm, sizeof(c->comm));
	}
}

static void
argv_text(char *const *argv, size_t argc, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < argc && o + 8 < len; i++) {
		char q[SYSLOG_ARGV_MAX];

		constraint_escape(argv[i], 256, q, sizeof(q));
		o += (size_t)snprintf(buf + o, len - o, "%s'%s'", i ? " " : "",
		    q);
	}
	if (o >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
}

static void
json_caller(FILE *fp, const struct audit_caller *c)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	fprintf(fp, "{\"time\":%lld.%03d,\"mode\":", (long long)tv.tv_sec,
	    (int)(tv.tv_usec / 1000));
	json_str(fp, c->mode);
	fprintf(fp, ",\"uid\":%u,\"user\":", (unsigned)c->uid);
	if (c->user != NULL)
		json_str(fp, c->user);
	else
		fputs("null", fp);
	fputs(",\"sudo_user\":", fp);
	json_str(fp, c->sudo_user);
	fputs(",\"sudo_uid\":", fp);
	json_str(fp, c->sudo_uid);
	fprintf(fp, ",\"pid\":%d,\"parent\":", (int)c->pid);
	json_str(fp, c->comm);
}

/* One record, one write(2). */
static int
append(const char *path, const char *rec, size_t len)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC | O_NOCTTY, 0600);
	ssize_t w;

	if (fd < 0)
		return -1;
	w = write(fd, rec, len);
	close(fd);
	return w == (ssize_t)len ? 0 : -1;
}

/* Close the record open in fp (a memstream over *buf) and append it. */
static int
finish_record(const struct policy *p, FILE *fp, char **buf, size_t *len)
{
	int rc = -1;

	fputs("}\n", fp);
	if (fclose(fp) == 0)
		rc = append(p->audit_log, *buf, *len);
	free(*buf);
	return rc;
}

int
auditlog_decision(const struct policy *p, const struct audit_caller *c,
    char *const *argv, size_t argc, const struct decision *d)
{
	char av[SYSLOG_ARGV_MAX];
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	argv_text(argv, argc, av, sizeof(av));
	if (p->use_syslog) {
		openlog("rootgate", LOG_PID, LOG_AUTHPRIV);
		if (d->allowed)
			syslog(LOG_NOTICE, "allowed: uid=%u user=%s sudo_user=%s "
			    "sudo_uid=%s pid=%d parent=%s rule=%s (%s:%u) "
			    "argv=%s", (unsigned)c->uid, c->user ? c->user :
			    "?", c->sudo_user, c->sudo_uid, (int)c->pid,
			    c->comm, d->rule->name,
			    d->rule->file, d->rule->line, av);
		else
			syslog(LOG_WARNING, "denied: uid=%u user=%s sudo_user=%s "
			    "sudo_uid=%s pid=%d parent=%s argv=%s reason=%s",
			    (unsigned)c->uid, c->user ? c->user : "?",
			    c->sudo_user, c->sudo_uid, (int)c->pid, c->comm, av,
			    d->reason);
	}
	if (p->audit_log == NULL)
		return 0;
	if ((fp = open_memstream(&buf, &len)) == NULL)
		return -1;
	json_caller(fp, c);
	fprintf(fp, ",\"event\":\"decision\",\"allowed\":%s,\"argv\":",
	    d->allowed ? "true" : "false");
	json_strv(fp, argv, argc);
	if (d->allowed) {
		fputs(",\"rule\":", fp);
		json_str(fp, d->rule->name);
		fputs(",\"file\":", fp);
		json_str(fp, d->rule->file);
		fprintf(fp, ",\"line\":%u", d->rule->line);
	} else {
		fputs(",\"reason\":", fp);
		json_str(fp, d->reason);
	}
	return finish_record(p, fp, &buf, &len);
}

static long long
tv_ms(const struct timeval *tv)
{
	return (long long)tv->tv_sec * 1000 + tv->tv_usec / 1000;
}

int
auditlog_exit(const struct policy *p, const struct audit_caller *c,
    const struct decision *d, const struct run_outcome *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if (p->use_syslog)
		syslog(LOG_NOTICE, "exit: uid=%u pid=%d rule=%s status=%d%s "
		    "duration_ms=%llu utime_ms=%lld stime_ms=%lld maxrss_kb=%ld"
		    "%s%s", (unsigned)c->uid, (int)c->pid, d->rule->name,
		    o->status, o->timed_out ? " timed_out" : "",
		    (unsigned long long)(o->elapsed_us / 1000),
		    tv_ms(&o->ru.ru_utime), tv_ms(&o->ru.ru_stime),
		    o->ru.ru_maxrss, o->started ? "" : " setup_failed=",
		    o->started ? "" : o->stage);
	if (p->audit_log == NULL)
		return 0;
	if ((fp = open_memstream(&buf, &len)) == NULL)
		return -1;
	json_caller(fp, c);
	fputs(",\"event\":\"exit\",\"rule\":", fp);
	json_str(fp, d->rule->name);
	fprintf(fp, ",\"status\":%d,\"started\":%s,\"timed_out\":%s,"
	    "\"duration_ms\":%llu,\"utime_ms\":%lld,\"stime_ms\":%lld,"
	    "\"maxrss_kb\":%ld", o->status, o->started ? "true" : "false",
	    o->timed_out ? "true" : "false",
	    (unsigned long long)(o->elapsed_us / 1000), tv_ms(&o->ru.ru_utime),
	    tv_ms(&o->ru.ru_stime), o->ru.ru_maxrss);
	if (!o->started) {
		fputs(",\"stage\":", fp);
		json_str(fp, o->stage);
		fprintf(fp, ",\"errno\":%d", o->child_errno);
	}
	return finish_record(p, fp, &buf, &len);
}
