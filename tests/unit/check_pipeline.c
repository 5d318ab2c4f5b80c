/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/pipeline.c: pipeline definitions -> per-lcore stage graphs. The parser
 * makes no DPDK calls, so it is tested here without EAL; each error class has
 * its exact "name:line: problem" message checked, plus the shipped files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fp/core.h"
#include "fp/stats.h"

#include "pipeline.h"

#define BIT(k) (1u << (k))
#define ALL_STAGES                                                                                \
	(BIT(APP_STAGE_RX) | BIT(APP_STAGE_ARP) | BIT(APP_STAGE_ICMP) | BIT(APP_STAGE_TCP_ECHO) | \
			BIT(APP_STAGE_TX))

static struct app_pipeline pl;
static char err[512];

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

#define ck_pl_ok(text)                                      \
	do {                                                \
		ck_assert_msg(parse(text) == 0, "%s", err); \
	} while (0)

static void
teardown(void)
{
	app_pipeline_free(&pl);
}

/* Where an lcore's block sends an output. */
static uint8_t
edge(unsigned lcore, enum app_stage_kind k, unsigned out)
{
	return app_pipeline_block(&pl, lcore)->st[k].out[out].to;
}

START_TEST(test_pipeline_default)
{
	char names[64];
	const struct app_pl_block *b;

	app_pipeline_default(&pl);
	ck_assert_uint_eq(app_pipeline_stages(&pl, 1), ALL_STAGES);
	ck_assert_uint_eq(app_pipeline_stages(&pl, 77), ALL_STAGES);
	ck_assert_uint_eq(app_pipeline_handlers(app_pipeline_stages(&pl, 1)),
			FP_HANDLE_ARP | FP_HANDLE_ICMP | FP_HANDLE_TCP);
	ck_assert_int_eq(app_pipeline_stage_names(ALL_STAGES, names, sizeof(names)), 23);
	ck_assert_str_eq(names, "rx arp icmp tcp_echo tx");
	ck_assert_int_eq(app_pipeline_stage_names(ALL_STAGES, names, 10), -ENOSPC);

	/* IPv4 enters icmp; what is not ICMP goes on to tcp_echo, then to drop. */
	b = app_pipeline_block(&pl, 1);
	ck_assert_uint_eq(b->ip_entry, APP_STAGE_ICMP);
	ck_assert_uint_eq(edge(1, APP_STAGE_ICMP, 0), APP_STAGE_TX);
	ck_assert_uint_eq(edge(1, APP_STAGE_ICMP, 1), APP_STAGE_TCP_ECHO);
	ck_assert_uint_eq(edge(1, APP_STAGE_TCP_ECHO, 0), APP_STAGE_TX);
	ck_assert_uint_eq(edge(1, APP_STAGE_TCP_ECHO, 1), APP_PL_TO_DROP);
	ck_assert_uint_eq(edge(1, APP_STAGE_ARP, 0), APP_STAGE_TX);
	ck_assert_uint_eq(app_stage_drop_reason(APP_STAGE_TCP_ECHO, 1), FP_CTR_DROP_IP4_PROTO);
	ck_assert_uint_eq(app_stage_drop_reason(APP_STAGE_ACL, 1), FP_CTR_DROP_ACL_DENY);
	ck_assert_uint_eq(app_stage_drop_reason(APP_STAGE_RATELIMIT, 1), FP_CTR_DROP_RATE_LIMIT);
}
END_TEST

START_TEST(test_pipeline_blocks)
{
	ck_pl_ok("# c\n[lcores 1]\nstages = rx arp icmp tcp_echo tx\n\n"
		 "[ lcores all ]  # the rest\n  stages=rx arp icmp tx # no tcp\n"
		 "[lcores 3,5-6]\nstages = rx arp tx\n");
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(app_pipeline_stages(&pl, 1), ALL_STAGES);
	ck_assert_uint_eq(app_pipeline_stages(&pl, 2),
			BIT(APP_STAGE_RX) | BIT(APP_STAGE_ARP) | BIT(APP_STAGE_ICMP) |
					BIT(APP_STAGE_TX));
	ck_assert_uint_eq(app_pipeline_stages(&pl, 3),
			BIT(APP_STAGE_RX) | BIT(APP_STAGE_ARP) | BIT(APP_STAGE_TX));
	ck_assert_uint_eq(app_pipeline_stages(&pl, 4), app_pipeline_stages(&pl, 2));
	ck_assert_uint_eq(app_pipeline_handlers(app_pipeline_stages(&pl, 6)), FP_HANDLE_ARP);
	ck_assert_uint_eq(app_pipeline_block(&pl, 5)->line, 7);
	ck_assert_uint_eq(app_pipeline_block(&pl, 3)->ip_entry, APP_PL_TO_DROP);
	app_pipeline_free(&pl);

	/* Without an all block, lcores not named are idle (0). */
	ck_pl_ok("[lcores 2]\nstages = rx icmp tx\n");
	ck_assert_uint_eq(app_pipeline_stages(&pl, 1), 0);
	ck_assert_ptr_null(app_pipeline_block(&pl, 1));
	ck_assert_uint_eq(app_pipeline_stages(&pl, 2),
			BIT(APP_STAGE_RX) | BIT(APP_STAGE_ICMP) | BIT(APP_STAGE_TX));
	ck_assert_uint_eq(app_pipeline_stages(&pl, RTE_MAX_LCORE), 0);
}
END_TEST

/* Named edges override the list order; the rest keep their defaults. */
START_TEST(test_pipeline_edges)
{
	ck_pl_ok("[lcores all]\nstages = rx arp acl ratelimit icmp tcp_echo tx\n"
		 "ratelimit.rate = 100 packets/s\nratelimit.burst = 10\n"
		 "acl.deny -> drop   # the default, said out loud\n"
		 "acl.permit -> tcp_echo\n"
		 "tcp_echo.next -> ratelimit\n"
		 "ratelimit.pass -> icmp\n"
		 "icmp.next -> drop\n");
	ck_assert_uint_eq(app_pipeline_block(&pl, 1)->ip_entry, APP_STAGE_ACL);
	ck_assert_uint_eq(edge(1, APP_STAGE_ACL, 0), APP_STAGE_TCP_ECHO);
	ck_assert_uint_eq(edge(1, APP_STAGE_ACL, 1), APP_PL_TO_DROP);
	ck_assert_uint_eq(app_pipeline_block(&pl, 1)->st[APP_STAGE_ACL].out[1].line, 5);
	ck_assert_uint_eq(edge(1, APP_STAGE_TCP_ECHO, 1), APP_STAGE_RATELIMIT);
	ck_assert_uint_eq(edge(1, APP_STAGE_RATELIMIT, 0), APP_STAGE_ICMP);
	ck_assert_uint_eq(edge(1, APP_STAGE_RATELIMIT, 1), APP_PL_TO_DROP);
	ck_assert_uint_eq(edge(1, APP_STAGE_ICMP, 1), APP_PL_TO_DROP);
	app_pipeline_free(&pl);

	/* A reply may pass through a stage on its way out (an egress filter). */
	ck_pl_ok("[lcores all]\nstages = rx arp reflect acl tx\n"
		 "reflect.reply -> acl\nacl.permit -> tx\n");
	ck_assert_uint_eq(app_pipeline_block(&pl, 1)->ip_entry, APP_STAGE_REFLECT);
	ck_assert_uint_eq(edge(1, APP_STAGE_ACL, 0), APP_STAGE_TX);
}
END_TEST

START_TEST(test_pipeline_params)
{
	const struct app_pl_block *b;

	ck_pl_ok("[lcores all]\nstages = rx arp acl ratelimit icmp tcp_echo tx\n"
		 "acl.default = deny\n"
		 "acl.rule = permit src 10.1.0.0/16 proto tcp dport 7\n"
		 "acl.rule = count proto icmp  # comments end a value\n"
		 "ratelimit.meter = trtcm\nratelimit.rate = 2k bytes/s\n"
		 "ratelimit.burst = 3000 bytes\nratelimit.peak_rate = 1M bytes/s\n"
		 "ratelimit.peak_burst = 6000\nratelimit.per = all\n"
		 "ratelimit.match = tcp_syn icmp\nratelimit.table_size = 1024\n");
	b = app_pipeline_block(&pl, 1);
	ck_assert_uint_eq(b->acl.default_deny, 1);
	ck_assert_uint_eq(b->acl.rules.n, 2);
	ck_assert_uint_eq(b->acl.rules.v[0].action, APP_ACL_PERMIT);
	ck_assert_uint_eq(b->acl.rules.v[0].src, 0x0a010000);
	ck_assert_uint_eq(b->acl.rules.v[0].line, 4);
	ck_assert_uint_eq(b->acl.rules.v[1].action, APP_ACL_COUNT);
	ck_assert_uint_eq(b->rl.meter, APP_RL_TRTCM);
	ck_assert_uint_eq(b->rl.unit, APP_RL_BYTES);
	ck_assert_uint_eq(b->rl.rate, 2000);
	ck_assert_uint_eq(b->rl.burst, 3000);
	ck_assert_uint_eq(b->rl.peak_rate, 1000000);
	ck_assert_uint_eq(b->rl.peak_burst, 6000);
	ck_assert_uint_eq(b->rl.key, APP_RL_PER_ALL);
	ck_assert_uint_eq(b->rl.match, APP_RL_MATCH_TCP_SYN | APP_RL_MATCH_ICMP);
	ck_assert_uint_eq(b->rl.table_size, 1024);
	app_pipeline_free(&pl);

	/* Defaults: srTCM in packets, per source, everything, 4096 meters. */
	ck_pl_ok("[lcores all]\nstages = rx ratelimit icmp tx\n"
		 "ratelimit.rate = 50 pps\nratelimit.burst = 5 packets\n");
	b = app_pipeline_block(&pl, 1);
	ck_assert_uint_eq(b->rl.meter, APP_RL_SRTCM);
	ck_assert_uint_eq(b->rl.unit, APP_RL_PACKETS);
	ck_assert_uint_eq(b->rl.key, APP_RL_PER_SOURCE);
	ck_assert_uint_eq(b->rl.match, APP_RL_MATCH_ALL);
	ck_assert_uint_eq(b->rl.table_size, 4096);
	ck_assert_uint_eq(b->acl.default_deny, 0);
}
END_TEST

/* Syntax and block structure. */
START_TEST(test_pipeline_errors_syntax)
{
	ck_pl_error("[lcores all]\n\n[lcores 1]\nstages = rx tx\n",
			"t.pipeline:1: block has no 'stages = ...' line");
	ck_pl_error("[lcores all]\nstages = rx arp tx\n[lcores 2]\n",
			"t.pipeline:3: block has no 'stages = ...' line");
	ck_pl_error("[lcores all]\nstages = rx arp tx\nstages = rx tx\n",
			"t.pipeline:3: duplicate key 'stages' in this block");
	ck_pl_error("stages = rx tx\n", "t.pipeline:1: 'stages' outside an [lcores ...] block");
	ck_pl_error("acl.default = deny\n",
			"t.pipeline:1: 'acl.default' outside an [lcores ...] block");
	ck_pl_error("[lcores all]\nstage = rx tx\n",
			"t.pipeline:2: unknown key 'stage' (want stages, STAGE.PARAM or "
			"STAGE.OUTPUT)");
	ck_pl_error("[lcores all]\nstages rx tx\n",
			"t.pipeline:2: missing '=' or '->' after 'stages'");
	ck_pl_error("[lcores all]\nstages = rx arp tx\nacl.permit tx\n",
			"t.pipeline:3: missing '=' or '->' after 'acl.permit'");
	ck_pl_error("[lcores all]\n= x\n",
			"t.pipeline:2: expected 'stages = ...', 'STAGE.PARAM = VALUE', "
			"'STAGE.OUTPUT -> TARGET' or '[lcores ...]'");
	ck_pl_error("[lcores all]\nacl.deny -> drop\nstages = rx acl tx\n",
			"t.pipeline:2: 'acl.deny' before this block's 'stages = ...' line");
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
	ck_pl_error("[lcores 1-2]\nstages = rx arp tx\n[lcores 2]\nstages = rx arp tx\n",
			"t.pipeline:3: lcore 2 is already in the block at line 1");
	ck_pl_error("[lcores all]\nstages = rx arp tx\n[lcores all]\nstages = rx arp tx\n",
			"t.pipeline:3: duplicate [lcores all] (first at line 1)");
	ck_pl_error("# only comments\n", "t.pipeline: no [lcores ...] block: nothing would poll");
}
END_TEST

/* Unknown stage, output, target or parameter. */
START_TEST(test_pipeline_errors_unknown)
{
	ck_pl_error("[lcores all]\nstages = rx arp foo tx\n",
			"t.pipeline:2: unknown stage 'foo' (want rx, arp, acl, ratelimit, "
			"icmp, tcp_echo, reflect, tx)");
	ck_pl_error("[lcores all]\nstages = rx acl tx\nfirewall.deny -> drop\n",
			"t.pipeline:3: unknown stage 'firewall' (want rx, arp, acl, ratelimit, "
			"icmp, tcp_echo, reflect, tx)");
	ck_pl_error("[lcores all]\nstages = rx acl icmp tx\nacl.reject -> drop\n",
			"t.pipeline:3: unknown output 'acl.reject' (want permit or deny)");
	ck_pl_error("[lcores all]\nstages = rx arp icmp tx\nrx.next -> icmp\n",
			"t.pipeline:3: stage 'rx' has no outputs");
	ck_pl_error("[lcores all]\nstages = rx acl icmp tx\nacl.permit -> tcp_echo\n",
			"t.pipeline:3: unknown target 'tcp_echo' (want a stage of this block, "
			"tx or drop)");
	ck_pl_error("[lcores all]\nstages = rx acl icmp tx\nacl.permit -> icmp tx\n",
			"t.pipeline:3: want 'STAGE.OUTPUT -> STAGE' (one target: a stage, tx or "
			"drop)");
	ck_pl_error("[lcores all]\nstages = rx arp acl icmp tx\nacl.permit -> arp\n",
			"t.pipeline:3: nothing can lead to arp");
	ck_pl_error("[lcores all]\nstages = rx acl icmp tx\ntcp_echo.next -> icmp\n",
			"t.pipeline:3: edge from stage 'tcp_echo', which this block's stages do "
			"not list");
	ck_pl_error("[lcores all]\nstages = rx acl icmp tx\nicmp.reply -> drop\n",
			"t.pipeline:3: a reply leads to tx or a stage, not drop");
	ck_pl_error("[lcores all]\nstages = rx acl icmp tx\nacl.deny -> drop\nacl.deny -> tx\n",
			"t.pipeline:4: output 'acl.deny' already set at line 3");
	ck_pl_error("[lcores all]\nstages = rx acl icmp tx\nacl.colour = red\n",
			"t.pipeline:3: unknown parameter 'acl.colour' (want rule, rules, default)");
	ck_pl_error("[lcores all]\nstages = rx arp icmp tx\nicmp.rate = 5\n",
			"t.pipeline:3: unknown parameter 'icmp.rate' (icmp takes none)");
	ck_pl_error("[lcores all]\nstages = rx icmp tx\nacl.default = deny\n",
			"t.pipeline:3: parameter for stage 'acl', which this block's stages do "
			"not list");
	ck_pl_error("[lcores all]\nstages = rx acl icmp tx\nacl.default = deny\n"
		    "acl.default = permit\n",
			"t.pipeline:4: duplicate parameter 'acl.default'");
}
END_TEST

/* Stage list rules, unreachable stages and cycles. */
START_TEST(test_pipeline_errors_graph)
{
	ck_pl_error("[lcores all]\nstages = rx arp icmp\n", "t.pipeline:2: missing tx stage");
	ck_pl_error("[lcores all]\nstages = arp rx tx\n",
			"t.pipeline:2: the first stage must be rx (got 'arp')");
	ck_pl_error("[lcores all]\nstages = rx tx icmp\n",
			"t.pipeline:2: tx must be the last stage ('icmp' follows it)");
	ck_pl_error("[lcores all]\nstages = rx icmp icmp tx\n",
			"t.pipeline:2: stage 'icmp' listed twice");
	ck_pl_error("[lcores all]\nstages =\n", "t.pipeline:2: missing rx stage");

	/* Nothing leads to icmp once acl.permit skips it. */
	ck_pl_error("[lcores all]\nstages = rx arp acl icmp tcp_echo tx\n"
		    "acl.permit -> tcp_echo\n",
			"t.pipeline:2: stage 'icmp' is unreachable: no output leads to it");
	/* Nothing ever reaches tx. */
	ck_pl_error("[lcores all]\nstages = rx acl tx\n",
			"t.pipeline:2: stage 'tx' is unreachable: no output leads to it");
	/* Reached only from a stage that is itself unreachable. */
	ck_pl_error("[lcores all]\nstages = rx arp acl icmp tcp_echo tx\n"
		    "acl.permit -> tcp_echo\nicmp.next -> tx\n",
			"t.pipeline:2: stage 'icmp' is unreachable: no output leads to it");

	ck_pl_error("[lcores all]\nstages = rx arp acl icmp tcp_echo tx\n"
		    "tcp_echo.next -> acl\n",
			"t.pipeline:3: edge makes a cycle: acl -> icmp -> tcp_echo -> acl");
	ck_pl_error("[lcores all]\nstages = rx arp acl ratelimit icmp tx\n"
		    "ratelimit.rate = 1 pps\nratelimit.burst = 1\n"
		    "acl.permit -> icmp\nicmp.next -> ratelimit\nratelimit.pass -> acl\n",
			"t.pipeline:7: edge makes a cycle: acl -> icmp -> ratelimit -> acl");
	ck_pl_error("[lcores all]\nstages = rx acl icmp tx\nacl.permit -> acl\n",
			"t.pipeline:3: edge makes a cycle: acl -> acl");
}
END_TEST

/* Values: every parameter refuses what it cannot mean. */
START_TEST(test_pipeline_errors_values)
{
#define RL "[lcores all]\nstages = rx ratelimit icmp tx\n"
	ck_pl_error("[lcores all]\nstages = rx acl icmp tx\nacl.default = maybe\n",
			"t.pipeline:3: bad acl.default 'maybe' (want permit or deny)");
	ck_pl_error("[lcores all]\nstages = rx acl icmp tx\nacl.rule = allow src 1.2.3.4\n",
			"t.pipeline:3: unknown action 'allow' (want permit, deny or count)");
	ck_pl_error("[lcores all]\nstages = rx acl icmp tx\nacl.rule =\n",
			"t.pipeline:3: parameter 'acl.rule' needs a value");
	ck_assert_int_eq(parse("[lcores all]\nstages = rx acl icmp tx\n"
			       "acl.rules = /nonexistent.rules\n"),
			-ENOENT);
	ck_assert_str_eq(err,
			"t.pipeline:3: acl.rules: /nonexistent.rules: No such file or "
			"directory");
	ck_pl_error(RL "ratelimit.burst = 5\n",
			"t.pipeline:3: ratelimit.burst must come after ratelimit.rate");
	ck_pl_error(RL "ratelimit.rate = 0 pps\n",
			"t.pipeline:3: bad ratelimit.rate '0 pps' (want N packets/s or N bytes/s, "
			"N > 0, k/M/G allowed)");
	ck_pl_error(RL "ratelimit.rate = 10 frames/s\n",
			"t.pipeline:3: bad ratelimit.rate '10 frames/s' (want N packets/s or N "
			"bytes/s, N > 0, k/M/G allowed)");
	ck_pl_error(RL "ratelimit.rate = 10 pps\nratelimit.burst = 5 bytes\n",
			"t.pipeline:4: ratelimit.burst is in bytes, ratelimit.rate in packets");
	ck_pl_error(RL "ratelimit.rate = 10 pps\nratelimit.burst = x\n",
			"t.pipeline:4: bad ratelimit.burst 'x' (want N > 0, then packets or "
			"bytes)");
	ck_pl_error(RL "ratelimit.rate = 10 pps\n",
			"t.pipeline:2: ratelimit needs 'ratelimit.burst = N'");
	ck_pl_error(RL "ratelimit.meter = trtcm\nratelimit.rate = 10 pps\nratelimit.burst = 5\n",
			"t.pipeline:2: meter trtcm needs ratelimit.peak_rate and "
			"ratelimit.peak_burst");
	ck_pl_error(RL "ratelimit.meter = trtcm\nratelimit.rate = 10 pps\nratelimit.burst = 5\n"
		       "ratelimit.peak_rate = 5 pps\nratelimit.peak_burst = 5\n",
			"t.pipeline:2: ratelimit.peak_rate is below ratelimit.rate");
	ck_pl_error(RL "ratelimit.rate = 10 pps\nratelimit.burst = 5\n"
		       "ratelimit.peak_rate = 50 bytes/s\n",
			"t.pipeline:5: ratelimit.peak_rate is in bytes, ratelimit.rate in packets");
	ck_pl_error(RL "ratelimit.rate = 10 pps\nratelimit.burst = 5\nratelimit.peak_burst = 9\n",
			"t.pipeline:2: peak_rate and peak_burst need 'ratelimit.meter = trtcm'");
	ck_pl_error(RL "ratelimit.meter = tbf\n",
			"t.pipeline:3: bad ratelimit.meter 'tbf' (want srtcm or trtcm)");
	ck_pl_error(RL "ratelimit.per = flow\n",
			"t.pipeline:3: bad ratelimit.per 'flow' (want source or all)");
	ck_pl_error(RL "ratelimit.match = icmp sctp\n",
			"t.pipeline:3: unknown ratelimit.match class 'sctp' (want icmp, tcp_syn, "
			"tcp, udp, other, all)");
	ck_pl_error(RL "ratelimit.table_size = 1000\n",
			"t.pipeline:3: bad ratelimit.table_size '1000' (want a power of two, "
			"64..1048576)");
	ck_pl_error(RL "ratelimit.table_size = 32\n",
			"t.pipeline:3: bad ratelimit.table_size '32' (want a power of two, "
			"64..1048576)");
#undef RL
}
END_TEST

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* acl.rules is read relative to the pipeline file; a bad rule names its own file and line. */
START_TEST(test_pipeline_rules_file)
{
	char dir[] = "/tmp/check_pipeline.XXXXXX";
	char path[128], rules[128], text[512];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(rules, sizeof(rules), "%s/fw.rules", dir);
	snprintf(path, sizeof(path), "%s/fw.pipeline", dir);
	write_file(rules, "# the lab\ndeny src 192.0.2.0/24\n\npermit proto tcp dport 7\n");
	write_file(path,
			"[lcores all]\nstages = rx arp acl icmp tcp_echo tx\n"
			"acl.rule = count proto icmp\nacl.rules = fw.rules\n");
	ck_assert_msg(app_pipeline_load(&pl, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(app_pipeline_block(&pl, 1)->acl.rules.n, 3);
	ck_assert_uint_eq(app_pipeline_block(&pl, 1)->acl.rules.v[1].action, APP_ACL_DENY);
	ck_assert_uint_eq(app_pipeline_block(&pl, 1)->acl.rules.v[1].line, 2);
	app_pipeline_free(&pl);

	write_file(rules, "deny src 192.0.2.0/24\npermit proto tcp dport 70000\n");
	ck_assert_int_eq(app_pipeline_load(&pl, path, err, sizeof(err)), -EINVAL);
	snprintf(text, sizeof(text),
			"%s:4: acl.rules: %s:2: bad dport '70000' (want a port 0..65535 or a "
			"range like 1024-2047)",
			path, rules);
	ck_assert_str_eq(err, text);
	unlink(rules);
	unlink(path);
	rmdir(dir);
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
	app_pipeline_free(&pl);

	snprintf(path, sizeof(path), "%s/pipelines/split.pipeline", FP_SOURCE_ROOT);
	ck_assert_msg(app_pipeline_load(&pl, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(app_pipeline_stages(&pl, 1), ALL_STAGES);
	ck_assert_uint_eq(app_pipeline_handlers(app_pipeline_stages(&pl, 2)),
			FP_HANDLE_ARP | FP_HANDLE_ICMP);
	app_pipeline_free(&pl);

	snprintf(path, sizeof(path), "%s/pipelines/ping.pipeline", FP_SOURCE_ROOT);
	ck_assert_msg(app_pipeline_load(&pl, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(app_pipeline_handlers(app_pipeline_stages(&pl, 1)),
			FP_HANDLE_ARP | FP_HANDLE_ICMP);
}
END_TEST

/* Every shipped example parses (fastpath -t checks them again through the config). */
/* Which blocks rx runs inline: only fp_input()'s stages, with fp_input()'s edges. */
START_TEST(test_pipeline_inline)
{
	static const struct {
		const char *text;
		bool inl;
	} cases[] = {
			{"stages = rx arp icmp tcp_echo tx\n", true},
			{"stages = rx arp tcp_echo icmp tx\n", true},
			{"stages = rx arp icmp tx\n", true},
			{"stages = rx icmp tcp_echo tx\n", true},
			{"stages = rx arp tx\n", true},
			{"stages = rx arp icmp tcp_echo tx\nicmp.next -> tcp_echo\n", true},
			{"stages = rx arp icmp tcp_echo tx\nrx.deliver = inline\n", true},
			{"stages = rx arp icmp tcp_echo tx\nrx.deliver = nodes\n", false},
			/* a non-ICMP packet sent out unchanged: not what fp_input() does */
			{"stages = rx arp icmp tx\nicmp.next -> tx\n", false},
			{"stages = rx arp icmp tcp_echo tx\nicmp.reply -> tcp_echo\n", false},
			{"stages = rx arp tcp_echo icmp tx\ntcp_echo.next -> icmp\n", true},
			{"stages = rx arp acl icmp tcp_echo tx\n", false},
			{"stages = rx arp reflect tx\n", false},
	};
	char text[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "[lcores all]\n%s", cases[i].text);
		ck_pl_ok(text);
		ck_assert_msg(app_pl_block_inline(app_pipeline_block(&pl, 1)) == cases[i].inl,
				"%s: want inline %d", cases[i].text, cases[i].inl);
		app_pipeline_free(&pl);
	}
	ck_pl_error("[lcores all]\nstages = rx arp icmp tx\nrx.deliver = fused\n",
			"t.pipeline:3: bad rx.deliver 'fused' (want inline or nodes)");
	ck_pl_error("[lcores all]\nstages = rx arp icmp tx\nrx.burst = 8\n",
			"t.pipeline:3: unknown parameter 'rx.burst' (want deliver)");
}
END_TEST

START_TEST(test_pipeline_examples)
{
	static const char *const files[] = {
			"firewall.pipeline", "ddos.pipeline", "reflect.pipeline"};
	char path[512];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/pipelines/%s", FP_SOURCE_ROOT, files[i]);
		ck_assert_msg(app_pipeline_load(&pl, path, err, sizeof(err)) == 0, "%s", err);
		app_pipeline_free(&pl);
	}
}
END_TEST

static Suite *
pipeline_suite(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_pipeline_default);
	tcase_add_test(tc, test_pipeline_blocks);
	tcase_add_test(tc, test_pipeline_edges);
	tcase_add_test(tc, test_pipeline_params);
	tcase_add_test(tc, test_pipeline_errors_syntax);
	tcase_add_test(tc, test_pipeline_errors_unknown);
	tcase_add_test(tc, test_pipeline_errors_graph);
	tcase_add_test(tc, test_pipeline_errors_values);
	tcase_add_test(tc, test_pipeline_rules_file);
	tcase_add_test(tc, test_pipeline_load);
	tcase_add_test(tc, test_pipeline_inline);
	tcase_add_test(tc, test_pipeline_examples);
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
