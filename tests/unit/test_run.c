/* SPDX-License-Identifier: ISC */
/*
 * test_run.c - run_command() end to end, proven from inside the child by
 * rg-probe (tests/helpers/probe.c, linked into this runner and started
 * under that name from a root-owned copy).
 *
 * These tests need root. Without it they print a skip line; under
 * CI=true a missing prerequisite is a failure, never a pass.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <check.h>
#include <seccomp.h>

#include "diag.h"
#include "execfd.h"
#include "failalloc.h"
#include "policy.h"
#include "run.h"
#include "sbx_steps.h"
#include "spawn.h"
#include "suites.h"
#include "supervise.h"

#define OUTMAX 16384

static char dir[64];		/* root-owned 0755 scratch dir */
static char probe[128];		/* dir/rg-probe */
static char wdir[128];		/* dir/w: writable in the profiles */
static char rdir[128];		/* dir/r: not writable */
static char tdir[64];		/* under /tmp, for t_writable_under_tmp */
static char *env2[] = { "PATH=/usr/bin:/bin", "RG_TEST=1", NULL };

/* --- prerequisites -------------------------------------------------- */

static int
prereq(int ok, const char *what)
{
	const char *ci = getenv("CI");

	if (ok)
		return 1;
	if (ci != NULL && strcmp(ci, "true") == 0)
		ck_abort_msg("prerequisite missing under CI: %s", what);
	fprintf(stderr, "test_run: SKIP: %s\n", what);
	return 0;
}

#define NEED_ROOT() do {						\
	if (!prereq(geteuid() == 0, "root"))				\
		return;							\
} while (0)

static void
copy_file(const char *from, const char *to, mode_t mode)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	struct stat st;

	ck_assert_int_ge(in, 0);
	ck_assert_int_eq(fstat(in, &st), 0);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ck_assert_int_ge(out, 0);
	ck_assert_int_eq(sendfile(out, in, NULL, (size_t)st.st_size),
	    st.st_size);
	ck_assert_int_eq(fchmod(out, mode), 0);
	close(in);
	close(out);
}

static void
setup(void)
{
	if (geteuid() != 0)
		return;
	strcpy(dir, "/var/tmp/rgtest.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(probe, sizeof(probe), "%s/rg-probe", dir);
	snprintf(wdir, sizeof(wdir), "%s/w", dir);
	snprintf(rdir, sizeof(rdir), "%s/r", dir);
	copy_file("/proc/self/exe", probe, 0755);
	ck_assert_int_eq(mkdir(wdir, 0755), 0);
	ck_assert_int_eq(mkdir(rdir, 0755), 0);
}

static void
teardown(void)
{
	char cmd[128];

	if (tdir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
		(void)!system(cmd);
		tdir[0] = '\0';
	}
	if (dir[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)!system(cmd);
	dir[0] = '\0';
}

/* --- running the probe ---------------------------------------------- */

static struct sbx_profile
prof_default(void)
{
	static char *w[1];
	struct sbx_profile p;

	memset(&p, 0, sizeof(p));
	w[0] = wdir;
	p.enabled = true;
	p.ns = SBX_NS_DEFAULT;
	p.seccomp = SBX_SECCOMP_DEFAULT;
	p.private_tmp = true;
	p.umask = 022;
	p.writable = w;
	p.nwritable = 1;
	return p;
}

/* A request for path and argv under p as uid/gid, with in as stdin and
 * out as stdout and stderr, the test environment env2. */
static struct run_request
request(const char *path, char **argv, const struct sbx_profile *p,
    uid_t uid, gid_t gid, int in, int out)
{
	struct run_request req;

	memset(&req, 0, sizeof(req));
	req.exec_path = path;
	req.argv = argv;
	req.envp = env2;
	req.sbx = p;
	req.uid = uid;
	req.gid = gid;
	req.fds[0] = in;
	req.fds[1] = req.fds[2] = out;
	return req;
}

/* Run path with argv under p as uid/gid; stdout+stderr into buf. */
static int
run_as(const char *path, char **argv, const struct sbx_profile *p,
    uid_t uid, gid_t gid, struct run_outcome *out, char *buf,
    struct rg_err *err)
{
	struct run_request req;
	int mfd = memfd_create("out", MFD_CLOEXEC);
	int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int rc;

	ck_assert_int_ge(mfd, 0);
	ck_assert_int_ge(nul, 0);
	req = request(path, argv, p, uid, gid, nul, mfd);
	memset(err, 0, sizeof(*err));
	rc = run_command(&req, out, err);
	n = pread(mfd, buf, OUTMAX - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(mfd);
	close(nul);
	return rc;
}

static int
run_probe(char **argv, const struct sbx_profile *p, uid_t uid,
    struct run_outcome *out, char *buf)
{
	struct rg_err err;
	int rc = run_as(probe, argv, p, uid, uid, out, buf, &err);

	if (rc < 0)
		fprintf(stderr, "run_command: %s (errno %d), stage %s\n",
		    err.msg, err.errnum, out->stage);
	return rc;
}

/* The value of "key=" in the probe's output ("" if absent). */
static const char *
val(const char *buf, const char *key)
{
	static char v[512];
	size_t n = strlen(key);

	for (const char *l = buf; l != NULL && *l; l = strchr(l, '\n')) {
		if (*l == '\n')
			l++;
		if (strncmp(l, key, n) == 0 && l[n] == '=') {
			size_t m = strcspn(l + n + 1, "\n");

			snprintf(v, sizeof(v), "%.*s", (int)m, l + n + 1);
			return v;
		}
	}
	return "";
}

static unsigned long
self_ns(const char *ns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", ns);
	ck_assert_int_eq(stat(path, &st), 0);
	return (unsigned long)st.st_ino;
}

static void
assert_ns(const char *buf, const char *ns, int differs)
{
	char key[32];
	unsigned long in;

	snprintf(key, sizeof(key), "ns_%s", ns);
	in = strtoul(val(buf, key), NULL, 10);
	ck_assert_msg(in != 0, "no %s in probe output", key);
	if (differs)
		ck_assert_msg(in != self_ns(ns), "%s namespace shared", ns);
	else
		ck_assert_msg(in == self_ns(ns), "%s namespace differs", ns);
}

/* The probe's result for "-w path". */
static const char *
wval(const char *buf, const char *path)
{
	char key[300];

	snprintf(key, sizeof(key), "write_%s", path);
	return val(buf, key);
}

/* No process whose command line contains marker is left. */
static int
survivors(const char *marker)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		char path[300], cl[4096];
		ssize_t len;
		int fd;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		len = read(fd, cl, sizeof(cl) - 1);
		close(fd);
		for (ssize_t i = 0; i < len; i++)
			if (cl[i] == '\0')
				cl[i] = ' ';
		cl[len > 0 ? len : 0] = '\0';
		n += strstr(cl, marker) != NULL;
	}
	closedir(d);
	return n;
}

/* --- tests ---------------------------------------------------------- */

START_TEST(t_default_profile)
{
	char buf[OUTMAX], wfile[160], rfile[160], hostcheck[200];
	char *argv[] = { "rg-probe", "report", "-w", wfile, "-w", rfile,
	    "-w", "/tmp/rg-private", NULL };
	struct sbx_profile p;
	struct run_outcome out;
	struct stat st;
	int extra;

	NEED_ROOT();
	p = prof_default();
	snprintf(wfile, sizeof(wfile), "%s/in", wdir);
	snprintf(rfile, sizeof(rfile), "%s/out", rdir);
	extra = open("/dev/null", O_RDONLY);	/* no CLOEXEC: must not leak */
	ck_assert_int_ge(extra, 3);
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	close(extra);
	ck_assert_msg(out.started && out.status == 0, "status %d: %s",
	    out.status, buf);
	ck_assert_str_eq(val(buf, "NoNewPrivs"), "1");
	ck_assert_str_eq(val(buf, "Seccomp"), "2");
	ck_assert_str_eq(val(buf, "CapEff"), "0000000000000000");
	ck_assert_str_eq(val(buf, "CapPrm"), "0000000000000000");
	ck_assert_str_eq(val(buf, "CapInh"), "0000000000000000");
	ck_assert_str_eq(val(buf, "CapBnd"), "0000000000000000");
	ck_assert_str_eq(val(buf, "CapAmb"), "0000000000000000");
	ck_assert_str_eq(val(buf, "uid"), "0");
	ck_assert_str_eq(val(buf, "groups"), "");
	/* pid 1 is the namespace's init (src/run/pidinit.c) */
	ck_assert_str_eq(val(buf, "pid"), "2");
	assert_ns(buf, "mnt", 1);
	assert_ns(buf, "pid", 1);
	assert_ns(buf, "ipc", 1);
	assert_ns(buf, "uts", 1);
	assert_ns(buf, "net", 0);
	assert_ns(buf, "cgroup", 0);
	ck_assert_str_eq(val(buf, "rl_core"), "0:0");
	ck_assert_str_eq(val(buf, "fds"), "0 1 2 ");
	ck_assert_str_eq(val(buf, "cwd"), "/");
	ck_assert_str_eq(val(buf, "Umask"), "0022");
	/* the environment is exactly env2, in order */
	ck_assert_ptr_nonnull(strstr(buf,
	    "env=PATH=/usr/bin:/bin\nenv=RG_TEST=1\ncwd="));
	ck_assert_ptr_null(strstr(buf, "env=RG_TEST=1\nenv="));
	ck_assert_str_eq(val(buf, "try_ptrace"), "EPERM");
	ck_assert_str_eq(val(buf, "try_mount"), "EPERM");
	ck_assert_str_eq(val(buf, "try_unshare_ns"), "EPERM");
	ck_assert_str_eq(val(buf, "try_unshare_user"), "EPERM");
	ck_assert_str_eq(val(buf, "try_keyctl"), "EPERM");
	ck_assert_str_eq(val(buf, "try_bpf"), "EPERM");
	ck_assert_str_eq(val(buf, "try_tiocsti"), "EPERM");
	ck_assert_str_eq(val(buf, "try_tiocsti_hi"), "EPERM");
	ck_assert_str_eq(val(buf, "try_kexec"), "EPERM");
	ck_assert_str_eq(val(buf, "try_init_module"), "EPERM");
	ck_assert_str_eq(val(buf, "try_userfaultfd"), "EPERM");
	ck_assert_str_eq(val(buf, "try_personality_query"), "OK");
	ck_assert_str_eq(val(buf, "try_personality_set"), "EPERM");
	ck_assert_str_eq(val(buf, "try_clone3"), "ENOSYS");
	ck_assert_str_eq(val(buf, "try_clone_newuser"), "EPERM");
	snprintf(hostcheck, sizeof(hostcheck), "write_%s", wfile);
	ck_assert_str_eq(val(buf, hostcheck), "OK");
	snprintf(hostcheck, sizeof(hostcheck), "write_%s", rfile);
	ck_assert_str_eq(val(buf, hostcheck), "EROFS");
	ck_assert_str_eq(val(buf, "write_/tmp/rg-private"), "OK");
	ck_assert_int_eq(stat(wfile, &st), 0);
	ck_assert_int_ne(stat(rfile, &st), 0);
	ck_assert_int_ne(stat("/tmp/rg-private", &st), 0);
	ck_assert_str_eq(out.warning, "");
	ck_assert(out.elapsed_us > 0);
}
END_TEST

START_TEST(t_caps_granted)
{
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", "report", NULL };
	struct sbx_profile p;
	struct run_outcome out;
	const char *want = "0000000000000400";	/* CAP_NET_BIND_SERVICE */

	NEED_ROOT();
	p = prof_default();
	p.caps = UINT64_C(1) << CAP_NET_BIND_SERVICE;
	ck_assert_int_eq(run_probe(argv, &p, 65534, &out, buf), 0);
	ck_assert_int_eq(out.status, 0);
	ck_assert_str_eq(val(buf, "uid"), "65534");
	ck_assert_str_eq(val(buf, "gid"), "65534");
	ck_assert_str_eq(val(buf, "groups"), "");
	ck_assert_str_eq(val(buf, "CapEff"), want);
	ck_assert_str_eq(val(buf, "CapPrm"), want);
	ck_assert_str_eq(val(buf, "CapInh"), want);
	ck_assert_str_eq(val(buf, "CapBnd"), want);
	ck_assert_str_eq(val(buf, "CapAmb"), want);
	ck_assert_str_eq(val(buf, "NoNewPrivs"), "1");
}
END_TEST

START_TEST(t_optional_namespaces)
{
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", "report", NULL };
	struct sbx_profile p;
	struct run_outcome out;

	NEED_ROOT();
	p = prof_default();
	p.ns |= SBX_NS_NET | SBX_NS_CGROUP;
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	assert_ns(buf, "net", 1);
	assert_ns(buf, "cgroup", 1);
	assert_ns(buf, "mnt", 1);
}
END_TEST

START_TEST(t_limits)
{
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", "report", NULL };
	struct sbx_profile p;
	struct run_outcome out;

	NEED_ROOT();
	p = prof_default();
	p.rl[SBX_RL_NOFILE] = (struct sbx_rlimit){ true, 64 };
	p.rl[SBX_RL_FSIZE] = (struct sbx_rlimit){ true, 1 << 20 };
	p.rl[SBX_RL_CPU] = (struct sbx_rlimit){ true, 10 };
	p.rl[SBX_RL_NPROC] = (struct sbx_rlimit){ true, 100 };
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "rl_nofile"), "64:64");
	ck_assert_str_eq(val(buf, "rl_fsize"), "1048576:1048576");
	ck_assert_str_eq(val(buf, "rl_cpu"), "10:10");
	ck_assert_str_eq(val(buf, "rl_nproc"), "100:100");
	ck_assert_str_eq(val(buf, "rl_core"), "0:0");
	/* uid 0 is exempt from RLIMIT_NPROC: the caller is told */
	ck_assert_ptr_nonnull(strstr(out.warning, "RLIMIT_NPROC"));
}
END_TEST

START_TEST(t_disabled)
{
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", "report", NULL };
	struct sbx_profile p;
	struct run_outcome out;

	NEED_ROOT();
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_int_eq(out.status, 0);
	assert_ns(buf, "mnt", 0);
	assert_ns(buf, "pid", 0);
	assert_ns(buf, "ipc", 0);
	assert_ns(buf, "uts", 0);
	ck_assert_str_eq(val(buf, "NoNewPrivs"), "0");
	ck_assert_str_eq(val(buf, "Seccomp"), "0");
	ck_assert_str_eq(val(buf, "fds"), "0 1 2 ");
	ck_assert_str_eq(val(buf, "groups"), "");
	ck_assert_ptr_nonnull(strstr(buf,
	    "env=PATH=/usr/bin:/bin\nenv=RG_TEST=1\ncwd="));
}
END_TEST

START_TEST(t_seccomp_off_and_allow)
{
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", "report", NULL };
	char *allow[] = { "ptrace" };
	struct sbx_profile p;
	struct run_outcome out;

	NEED_ROOT();
	p = prof_default();
	p.seccomp = SBX_SECCOMP_OFF;
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "Seccomp"), "0");
	ck_assert_str_eq(val(buf, "NoNewPrivs"), "1");
	/* without the filter, TIOCSTI on a non-tty is ENOTTY: so the EPERM
	 * of the default profile is the filter's doing */
	ck_assert_str_eq(val(buf, "try_tiocsti_hi"), "ENOTTY");
	p = prof_default();
	p.sc_allow = allow;
	p.nsc_allow = 1;
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "Seccomp"), "2");
	ck_assert_str_eq(val(buf, "try_ptrace"), "OK");
	ck_assert_str_eq(val(buf, "try_bpf"), "EPERM");
}
END_TEST

/* The default profile's programs are embedded at build time
 * (seccomp_embed.c): each must be, instruction by instruction, what
 * libseccomp builds now; any other profile is libseccomp's. Needs no
 * root: nothing is loaded. */
START_TEST(t_seccomp_embedded_is_libseccomps)
{
	static const uint64_t caps[] = { 0, UINT64_C(1) << CAP_SYS_ADMIN,
	    (UINT64_C(1) << CAP_SYS_ADMIN) | (UINT64_C(1) << CAP_CHOWN),
	    UINT64_C(1) << CAP_NET_ADMIN };
	char *deny[] = { "chroot" }, *allow[] = { "ptrace" };
	struct sock_filter *a, *b;
	unsigned short na, nb, n0 = 0, nadm = 0;
	struct sbx_profile p;
	struct rg_err err;

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		p = prof_default();
		p.caps = caps[i];
		ck_assert_int_eq(sbx_seccomp_build(&p, &a, &na, &err), 0);
		ck_assert_int_eq(sbx_seccomp_build_lib(&p, &b, &nb, &err), 0);
		ck_assert_ptr_nonnull(a);
		ck_assert_uint_eq(na, nb);
		ck_assert_int_eq(memcmp(a, b, na * sizeof(*a)), 0);
		if (i == 0)
			n0 = na;
		if (i == 1)
			nadm = na;
		free(a);
		free(b);
	}
	/* the mount family is let through with CAP_SYS_ADMIN: a shorter
	 * program, so the two embedded ones really differ */
	ck_assert_uint_lt(nadm, n0);
	/* sc_deny, sc_allow: not the default program */
	p = prof_default();
	p.sc_deny = deny;
	p.nsc_deny = 1;
	ck_assert_int_eq(sbx_seccomp_build(&p, &a, &na, &err), 0);
	ck_assert_int_eq(sbx_seccomp_build_lib(&p, &b, &nb, &err), 0);
	ck_assert_uint_eq(na, nb);
	ck_assert_uint_gt(na, n0);
	ck_assert_int_eq(memcmp(a, b, na * sizeof(*a)), 0);
	free(a);
	free(b);
	p = prof_default();
	p.sc_allow = allow;
	p.nsc_allow = 1;
	ck_assert_int_eq(sbx_seccomp_build(&p, &a, &na, &err), 0);
	ck_assert_uint_lt(na, n0);
	free(a);
	/* seccomp off, sandbox off: no program */
	p = prof_default();
	p.seccomp = SBX_SECCOMP_OFF;
	ck_assert_int_eq(sbx_seccomp_build(&p, &a, &na, &err), 0);
	ck_assert_ptr_null(a);
	ck_assert_uint_eq(na, 0);
	p = prof_default();
	p.enabled = false;
	ck_assert_int_eq(sbx_seccomp_build(&p, &a, &na, &err), 0);
	ck_assert_ptr_null(a);
	/* the copy's allocation fails: an error naming it, nothing left */
	p = prof_default();
	fa_arm(1);
	ck_assert_int_eq(sbx_seccomp_build(&p, &a, &na, &err), -1);
	ck_assert(fa_disarm());
	ck_assert_ptr_null(a);
	ck_assert_uint_eq(na, 0);
	ck_assert_int_eq(err.errnum, ENOMEM);
	ck_assert_str_eq(err.msg, "unable to allocate the seccomp program");
}
END_TEST

/* A classic-BPF interpreter for seccomp programs, enough for what
 * libseccomp emits: loads of seccomp_data words, the K jumps, AND, RET.
 * Returns the verdict, -1 for anything else; *steps counts the
 * instructions run before the first load of an argument, which is what
 * the kernel walks when it builds its cache (it stops there). */
static long
bpf_run(const struct sock_filter *f, unsigned short n,
    const struct seccomp_data *d, unsigned *steps)
{
	bool counting = true;
	uint32_t a = 0;

	*steps = 0;
	for (unsigned pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &f[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k % 4 != 0 || i->k + 4 > sizeof(*d))
				return -1;
			if (i->k >= offsetof(struct seccomp_data, args))
				counting = false;
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & i->k) != 0 ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return (long)i->k;
		default:
			return -1;
		}
		*steps += counting;
	}
	return -1;
}

/* seccomp.c invariant 9, and the default list itself, read from the
 * program run by an interpreter, not from libseccomp: every native
 * syscall number (all arguments 0) gets the verdict, and in a
 * few steps - a binary search, not a walk down a linear list, whose
 * length the kernel pays ~900 times at every load (its cache of
 * always-allowed calls). */
START_TEST(t_seccomp_default_program_verdicts)
{
	static const char *const denied[] = {
		"init_module", "finit_module", "delete_module", "kexec_load",
		"kexec_file_load", "reboot", "swapon", "swapoff", "ptrace",
		"process_vm_readv", "process_vm_writev", "bpf",
		"perf_event_open", "userfaultfd", "add_key", "request_key",
		"keyctl", "mount", "umount2", "pivot_root", "move_mount",
		"open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
		"mount_setattr", "setns", "unshare", "open_by_handle_at",
		"name_to_handle_at", "clock_settime", "clock_adjtime",
		"settimeofday", "adjtimex", "iopl", "ioperm",
		"personality",	/* with an argument other than the query */
	};
	const long allow = SECCOMP_RET_ALLOW;
	const long eperm = SECCOMP_RET_ERRNO | EPERM;
	struct seccomp_data d;
	struct sock_filter *f;
	struct sbx_profile p;
	struct rg_err err;
	unsigned short n;
	unsigned steps, most = 0;
	int nr, ndenied = 0;

	p = prof_default();
	ck_assert_int_eq(sbx_seccomp_build(&p, &f, &n, &err), 0);
	ck_assert_ptr_nonnull(f);
	memset(&d, 0, sizeof(d));
	d.arch = seccomp_arch_native();
	for (nr = 0; nr < 512; nr++) {
		long want = allow, got;
		char *name = seccomp_syscall_resolve_num_arch(
		    SCMP_ARCH_NATIVE, nr);

		for (size_t i = 0; name != NULL &&
		    i < sizeof(denied) / sizeof(denied[0]); i++)
			if (strcmp(name, denied[i]) == 0)
				want = eperm;
		if (name != NULL && strcmp(name, "clone3") == 0)
			want = SECCOMP_RET_ERRNO | ENOSYS;
		d.nr = nr;
		got = bpf_run(f, n, &d, &steps);
		ck_assert_msg(got == want, "syscall %d (%s): verdict %#lx, "
		    "expected %#lx", nr, name != NULL ? name : "?", got,
		    want);
		ndenied += got == eperm;
		if (steps > most)
			most = steps;
		free(name);
	}
	ck_assert_int_eq(ndenied, (int)(sizeof(denied) / sizeof(denied[0])));
	/* the list has ~45 entries: linear, a call near its end ran ~80
	 * instructions; a tree needs about log2(45) + the arch checks */
	ck_assert_msg(most <= 16, "longest path %u instructions", most);
	/* the argument rules still bite: TIOCSTI with high bits set,
	 * clone with a namespace flag, personality(0) */
	d.nr = (int)seccomp_syscall_resolve_name("ioctl");
	d.args[1] = UINT64_C(0xdead000000000000) | TIOCSTI;
	ck_assert_int_eq(bpf_run(f, n, &d, &steps), eperm);
	d.args[1] = TIOCGWINSZ;
	ck_assert_int_eq(bpf_run(f, n, &d, &steps), allow);
	d.nr = (int)seccomp_syscall_resolve_name("clone");
	d.args[0] = CLONE_NEWUSER;
	ck_assert_int_eq(bpf_run(f, n, &d, &steps), eperm);
	d.args[0] = SIGCHLD;
	ck_assert_int_eq(bpf_run(f, n, &d, &steps), allow);
	d.nr = (int)seccomp_syscall_resolve_name("personality");
	d.args[0] = 0xffffffffu;
	ck_assert_int_eq(bpf_run(f, n, &d, &steps), allow);
	/* another architecture, and x32 numbers, are killed */
	d.nr = 0;
	d.arch = SCMP_ARCH_X86;
	ck_assert_int_eq(bpf_run(f, n, &d, &steps),
	    SECCOMP_RET_KILL_PROCESS);
	d.arch = seccomp_arch_native();
	d.nr = 0x40000000 | 1;
	ck_assert_int_eq(bpf_run(f, n, &d, &steps),
	    SECCOMP_RET_KILL_PROCESS);
	free(f);
}
END_TEST

START_TEST(t_bad_syscall_name)
{
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", "exit", "0", NULL };
	char *deny[] = { "no_such_syscall" };
	struct sbx_profile p;
	struct run_outcome out;
	struct rg_err err;

	NEED_ROOT();
	p = prof_default();
	p.sc_deny = deny;
	p.nsc_deny = 1;
	ck_assert_int_eq(run_as(probe, argv, &p, 0, 0, &out, buf, &err), -1);
	ck_assert_int_eq(out.status, 125);
	ck_assert(!out.started);
	ck_assert_ptr_nonnull(strstr(err.msg, "no_such_syscall"));
}
END_TEST

START_TEST(t_x32_refused)
{
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", "x32", NULL };
	struct sbx_profile p;
	struct run_outcome out;

	NEED_ROOT();
	p = prof_default();
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	/* killed by the bad-arch action, never returning */
	ck_assert_int_eq(out.status, 128 + SIGSYS);
	ck_assert_str_eq(val(buf, "x32"), "");
}
END_TEST

START_TEST(t_exit_codes)
{
	char buf[OUTMAX];
	char *a1[] = { "rg-probe", "exit", "7", NULL };
	char *a2[] = { "rg-probe", "raise", "9", NULL };
	char *a3[] = { "rg-probe", "raise", "15", NULL };
	struct sbx_profile p;
	struct run_outcome out;

	NEED_ROOT();
	p = prof_default();
	ck_assert_int_eq(run_probe(a1, &p, 0, &out, buf), 0);
	ck_assert_int_eq(out.status, 7);
	/* with a pid namespace: t_command_not_pid1 */
	p.ns = SBX_NS_MOUNT | SBX_NS_IPC | SBX_NS_UTS;
	ck_assert_int_eq(run_probe(a2, &p, 0, &out, buf), 0);
	ck_assert_int_eq(out.status, 137);
	ck_assert_int_eq(run_probe(a3, &p, 0, &out, buf), 0);
	ck_assert_int_eq(out.status, 143);
	ck_assert(!out.timed_out);
}
END_TEST

/* The command is not pid 1 of its namespace, so it dies of the signals
 * it sends itself or provokes; the init above it holds nothing. */
START_TEST(t_command_not_pid1)
{
	static const struct { const char *mode, *arg; int sig; } cases[] = {
		{ "raise", "15", SIGTERM }, { "raise", "11", SIGSEGV },
		{ "raise", "9", SIGKILL }, { "sigpipe", NULL, SIGPIPE },
		{ "abort", NULL, SIGABRT },
	};
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", NULL, NULL, NULL };
	char *init[] = { "rg-probe", "init", NULL };
	char *allow[] = { "ptrace" };
	struct sbx_profile p;
	struct run_outcome out;

	NEED_ROOT();
	p = prof_default();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		argv[1] = (char *)(uintptr_t)cases[i].mode;
		argv[2] = (char *)(uintptr_t)cases[i].arg;
		ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
		ck_assert_msg(out.status == 128 + cases[i].sig,
		    "%s %s: status %d", cases[i].mode,
		    cases[i].arg ? cases[i].arg : "", out.status);
		ck_assert(WIFSIGNALED(out.wstatus));
		ck_assert_int_eq(WTERMSIG(out.wstatus), cases[i].sig);
		ck_assert(out.started && !out.timed_out);
	}
	/* the init, seen from a command that may even ptrace, as nobody */
	p.sc_allow = allow;
	p.nsc_allow = 1;
	p.caps = UINT64_C(1) << CAP_NET_BIND_SERVICE;
	ck_assert_int_eq(run_probe(init, &p, 65534, &out, buf), 0);
	ck_assert_int_eq(out.status, 0);
	ck_assert_str_eq(val(buf, "pid"), "2");
	ck_assert_str_eq(val(buf, "ppid"), "1");
	ck_assert_str_eq(val(buf, "init_CapEff"), "0000000000000000");
	ck_assert_str_eq(val(buf, "init_CapPrm"), "0000000000000000");
	ck_assert_str_eq(val(buf, "init_CapInh"), "0000000000000000");
	ck_assert_str_eq(val(buf, "init_CapBnd"), "0000000000000000");
	ck_assert_str_eq(val(buf, "init_CapAmb"), "0000000000000000");
	ck_assert_str_eq(val(buf, "init_NoNewPrivs"), "1");
	ck_assert_str_eq(val(buf, "init_Seccomp"), "2");
	ck_assert_str_eq(val(buf, "init_Uid"), "65534 65534 65534 65534");
	ck_assert_str_eq(val(buf, "init_Gid"), "65534 65534 65534 65534");
	/* not dumpable: same uid, yet no ptrace and no /proc/1/mem */
	ck_assert_str_eq(val(buf, "init_ptrace"), "EPERM");
	ck_assert_str_eq(val(buf, "init_mem"), "EACCES");
}
END_TEST

static void
timeout_case(unsigned ns)
{
	char buf[OUTMAX], marker[64];
	char *argv[] = { "rg-probe", "sleep", "30", "ignterm", marker, NULL };
	struct sbx_profile p;
	struct run_outcome out;

	p = prof_default();
	p.ns = ns;
	p.timeout_ms = 300;
	p.grace_ms = 300;
	snprintf(marker, sizeof(marker), "rgmark-%ld-%u", (long)getpid(), ns);
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_int_eq(out.status, 124);
	ck_assert(out.timed_out);
	ck_assert_msg(out.elapsed_us < 3000000, "took %llu us",
	    (unsigned long long)out.elapsed_us);
	ck_assert_int_eq(survivors(marker), 0);
}

START_TEST(t_timeout_pidns)
{
	NEED_ROOT();
	timeout_case(SBX_NS_DEFAULT);
}
END_TEST

START_TEST(t_timeout_no_pidns)
{
	NEED_ROOT();
	/* process group kill plus subreaper: the setsid'd child too */
	timeout_case(SBX_NS_MOUNT);
}
END_TEST

START_TEST(t_forkbomb)
{
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", "forkbomb", "rgmark-bomb", NULL };
	struct sbx_profile p;
	struct run_outcome out;
	int forks;

	NEED_ROOT();
	p = prof_default();
	p.rl[SBX_RL_NPROC] = (struct sbx_rlimit){ true, 40 };
	ck_assert_int_eq(run_probe(argv, &p, 65534, &out, buf), 0);
	ck_assert_int_eq(out.status, 0);
	forks = atoi(val(buf, "forks"));
	ck_assert_msg(forks < 40, "forks=%d", forks);
	ck_assert_str_eq(val(buf, "errno"), "EAGAIN");
	ck_assert_int_eq(survivors("rgmark-bomb"), 0);
}
END_TEST

/* Send sig to us after ms, from a helper process. */
static pid_t
signal_later(int sig, int ms)
{
	pid_t parent = getpid(), p = fork();

	ck_assert_int_ge(p, 0);
	if (p == 0) {
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
		kill(parent, sig);
		_exit(0);
	}
	return p;
}

START_TEST(t_signal_forward)
{
	char buf[OUTMAX];
	char *trap[] = { "rg-probe", "trap", NULL };
	char *sleeper[] = { "rg-probe", "sleep", "20", "rgmark-sig", NULL };
	struct sbx_profile p;
	struct run_outcome out;
	pid_t h;

	NEED_ROOT();
	p = prof_default();
	p.ns = SBX_NS_MOUNT;	/* helper must stay a child we can reap */
	/* the handler runs: forwarded, not just acted upon */
	h = signal_later(SIGTERM, 300);
	ck_assert_int_eq(run_probe(trap, &p, 0, &out, buf), 0);
	ck_assert_int_eq(out.status, 42);
	(void)waitpid(h, NULL, 0);
	/* pid 1 of a namespace with no handler: as if outside (143) */
	p = prof_default();
	h = signal_later(SIGINT, 300);
	ck_assert_int_eq(run_probe(sleeper, &p, 0, &out, buf), 0);
	ck_assert_int_eq(out.status, 128 + SIGINT);
	ck_assert_int_eq(survivors("rgmark-sig"), 0);
	(void)waitpid(h, NULL, 0);
	p = prof_default();
	h = signal_later(SIGTERM, 300);
	ck_assert_int_eq(run_probe(trap, &p, 0, &out, buf), 0);
	ck_assert_int_eq(out.status, 42);
	(void)waitpid(h, NULL, 0);
}
END_TEST

START_TEST(t_missing_executable)
{
	char buf[OUTMAX], path[160];
	char *argv[] = { "x", NULL };
	struct sbx_profile p;
	struct run_outcome out;
	struct rg_err err;

	NEED_ROOT();
	p = prof_default();
	snprintf(path, sizeof(path), "%s/nonexistent", dir);
	ck_assert_int_eq(run_as(path, argv, &p, 0, 0, &out, buf, &err), -1);
	ck_assert_int_eq(out.status, 96);
	ck_assert(!out.started);
}
END_TEST

START_TEST(t_unsafe_executable)
{
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", "exit", "0", NULL };
	struct sbx_profile p;
	struct run_outcome out;
	struct rg_err err;

	NEED_ROOT();
	p = prof_default();
	ck_assert_int_eq(chown(probe, 65534, 0), 0);
	ck_assert_int_eq(run_as(probe, argv, &p, 0, 0, &out, buf, &err), -1);
	ck_assert_int_eq(out.status, 96);
	ck_assert(!out.started);
	ck_assert_ptr_nonnull(strstr(err.msg, "owned by root"));
	ck_assert_int_eq(chown(probe, 0, 0), 0);
	ck_assert_int_eq(chmod(probe, 0775), 0);
	ck_assert_int_eq(run_as(probe, argv, &p, 0, 0, &out, buf, &err), -1);
	ck_assert_int_eq(out.status, 96);
	ck_assert_ptr_nonnull(strstr(err.msg, "writable"));
}
END_TEST

START_TEST(t_swapped_after_open)
{
	char path[160], other[160];
	char *argv[] = { "rg-probe", "exit", "7", NULL };
	char *envp[] = { NULL };
	struct rg_err err;
	int fd, missing, st, fdo;
	pid_t pid;

	NEED_ROOT();
	snprintf(path, sizeof(path), "%s/rg-probe", dir);
	snprintf(other, sizeof(other), "%s/swap", dir);
	fd = execfd_open(path, &missing, &err);
	ck_assert_int_ge(fd, 0);
	/* replace the path by rename with a script that would exit 3 */
	fdo = open(other, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	ck_assert_int_ge(fdo, 0);
	ck_assert_int_eq(write(fdo, "#!/bin/sh\nexit 3\n", 17), 17);
	close(fdo);
	ck_assert_int_eq(rename(other, path), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execfd_exec(fd, argv, envp);
		_exit(99);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 7);	/* the opened file ran */
	close(fd);
	/* and a #! script (fd kept open for the interpreter) runs too */
	fd = execfd_open(path, &missing, &err);
	ck_assert_int_ge(fd, 0);
	pid = fork();
	if (pid == 0) {
		execfd_exec(fd, argv, envp);
		_exit(99);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(st), 3);
	close(fd);
}
END_TEST

START_TEST(t_setup_failure)
{
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", "exit", "0", NULL };
	struct sbx_profile p;
	struct run_outcome out;
	struct rg_err err;

	NEED_ROOT();
	p = prof_default();
	p.cwd = "/nonexistent-rootgate-dir";
	ck_assert_int_eq(run_as(probe, argv, &p, 0, 0, &out, buf, &err), -1);
	ck_assert_int_eq(out.status, 125);
	ck_assert(!out.started);
	ck_assert_str_eq(out.stage, "change directory");
	ck_assert_int_eq(out.child_errno, ENOENT);
	ck_assert_str_eq(buf, "");	/* nothing ran */
}
END_TEST

static void
hidden_paths(void)
{
	char buf[OUTMAX], secret[160];
	char *argv[] = { "rg-probe", "read", secret, NULL };
	char *hidden[1];
	struct sbx_profile p;
	struct run_outcome out;
	FILE *fp;

	snprintf(secret, sizeof(secret), "%s/secret", rdir);
	fp = fopen(secret, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("s3cret\n", fp);
	fclose(fp);
	p = prof_default();
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "read"), "s3cret");
	hidden[0] = secret;		/* a file: /dev/null over it */
	p.hidden = hidden;
	p.nhidden = 1;
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "read"), "");
	hidden[0] = rdir;		/* a directory: empty tmpfs */
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	/* mode 000: not even root without CAP_DAC_OVERRIDE may look */
	ck_assert_str_eq(val(buf, "read"), "EACCES");
}

START_TEST(t_hidden_paths)
{
	NEED_ROOT();
	hidden_paths();
}
END_TEST

/* Several of each kind: the later masks are clones of the first one
 * placed (mount.c, mask_tree) and hide as well as it does. */
static void
hidden_many(const char *tag)
{
	char buf[OUTMAX], f[2][160], d[2][160], in[2][330];
	char *argv[] = { "rg-probe", "read", NULL, NULL };
	char *hidden[4];
	struct sbx_profile p;
	struct run_outcome out;
	FILE *fp;

	for (int i = 0; i < 2; i++) {
		snprintf(f[i], sizeof(f[i]), "%s/%.8ssecret-%d", rdir, tag, i);
		snprintf(d[i], sizeof(d[i]), "%s/%.8sdir-%d", rdir, tag, i);
		snprintf(in[i], sizeof(in[i]), "%s/key", d[i]);
		ck_assert_int_eq(mkdir(d[i], 0755), 0);
		for (int j = 0; j < 2; j++) {
			fp = fopen(j ? in[i] : f[i], "w");
			ck_assert_ptr_nonnull(fp);
			fputs("s3cret\n", fp);
			fclose(fp);
		}
		hidden[i] = f[i];
		hidden[2 + i] = d[i];
	}
	p = prof_default();
	p.hidden = hidden;
	p.nhidden = 4;
	for (int i = 0; i < 2; i++) {
		argv[2] = f[i];
		ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
		ck_assert_str_eq(val(buf, "read"), "");
		argv[2] = in[i];
		ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
		ck_assert_str_eq(val(buf, "read"), "EACCES");
	}
	/* and without the masks the probe reads them */
	p.nhidden = 0;
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "read"), "s3cret");
}

START_TEST(t_hidden_many)
{
	NEED_ROOT();
	hidden_many("");
}
END_TEST

/* A writable path beneath /tmp is the host's, inside the private /tmp;
 * the rest of the host's /tmp is not there, and hiding it is moot. */
START_TEST(t_writable_under_tmp)
{
	char buf[OUTMAX], rw[96], inrw[128], ro[128], fresh[128];
	char secret[128], nope[128], cmd[128];
	char *argv[] = { "rg-probe", "report", "-w", inrw, "-w", ro,
	    "-w", fresh, NULL };
	char *rd[] = { "rg-probe", "read", secret, NULL };
	char *w[2], *hidden[2];
	struct sbx_profile p;
	struct run_outcome out;
	struct stat st;
	FILE *fp;

	NEED_ROOT();
	strcpy(tdir, "/tmp/rgtest.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tdir));
	ck_assert_int_eq(chmod(tdir, 0755), 0);
	snprintf(rw, sizeof(rw), "%s/a/rw", tdir);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", rw);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(inrw, sizeof(inrw), "%s/f", rw);
	snprintf(ro, sizeof(ro), "%s/a/ro", tdir);	/* not writable */
	snprintf(fresh, sizeof(fresh), "/tmp/rgtest-fresh-%ld", (long)getpid());
	snprintf(secret, sizeof(secret), "%s/a/secret", tdir);
	fp = fopen(secret, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("s3cret\n", fp);
	fclose(fp);
	p = prof_default();
	w[0] = wdir;
	w[1] = rw;
	p.writable = w;
	p.nwritable = 2;
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_msg(out.started && out.status == 0, "status %d: %s",
	    out.status, buf);
	ck_assert_str_eq(wval(buf, inrw), "OK");
	ck_assert_int_eq(stat(inrw, &st), 0);	/* landed on the host */
	/* beside it: read-only scaffolding; elsewhere in the private
	 * /tmp: writable, and not the host's */
	ck_assert_str_eq(wval(buf, ro), "EROFS");
	ck_assert_int_ne(stat(ro, &st), 0);
	ck_assert_str_eq(wval(buf, fresh), "OK");
	ck_assert_int_ne(stat(fresh, &st), 0);
	/* a host file beside the writable path is not visible */
	ck_assert_int_eq(run_probe(rd, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "read"), "ENOENT");
	/* hiding it is moot, not an error; hiding inside rw still works */
	snprintf(nope, sizeof(nope), "%s/f", rw);
	hidden[0] = secret;
	hidden[1] = nope;
	p.hidden = hidden;
	p.nhidden = 2;
	rd[2] = nope;
	ck_assert_int_eq(run_probe(rd, &p, 0, &out, buf), 0);
	ck_assert_int_eq(out.status, 0);
	ck_assert_str_eq(val(buf, "read"), "");
}
END_TEST

START_TEST(t_cgroup_limits)
{
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", "hog", "128", NULL };
	struct sbx_profile p;
	struct run_outcome out;

	NEED_ROOT();
	p = prof_default();
	p.mem_max = 32u << 20;
	p.pids_max = 50;
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	if (out.warning[0] != '\0') {
		/* no delegated v2 hierarchy (this machine's hybrid): said
		 * so, never silently skipped, and the command still ran */
		ck_assert_ptr_nonnull(strstr(out.warning, "memory.max"));
		ck_assert_ptr_nonnull(strstr(out.warning, "pids.max"));
		ck_assert_int_eq(out.status, 0);
	} else {
		/* applied: 128 MiB cannot fit in memory.max = 32 MiB */
		ck_assert_int_ne(out.status, 0);
	}
}
END_TEST

START_TEST(t_qemu_img)
{
	char buf[OUTMAX], img[160], bad[160];
	char *ok[] = { "qemu-img", "create", "-f", "qcow2", img, "1M", NULL };
	char *ro[] = { "qemu-img", "create", "-f", "qcow2", bad, "1M", NULL };
	struct sbx_profile p;
	struct run_outcome out;
	struct rg_err err;
	struct stat st;

	NEED_ROOT();
	if (!prereq(access("/usr/bin/qemu-img", X_OK) == 0, "qemu-img"))
		return;
	p = prof_default();
	snprintf(img, sizeof(img), "%s/disk.qcow2", wdir);
	snprintf(bad, sizeof(bad), "%s/disk.qcow2", rdir);
	ck_assert_int_eq(run_as("/usr/bin/qemu-img", ok, &p, 0, 0, &out,
	    buf, &err), 0);
	ck_assert_msg(out.status == 0, "status %d: %s", out.status, buf);
	ck_assert_int_eq(stat(img, &st), 0);
	ck_assert_int_gt(st.st_size, 0);
	ck_assert_int_eq(run_as("/usr/bin/qemu-img", ro, &p, 0, 0, &out,
	    buf, &err), 0);
	ck_assert_int_ne(out.status, 0);
	ck_assert_ptr_nonnull(strstr(buf, "Read-only file system"));
	ck_assert_int_ne(stat(bad, &st), 0);
}
END_TEST

/* A block device of this host, as /dev/NAME (opened read-only only). */
static int
host_block(char *path, size_t len)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	struct stat st;
	int found = 0;

	if (d == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, len, "/dev/%s", de->d_name);
		found = stat(path, &st) == 0 && S_ISBLK(st.st_mode);
	}
	closedir(d);
	return found;
}

/* The default /dev is minimal and no other mount honours device nodes:
 * a node the caller planted (or a link to the host's disk) is useless. */
static void
devices_minimal(const char *tag)
{
	char buf[OUTMAX], blk[300], chr[160], blkcopy[160], blklink[160];
	char *op[] = { "rg-probe", "open", "/dev/null", "/dev/zero",
	    "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", blk,
	    "/dev/mem", chr, blkcopy, blklink, NULL };
	char *ow[] = { "rg-probe", "openw", "/dev/null", "/dev/full", chr,
	    NULL };
	char *ls[] = { "rg-probe", "ls", "/dev", NULL };
	char *vfs[] = { "rg-probe", "vfs", "/dev", "/dev/null", "/", wdir,
	    NULL };
	char key[400];
	struct sbx_profile p;
	struct run_outcome out;
	struct stat st;

	if (!prereq(host_block(blk, sizeof(blk)), "a block device in /dev"))
		return;
	ck_assert_int_eq(stat(blk, &st), 0);
	snprintf(chr, sizeof(chr), "%s/%.8snull-copy", wdir, tag);
	snprintf(blkcopy, sizeof(blkcopy), "%s/%.8sblk-copy", wdir, tag);
	snprintf(blklink, sizeof(blklink), "%s/%.8sblk-link", wdir, tag);
	ck_assert_int_eq(mknod(chr, S_IFCHR | 0666, makedev(1, 3)), 0);
	ck_assert_int_eq(mknod(blkcopy, S_IFBLK | 0600, st.st_rdev), 0);
	ck_assert_int_eq(symlink(blk, blklink), 0);
	p = prof_default();
	ck_assert_int_eq(run_probe(op, &p, 0, &out, buf), 0);
	ck_assert_msg(out.status == 0, "status %d: %s", out.status, buf);
	ck_assert_str_eq(val(buf, "open_/dev/null"), "OK");
	ck_assert_str_eq(val(buf, "open_/dev/zero"), "OK");
	ck_assert_str_eq(val(buf, "open_/dev/full"), "OK");
	ck_assert_str_eq(val(buf, "open_/dev/random"), "OK");
	ck_assert_str_eq(val(buf, "open_/dev/urandom"), "OK");
	/* present, but there is no controlling terminal (setsid) */
	ck_assert_str_eq(val(buf, "open_/dev/tty"), "ENXIO");
	snprintf(key, sizeof(key), "open_%s", blk);
	ck_assert_str_eq(val(buf, key), "ENOENT");
	ck_assert_str_eq(val(buf, "open_/dev/mem"), "ENOENT");
	/* nodev: may_open() refuses any device node on the mount */
	snprintf(key, sizeof(key), "open_%s", chr);
	ck_assert_str_eq(val(buf, key), "EACCES");
	snprintf(key, sizeof(key), "open_%s", blkcopy);
	ck_assert_str_eq(val(buf, key), "EACCES");
	snprintf(key, sizeof(key), "open_%s", blklink);
	ck_assert_str_eq(val(buf, key), "ENOENT");
	ck_assert_int_eq(run_probe(ow, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "openw_/dev/null"), "OK");
	ck_assert_str_eq(val(buf, "openw_/dev/full"), "ENOSPC");
	snprintf(key, sizeof(key), "openw_%s", chr);
	ck_assert_str_eq(val(buf, key), "EACCES");
	ck_assert_int_eq(run_probe(ls, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "ls"),
	    "fd full null random stderr stdin stdout tty urandom zero");
	ck_assert_str_eq(val(buf, "lnk_fd"), "/proc/self/fd");
	ck_assert_str_eq(val(buf, "lnk_stdin"), "/proc/self/fd/0");
	ck_assert_str_eq(val(buf, "lnk_stdout"), "/proc/self/fd/1");
	ck_assert_str_eq(val(buf, "lnk_stderr"), "/proc/self/fd/2");
	/* the kernel's fixed numbers, never whatever the host's /dev holds */
	ck_assert_str_eq(val(buf, "chr_null"), "1:3 0666 0:0");
	ck_assert_str_eq(val(buf, "chr_zero"), "1:5 0666 0:0");
	ck_assert_str_eq(val(buf, "chr_full"), "1:7 0666 0:0");
	ck_assert_str_eq(val(buf, "chr_random"), "1:8 0666 0:0");
	ck_assert_str_eq(val(buf, "chr_urandom"), "1:9 0666 0:0");
	ck_assert_str_eq(val(buf, "chr_tty"), "5:0 0666 0:0");
	ck_assert_int_eq(run_probe(vfs, &p, 0, &out, buf), 0);
	/* /dev is the one mount that honours nodes: it holds only the six
	 * (dev.c), read-only; /dev/null is a node in it, not a mount */
	ck_assert_str_eq(val(buf, "vfs_/dev"), "ro,nosuid,noexec");
	ck_assert_str_eq(val(buf, "vfs_/dev/null"), "ro,nosuid,noexec");
	ck_assert_str_eq(val(buf, "vfs_/"), "ro,nodev");
	snprintf(key, sizeof(key), "vfs_%s", wdir);
	ck_assert_str_eq(val(buf, key), "rw,nodev");
}

START_TEST(t_devices_minimal)
{
	NEED_ROOT();
	devices_minimal("");
}
END_TEST

/* rootgated's shared templates (sbx_templates_init; dev.c invariant 5,
 * mount.c invariant 10): every promise of the minimal /dev and of the
 * masks holds as when each run builds its own, and the runs' /dev is
 * the template's file system, not a new one. */
START_TEST(t_templates)
{
	char buf[OUTMAX], want[32], secret[160], mdir[160];
	char *dn[] = { "rg-probe", "devno", "/dev", "/dev/null", secret, mdir,
	    NULL };
	char *hidden[2] = { secret, mdir };
	struct sbx_prepared prep;
	struct sbx_profile p;
	struct run_outcome out;
	struct rg_err err;
	struct stat tdev, tnull, tmask;
	char key[200];
	FILE *fp;

	NEED_ROOT();
	if (!prereq(sbx_templates_init() == 0, "cloning a detached mount "
	    "(Linux 6.15+)"))
		return;
	ck_assert_int_eq(sbx_templates_init(), 0);	/* once: a no-op */
	p = prof_default();
	ck_assert_int_eq(sandbox_prepare(&p, &prep, out.warning,
	    sizeof(out.warning), &err), 0);
	ck_assert_int_ge(prep.tmpl_dev, 0);
	ck_assert_int_ge(prep.tmpl_dir, 0);
	ck_assert_int_eq(fstat(prep.tmpl_dev, &tdev), 0);
	ck_assert_int_eq(fstatat(prep.tmpl_dev, "null", &tnull, 0), 0);
	ck_assert_int_eq(fstat(prep.tmpl_dir, &tmask), 0);
	/* read-only as a file system, not only as a mount: a clone made
	 * read-write still creates nothing (EROFS) */
	for (int i = 0; i < 2; i++) {
		int c = open_tree(i ? prep.tmpl_dir : prep.tmpl_dev, "",
		    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

		ck_assert_int_ge(c, 0);
		ck_assert_int_eq(sbx_setattr_at(c, "", AT_EMPTY_PATH, 0,
		    MOUNT_ATTR_RDONLY), 0);
		ck_assert_int_eq(mkdirat(c, "x", 0700), -1);
		ck_assert_int_eq(errno, EROFS);
		close(c);
	}
	sandbox_release(&prep);
	/* released with the run: the templates stay for the next */
	ck_assert_int_eq(fcntl(prep.tmpl_dev, F_GETFD), FD_CLOEXEC);
	snprintf(secret, sizeof(secret), "%s/tsecret", rdir);
	snprintf(mdir, sizeof(mdir), "%s/tdir", rdir);
	fp = fopen(secret, "w");
	ck_assert_ptr_nonnull(fp);
	fclose(fp);
	ck_assert(mkdir(mdir, 0755) == 0 || errno == EEXIST);
	p.hidden = hidden;
	p.nhidden = 2;
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(run_probe(dn, &p, 0, &out, buf), 0);
		snprintf(want, sizeof(want), "%u:%u", major(tdev.st_dev),
		    minor(tdev.st_dev));
		ck_assert_str_eq(val(buf, "devno_/dev"), want);
		ck_assert_str_eq(val(buf, "devno_/dev/null"), want);
		snprintf(key, sizeof(key), "devno_%s", secret);
		ck_assert_str_eq(val(buf, key), want);	/* the null node */
		snprintf(want, sizeof(want), "%u:%u", major(tmask.st_dev),
		    minor(tmask.st_dev));
		snprintf(key, sizeof(key), "devno_%s", mdir);
		ck_assert_str_eq(val(buf, key), want);
	}
	ck_assert(S_ISCHR(tnull.st_mode));
	ck_assert_uint_eq(tnull.st_rdev, makedev(1, 3));
	devices_minimal("t-");
	hidden_paths();
	hidden_many("t-");
	sbx_templates_release();
	p = prof_default();
	ck_assert_int_eq(sandbox_prepare(&p, &prep, out.warning,
	    sizeof(out.warning), &err), 0);
	ck_assert_int_eq(prep.tmpl_dev, -1);
	ck_assert_int_eq(prep.tmpl_dir, -1);
	sandbox_release(&prep);
}
END_TEST

/* host_devices: today's behaviour, for the rules that need it. */
START_TEST(t_devices_host)
{
	char buf[OUTMAX], blk[300], chr[160], key[400], word[320];
	char *op[] = { "rg-probe", "open", "/dev/null", chr, NULL };
	char *ls[] = { "rg-probe", "ls", "/dev", NULL };
	struct sbx_profile p;
	struct run_outcome out;

	NEED_ROOT();
	if (!prereq(host_block(blk, sizeof(blk)), "a block device in /dev"))
		return;
	snprintf(chr, sizeof(chr), "%s/null-copy", wdir);
	ck_assert_int_eq(mknod(chr, S_IFCHR | 0666, makedev(1, 3)), 0);
	p = prof_default();
	p.host_devices = true;
	ck_assert_int_eq(run_probe(op, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "open_/dev/null"), "OK");
	snprintf(key, sizeof(key), "open_%s", chr);
	ck_assert_str_eq(val(buf, key), "OK");
	ck_assert_int_eq(run_probe(ls, &p, 0, &out, buf), 0);
	snprintf(word, sizeof(word), " %s ", blk + 5);
	snprintf(key, sizeof(key), " %s ", val(buf, "ls"));
	ck_assert_msg(strstr(key, word) != NULL, "%s not in /dev: %s",
	    blk, key);
}
END_TEST

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

/* A symlink beneath a nofollow directory is not followed by the command
 * (ELOOP), whatever it points to; files and writes work as before. */
START_TEST(t_nofollow)
{
	char buf[OUTMAX], secret[160], f[160], l[160], ld[160], ldf[160];
	char rl[160], none[160], notdir[200], wnew[160], rnew[160];
	char *op[] = { "rg-probe", "open", f, l, ldf, rl, NULL };
	char *rd[] = { "rg-probe", "read", f, NULL };
	char *wr[] = { "rg-probe", "report", "-w", wnew, "-w", rnew, NULL };
	char *vfs[] = { "rg-probe", "vfs", wdir, rdir, "/", NULL };
	char *nf[3], key[200];
	struct sbx_profile p;
	struct run_outcome out;
	struct stat st;

	NEED_ROOT();
	snprintf(secret, sizeof(secret), "%s/secret", rdir);
	snprintf(f, sizeof(f), "%s/f", wdir);
	snprintf(l, sizeof(l), "%s/l", wdir);		/* -> secret */
	snprintf(ld, sizeof(ld), "%s/ld", wdir);	/* -> rdir */
	snprintf(ldf, sizeof(ldf), "%s/ld/secret", wdir);
	snprintf(rl, sizeof(rl), "%s/l", rdir);		/* -> secret */
	snprintf(none, sizeof(none), "%s/nonexistent", dir);
	snprintf(notdir, sizeof(notdir), "%s/x", secret);
	snprintf(wnew, sizeof(wnew), "%s/new", wdir);
	snprintf(rnew, sizeof(rnew), "%s/new", rdir);
	write_file(secret, "s3cret\n");
	write_file(f, "plain\n");
	ck_assert_int_eq(symlink(secret, l), 0);
	ck_assert_int_eq(symlink(rdir, ld), 0);
	ck_assert_int_eq(symlink(secret, rl), 0);
	p = prof_default();
	/* without nofollow the links work: the ELOOPs below are its own */
	ck_assert_int_eq(run_probe(op, &p, 0, &out, buf), 0);
	snprintf(key, sizeof(key), "open_%s", l);
	ck_assert_str_eq(val(buf, key), "OK");
	snprintf(key, sizeof(key), "open_%s", ldf);
	ck_assert_str_eq(val(buf, key), "OK");
	/* the parent of the writable wdir and the read-only rdir, and two
	 * that do not exist (skipped) */
	nf[0] = dir;
	nf[1] = none;
	nf[2] = notdir;
	p.nofollow = nf;
	p.nnofollow = 3;
	ck_assert_int_eq(run_probe(op, &p, 0, &out, buf), 0);
	ck_assert_msg(out.status == 0, "status %d: %s", out.status, buf);
	snprintf(key, sizeof(key), "open_%s", f);
	ck_assert_str_eq(val(buf, key), "OK");
	snprintf(key, sizeof(key), "open_%s", l);
	ck_assert_str_eq(val(buf, key), "ELOOP");
	snprintf(key, sizeof(key), "open_%s", ldf);	/* in the middle */
	ck_assert_str_eq(val(buf, key), "ELOOP");
	snprintf(key, sizeof(key), "open_%s", rl);
	ck_assert_str_eq(val(buf, key), "ELOOP");
	ck_assert_int_eq(run_probe(rd, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "read"), "plain");
	/* read-only and writable as before */
	ck_assert_int_eq(run_probe(wr, &p, 0, &out, buf), 0);
	ck_assert_str_eq(wval(buf, wnew), "OK");
	ck_assert_str_eq(wval(buf, rnew), "EROFS");
	ck_assert_int_eq(stat(wnew, &st), 0);
	ck_assert_int_eq(run_probe(vfs, &p, 0, &out, buf), 0);
	snprintf(key, sizeof(key), "vfs_%s", wdir);
	ck_assert_str_eq(val(buf, key), "rw,nodev,nosymfollow");
	snprintf(key, sizeof(key), "vfs_%s", rdir);
	ck_assert_str_eq(val(buf, key), "ro,nodev,nosymfollow");
	ck_assert_str_eq(val(buf, "vfs_/"), "ro,nodev");
	/* exactly the writable path: still writable; rdir unaffected */
	nf[0] = wdir;
	p.nnofollow = 1;
	ck_assert_int_eq(unlink(wnew), 0);
	ck_assert_int_eq(run_probe(op, &p, 0, &out, buf), 0);
	snprintf(key, sizeof(key), "open_%s", l);
	ck_assert_str_eq(val(buf, key), "ELOOP");
	snprintf(key, sizeof(key), "open_%s", rl);
	ck_assert_str_eq(val(buf, key), "OK");
	ck_assert_int_eq(run_probe(wr, &p, 0, &out, buf), 0);
	ck_assert_str_eq(wval(buf, wnew), "OK");
	ck_assert_int_eq(stat(wnew, &st), 0);
}
END_TEST

/* Hidden paths that are not there are skipped, however they are not
 * there; a link to a directory hides the directory. */
START_TEST(t_hidden_missing)
{
	static const char *const dflt[] = { "/etc/shadow", "/etc/shadow-",
	    "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers",
	    "/etc/sudoers.d", "/etc/ssh", "/root", "/etc/rootgate" };
	char buf[OUTMAX], none[160], dangling[160], notdir[200], sub[160];
	char lsub[160], subf[200], secret[160];
	char *rd[] = { "rg-probe", "read", subf, NULL };
	char *sh[] = { "rg-probe", "read", "/etc/shadow", NULL };
	char *hidden[16];
	size_t n = 0;
	struct sbx_profile p;
	struct run_outcome out;
	struct stat st;

	NEED_ROOT();
	snprintf(none, sizeof(none), "%s/nonexistent", dir);
	snprintf(dangling, sizeof(dangling), "%s/dangling", rdir);
	snprintf(secret, sizeof(secret), "%s/secret", rdir);
	snprintf(notdir, sizeof(notdir), "%s/x", secret);
	snprintf(sub, sizeof(sub), "%s/sub", rdir);
	snprintf(lsub, sizeof(lsub), "%s/lsub", rdir);	/* -> sub */
	snprintf(subf, sizeof(subf), "%s/f", sub);
	write_file(secret, "s3cret\n");
	ck_assert_int_eq(symlink(none, dangling), 0);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	write_file(subf, "inside\n");
	ck_assert_int_eq(symlink(sub, lsub), 0);
	hidden[n++] = none;
	hidden[n++] = dangling;
	hidden[n++] = notdir;
	hidden[n++] = lsub;
	for (size_t i = 0; i < sizeof(dflt) / sizeof(dflt[0]); i++)
		hidden[n++] = (char *)(uintptr_t)dflt[i];
	p = prof_default();
	p.hidden = hidden;
	p.nhidden = n;
	ck_assert_int_eq(run_probe(rd, &p, 0, &out, buf), 0);
	ck_assert_msg(out.started && out.status == 0, "status %d: %s",
	    out.status, buf);
	ck_assert_str_eq(val(buf, "read"), "EACCES");	/* masked dir */
	if (stat("/etc/shadow", &st) == 0) {
		ck_assert_int_eq(run_probe(sh, &p, 0, &out, buf), 0);
		ck_assert_str_eq(val(buf, "read"), "");
	}
}
END_TEST

/* A hidden file the host replaces while runs start (useradd renames a
 * new /etc/shadow over the old one): the mask's mount point may be
 * unlinked between resolution and mount, which must not fail the run
 * (it did, ENOENT, about one run in ten under this churn). */
START_TEST(t_hidden_replaced)
{
	char buf[OUTMAX], secret[160], tmp[170];
	char *argv[] = { "rg-probe", "read", secret, NULL };
	char *hidden[1];
	struct sbx_profile p;
	struct run_outcome out;
	pid_t churn;
	int st;

	NEED_ROOT();
	snprintf(secret, sizeof(secret), "%s/replaced", rdir);
	snprintf(tmp, sizeof(tmp), "%s.new", secret);
	write_file(secret, "s3cret\n");
	churn = fork();
	ck_assert_int_ge(churn, 0);
	if (churn == 0) {
		for (;;) {
			int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);

			if (fd >= 0)
				close(fd);
			(void)rename(tmp, secret);
		}
	}
	p = prof_default();
	hidden[0] = secret;
	p.hidden = hidden;
	p.nhidden = 1;
	for (int i = 0; i < 200; i++) {
		(void)run_probe(argv, &p, 0, &out, buf);
		if (!out.started || out.status != 0)
			break;
	}
	kill(churn, SIGKILL);
	waitpid(churn, &st, 0);
	ck_assert_msg(out.started && out.status == 0, "status %d, stage %s, "
	    "errno %d", out.status, out.stage, out.child_errno);
}
END_TEST

/* grace = 0: SIGKILL as soon as the timeout expires, no SIGTERM wait. */
static void
grace_zero_case(unsigned ns)
{
	char buf[OUTMAX], marker[64];
	char *argv[] = { "rg-probe", "sleep", "30", "ignterm", marker, NULL };
	struct sbx_profile p;
	struct run_outcome out;

	p = prof_default();
	p.ns = ns;
	p.timeout_ms = 300;
	p.grace_ms = 0;
	snprintf(marker, sizeof(marker), "rgmark-g0-%ld-%u", (long)getpid(),
	    ns);
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_int_eq(out.status, 124);
	ck_assert(out.timed_out);
	ck_assert_msg(out.elapsed_us < 600000, "took %llu us",
	    (unsigned long long)out.elapsed_us);
	ck_assert_int_eq(survivors(marker), 0);
}

START_TEST(t_grace_zero)
{
	NEED_ROOT();
	grace_zero_case(SBX_NS_DEFAULT);
	grace_zero_case(SBX_NS_MOUNT);
}
END_TEST

/* cwd and umask: a sandbox sets both (cwd "/" unless the rule names
 * one); sandbox = off keeps the caller's umask, and its cwd unless the
 * rule names one (oslo.rootwrap's behaviour). */
START_TEST(t_cwd_umask)
{
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", "report", NULL };
	struct sbx_profile p;
	struct run_outcome out;
	mode_t old;

	NEED_ROOT();
	ck_assert_int_eq(chdir(rdir), 0);
	old = umask(077);
	memset(&p, 0, sizeof(p));
	p.umask = 022;		/* as the loader sets it: not applied */
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "cwd"), rdir);
	ck_assert_str_eq(val(buf, "Umask"), "0077");
	p.cwd = wdir;
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "cwd"), wdir);
	ck_assert_str_eq(val(buf, "Umask"), "0077");
	p = prof_default();
	p.umask = 027;
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "cwd"), "/");
	ck_assert_str_eq(val(buf, "Umask"), "0027");
	p.cwd = wdir;
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "cwd"), wdir);
	ck_assert_str_eq(val(buf, "Umask"), "0027");
	umask(old);
	ck_assert_int_eq(chdir("/"), 0);
}
END_TEST

/* --- the rootwrap compatibility profile (keep_descendants) ---------- */

static struct sbx_profile
prof_compat(void)
{
	struct sbx_profile p;

	memset(&p, 0, sizeof(p));
	p.keep_descendants = true;
	p.umask = 022;		/* as the rootwrap loader sets it: unused */
	return p;
}

/* The value of "Key:" in /proc/self/status of the test process */
static void
own_status(const char *key, char *v, size_t len)
{
	char line[256];
	size_t n = strlen(key);
	FILE *fp = fopen("/proc/self/status", "re");

	ck_assert_ptr_nonnull(fp);
	v[0] = '\0';
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			char *t = line + n + 1;

			t += strspn(t, " \t");
			t[strcspn(t, "\n")] = '\0';
			snprintf(v, len, "%s", t);
		}
	fclose(fp);
}

/*
 * oslo.privsep's helper forks a daemon and exits: under the compatibility
 * profile run_command returns when the command exits, the daemon lives
 * on, in the caller's process group and session, with the command's
 * stdout still open (nobody waited for its EOF).
 */
START_TEST(t_compat_keeps_descendants)
{
	char buf[OUTMAX], want[64];
	char *argv[] = { "sh", "-c", "sleep 30 & echo bg=$!; "
	    "echo pgsid=$(cut -d' ' -f5,6 /proc/$$/stat)", NULL };
	struct sbx_profile p = prof_compat();
	struct run_outcome out;
	struct rg_err err;
	pid_t bg;
	int was = -1;

	NEED_ROOT();
	ck_assert_int_eq(run_as("/usr/bin/dash", argv, &p, 0, 0, &out, buf,
	    &err), 0);
	ck_assert_int_eq(out.status, 0);
	ck_assert_msg(out.elapsed_us < 3000000, "took %llu us",
	    (unsigned long long)out.elapsed_us);
	bg = (pid_t)atol(val(buf, "bg"));
	ck_assert_int_gt(bg, 1);
	ck_assert_msg(kill(bg, 0) == 0, "the command's child was killed");
	snprintf(want, sizeof(want), "%ld %ld", (long)getpgrp(),
	    (long)getsid(0));
	ck_assert_str_eq(val(buf, "pgsid"), want);
	/* not a subreaper: the orphan went to init, not to us */
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(prctl(PR_GET_CHILD_SUBREAPER, &was, 0, 0, 0), 0);
	ck_assert_int_eq(was, 0);
	(void)kill(bg, SIGKILL);
}
END_TEST

/* Python's subprocess resets SIGPIPE and SIGXFSZ, and nothing else. */
/* Our own SigIgn mask, from /proc/self/status. */
static unsigned long long
own_sigign(void)
{
	char line[256];
	unsigned long long v = 0;
	FILE *fp = fopen("/proc/self/status", "re");

	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "SigIgn:", 7) == 0)
			v = strtoull(line + 7, NULL, 16);
	fclose(fp);
	return v;
}

START_TEST(t_compat_signals)
{
	char buf[OUTMAX];
	char *argv[] = { "sh", "-c", "grep -E '^Sig(Ign|Blk)' /proc/$$/status "
	    "| tr -d '\\t' | tr : =", NULL };
	struct sbx_profile p = prof_compat();
	struct run_outcome out;
	struct rg_err err;
	sigset_t usr2;

	NEED_ROOT();
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &usr2, NULL), 0);
	ck_assert_int_eq(run_as("/usr/bin/dash", argv, &p, 0, 0, &out, buf,
	    &err), 0);
	ck_assert_int_eq(out.status, 0);
	/*
	 * The command inherits what we ignore, as under oslo.rootwrap, but
	 * for SIGPIPE and SIGXFSZ, reset as Python's subprocess does. What we
	 * ignore depends on who started the test runner (a CI harness may
	 * ignore the real-time signals 32 and 33, which glibc will not let
	 * us reset), so the expectation is derived from our own status.
	 */
	{
		char want[32];
		unsigned long long ign = own_sigign();

		ign &= ~((1ULL << (SIGPIPE - 1)) | (1ULL << (SIGXFSZ - 1)));
		ck_assert(ign & (1ULL << (SIGHUP - 1)));
		snprintf(want, sizeof(want), "%016llx", ign);
		ck_assert_str_eq(val(buf, "SigIgn"), want);
	}
	ck_assert_str_eq(val(buf, "SigBlk"), "0000000000000800");
}
END_TEST

static void
on_usr2(int sig)
{
	(void)sig;
}

/* The probe's KEY mask (SigIgn, ...) as a number. */
static unsigned long long
report_mask(const char *buf, const char *key)
{
	ck_assert_str_ne(val(buf, key), "");
	return strtoull(val(buf, key), NULL, 16);
}

#define SIGBIT(s) (1ULL << ((s) - 1))

/* What the caller ignores, catches or blocks does not reach the
 * command, with the sandbox and without (enter.c: SIG_IGN and the mask
 * survive execve), nor does a handler of ours run in the vfork'd child.
 * Only the test's own signals are looked at: a sanitizer build's probe
 * catches SIGSEGV, SIGBUS and SIGFPE itself, and a harness may ignore
 * glibc's 32 and 33, which nobody can reset. */
START_TEST(t_signals_reset)
{
	const unsigned long long ign = SIGBIT(SIGHUP) | SIGBIT(SIGUSR1) |
	    SIGBIT(SIGTTOU);
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", "report", NULL };
	struct sbx_profile p;
	struct run_outcome out;
	sigset_t blk;

	NEED_ROOT();
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGUSR2, on_usr2);
	sigemptyset(&blk);
	sigaddset(&blk, SIGWINCH);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &blk, NULL), 0);
	for (int off = 0; off < 2; off++) {
		p = prof_default();
		p.enabled = off == 0;
		ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
		ck_assert_int_eq(out.status, 0);
		ck_assert_uint_eq(report_mask(buf, "SigIgn") & ign, 0);
		ck_assert_uint_eq(report_mask(buf, "SigCgt") & SIGBIT(SIGUSR2),
		    0);
		ck_assert_uint_eq(report_mask(buf, "SigBlk") &
		    SIGBIT(SIGWINCH), 0);
	}
	ck_assert_int_eq(sigprocmask(SIG_UNBLOCK, &blk, NULL), 0);
	signal(SIGHUP, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGTTOU, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}
END_TEST

/* Descriptors, cwd, umask, environment: the caller's, as oslo. */
START_TEST(t_compat_process)
{
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", "report", NULL };
	struct sbx_profile p = prof_compat();
	struct run_outcome out;
	mode_t old;

	NEED_ROOT();
	ck_assert_int_eq(chdir(rdir), 0);
	old = umask(027);
	/* an fd of ours without close-on-exec: not the command's */
	ck_assert_int_ge(open("/dev/null", O_RDONLY), 3);
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_int_eq(out.status, 0);
	ck_assert_str_eq(val(buf, "cwd"), rdir);
	ck_assert_str_eq(val(buf, "Umask"), "0027");
	ck_assert_str_eq(val(buf, "fds"), "0 1 2 ");
	ck_assert_str_eq(val(buf, "NoNewPrivs"), "0");
	ck_assert_str_eq(val(buf, "Seccomp"), "0");
	assert_ns(buf, "mnt", 0);
	assert_ns(buf, "pid", 0);
	ck_assert_ptr_nonnull(strstr(buf,
	    "env=PATH=/usr/bin:/bin\nenv=RG_TEST=1\ncwd="));
	umask(old);
	ck_assert_int_eq(chdir("/"), 0);
}
END_TEST

/*
 * run_as root: no id call, the caller's groups stay (oslo: no setuid);
 * another user: setuid as oslo, gid 0 kept, supplementary groups emptied
 * (doc/rootwrap-compat.md #21: oslo keeps root's).
 */
START_TEST(t_compat_ids)
{
	char buf[OUTMAX], caps[64];
	char *argv[] = { "rg-probe", "report", NULL };
	struct sbx_profile p = prof_compat();
	struct run_outcome out;
	struct rg_err err;
	gid_t g[2] = { 0, 4 };

	NEED_ROOT();
	ck_assert_int_eq(setgroups(2, g), 0);
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, buf), 0);
	ck_assert_str_eq(val(buf, "groups"), "0,4");
	ck_assert_str_eq(val(buf, "Uid"), "0 0 0 0");
	own_status("CapEff", caps, sizeof(caps));
	ck_assert_str_eq(val(buf, "CapEff"), caps);
	own_status("CapBnd", caps, sizeof(caps));
	ck_assert_str_eq(val(buf, "CapBnd"), caps);
	ck_assert_int_eq(run_as(probe, argv, &p, 65534, 0, &out, buf, &err),
	    0);
	ck_assert_str_eq(val(buf, "Uid"), "65534 65534 65534 65534");
	ck_assert_str_eq(val(buf, "Gid"), "0 0 0 0");
	ck_assert_str_eq(val(buf, "groups"), "");
	ck_assert_str_eq(val(buf, "CapEff"), "0000000000000000");
}
END_TEST

/* A profile cannot both keep descendants and confine them. */
START_TEST(t_compat_needs_sandbox_off)
{
	char buf[OUTMAX];
	char *argv[] = { "rg-probe", "report", NULL };
	struct sbx_profile p = prof_default();
	struct run_outcome out;
	struct rg_err err;

	NEED_ROOT();
	p.keep_descendants = true;
	ck_assert_int_eq(run_as(probe, argv, &p, 0, 0, &out, buf, &err), -1);
	ck_assert_int_eq(out.status, 125);
	ck_assert_ptr_nonnull(strstr(err.msg, "keep_descendants"));
}
END_TEST

/* --- run_start / run_end, supervised step by step (rootgated's way) -- */

/* What the broker's loop does: watch the pidfd, call sup_timer at the
 * deadline, sup_try_reap when it is readable. sig, if not 0, is
 * forwarded with sup_signal right after the start (once the probe tree
 * is up, when marker is given). */
/* run_start with /dev/null as the three streams and the forwarded
 * signals blocked (run.h: the caller blocks them, as rootgated); *old is
 * the mask to restore. On failure the mask is restored already. */
static int
step_start(const char *path, char **argv, const struct sbx_profile *p,
    struct run_job *j, struct run_outcome *out, struct rg_err *err,
    sigset_t *old)
{
	struct run_request req;
	sigset_t set;
	int nul = open("/dev/null", O_RDWR | O_CLOEXEC), rc;

	ck_assert_int_ge(nul, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, old), 0);
	req = request(path, argv, p, 0, 0, nul, nul);
	memset(err, 0, sizeof(*err));
	rc = run_start(&req, j, out, err);
	close(nul);	/* the child has its own copies */
	if (rc < 0)
		ck_assert_int_eq(sigprocmask(SIG_SETMASK, old, NULL), 0);
	return rc;
}

static int
step_run_path(const char *path, char **argv, const struct sbx_profile *p,
    int sig, const char *marker, struct run_outcome *out,
    struct rg_err *err)
{
	struct run_job j;
	sigset_t old;
	int r = 0, rc;

	if (step_start(path, argv, p, &j, out, err, &old) < 0)
		return -1;
	for (int i = 0; sig != 0 && marker != NULL &&
	    survivors(marker) < 3; i++) {
		ck_assert_int_lt(i, 200);
		usleep(10000);
	}
	if (sig != 0)
		sup_signal(&j.s, sig);
	while (r == 0) {
		struct pollfd pfd = { j.c.pidfd, POLLIN, 0 };
		struct timespec ts;
		int64_t now, tmo = -1;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		if (j.s.next_ms >= 0 && j.s.next_ms <= now) {
			sup_timer(&j.s, out);
			continue;
		}
		if (j.s.next_ms >= 0)
			tmo = j.s.next_ms - now;
		ck_assert_int_ge(poll(&pfd, 1, (int)tmo), 0);
		if (pfd.revents & POLLIN)
			r = sup_try_reap(&j.s, out);
		ck_assert_int_ge(r, 0);
	}
	rc = run_end(&j, out, err);
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	return rc;
}

static int
step_run(char **argv, const struct sbx_profile *p, int sig,
    const char *marker, struct run_outcome *out, struct rg_err *err)
{
	return step_run_path(probe, argv, p, sig, marker, out, err);
}

START_TEST(t_step_status)
{
	char *a1[] = { "rg-probe", "exit", "7", NULL };
	char *a2[] = { "rg-probe", "raise", "15", NULL };
	char *a3[] = { "rg-probe", "sleep", "1", NULL };
	struct sbx_profile p;
	struct run_outcome out;
	struct rg_err err;

	NEED_ROOT();
	p = prof_default();
	ck_assert_int_eq(step_run(a1, &p, 0, NULL, &out, &err), 0);
	ck_assert_int_eq(out.status, 7);
	ck_assert(out.started);
	ck_assert_int_eq(step_run(a2, &p, 0, NULL, &out, &err), 0);
	ck_assert_int_eq(out.status, 143);	/* the command's, not init's */
	/* sandbox off: the vfork'd child, no namespace */
	p.enabled = false;
	ck_assert_int_eq(step_run(a1, &p, 0, NULL, &out, &err), 0);
	ck_assert_int_eq(out.status, 7);
	/* a try before the exit reaps nothing; the exit is seen later */
	p = prof_default();
	ck_assert_int_eq(step_run(a3, &p, 0, NULL, &out, &err), 0);
	ck_assert_int_eq(out.status, 0);
	ck_assert_uint_ge(out.elapsed_us, 900000);
}
END_TEST

START_TEST(t_step_signal_and_timeout)
{
	char marker[64];
	char *a1[] = { "rg-probe", "sleep", "30", marker, NULL };
	char *a2[] = { "rg-probe", "sleep", "30", marker, NULL };
	struct sbx_profile p;
	struct run_outcome out;
	struct rg_err err;

	NEED_ROOT();
	snprintf(marker, sizeof(marker), "rgstep-%ld", (long)getpid());
	p = prof_default();
	/* the marker makes the sleepers ignore SIGTERM: INT, then */
	ck_assert_int_eq(step_run(a1, &p, SIGINT, marker, &out, &err), 0);
	ck_assert_int_eq(out.status, 128 + SIGINT);
	ck_assert(!out.timed_out);
	ck_assert_int_eq(survivors(marker), 0);
	/* TERM ignored: KILL after the grace, the whole namespace */
	p.timeout_ms = 300;
	p.grace_ms = 300;
	ck_assert_int_eq(step_run(a2, &p, 0, NULL, &out, &err), 0);
	ck_assert_int_eq(out.status, 124);
	ck_assert(out.timed_out);
	ck_assert_msg(out.elapsed_us < 3000000, "took %llu us",
	    (unsigned long long)out.elapsed_us);
	ck_assert_int_eq(survivors(marker), 0);
}
END_TEST

/* Without a pid namespace the command's session is killed when it
 * exits, before its reap; a child that left the session is re-parented
 * to the subreaper, for it to kill. */
START_TEST(t_step_session_killed)
{
	char marker[64];
	char *argv[] = { "rg-probe", "leave", "30", marker, NULL };
	struct sbx_profile p;
	struct run_outcome out;
	struct rg_err err;
	char path[64];
	int i = 0, ws, left;
	pid_t w;
	FILE *fp;

	NEED_ROOT();
	snprintf(marker, sizeof(marker), "rgleave-%ld", (long)getpid());
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	p = prof_default();
	p.ns = SBX_NS_MOUNT | SBX_NS_IPC | SBX_NS_UTS;
	ck_assert_int_eq(step_run(argv, &p, 0, NULL, &out, &err), 0);
	ck_assert_int_eq(out.status, 0);
	/* the one in the session dies of the SIGKILL; the other lives */
	while (survivors(marker) > 1 && i++ < 200)
		usleep(10000);
	ck_assert_int_eq(survivors(marker), 1);
	w = waitpid(-1, &ws, __WALL);	/* the dead one, re-parented */
	ck_assert_int_gt(w, 0);
	ck_assert(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);
	/* the escaped one, ours now: kill and reap it */
	snprintf(path, sizeof(path), "/proc/self/task/%ld/children",
	    (long)gettid());
	fp = fopen(path, "re");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fscanf(fp, "%d", &left), 1);
	fclose(fp);
	ck_assert_int_eq(kill(left, SIGKILL), 0);
	ck_assert_int_eq(waitpid(left, NULL, __WALL), left);
	ck_assert_int_eq(survivors(marker), 0);
}
END_TEST

/* Supervise.c invariant 8, the broker's early end: start as
 * step_run_path, read the status pipe as it becomes readable until
 * run_poll_done says 1 (DONE: the run has ended, but for the exiting
 * init) or -1 (the pipe will say no more). On 1, *out and the return
 * value are run_end_done's, taken before the reap; the init is reaped
 * afterwards and run_release'd. On -1, the run is reaped and ended as
 * run_end does. *done is what run_poll_done said last. */
static int
step_run_done(char **argv, const struct sbx_profile *p, int *done,
    struct run_outcome *out, struct rg_err *err)
{
	struct run_outcome late;
	struct run_job j;
	sigset_t old;
	int r = 0, rc = 0;

	ck_assert_int_eq(step_start(probe, argv, p, &j, out, err, &old), 0);
	for (int i = 0; (*done = run_poll_done(&j, out)) == 0; i++) {
		struct pollfd pfd = { j.c.statusfd, POLLIN, 0 };

		ck_assert_int_lt(i, 1000);
		ck_assert_int_eq(poll(&pfd, 1, 20000), 1);
	}
	if (*done == 1) {
		rc = run_end_done(&j, out, err);
		/* the pipe stays readable: run_poll_done does not re-read */
		ck_assert_int_eq(run_poll_done(&j, out), 1);
	}
	memset(&late, 0, sizeof(late));
	while (r == 0) {
		struct pollfd pfd = { j.c.pidfd, POLLIN, 0 };

		ck_assert_int_eq(poll(&pfd, 1, 20000), 1);
		r = sup_try_reap(&j.s, *done == 1 ? &late : out);
	}
	ck_assert_int_eq(r, 1);
	if (*done == 1) {
		ck_assert(WIFEXITED(late.wstatus));	/* the init's own */
		run_release(&j);
		ck_assert_int_eq(j.c.pidfd, -1);
	} else
		rc = run_end(&j, out, err);
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	return rc;
}

START_TEST(t_step_done)
{
	char marker[64];
	char *a1[] = { "rg-probe", "exit", "7", NULL };
	char *a2[] = { "rg-probe", "raise", "15", NULL };
	char *a3[] = { "rg-probe", "leave", "30", marker, NULL };
	char *deny[] = { "execveat" };
	struct sbx_profile p;
	struct run_outcome out;
	struct rg_err err;
	int done;

	NEED_ROOT();
	snprintf(marker, sizeof(marker), "rgdone-%ld", (long)getpid());
	p = prof_default();
	/* the command exits alone: DONE, with its status and usage */
	ck_assert_int_eq(step_run_done(a1, &p, &done, &out, &err), 0);
	ck_assert_int_eq(done, 1);
	ck_assert_int_eq(out.status, 7);
	ck_assert(out.started);
	ck_assert(WIFEXITED(out.wstatus) && WEXITSTATUS(out.wstatus) == 7);
	ck_assert_int_gt(out.ru.ru_maxrss, 0);
	ck_assert_int_lt(out.ru.ru_maxrss, 1L << 22);	/* < 4 GiB, sane */
	ck_assert_int_ge(out.ru.ru_utime.tv_usec, 0);
	ck_assert_int_lt(out.ru.ru_utime.tv_usec, 1000000);
	ck_assert_int_ge(out.ru.ru_stime.tv_usec, 0);
	ck_assert_int_lt(out.ru.ru_stime.tv_usec, 1000000);
	ck_assert_int_gt(out.ru.ru_stime.tv_sec * 1000000 +
	    out.ru.ru_stime.tv_usec + out.ru.ru_utime.tv_sec * 1000000 +
	    out.ru.ru_utime.tv_usec, 0);	/* an exec costs CPU time */
	ck_assert_uint_gt(out.elapsed_us, 0);
	ck_assert_int_eq(step_run_done(a2, &p, &done, &out, &err), 0);
	ck_assert_int_eq(done, 1);
	ck_assert_int_eq(out.status, 128 + SIGTERM);
	/* it leaves two sleepers in the namespace: no DONE, the run ends
	 * at the reap, with nothing left */
	ck_assert_int_eq(step_run_done(a3, &p, &done, &out, &err), 0);
	ck_assert_int_eq(done, -1);
	ck_assert_int_eq(out.status, 0);
	ck_assert_int_eq(survivors(marker), 0);
	/* a command that never ran: DONE says so, as run_end would */
	p.sc_deny = deny;
	p.nsc_deny = 1;
	ck_assert_int_eq(step_run_done(a1, &p, &done, &out, &err), -1);
	ck_assert_int_eq(done, 1);
	ck_assert_int_eq(out.status, 125);
	ck_assert(!out.started);
	ck_assert_str_eq(out.stage, "execute");
	ck_assert_int_eq(out.child_errno, EPERM);
	/* no pid namespace, no early end */
	p = prof_default();
	p.ns = SBX_NS_MOUNT | SBX_NS_IPC | SBX_NS_UTS;
	ck_assert_int_eq(step_run_done(a1, &p, &done, &out, &err), 0);
	ck_assert_int_eq(done, -1);
	ck_assert_int_eq(out.status, 7);
	p.enabled = false;
	ck_assert_int_eq(step_run_done(a1, &p, &done, &out, &err), 0);
	ck_assert_int_eq(done, -1);
	ck_assert_int_eq(out.status, 7);
}
END_TEST

START_TEST(t_step_refusals)
{
	char *argv[] = { "rg-probe", "exit", "0", NULL };
	struct sbx_profile p;
	struct run_outcome out;
	struct rg_err err;
	char path[160];

	NEED_ROOT();
	snprintf(path, sizeof(path), "%s/nonexistent", dir);
	p = prof_default();
	ck_assert_int_eq(step_run_path(path, argv, &p, 0, NULL, &out, &err),
	    -1);
	ck_assert_int_eq(out.status, 96);
	ck_assert(!out.started);
	p.cwd = "/nonexistent-rootgate-dir";	/* fails in the child */
	ck_assert_int_eq(step_run(argv, &p, 0, NULL, &out, &err), -1);
	ck_assert_int_eq(out.status, 125);
	ck_assert(!out.started);
	ck_assert_str_eq(out.stage, "change directory");
	ck_assert_ptr_nonnull(strstr(err.msg, "change directory"));
	p = prof_default();
	p.enabled = false;
	p.keep_descendants = true;		/* only run_command runs it */
	ck_assert_int_eq(step_run(argv, &p, 0, NULL, &out, &err), -1);
	ck_assert_int_eq(out.status, 125);
	ck_assert_ptr_nonnull(strstr(err.msg, "rootwrap compatibility"));
	/* a caller that left the forwarded signals unblocked */
	{
		struct run_request req;
		struct run_job j;
		sigset_t none;

		sigemptyset(&none);
		ck_assert_int_eq(sigprocmask(SIG_SETMASK, &none, NULL), 0);
		p = prof_default();
		memset(&req, 0, sizeof(req));
		req.exec_path = probe;
		req.argv = argv;
		req.envp = env2;
		req.sbx = &p;
		ck_assert_int_eq(run_start(&req, &j, &out, &err), -1);
		ck_assert_int_eq(out.status, 125);
		ck_assert_ptr_nonnull(strstr(err.msg, "not blocked"));
	}
}
END_TEST

/* --- prepared inits (run_park, run_start_parked: rootgated) ---------- */

/* Hand argv to rp's init, supervise to the end; stdout and stderr in
 * buf. run_start_parked's result when not 0, else run_end's. The
 * forwarded signals are blocked by the caller. */
static int
parked_run(const char *path, char **argv, const struct sbx_profile *p,
    struct run_parked *rp, struct run_outcome *out, char *buf,
    struct rg_err *err)
{
	struct run_request req;
	struct run_job j;
	int mfd = memfd_create("out", MFD_CLOEXEC);
	int nul = open("/dev/null", O_RDONLY | O_CLOEXEC), rc, r = 0;
	ssize_t n;

	ck_assert_int_ge(mfd, 0);
	ck_assert_int_ge(nul, 0);
	req = request(path, argv, p, 0, 0, nul, mfd);
	memset(err, 0, sizeof(*err));
	rc = run_start_parked(&req, rp, &j, out, err);
	close(nul);
	if (rc == 0) {
		while (r == 0) {
			struct pollfd pfd = { j.c.pidfd, POLLIN, 0 };

			ck_assert_int_eq(poll(&pfd, 1, 20000), 1);
			r = sup_try_reap(&j.s, out);
			ck_assert_int_ge(r, 0);
		}
		rc = run_end(&j, out, err);
	}
	n = pread(mfd, buf, OUTMAX - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(mfd);
	return rc;
}

static void
block_forwarded(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, old), 0);
}

/* Wait until a discarded init is gone, and reap it. */
static void
reap_discarded(struct run_parked *rp)
{
	siginfo_t si;

	ck_assert_int_ge(rp->p.pidfd, 0);
	memset(&si, 0, sizeof(si));
	ck_assert_int_eq(waitid((idtype_t)P_PIDFD, (id_t)rp->p.pidfd, &si,
	    WEXITED | __WALL), 0);
	ck_assert_int_eq(si.si_code, CLD_KILLED);
	ck_assert_int_eq(si.si_status, SIGKILL);
	close(rp->p.pidfd);
	rp->p.pidfd = -1;
}

/* Lines of the probe's report that a prepared init must give the command
 * exactly as a fresh one does: all but the namespaces' inode numbers. */
static void
strip_ns(char *buf)
{
	char *w = buf;

	for (char *l = buf; *l != '\0';) {
		size_t n = strcspn(l, "\n");
		bool keep = strncmp(l, "ns_", 3) != 0;

		if (l[n] == '\n')
			n++;
		if (keep) {
			memmove(w, l, n);
			w += n;
		}
		l += n;
	}
	*w = '\0';
}

/* The command of a prepared init sees what run_command's does: the same
 * report (status, ids, capabilities, limits, descriptors, environment,
 * cwd, the refused calls), new namespaces, its writable path writable,
 * the rest read-only. */
START_TEST(t_parked_same_as_fresh)
{
	char wfile[200], rfile[200];
	char *argv[] = { "rg-probe", "report", "-w", wfile, "-w", rfile,
	    NULL };
	static char fresh[OUTMAX], parked[OUTMAX];
	struct sbx_profile p;
	struct run_parked rp;
	struct run_outcome out;
	struct rg_err err;
	sigset_t old;

	NEED_ROOT();
	snprintf(wfile, sizeof(wfile), "%s/f", wdir);
	snprintf(rfile, sizeof(rfile), "%s/f", rdir);
	p = prof_default();
	if (sbx_templates_init() < 0) {
		/* valgrind lacks fsopen: no templates, so no prepared init */
		block_forwarded(&old);
		ck_assert_int_eq(run_park(&p, &rp, &err), 1);
		ck_assert_int_eq(sigprocmask(SIG_SETMASK, &old, NULL), 0);
		return;
	}
	ck_assert_int_eq(run_probe(argv, &p, 0, &out, fresh), 0);
	ck_assert_int_eq(out.status, 0);
	block_forwarded(&old);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(run_park(&p, &rp, &err), 0);
	ck_assert_int_ge(rp.p.pidfd, 0);
	ck_assert_int_ge(rp.p.ctlfd, 0);
	ck_assert_int_eq(parked_run(probe, argv, &p, &rp, &out, parked, &err),
	    0);
	ck_assert_int_eq(out.status, 0);
	ck_assert(out.started);
	ck_assert_int_eq(rp.p.pidfd, -1);	/* handed to the job */
	ck_assert_int_eq(rp.p.ctlfd, -1);
	assert_ns(parked, "pid", 1);
	assert_ns(parked, "mnt", 1);
	assert_ns(parked, "ipc", 1);
	assert_ns(parked, "uts", 1);
	ck_assert_str_eq(wval(parked, wfile), "OK");
	ck_assert_str_eq(wval(parked, rfile), "EROFS");
	ck_assert_str_eq(val(parked, "NoNewPrivs"), "1");
	ck_assert_str_eq(val(parked, "CapBnd"), "0000000000000000");
	strip_ns(fresh);
	strip_ns(parked);
	ck_assert_str_eq(parked, fresh);
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	sbx_templates_release();
}
END_TEST

/* Statuses and failures through a prepared init: the command's exit
 * status and signal; a missing executable (96, the init unused: still
 * the caller's); an init that died (1: nothing started, the caller
 * takes run_start); profiles that cannot have one. */
START_TEST(t_parked_outcomes)
{
	char *a1[] = { "rg-probe", "exit", "7", NULL };
	char *a2[] = { "rg-probe", "raise", "15", NULL };
	char buf[OUTMAX], path[160];
	struct sbx_profile p;
	struct run_parked rp;
	struct run_outcome out;
	struct rg_err err;
	sigset_t old;

	NEED_ROOT();
	if (sbx_templates_init() < 0)
		return;		/* t_parked_same_as_fresh says why */
	block_forwarded(&old);
	p = prof_default();
	ck_assert_int_eq(run_park(&p, &rp, &err), 0);
	ck_assert_int_eq(parked_run(probe, a1, &p, &rp, &out, buf, &err), 0);
	ck_assert_int_eq(out.status, 7);
	ck_assert_int_eq(run_park(&p, &rp, &err), 0);
	ck_assert_int_eq(parked_run(probe, a2, &p, &rp, &out, buf, &err), 0);
	ck_assert_int_eq(out.status, 128 + SIGTERM);
	/* the executable is gone: the request fails, the init stays ours */
	snprintf(path, sizeof(path), "%s/nonexistent", dir);
	ck_assert_int_eq(run_park(&p, &rp, &err), 0);
	ck_assert_int_eq(parked_run(path, a1, &p, &rp, &out, buf, &err), -1);
	ck_assert_int_eq(out.status, 96);
	ck_assert_int_ge(rp.p.ctlfd, 0);
	run_parked_discard(&rp);
	reap_discarded(&rp);
	/* the init died before its request: 1, and the caller falls back */
	ck_assert_int_eq(run_park(&p, &rp, &err), 0);
	ck_assert_int_eq(kill(rp.p.pid, SIGKILL), 0);
	{
		siginfo_t si;

		ck_assert_int_eq(waitid((idtype_t)P_PIDFD, (id_t)rp.p.pidfd,
		    &si, WEXITED | WNOWAIT | __WALL), 0);
	}
	ck_assert_int_eq(parked_run(probe, a1, &p, &rp, &out, buf, &err), 1);
	ck_assert_int_ge(rp.p.pidfd, 0);	/* untouched */
	run_parked_discard(&rp);
	reap_discarded(&rp);
	/* another profile's request is refused */
	ck_assert_int_eq(run_park(&p, &rp, &err), 0);
	{
		struct sbx_profile q = prof_default();

		ck_assert_int_eq(parked_run(probe, a1, &q, &rp, &out, buf,
		    &err), -1);
		ck_assert_ptr_nonnull(strstr(err.msg, "not a prepared init"));
	}
	run_parked_discard(&rp);
	reap_discarded(&rp);
	/* profiles that cannot have one */
	p.enabled = false;
	ck_assert_int_eq(run_park(&p, &rp, &err), 1);
	p = prof_default();
	p.ns = SBX_NS_MOUNT | SBX_NS_IPC | SBX_NS_UTS;
	ck_assert_int_eq(run_park(&p, &rp, &err), 1);
	p = prof_default();
	p.ns = SBX_NS_PID | SBX_NS_IPC | SBX_NS_UTS;
	p.nwritable = 0;	/* they need a mount namespace */
	p.private_tmp = false;
	ck_assert_int_eq(run_park(&p, &rp, &err), 1);
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	/* the forwarded signals unblocked: refused, as run_start */
	p = prof_default();
	ck_assert_int_eq(run_park(&p, &rp, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not blocked"));
	sbx_templates_release();
	ck_assert_int_eq(survivors("rg-probe"), 0);
}
END_TEST

/* The request message (spawn.h): what the init accepts, and what not. */
START_TEST(t_park_decode)
{
	char buf[256], *vec[8], **av, **ev;
	struct spawn_park_msg h = { SPAWN_PARK_MAGIC, 5, 6, 2, 1, 0 };
	const char strs[] = "rg-probe\0exit\0A=b";	/* 3 strings */
	size_t n = sizeof(h) + sizeof(strs);
	uid_t u;
	gid_t g;

	h.len = (uint32_t)sizeof(strs);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), strs, sizeof(strs));
	ck_assert_int_eq(spawn_park_decode(buf, n, vec, 8, &av, &ev, &u, &g),
	    0);
	ck_assert_str_eq(av[0], "rg-probe");
	ck_assert_str_eq(av[1], "exit");
	ck_assert_ptr_null(av[2]);
	ck_assert_str_eq(ev[0], "A=b");
	ck_assert_ptr_null(ev[1]);
	ck_assert_uint_eq(u, 5);
	ck_assert_uint_eq(g, 6);
	/* truncated; trailing bytes; too few strings; too short a header */
	ck_assert_int_eq(spawn_park_decode(buf, n - 1, vec, 8, &av, &ev, &u,
	    &g), -1);
	buf[n] = 'x';
	ck_assert_int_eq(spawn_park_decode(buf, n + 1, vec, 8, &av, &ev, &u,
	    &g), -1);
	ck_assert_int_eq(spawn_park_decode(buf, 4, vec, 8, &av, &ev, &u, &g),
	    -1);
	/* a string without its NUL */
	memcpy(buf + sizeof(h), strs, sizeof(strs));
	buf[n - 1] = 'x';
	ck_assert_int_eq(spawn_park_decode(buf, n, vec, 8, &av, &ev, &u, &g),
	    -1);
	buf[n - 1] = '\0';
	/* more strings than the vector holds */
	ck_assert_int_eq(spawn_park_decode(buf, n, vec, 4, &av, &ev, &u, &g),
	    -1);
	/* wrong magic; no argv; invalid ids */
	h.magic = 0;
	memcpy(buf, &h, sizeof(h));
	ck_assert_int_eq(spawn_park_decode(buf, n, vec, 8, &av, &ev, &u, &g),
	    -1);
	h.magic = SPAWN_PARK_MAGIC;
	h.argc = 0;
	h.envc = 3;
	memcpy(buf, &h, sizeof(h));
	ck_assert_int_eq(spawn_park_decode(buf, n, vec, 8, &av, &ev, &u, &g),
	    -1);
	h.argc = 2;
	h.envc = 1;
	h.uid = (uint32_t)-1;
	memcpy(buf, &h, sizeof(h));
	ck_assert_int_eq(spawn_park_decode(buf, n, vec, 8, &av, &ev, &u, &g),
	    -1);
}
END_TEST

Suite *
suite_run(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("run");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_default_profile);
	tcase_add_test(tc, t_parked_same_as_fresh);
	tcase_add_test(tc, t_parked_outcomes);
	tcase_add_test(tc, t_park_decode);
	tcase_add_test(tc, t_caps_granted);
	tcase_add_test(tc, t_optional_namespaces);
	tcase_add_test(tc, t_limits);
	tcase_add_test(tc, t_disabled);
	tcase_add_test(tc, t_seccomp_off_and_allow);
	tcase_add_test(tc, t_seccomp_embedded_is_libseccomps);
	tcase_add_test(tc, t_seccomp_default_program_verdicts);
	tcase_add_test(tc, t_bad_syscall_name);
	tcase_add_test(tc, t_x32_refused);
	tcase_add_test(tc, t_exit_codes);
	tcase_add_test(tc, t_command_not_pid1);
	tcase_add_test(tc, t_timeout_pidns);
	tcase_add_test(tc, t_timeout_no_pidns);
	tcase_add_test(tc, t_forkbomb);
	tcase_add_test(tc, t_signal_forward);
	tcase_add_test(tc, t_missing_executable);
	tcase_add_test(tc, t_unsafe_executable);
	tcase_add_test(tc, t_swapped_after_open);
	tcase_add_test(tc, t_setup_failure);
	tcase_add_test(tc, t_hidden_paths);
	tcase_add_test(tc, t_hidden_many);
	tcase_add_test(tc, t_writable_under_tmp);
	tcase_add_test(tc, t_cgroup_limits);
	tcase_add_test(tc, t_qemu_img);
	tcase_add_test(tc, t_devices_minimal);
	tcase_add_test(tc, t_templates);
	tcase_add_test(tc, t_devices_host);
	tcase_add_test(tc, t_nofollow);
	tcase_add_test(tc, t_hidden_missing);
	tcase_add_test(tc, t_hidden_replaced);
	tcase_add_test(tc, t_grace_zero);
	tcase_add_test(tc, t_cwd_umask);
	tcase_add_test(tc, t_compat_keeps_descendants);
	tcase_add_test(tc, t_compat_signals);
	tcase_add_test(tc, t_signals_reset);
	tcase_add_test(tc, t_compat_process);
	tcase_add_test(tc, t_compat_ids);
	tcase_add_test(tc, t_compat_needs_sandbox_off);
	tcase_add_test(tc, t_step_status);
	tcase_add_test(tc, t_step_signal_and_timeout);
	tcase_add_test(tc, t_step_done);
	tcase_add_test(tc, t_step_session_killed);
	tcase_add_test(tc, t_step_refusals);
	suite_add_tcase(s, tc);
	return s;
}
