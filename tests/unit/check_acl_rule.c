/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/acl_rule.c: ACL rule text -> struct app_acl_rule, without EAL. Every
 * match and every error message, the round trip through app_acl_rule_format(),
 * and a rules file of 10,000 rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "acl_rule.h"

static char err[512];
static struct app_acl_rule rule;

static int
parse(const char *text)
{
	char buf[APP_ACL_RULE_TEXT_MAX + 1];
	struct fp_text_src src = {"r.rules", 3, err, sizeof(err)};

	snprintf(buf, sizeof(buf), "%s", text);
	memset(err, 0, sizeof(err));
	return app_acl_rule_parse(&src, buf, &rule);
}

#define ck_rule_error(text, msg)                        \
	do {                                            \
		ck_assert_int_eq(parse(text), -EINVAL); \
		ck_assert_str_eq(err, msg);             \
	} while (0)

/* Parse, format, and compare with the canonical text. */
static void
roundtrip(const char *text, const char *canon)
{
	char out[256];

	ck_assert_msg(parse(text) == 0, "%s: %s", text, err);
	ck_assert_int_gt(app_acl_rule_format(&rule, out, sizeof(out)), 0);
	ck_assert_str_eq(out, canon);
}

START_TEST(test_acl_rule_matches)
{
	ck_assert_int_eq(parse("deny src 10.0.0.0/8 dst 198.18.0.1 proto tcp sport 1024-2047 "
			       "dport 7 flags syn,!ack"),
			0);
	ck_assert_uint_eq(rule.action, APP_ACL_DENY);
	ck_assert_uint_eq(rule.src, 0x0a000000);
	ck_assert_uint_eq(rule.src_len, 8);
	ck_assert_uint_eq(rule.dst, 0xc6120001);
	ck_assert_uint_eq(rule.dst_len, 32);
	ck_assert_uint_eq(rule.proto, 6);
	ck_assert_uint_eq(rule.proto_any, 0);
	ck_assert_uint_eq(rule.sport_lo, 1024);
	ck_assert_uint_eq(rule.sport_hi, 2047);
	ck_assert_uint_eq(rule.dport_lo, 7);
	ck_assert_uint_eq(rule.dport_hi, 7);
	ck_assert_uint_eq(rule.flags, APP_TCP_SYN);
	ck_assert_uint_eq(rule.flags_mask, APP_TCP_SYN | APP_TCP_ACK);
	ck_assert_uint_eq(rule.line, 3);

	/* Nothing but an action matches everything. */
	ck_assert_int_eq(parse("permit"), 0);
	ck_assert_uint_eq(rule.proto_any, 1);
	ck_assert_uint_eq(rule.src_len, 0);
	ck_assert_uint_eq(rule.dport_lo, 0);
	ck_assert_uint_eq(rule.dport_hi, 65535);
	ck_assert_uint_eq(rule.flags_mask, 0);

	roundtrip("count   proto icmp   # trailing comment", "count proto 1");
	roundtrip("permit src any dst 0.0.0.0/0", "permit");
	roundtrip("deny proto udp sport 53 dport 0-1023 src 172.16.0.0/12",
			"deny src 172.16.0.0/12 proto 17 sport 53 dport 0-1023");
	roundtrip("deny proto tcp flags !ack,syn,fin", "deny proto 6 flags fin,syn,!ack");
	roundtrip("permit proto 132", "permit proto 132");
}
END_TEST

START_TEST(test_acl_rule_errors)
{
	ck_rule_error("", "r.rules:3: empty rule (want permit, deny or count, then matches)");
	ck_rule_error("drop src 1.2.3.4",
			"r.rules:3: unknown action 'drop' (want permit, deny or count)");
	ck_rule_error("deny from 1.2.3.4",
			"r.rules:3: unknown match 'from' (want src, dst, proto, sport, dport, "
			"flags)");
	ck_rule_error("deny src", "r.rules:3: match 'src' needs a value");
	ck_rule_error("deny src 1.2.3.4 src 5.6.7.8", "r.rules:3: match 'src' given twice");
	ck_rule_error("deny src 1.2.3",
			"r.rules:3: bad src prefix '1.2.3' (want a.b.c.d/len or any)");
	ck_rule_error("deny dst 1.2.3.256",
			"r.rules:3: bad dst prefix '1.2.3.256' (want a.b.c.d/len or any)");
	ck_rule_error("deny src 10.0.0.0/33",
			"r.rules:3: bad src prefix '10.0.0.0/33' (want a.b.c.d/len or any)");
	ck_rule_error("deny src 10.0.0.1/8",
			"r.rules:3: src prefix '10.0.0.1/8' has host bits set");
	ck_rule_error("deny proto gre",
			"r.rules:3: bad proto 'gre' (want tcp, udp, icmp or 0..255)");
	ck_rule_error("deny proto 256",
			"r.rules:3: bad proto '256' (want tcp, udp, icmp or 0..255)");
	ck_rule_error("deny proto tcp dport 10-5",
			"r.rules:3: bad dport '10-5' (want a port 0..65535 or a range like "
			"1024-2047)");
	ck_rule_error("deny proto udp sport 65536",
			"r.rules:3: bad sport '65536' (want a port 0..65535 or a range like "
			"1024-2047)");
	ck_rule_error("deny dport 7", "r.rules:3: sport/dport need proto tcp or udp");
	ck_rule_error("deny proto icmp dport 7", "r.rules:3: sport/dport need proto tcp or udp");
	ck_rule_error("deny proto udp flags syn", "r.rules:3: flags need proto tcp");
	ck_rule_error("deny proto tcp flags syn,bogus",
			"r.rules:3: unknown TCP flag 'bogus' (want fin syn rst psh ack urg ece "
			"cwr, ! for clear, comma-separated)");
	ck_rule_error("deny proto tcp flags syn,!syn", "r.rules:3: TCP flag 'syn' named twice");
	ck_rule_error("deny proto tcp flags ,", "r.rules:3: empty TCP flag list");
}
END_TEST

/* The scale the issue asks for: 10,000 rules from one file. */
START_TEST(test_acl_rules_file_10k)
{
	char path[] = "/tmp/check_acl_rule.XXXXXX";
	struct app_acl_rules rs = {NULL, 0, 0};
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "# generated\n");
	for (unsigned i = 0; i < 10000; i++)
		fprintf(f, "deny src 10.%u.%u.0/24 proto tcp dport %u\n", i / 256, i % 256,
				1 + i % 60000);
	fclose(f);
	ck_assert_msg(app_acl_rules_load(&rs, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(rs.n, 10000);
	ck_assert_uint_eq(rs.v[9999].src, (10u << 24) | (39u << 16) | (15u << 8));
	ck_assert_uint_eq(rs.v[9999].line, 10001);
	app_acl_rules_free(&rs);

	f = fopen(path, "w");
	fprintf(f, "deny src 10.0.0.0/8\n\npermit src 1.2.3.4 proto tcp flags syn,syn\n");
	fclose(f);
	ck_assert_int_eq(app_acl_rules_load(&rs, path, err, sizeof(err)), -EINVAL);
	{
		char want[256];

		snprintf(want, sizeof(want), "%s:3: TCP flag 'syn' named twice", path);
		ck_assert_str_eq(err, want);
	}
	app_acl_rules_free(&rs);
	unlink(path);
}
END_TEST

static Suite *
acl_rule_suite(void)
{
	Suite *s = suite_create("acl_rule");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_acl_rule_matches);
	tcase_add_test(tc, test_acl_rule_errors);
	tcase_add_test(tc, test_acl_rules_file_10k);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(acl_rule_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
