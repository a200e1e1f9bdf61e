/* SPDX-License-Identifier: ISC */
/* suites.h - every unit suite, one constructor per module. */
#ifndef ROOTGATE_TEST_SUITES_H
#define ROOTGATE_TEST_SUITES_H

#include <check.h>

Suite *suite_diag(void);
Suite *suite_size(void);
Suite *suite_pathcanon(void);
Suite *suite_rx(void);
Suite *suite_native(void);
Suite *suite_pattern(void);
Suite *suite_match(void);
Suite *suite_run(void);
Suite *suite_rootwrap(void);
Suite *suite_audit(void);
Suite *suite_proto(void);
Suite *suite_proto_more(void);
Suite *suite_pathcanon_more(void);
Suite *suite_match_more(void);
Suite *suite_conf_more(void);
Suite *suite_rwimport_more(void);
Suite *suite_rwpath_more(void);
Suite *suite_constraint_more(void);
Suite *suite_rootwrap_more(void);
Suite *suite_peer(void);
Suite *suite_pcache(void);
Suite *suite_fswatch(void);

#define ROOTGATE_SUITES \
	suite_diag, suite_size, suite_pathcanon, suite_rx, suite_native, \
	suite_pattern, suite_match, suite_run, suite_rootwrap, suite_proto, \
	suite_audit, suite_proto_more, suite_pathcanon_more, suite_match_more, \
	suite_conf_more, suite_rwimport_more, suite_rwpath_more, \
	suite_constraint_more, suite_rootwrap_more, suite_peer, suite_pcache, \
	suite_fswatch

#endif
