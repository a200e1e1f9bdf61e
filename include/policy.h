/* SPDX-License-Identifier: ISC */
/*
 * policy.h - the policy model. Native filter files and oslo.rootwrap files
 * are both translated into these structures; after loading, a policy is
 * read-only and is only ever handled through `const struct policy *`.
 *
 * UNPRIVILEGED module: nothing here forks, executes or changes ids.
 */
#ifndef ROOTGATE_POLICY_H
#define ROOTGATE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct loadcache;
struct rg_errlist;
struct rx;

/* --- argument constraints ------------------------------------------- */

enum ck_kind {
	CK_ANY,		/* any byte string (flagged by check) */
	CK_REGEX,	/* PCRE2 full match */
	CK_PATH,	/* absolute path beneath a prefix */
	CK_INT,		/* canonical decimal integer in [min, max] */
	CK_SIZE,	/* decimal + optional unit suffix, bytes in [min, max] */
	CK_SET,		/* one of a list of words */
	CK_REALPATH,	/* rootwrap PathFilter: realpath (non-strict, from
			   the cwd) at or beneath a directory */
	CK_PROCEXE,	/* pid of a live process running a given program */
	CK_CHAIN,	/* this and every later argument: a command that a
			   leaf rule of the same run-as user allows */
};

/* Flags of any constraint */
#define CKF_DASH_OK	0x01u	/* the value may start with '-' */
#define CKF_NOT		0x02u	/* CK_SET: any word but these */
#define CKF_CANON_OUT	0x04u	/* CK_REALPATH: the command receives the
				   canonical path, not the argument */
#define CKF_UNSURE	0x08u	/* CK_REGEX: rootgate cannot evaluate the
				   pattern as its author's engine would; a
				   rule that fits with it stops the search
				   with a denial (never a guess) */

/* CK_PATH flags */
#define CKP_NEW		0x01u	/* last component may not exist yet */
#define CKP_DIR		0x02u	/* must be a directory (when it exists) */
#define CKP_FILE	0x04u	/* must be a regular file (when it exists) */
#define CKP_ALLOW_PREFIX 0x08u	/* the prefix itself is acceptable */

struct constraint {
	enum ck_kind kind;
	char *name;		/* placeholder name, without <> */
	char *src;		/* the constraint as written, for explain */
	unsigned line;		/* where it was defined */
	bool used;		/* referenced by the pattern (load check) */
	unsigned flags;		/* CKF_* */
	struct rx *rx_py;	/* CK_REGEX of a rootwrap filter: the pattern
				   + "$" anchored at the start only (Python's
				   re.match); where it matches and rx does
				   not, the value is CKV_UNSURE */
	union {
		struct rx *rx;
		struct {
			char *prefix;	/* lexically normalised, as written */
			unsigned flags;
		} path;
		struct {
			long long min, max;
		} num;
		struct {
			uint64_t min, max;	/* bytes */
			uint64_t unit;		/* multiplier of a bare number */
			char suffixes[16];	/* accepted suffix letters */
		} size;
		struct {
			char **words;
			size_t nwords;
		} set;
		struct {
			char *target;	/* absolute: that file; else a
					   basename in one of dirs */
			char **dirs;
			size_t ndirs;
		} proc;
	} u;
};

/* --- argument pattern ---------------------------------------------- */

enum pe_kind {
	PE_LITERAL,	/* exactly lit */
	PE_PARAM,	/* one argument checked by ck; never starts with '-' */
	PE_TEMPLATE,	/* lit + <ck> + suffix, in one argument */
	PE_SEQ,		/* kids in order */
	PE_UNORDERED,	/* each kid (a PE_SEQ) once, in any order */
};

/* struct pel flags */
#define PEF_CMD	0x01u	/* the command word: the final argv starts with the
			   rule's exec here; what precedes is environment */
#define PEF_ENV	0x02u	/* NAME=VALUE for the command's environment (set
			   when both are non-empty), not an argument */

struct pel {
	enum pe_kind kind;
	unsigned flags;		/* PEF_* */
	bool optional;		/* [ ... ]: may be absent */
	bool repeat;		/* ...: may occur again */
	char *lit;		/* LITERAL text, TEMPLATE prefix */
	char *suffix;		/* TEMPLATE suffix ("" if none) */
	const struct constraint *ck;	/* PARAM, TEMPLATE */
	struct pel *kids;	/* SEQ, UNORDERED */
	size_t nkids;
};

/* --- sandbox profile (enforced by sandbox/, validated here) -------- */

#define SBX_NS_MOUNT	0x01u
#define SBX_NS_PID	0x02u
#define SBX_NS_IPC	0x04u
#define SBX_NS_UTS	0x08u
#define SBX_NS_NET	0x10u
#define SBX_NS_CGROUP	0x20u
#define SBX_NS_DEFAULT	(SBX_NS_MOUNT | SBX_NS_PID | SBX_NS_IPC | SBX_NS_UTS)

enum sbx_rlimit_id {
	SBX_RL_AS, SBX_RL_CPU, SBX_RL_FSIZE, SBX_RL_NOFILE, SBX_RL_NPROC,
	SBX_RL_CORE, SBX_RL_COUNT
};

struct sbx_rlimit {
	bool set;
	uint64_t value;		/* soft = hard = value */
};

enum sbx_seccomp_mode {
	SBX_SECCOMP_DEFAULT,	/* the built-in deny list, plus adjustments */
	SBX_SECCOMP_OFF,	/* no filter (flagged by check) */
};

struct sbx_profile {
	bool enabled;		/* false: run as rootwrap would, unconfined */
	bool keep_descendants;	/* rootwrap compatibility (with !enabled):
				   no signal forwarding, no new session, no
				   parent-death signal, and what the command
				   leaves running when it exits outlives the
				   run (never killed, reaped or isolated) */
	unsigned ns;		/* SBX_NS_* */
	struct sbx_rlimit rl[SBX_RL_COUNT];
	uint64_t caps;		/* bit n = capability n kept */
	enum sbx_seccomp_mode seccomp;
	char **sc_allow;	/* syscall names removed from the deny list */
	size_t nsc_allow;
	char **sc_deny;		/* syscall names added to the deny list */
	size_t nsc_deny;
	unsigned timeout_ms;	/* 0 = none */
	unsigned grace_ms;	/* SIGTERM to SIGKILL */
	char **writable;	/* absolute paths left writable */
	size_t nwritable;
	char **hidden;		/* absolute paths masked */
	size_t nhidden;
	bool private_tmp;
	bool host_devices;	/* false: a minimal /dev, nodev elsewhere */
	char **nofollow;	/* mounted nosymfollow: the directories the
				   rule's path arguments point into */
	size_t nnofollow;
	char *cwd;		/* absolute */
	mode_t umask;
	uint64_t mem_max;	/* cgroup memory.max, 0 = unset */
	uint64_t pids_max;	/* cgroup pids.max, 0 = unset */
};

/* --- environment policy --------------------------------------------- */

struct envpolicy {
	char **keep;		/* names passed through from the caller */
	size_t nkeep;
	char **set;		/* "NAME=value", set by the rule */
	size_t nset;
};

/* --- rules and the policy ------------------------------------------- */

enum rule_origin { RO_NATIVE, RO_ROOTWRAP };

struct rule {
	char *name;
	char *file;		/* source file as given to the loader */
	unsigned line;		/* line of the section header */
	enum rule_origin origin;
	char *exec;		/* absolute path as written */
	char *exec_real;	/* canonical path, checked at load */
	char *cmdname;		/* basename of exec */
	char *user;		/* run-as user name */
	uid_t uid;
	char *group;		/* run-as group name */
	gid_t gid;
	char *args_src;		/* the args pattern as written */
	struct pel pattern;	/* a PE_SEQ */
	struct constraint *cks;
	size_t ncks;
	char **caller_users;	/* may use the rule through the broker */
	size_t ncaller_users;
	char **caller_groups;
	size_t ncaller_groups;
	struct envpolicy env;
	struct sbx_profile sbx;
	char *description;	/* free text for list/explain, may be NULL */
	char **accept;		/* "lint-id: reason", risks the author took */
	size_t naccept;
	bool optional;		/* the executable may be absent on this host */
	bool inactive;		/* ... and is: real runs exit 96 */
	/*
	 * Translated rules (oslo.rootwrap) use these; native rules leave
	 * them zero and keep their behaviour.
	 */
	bool cmd_in_pattern;	/* the pattern starts at argv[0] */
	bool is_chain;		/* the pattern ends in a CK_CHAIN */
	char *strip_word;	/* when this rule is tried, a leading argv word
				   equal to it is removed, for this rule and
				   every later one (rootwrap's EnvFilter) */
	bool env_passthrough;	/* the command gets the caller's whole
				   environment (sudo has reset it) */
	char *exec_src;		/* the executable as the filter wrote it */
	char *unusable;		/* non-NULL: a fit denies with this reason
				   (e.g. an unknown run-as user) */
};

struct policy_index;

/* rootgated's settings, rootgate.conf [rootgate] keys (conf.c); zero or
 * "" means the daemon's default. Fixed-size: nothing to free. */
struct broker_conf {
	char socket[108];		/* socket: its path (sun_path) */
	char socket_group[64];		/* socket-group: group owning it */
	unsigned socket_mode;		/* socket-mode: 0 = 0660 */
	unsigned max_children;		/* max-children: running at once */
	unsigned max_per_caller;	/* max-children-per-caller: per uid */
	unsigned max_conns_per_caller;	/* max-connections-per-caller: open
					   connections per uid */
	unsigned idle_timeout_ms;	/* idle-timeout: a connection with no
					   request under way is closed */
	unsigned request_timeout_ms;	/* request-timeout: a request must
					   arrive whole within it */
	unsigned shutdown_timeout_ms;	/* shutdown-timeout: on SIGTERM,
					   children get this long */
	bool no_prepared;		/* prepared-inits = no */
};

struct policy {
	struct rule *rules;	/* in decision order */
	size_t nrules;
	size_t rules_cap;	/* slots allocated (policy_rules_room) */
	struct policy_index *index;	/* command name -> rule indices */
	struct loadcache *loading;	/* look-ups while loading, then NULL */
	char *confdir;
	char *audit_log;	/* JSON-lines audit file, NULL = none */
	bool use_syslog;
	struct broker_conf broker;	/* rootgated only */
	bool linear;		/* some rule has cmd_in_pattern or strip_word:
				   every rule is tried in order (policy_finish) */
	bool needs_groups;	/* some rule names %group callers: a decision
				   needs the caller's groups (policy_finish) */
	char *cache_dir;	/* policy-cache: where the cache lives (NULL:
				   the default, RG_CACHEDIR) */
	bool cache_off;		/* policy-cache = no */
	bool partial;		/* only the rules that can decide one command
				   (policy_load_confdir_for, from the cache):
				   for that decision, never for list/explain */
};

/* Load options */
struct policy_opts {
	bool skip_file_safety;	/* tests of the parser only; never in programs */
	bool jit;		/* JIT-compile regexes (long-lived processes) */
};

/*
 * Load a configuration directory: CONFDIR/rootgate.conf (optional) and
 * every CONFDIR/filters.d/ *.conf. Returns a new policy, or NULL with
 * every problem appended to *errs (nothing is partially loaded).
 */
struct policy *policy_load_confdir(const char *confdir,
    const struct policy_opts *opts, struct rg_errlist *errs);

/*
 * Load CONFDIR to decide one command, argv[0] = cmd: as
 * policy_load_confdir, but where the policy cache (pcache.h) of CONFDIR
 * is current, only the rules the index would try for cmd are parsed (and
 * p->partial is set); where it is not, the whole policy is loaded and,
 * when running as root, the cache written anew. cmd NULL: no cache.
 */
struct policy *policy_load_confdir_for(const char *confdir, const char *cmd,
    const struct policy_opts *opts, struct rg_errlist *errs);

/*
 * Load filter files and/or directories of filter files (PATH...). Same
 * ownership and error semantics as policy_load_confdir.
 */
struct policy *policy_load_paths(const char *const *paths, size_t npaths,
    const struct policy_opts *opts, struct rg_errlist *errs);

/*
 * Parse one native filter file from a stream (named `file` in messages)
 * and append its rules to *p. Returns 0, or -1 with errors in *errs.
 * Used by the loaders above and by the unit tests through fmemopen.
 */
int policy_parse_native(struct policy *p, FILE *fp, const char *file,
    const struct policy_opts *opts, struct rg_errlist *errs);

/* The same over a text already read: buf (len bytes, NUL-terminated) is
 * lines line0 + 1, ... of `file` (ini_src_parse_buf). */
int policy_parse_native_buf(struct policy *p, const char *buf, size_t len,
    unsigned line0, const char *file, const struct policy_opts *opts,
    struct rg_errlist *errs);

/*
 * Make room in p->rules for at least `more` rules after the current
 * ones (a loader that knows how many sections follow asks once, so the
 * array is not copied as it grows). Returns 0, or -1 on allocation
 * failure (p unchanged).
 */
int policy_rules_room(struct policy *p, size_t more);

/* Build the command index and cross-rule checks; call after parsing. */
int policy_finish(struct policy *p, struct rg_errlist *errs);

struct policy *policy_new(void);

/* Release everything a rule owns (not the struct itself). */
void policy_rule_clear(struct rule *r);
void policy_free(struct policy *p);

/*
 * The rule indices (into p->rules, ascending) whose command is `cmd`
 * (an absolute path or a bare command name). *n is 0 when none.
 */
const size_t *policy_lookup(const struct policy *p, const char *cmd,
    size_t *n);

/*
 * Lint warnings for rule r (over-broad constraints, no sandbox, ...),
 * each with an id (LINT_IDS); one the rule lists in `accept` is added as a
 * note instead. Unknown ids in `accept` are load errors.
 */
#define LINT_IDS "any-argument overbroad-regex path-anywhere no-sandbox " \
	"no-seccomp root-capabilities not-writable not-visible writable-root"
bool policy_lint_id_known(const char *id);
void policy_lint_rule(const struct rule *r, struct rg_errlist *warns);

/* Human text of a constraint ("path beneath /x (may not exist)") */
void constraint_describe(const struct constraint *ck, char *buf, size_t len);

#endif
