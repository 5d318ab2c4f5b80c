/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/cfg: configuration text -> struct fp_cfg and back. Each error class has
 * its exact "name:line: problem" message checked; defaults, every key, the
 * shipped cfg/fastpath.conf and parse(format(cfg)) == cfg round trips. Run-time
 * changes (fp_cfg_set()) against the file parser's verdicts, key by key, and
 * the key listing and comparison (fp_cfg_each(), fp_cfg_diff()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fp/cfg.h"
#include "fp/tlm.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static struct fp_cfg cfg;
static char err[256];

static int
parse(const char *text)
{
	fp_cfg_defaults(&cfg);
	memset(err, 0, sizeof(err));
	return fp_cfg_parse(&cfg, "t.conf", text, strlen(text), err, sizeof(err));
}

/* The text must fail with exactly this message. */
#define ck_parse_error(text, msg)                       \
	do {                                            \
		ck_assert_int_eq(parse(text), -EINVAL); \
		ck_assert_str_eq(err, msg);             \
	} while (0)

START_TEST(test_cfg_defaults)
{
	fp_cfg_defaults(&cfg);
	ck_assert_uint_eq(cfg.n_ports, 0);
	ck_assert_uint_eq(cfg.ports[0].mtu, 1500);
	ck_assert_uint_eq(cfg.ports[0].ip4, 0);
	ck_assert_uint_eq(cfg.tcp.n_listen, 1);
	ck_assert_uint_eq(cfg.tcp.listen[0], 7);
	ck_assert_uint_eq(cfg.tcp.mss, 1460);
	ck_assert_uint_eq(cfg.tcp.max_flows, 4096);
	ck_assert_uint_eq(cfg.tcp.buffer_size, 262144);
	ck_assert_uint_eq(cfg.tcp.syn_cookies, 2);
	ck_assert_uint_eq(cfg.tcp.idle_timeout_s, 300);
	ck_assert_uint_eq(cfg.tcp.time_wait_ms, 2000);
	ck_assert_uint_eq(cfg.tcp.rto_initial_ms, 1000);
	ck_assert_uint_eq(cfg.tcp.rto_min_ms, 200);
	ck_assert_uint_eq(cfg.tcp.rto_max_ms, 60000);
	ck_assert_uint_eq(cfg.dpdk.mbufs, 8191);
	ck_assert_uint_eq(cfg.dpdk.mbuf_cache, 256);
	ck_assert_uint_eq(cfg.dpdk.rx_desc, 1024);
	ck_assert_uint_eq(cfg.dpdk.tx_desc, 1024);
	ck_assert_str_eq(cfg.dpdk.pipeline, "");
	ck_assert_uint_eq(cfg.dpdk.idle, FP_CFG_IDLE_POLL);
	ck_assert_uint_eq(cfg.log.level, FP_CFG_LOG_DEFAULT);
	ck_assert_str_eq(cfg.mgmt.socket, "/run/fastpath/fastpath.sock");
	ck_assert_str_eq(cfg.mgmt.group, "");
	ck_assert_uint_eq(cfg.mqtt.enabled, 0);
	ck_assert_str_eq(cfg.mqtt.host, "127.0.0.1");
	ck_assert_uint_eq(cfg.mqtt.port, 1883);
	ck_assert_str_eq(cfg.mqtt.topic_prefix, "fastpath");
	ck_assert_uint_eq(cfg.mqtt.qos, 0);
	ck_assert_uint_eq(cfg.mqtt.interval_ms, 1000);
	ck_assert_uint_eq(cfg.mqtt.keepalive_s, 30);
	ck_assert_uint_eq(cfg.mqtt.commands, 0);
	ck_assert_uint_eq(cfg.mqtt.commands_allow, FP_TLM_CMD_READ_ONLY);
	ck_assert_uint_eq(cfg.metrics.ip4, 0);
	ck_assert_uint_eq(cfg.metrics.port, 0);
}
END_TEST

START_TEST(test_cfg_empty_text_keeps_defaults)
{
	struct fp_cfg def;

	fp_cfg_defaults(&def);
	ck_assert_int_eq(parse("# nothing\n\n   \n"), 0);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(memcmp(&cfg, &def, sizeof(cfg)), 0);
}
END_TEST

START_TEST(test_cfg_every_key)
{
	static const char text[] = "[port 0]\n"
				   "address = 198.18.0.1/24\n"
				   "mtu = 9000\n"
				   "[port 1]\r\n"
				   "  address=10.1.2.3/32   # trailing comment\r\n"
				   "[tcp]\n"
				   "listen = 7, 9 5001\n"
				   "mss = 1400\n"
				   "max_flows = 100\n"
				   "buffer_size = 65536\n"
				   "syn_cookies = on\n"
				   "idle_timeout_s = 60\n"
				   "time_wait_ms = 1000\n"
				   "rto_initial_ms = 500\n"
				   "rto_min_ms = 100\n"
				   "rto_max_ms = 30000\n"
				   "[dpdk]\n"
				   "mbufs = 4095\n"
				   "mbuf_cache = 128\n"
				   "rx_desc = 512\n"
				   "tx_desc = 256\n"
				   "pipeline = ../pipelines/echo.pipeline\n"
				   "idle = adaptive\n"
				   "[log]\n"
				   "level = debug\n"
				   "[mgmt]\n"
				   "socket = /tmp/fp.sock\n"
				   "group = adm\n"
				   "[mqtt]\n"
				   "enabled = yes\n"
				   "host = broker.example\n"
				   "port = 8883\n"
				   "client_id = fp-1\n"
				   "node = edge1\n"
				   "topic_prefix = lab/fp\n"
				   "qos = 1\n"
				   "interval_ms = 500\n"
				   "keepalive_s = 10\n"
				   "username = \"user name\"\n"
				   "password = \"p#w\\\"d\\\\\"\n"
				   "tls_ca = /etc/ca.pem\n"
				   "tls_cert = /etc/c.pem\n"
				   "tls_key = /etc/k.pem\n"
				   "commands = true\n"
				   "commands_allow = status,stats shutdown\n"
				   "[metrics]\n"
				   "listen = 127.0.0.1:9111\n";

	ck_assert_int_eq(parse(text), 0);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(cfg.n_ports, 2);
	ck_assert_uint_eq(cfg.ports[0].ip4, IP4(198, 18, 0, 1));
	ck_assert_uint_eq(cfg.ports[0].prefix_len, 24);
	ck_assert_uint_eq(cfg.ports[0].mtu, 9000);
	ck_assert_uint_eq(cfg.ports[1].ip4, IP4(10, 1, 2, 3));
	ck_assert_uint_eq(cfg.ports[1].prefix_len, 32);
	ck_assert_uint_eq(cfg.ports[1].mtu, 1500);
	ck_assert_uint_eq(cfg.tcp.n_listen, 3);
	ck_assert_uint_eq(cfg.tcp.listen[0], 7);
	ck_assert_uint_eq(cfg.tcp.listen[1], 9);
	ck_assert_uint_eq(cfg.tcp.listen[2], 5001);
	ck_assert_uint_eq(cfg.tcp.mss, 1400);
	ck_assert_uint_eq(cfg.tcp.max_flows, 100);
	ck_assert_uint_eq(cfg.tcp.buffer_size, 65536);
	ck_assert_uint_eq(cfg.tcp.syn_cookies, 1);
	ck_assert_uint_eq(cfg.tcp.idle_timeout_s, 60);
	ck_assert_uint_eq(cfg.tcp.time_wait_ms, 1000);
	ck_assert_uint_eq(cfg.tcp.rto_initial_ms, 500);
	ck_assert_uint_eq(cfg.tcp.rto_min_ms, 100);
	ck_assert_uint_eq(cfg.tcp.rto_max_ms, 30000);
	ck_assert_uint_eq(cfg.dpdk.mbufs, 4095);
	ck_assert_uint_eq(cfg.dpdk.mbuf_cache, 128);
	ck_assert_uint_eq(cfg.dpdk.rx_desc, 512);
	ck_assert_uint_eq(cfg.dpdk.tx_desc, 256);
	ck_assert_str_eq(cfg.dpdk.pipeline, "../pipelines/echo.pipeline");
	ck_assert_uint_eq(cfg.dpdk.idle, FP_CFG_IDLE_ADAPTIVE);
	ck_assert_uint_eq(cfg.log.level, FP_CFG_LOG_DEBUG);
	ck_assert_str_eq(cfg.mgmt.socket, "/tmp/fp.sock");
	ck_assert_str_eq(cfg.mgmt.group, "adm");
	ck_assert_uint_eq(cfg.mqtt.enabled, 1);
	ck_assert_str_eq(cfg.mqtt.host, "broker.example");
	ck_assert_uint_eq(cfg.mqtt.port, 8883);
	ck_assert_str_eq(cfg.mqtt.client_id, "fp-1");
	ck_assert_str_eq(cfg.mqtt.node, "edge1");
	ck_assert_str_eq(cfg.mqtt.topic_prefix, "lab/fp");
	ck_assert_uint_eq(cfg.mqtt.qos, 1);
	ck_assert_uint_eq(cfg.mqtt.interval_ms, 500);
	ck_assert_uint_eq(cfg.mqtt.keepalive_s, 10);
	ck_assert_str_eq(cfg.mqtt.username, "user name");
	ck_assert_str_eq(cfg.mqtt.password, "p#w\"d\\");
	ck_assert_str_eq(cfg.mqtt.tls_ca, "/etc/ca.pem");
	ck_assert_str_eq(cfg.mqtt.tls_cert, "/etc/c.pem");
	ck_assert_str_eq(cfg.mqtt.tls_key, "/etc/k.pem");
	ck_assert_uint_eq(cfg.mqtt.commands, 1);
	ck_assert_uint_eq(cfg.mqtt.commands_allow,
			1u << FP_TLM_CMD_STATUS | 1u << FP_TLM_CMD_STATS |
					1u << FP_TLM_CMD_SHUTDOWN);
	ck_assert_uint_eq(cfg.metrics.ip4, IP4(127, 0, 0, 1));
	ck_assert_uint_eq(cfg.metrics.port, 9111);
}
END_TEST

/* Over MQTT only what reads, unless commands_allow says more. */
START_TEST(test_cfg_commands_allow)
{
	uint32_t ro = FP_TLM_CMD_READ_ONLY;
	/* the read-only set: everything but set, log, shutdown and pipeline_reload */
	uint32_t writes = 1u << FP_TLM_CMD_SET | 1u << FP_TLM_CMD_SHUTDOWN | 1u << FP_TLM_CMD_LOG |
			1u << FP_TLM_CMD_PIPELINE_RELOAD;

	ck_assert_uint_eq(ro & writes, 0);
	ck_assert_uint_eq(ro | writes, FP_TLM_CMD_ALL);
	ck_assert_int_eq(parse("[mqtt]\ncommands = yes\n"), 0);
	ck_assert_uint_eq(cfg.mqtt.commands_allow, ro);
	ck_assert_int_eq(parse("[mqtt]\ncommands = yes\ncommands_allow = help # only\n"), 0);
	ck_assert_uint_eq(cfg.mqtt.commands_allow, 1u << FP_TLM_CMD_HELP);
	/* a write command needs an authenticated broker: user name or client certificate */
	ck_assert_int_eq(parse("[mqtt]\ncommands = yes\ncommands_allow = stats, shutdown\n"
			       "username = fp\n"),
			0);
	ck_assert_uint_eq(cfg.mqtt.commands_allow,
			1u << FP_TLM_CMD_STATS | 1u << FP_TLM_CMD_SHUTDOWN);
	ck_assert_int_eq(parse("[mqtt]\ncommands = yes\ncommands_allow = log\ntls_cert = /c.pem\n"),
			0);
	/* with the topic off, the list is inert */
	ck_assert_int_eq(parse("[mqtt]\ncommands = no\ncommands_allow = shutdown\n"), 0);
	ck_parse_error("[mqtt]\ncommands = yes\ncommands_allow = status shutdown\n",
			"t.conf:3: commands_allow: shutdown changes the appliance, so the cmd "
			"topic "
			"may only take it from an authenticated broker: set username (or "
			"tls_cert), "
			"and give the broker an ACL on the topic");
	/* TLS with only a CA does not tell the broker who we are */
	ck_parse_error("[mqtt]\ncommands_allow = log\ntls_ca = /ca.pem\n\ncommands = on\n",
			"t.conf:5: commands_allow: log changes the appliance, so the cmd topic "
			"may only take it from an authenticated broker: set username (or "
			"tls_cert), "
			"and give the broker an ACL on the topic");
	ck_parse_error("[mqtt]\ncommands_allow = status, reboot\n",
			"t.conf:2: commands_allow: unknown command 'reboot' (want status, stats, "
			"flows, ports, pipeline, pipeline_reload, config, set, log, shutdown, help)");
	ck_parse_error("[mqtt]\ncommands_allow = stats stats\n",
			"t.conf:2: commands_allow: stats listed twice");
	ck_parse_error("[mqtt]\ncommands_allow = # none\n",
			"t.conf:2: commands_allow: missing value (commands = no turns the topic "
			"off)");
	ck_parse_error("[mqtt]\ncommands_allow = statu\n",
			"t.conf:2: commands_allow: unknown command 'statu' (want status, stats, "
			"flows, ports, pipeline, pipeline_reload, config, set, log, shutdown, help)");
}
END_TEST

/* [metrics] listen: an address and port, 0.0.0.0 for every address, empty for off. */
START_TEST(test_cfg_metrics_listen)
{
	ck_assert_int_eq(parse("[metrics]\nlisten = 0.0.0.0:1\n"), 0);
	ck_assert_uint_eq(cfg.metrics.ip4, 0);
	ck_assert_uint_eq(cfg.metrics.port, 1);
	ck_assert_int_eq(parse("[metrics]\nlisten = 10.0.0.1:65535   # all day\n"), 0);
	ck_assert_uint_eq(cfg.metrics.ip4, IP4(10, 0, 0, 1));
	ck_assert_uint_eq(cfg.metrics.port, 65535);
	ck_assert_int_eq(parse("[metrics]\nlisten =\n"), 0);
	ck_assert_uint_eq(cfg.metrics.port, 0);
	ck_assert_int_eq(parse("[metrics]\nlisten = # off\n"), 0);
	ck_assert_uint_eq(cfg.metrics.port, 0);

	ck_parse_error("[metrics]\nlisten = 127.0.0.1\n",
			"t.conf:2: listen: '127.0.0.1' has no port (want a.b.c.d:port)");
	ck_parse_error("[metrics]\nlisten = 9111\n",
			"t.conf:2: listen: '9111' has no port (want a.b.c.d:port)");
	ck_parse_error("[metrics]\nlisten = localhost:9111\n",
			"t.conf:2: listen: bad address 'localhost' (want a.b.c.d:port)");
	ck_parse_error("[metrics]\nlisten = :9111\n",
			"t.conf:2: listen: bad address '' (want a.b.c.d:port)");
	ck_parse_error("[metrics]\nlisten = 224.0.0.1:9111\n",
			"t.conf:2: listen: bad address '224.0.0.1' (want a.b.c.d:port)");
	ck_parse_error("[metrics]\nlisten = 255.255.255.255:9111\n",
			"t.conf:2: listen: bad address '255.255.255.255' (want a.b.c.d:port)");
	ck_parse_error("[metrics]\nlisten = 127.0.0.1:0\n",
			"t.conf:2: listen: bad port '0' (want 1..65535)");
	ck_parse_error("[metrics]\nlisten = 127.0.0.1:65536\n",
			"t.conf:2: listen: bad port '65536' (want 1..65535)");
	ck_parse_error("[metrics]\nlisten = 127.0.0.1:\n",
			"t.conf:2: listen: bad port '' (want 1..65535)");
	ck_parse_error("[metrics]\nlisten = 127.0.0.1:91x\n",
			"t.conf:2: listen: bad port '91x' (want 1..65535)");
	ck_parse_error("[metrics]\nlisten = 127.0.0.1:9111 9112\n",
			"t.conf:2: listen: trailing junk '9112'");
	ck_parse_error("[metrics]\nlisten = 127.0.0.1:1\nlisten = 127.0.0.1:2\n",
			"t.conf:3: duplicate key 'listen' in [metrics] (first at line 2)");
	ck_parse_error("[metrics]\nport = 9111\n", "t.conf:2: unknown key 'port' in [metrics]");
}
END_TEST

START_TEST(test_cfg_values)
{
	ck_assert_int_eq(parse("[tcp]\nsyn_cookies = off\n"), 0);
	ck_assert_uint_eq(cfg.tcp.syn_cookies, 0);
	ck_assert_int_eq(parse("[tcp]\nsyn_cookies = auto\n"), 0);
	ck_assert_uint_eq(cfg.tcp.syn_cookies, 2);
	ck_assert_int_eq(parse("[dpdk]\nidle = poll\n[log]\nlevel = default\n"), 0);
	ck_assert_uint_eq(cfg.dpdk.idle, FP_CFG_IDLE_POLL);
	ck_assert_uint_eq(cfg.log.level, FP_CFG_LOG_DEFAULT);
	ck_assert_int_eq(parse("[log]\nlevel = emerg\n"), 0);
	ck_assert_uint_eq(cfg.log.level, FP_CFG_LOG_EMERG);
	ck_assert_int_eq(parse("[log]\nlevel = warning\n"), 0);
	ck_assert_uint_eq(cfg.log.level, FP_CFG_LOG_WARNING);
	ck_assert_int_eq(parse("[mqtt]\nenabled = off\ncommands = 1\n"), 0);
	ck_assert_uint_eq(cfg.mqtt.enabled, 0);
	ck_assert_uint_eq(cfg.mqtt.commands, 1);
	/* An empty string value is allowed (and means "not set"). */
	ck_assert_int_eq(parse("[mgmt]\nsocket =\ngroup = # none\n"), 0);
	ck_assert_str_eq(cfg.mgmt.socket, "");
	ck_assert_str_eq(cfg.mgmt.group, "");
	/* listen replaces the default list. */
	ck_assert_int_eq(parse("[tcp]\nlisten = 9\n"), 0);
	ck_assert_uint_eq(cfg.tcp.n_listen, 1);
	ck_assert_uint_eq(cfg.tcp.listen[0], 9);
	/* Ranges are inclusive. */
	ck_assert_int_eq(parse("[port 0]\naddress = 1.2.3.4/1\nmtu = 576\n"), 0);
	ck_assert_int_eq(parse("[tcp]\nrto_min_ms = 1000\nrto_initial_ms = 1000\n"), 0);
	/* Sections may come in any order; the last line needs no newline. */
	ck_assert_int_eq(
			parse("[port 1]\naddress = 10.0.0.2/8\n[port 0]\naddress = 10.0.0.1/8"), 0);
	ck_assert_uint_eq(cfg.n_ports, 2);
}
END_TEST

START_TEST(test_cfg_err_unknown_section)
{
	ck_parse_error("# c\n[tcpp]\n", "t.conf:2: unknown section [tcpp]");
	ck_parse_error("[port]\n", "t.conf:1: unknown section [port]");
	ck_parse_error("[tcp\n", "t.conf:1: missing ']' in section header");
	ck_parse_error("[tcp] x\n", "t.conf:1: trailing junk 'x' after section header");
	ck_parse_error("[port 4]\n", "t.conf:1: bad port number '4' (want 0..3)");
	ck_parse_error("[port x]\n", "t.conf:1: bad port number 'x' (want 0..3)");
	ck_parse_error("[tcp]\n[dpdk]\n[tcp]\n",
			"t.conf:3: duplicate section [tcp] (first at line 1)");
}
END_TEST

START_TEST(test_cfg_err_unknown_key)
{
	ck_parse_error("[tcp]\nmss = 1400\nmsss = 1\n", "t.conf:3: unknown key 'msss' in [tcp]");
	ck_parse_error("[port 2]\nmac = 1\n", "t.conf:2: unknown key 'mac' in [port 2]");
	ck_parse_error("mss = 1\n", "t.conf:1: 'mss' outside a section");
	ck_parse_error("[tcp]\n= 5\n", "t.conf:2: expected 'key = value' or '[section]'");
}
END_TEST

START_TEST(test_cfg_err_missing_equals)
{
	ck_parse_error("[tcp]\nmss 1460\n", "t.conf:2: missing '=' after 'mss'");
	ck_parse_error("[tcp]\nmss\n", "t.conf:2: missing '=' after 'mss'");
}
END_TEST

START_TEST(test_cfg_err_duplicate_key)
{
	ck_parse_error("[tcp]\nmss = 1400\n\nmss = 1300\n",
			"t.conf:4: duplicate key 'mss' in [tcp] (first at line 2)");
}
END_TEST

START_TEST(test_cfg_err_bad_address)
{
	ck_parse_error("[port 0]\naddress = 198.18.0.1\n",
			"t.conf:2: address: bad address '198.18.0.1' (want a.b.c.d/len)");
	ck_parse_error("[port 0]\naddress = 198.18.0/24\n",
			"t.conf:2: address: bad address '198.18.0' (want a.b.c.d/len)");
	ck_parse_error("[port 0]\naddress = 198.18.0.256/24\n",
			"t.conf:2: address: bad address '198.18.0.256' (want a.b.c.d/len)");
	ck_parse_error("[port 0]\naddress = 198.18.0.1.1/24\n",
			"t.conf:2: address: bad address '198.18.0.1.1' (want a.b.c.d/len)");
	ck_parse_error("[port 0]\naddress = 0.0.0.0/24\n",
			"t.conf:2: address: bad address '0.0.0.0' (want a.b.c.d/len)");
	ck_parse_error("[port 0]\naddress = 224.0.0.1/24\n",
			"t.conf:2: address: bad address '224.0.0.1' (want a.b.c.d/len)");
	ck_parse_error("[port 0]\naddress = 1.2.3.-4/24\n",
			"t.conf:2: address: bad address '1.2.3.-4' (want a.b.c.d/len)");
}
END_TEST

START_TEST(test_cfg_err_bad_prefix)
{
	ck_parse_error("[port 0]\naddress = 198.18.0.1/33\n",
			"t.conf:2: address: bad prefix length '33' (want 1..32)");
	ck_parse_error("[port 0]\naddress = 198.18.0.1/0\n",
			"t.conf:2: address: bad prefix length '0' (want 1..32)");
	ck_parse_error("[port 0]\naddress = 198.18.0.1/\n",
			"t.conf:2: address: bad prefix length '' (want 1..32)");
	ck_parse_error("[port 0]\naddress = 198.18.0.1/2x\n",
			"t.conf:2: address: bad prefix length '2x' (want 1..32)");
}
END_TEST

START_TEST(test_cfg_err_out_of_range)
{
	ck_parse_error("[tcp]\nmss = 9001\n", "t.conf:2: mss: 9001 out of range (88..8960)");
	ck_parse_error("[port 0]\naddress = 1.2.3.4/8\nmtu = 575\n",
			"t.conf:3: mtu: 575 out of range (576..9000)");
	ck_parse_error("[mqtt]\nqos = 3\n", "t.conf:2: qos: 3 out of range (0..2)");
	ck_parse_error("[tcp]\nmax_flows = 99999999999\n",
			"t.conf:2: max_flows: 99999999999 out of range (1..1048576)");
	ck_parse_error("[tcp]\nlisten = 7, 0\n", "t.conf:2: listen: 0 out of range (1..65535)");
	/* TIME_WAIT shorter than a 1 s RTO misses the peer's retransmitted FIN. */
	ck_parse_error("[tcp]\ntime_wait_ms = 999\n",
			"t.conf:2: time_wait_ms: 999 out of range (1000..240000)");
	ck_parse_error("[tcp]\ntime_wait_ms = 0\n",
			"t.conf:2: time_wait_ms: 0 out of range (1000..240000)");
	ck_parse_error("[tcp]\nbuffer_size = 3000\n",
			"t.conf:2: buffer_size: 3000 is not a power of two");
	ck_parse_error("[tcp]\nlisten = 1 2 3 4 5 6 7 8 9\n",
			"t.conf:2: listen: too many ports (max 8)");
	ck_parse_error("[tcp]\nlisten = 7, 7\n", "t.conf:2: listen: port 7 listed twice");
}
END_TEST

START_TEST(test_cfg_err_not_a_value)
{
	ck_parse_error("[tcp]\nmss = abc\n", "t.conf:2: mss: 'abc' is not a number");
	ck_parse_error("[tcp]\nmss = -5\n", "t.conf:2: mss: '-5' is not a number");
	ck_parse_error("[tcp]\nmss = 0x10\n", "t.conf:2: mss: '0x10' is not a number");
	ck_parse_error("[tcp]\nmss = 1460#c\n", "t.conf:2: mss: '1460#c' is not a number");
	ck_parse_error("[tcp]\nmss =\n", "t.conf:2: mss: missing value");
	ck_parse_error("[tcp]\nlisten = # none\n", "t.conf:2: listen: missing value");
	ck_parse_error("[tcp]\nlisten = 7;9\n", "t.conf:2: listen: '7;9' is not a number");
	ck_parse_error("[mqtt]\nenabled = maybe\n",
			"t.conf:2: enabled: 'maybe' is not a boolean (yes/no)");
	ck_parse_error("[tcp]\nsyn_cookies = sometimes\n",
			"t.conf:2: syn_cookies: 'sometimes' is not one of off, on, auto");
	ck_parse_error("[dpdk]\nidle = sleep\n",
			"t.conf:2: idle: 'sleep' is not one of poll, adaptive");
	ck_parse_error("[log]\nlevel = 7\n",
			"t.conf:2: level: '7' is not one of default, emerg, alert, crit, err, "
			"warning, notice, info, debug");
	ck_parse_error("[mqtt]\nhost = \"abc\n", "t.conf:2: host: unterminated string");
}
END_TEST

START_TEST(test_cfg_err_trailing_junk)
{
	ck_parse_error("[tcp]\nmss = 1460 1500\n", "t.conf:2: mss: trailing junk '1500'");
	ck_parse_error("[port 0]\naddress = 1.2.3.4/8 up\n",
			"t.conf:2: address: trailing junk 'up'");
	ck_parse_error("[mgmt]\nsocket = /tmp/a b\n", "t.conf:2: socket: trailing junk 'b'");
	ck_parse_error("[mqtt]\nhost = \"a b\"c\n", "t.conf:2: host: trailing junk 'c'");
}
END_TEST

START_TEST(test_cfg_err_too_long)
{
	char text[700];
	char big[200];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(text, sizeof(text), "[mqtt]\nhost = %s\n", big);
	ck_parse_error(text, "t.conf:2: host: value too long (max 127 bytes)");

	snprintf(text, sizeof(text), "[mgmt]\nsocket = /%.107s\n", big);
	ck_parse_error(text, "t.conf:2: socket: value too long (max 107 bytes)");

	memset(text, ' ', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	ck_parse_error(text, "t.conf:1: line too long (max 512 bytes)");
}
END_TEST

START_TEST(test_cfg_err_ports)
{
	ck_parse_error("[port 0]\nmtu = 1500\n", "t.conf:1: [port 0] has no address");
	ck_parse_error("[port 0]\naddress = 10.0.0.1/8\n\n[port 2]\naddress = 10.0.0.3/8\n",
			"t.conf:4: [port 1] is missing (ports are numbered from 0)");
}
END_TEST

START_TEST(test_cfg_err_cross_checks)
{
	ck_parse_error("[tcp]\nrto_min_ms = 2000\n",
			"t.conf:2: rto_min_ms (2000) must not exceed rto_initial_ms (1000)");
	ck_parse_error("[tcp]\nrto_max_ms = 500\nrto_min_ms = 100\n",
			"t.conf:2: rto_initial_ms (1000) must not exceed rto_max_ms (500)");
	ck_parse_error("[dpdk]\nmbufs = 255\n",
			"t.conf:2: mbuf_cache (256) must not exceed mbufs / 1.5 (255)");
}
END_TEST

/* Found by fuzzing: a CR inside a value came back without it from fp_cfg_format(). */
START_TEST(test_cfg_err_control_char)
{
	ck_parse_error("[mqtt]\nnode=ab\r\t\t\n",
			"t.conf:2: node: control character 0x0d in the value");
	ck_parse_error("[mqtt]\nnode = \"a\x1b[0m\"\n",
			"t.conf:2: node: control character 0x1b in the value");
	ck_parse_error("[mgmt]\ngroup = a\x7f\n",
			"t.conf:2: group: control character 0x7f in the value");
	/* a tab inside quotes is a blank, not a control character */
	ck_assert_int_eq(parse("[mqtt]\nnode = \"a\tb\"\n"), 0);
	ck_assert_str_eq(cfg.mqtt.node, "a\tb");
}
END_TEST

START_TEST(test_cfg_err_nul_byte)
{
	static const char text[] = "[tcp]\nmss = 1\0002\n";

	fp_cfg_defaults(&cfg);
	ck_assert_int_eq(fp_cfg_parse(&cfg, "t.conf", text, sizeof(text) - 1, err, sizeof(err)),
			-EINVAL);
	ck_assert_str_eq(err, "t.conf:2: NUL byte in line");
}
END_TEST

START_TEST(test_cfg_load_missing_file)
{
	ck_assert_int_eq(fp_cfg_load(&cfg, "/nonexistent/fp.conf", err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "/nonexistent/fp.conf: No such file or directory");
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

START_TEST(test_cfg_load_file)
{
	char path[] = "/tmp/check_cfg_XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	write_file(path, "[port 0]\r\naddress = 198.18.0.1/24\r\n[tcp]\nlisten = 7 9");
	ck_assert_int_eq(fp_cfg_load(&cfg, path, err, sizeof(err)), 0);
	ck_assert_str_eq(cfg.path, path);
	ck_assert_uint_eq(cfg.n_ports, 1);
	ck_assert_uint_eq(cfg.ports[0].ip4, IP4(198, 18, 0, 1));
	ck_assert_uint_eq(cfg.tcp.n_listen, 2);

	/* Errors name the file and line, like fp_cfg_parse(). */
	write_file(path, "[port 0]\naddress = 198.18.0.1/24\n[tcp]\nmss = 1460 x\n");
	ck_assert_int_eq(fp_cfg_load(&cfg, path, err, sizeof(err)), -EINVAL);
	{
		char want[128];

		snprintf(want, sizeof(want), "%s:4: mss: trailing junk 'x'", path);
		ck_assert_str_eq(err, want);
	}
	unlink(path);
}
END_TEST

/* A file under cfg/ in the source tree, whose root meson passes in. */
static void
cfg_source_path(char *path, size_t len, const char *rel)
{
	snprintf(path, len, "%s/cfg/%s", FP_SOURCE_ROOT, rel);
}

/* The shipped default config must load. */
START_TEST(test_cfg_load_shipped)
{
	char path[512];

	cfg_source_path(path, sizeof(path), "fastpath.conf");
	ck_assert_msg(fp_cfg_load(&cfg, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(cfg.n_ports, 1);
	ck_assert_uint_eq(cfg.ports[0].ip4, IP4(198, 18, 0, 1));
	ck_assert_uint_eq(cfg.ports[0].prefix_len, 24);
	ck_assert_uint_eq(cfg.tcp.n_listen, 1);
	ck_assert_uint_eq(cfg.tcp.listen[0], 7);
	ck_assert_str_eq(cfg.mgmt.socket, "/run/fastpath/fastpath.sock");
	ck_assert_uint_eq(cfg.mqtt.enabled, 0);
	ck_assert_str_eq(cfg.dpdk.pipeline, "../pipelines/echo.pipeline");
	/* Every value it spells out is the default. */
	{
		struct fp_cfg def;

		fp_cfg_defaults(&def);
		def.n_ports = 1;
		def.ports[0].ip4 = IP4(198, 18, 0, 1);
		def.ports[0].prefix_len = 24;
		snprintf(def.dpdk.pipeline, sizeof(def.dpdk.pipeline), "%s",
				"../pipelines/echo.pipeline");
		memcpy(def.path, cfg.path, sizeof(def.path));
		ck_assert_int_eq(memcmp(&def, &cfg, sizeof(def)), 0);
	}
}
END_TEST

/* The annotated examples must stay loadable as the format evolves. */
START_TEST(test_cfg_load_examples)
{
	static const char *const names[] = {"examples/two-ports.conf", "examples/small.conf",
			"examples/mqtt.conf", "examples/split.conf"};
	char path[512];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cfg_source_path(path, sizeof(path), names[i]);
		ck_assert_msg(fp_cfg_load(&cfg, path, err, sizeof(err)) == 0, "%s", err);
		ck_assert_uint_ge(cfg.n_ports, 1);
	}
	ck_assert_uint_eq(cfg.n_ports, 1);
}
END_TEST

static void
check_round_trip(const struct fp_cfg *in)
{
	static char text[8192];
	struct fp_cfg out;
	int n = fp_cfg_format(in, text, sizeof(text));

	ck_assert_int_gt(n, 0);
	ck_assert_uint_eq(strlen(text), (size_t)n);
	fp_cfg_defaults(&out);
	ck_assert_msg(fp_cfg_parse(&out, "fmt", text, (size_t)n, err, sizeof(err)) == 0, "%s\n%s",
			err, text);
	memcpy(out.path, in->path, sizeof(out.path));
	ck_assert_msg(memcmp(&out, in, sizeof(out)) == 0, "round trip differs:\n%s", text);
}

START_TEST(test_cfg_round_trip_defaults)
{
	struct fp_cfg in;

	fp_cfg_defaults(&in);
	check_round_trip(&in);
}
END_TEST

START_TEST(test_cfg_round_trip_everything)
{
	struct fp_cfg in;

	ck_assert_int_eq(
			parse("[port 0]\naddress = 198.18.0.1/24\nmtu = 9000\n"
			      "[port 1]\naddress = 10.9.8.7/30\n"
			      "[port 2]\naddress = 172.16.0.1/16\nmtu = 1280\n"
			      "[tcp]\nlisten = 7, 9, 65535\nsyn_cookies = off\nbuffer_size = 1024\n"
			      "time_wait_ms = 240000\n"
			      "[dpdk]\npipeline = \"my pipes/x.pipeline\"\nmbufs = 1023\n"
			      "mbuf_cache = 0\nidle = adaptive\n"
			      "[log]\nlevel = notice\n"
			      "[mgmt]\nsocket =\ngroup = wheel\n"
			      "[mqtt]\nenabled = yes\ncommands = yes\nqos = 2\n"
			      "commands_allow = help, flows, shutdown, log\n"
			      "password = \"#a \\\" b\\\\\"\nusername = \"\\\"q\"\n"
			      "node = n1\nclient_id = c\n"
			      "[metrics]\nlisten = 192.0.2.7:8080\n"),
			0);
	memcpy(&in, &cfg, sizeof(in));
	check_round_trip(&in);
}
END_TEST

START_TEST(test_cfg_format_nospace)
{
	char small[64];
	struct fp_cfg in;

	fp_cfg_defaults(&in);
	memset(small, 'x', sizeof(small));
	ck_assert_int_eq(fp_cfg_format(&in, small, sizeof(small)), -ENOSPC);
	ck_assert_int_eq(small[0], '\0');
}
END_TEST

/* ---------------------------------------------------------- fp_cfg_set */

/* fp_cfg_set() on the global cfg, from defaults unless told otherwise. */
static int
set(const char *key, const char *value)
{
	memset(err, 0, sizeof(err));
	return fp_cfg_set(&cfg, key, value, "config set", err, sizeof(err));
}

/* The key must be refused with exactly this message, and cfg left as it was. */
#define ck_set_error(key, value, rc, msg)                                 \
	do {                                                              \
		struct fp_cfg before_ = cfg;                              \
		ck_assert_int_eq(set(key, value), rc);                    \
		ck_assert_str_eq(err, msg);                               \
		ck_assert_int_eq(memcmp(&before_, &cfg, sizeof(cfg)), 0); \
	} while (0)

START_TEST(test_cfg_set_live_keys)
{
	struct fp_cfg want;

	fp_cfg_defaults(&cfg);
	want = cfg;
	ck_assert_int_eq(set("tcp.idle_timeout_s", "5"), 0);
	ck_assert_str_eq(err, "");
	want.tcp.idle_timeout_s = 5;
	ck_assert_int_eq(memcmp(&want, &cfg, sizeof(cfg)), 0);

	ck_assert_int_eq(set("tcp.syn_cookies", "on"), 0);
	ck_assert_int_eq(set("tcp.listen", "7, 9"), 0);
	ck_assert_int_eq(set("dpdk.idle", "adaptive"), 0);
	ck_assert_int_eq(set("mqtt.interval_ms", "250"), 0);
	ck_assert_int_eq(set("log.level", "debug"), 0);
	/* Blanks around the value, and a comment, read as in a file. */
	ck_assert_int_eq(set("tcp.time_wait_ms", "  3000  # three seconds"), 0);
	want.tcp.syn_cookies = 1;
	want.tcp.n_listen = 2;
	want.tcp.listen[1] = 9;
	want.dpdk.idle = FP_CFG_IDLE_ADAPTIVE;
	want.mqtt.interval_ms = 250;
	want.log.level = FP_CFG_LOG_DEBUG;
	want.tcp.time_wait_ms = 3000;
	ck_assert_int_eq(memcmp(&want, &cfg, sizeof(cfg)), 0);
}
END_TEST

START_TEST(test_cfg_set_bad_value_keeps_old)
{
	fp_cfg_defaults(&cfg);
	ck_assert_int_eq(set("tcp.idle_timeout_s", "30"), 0);
	ck_set_error("tcp.idle_timeout_s", "0", -EINVAL,
			"config set: tcp.idle_timeout_s: 0 out of range (1..86400)");
	ck_assert_uint_eq(cfg.tcp.idle_timeout_s, 30);
	ck_set_error("tcp.idle_timeout_s", "soon", -EINVAL,
			"config set: tcp.idle_timeout_s: 'soon' is not a number");
	ck_set_error("tcp.idle_timeout_s", "5 6", -EINVAL,
			"config set: tcp.idle_timeout_s: trailing junk '6'");
	ck_set_error("tcp.idle_timeout_s", "", -EINVAL,
			"config set: tcp.idle_timeout_s: missing value");
	ck_set_error("tcp.rto_max_ms", "99999999999", -EINVAL,
			"config set: tcp.rto_max_ms: 99999999999 out of range (1..600000)");
	ck_set_error("dpdk.idle", "sometimes", -EINVAL,
			"config set: dpdk.idle: 'sometimes' is not one of poll, adaptive");
	ck_set_error("tcp.listen", "7, 7", -EINVAL, "config set: tcp.listen: port 7 listed twice");
	/* A line break would be a second line in a file. */
	ck_set_error("tcp.idle_timeout_s", "5\n[tcp]", -EINVAL,
			"config set: tcp.idle_timeout_s: control character 0x0a in the value");
	{
		char big[600];

		memset(big, '1', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		ck_set_error("tcp.idle_timeout_s", big, -EINVAL,
				"config set: tcp.idle_timeout_s: value too long (max 512 bytes)");
	}
	ck_assert_uint_eq(cfg.tcp.idle_timeout_s, 30);
}
END_TEST

START_TEST(test_cfg_set_cross_checks)
{
	fp_cfg_defaults(&cfg);
	/* rto_min_ms <= rto_initial_ms <= rto_max_ms holds at run time too. */
	ck_set_error("tcp.rto_min_ms", "5000", -EINVAL,
			"config set: rto_min_ms (5000) must not exceed rto_initial_ms (1000)");
	ck_set_error("tcp.rto_max_ms", "999", -EINVAL,
			"config set: rto_initial_ms (1000) must not exceed rto_max_ms (999)");
	ck_assert_int_eq(set("tcp.rto_max_ms", "1000"), 0);
	ck_assert_uint_eq(cfg.tcp.rto_max_ms, 1000);
}
END_TEST

START_TEST(test_cfg_set_restart_keys)
{
	fp_cfg_defaults(&cfg);
	ck_set_error("tcp.max_flows", "10", -EPERM,
			"config set: tcp.max_flows: needs a restart: it sizes the TCP engine's "
			"memory, allocated at start");
	ck_set_error("tcp.buffer_size", "1024", -EPERM,
			"config set: tcp.buffer_size: needs a restart: it sizes the TCP engine's "
			"memory, allocated at start");
	ck_set_error("dpdk.mbufs", "1023", -EPERM,
			"config set: dpdk.mbufs: needs a restart: DPDK sets it up at start (mbuf "
			"pool, queues, pipeline)");
	ck_set_error("mgmt.socket", "/tmp/x", -EPERM,
			"config set: mgmt.socket: needs a restart: the management socket is set "
			"up at start");
	ck_set_error("mqtt.host", "h", -EPERM,
			"config set: mqtt.host: needs a restart: the broker connection is set up "
			"at start");
	ck_set_error("port0.mtu", "1400", -EPERM,
			"config set: port0.mtu: needs a restart: the port is set up at start");
	/* Refused for what the key is, before its value is looked at. */
	ck_set_error("tcp.max_flows", "junk", -EPERM,
			"config set: tcp.max_flows: needs a restart: it sizes the TCP engine's "
			"memory, allocated at start");
}
END_TEST

START_TEST(test_cfg_set_unknown_keys)
{
	static const char *const bad[] = {"idle_timeout_s", "tcp.", ".mss", "tcp.nope", "tcpx.mss",
			"port.mtu", "port01.mtu", "port9.mtu", "port0.", "tcp.mss.x", "TCP.mss",
			""};

	fp_cfg_defaults(&cfg);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[128];

		snprintf(want, sizeof(want),
				"config set: unknown key '%s' (want section.key, such as "
				"tcp.idle_timeout_s)",
				bad[i]);
		ck_set_error(bad[i], "1", -ENOENT, want);
	}
	/* Without a label the message stands alone. */
	ck_assert_int_eq(fp_cfg_set(&cfg, "tcp.mss", "1", NULL, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "tcp.mss: 1 out of range (88..8960)");
}
END_TEST

struct key_list {
	unsigned n;
	char name[64][48];
	int live[64];
	char value[64][64];
	char other[64][64];
	int restart_given[64];
};

static void
collect(void *arg, const struct fp_cfg_item *it)
{
	struct key_list *l = arg;

	ck_assert_uint_lt(l->n, 64);
	snprintf(l->name[l->n], sizeof(l->name[0]), "%s", it->key);
	snprintf(l->value[l->n], sizeof(l->value[0]), "%s", it->value);
	snprintf(l->other[l->n], sizeof(l->other[0]), "%s", it->other ? it->other : "(null)");
	l->live[l->n] = it->live;
	l->restart_given[l->n] = it->restart != NULL;
	l->n++;
}

/*
 * A value set at run time gets the file parser's verdict: for every live key
 * and a spread of values, fp_cfg_set() succeeds exactly when the file line
 * parses, with the same configuration and the same message but for where it
 * points ("config set: tcp.mss:" for "t.conf:2: mss:").
 */
START_TEST(test_cfg_set_same_verdict_as_file)
{
	static const char *const values[] = {"0", "1", "5", "88", "100", "1000", "65535", "86400",
			"86401", "600001", "99999999999", "-1", "abc", "", "  7  ", "7, 9", "7 7",
			"on", "off", "auto", "poll", "adaptive", "debug", "info", "default", "yes",
			"\"quoted\"", "\"unterminated", "1 # comment", "x y"};
	struct key_list *keys = calloc(1, sizeof(*keys));
	unsigned live = 0;

	ck_assert_ptr_nonnull(keys);
	fp_cfg_defaults(&cfg);
	fp_cfg_each(&cfg, collect, keys);
	for (unsigned i = 0; i < keys->n; i++) {
		const char *dot = strchr(keys->name[i], '.');

		if (!keys->live[i])
			continue;
		live++;
		for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			char text[256], file_err[256], want[300];
			struct fp_cfg from_file;
			int file_rc, set_rc;

			snprintf(text, sizeof(text), "[%.*s]\n%s = %s\n",
					(int)(dot - keys->name[i]), keys->name[i], dot + 1,
					values[v]);
			fp_cfg_defaults(&from_file);
			file_rc = fp_cfg_parse(&from_file, "t.conf", text, strlen(text), file_err,
					sizeof(file_err));
			fp_cfg_defaults(&cfg);
			set_rc = set(keys->name[i], values[v]);
			ck_assert_msg(set_rc == file_rc, "%s = '%s': set %d, file %d (%s)",
					keys->name[i], values[v], set_rc, file_rc, file_err);
			if (file_rc == 0) {
				ck_assert_int_eq(memcmp(&from_file, &cfg, sizeof(cfg)), 0);
				continue;
			}
			/* "t.conf:2: mss: ..." -> "config set: tcp.mss: ...", while
			 * messages across keys ("rto_min_ms (..) must not ...") keep theirs. */
			if (strncmp(file_err + 10, dot + 1, strlen(dot + 1)) == 0 &&
					file_err[10 + strlen(dot + 1)] == ':')
				snprintf(want, sizeof(want), "config set: %s%s", keys->name[i],
						file_err + 10 + strlen(dot + 1));
			else
				snprintf(want, sizeof(want), "config set: %s", file_err + 10);
			ck_assert_str_eq(err, want);
		}
	}
	/* tcp: 8, dpdk.idle, mqtt.interval_ms, log.level */
	ck_assert_uint_eq(live, 11);
	free(keys);
}
END_TEST

/* Every key fp_cfg_each() names is one fp_cfg_set() knows, live or not as it says. */
START_TEST(test_cfg_each_names_settable_keys)
{
	struct key_list *keys = calloc(1, sizeof(*keys));
	int n;

	ck_assert_ptr_nonnull(keys);
	ck_assert_int_eq(parse("[port 0]\naddress = 10.0.0.1/24\n[port 1]\naddress = "
			       "10.1.0.1/24\n"),
			0);
	n = fp_cfg_each(&cfg, collect, keys);
	ck_assert_int_eq(n, (int)keys->n);
	/* 2 per port, tcp 12, dpdk 6, mgmt 2, mqtt 16, log 1, metrics 1 */
	ck_assert_int_eq(n, 2 * 2 + 12 + 6 + 2 + 16 + 1 + 1);
	ck_assert_str_eq(keys->name[0], "port0.address");
	ck_assert_str_eq(keys->value[0], "10.0.0.1/24");
	ck_assert_str_eq(keys->other[0], "(null)");
	ck_assert_str_eq(keys->name[2], "port1.address");
	ck_assert_str_eq(keys->name[4], "tcp.listen");
	for (unsigned i = 0; i < keys->n; i++) {
		struct fp_cfg copy = cfg;
		int rc = fp_cfg_set(&copy, keys->name[i], keys->value[i], NULL, err, sizeof(err));

		/* Setting a live key to the value it has changes nothing. */
		if (keys->live[i]) {
			ck_assert_msg(rc == 0, "%s = %s: %s", keys->name[i], keys->value[i], err);
			ck_assert_int_eq(memcmp(&copy, &cfg, sizeof(cfg)), 0);
		} else {
			ck_assert_msg(rc == -EPERM, "%s: %d", keys->name[i], rc);
		}
		ck_assert_int_eq(keys->restart_given[i], !keys->live[i]);
	}
	free(keys);
}
END_TEST

START_TEST(test_cfg_diff)
{
	struct key_list *keys = calloc(1, sizeof(*keys));
	struct fp_cfg file, running;

	ck_assert_ptr_nonnull(keys);
	ck_assert_int_eq(parse("[port 0]\naddress = 10.0.0.1/24\n[mqtt]\nhost = \"a b\"\n"), 0);
	file = cfg;
	ck_assert_int_eq(fp_cfg_diff(&file, &file, collect, keys), 0);
	ck_assert_uint_eq(keys->n, 0);

	ck_assert_int_eq(set("tcp.idle_timeout_s", "5"), 0);
	ck_assert_int_eq(set("log.level", "debug"), 0);
	running = cfg;
	ck_assert_int_eq(fp_cfg_diff(&running, &file, collect, keys), 2);
	ck_assert_str_eq(keys->name[0], "tcp.idle_timeout_s");
	ck_assert_str_eq(keys->value[0], "5");
	ck_assert_str_eq(keys->other[0], "300");
	ck_assert_int_eq(keys->live[0], 1);
	ck_assert_str_eq(keys->name[1], "log.level");
	ck_assert_str_eq(keys->value[1], "debug");
	ck_assert_str_eq(keys->other[1], "default");

	/* A file edited since: restart-only keys, quoting, sections it no longer has. */
	keys->n = 0;
	ck_assert_int_eq(parse("[mqtt]\nhost = \"c d\"\n[tcp]\nmax_flows = 8\n"), 0);
	ck_assert_int_eq(fp_cfg_diff(&file, &cfg, collect, keys), 4);
	ck_assert_str_eq(keys->name[0], "port0.address");
	ck_assert_str_eq(keys->value[0], "10.0.0.1/24");
	ck_assert_str_eq(keys->other[0], "(no section)");
	ck_assert_str_eq(keys->name[1], "port0.mtu");
	ck_assert_str_eq(keys->other[1], "(no section)");
	ck_assert_str_eq(keys->name[2], "tcp.max_flows");
	ck_assert_int_eq(keys->live[2], 0);
	ck_assert_str_eq(keys->name[3], "mqtt.host");
	ck_assert_str_eq(keys->value[3], "\"a b\"");
	ck_assert_str_eq(keys->other[3], "\"c d\"");
	free(keys);
}
END_TEST

static Suite *
cfg_suite(void)
{
	Suite *s = suite_create("cfg");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_cfg_defaults);
	tcase_add_test(tc, test_cfg_empty_text_keeps_defaults);
	tcase_add_test(tc, test_cfg_every_key);
	tcase_add_test(tc, test_cfg_metrics_listen);
	tcase_add_test(tc, test_cfg_values);
	tcase_add_test(tc, test_cfg_commands_allow);
	tcase_add_test(tc, test_cfg_err_unknown_section);
	tcase_add_test(tc, test_cfg_err_unknown_key);
	tcase_add_test(tc, test_cfg_err_missing_equals);
	tcase_add_test(tc, test_cfg_err_duplicate_key);
	tcase_add_test(tc, test_cfg_err_bad_address);
	tcase_add_test(tc, test_cfg_err_bad_prefix);
	tcase_add_test(tc, test_cfg_err_out_of_range);
	tcase_add_test(tc, test_cfg_err_not_a_value);
	tcase_add_test(tc, test_cfg_err_trailing_junk);
	tcase_add_test(tc, test_cfg_err_too_long);
	tcase_add_test(tc, test_cfg_err_ports);
	tcase_add_test(tc, test_cfg_err_cross_checks);
	tcase_add_test(tc, test_cfg_err_nul_byte);
	tcase_add_test(tc, test_cfg_err_control_char);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_test(tc, test_cfg_load_missing_file);
	tcase_add_test(tc, test_cfg_load_file);
	tcase_add_test(tc, test_cfg_load_shipped);
	tcase_add_test(tc, test_cfg_load_examples);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_test(tc, test_cfg_round_trip_defaults);
	tcase_add_test(tc, test_cfg_round_trip_everything);
	tcase_add_test(tc, test_cfg_format_nospace);
	suite_add_tcase(s, tc);

	tc = tcase_create("set");
	tcase_add_test(tc, test_cfg_set_live_keys);
	tcase_add_test(tc, test_cfg_set_bad_value_keeps_old);
	tcase_add_test(tc, test_cfg_set_cross_checks);
	tcase_add_test(tc, test_cfg_set_restart_keys);
	tcase_add_test(tc, test_cfg_set_unknown_keys);
	tcase_add_test(tc, test_cfg_set_same_verdict_as_file);
	tcase_add_test(tc, test_cfg_each_names_settable_keys);
	tcase_add_test(tc, test_cfg_diff);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cfg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
