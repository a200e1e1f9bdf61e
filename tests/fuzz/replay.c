/* SPDX-License-Identifier: ISC */
/*
 * replay.c - a main for the fuzz harnesses without libFuzzer: every file
 * named, and every file in every directory named, is read whole and fed
 * to LLVMFuzzerTestOneInput once, in byte order of name. make check runs
 * the seed corpus and tests/fuzz/regress/ through it, so each past crash
 * stays fixed under the normal compiler and under ASan/UBSan.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* A harness need not define it; libFuzzer treats it the same way. */
#pragma weak LLVMFuzzerInitialize

#define REPLAY_MAX_INPUT ((size_t)4 << 20)

static int
replay_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL || fstat(fileno(fp), &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	if ((size_t)st.st_size > REPLAY_MAX_INPUT) {
		fprintf(stderr, "replay: %s: larger than %zu bytes\n", path,
		    REPLAY_MAX_INPUT);
		fclose(fp);
		return -1;
	}
	/* exactly the input's size, so ASan sees any read past its end */
	if ((buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1)) == NULL) {
		fclose(fp);
		return -1;
	}
	n = fread(buf, 1, (size_t)st.st_size, fp);
	fclose(fp);
	if (n != (size_t)st.st_size) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(buf);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir, in byte order; *count gets how many ran. */
static int
replay_dir(const char *dir, size_t *count)
{
	char **names = NULL, **v;
	size_t n = 0;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((v = reallocarray(names, n + 1, sizeof(*v))) == NULL ||
		    (v[n] = strdup(de->d_name)) == NULL) {
			names = v != NULL ? v : names;
			rc = -1;
			break;
		}
		names = v;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path) < 0)
				rc = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	size_t count = 0;
	int rc = 0;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) < 0) {
			/* an empty regress/ directory need not exist */
			if (errno == ENOENT)
				continue;
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) < 0)
				rc = 1;
		} else if (replay_file(argv[i]) < 0)
			rc = 1;
		else
			count++;
	}
	fprintf(stderr, "replay: %s: %zu inputs%s\n", argv[0], count,
	    rc ? ", with errors" : "");
	return rc;
}
