/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tlm: the JSON writer, the stats document (byte-exact goldens) and the
 * strict request parser that faces the management socket and the MQTT cmd topic.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fp/stats.h"
#include "fp/tlm.h"
#include "fp/utf8.h"

/* ---------------------------------------------------------------- writer */

START_TEST(test_tlm_json_nested_golden)
{
	char buf[256];
	struct fp_tlm_json j;

	fp_tlm_json_init(&j, buf, sizeof(buf));
	fp_tlm_json_obj_begin(&j);
	fp_tlm_json_kv_bool(&j, "ok", 1);
	fp_tlm_json_kv_str(&j, "s", "a\"b\\c\n\t\x01/\xc3\xa9");
	fp_tlm_json_kv_i64(&j, "neg", INT64_MIN);
	fp_tlm_json_kv_u64(&j, "max", UINT64_MAX);
	fp_tlm_json_kv_u64(&j, "zero", 0);
	fp_tlm_json_key(&j, "arr");
	fp_tlm_json_arr_begin(&j);
	fp_tlm_json_u64(&j, 1);
	fp_tlm_json_obj_begin(&j);
	fp_tlm_json_obj_end(&j);
	fp_tlm_json_arr_begin(&j);
	fp_tlm_json_arr_end(&j);
	fp_tlm_json_null(&j);
	fp_tlm_json_bool(&j, 0);
	fp_tlm_json_arr_end(&j);
	fp_tlm_json_key(&j, "o");
	fp_tlm_json_obj_begin(&j);
	fp_tlm_json_kv_i64(&j, "x", -5);
	fp_tlm_json_obj_end(&j);
	fp_tlm_json_obj_end(&j);

	const char *want = "{\"ok\":true,\"s\":\"a\\\"b\\\\c\\n\\t\\u0001/\xc3\xa9\","
			   "\"neg\":-9223372036854775808,\"max\":18446744073709551615,"
			   "\"zero\":0,\"arr\":[1,{},[],null,false],\"o\":{\"x\":-5}}";
	ck_assert_int_eq(fp_tlm_json_finish(&j), (int)strlen(want));
	ck_assert_str_eq(buf, want);
}
END_TEST

START_TEST(test_tlm_json_strn_nul)
{
	char buf[32];
	struct fp_tlm_json j;

	fp_tlm_json_init(&j, buf, sizeof(buf));
	fp_tlm_json_strn(&j, "a\0b", 3);
	ck_assert_int_eq(fp_tlm_json_finish(&j), 10);
	ck_assert_str_eq(buf, "\"a\\u0000b\"");
}
END_TEST

/* Every buffer size below the exact need gives -ENOSPC and an empty string. */
START_TEST(test_tlm_json_enospc_every_size)
{
	const char *want = "{\"a\":[1,2,\"x\"]}";
	size_t need = strlen(want) + 1;

	for (size_t cap = 0; cap <= need; cap++) {
		char buf[64];
		struct fp_tlm_json j;

		memset(buf, 'Z', sizeof(buf));
		fp_tlm_json_init(&j, buf, cap);
		fp_tlm_json_obj_begin(&j);
		fp_tlm_json_key(&j, "a");
		fp_tlm_json_arr_begin(&j);
		fp_tlm_json_u64(&j, 1);
		fp_tlm_json_u64(&j, 2);
		fp_tlm_json_str(&j, "x");
		fp_tlm_json_arr_end(&j);
		fp_tlm_json_obj_end(&j);
		int rc = fp_tlm_json_finish(&j);

		if (cap < need) {
			ck_assert_int_eq(rc, -ENOSPC);
			if (cap > 0)
				ck_assert_int_eq(buf[0], '\0');
			/* nothing written past cap */
			for (size_t i = cap; i < sizeof(buf); i++)
				ck_assert_int_eq(buf[i], 'Z');
		} else {
			ck_assert_int_eq(rc, (int)strlen(want));
			ck_assert_str_eq(buf, want);
		}
	}
}
END_TEST

START_TEST(test_tlm_json_misuse)
{
	char buf[64];
	struct fp_tlm_json j;

	/* unbalanced */
	fp_tlm_json_init(&j, buf, sizeof(buf));
	fp_tlm_json_obj_begin(&j);
	ck_assert_int_eq(fp_tlm_json_finish(&j), -EINVAL);
	ck_assert_str_eq(buf, "");
	/* key outside an object */
	fp_tlm_json_init(&j, buf, sizeof(buf));
	fp_tlm_json_key(&j, "k");
	ck_assert_int_eq(fp_tlm_json_finish(&j), -EINVAL);
	/* key with no value */
	fp_tlm_json_init(&j, buf, sizeof(buf));
	fp_tlm_json_obj_begin(&j);
	fp_tlm_json_key(&j, "k");
	fp_tlm_json_obj_end(&j);
	ck_assert_int_eq(fp_tlm_json_finish(&j), -EINVAL);
	/* close without open */
	fp_tlm_json_init(&j, buf, sizeof(buf));
	fp_tlm_json_arr_end(&j);
	ck_assert_int_eq(fp_tlm_json_finish(&j), -EINVAL);
	/* too deep */
	fp_tlm_json_init(&j, buf, sizeof(buf));
	for (int i = 0; i < FP_TLM_JSON_MAX_DEPTH + 1; i++)
		fp_tlm_json_arr_begin(&j);
	ck_assert_int_eq(fp_tlm_json_finish(&j), -EINVAL);
}
END_TEST

/* RFC 8259 8.1: whatever bytes a string holds, the document is UTF-8. */
START_TEST(test_tlm_json_invalid_utf8_replaced)
{
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
			{"\xc3\xa9", "\"\xc3\xa9\""},                  /* valid: kept as is */
			{"a\xc3", "\"a\\ufffd\""},                     /* cut after the lead byte */
			{"\xe2\x82", "\"\\ufffd\\ufffd\""},            /* cut 3-byte sequence */
			{"\x80x", "\"\\ufffdx\""},                     /* lone continuation byte */
			{"\xc0\xaf", "\"\\ufffd\\ufffd\""},            /* overlong '/' */
			{"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""}, /* UTF-16 surrogate */
			{"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* > U+10FFFF */
			{"\xff\"", "\"\\ufffd\\\"\""},                /* and escapes still apply */
			{"\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""}, /* 4-byte: kept */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];
		struct fp_tlm_json j;
		int n;

		fp_tlm_json_init(&j, buf, sizeof(buf));
		fp_tlm_json_str(&j, cases[i].in);
		n = fp_tlm_json_finish(&j);
		ck_assert_msg(n > 0 && strcmp(buf, cases[i].want) == 0, "case %zu: got %s", i, buf);
		ck_assert(fp_utf8_valid(buf, (size_t)n));
	}
}
END_TEST

/* ------------------------------------------------------------------ utf8 */

START_TEST(test_utf8_seq_len)
{
	ck_assert_uint_eq(fp_utf8_seq_len((const uint8_t *)"a", 1), 1);
	ck_assert_uint_eq(fp_utf8_seq_len((const uint8_t *)"\xc3\xa9", 2), 2);
	ck_assert_uint_eq(fp_utf8_seq_len((const uint8_t *)"\xc3\xa9", 1), 0); /* short */
	ck_assert_uint_eq(fp_utf8_seq_len((const uint8_t *)"\xe2\x82\xac", 3), 3);
	ck_assert_uint_eq(fp_utf8_seq_len((const uint8_t *)"\xf0\x9f\x98\x80", 4), 4);
	ck_assert_uint_eq(
			fp_utf8_seq_len((const uint8_t *)"\xf4\x8f\xbf\xbf", 4), 4); /* U+10FFFF */
	ck_assert_uint_eq(fp_utf8_seq_len((const uint8_t *)"\xf4\x90\x80\x80", 4), 0);
	ck_assert_uint_eq(fp_utf8_seq_len((const uint8_t *)"\xe0\x80\x80", 3), 0); /* overlong */
	ck_assert_uint_eq(fp_utf8_seq_len((const uint8_t *)"\xc1\xbf", 2), 0);     /* overlong */
	ck_assert_uint_eq(fp_utf8_seq_len((const uint8_t *)"\xed\xbf\xbf", 3), 0); /* surrogate */
	ck_assert_uint_eq(fp_utf8_seq_len((const uint8_t *)"\xbf", 1), 0);
	ck_assert_uint_eq(fp_utf8_seq_len((const uint8_t *)"\xc3\x41", 2), 0);
}
END_TEST

/* Every cut of a mixed string is valid UTF-8 and as long as it can be. */
START_TEST(test_utf8_prefix_every_cut)
{
	/* 'a', e-acute (2), euro (3), grinning face (4), 'z' */
	static const char s[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";
	static const size_t bounds[] = {0, 1, 3, 6, 10, 11};
	size_t len = sizeof(s) - 1;

	for (size_t max = 0; max <= len + 2; max++) {
		size_t want = 0, got = fp_utf8_prefix(s, len, max);

		for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++)
			if (bounds[i] <= max)
				want = bounds[i];
		ck_assert_msg(got == want, "max %zu: got %zu, want %zu", max, got, want);
		ck_assert(fp_utf8_valid(s, got));
	}
	/* bytes that are not UTF-8 count one each: the cut still lands on max */
	ck_assert_uint_eq(fp_utf8_prefix("\xff\xff\xff\xff", 4, 3), 3);
	ck_assert_uint_eq(fp_utf8_prefix("ab\xe2\x82", 4, 3), 3);
}
END_TEST

START_TEST(test_utf8_valid)
{
	ck_assert(fp_utf8_valid("", 0));
	ck_assert(fp_utf8_valid("plain", 5));
	ck_assert(fp_utf8_valid("\xc3\xa9\xe2\x82\xac", 5));
	ck_assert(!fp_utf8_valid("\xc3\xa9\xe2\x82", 4));
	ck_assert(!fp_utf8_valid("a\x80", 2));
}
END_TEST

/* -------------------------------------------------------------- document */

static void
fill_stats(struct fp_stats *st, uint64_t base)
{
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < FP_CTR_COUNT; i++)
		fp_stats_add(st, (enum fp_counter)i, base + i);
}

/*
 * The expected counter members, written with snprintf from the X-macro list:
 * an encoder independent of the one under test. The rest of each document
 * below is a literal.
 */
static size_t
counters_text(char *out, size_t cap, const struct fp_stats *st)
{
	size_t n = 0;
	uint64_t drops = 0;

#define X(id, name)                                                   \
	n += (size_t)snprintf(out + n, cap - n, "\"%s\":%llu,", name, \
			(unsigned long long)st->c[FP_CTR_##id]);      \
	if (strncmp(name, "drop_", 5) == 0)                           \
		drops += st->c[FP_CTR_##id];
	FP_FOREACH_COUNTER(X)
#undef X
	n += (size_t)snprintf(out + n, cap - n, "\"flows_open\":%u,\"drops\":%llu", st->flows_open,
			(unsigned long long)drops);
	ck_assert_uint_lt(n, cap);
	return n;
}

START_TEST(test_tlm_stats_doc_golden)
{
	static char buf[16384], want[16384], c1[4096], c2[4096], ct[4096];
	struct fp_stats s1, s2, tot;
	struct fp_tlm_ctx ctxs[2] = {{.id = 1, .stats = &s1}, {.id = 3, .stats = &s2}};
	struct fp_tlm_doc doc = {
			.node = "edge-1",
			.target = "dpdk",
			.version = "0.1.0",
			.uptime_ms = 12345,
			.time_ms = 1764151200000ull,
			.seq = 7,
			.ctxs = ctxs,
			.n_ctxs = 2,
			.per_ctx = 1,
	};

	fill_stats(&s1, 100);
	fill_stats(&s2, 1000);
	fp_stats_set_flows_open(&s1, 2);
	fp_stats_set_flows_open(&s2, 5);
	memset(&tot, 0, sizeof(tot));
	fp_stats_accumulate(&tot, &s1);
	fp_stats_accumulate(&tot, &s2);
	ck_assert_uint_eq(tot.flows_open, 7);
	counters_text(c1, sizeof(c1), &s1);
	counters_text(c2, sizeof(c2), &s2);
	counters_text(ct, sizeof(ct), &tot);
	snprintf(want, sizeof(want),
			"{\"schema\":\"fastpath.stats/2\",\"node\":\"edge-1\",\"target\":\"dpdk\","
			"\"version\":\"0.1.0\",\"seq\":7,\"uptime_ms\":12345,"
			"\"time_ms\":1764151200000,\"n_contexts\":2,\"total\":{%s},"
			"\"contexts\":[{\"id\":1,%s},{\"id\":3,%s}]}",
			ct, c1, c2);

	int n = fp_tlm_stats_encode(&doc, buf, sizeof(buf));

	ck_assert_int_eq(n, (int)strlen(want));
	ck_assert_str_eq(buf, want);
	/* literal anchor: the first counter keeps its name and place */
	ck_assert_ptr_nonnull(strstr(buf, "\"total\":{\"rx_packets\":1100,\"rx_bytes\":1102,"));
	/* one line: the MQTT payload and the socket reply rely on it */
	ck_assert_ptr_null(strchr(buf, '\n'));

	/* exact fit works, one byte less does not and leaves "" */
	char *exact = malloc((size_t)n + 1);

	ck_assert_int_eq(fp_tlm_stats_encode(&doc, exact, (size_t)n + 1), n);
	ck_assert_str_eq(exact, want);
	ck_assert_int_eq(fp_tlm_stats_encode(&doc, exact, (size_t)n), -ENOSPC);
	ck_assert_str_eq(exact, "");
	free(exact);
}
END_TEST

/* A context with its graph's nodes: "nodes" after its counters, keys in order. */
START_TEST(test_tlm_stats_doc_nodes_golden)
{
	static char buf[16384], want[16384], c1[4096];
	struct fp_stats s1;
	static const struct fp_tlm_node nodes[2] = {
			{"rx", "fp_rx-l1s0", 1100, 950, 0, 33000},
			{"drop_acl_deny", "fp_drop_acl_deny", 7, 3, 7, 210},
	};
	struct fp_tlm_ctx ctx = {.id = 1, .stats = &s1, .nodes = nodes, .n_nodes = 2};
	struct fp_tlm_doc doc = {
			.target = "dpdk", .version = "x", .ctxs = &ctx, .n_ctxs = 1, .per_ctx = 1};

	fill_stats(&s1, 100);
	counters_text(c1, sizeof(c1), &s1);
	snprintf(want, sizeof(want),
			"{\"schema\":\"fastpath.stats/2\",\"target\":\"dpdk\",\"version\":\"x\","
			"\"seq\":0,\"uptime_ms\":0,\"n_contexts\":1,\"total\":{%s},"
			"\"contexts\":[{\"id\":1,%s,\"nodes\":["
			"{\"stage\":\"rx\",\"node\":\"fp_rx-l1s0\",\"packets\":1100,\"calls\":950,"
			"\"drops\":0,\"cycles\":33000},"
			"{\"stage\":\"drop_acl_deny\",\"node\":\"fp_drop_acl_deny\",\"packets\":7,"
			"\"calls\":3,\"drops\":7,\"cycles\":210}]}]}",
			c1, c1);
	ck_assert_int_eq(fp_tlm_stats_encode(&doc, buf, sizeof(buf)), (int)strlen(want));
	ck_assert_str_eq(buf, want);
}
END_TEST

/* The firmware's shape: one context, no node, no wall clock, totals only. */
START_TEST(test_tlm_stats_doc_minimal_golden)
{
	static char buf[8192], want[8192], ct[4096];
	struct fp_stats s;
	struct fp_tlm_ctx ctx = {.id = 0, .stats = &s};
	struct fp_tlm_doc doc = {
			.target = "lwip",
			.version = "0.1.0",
			.uptime_ms = 1,
			.ctxs = &ctx,
			.n_ctxs = 1,
	};

	memset(&s, 0, sizeof(s));
	fp_stats_inc(&s, FP_CTR_ICMP_ECHO_REPLIES);
	fp_stats_add(&s, FP_CTR_DROP_IP4_CSUM, 3);
	fp_stats_add(&s, FP_CTR_DROP_TCP_CSUM, 4);
	counters_text(ct, sizeof(ct), &s);
	ck_assert_ptr_nonnull(strstr(ct, "\"drops\":7"));
	snprintf(want, sizeof(want),
			"{\"schema\":\"fastpath.stats/"
			"2\",\"target\":\"lwip\",\"version\":\"0.1.0\","
			"\"seq\":0,\"uptime_ms\":1,\"n_contexts\":1,\"total\":{%s}}",
			ct);
	ck_assert_int_eq(fp_tlm_stats_encode(&doc, buf, sizeof(buf)), (int)strlen(want));
	ck_assert_str_eq(buf, want);
	ck_assert_uint_eq(fp_stats_drops(&s), 7);
}
END_TEST

START_TEST(test_tlm_stats_doc_no_contexts)
{
	char buf[4096];
	struct fp_tlm_doc doc = {.target = "dpdk", .version = "x", .per_ctx = 1};
	int n = fp_tlm_stats_encode(&doc, buf, sizeof(buf));

	ck_assert_int_gt(n, 0);
	ck_assert_ptr_nonnull(strstr(buf, "\"rx_packets\":0,"));
	ck_assert_ptr_nonnull(strstr(buf, "\"contexts\":[]}"));
}
END_TEST

/* ---------------------------------------------------------------- parser */

static int
parse(struct fp_tlm_req *req, const char *s, const char **err)
{
	return fp_tlm_req_parse(req, s, strlen(s), err);
}

START_TEST(test_tlm_req_ok)
{
	struct fp_tlm_req req;
	const char *err = "unset";
	int64_t v;

	ck_assert_int_eq(parse(&req,
					 " {\"cmd\" : \"flows\", "
					 "\"limit\":10,\"port\":-7,\"all\":true,"
					 "\"x\":false,\"n\":null,\"e\":"
					 "\"\\u00e9\\ud83d\\ude00\\n\\/\"}\r\n",
					 &err),
			0);
	ck_assert_ptr_null(err);
	ck_assert_uint_eq(req.n, 7);
	ck_assert_str_eq(fp_tlm_req_str(&req, "cmd"), "flows");
	ck_assert_int_eq(fp_tlm_req_int(&req, "limit", &v), 0);
	ck_assert_int_eq(v, 10);
	ck_assert_int_eq(fp_tlm_req_int(&req, "port", &v), 0);
	ck_assert_int_eq(v, -7);
	ck_assert_int_eq(fp_tlm_req_get(&req, "all")->type, FP_TLM_VAL_BOOL);
	ck_assert_int_eq(fp_tlm_req_get(&req, "all")->num, 1);
	ck_assert_int_eq(fp_tlm_req_get(&req, "x")->num, 0);
	ck_assert_int_eq(fp_tlm_req_get(&req, "n")->type, FP_TLM_VAL_NULL);
	ck_assert_str_eq(fp_tlm_req_str(&req, "e"), "\xc3\xa9\xf0\x9f\x98\x80\n/");
	ck_assert_int_eq(fp_tlm_req_int(&req, "cmd", &v), -EINVAL);
	ck_assert_int_eq(fp_tlm_req_int(&req, "nope", &v), -ENOENT);
	ck_assert_ptr_null(fp_tlm_req_str(&req, "limit"));

	ck_assert_int_eq(parse(&req, "{}", NULL), 0);
	ck_assert_uint_eq(req.n, 0);
	ck_assert_int_eq(
			parse(&req, "{\"a\":9223372036854775807,\"b\":-9223372036854775808}", NULL),
			0);
	ck_assert_int_eq(fp_tlm_req_get(&req, "a")->num, INT64_MAX);
	ck_assert_int_eq(fp_tlm_req_get(&req, "b")->num, INT64_MIN);
	/* raw UTF-8 passes through */
	ck_assert_int_eq(parse(&req, "{\"k\":\"\xe2\x82\xac\"}", NULL), 0);
	ck_assert_str_eq(fp_tlm_req_str(&req, "k"), "\xe2\x82\xac");
}
END_TEST

START_TEST(test_tlm_req_rejects)
{
	static const char *const bad[] = {
			"",
			"   ",
			"[]",
			"\"cmd\"",
			"{",
			"{\"cmd\"}",
			"{\"cmd\":}",
			"{\"cmd\":\"x\",}",
			"{\"cmd\":\"x\"} x",
			"{\"cmd\":\"x\"}{}",
			"{cmd:\"x\"}",
			"{'cmd':'x'}",
			"{\"a\":{}}",
			"{\"a\":[1]}",
			"{\"a\":1.5}",
			"{\"a\":1e3}",
			"{\"a\":01}",
			"{\"a\":-}",
			"{\"a\":+1}",
			"{\"a\":9223372036854775808}",
			"{\"a\":-9223372036854775809}",
			"{\"a\":tru}",
			"{\"a\":True}",
			"{\"a\":\"\\x\"}",
			"{\"a\":\"\\u12\"}",
			"{\"a\":\"\\u0000\"}",
			"{\"a\":\"\\ud800\"}",
			"{\"a\":\"\\udc00\"}",
			"{\"a\":\"\\ud800\\u0041\"}",
			"{\"a\":\"tab\there\"}",
			"{\"a\":\"\xc0\xaf\"}",     /* overlong '/' */
			"{\"a\":\"\xed\xa0\x80\"}", /* encoded surrogate */
			"{\"a\":\"\xff\"}",
			"{\"a\":\"\xe2\x82\"}", /* truncated sequence */
			"{\"a\":1,\"a\":2}",
			"{\"a\":\"unterminated}",
			"{\"a\":1 \"b\":2}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fp_tlm_req req;
		const char *err = NULL;
		int rc = parse(&req, bad[i], &err);

		ck_assert_msg(rc == -EINVAL, "'%s' gave %d", bad[i], rc);
		ck_assert_ptr_nonnull(err);
		ck_assert_uint_eq(req.n, 0);
	}
}
END_TEST

START_TEST(test_tlm_req_nul_in_input)
{
	struct fp_tlm_req req;

	ck_assert_int_eq(fp_tlm_req_parse(&req, "{\"a\":\"x\0y\"}", 11, NULL), -EINVAL);
	ck_assert_int_eq(fp_tlm_req_parse(&req, "{}\0", 3, NULL), -EINVAL);
}
END_TEST

START_TEST(test_tlm_req_limits)
{
	struct fp_tlm_req req;
	char text[2048];
	char big[FP_TLM_REQ_STR_MAX + 1];
	const char *err;
	int n;

	/* FP_TLM_REQ_MAX_FIELDS fields fit, one more does not */
	n = snprintf(text, sizeof(text), "{");
	for (int i = 0; i < FP_TLM_REQ_MAX_FIELDS; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%s\"k%d\":%d", i ? "," : "", i,
				i);
	snprintf(text + n, sizeof(text) - (size_t)n, "}");
	ck_assert_int_eq(parse(&req, text, NULL), 0);
	ck_assert_uint_eq(req.n, FP_TLM_REQ_MAX_FIELDS);
	snprintf(text + n, sizeof(text) - (size_t)n, ",\"more\":1}");
	ck_assert_int_eq(parse(&req, text, &err), -E2BIG);
	ck_assert_str_eq(err, "too many fields");

	/* the longest string that fits, then one byte more */
	memset(big, 'a', sizeof(big));
	big[FP_TLM_REQ_STR_MAX - 1] = '\0';
	snprintf(text, sizeof(text), "{\"s\":\"%s\"}", big);
	ck_assert_int_eq(parse(&req, text, NULL), 0);
	ck_assert_uint_eq(strlen(fp_tlm_req_str(&req, "s")), FP_TLM_REQ_STR_MAX - 1);
	big[FP_TLM_REQ_STR_MAX - 1] = 'a';
	big[FP_TLM_REQ_STR_MAX] = '\0';
	snprintf(text, sizeof(text), "{\"s\":\"%s\"}", big);
	ck_assert_int_eq(parse(&req, text, &err), -E2BIG);
	ck_assert_str_eq(err, "string too long");

	memset(big, 'k', FP_TLM_REQ_KEY_MAX);
	big[FP_TLM_REQ_KEY_MAX] = '\0';
	snprintf(text, sizeof(text), "{\"%s\":1}", big);
	ck_assert_int_eq(parse(&req, text, &err), -E2BIG);
	ck_assert_str_eq(err, "key too long");
}
END_TEST

/* Random bytes and mutations of a valid request never crash or read past len. */
START_TEST(test_tlm_req_fuzz)
{
	static const char seed[] = "{\"cmd\":\"flows\",\"limit\":10,\"s\":\"\\u00e9x\",\"b\":true}";
	unsigned int r = 12345;
	struct fp_tlm_req req;

	for (int iter = 0; iter < 200000; iter++) {
		size_t len = sizeof(seed) - 1;
		char *buf = malloc(len); /* exact size: ASan catches over-reads */

		memcpy(buf, seed, len);
		for (int m = 0; m < 1 + iter % 4; m++) {
			r = r * 1103515245u + 12345u;
			buf[(r >> 8) % len] = (char)(r >> 20);
		}
		r = r * 1103515245u + 12345u;
		size_t cut = iter % 3 == 0 ? (r >> 8) % (len + 1) : len;
		int rc = fp_tlm_req_parse(&req, buf, cut, NULL);

		ck_assert(rc == 0 || rc == -EINVAL || rc == -E2BIG);
		if (rc == 0)
			ck_assert_uint_le(req.n, FP_TLM_REQ_MAX_FIELDS);
		free(buf);
	}
}
END_TEST

static Suite *
tlm_suite(void)
{
	Suite *s = suite_create("tlm");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, test_tlm_json_nested_golden);
	tcase_add_test(tc, test_tlm_json_strn_nul);
	tcase_add_test(tc, test_tlm_json_enospc_every_size);
	tcase_add_test(tc, test_tlm_json_misuse);
	tcase_add_test(tc, test_tlm_json_invalid_utf8_replaced);
	suite_add_tcase(s, tc);

	tc = tcase_create("utf8");
	tcase_add_test(tc, test_utf8_seq_len);
	tcase_add_test(tc, test_utf8_prefix_every_cut);
	tcase_add_test(tc, test_utf8_valid);
	suite_add_tcase(s, tc);

	tc = tcase_create("doc");
	tcase_add_test(tc, test_tlm_stats_doc_golden);
	tcase_add_test(tc, test_tlm_stats_doc_nodes_golden);
	tcase_add_test(tc, test_tlm_stats_doc_minimal_golden);
	tcase_add_test(tc, test_tlm_stats_doc_no_contexts);
	suite_add_tcase(s, tc);

	tc = tcase_create("req");
	tcase_add_test(tc, test_tlm_req_ok);
	tcase_add_test(tc, test_tlm_req_rejects);
	tcase_add_test(tc, test_tlm_req_nul_in_input);
	tcase_add_test(tc, test_tlm_req_limits);
	tcase_add_test(tc, test_tlm_req_fuzz);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tlm_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
