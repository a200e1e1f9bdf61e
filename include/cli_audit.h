/* SPDX-License-Identifier: ISC */
/* cli_audit.h - the auditor's subcommands of audit/ (cli/ only). */
#ifndef ROOTGATE_CLI_AUDIT_H
#define ROOTGATE_CLI_AUDIT_H

struct cli_opts;

/* `rootgate audit [--kb FILE] [--json] [--rootwrap-config FILE | PATH...]` */
int cmd_audit(const struct cli_opts *opts, int argc, char **argv);

/* `rootgate import-rootwrap CONFIG` */
int cmd_import(const struct cli_opts *opts, int argc, char **argv);

#endif
