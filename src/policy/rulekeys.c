/* SPDX-License-Identifier: ISC */
/*
 * rulekeys.c - the native rule schema (rulekeys.h). keys[] is the single
 * source of truth: the parser dispatches through it and `rootgate keys`
 * prints it; rootgate.filters(5) follows it.
 *
 * Invariants:
 * 1. Every value is validated here, at load time: user and group names
 *    (never a numeric-looking name: CVE-2019-14287, CVE-2017-1000082),
 *    capability and syscall names, paths (absolute, no ".."), sizes,
 *    durations, environment names (never the loader variables).
 * 2. A sandbox key in a rule with `sandbox = off` is an error: a profile is
 *    either applied whole or visibly absent.
 */
#define _GNU_SOURCE	/* asprintf */
#include <cap-ng.h>
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "constraint.h"
#include "diag.h"
#include "filesafe.h"
#include "loadcache.h"
#include "pathcanon.h"
#include "pattern.h"
#include "policy.h"
#include "rulekeys.h"
#include "rx.h"
#include "size.h"
#include "strv.h"

struct ctx {
	const char *file;
	struct loadcache *lc;
	struct rg_errlist *errs;
	bool sandbox_keys;	/* a sandbox key was given */
	bool follow_symlinks;	/* follow-symlinks = yes */
	bool hide_defaults;	/* hidden-defaults (default yes) */
	const struct kv *private_tmp_kv, *mountkey_kv;
	unsigned sandbox_keys_line;
	const struct kv *exec_kv, *args_kv, *user_kv, *group_kv;
};

typedef int (*key_fn)(struct rule *, const struct kv *, struct ctx *);

struct keydef {
	const char *name;
	bool multi;		/* may continue on indented lines */
	bool sandbox;		/* part of the sandbox profile */
	key_fn fn;
	const char *syntax;
	const char *dflt;
	const char *doc;
};

static int __attribute__((format(printf, 3, 4)))
kerr(struct ctx *c, const struct kv *kv, const char *fmt, ...)
{
	char msg[RG_ERR_MSGLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rg_errlist_add(c->errs, 0, c->file, kv->line, "%s: %s", kv->key, msg);
	return -1;
}

/* --- value parsers ---------------------------------------------------- */

static int
parse_bool(const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "on") == 0 ||
	    strcmp(v, "true") == 0) {
		*out = true;
		return 0;
	}
	if (strcmp(v, "no") == 0 || strcmp(v, "off") == 0 ||
	    strcmp(v, "false") == 0) {
		*out = false;
		return 0;
	}
	return -1;
}

/* "30s", "500ms", "5m", "1h", or bare seconds; canonical digits only */
static int
parse_duration_ms(const char *v, unsigned *ms)
{
	char num[24];
	size_t n = strspn(v, "0123456789");
	const char *unit = v + n;
	long long x;
	unsigned long long mult;

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, v, n);
	num[n] = '\0';
	if (size_parse_int(num, &x) != SZ_OK)
		return -1;
	if (*unit == '\0' || strcmp(unit, "s") == 0)
		mult = 1000;
	else if (strcmp(unit, "ms") == 0)
		mult = 1;
	else if (strcmp(unit, "m") == 0)
		mult = 60000;
	else if (strcmp(unit, "h") == 0)
		mult = 3600000;
	else
		return -1;
	if ((unsigned long long)x > UINT_MAX / mult)
		return -1;
	*ms = (unsigned)((unsigned long long)x * mult);
	return 0;
}

/* A user or group name that can mean only one thing. */
static const char *
bad_name(const char *s)
{
	if (*s == '\0')
		return "empty name";
	if (isdigit((unsigned char)*s) || *s == '-' || *s == '+')
		return "a name may not start with a digit or a sign "
		    "(numeric ids are ambiguous)";
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-", *p) == NULL)
			return "a name has only letters, digits, '.', '_', '-'";
	if (strlen(s) > 32)
		return "a name has at most 32 characters";
	return NULL;
}

static bool
env_name_ok(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/*
 * Variables that make a program load code or data chosen by whoever sets
 * them (sudo's deny lists leaked for years: CVE-2004-1051, CVE-2014-9680),
 * plus our target tools' own loaders.
 */
static const char *const env_never[] = {
	"LD_*", "GCONV_PATH", "PYTHON*", "BASH_ENV", "BASH_FUNC_*", "ENV",
	"IFS", "PATH", "LOCPATH", "NLSPATH", "HOSTALIASES", "LOCALDOMAIN",
	"RES_OPTIONS", "MALLOC_*", "GLIBC_TUNABLES", "PERL*", "RUBY*",
	"NODE_*", "SHELLOPTS", "BASHOPTS", "PS4", "CDPATH", "TMPDIR", "TZDIR",
	"QEMU_*", "LVM_*", "DM_*", "CEPH_*", "OPENSSL_*", "SSL_CERT_*",
	"GIO_*", "XDG_*", NULL
};

static bool
env_forbidden(const char *name)
{
	for (size_t i = 0; env_never[i] != NULL; i++) {
		size_t n = strlen(env_never[i]);

		if (env_never[i][n - 1] == '*') {
			if (strncmp(name, env_never[i], n - 1) == 0)
				return true;
		} else if (strcmp(name, env_never[i]) == 0)
			return true;
	}
	return false;
}

static int
push_words(char ***v, size_t *n, const char *value, struct ctx *c,
    const struct kv *kv)
{
	if (strv_split_words(v, n, value) < 0)
		return kerr(c, kv, "out of memory");
	return 0;
}

/* --- key handlers ----------------------------------------------------- */

static int
k_description(struct rule *r, const struct kv *kv, struct ctx *c)
{
	if ((r->description = strdup(kv->value)) == NULL)
		return kerr(c, kv, "out of memory");
	for (char *p = r->description; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	return 0;
}

/* Is line "ID: ..." with a known lint id? */
static bool
starts_with_risk(const char *line)
{
	const char *colon = strchr(line, ':');
	char id[64];
	size_t n;

	if (colon == NULL || (n = (size_t)(colon - line)) >= sizeof(id))
		return false;
	memcpy(id, line, n);
	id[n] = '\0';
	return policy_lint_id_known(id);
}

/* A line that does not start a new "ID: reason" continues the reason. */
static int
continue_reason(struct rule *r, const char *line)
{
	char *prev = r->accept[r->naccept - 1], *joined;

	if (asprintf(&joined, "%s %s", prev, line) < 0)
		return -1;
	free(prev);
	r->accept[r->naccept - 1] = joined;
	return 0;
}

static int
k_accept(struct rule *r, const struct kv *kv, struct ctx *c)
{
	char *dup = strdup(kv->value), *line, *save = NULL;
	int rc = 0;

	if (dup == NULL)
		return kerr(c, kv, "out of memory");
	for (line = strtok_r(dup, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');
		const char *why;

		if (!starts_with_risk(line) && r->naccept > 0 && rc == 0) {
			if (continue_reason(r, line) < 0)
				rc = kerr(c, kv, "out of memory");
			continue;
		}
		if (colon == NULL) {
			rc = kerr(c, kv, "expected 'ID: reason', not '%s'", line);
			continue;
		}
		*colon = '\0';
		why = colon + 1 + strspn(colon + 1, " \t");
		if (!policy_lint_id_known(line))
			rc = kerr(c, kv, "unknown risk '%s' (%s)", line,
			    LINT_IDS);
		else if (*why == '\0')
			rc = kerr(c, kv, "accepting '%s' needs a reason", line);
		*colon = ':';
		if (rc == 0 && strv_push(&r->accept, &r->naccept, line) < 0)
			rc = kerr(c, kv, "out of memory");
	}
	free(dup);
	return rc;
}

static int
k_exec(struct rule *r, const struct kv *kv, struct ctx *c)
{
	char norm[PATH_MAX];
	enum pc_result pr;
	const char *base;

	c->exec_kv = kv;
	if (kv->value[0] != '/')
		return kerr(c, kv, "relative executable path '%s' (an absolute "
		    "path is required)", kv->value);
	pr = pathcanon_lexical(kv->value, norm, sizeof(norm));
	if (pr != PC_OK)
		return kerr(c, kv, "bad executable path '%s': %s", kv->value,
		    pathcanon_strerror(pr));
	if (strcmp(norm, kv->value) != 0)
		return kerr(c, kv, "write the executable path as %s", norm);
	base = strrchr(norm, '/') + 1;
	if (*base == '\0')
		return kerr(c, kv, "the executable path names a directory");
	r->exec = strdup(norm);
	r->cmdname = strdup(base);
	if (r->exec == NULL || r->cmdname == NULL)
		return kerr(c, kv, "out of memory");
	return 0;
}

static int
k_optional(struct rule *r, const struct kv *kv, struct ctx *c)
{
	if (parse_bool(kv->value, &r->optional) < 0)
		return kerr(c, kv, "expected yes or no, not '%s'", kv->value);
	return 0;
}

static int
k_args(struct rule *r, const struct kv *kv, struct ctx *c)
{
	c->args_kv = kv;
	if ((r->args_src = strdup(kv->value)) == NULL)
		return kerr(c, kv, "out of memory");
	for (char *p = r->args_src; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return 0;	/* parsed once every constraint is known */
}

static int
k_user(struct rule *r, const struct kv *kv, struct ctx *c)
{
	const char *why = bad_name(kv->value);

	c->user_kv = kv;
	if (why != NULL)
		return kerr(c, kv, "'%s': %s", kv->value, why);
	if ((r->user = strdup(kv->value)) == NULL)
		return kerr(c, kv, "out of memory");
	return 0;
}

static int
k_group(struct rule *r, const struct kv *kv, struct ctx *c)
{
	const char *why = bad_name(kv->value);

	c->group_kv = kv;
	if (why != NULL)
		return kerr(c, kv, "'%s': %s", kv->value, why);
	if ((r->group = strdup(kv->value)) == NULL)
		return kerr(c, kv, "out of memory");
	return 0;
}

static int
k_callers(struct rule *r, const struct kv *kv, struct ctx *c)
{
	char **w = NULL;
	size_t nw = 0;
	int rc = 0;

	if (push_words(&w, &nw, kv->value, c, kv) < 0)
		return -1;
	for (size_t i = 0; i < nw; i++) {
		bool grp = w[i][0] == '%';
		const char *name = w[i] + grp;
		const char *why = bad_name(name);

		if (why != NULL) {
			rc = kerr(c, kv, "'%s': %s", w[i], why);
			continue;
		}
		if (grp ? strv_push(&r->caller_groups, &r->ncaller_groups,
		    name) : strv_push(&r->caller_users, &r->ncaller_users,
		    name)) {
			rc = kerr(c, kv, "out of memory");
			break;
		}
	}
	strv_free(w, nw);
	return rc;
}

static int
k_env_keep(struct rule *r, const struct kv *kv, struct ctx *c)
{
	size_t first = r->env.nkeep;
	int rc = 0;

	if (push_words(&r->env.keep, &r->env.nkeep, kv->value, c, kv) < 0)
		return -1;
	for (size_t i = first; i < r->env.nkeep; i++) {
		if (!env_name_ok(r->env.keep[i]))
			rc = kerr(c, kv, "bad variable name '%s'",
			    r->env.keep[i]);
		else if (env_forbidden(r->env.keep[i]))
			rc = kerr(c, kv, "%s may never be passed to a command "
			    "run as root", r->env.keep[i]);
	}
	return rc;
}

static int
k_env_set(struct rule *r, const struct kv *kv, struct ctx *c)
{
	char *dup = strdup(kv->value), *line, *save = NULL;
	int rc = 0;

	if (dup == NULL)
		return kerr(c, kv, "out of memory");
	for (line = strtok_r(dup, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		if (eq == NULL || eq == line) {
			rc = kerr(c, kv, "expected NAME=value, not '%s'", line);
			continue;
		}
		*eq = '\0';
		if (!env_name_ok(line))
			rc = kerr(c, kv, "bad variable name '%s'", line);
		else if (env_forbidden(line))
			rc = kerr(c, kv, "%s may never be set for a command run "
			    "as root", line);
		*eq = '=';
		if (rc == 0 && strv_push(&r->env.set, &r->env.nset, line) < 0)
			rc = kerr(c, kv, "out of memory");
	}
	free(dup);
	return rc;
}

static int
k_sandbox(struct rule *r, const struct kv *kv, struct ctx *c)
{
	if (parse_bool(kv->value, &r->sbx.enabled) < 0)
		return kerr(c, kv, "expected on or off, not '%s'", kv->value);
	return 0;
}

static int
k_namespaces(struct rule *r, const struct kv *kv, struct ctx *c)
{
	static const struct { const char *n; unsigned f; } ns[] = {
		{ "mount", SBX_NS_MOUNT }, { "pid", SBX_NS_PID },
		{ "ipc", SBX_NS_IPC }, { "uts", SBX_NS_UTS },
		{ "net", SBX_NS_NET }, { "cgroup", SBX_NS_CGROUP },
	};
	char **w = NULL;
	size_t nw = 0;
	int rc = 0;

	if (push_words(&w, &nw, kv->value, c, kv) < 0)
		return -1;
	if (nw == 0)
		return kerr(c, kv, "empty (write 'none' for no namespaces)");
	r->sbx.ns = 0;
	for (size_t i = 0; i < nw; i++) {
		size_t j;

		if (strcmp(w[i], "none") == 0 && nw == 1)
			break;
		for (j = 0; j < sizeof(ns) / sizeof(ns[0]); j++)
			if (strcmp(w[i], ns[j].n) == 0)
				break;
		if (j == sizeof(ns) / sizeof(ns[0]))
			rc = kerr(c, kv, "unknown namespace '%s' (mount, pid, "
			    "ipc, uts, net, cgroup, or none alone)", w[i]);
		else
			r->sbx.ns |= ns[j].f;
	}
	strv_free(w, nw);
	return rc;
}

static int
k_capabilities(struct rule *r, const struct kv *kv, struct ctx *c)
{
	char **w = NULL;
	size_t nw = 0;
	int rc = 0;

	if (push_words(&w, &nw, kv->value, c, kv) < 0)
		return -1;
	r->sbx.caps = 0;
	for (size_t i = 0; i < nw; i++) {
		char name[64];
		const char *n = w[i];
		int cap;

		if (strcmp(n, "none") == 0 && nw == 1)
			break;
		if (strncasecmp(n, "cap_", 4) == 0)
			n += 4;
		strlcpy(name, n, sizeof(name));
		for (char *p = name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		cap = capng_name_to_capability(name);
		if (cap < 0 || cap > 63)
			rc = kerr(c, kv, "unknown capability '%s'", w[i]);
		else
			r->sbx.caps |= 1ULL << cap;
	}
	strv_free(w, nw);
	return rc;
}

static int
k_seccomp(struct rule *r, const struct kv *kv, struct ctx *c)
{
	if (strcmp(kv->value, "default") == 0)
		r->sbx.seccomp = SBX_SECCOMP_DEFAULT;
	else if (strcmp(kv->value, "off") == 0)
		r->sbx.seccomp = SBX_SECCOMP_OFF;
	else
		return kerr(c, kv, "expected default or off, not '%s'",
		    kv->value);
	return 0;
}

static int
syscall_names(char ***v, size_t *n, const struct kv *kv, struct ctx *c)
{
	size_t first = *n;
	int rc = 0;

	if (push_words(v, n, kv->value, c, kv) < 0)
		return -1;
	for (size_t i = first; i < *n; i++)
		if (seccomp_syscall_resolve_name((*v)[i]) == __NR_SCMP_ERROR)
			rc = kerr(c, kv, "unknown system call '%s'", (*v)[i]);
	return rc;
}

static int
k_sc_allow(struct rule *r, const struct kv *kv, struct ctx *c)
{
	return syscall_names(&r->sbx.sc_allow, &r->sbx.nsc_allow, kv, c);
}

static int
k_sc_deny(struct rule *r, const struct kv *kv, struct ctx *c)
{
	return syscall_names(&r->sbx.sc_deny, &r->sbx.nsc_deny, kv, c);
}

static int
rlimit_value(struct rule *r, const struct kv *kv, struct ctx *c,
    enum sbx_rlimit_id id, bool is_size)
{
	uint64_t v;
	long long n;

	if (strcmp(kv->value, "unlimited") == 0)
		v = RLIM_INFINITY;
	else if (is_size) {
		if (size_parse_bound(kv->value, &v) != SZ_OK)
			return kerr(c, kv, "expected a size such as 2G, not "
			    "'%s'", kv->value);
	} else {
		if (size_parse_int(kv->value, &n) != SZ_OK || n < 0)
			return kerr(c, kv, "expected a number, not '%s'",
			    kv->value);
		v = (uint64_t)n;
	}
	r->sbx.rl[id].set = true;
	r->sbx.rl[id].value = v;
	return 0;
}

#define RLIMIT_KEY(fn, id, sz) \
static int \
fn(struct rule *r, const struct kv *kv, struct ctx *c) \
{ \
	return rlimit_value(r, kv, c, id, sz); \
}
RLIMIT_KEY(k_rl_as, SBX_RL_AS, true)
RLIMIT_KEY(k_rl_cpu, SBX_RL_CPU, false)
RLIMIT_KEY(k_rl_fsize, SBX_RL_FSIZE, true)
RLIMIT_KEY(k_rl_nofile, SBX_RL_NOFILE, false)
RLIMIT_KEY(k_rl_nproc, SBX_RL_NPROC, false)

static int
k_timeout(struct rule *r, const struct kv *kv, struct ctx *c)
{
	if (parse_duration_ms(kv->value, &r->sbx.timeout_ms) < 0)
		return kerr(c, kv, "expected a duration such as 30s, 500ms, "
		    "5m, not '%s'", kv->value);
	return 0;
}

static int
k_grace(struct rule *r, const struct kv *kv, struct ctx *c)
{
	if (parse_duration_ms(kv->value, &r->sbx.grace_ms) < 0)
		return kerr(c, kv, "expected a duration such as 2s, not '%s'",
		    kv->value);
	return 0;
}

static int
abs_paths(char ***v, size_t *n, const struct kv *kv, struct ctx *c)
{
	char **w = NULL;
	size_t nw = 0;
	int rc = 0;

	if (push_words(&w, &nw, kv->value, c, kv) < 0)
		return -1;
	for (size_t i = 0; i < nw; i++) {
		char norm[PATH_MAX];
		enum pc_result pr = pathcanon_lexical(w[i], norm,
		    sizeof(norm));

		if (pr != PC_OK)
			rc = kerr(c, kv, "'%s': %s", w[i],
			    pathcanon_strerror(pr));
		else if (strv_push(v, n, norm) < 0)
			rc = kerr(c, kv, "out of memory");
	}
	strv_free(w, nw);
	return rc;
}

static int
k_writable(struct rule *r, const struct kv *kv, struct ctx *c)
{
	c->mountkey_kv = kv;
	return abs_paths(&r->sbx.writable, &r->sbx.nwritable, kv, c);
}

static int
k_hidden(struct rule *r, const struct kv *kv, struct ctx *c)
{
	c->mountkey_kv = kv;
	return abs_paths(&r->sbx.hidden, &r->sbx.nhidden, kv, c);
}

static int
k_private_tmp(struct rule *r, const struct kv *kv, struct ctx *c)
{
	c->private_tmp_kv = kv;
	if (parse_bool(kv->value, &r->sbx.private_tmp) < 0)
		return kerr(c, kv, "expected yes or no, not '%s'", kv->value);
	return 0;
}

static int
k_devices(struct rule *r, const struct kv *kv, struct ctx *c)
{
	if (strcmp(kv->value, "minimal") == 0)
		r->sbx.host_devices = false;
	else if (strcmp(kv->value, "host") == 0)
		r->sbx.host_devices = true;
	else
		return kerr(c, kv, "expected minimal or host, not '%s'",
		    kv->value);
	c->mountkey_kv = kv;
	return 0;
}

static int
k_follow_symlinks(struct rule *r, const struct kv *kv, struct ctx *c)
{
	(void)r;
	if (parse_bool(kv->value, &c->follow_symlinks) < 0)
		return kerr(c, kv, "expected yes or no, not '%s'", kv->value);
	return 0;
}

static int
k_hidden_defaults(struct rule *r, const struct kv *kv, struct ctx *c)
{
	(void)r;
	if (parse_bool(kv->value, &c->hide_defaults) < 0)
		return kerr(c, kv, "expected yes or no, not '%s'", kv->value);
	return 0;
}

static int
k_cwd(struct rule *r, const struct kv *kv, struct ctx *c)
{
	char norm[PATH_MAX];
	enum pc_result pr = pathcanon_lexical(kv->value, norm, sizeof(norm));

	if (pr != PC_OK)
		return kerr(c, kv, "'%s': %s", kv->value,
		    pathcanon_strerror(pr));
	free(r->sbx.cwd);
	if ((r->sbx.cwd = strdup(norm)) == NULL)
		return kerr(c, kv, "out of memory");
	return 0;
}

static int
k_umask(struct rule *r, const struct kv *kv, struct ctx *c)
{
	const char *v = kv->value;
	size_t n = strlen(v);
	unsigned long m;

	if (n < 3 || n > 4 || strspn(v, "01234567") != n)
		return kerr(c, kv, "expected an octal mask such as 022, not "
		    "'%s'", v);
	m = strtoul(v, NULL, 8);
	if (m > 0777)
		return kerr(c, kv, "'%s' is not a file mode mask", v);
	r->sbx.umask = (mode_t)m;
	return 0;
}

static int
k_memory_max(struct rule *r, const struct kv *kv, struct ctx *c)
{
	if (size_parse_bound(kv->value, &r->sbx.mem_max) != SZ_OK ||
	    r->sbx.mem_max == 0)
		return kerr(c, kv, "expected a size such as 2G, not '%s'",
		    kv->value);
	return 0;
}

static int
k_pids_max(struct rule *r, const struct kv *kv, struct ctx *c)
{
	long long n;

	if (size_parse_int(kv->value, &n) != SZ_OK || n < 1)
		return kerr(c, kv, "expected a positive number, not '%s'",
		    kv->value);
	r->sbx.pids_max = (uint64_t)n;
	return 0;
}

/* Secrets a command run for a service never needs to read (hidden unless
 * hidden-defaults = no). Paths that do not exist are skipped. */
static const char *const hidden_defaults[] = {
	"/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-",
	"/etc/sudoers", "/etc/sudoers.d", "/etc/ssh", "/root", "/etc/rootgate",
	NULL
};
#define RG_HIDDEN_DEFAULTS_DOC "/etc/shadow, /etc/gshadow and their " \
	"backups, /etc/sudoers, /etc/sudoers.d, /etc/ssh, /root, " \
	"/etc/rootgate"

static const struct keydef keys[] = {
	{ "description", true, false, k_description, "TEXT", "",
	  "what the rule is for, shown by list and explain" },
	{ "accept", true, false, k_accept, "LINT-ID: REASON (one a line)", "",
	  "a risk check reports as accepted, with the reason" },
	{ "exec", false, false, k_exec, "/ABSOLUTE/PATH", "(required)",
	  "the executable; root-owned, not group/other-writable" },
	{ "optional", false, false, k_optional, "yes|no", "no",
	  "the executable may be absent on this host (rule inactive)" },
	{ "args", true, false, k_args, "PATTERN", "(required)",
	  "the argument synopsis: WORD <name> [..] X... { A, B }" },
	{ "user", false, false, k_user, "NAME", "root",
	  "run as this user" },
	{ "group", false, false, k_group, "NAME", "the user's group",
	  "run as this group" },
	{ "callers", true, false, k_callers, "USER... %GROUP...", "(root)",
	  "who may use the rule through the broker" },
	{ "env-keep", true, false, k_env_keep, "NAME...", "",
	  "caller variables passed through" },
	{ "env-set", true, false, k_env_set, "NAME=VALUE (one a line)", "",
	  "variables set by the rule" },
	{ "sandbox", false, false, k_sandbox, "on|off", "on",
	  "off runs the command unconfined (flagged by check)" },
	{ "namespaces", true, true, k_namespaces,
	  "mount pid ipc uts net cgroup|none", "mount pid ipc uts",
	  "namespaces of the child" },
	{ "capabilities", true, true, k_capabilities, "CAP_NAME...|none",
	  "none", "capabilities the command keeps" },
	{ "seccomp", false, true, k_seccomp, "default|off", "default",
	  "the system-call filter" },
	{ "seccomp-allow", true, true, k_sc_allow, "SYSCALL...", "",
	  "remove from the default deny list" },
	{ "seccomp-deny", true, true, k_sc_deny, "SYSCALL...", "",
	  "add to the deny list (EPERM)" },
	{ "rlimit-as", false, true, k_rl_as, "SIZE|unlimited", "unchanged",
	  "address space" },
	{ "rlimit-cpu", false, true, k_rl_cpu, "SECONDS|unlimited",
	  "unchanged", "CPU time" },
	{ "rlimit-fsize", false, true, k_rl_fsize, "SIZE|unlimited",
	  "unchanged", "largest file written" },
	{ "rlimit-nofile", false, true, k_rl_nofile, "N|unlimited",
	  "unchanged", "open files" },
	{ "rlimit-nproc", false, true, k_rl_nproc, "N|unlimited",
	  "unchanged", "processes of the run-as user" },
	{ "timeout", false, true, k_timeout, "DURATION", "none",
	  "wall clock; then SIGTERM, grace, SIGKILL (status 124)" },
	{ "grace", false, true, k_grace, "DURATION", "2s",
	  "SIGTERM to SIGKILL after a timeout (0: SIGKILL at once)" },
	{ "writable", true, true, k_writable, "/PATH...", "none",
	  "paths left writable; everything else is read-only" },
	{ "hidden", true, true, k_hidden, "/PATH...", "none",
	  "paths masked (empty)" },
	{ "private-tmp", false, true, k_private_tmp, "yes|no", "yes",
	  "a private, empty /tmp" },
	{ "devices", false, true, k_devices, "minimal|host", "minimal",
	  "minimal: /dev has null zero full random urandom tty, and device "
	  "nodes elsewhere do not work (nodev); host: the host's /dev" },
	{ "follow-symlinks", false, true, k_follow_symlinks, "yes|no", "no",
	  "no: the directories path arguments point into are mounted "
	  "nosymfollow, so a symlink swapped in after the check is not "
	  "followed" },
	{ "hidden-defaults", false, true, k_hidden_defaults, "yes|no", "yes",
	  "also hide the host's secrets (" RG_HIDDEN_DEFAULTS_DOC ")" },
	{ "cwd", false, true, k_cwd, "/PATH", "/",
	  "working directory" },
	{ "umask", false, true, k_umask, "OCTAL", "022", "file mode mask" },
	{ "memory-max", false, true, k_memory_max, "SIZE", "none",
	  "cgroup v2 memory.max (where delegated)" },
	{ "pids-max", false, true, k_pids_max, "N", "none",
	  "cgroup v2 pids.max (where delegated)" },
};

static const struct keydef *
find_key(const char *name)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

void
rulekeys_print(FILE *fp)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		fprintf(fp, "%-14s %-36s default %s\n%14s %s\n", keys[i].name,
		    keys[i].syntax, keys[i].dflt, "", keys[i].doc);
	fprintf(fp, "%-14s %-36s\n%14s %s\n", "<name>",
	    "path|regex|int|size|set|any ...", "",
	    "the constraint of placeholder <name> in args");
}

static void
sbx_defaults(struct sbx_profile *s)
{
	s->enabled = true;
	s->ns = SBX_NS_DEFAULT;
	s->seccomp = SBX_SECCOMP_DEFAULT;
	s->private_tmp = true;
	s->umask = 022;
	s->grace_ms = 2000;
	s->rl[SBX_RL_CORE].set = true;
	s->rl[SBX_RL_CORE].value = 0;
}

static bool
is_placeholder_key(const char *k)
{
	size_t n = strlen(k);

	return n >= 3 && k[0] == '<' && k[n - 1] == '>';
}

static void
build_constraints(struct rule *r, const struct kv *kv, size_t nkv,
    struct ctx *c)
{
	size_t n = 0;

	for (size_t i = 0; i < nkv; i++)
		n += is_placeholder_key(kv[i].key);
	if (n == 0)
		return;
	if ((r->cks = calloc(n, sizeof(*r->cks))) == NULL) {
		kerr(c, &kv[0], "out of memory");
		return;
	}
	for (size_t i = 0; i < nkv; i++) {
		struct constraint *ck;
		char err[RG_ERR_MSGLEN - 64];
		const char *name;
		size_t len;

		/* first: an empty key ("= v") has no byte after its NUL */
		if (!is_placeholder_key(kv[i].key))
			continue;
		name = kv[i].key + 1;
		len = strlen(name) - 1;
		ck = &r->cks[r->ncks++];
		ck->line = kv[i].line;
		if ((ck->name = strndup(name, len)) == NULL) {
			kerr(c, &kv[i], "out of memory");
			continue;
		}
		for (size_t j = 0; j < len; j++)
			if (!isalnum((unsigned char)name[j]) &&
			    name[j] != '_' && name[j] != '-') {
				kerr(c, &kv[i], "bad placeholder name (letters, "
				    "digits, '_', '-')");
				break;
			}
		if (strchr(kv[i].value, '\n') != NULL)
			kerr(c, &kv[i], "a constraint must fit on one line");
		else if (constraint_parse_lc(ck, kv[i].value, c->lc, 0, err,
		    sizeof(err)) < 0)
			kerr(c, &kv[i], "%s", err);
	}
}

static void
resolve_ids(struct rule *r, struct ctx *c)
{
	const char *gname = NULL;

	if (r->user == NULL && (r->user = strdup("root")) == NULL)
		return;
	if (loadcache_user(c->lc, r->user, &r->uid, &r->gid) < 0) {
		rg_errlist_add(c->errs, 0, c->file, c->user_kv ?
		    c->user_kv->line : r->line, "user: unknown user '%s'",
		    r->user);
		return;
	}
	/* -1 to set*id() means "leave unchanged": the command would stay root */
	if (r->uid == (uid_t)-1) {
		rg_errlist_add(c->errs, 0, c->file, c->user_kv ?
		    c->user_kv->line : r->line, "user: '%s' has uid %u, which "
		    "means 'unchanged' to setresuid", r->user, (unsigned)r->uid);
		return;
	}
	if (r->group == NULL) {
		if (loadcache_group(c->lc, NULL, &r->gid, &gname) == 0)
			r->group = strdup(gname);
	} else if (loadcache_group(c->lc, r->group, &r->gid, NULL) < 0) {
		rg_errlist_add(c->errs, 0, c->file, c->group_kv ?
		    c->group_kv->line : r->line, "group: unknown group '%s'",
		    r->group);
		return;
	}
	if (r->gid == (gid_t)-1)
		rg_errlist_add(c->errs, 0, c->file, c->group_kv ?
		    c->group_kv->line : r->line, "group: '%s' has gid %u, which "
		    "means 'unchanged' to setresgid", r->group ? r->group :
		    r->user, (unsigned)r->gid);
}

static int
push_unique(char ***v, size_t *n, const char *s)
{
	return strv_find(*v, *n, s) >= 0 ? 0 : strv_push(v, n, s);
}

/*
 * The lists only the loader can derive: the directories the rule's path
 * arguments may point into are mounted nosymfollow (a symlink the caller
 * swaps in after the check is then not followed by the command; "/" is
 * left alone: the system's own symlinks, /lib64 among them, must work),
 * and the host's secrets join `hidden`.
 */
static void
finish_mount_lists(struct rule *r, struct ctx *c)
{
	int rc = 0;

	for (size_t i = 0; !c->follow_symlinks && i < r->ncks; i++)
		if (r->cks[i].kind == CK_PATH &&
		    strcmp(r->cks[i].u.path.prefix, "/") != 0)
			rc |= push_unique(&r->sbx.nofollow, &r->sbx.nnofollow,
			    r->cks[i].u.path.prefix);
	for (size_t i = 0; c->hide_defaults && hidden_defaults[i]; i++)
		rc |= push_unique(&r->sbx.hidden, &r->sbx.nhidden,
		    hidden_defaults[i]);
	if (rc != 0)
		rg_errlist_add(c->errs, 0, c->file, r->line, "out of memory");
}

/* The file-system keys need a mount namespace to mean anything. */
static void
check_mount_keys(struct rule *r, struct ctx *c)
{
	if (!r->sbx.enabled || (r->sbx.ns & SBX_NS_MOUNT))
		return;
	if (c->mountkey_kv != NULL)
		kerr(c, c->mountkey_kv, "needs the mount namespace "
		    "(namespaces = mount ...)");
	if (c->private_tmp_kv != NULL && r->sbx.private_tmp)
		kerr(c, c->private_tmp_kv, "needs the mount namespace "
		    "(namespaces = mount ...)");
	r->sbx.private_tmp = false;	/* the default follows the namespace */
}

static void
check_exec(struct rule *r, struct ctx *c)
{
	char real[PATH_MAX];
	struct rg_err e;

	if (loadcache_exec(c->lc, r->exec, real, &e) < 0) {
		if (e.errnum == ENOENT && r->optional) {
			r->inactive = true;
			return;
		}
		rg_errlist_add(c->errs, 0, c->file, c->exec_kv ?
		    c->exec_kv->line : r->line, "exec: %s", e.msg);
		return;
	}
	if ((r->exec_real = strdup(real)) == NULL)
		rg_errlist_add(c->errs, 0, c->file, c->exec_kv ?
		    c->exec_kv->line : r->line, "out of memory");
}

void
rulekeys_sandbox(struct rule *r, const struct kv *kv, size_t nkv,
    const char *file, struct rg_errlist *errs)
{
	struct ctx c = { .file = file, .errs = errs, .hide_defaults = true };
	size_t before = rg_errlist_nerrors(errs);

	sbx_defaults(&r->sbx);
	r->sbx.keep_descendants = false;
	for (size_t i = 0; i < nkv; i++) {
		const struct keydef *k = find_key(kv[i].key);

		if (k == NULL || !k->sandbox)
			rg_errlist_add(errs, 0, file, kv[i].line, "'%s' is not "
			    "a sandbox key", kv[i].key);
		else if (!k->multi && strchr(kv[i].value, '\n') != NULL)
			kerr(&c, &kv[i], "takes one line");
		else
			k->fn(r, &kv[i], &c);
	}
	check_mount_keys(r, &c);
	if ((r->sbx.ns & SBX_NS_MOUNT) && rg_errlist_nerrors(errs) == before)
		finish_mount_lists(r, &c);
	if (r->sbx.cwd == NULL && (r->sbx.cwd = strdup("/")) == NULL)
		rg_errlist_add(errs, 0, file, r->line, "out of memory");
}

void
rulekeys_build(struct rule *r, const struct kv *kv, size_t nkv,
    const char *file, struct loadcache *lc, struct rg_errlist *errs)
{
	struct ctx c = { .file = file, .lc = lc, .errs = errs,
	    .hide_defaults = true };
	size_t before = rg_errlist_nerrors(errs);
	char err[RG_ERR_MSGLEN - 64];

	sbx_defaults(&r->sbx);
	build_constraints(r, kv, nkv, &c);
	for (size_t i = 0; i < nkv; i++) {
		const struct keydef *k;

		if (is_placeholder_key(kv[i].key))
			continue;
		if ((k = find_key(kv[i].key)) == NULL) {
			rg_errlist_add(errs, 0, file, kv[i].line, "unknown key "
			    "'%s'", kv[i].key);
			continue;
		}
		if (!k->multi && strchr(kv[i].value, '\n') != NULL) {
			kerr(&c, &kv[i], "takes one line");
			continue;
		}
		if (k->sandbox && !c.sandbox_keys) {
			c.sandbox_keys = true;
			c.sandbox_keys_line = kv[i].line;
		}
		k->fn(r, &kv[i], &c);
	}
	if (!r->sbx.enabled && c.sandbox_keys)
		rg_errlist_add(errs, 0, file, c.sandbox_keys_line, "sandbox "
		    "keys in a rule with sandbox = off");
	check_mount_keys(r, &c);
	/* only a rule that loaded whole has constraints to derive from */
	if (r->sbx.enabled && (r->sbx.ns & SBX_NS_MOUNT) &&
	    rg_errlist_nerrors(errs) == before)
		finish_mount_lists(r, &c);
	if (r->exec == NULL && c.exec_kv == NULL)
		rg_errlist_add(errs, 0, file, r->line, "rule '%s' has no exec",
		    r->name);
	if (r->args_src == NULL)
		rg_errlist_add(errs, 0, file, r->line, "rule '%s' has no args "
		    "(write 'args =' for a command without arguments)",
		    r->name);
	else if (rg_errlist_nerrors(errs) == before &&
	    pattern_parse(r->args_src, r->cks, r->ncks, &r->pattern, err,
	    sizeof(err)) < 0)
		rg_errlist_add(errs, 0, file, c.args_kv ? c.args_kv->line :
		    r->line, "args: %s", err);
	else if (rg_errlist_nerrors(errs) == before)
		for (size_t i = 0; i < r->ncks; i++)
			if (!r->cks[i].used)
				rg_errlist_add(errs, 0, file, r->cks[i].line,
				    "<%s> is not used in args", r->cks[i].name);
	if (r->sbx.cwd == NULL && (r->sbx.cwd = strdup("/")) == NULL)
		rg_errlist_add(errs, 0, file, r->line, "out of memory");
	resolve_ids(r, &c);
	if (r->exec != NULL)
		check_exec(r, &c);
}
