/* SPDX-License-Identifier: ISC */
/*
 * constraint.c - one argument against one constraint.
 *
 * Invariants:
 * 1. A constraint accepts only spellings whose meaning to the target tool
 *    is unambiguous: canonical decimal numbers (size.h), absolute paths
 *    resolved as the kernel resolves them (pathcanon.h), full-match
 *    regexes (rx.h), exact words.
 * 2. Anything not understood is refused, with a reason naming the argument
 *    (escaped) and the constraint.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "constraint.h"
#include "loadcache.h"
#include "pathcanon.h"
#include "policy.h"
#include "rwpath.h"
#include "rx.h"
#include "size.h"
#include "strv.h"

#define ESC_MAX 64	/* argument bytes quoted in a reason */

void
constraint_escape(const char *arg, size_t maxin, char *buf, size_t len)
{
	size_t o = 0, i;

	if (len == 0)
		return;
	for (i = 0; i < maxin && arg[i] != '\0'; i++) {
		unsigned char c = (unsigned char)arg[i];
		char tmp[5];
		size_t tl;

		if (c == '\n')
			memcpy(tmp, "\\n", tl = 2);
		else if (c == '\t')
			memcpy(tmp, "\\t", tl = 2);
		else if (c == '\\' || c == '\'')
			tl = (size_t)snprintf(tmp, sizeof(tmp), "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			tl = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x", c);
		else {
			tmp[0] = (char)c;
			tl = 1;
		}
		if (o + tl + 4 >= len)
			break;
		memcpy(buf + o, tmp, tl);
		o += tl;
	}
	if (arg[i] != '\0' && o + 4 <= len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

/* "MIN..MAX" with a parser for each bound */
static int
split_range(const char *s, char *lo, char *hi, size_t len)
{
	const char *dots = strstr(s, "..");
	size_t n;

	if (dots == NULL)
		return -1;
	n = (size_t)(dots - s);
	if (n == 0 || n >= len || strlen(dots + 2) == 0 ||
	    strlen(dots + 2) >= len)
		return -1;
	memcpy(lo, s, n);
	lo[n] = '\0';
	strlcpy(hi, dots + 2, len);
	return 0;
}

static int
parse_path(struct constraint *ck, char **w, size_t nw, char *err,
    size_t errlen)
{
	char norm[PATH_MAX];
	enum pc_result r;

	if (nw < 2)
		return snprintf(err, errlen, "path needs a prefix"), -1;
	if ((r = pathcanon_lexical(w[1], norm, sizeof(norm))) != PC_OK)
		return snprintf(err, errlen, "bad path prefix '%s': %s", w[1],
		    pathcanon_strerror(r)), -1;
	for (size_t i = 2; i < nw; i++) {
		if (strcmp(w[i], "new") == 0)
			ck->u.path.flags |= CKP_NEW;
		else if (strcmp(w[i], "dir") == 0)
			ck->u.path.flags |= CKP_DIR;
		else if (strcmp(w[i], "file") == 0)
			ck->u.path.flags |= CKP_FILE;
		else if (strcmp(w[i], "prefix-ok") == 0)
			ck->u.path.flags |= CKP_ALLOW_PREFIX;
		else
			return snprintf(err, errlen, "unknown path option '%s' "
			    "(new, file, dir, prefix-ok)", w[i]), -1;
	}
	if ((ck->u.path.flags & (CKP_DIR | CKP_FILE)) == (CKP_DIR | CKP_FILE))
		return snprintf(err, errlen, "path cannot be both file and "
		    "dir"), -1;
	if ((ck->u.path.prefix = strdup(norm)) == NULL)
		return snprintf(err, errlen, "out of memory"), -1;
	return 0;
}

static int
parse_int(struct constraint *ck, char **w, size_t nw, char *err, size_t errlen)
{
	char lo[32], hi[32];

	if (nw != 2 || split_range(w[1], lo, hi, sizeof(lo)) < 0)
		return snprintf(err, errlen, "int needs MIN..MAX"), -1;
	if (size_parse_int(lo, &ck->u.num.min) != SZ_OK ||
	    size_parse_int(hi, &ck->u.num.max) != SZ_OK)
		return snprintf(err, errlen, "bad int range '%s'", w[1]), -1;
	if (ck->u.num.min > ck->u.num.max)
		return snprintf(err, errlen, "empty int range '%s'", w[1]), -1;
	return 0;
}

static int
parse_size(struct constraint *ck, char **w, size_t nw, char *err,
    size_t errlen)
{
	char lo[32], hi[32];

	ck->u.size.unit = 1;
	strlcpy(ck->u.size.suffixes, "KMGT", sizeof(ck->u.size.suffixes));
	if (nw < 2 || split_range(w[1], lo, hi, sizeof(lo)) < 0)
		return snprintf(err, errlen, "size needs MIN..MAX"), -1;
	if (size_parse_bound(lo, &ck->u.size.min) != SZ_OK ||
	    size_parse_bound(hi, &ck->u.size.max) != SZ_OK)
		return snprintf(err, errlen, "bad size range '%s'", w[1]), -1;
	if (ck->u.size.min > ck->u.size.max)
		return snprintf(err, errlen, "empty size range '%s'", w[1]), -1;
	for (size_t i = 2; i < nw; i++) {
		if (strncmp(w[i], "unit=", 5) == 0) {
			char u[32];

			/* "unit=M" is read as 1M */
			snprintf(u, sizeof(u), "%s%s", isalpha((unsigned char)
			    w[i][5]) ? "1" : "", w[i] + 5);
			if (size_parse_bound(u, &ck->u.size.unit) != SZ_OK ||
			    ck->u.size.unit == 0)
				return snprintf(err, errlen, "bad unit '%s'",
				    w[i] + 5), -1;
		} else if (strncmp(w[i], "suffixes=", 9) == 0) {
			const char *s = w[i] + 9;

			if (strlen(s) >= sizeof(ck->u.size.suffixes) ||
			    strspn(s, "KMGTPEkmgtpeBb") != strlen(s))
				return snprintf(err, errlen, "bad suffixes '%s' "
				    "(letters of KMGTPE or b, either case)", s),
				    -1;
			strlcpy(ck->u.size.suffixes, s,
			    sizeof(ck->u.size.suffixes));
		} else
			return snprintf(err, errlen, "unknown size option '%s' "
			    "(unit=, suffixes=)", w[i]), -1;
	}
	return 0;
}

static int
parse_words(struct constraint *ck, const char *spec, char *err, size_t errlen)
{
	char **w = NULL;
	size_t nw = 0;
	int rc = -1;

	if (strv_split_words(&w, &nw, spec) < 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (nw == 0) {
		snprintf(err, errlen, "empty constraint");
		goto out;
	}
	if (strcmp(w[0], "any") == 0 && nw == 1) {
		ck->kind = CK_ANY;
		rc = 0;
	} else if (strcmp(w[0], "any") == 0) {
		snprintf(err, errlen, "any takes no options");
	} else if (strcmp(w[0], "path") == 0) {
		ck->kind = CK_PATH;
		rc = parse_path(ck, w, nw, err, errlen);
	} else if (strcmp(w[0], "int") == 0) {
		ck->kind = CK_INT;
		rc = parse_int(ck, w, nw, err, errlen);
	} else if (strcmp(w[0], "size") == 0) {
		ck->kind = CK_SIZE;
		rc = parse_size(ck, w, nw, err, errlen);
	} else if (strcmp(w[0], "set") == 0) {
		ck->kind = CK_SET;
		if (nw < 2) {
			snprintf(err, errlen, "set needs at least one word");
			goto out;
		}
		free(w[0]);
		memmove(w, w + 1, nw * sizeof(*w));	/* keeps the NULL */
		ck->u.set.words = w;
		ck->u.set.nwords = nw - 1;
		return 0;
	} else {
		snprintf(err, errlen, "unknown constraint type '%s' (path, "
		    "regex, int, size, set, any)", w[0]);
	}
out:
	strv_free(w, nw);
	return rc;
}

int
constraint_parse(struct constraint *ck, const char *spec, unsigned rx_flags,
    char *err, size_t errlen)
{
	return constraint_parse_lc(ck, spec, NULL, rx_flags, err, errlen);
}

int
constraint_parse_lc(struct constraint *ck, const char *spec,
    struct loadcache *lc, unsigned rx_flags, char *err, size_t errlen)
{
	const char *p = spec + strspn(spec, " \t");

	if ((ck->src = strdup(p)) == NULL)
		return snprintf(err, errlen, "out of memory"), -1;
	if (strncmp(p, "regex", 5) == 0 && (p[5] == ' ' || p[5] == '\t')) {
		char rerr[200];

		p += 5 + strspn(p + 5, " \t");
		ck->kind = CK_REGEX;
		if ((ck->u.rx = loadcache_rx(lc, p, rx_flags, rerr,
		    sizeof(rerr))) == NULL)
			return snprintf(err, errlen, "bad regex '%s': %s", p,
			    rerr), -1;
		return 0;
	}
	if (strcmp(p, "regex") == 0)
		return snprintf(err, errlen, "regex needs a pattern"), -1;
	return parse_words(ck, p, err, errlen);
}

static bool
check_path(const struct constraint *ck, const char *arg, const char *q,
    char *why, size_t whylen)
{
	char real[PATH_MAX], rprefix[PATH_MAX];
	unsigned fl = ck->u.path.flags;
	enum pc_result r;
	bool exists;
	struct stat st;

	if (realpath(ck->u.path.prefix, rprefix) == NULL)
		return snprintf(why, whylen, "'%s': the directory %s does not "
		    "exist", q, ck->u.path.prefix), false;
	r = pathcanon_resolve(arg, (fl & CKP_NEW) != 0, real, sizeof(real),
	    &exists);
	if (r != PC_OK)
		return snprintf(why, whylen, "'%s': %s", q,
		    pathcanon_strerror(r)), false;
	if (!pathcanon_beneath(real, rprefix, (fl & CKP_ALLOW_PREFIX) != 0))
		return snprintf(why, whylen, "'%s' is not beneath %s", q,
		    ck->u.path.prefix), false;
	if (exists && (fl & (CKP_DIR | CKP_FILE)) != 0) {
		if (stat(real, &st) < 0)
			return snprintf(why, whylen, "'%s': cannot be examined",
			    q), false;
		if ((fl & CKP_DIR) && !S_ISDIR(st.st_mode))
			return snprintf(why, whylen, "'%s' is not a directory",
			    q), false;
		if ((fl & CKP_FILE) && !S_ISREG(st.st_mode))
			return snprintf(why, whylen, "'%s' is not a regular "
			    "file", q), false;
	}
	return true;
}

static bool
check_size(const struct constraint *ck, const char *arg, const char *q,
    char *why, size_t whylen)
{
	uint64_t b;
	enum sz_result r;
	char lo[32], hi[32];

	r = size_parse_arg(arg, ck->u.size.suffixes, ck->u.size.unit, &b);
	if (r != SZ_OK)
		return snprintf(why, whylen, "'%s' is not a size: %s", q,
		    size_strerror(r)), false;
	if (b < ck->u.size.min || b > ck->u.size.max) {
		size_format(ck->u.size.min, lo, sizeof(lo));
		size_format(ck->u.size.max, hi, sizeof(hi));
		return snprintf(why, whylen, "'%s' is outside %s..%s bytes", q,
		    lo, hi), false;
	}
	return true;
}

/*
 * oslo.rootwrap's PathFilter: V = realpath(arg) as Python computes it; the
 * prefix as written must be a character prefix of V (so "/base/" still
 * refuses "/base") AND V must be the prefix or beneath it component by
 * component (so "/base_evil" is refused for "/base", where rootwrap's
 * os.path.commonprefix accepts it).
 */
static enum ck_verdict
check_realpath(const struct constraint *ck, const char *arg, const char *q,
    char *why, size_t whylen)
{
	const char *b = ck->u.path.prefix;
	char real[PATH_MAX];

	if (rwpath_realpath(arg, real, sizeof(real)) < 0)
		return snprintf(why, whylen, "'%s': unable to resolve", q),
		    CKV_FAIL;
	if (strncmp(real, b, strlen(b)) != 0)
		return snprintf(why, whylen, "'%s' is not beneath %s", q, b),
		    CKV_FAIL;
	/* oslo.rootwrap would accept it: refuse, and stop the search */
	if (!pathcanon_beneath(real, b, true))
		return snprintf(why, whylen, "'%s' (%s) only shares a "
		    "character prefix with %s", q, real, b), CKV_UNSURE;
	return CKV_PASS;
}

/* Digits or non-ASCII: Python's int() might read it ("+12", "1_2", "١٢") */
static bool
python_int_maybe(const char *s)
{
	for (; *s; s++)
		if ((*s >= '0' && *s <= '9') || (unsigned char)*s >= 0x80)
			return true;
	return false;
}

/*
 * oslo.rootwrap's KillFilter: the program of a live process, from
 * /proc/PID/exe, must be the target (absolute), or have the target as its
 * basename and a directory among ck->u.proc.dirs (rootwrap's PATH). A
 * deleted executable is judged by rootwrap from the process's own,
 * spoofable, argv[0]: unsure, so refused.
 */
static enum ck_verdict
check_procexe(const struct constraint *ck, const char *arg, const char *q,
    char *why, size_t whylen)
{
	const char *t = ck->u.proc.target, *base;
	char link[64], prog[PATH_MAX + 1];
	long long pid;
	struct stat st;
	ssize_t n;
	size_t pl;

	if (size_parse_int(arg, &pid) != SZ_OK || pid < 1) {
		snprintf(why, whylen, "'%s' is not a process id", q);
		return python_int_maybe(arg) ? CKV_UNSURE : CKV_FAIL;
	}
	snprintf(link, sizeof(link), "/proc/%lld/exe", pid);
	if ((n = readlink(link, prog, sizeof(prog) - 1)) < 0)
		return snprintf(why, whylen, "'%s': no such process, or its "
		    "program is unknown", q), CKV_FAIL;
	prog[n] = '\0';
	pl = strlen(prog);
	if (pl > 10 && strcmp(prog + pl - 10, " (deleted)") == 0)
		prog[pl - 10] = '\0';
	if (stat(prog, &st) < 0 || !S_ISREG(st.st_mode))
		return snprintf(why, whylen, "'%s': the program of the process "
		    "was deleted", q), CKV_UNSURE;
	if (t[0] == '/') {
		if (strcmp(t, prog) == 0)
			return CKV_PASS;
	} else if (prog[0] == '/' && strcmp(base = strrchr(prog, '/') + 1,
	    t) == 0) {
		size_t dl = (size_t)(base - prog) - 1;
		char dir[PATH_MAX];

		memcpy(dir, prog, dl);
		dir[dl] = '\0';
		if (dl == 0)
			strlcpy(dir, "/", sizeof(dir));
		if (strv_find(ck->u.proc.dirs, ck->u.proc.ndirs, dir) >= 0)
			return CKV_PASS;
	}
	return snprintf(why, whylen, "'%s' runs %s, not %s", q, prog, t),
	    CKV_FAIL;
}

enum ck_verdict
constraint_eval(const struct constraint *ck, const char *arg, char *why,
    size_t whylen)
{
	char q[4 * ESC_MAX + 8];
	long long v;
	enum sz_result sr;

	constraint_escape(arg, ESC_MAX, q, sizeof(q));
	switch (ck->kind) {
	case CK_ANY:
		return CKV_PASS;
	case CK_REGEX:
		if (ck->u.rx == NULL) {
			/* rootwrap.c: a pattern rootgate cannot read as Python */
			snprintf(why, whylen, "'%s': /%s/ is not evaluated "
			    "as its author's engine would", q, ck->src);
			return (ck->flags & CKF_UNSURE) ? CKV_UNSURE : CKV_FAIL;
		}
		switch (rx_match(ck->u.rx, arg, strlen(arg))) {
		case RX_MATCH:
			if (ck->flags & CKF_UNSURE) {
				snprintf(why, whylen, "'%s': /%s/ is not evaluated "
				    "as its author's engine would", q,
				    rx_pattern(ck->u.rx));
				return CKV_UNSURE;
			}
			return CKV_PASS;
		case RX_LIMIT:
			snprintf(why, whylen, "'%s': regex match limit reached",
			    q);
			return CKV_FAIL;
		case RX_BADUTF:
			snprintf(why, whylen, "'%s' is not valid UTF-8", q);
			return CKV_FAIL;
		case RX_NOMATCH:
			if (ck->rx_py != NULL && rx_match(ck->rx_py, arg,
			    strlen(arg)) == RX_MATCH) {
				/* oslo.rootwrap's re.match(p + "$") would */
				snprintf(why, whylen, "'%s' matches /%s/ only "
				    "as rootwrap anchors it (p + \"$\")", q,
				    rx_pattern(ck->u.rx));
				return CKV_UNSURE;
			}
			/* FALLTHROUGH */
		case RX_ERROR:
		default:
			snprintf(why, whylen, "'%s' does not match /%s/", q,
			    rx_pattern(ck->u.rx));
			return CKV_FAIL;
		}
	case CK_PATH:
		return check_path(ck, arg, q, why, whylen) ? CKV_PASS :
		    CKV_FAIL;
	case CK_REALPATH:
		return check_realpath(ck, arg, q, why, whylen);
	case CK_PROCEXE:
		return check_procexe(ck, arg, q, why, whylen);
	case CK_CHAIN:
		snprintf(why, whylen, "internal: a chained command is not one "
		    "argument");
		return CKV_FAIL;
	case CK_INT:
		if ((sr = size_parse_int(arg, &v)) != SZ_OK)
			return snprintf(why, whylen, "'%s' is not an integer: "
			    "%s", q, size_strerror(sr)), CKV_FAIL;
		if (v < ck->u.num.min || v > ck->u.num.max)
			return snprintf(why, whylen, "'%s' is outside %lld..%lld",
			    q, ck->u.num.min, ck->u.num.max), CKV_FAIL;
		return CKV_PASS;
	case CK_SIZE:
		return check_size(ck, arg, q, why, whylen) ? CKV_PASS :
		    CKV_FAIL;
	case CK_SET:
		if ((strv_find(ck->u.set.words, ck->u.set.nwords, arg) >= 0) ==
		    !(ck->flags & CKF_NOT))
			return CKV_PASS;
		snprintf(why, whylen, "'%s' is %sone of: %s", q,
		    (ck->flags & CKF_NOT) ? "" : "not ", ck->src + 4);
		return CKV_FAIL;
	default:
		snprintf(why, whylen, "internal: unknown constraint");
		return CKV_FAIL;
	}
}

bool
constraint_check(const struct constraint *ck, const char *arg, char *why,
    size_t whylen)
{
	return constraint_eval(ck, arg, why, whylen) == CKV_PASS;
}

int
constraint_canon(const struct constraint *ck, const char *arg, char *out,
    size_t outlen)
{
	if (ck->kind != CK_REALPATH)
		return -1;
	return rwpath_realpath(arg, out, outlen);
}


void
constraint_clear(struct constraint *ck)
{
	switch (ck->kind) {
	case CK_REGEX:
		rx_free(ck->u.rx);
		rx_free(ck->rx_py);
		break;
	case CK_PATH:
	case CK_REALPATH:
		free(ck->u.path.prefix);
		break;
	case CK_SET:
		strv_free(ck->u.set.words, ck->u.set.nwords);
		break;
	case CK_PROCEXE:
		free(ck->u.proc.target);
		strv_free(ck->u.proc.dirs, ck->u.proc.ndirs);
		break;
	case CK_ANY:
	case CK_INT:
	case CK_SIZE:
	case CK_CHAIN:
	default:
		break;
	}
	free(ck->name);
	free(ck->src);
	memset(ck, 0, sizeof(*ck));
}

void
constraint_describe(const struct constraint *ck, char *buf, size_t len)
{
	char lo[32], hi[32];

	switch (ck->kind) {
	case CK_PATH:
		snprintf(buf, len, "path beneath %s%s%s%s%s", ck->u.path.prefix,
		    (ck->u.path.flags & CKP_NEW) ? ", may be new" : "",
		    (ck->u.path.flags & CKP_FILE) ? ", a file" : "",
		    (ck->u.path.flags & CKP_DIR) ? ", a directory" : "",
		    (ck->u.path.flags & CKP_ALLOW_PREFIX) ? ", or the "
		    "directory itself" : "");
		break;
	case CK_SIZE:
		size_format(ck->u.size.min, lo, sizeof(lo));
		size_format(ck->u.size.max, hi, sizeof(hi));
		snprintf(buf, len, "size %s..%s bytes (suffixes %s%s)", lo, hi,
		    ck->u.size.suffixes[0] ? ck->u.size.suffixes : "none",
		    ck->u.size.unit != 1 ? ", bare number in units" : "");
		break;
	case CK_ANY:
		snprintf(buf, len, "ANY argument");
		break;
	case CK_REALPATH:
		snprintf(buf, len, "path (realpath, from the cwd) at or "
		    "beneath %s", ck->u.path.prefix);
		break;
	case CK_PROCEXE:
		snprintf(buf, len, "pid of a process running %s%s",
		    ck->u.proc.target, ck->u.proc.target[0] == '/' ? "" :
		    " from a directory of PATH");
		break;
	case CK_CHAIN:
		snprintf(buf, len, "a command another rule allows, as the "
		    "same user");
		break;
	case CK_REGEX:
	case CK_INT:
	case CK_SET:
	default:
		snprintf(buf, len, "%s", ck->src);
		break;
	}
}
