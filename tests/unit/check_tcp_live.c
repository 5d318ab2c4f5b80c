/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine (lib/tcp/), settings changed while flows are
 * open (fp_tcp_reconfigure()): shorter and longer idle and linger timeouts
 * on flows already waiting, RTO bounds, the listening ports, SYN cookies and
 * MSS for new connections, and what it refuses. The last test ties the
 * engine's view to lib/cfg's: the [tcp] keys fp_cfg_set() calls live are the
 * ones the engine takes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fp/cfg.h"
#include "tcp_harness.h"

/* Apply cfg (changed by the test) to the running engine. */
static void
reconfigure(void)
{
	ck_assert_int_eq(fp_tcp_reconfigure(ctx.tcp, &cfg, ctx.now_us), 0);
	check_invariants();
}

static const struct tcp_flow *
only_flow(void)
{
	const struct tcp_flow *found = NULL;

	for (uint32_t i = 0; i < ctx.tcp->max_active; i++) {
		if (ctx.tcp->flows[i].flags & TF_IN_USE) {
			ck_assert_ptr_null(found);
			found = &ctx.tcp->flows[i];
		}
	}
	ck_assert_ptr_nonnull(found);
	return found;
}

/* Our FIN acknowledged and the peer's received: TIME_WAIT. */
static void
to_time_wait(void)
{
	env_start();
	establish();
	fp_tcp_drain(&ctx);
	ck_assert_uint_eq(next_out().flags, FP_TCP_FIN | FP_TCP_ACK);
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	next_out();
	ck_assert_uint_eq(flow_state(), FP_TCP_TIME_WAIT);
}

/* A flow idle longer than the new, shorter timeout ends at the next tick. */
START_TEST(test_tcp_live_idle_shorter_ends_idle_flow)
{
	env_start();
	establish();
	tick(3000000);
	cfg.idle_timeout_s = 2;
	reconfigure();
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 1);
	tick(1000);
	expect_rst(our_iss + 1);
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_TIMED_OUT), 1);
}
END_TEST

/* The new timeout counts from the flow's last segment, not from the change. */
START_TEST(test_tcp_live_idle_shorter_counts_from_last_segment)
{
	env_start();
	establish();
	tick(500000);
	cfg.idle_timeout_s = 1;
	reconfigure();
	tick(499000);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 1);
	expect_none();
	tick(1000);
	expect_rst(our_iss + 1);
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_live_idle_longer_keeps_flow)
{
	cfg.idle_timeout_s = 5;
	env_start();
	establish();
	tick(3000000);
	cfg.idle_timeout_s = 10;
	reconfigure();
	/* Past the old deadline: the wheel files it again under the new one. */
	tick(3000000);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 1);
	expect_none();
	tick(3999000);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 1);
	tick(1000);
	expect_rst(our_iss + 1);
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_live_time_wait_shorter)
{
	cfg.time_wait_ms = 5000;
	to_time_wait();
	tick(1500000);
	cfg.time_wait_ms = 1000;
	reconfigure();
	tick(1000);
	expect_none();
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_CLOSED), 1);
}
END_TEST

/* A retransmission backed off to 25.6 s comes by the new 2 s cap. */
START_TEST(test_tcp_live_rto_max_lower)
{
	uint64_t rto = 200000;

	env_start();
	establish();
	send_data("lost", 4, our_iss + 1);
	next_out();
	for (int i = 0; i < 7; i++) {
		tick(rto);
		ck_assert_uint_eq(next_out().seq, our_iss + 1);
		rto *= 2;
	}
	/* The next one is 25.6 s away. */
	tick(1000000);
	expect_none();
	cfg.rto_max_ms = 2000;
	cfg.rto_initial_ms = 1000;
	reconfigure();
	tick(1999000);
	expect_none();
	tick(1000);
	ck_assert_uint_eq(next_out().seq, our_iss + 1);
	ck_assert_uint_le(flow_info().rto_us, 2000000);
}
END_TEST

START_TEST(test_tcp_live_listen)
{
	struct pkt_spec s;

	env_start();
	establish();
	/* Not served yet: a SYN to port 9 is refused. */
	s = spec(FP_TCP_SYN, 5000, 0, NULL, 0);
	s.dport = 9;
	s.sport = PEER_PORT + 1;
	ck_assert_int_eq(in(&s), FP_VERDICT_TX);
	our_port = 9;
	ck_assert_uint_eq(next_out().flags, FP_TCP_RST | FP_TCP_ACK);

	/* Port 9 instead of 7: the flow on 7 goes on, new ones on 7 are refused. */
	cfg.listen[0] = 9;
	reconfigure();
	ck_assert_int_eq(in(&s), FP_VERDICT_TX);
	ck_assert_uint_eq(next_out().flags, FP_TCP_SYN | FP_TCP_ACK);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 2);
	our_port = OUR_PORT;
	send_data("still", 5, our_iss + 1);
	ck_assert_mem_eq(next_out().data, "still", 5);
	s = spec(FP_TCP_SYN, 6000, 0, NULL, 0);
	s.sport = PEER_PORT + 2;
	ck_assert_int_eq(in(&s), FP_VERDICT_TX);
	ck_assert_uint_eq(next_out().flags, FP_TCP_RST | FP_TCP_ACK);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 2);
}
END_TEST

START_TEST(test_tcp_live_syn_cookies_and_mss)
{
	struct oseg o;

	env_start();
	establish();
	cfg.syn_cookies = 1;
	cfg.mss = 536;
	reconfigure();
	/* The open flow keeps what it negotiated. */
	send_data("a", 1, our_iss + 1);
	next_out();
	ck_assert_uint_eq(only_flow()->mss, 1460);
	{
		struct pkt_spec s = spec(FP_TCP_SYN, 7000, 0, NULL, 0);
		uint8_t opts[4] = {FP_TCPOPT_MSS, 4, 1460 >> 8, 1460 & 0xff};

		s.sport = PEER_PORT + 1;
		s.opts = opts;
		s.opts_len = 4;
		ck_assert_int_eq(in(&s), FP_VERDICT_TX);
	}
	o = next_out();
	ck_assert_uint_eq(o.flags, FP_TCP_SYN | FP_TCP_ACK);
	ck_assert_uint_eq(o.mss, 536);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_SYN_COOKIES_SENT), 1);
	/* A cookie keeps no state. */
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 1);
}
END_TEST

START_TEST(test_tcp_live_refused_changes_nothing)
{
	struct fp_cfg_tcp before;

	env_start();
	establish();
	before = ctx.tcp->cfg;

	cfg.max_flows = 16;
	ck_assert_int_eq(fp_tcp_reconfigure(ctx.tcp, &cfg, ctx.now_us), -EINVAL);
	cfg_defaults();
	cfg.buffer_size = 8192;
	ck_assert_int_eq(fp_tcp_reconfigure(ctx.tcp, &cfg, ctx.now_us), -EINVAL);
	cfg_defaults();
	cfg.idle_timeout_s = 1;
	cfg.rto_min_ms = 2000; /* above rto_initial_ms: as fp_tcp_init() refuses it */
	ck_assert_int_eq(fp_tcp_reconfigure(ctx.tcp, &cfg, ctx.now_us), -EINVAL);
	ck_assert_int_eq(fp_tcp_reconfigure(NULL, &cfg, ctx.now_us), -EINVAL);
	ck_assert_int_eq(memcmp(&before, &ctx.tcp->cfg, sizeof(before)), 0);
	/* The idle timeout did not change behind the refusal. */
	tick(2000000);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 1);
}
END_TEST

/* A changed value for every [tcp] key; a key added to lib/cfg must be added here. */
static const struct {
	const char *key;
	const char *value;
} tcp_changes[] = {
		{"tcp.listen", "7, 9"},
		{"tcp.mss", "536"},
		{"tcp.max_flows", "16"},
		{"tcp.buffer_size", "8192"},
		{"tcp.active_flows", "64"},
		{"tcp.echo_pool_kb", "256"},
		{"tcp.syn_cookies", "on"},
		{"tcp.idle_timeout_s", "10"},
		{"tcp.time_wait_ms", "1000"},
		{"tcp.rto_initial_ms", "500"},
		{"tcp.rto_min_ms", "100"},
		{"tcp.rto_max_ms", "5000"},
};

struct tcp_keys {
	unsigned n;
	unsigned covered;
};

static void
count_tcp_key(void *arg, const struct fp_cfg_item *it)
{
	struct tcp_keys *k = arg;

	if (strncmp(it->key, "tcp.", 4) != 0)
		return;
	k->n++;
	for (size_t i = 0; i < sizeof(tcp_changes) / sizeof(tcp_changes[0]); i++)
		k->covered += strcmp(tcp_changes[i].key, it->key) == 0;
}

/* fp_cfg_set()'s live [tcp] keys are exactly those fp_tcp_reconfigure() takes. */
START_TEST(test_tcp_live_agrees_with_cfg)
{
	struct fp_cfg full;
	struct tcp_keys keys = {0, 0};
	char err[256];

	fp_cfg_defaults(&full);
	fp_cfg_each(&full, count_tcp_key, &keys);
	ck_assert_uint_eq(keys.n, keys.covered);
	ck_assert_uint_eq(keys.n, sizeof(tcp_changes) / sizeof(tcp_changes[0]));

	cfg = full.tcp;
	env_start();
	for (size_t i = 0; i < sizeof(tcp_changes) / sizeof(tcp_changes[0]); i++) {
		const char *name = tcp_changes[i].key + 4;
		struct fp_cfg set = full, parsed;
		char text[128];
		int set_rc = fp_cfg_set(&set, tcp_changes[i].key, tcp_changes[i].value, NULL, err,
				sizeof(err));

		/* The same change as a file would make it, for the restart-only keys too. */
		snprintf(text, sizeof(text), "[tcp]\n%s = %s\n", name, tcp_changes[i].value);
		fp_cfg_defaults(&parsed);
		ck_assert_int_eq(fp_cfg_parse(&parsed, "t", text, strlen(text), err, sizeof(err)),
				0);
		ck_assert_msg(memcmp(&parsed.tcp, &full.tcp, sizeof(full.tcp)) != 0,
				"%s: no change", tcp_changes[i].key);
		if (set_rc == 0) {
			ck_assert_int_eq(memcmp(&set.tcp, &parsed.tcp, sizeof(set.tcp)), 0);
			ck_assert_msg(fp_tcp_reconfigure(ctx.tcp, &parsed.tcp, ctx.now_us) == 0,
					"%s is live in lib/cfg, the engine refuses it",
					tcp_changes[i].key);
		} else {
			ck_assert_int_eq(set_rc, -EPERM);
			ck_assert_msg(fp_tcp_reconfigure(ctx.tcp, &parsed.tcp, ctx.now_us) ==
							-EINVAL,
					"%s needs a restart in lib/cfg, the engine takes it",
					tcp_changes[i].key);
		}
		ck_assert_int_eq(fp_tcp_reconfigure(ctx.tcp, &full.tcp, ctx.now_us), 0);
	}
}
END_TEST

static Suite *
tcp_live_suite(void)
{
	Suite *s = suite_create("tcp_live");
	TCase *tc = th_tcase("live");

	tcase_add_test(tc, test_tcp_live_idle_shorter_ends_idle_flow);
	tcase_add_test(tc, test_tcp_live_idle_shorter_counts_from_last_segment);
	tcase_add_test(tc, test_tcp_live_idle_longer_keeps_flow);
	tcase_add_test(tc, test_tcp_live_time_wait_shorter);
	tcase_add_test(tc, test_tcp_live_rto_max_lower);
	tcase_add_test(tc, test_tcp_live_listen);
	tcase_add_test(tc, test_tcp_live_syn_cookies_and_mss);
	tcase_add_test(tc, test_tcp_live_refused_changes_nothing);
	tcase_add_test(tc, test_tcp_live_agrees_with_cfg);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return th_run(tcp_live_suite());
}
