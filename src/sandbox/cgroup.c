/* SPDX-License-Identifier: ISC */
/*
 * cgroup.c - a per-run cgroup v2 group for memory.max and pids.max.
 *
 * Detected at run time, every run: the cgroup2 mount from
 * /proc/self/mountinfo, our own group from /proc/self/cgroup, and the
 * controllers enabled for its children in cgroup.subtree_control (that
 * is what "delegated" means to us: we may create a child group with the
 * controller). When a limit cannot be applied the run goes on and the
 * caller gets a warning saying which limit and why - never a silent
 * skip. On a v1/v2 hybrid (memory and pids on v1, v2 with only hugetlb)
 * that warning is expected; v1 is not supported.
 * The child is placed in the group by clone3(CLONE_INTO_CGROUP), so it
 * is inside before its first instruction; the group is removed after the
 * tree is reaped. A limit that cannot be written fails the run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "policy.h"
#include "sandbox.h"
#include "sbx_steps.h"

static unsigned long runseq;

/* The first cgroup2 mount point; 0 if none. */
static int
v2_mount(char *buf, size_t len)
{
	char line[1024], mnt[512], fstype[64];
	FILE *fp = fopen("/proc/self/mountinfo", "re");
	int found = 0;

	if (fp == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		const char *sep = strstr(line, " - ");

		if (sep == NULL || sscanf(sep, " - %63s", fstype) != 1 ||
		    strcmp(fstype, "cgroup2") != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1 &&
		    strchr(mnt, '\\') == NULL &&
		    (size_t)snprintf(buf, len, "%s", mnt) < len)
			found = 1;
	}
	fclose(fp);
	return found;
}

/* Our own v2 group ("0::/path"); 0 if none. */
static int
own_group(char *buf, size_t len)
{
	char line[1024];
	FILE *fp = fopen("/proc/self/cgroup", "re");
	int found = 0;

	if (fp == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		found = (size_t)snprintf(buf, len, "%s", line + 3) < len;
	}
	fclose(fp);
	return found;
}

static int
has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return 1;
	return 0;
}

static int
write_file(const char *dir, const char *name, uint64_t v)
{
	char path[600], val[32];
	int fd, n, rc, e;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	n = snprintf(val, sizeof(val), "%" PRIu64, v);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = write(fd, val, (size_t)n) == n ? 0 : -1;
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

static void
addwarn(char *warn, size_t len, const char *msg)
{
	size_t used = strlen(warn);

	snprintf(warn + used, len - used, "%s%s", used ? "; " : "", msg);
}

/* Which limits can be applied below parent; warn for the others. */
static void
usable(const struct sbx_profile *sbx, const char *parent, int *mem,
    int *pids, char *warn, size_t len)
{
	char path[600], ctl[512] = "";
	int fd;
	ssize_t n;

	if ((size_t)snprintf(path, sizeof(path), "%s/cgroup.subtree_control",
	    parent) >= sizeof(path))
		fd = -1;	/* too long: treated as not delegated */
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, ctl, sizeof(ctl) - 1);
		ctl[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	*mem = sbx->mem_max && has_word(ctl, "memory") &&
	    access(parent, W_OK) == 0;
	*pids = sbx->pids_max && has_word(ctl, "pids") &&
	    access(parent, W_OK) == 0;
	if (sbx->mem_max && !*mem)
		addwarn(warn, len, "cgroup v2 memory controller not "
		    "delegated here: memory.max not applied");
	if (sbx->pids_max && !*pids)
		addwarn(warn, len, "cgroup v2 pids controller not "
		    "delegated here: pids.max not applied");
}

int
sbx_cgroup_create(const struct sbx_profile *sbx, struct sbx_prepared *p,
    char *warn, size_t warnlen, struct rg_err *err)
{
	char mnt[256], own[256], parent[512];
	int mem, pids, e;

	p->cgroup_fd = -1;
	p->cgroup_path[0] = '\0';
	if (!sbx->enabled || (sbx->mem_max == 0 && sbx->pids_max == 0))
		return 0;
	if (!v2_mount(mnt, sizeof(mnt)) || !own_group(own, sizeof(own))) {
		addwarn(warn, warnlen, "no cgroup v2 hierarchy: memory.max "
		    "and pids.max not applied");
		return 0;
	}
	if ((size_t)snprintf(parent, sizeof(parent), "%s%s", mnt,
	    strcmp(own, "/") == 0 ? "" : own) >= sizeof(parent))
		return rg_err_set(err, mnt, 0, ENAMETOOLONG,
		    "cgroup path too long");
	usable(sbx, parent, &mem, &pids, warn, warnlen);
	if (!mem && !pids)
		return 0;
	if ((size_t)snprintf(p->cgroup_path, sizeof(p->cgroup_path),
	    "%s/rootgate.%ld.%lu", parent, (long)getpid(), runseq++) >=
	    sizeof(p->cgroup_path) || mkdir(p->cgroup_path, 0700) < 0) {
		e = errno;
		p->cgroup_path[0] = '\0';
		return rg_err_set(err, parent, 0, e, "unable to create cgroup");
	}
	if ((mem && write_file(p->cgroup_path, "memory.max",
	    sbx->mem_max) < 0) ||
	    (pids && write_file(p->cgroup_path, "pids.max",
	    sbx->pids_max) < 0) ||
	    (p->cgroup_fd = open(p->cgroup_path, O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) < 0) {
		e = errno;
		rg_err_set(err, p->cgroup_path, 0, e,
		    "unable to set cgroup limits");
		sbx_cgroup_remove(p);
		return -1;
	}
	return 0;
}

void
sbx_cgroup_remove(struct sbx_prepared *p)
{
	if (p->cgroup_fd >= 0)
		close(p->cgroup_fd);
	p->cgroup_fd = -1;
	if (p->cgroup_path[0] == '\0')
		return;
	/* The tree is reaped by now; cgroup.kill (5.14+) is a backstop for
	 * anything that escaped it. Best effort: the group is empty or
	 * rmdir says EBUSY, and there is nothing more we could do. */
	(void)write_file(p->cgroup_path, "cgroup.kill", 1);
	(void)rmdir(p->cgroup_path);
	p->cgroup_path[0] = '\0';
}
