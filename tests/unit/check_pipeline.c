/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/pipeline.c: pipeline definitions -> per-lcore stage sets. The parser
 * makes no DPDK calls, so it is tested here without EAL; each error has its
 * exact "name:line: problem" message checked, plus the shipped files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fp/core.h"

#include "pipeline.h"

#define ALL_STAGES (APP_STAGE_RX | FP_HANDLE_ARP | FP_HANDLE_ICMP | FP_HANDLE_TCP | APP_STAGE_TX)

static struct app_pipeline pl;
static char err[256];

static int
parse(const char *text)
{
	memset(err, 0, sizeof(err));
	return app_pipeline_parse(&pl, "t.pipeline", text, strlen(text), err, sizeof(err));
}

#define ck_pl_error(text, msg)                          \
	do {                                            \
		ck_assert_int_eq(parse(text), -EINVAL); \
		ck_assert_str_eq(err, msg);             \
	} while (0)

START_TEST(test_pipeline_default)
{
	char names[64];

	app_pipeline_default(&pl);
	ck_assert_uint_eq(app_pipeline_stages(&pl, 1), ALL_STAGES);
	ck_assert_uint_eq(app_pipeline_stages(&pl, 77), ALL_STAGES);
	ck_assert_uint_eq(app_pipeline_handlers(app_pipeline_stages(&pl, 1)),
			FP_HANDLE_ARP | FP_HANDLE_ICMP | FP_HANDLE_TCP);
	ck_assert_int_eq(app_pipeline_stage_names(ALL_STAGES, names, sizeof(names)), 23);
	ck_assert_str_eq(names, "rx arp icmp tcp_echo tx");
	ck_assert_int_eq(app_pipeline_stage_names(ALL_STAGES, names, 10), -ENOSPC);
}
END_TEST

START_TEST(test_pipeline_blocks)
{
	ck_assert_int_eq(parse("# c\n[lcores 1]\nstages = rx arp icmp tcp_echo tx\n\n"
			       "[ lcores all ]  # the rest\n  stages=rx arp icmp tx # no tcp\n"
			       "[lcores 3,5-6]\nstages = rx tx\n"),
			0);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(app_pipeline_stages(&pl, 1), ALL_STAGES);
	ck_assert_uint_eq(app_pipeline_stages(&pl, 2),
			APP_STAGE_RX | FP_HANDLE_ARP | FP_HANDLE_ICMP | APP_STAGE_TX);
	ck_assert_uint_eq(app_pipeline_stages(&pl, 3), APP_STAGE_RX | APP_STAGE_TX);
	ck_assert_uint_eq(app_pipeline_stages(&pl, 4), app_pipeline_stages(&pl, 2));
	ck_assert_uint_eq(app_pipeline_stages(&pl, 5), APP_STAGE_RX | APP_STAGE_TX);
	ck_assert_uint_eq(app_pipeline_stages(&pl, 6), APP_STAGE_RX | APP_STAGE_TX);
	ck_assert_uint_eq(app_pipeline_handlers(app_pipeline_stages(&pl, 6)), 0);
	ck_assert_uint_eq(pl.lcore_line[5], 7);

	/* Without an all block, lcores not named are idle (0). */
	ck_assert_int_eq(parse("[lcores 2]\nstages = rx icmp tx\n"), 0);
	ck_assert_uint_eq(app_pipeline_stages(&pl, 1), 0);
	ck_assert_uint_eq(
			app_pipeline_stages(&pl, 2), APP_STAGE_RX | FP_HANDLE_ICMP | APP_STAGE_TX);
	ck_assert_uint_eq(app_pipeline_stages(&pl, RTE_MAX_LCORE), 0);
}
END_TEST

START_TEST(test_pipeline_errors)
{
	ck_pl_error("[lcores all]\nstages = rx arp foo tx\n",
			"t.pipeline:2: unknown stage 'foo' (want rx, arp, icmp, tcp_echo, tx)");
	ck_pl_error("[lcores all]\nstages = rx arp icmp\n", "t.pipeline:2: missing tx stage");
	ck_pl_error("[lcores all]\nstages = arp rx tx\n",
			"t.pipeline:2: the first stage must be rx (got 'arp')");
	ck_pl_error("[lcores all]\nstages = rx tx icmp\n",
			"t.pipeline:2: tx must be the last stage ('icmp' follows it)");
	ck_pl_error("[lcores all]\nstages = rx icmp icmp tx\n",
			"t.pipeline:2: stage 'icmp' listed twice");
	ck_pl_error("[lcores all]\nstages =\n", "t.pipeline:2: missing rx stage");
	ck_pl_error("[lcores all]\n\n[lcores 1]\nstages = rx tx\n",
			"t.pipeline:1: block has no 'stages = ...' line");
	ck_pl_error("[lcores all]\nstages = rx tx\n[lcores 2]\n",
			"t.pipeline:3: block has no 'stages = ...' line");
	ck_pl_error("[lcores all]\nstages = rx tx\nstages = rx tx\n",
			"t.pipeline:3: duplicate key 'stages' in this block");
	ck_pl_error("stages = rx tx\n", "t.pipeline:1: 'stages' outside an [lcores ...] block");
	ck_pl_error("[lcores all]\nstage = rx tx\n",
			"t.pipeline:2: unknown key 'stage' (want stages)");
	ck_pl_error("[lcores all]\nstages rx tx\n", "t.pipeline:2: missing '=' after 'stages'");
	ck_pl_error("[workers all]\n",
			"t.pipeline:1: unknown block [workers all] (want [lcores all] "
			"or [lcores LIST])");
	ck_pl_error("[lcores all\n", "t.pipeline:1: missing ']' in block header");
	ck_pl_error("[lcores 1-x]\n",
			"t.pipeline:1: bad lcore list '1-x' (want all, or ids and "
			"ranges like 1,3-4)");
	ck_pl_error("[lcores 3-1]\n",
			"t.pipeline:1: bad lcore list '3-1' (want all, or ids and "
			"ranges like 1,3-4)");
	ck_pl_error("[lcores 1000]\n", "t.pipeline:1: lcore id out of range in '1000' (max 127)");
	ck_pl_error("[lcores 1-2]\nstages = rx tx\n[lcores 2]\nstages = rx tx\n",
			"t.pipeline:3: lcore 2 is already in the block at line 1");
	ck_pl_error("[lcores all]\nstages = rx tx\n[lcores all]\nstages = rx tx\n",
			"t.pipeline:3: duplicate [lcores all] (first at line 1)");
	ck_pl_error("# only comments\n", "t.pipeline: no [lcores ...] block: nothing would poll");
}
END_TEST

START_TEST(test_pipeline_load)
{
	char path[512];

	ck_assert_int_eq(
			app_pipeline_load(&pl, "/nonexistent.pipeline", err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "/nonexistent.pipeline: No such file or directory");

	/* meson passes the source root (FP_SOURCE_ROOT). */
	snprintf(path, sizeof(path), "%s/pipelines/echo.pipeline", FP_SOURCE_ROOT);
	ck_assert_msg(app_pipeline_load(&pl, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(pl.path, path);
	ck_assert_uint_eq(app_pipeline_stages(&pl, 1), ALL_STAGES);

	snprintf(path, sizeof(path), "%s/pipelines/split.pipeline", FP_SOURCE_ROOT);
	ck_assert_msg(app_pipeline_load(&pl, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(app_pipeline_stages(&pl, 1), ALL_STAGES);
	ck_assert_uint_eq(app_pipeline_handlers(app_pipeline_stages(&pl, 2)),
			FP_HANDLE_ARP | FP_HANDLE_ICMP);

	snprintf(path, sizeof(path), "%s/pipelines/ping.pipeline", FP_SOURCE_ROOT);
	ck_assert_msg(app_pipeline_load(&pl, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(app_pipeline_handlers(app_pipeline_stages(&pl, 1)),
			FP_HANDLE_ARP | FP_HANDLE_ICMP);
}
END_TEST

static Suite *
pipeline_suite(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_pipeline_default);
	tcase_add_test(tc, test_pipeline_blocks);
	tcase_add_test(tc, test_pipeline_errors);
	tcase_add_test(tc, test_pipeline_load);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pipeline_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
