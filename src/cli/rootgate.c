/* SPDX-License-Identifier: ISC */
/*
 * rootgate - run a command as a rule allows it, or tell what rules allow.
 *
 *   rootgate [--config DIR] [--socket PATH] [--] CMD [ARG...]
 *   rootgate [--config DIR] check [PATH...]
 *   rootgate [--config DIR] explain [--json] [--as USER] [--] CMD [ARG...]
 *   rootgate [--config DIR] list [--as USER] [--json]
 *   rootgate [--config DIR] audit [--kb FILE] [--json]
 *       [--rootwrap-config FILE | PATH...]
 *   rootgate import-rootwrap CONFIG
 *   rootgate keys
 * --rootwrap-config FILE (before the subcommand) reads an oslo.rootwrap
 * configuration instead of --config.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker.h"
#include "cli.h"
#include "cli_audit.h"
#include "exitcode.h"
#include "rulekeys.h"
#include "stdfds.h"

int cmd_run(const struct cli_opts *opts, int argc, char **argv);

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: rootgate [--config DIR] [--socket PATH] [--] CMD "
	    "[ARG...]\n"
	    "       rootgate [--config DIR] check [PATH...]\n"
	    "       rootgate [--config DIR] explain [--json] [--as USER] [--] "
	    "CMD [ARG...]\n"
	    "       rootgate [--config DIR] list [--as USER] [--json]\n"
	    "       rootgate [--config DIR] audit [--kb FILE] [--json] "
	    "[--rootwrap-config FILE | PATH...]\n"
	    "       rootgate import-rootwrap CONFIG\n"
	    "       rootgate keys\n"
	    "       rootgate --rootwrap-config FILE check|explain|list ...\n"
	    "default configuration: %s\n"
	    "a caller who is not root asks the broker at --socket, "
	    "$ROOTGATE_SOCKET or %s\n", RG_DEFAULT_CONFDIR,
	    BROKER_DEFAULT_SOCKET);
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "rootwrap-config", required_argument, NULL, 'r' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_opts opts = { RG_DEFAULT_CONFDIR, NULL, NULL };
	bool dashdash;
	int ch;

	/* a closed 0, 1 or 2 would be taken by the next file we open */
	if (rg_keep_stdio() < 0)
		return RG_EXIT_INTERNAL;
	/* nothing but stdio may leak into what we run (doas does the same) */
	closefrom(STDERR_FILENO + 1);
	opterr = 0;	/* our own message, below */
	while ((ch = getopt_long(argc, argv, "+c:hV", lopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			opts.confdir = optarg;
			break;
		case 'r':
			opts.rootwrap_conf = optarg;
			break;
		case 's':
			opts.socket = optarg;
			break;
		case 'h':
			usage(stdout);
			return RG_EXIT_OK;
		case 'V':
			printf("rootgate %s\n", RG_VERSION);
			return RG_EXIT_OK;
		default:
			return cli_usage_error(argv[optind - 1]);
		}
	}
	dashdash = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		cli_warnx("no command given");
		usage(stderr);
		return RG_EXIT_NO_COMMAND;
	}
	if (!dashdash) {
		if (strcmp(argv[0], "check") == 0)
			return cmd_check(&opts, argc, argv);
		if (strcmp(argv[0], "explain") == 0)
			return cmd_explain(&opts, argc, argv);
		if (strcmp(argv[0], "list") == 0)
			return cmd_list(&opts, argc, argv);
		if (strcmp(argv[0], "audit") == 0)
			return cmd_audit(&opts, argc, argv);
		if (strcmp(argv[0], "import-rootwrap") == 0)
			return cmd_import(&opts, argc, argv);
		if (strcmp(argv[0], "keys") == 0) {
			rulekeys_print(stdout);
			return RG_EXIT_OK;
		}
	}
	return cmd_run(&opts, argc, argv);
}
