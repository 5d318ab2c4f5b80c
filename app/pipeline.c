/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pipeline definition parser (format in pipeline.h). main.c loads the file
 * named by [dpdk] pipeline before EAL init, and the management plane loads
 * it again on reload; graph.c builds each lcore's rte_graph from a block.
 * Text only: no DPDK calls, so a bad file fails before anything changes.
 */
#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fp/core.h"
#include "fp/stats.h"
#include "fp/text.h"

#include "pipeline.h"
#include "text_file.h"

#define PL_LINE_MAX 256

/* Outputs and the drop counter each one counts when it leads to drop. */
struct stage_def {
	const char *name;
	bool ip;                              /* sees IPv4 packets in list order */
	const char *outs[APP_PL_OUT_MAX + 1]; /* NULL-terminated */
	unsigned drop[APP_PL_OUT_MAX];        /* enum fp_counter */
	const char *params;                   /* for "unknown parameter" messages */
};

static const struct stage_def defs[APP_STAGE_KIND_COUNT] = {
		[APP_STAGE_RX] = {"rx", false, {NULL}, {0}, "deliver"},
		[APP_STAGE_ARP] = {"arp", false, {"reply", NULL}, {0}, ""},
		[APP_STAGE_ACL] = {"acl", true, {"permit", "deny", NULL},
				{FP_CTR_DROP_IP4_PROTO, FP_CTR_DROP_ACL_DENY},
				"rule, rules, default"},
		[APP_STAGE_RATELIMIT] = {"ratelimit", true, {"pass", "drop", NULL},
				{FP_CTR_DROP_IP4_PROTO, FP_CTR_DROP_RATE_LIMIT},
				"meter, rate, burst, excess_burst, peak_rate, peak_burst, per, "
				"match, table_size"},
		[APP_STAGE_ICMP] = {"icmp", true, {"reply", "next", NULL},
				{0, FP_CTR_DROP_IP4_PROTO}, ""},
		[APP_STAGE_TCP_ECHO] = {"tcp_echo", true, {"reply", "next", NULL},
				{0, FP_CTR_DROP_IP4_PROTO}, ""},
		[APP_STAGE_REFLECT] = {"reflect", true, {"reply", NULL}, {0}, ""},
		[APP_STAGE_TX] = {"tx", false, {NULL}, {0}, ""},
};

#define KIND_NAMES "rx, arp, acl, ratelimit, icmp, tcp_echo, reflect, tx"

const char *
app_stage_name(enum app_stage_kind k)
{
	return (unsigned)k < APP_STAGE_KIND_COUNT ? defs[k].name : NULL;
}

const char *const *
app_stage_outputs(enum app_stage_kind k)
{
	return defs[k].outs;
}

unsigned
app_stage_drop_reason(enum app_stage_kind k, unsigned out)
{
	return out < APP_PL_OUT_MAX ? defs[k].drop[out] : 0;
}

static bool
is_reply(enum app_stage_kind k, unsigned out)
{
	return strcmp(defs[k].outs[out], "reply") == 0;
}

static int
kind_by_name(const char *name)
{
	for (int k = 0; k < APP_STAGE_KIND_COUNT; k++) {
		if (strcmp(name, defs[k].name) == 0)
			return k;
	}
	return -1;
}

static int
out_by_name(enum app_stage_kind k, const char *name)
{
	for (int i = 0; defs[k].outs[i] != NULL; i++) {
		if (strcmp(name, defs[k].outs[i]) == 0)
			return i;
	}
	return -1;
}

struct pl_parser {
	struct app_pipeline *p;
	struct fp_text_src src;    /* file name, line, error buffer */
	char dir[FP_CFG_PATH_MAX]; /* where rules files are read from */
	/* the open block */
	struct app_pl_block *b;
	bool block_all;
	uint8_t block_lcores[RTE_MAX_LCORE]; /* 1 = named by the open block */
	uint32_t params_seen;                /* bit per parameter of the open block */
};

/* "1,3-5": mark each lcore in block_lcores. */
static int
parse_lcore_list(struct pl_parser *ps, const char *list)
{
	const char *s = list;

	for (;;) {
		uint32_t lo = 0, hi;
		int rc = fp_text_parse_uint(&s, RTE_MAX_LCORE - 1, &lo);

		hi = lo;
		if (rc == 0 && *s == '-') {
			s++;
			rc = fp_text_parse_uint(&s, RTE_MAX_LCORE - 1, &hi);
		}
		if (rc == -ERANGE) {
			fp_text_fail(&ps->src, "lcore id out of range in '%s' (max %d)", list,
					RTE_MAX_LCORE - 1);
			return -EINVAL;
		}
		if (rc < 0 || hi < lo || (*s != ',' && *s != '\0')) {
			fp_text_fail(&ps->src,
					"bad lcore list '%s' (want all, or ids and ranges like "
					"1,3-4)",
					list);
			return -EINVAL;
		}
		for (unsigned id = lo; id <= hi; id++) {
			int8_t blk = ps->p->lcore_block[id];

			if (blk >= 0) {
				fp_text_fail(&ps->src,
						"lcore %u is already in the block at line %u", id,
						ps->p->blocks[blk].line);
				return -EINVAL;
			}
			ps->block_lcores[id] = 1;
		}
		if (*s == '\0')
			return 0;
		s++;
	}
}

/* -------------------------------------------------------- block checks */

/* Report a whole-block problem at the line it belongs to. */
#define fail_at(ps, ln, ...) ((ps)->src.line = (ln), fp_text_fail(&(ps)->src, __VA_ARGS__), -EINVAL)

/* Mark what IPv4 packets, ARP frames and replies can reach from rx. */
static void
mark_reachable(const struct app_pl_block *b, uint8_t k, bool *seen)
{
	if (k >= APP_STAGE_KIND_COUNT || seen[k])
		return;
	seen[k] = true;
	for (unsigned o = 0; o < APP_PL_OUT_MAX; o++)
		mark_reachable(b, b->st[k].out[o].to, seen);
}

/*
 * Depth-first search for a cycle through k. On finding one, report the
 * explicit edge on it (default edges only go forward in list order, so a
 * cycle holds at least one explicit edge).
 */
static int
find_cycle(struct pl_parser *ps, uint8_t k, uint8_t *state, uint8_t *path, unsigned depth)
{
	const struct app_pl_block *b = ps->b;

	state[k] = 1; /* on the path */
	path[depth] = k;
	for (unsigned o = 0; o < APP_PL_OUT_MAX; o++) {
		uint8_t to = b->st[k].out[o].to;

		if (to >= APP_STAGE_KIND_COUNT)
			continue;
		if (state[to] == 1) {
			char cyc[160];
			size_t pos = 0;
			unsigned line = b->st[k].out[o].line;
			unsigned start = 0;

			while (path[start] != to)
				start++;
			for (unsigned i = start; i <= depth; i++) {
				int n = snprintf(cyc + pos, sizeof(cyc) - pos, "%s -> ",
						defs[path[i]].name);

				if (n > 0 && (size_t)n < sizeof(cyc) - pos)
					pos += (size_t)n;
				for (unsigned oo = 0; line == 0 && i < depth && oo < APP_PL_OUT_MAX;
						oo++) {
					if (b->st[path[i]].out[oo].to == path[i + 1])
						line = b->st[path[i]].out[oo].line;
				}
			}
			snprintf(cyc + pos, sizeof(cyc) - pos, "%s", defs[to].name);
			return fail_at(ps, line ? line : b->stages_line, "edge makes a cycle: %s",
					cyc);
		}
		if (state[to] == 0 && find_cycle(ps, to, state, path, depth + 1) < 0)
			return -EINVAL;
	}
	state[k] = 2; /* done */
	return 0;
}

static int
check_ratelimit(struct pl_parser *ps)
{
	const struct app_rl_conf *rl = &ps->b->rl;
	unsigned line = ps->b->st[APP_STAGE_RATELIMIT].line;

	if (rl->rate == 0)
		return fail_at(ps, line,
				"ratelimit needs 'ratelimit.rate = N packets/s' "
				"(or bytes/s)");
	if (rl->burst == 0)
		return fail_at(ps, line, "ratelimit needs 'ratelimit.burst = N'");
	if (rl->meter == APP_RL_TRTCM) {
		if (rl->peak_rate == 0 || rl->peak_burst == 0)
			return fail_at(ps, line,
					"meter trtcm needs ratelimit.peak_rate and "
					"ratelimit.peak_burst");
		if (rl->peak_rate < rl->rate)
			return fail_at(ps, line, "ratelimit.peak_rate is below ratelimit.rate");
	} else if (rl->peak_rate != 0 || rl->peak_burst != 0) {
		return fail_at(ps, line,
				"peak_rate and peak_burst need 'ratelimit.meter = "
				"trtcm'");
	}
	return 0;
}

/* A block is checked as a whole when the next one opens and at the end. */
static int
close_block(struct pl_parser *ps)
{
	struct app_pl_block *b = ps->b;
	bool seen[APP_STAGE_KIND_COUNT] = {false};
	uint8_t state[APP_STAGE_KIND_COUNT] = {0};
	uint8_t path[APP_STAGE_KIND_COUNT];

	if (b == NULL)
		return 0;
	if (b->stages_line == 0)
		return fail_at(ps, b->line, "block has no 'stages = ...' line");
	for (unsigned i = 0; i < b->n; i++) {
		if (state[b->order[i]] == 0 && find_cycle(ps, b->order[i], state, path, 0) < 0)
			return -EINVAL;
	}
	seen[APP_STAGE_RX] = true;
	if (b->st[APP_STAGE_ARP].line)
		mark_reachable(b, APP_STAGE_ARP, seen);
	mark_reachable(b, b->ip_entry, seen);
	for (unsigned i = 0; i < b->n; i++) {
		if (!seen[b->order[i]]) {
			ps->src.line = b->stages_line;
			fp_text_fail(&ps->src, "stage '%s' is unreachable: no output leads to it",
					defs[b->order[i]].name);
			return -EINVAL;
		}
	}
	if (b->st[APP_STAGE_RATELIMIT].line && check_ratelimit(ps) < 0)
		return -EINVAL;
	ps->b = NULL;
	return 0;
}

static int
parse_block_header(struct pl_parser *ps, char *s)
{
	struct app_pipeline *p = ps->p;
	struct app_pl_block *b;
	char *list;

	/* The whole line fits the message: quote all of the junk. */
	s = fp_text_bracket(&ps->src, s, "block header", PL_LINE_MAX);
	if (s == NULL)
		return -EINVAL;
	{
		unsigned line = ps->src.line;

		if (close_block(ps) < 0)
			return -EINVAL;
		ps->src.line = line;
	}
	if (strncmp(s, "lcores", 6) != 0 || !fp_text_blank(s[6])) {
		fp_text_fail(&ps->src, "unknown block [%s] (want [lcores all] or [lcores LIST])",
				s);
		return -EINVAL;
	}
	if (p->n_blocks == APP_PL_BLOCKS_MAX) {
		fp_text_fail(&ps->src, "too many blocks (max %d)", APP_PL_BLOCKS_MAX);
		return -EINVAL;
	}
	list = fp_text_skip_blank(s + 6);
	memset(ps->block_lcores, 0, sizeof(ps->block_lcores));
	ps->block_all = strcmp(list, "all") == 0;
	if (ps->block_all) {
		if (p->all_block >= 0) {
			fp_text_fail(&ps->src, "duplicate [lcores all] (first at line %u)",
					p->blocks[p->all_block].line);
			return -EINVAL;
		}
		p->all_block = (int8_t)p->n_blocks;
	} else if (parse_lcore_list(ps, list) < 0) {
		return -EINVAL;
	}
	for (unsigned id = 0; id < RTE_MAX_LCORE; id++) {
		if (ps->block_lcores[id])
			p->lcore_block[id] = (int8_t)p->n_blocks;
	}
	b = &p->blocks[p->n_blocks++];
	b->line = ps->src.line;
	b->ip_entry = APP_PL_TO_DROP;
	b->rl.table_size = 4096;
	b->rl.match = APP_RL_MATCH_ALL;
	for (unsigned k = 0; k < APP_STAGE_KIND_COUNT; k++) {
		for (unsigned o = 0; o < APP_PL_OUT_MAX; o++)
			b->st[k].out[o].to = APP_PL_TO_NONE;
	}
	ps->b = b;
	ps->params_seen = 0;
	return 0;
}

/* Outputs left unnamed: reply -> tx, the IPv4 path -> the next IP stage, the rest -> drop. */
static void
set_default_edges(struct app_pl_block *b)
{
	uint8_t next_ip = APP_PL_TO_DROP;

	for (int i = b->n - 1; i >= 0; i--) {
		uint8_t k = b->order[i];

		for (unsigned o = 0; defs[k].outs[o] != NULL; o++) {
			if (is_reply(k, o))
				b->st[k].out[o].to = APP_STAGE_TX;
			else if (defs[k].drop[o] == FP_CTR_DROP_IP4_PROTO)
				b->st[k].out[o].to = next_ip;
			else
				b->st[k].out[o].to = APP_PL_TO_DROP;
		}
		if (defs[k].ip)
			next_ip = k;
	}
	b->ip_entry = next_ip;
}

static int
parse_stages(struct pl_parser *ps, char *s)
{
	struct app_pl_block *b = ps->b;

	for (;;) {
		char *tok;
		int k;

		s = fp_text_skip_blank(s);
		if (fp_text_at_end(s))
			break;
		tok = s;
		while (*s != '\0' && !fp_text_blank(*s))
			s++;
		if (*s != '\0')
			*s++ = '\0';
		k = kind_by_name(tok);
		if (k < 0) {
			fp_text_fail(&ps->src, "unknown stage '%s' (want " KIND_NAMES ")", tok);
			return -EINVAL;
		}
		if (b->st[k].line != 0) {
			fp_text_fail(&ps->src, "stage '%s' listed twice", tok);
			return -EINVAL;
		}
		if (b->n == 0 && k != APP_STAGE_RX) {
			fp_text_fail(&ps->src, "the first stage must be rx (got '%s')", tok);
			return -EINVAL;
		}
		if (b->st[APP_STAGE_TX].line != 0) {
			fp_text_fail(&ps->src, "tx must be the last stage ('%s' follows it)", tok);
			return -EINVAL;
		}
		b->st[k].line = ps->src.line;
		b->order[b->n++] = (uint8_t)k;
	}
	if (b->st[APP_STAGE_RX].line == 0) {
		fp_text_fail(&ps->src, "missing rx stage");
		return -EINVAL;
	}
	if (b->st[APP_STAGE_TX].line == 0) {
		fp_text_fail(&ps->src, "missing tx stage");
		return -EINVAL;
	}
	b->stages_line = ps->src.line;
	set_default_edges(b);
	return 0;
}

/* "acl.permit -> icmp" */
static int
parse_edge(struct pl_parser *ps, int k, const char *out, char *target)
{
	struct app_pl_block *b = ps->b;
	int o = out_by_name((enum app_stage_kind)k, out);
	char *end;
	int to;

	if (o < 0) {
		if (defs[k].outs[0] == NULL)
			fp_text_fail(&ps->src, "stage '%s' has no outputs", defs[k].name);
		else
			fp_text_fail(&ps->src, "unknown output '%s.%s' (want %s%s%s)", defs[k].name,
					out, defs[k].outs[0], defs[k].outs[1] ? " or " : "",
					defs[k].outs[1] ? defs[k].outs[1] : "");
		return -EINVAL;
	}
	target = fp_text_skip_blank(target);
	end = target;
	while (*end != '\0' && !fp_text_blank(*end) && *end != '#')
		end++;
	if (!fp_text_at_end(fp_text_skip_blank(end)) || end == target) {
		fp_text_fail(&ps->src,
				"want 'STAGE.OUTPUT -> STAGE' (one target: a stage, tx "
				"or drop)");
		return -EINVAL;
	}
	*end = '\0';
	if (b->st[k].out[o].line != 0) {
		fp_text_fail(&ps->src, "output '%s.%s' already set at line %u", defs[k].name, out,
				b->st[k].out[o].line);
		return -EINVAL;
	}
	if (strcmp(target, "drop") == 0) {
		if (is_reply((enum app_stage_kind)k, (unsigned)o)) {
			fp_text_fail(&ps->src, "a reply leads to tx or a stage, not drop");
			return -EINVAL;
		}
		to = APP_PL_TO_DROP;
	} else {
		to = kind_by_name(target);
		if (to < 0 || b->st[to].line == 0) {
			fp_text_fail(&ps->src,
					"unknown target '%s' (want a stage of this block, tx or "
					"drop)",
					target);
			return -EINVAL;
		}
		if (to == APP_STAGE_RX || to == APP_STAGE_ARP) {
			fp_text_fail(&ps->src, "nothing can lead to %s", target);
			return -EINVAL;
		}
		if (to == k) {
			fp_text_fail(&ps->src, "edge makes a cycle: %s -> %s", target, target);
			return -EINVAL;
		}
	}
	b->st[k].out[o].to = (uint8_t)to;
	b->st[k].out[o].line = ps->src.line;
	return 0;
}

/* "100", "10k", "2M", "1G" (powers of 1000). */
static int
parse_amount(const char **s, uint64_t *out)
{
	uint32_t v;
	uint64_t mul = 1;

	if (fp_text_parse_uint(s, 1000000000u, &v) < 0)
		return -EINVAL;
	if (**s == 'k')
		mul = 1000;
	else if (**s == 'M')
		mul = 1000000;
	else if (**s == 'G')
		mul = 1000000000;
	if (mul != 1)
		(*s)++;
	*out = v * mul;
	return 0;
}

/* "N packets/s" or "N bytes/s"; sets the stage's unit (rate must come first). */
static int
parse_rate(struct pl_parser *ps, const char *key, const char *val, uint64_t *out, bool sets_unit)
{
	struct app_rl_conf *rl = &ps->b->rl;
	const char *s = val;
	uint64_t v;
	uint8_t unit;

	if (parse_amount(&s, &v) < 0 || v == 0)
		goto bad;
	s = fp_text_skip_blank((char *)(uintptr_t)s);
	if (strcmp(s, "packets/s") == 0 || strcmp(s, "pps") == 0)
		unit = APP_RL_PACKETS;
	else if (strcmp(s, "bytes/s") == 0)
		unit = APP_RL_BYTES;
	else
		goto bad;
	if (sets_unit) {
		rl->unit = unit;
	} else if (unit != rl->unit) {
		fp_text_fail(&ps->src, "ratelimit.%s is in %s, ratelimit.rate in %s", key,
				unit == APP_RL_PACKETS ? "packets" : "bytes",
				rl->unit == APP_RL_PACKETS ? "packets" : "bytes");
		return -EINVAL;
	}
	*out = v;
	return 0;
bad:
	fp_text_fail(&ps->src,
			"bad ratelimit.%s '%s' (want N packets/s or N bytes/s, N > 0, "
			"k/M/G allowed)",
			key, val);
	return -EINVAL;
}

/* "N", "N packets" or "N bytes", in the unit of the rate. */
static int
parse_burst(struct pl_parser *ps, const char *key, const char *val, uint64_t *out)
{
	struct app_rl_conf *rl = &ps->b->rl;
	const char *s = val;
	uint64_t v;

	if (parse_amount(&s, &v) < 0 || v == 0)
		goto bad;
	s = fp_text_skip_blank((char *)(uintptr_t)s);
	if (*s != '\0') {
		uint8_t unit;

		if (strcmp(s, "packets") == 0)
			unit = APP_RL_PACKETS;
		else if (strcmp(s, "bytes") == 0)
			unit = APP_RL_BYTES;
		else
			goto bad;
		if (unit != rl->unit) {
			fp_text_fail(&ps->src, "ratelimit.%s is in %s, ratelimit.rate in %s", key,
					s, rl->unit == APP_RL_PACKETS ? "packets" : "bytes");
			return -EINVAL;
		}
	}
	*out = v;
	return 0;
bad:
	fp_text_fail(&ps->src, "bad ratelimit.%s '%s' (want N > 0, then packets or bytes)", key,
			val);
	return -EINVAL;
}

static int
parse_match(struct pl_parser *ps, char *val)
{
	static const struct {
		const char *name;
		uint8_t bits;
	} classes[] = {
			{"icmp", APP_RL_MATCH_ICMP},
			{"tcp_syn", APP_RL_MATCH_TCP_SYN},
			{"tcp", APP_RL_MATCH_TCP},
			{"udp", APP_RL_MATCH_UDP},
			{"other", APP_RL_MATCH_OTHER},
			{"all", APP_RL_MATCH_ALL},
	};
	uint8_t bits = 0;
	char *save = NULL;

	for (char *t = strtok_r(val, " \t", &save); t != NULL; t = strtok_r(NULL, " \t", &save)) {
		size_t i;

		for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
			if (strcmp(t, classes[i].name) == 0)
				break;
		}
		if (i == sizeof(classes) / sizeof(classes[0])) {
			fp_text_fail(&ps->src,
					"unknown ratelimit.match class '%s' (want icmp, tcp_syn, "
					"tcp, udp, other, all)",
					t);
			return -EINVAL;
		}
		bits |= classes[i].bits;
	}
	if (bits == 0) {
		fp_text_fail(&ps->src, "empty ratelimit.match");
		return -EINVAL;
	}
	ps->b->rl.match = bits;
	return 0;
}

static int
parse_choice(struct pl_parser *ps, const char *key, const char *val, const char *a, const char *b,
		uint8_t *out)
{
	if (strcmp(val, a) == 0) {
		*out = 0;
	} else if (strcmp(val, b) == 0) {
		*out = 1;
	} else {
		fp_text_fail(&ps->src, "bad %s '%s' (want %s or %s)", key, val, a, b);
		return -EINVAL;
	}
	return 0;
}

static int
parse_acl_rules_file(struct pl_parser *ps, const char *val)
{
	char path[FP_CFG_PATH_MAX * 2];
	char sub[512];
	int rc;

	if (val[0] == '/')
		snprintf(path, sizeof(path), "%s", val);
	else
		snprintf(path, sizeof(path), "%s/%s", ps->dir, val);
	rc = app_acl_rules_load(&ps->b->acl.rules, path, sub, sizeof(sub));
	if (rc < 0) {
		fp_text_fail(&ps->src, "acl.rules: %s", sub);
		return rc;
	}
	return 0;
}

/* Parameters that may be given once per block (bit in params_seen). */
enum pl_param {
	P_ACL_DEFAULT,
	P_RL_METER,
	P_RL_RATE,
	P_RL_BURST,
	P_RL_EXCESS,
	P_RL_PEAK_RATE,
	P_RL_PEAK_BURST,
	P_RL_PER,
	P_RL_MATCH,
	P_RL_TABLE,
	P_RX_DELIVER,
	P_COUNT,
	P_REPEATABLE = P_COUNT,
};

static const struct {
	uint8_t kind;
	const char *name;
	uint8_t id;
} params[] = {
		{APP_STAGE_ACL, "rule", P_REPEATABLE},
		{APP_STAGE_ACL, "rules", P_REPEATABLE},
		{APP_STAGE_ACL, "default", P_ACL_DEFAULT},
		{APP_STAGE_RATELIMIT, "meter", P_RL_METER},
		{APP_STAGE_RATELIMIT, "rate", P_RL_RATE},
		{APP_STAGE_RATELIMIT, "burst", P_RL_BURST},
		{APP_STAGE_RATELIMIT, "excess_burst", P_RL_EXCESS},
		{APP_STAGE_RATELIMIT, "peak_rate", P_RL_PEAK_RATE},
		{APP_STAGE_RATELIMIT, "peak_burst", P_RL_PEAK_BURST},
		{APP_STAGE_RATELIMIT, "per", P_RL_PER},
		{APP_STAGE_RATELIMIT, "match", P_RL_MATCH},
		{APP_STAGE_RATELIMIT, "table_size", P_RL_TABLE},
		{APP_STAGE_RX, "deliver", P_RX_DELIVER},
};

static int
parse_param(struct pl_parser *ps, int k, const char *name, char *val)
{
	struct app_pl_block *b = ps->b;
	struct app_rl_conf *rl = &b->rl;
	size_t i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		if (params[i].kind == k && strcmp(params[i].name, name) == 0)
			break;
	}
	if (i == sizeof(params) / sizeof(params[0])) {
		if (defs[k].params[0] == '\0')
			fp_text_fail(&ps->src, "unknown parameter '%s.%s' (%s takes none)",
					defs[k].name, name, defs[k].name);
		else
			fp_text_fail(&ps->src, "unknown parameter '%s.%s' (want %s)", defs[k].name,
					name, defs[k].params);
		return -EINVAL;
	}
	if (b->st[k].line == 0) {
		fp_text_fail(&ps->src,
				"parameter for stage '%s', which this block's stages do "
				"not list",
				defs[k].name);
		return -EINVAL;
	}
	if (params[i].id != P_REPEATABLE) {
		if (ps->params_seen & (1u << params[i].id)) {
			fp_text_fail(&ps->src, "duplicate parameter '%s.%s'", defs[k].name, name);
			return -EINVAL;
		}
		ps->params_seen |= 1u << params[i].id;
	}
	if (*val == '\0') {
		fp_text_fail(&ps->src, "parameter '%s.%s' needs a value", defs[k].name, name);
		return -EINVAL;
	}
	switch (i) {
	case 0: {
		struct app_acl_rule r;
		int rc;

		if (app_acl_rule_parse(&ps->src, val, &r) < 0)
			return -EINVAL;
		rc = app_acl_rules_add(&b->acl.rules, &r);
		if (rc < 0) {
			fp_text_fail(&ps->src, "too many acl rules (max %u)", APP_ACL_RULES_MAX);
			return rc;
		}
		return 0;
	}
	case 1:
		return parse_acl_rules_file(ps, val);
	case 2:
		return parse_choice(ps, "acl.default", val, "permit", "deny", &b->acl.default_deny);
	case 3:
		return parse_choice(ps, "ratelimit.meter", val, "srtcm", "trtcm", &rl->meter);
	case 4:
		return parse_rate(ps, "rate", val, &rl->rate, true);
	case 5:
	case 6:
	case 8:
		if (rl->rate == 0) {
			fp_text_fail(&ps->src, "ratelimit.%s must come after ratelimit.rate", name);
			return -EINVAL;
		}
		return parse_burst(ps, name, val,
				i == 5                 ? &rl->burst :
						i == 6 ? &rl->excess :
							 &rl->peak_burst);
	case 7:
		if (rl->rate == 0) {
			fp_text_fail(&ps->src, "ratelimit.%s must come after ratelimit.rate", name);
			return -EINVAL;
		}
		return parse_rate(ps, "peak_rate", val, &rl->peak_rate, false);
	case 9:
		return parse_choice(ps, "ratelimit.per", val, "source", "all", &rl->key);
	case 10:
		return parse_match(ps, val);
	case 12:
		return parse_choice(ps, "rx.deliver", val, "inline", "nodes", &b->rx_nodes);
	default: {
		const char *s = val;
		uint32_t v;

		if (fp_text_parse_uint(&s, 1u << 20, &v) < 0 || *s != '\0' || v < 64 ||
				(v & (v - 1)) != 0) {
			fp_text_fail(&ps->src,
					"bad ratelimit.table_size '%s' (want a power of two, "
					"64..1048576)",
					val);
			return -EINVAL;
		}
		rl->table_size = v;
		return 0;
	}
	}
}

static int
parse_line(struct pl_parser *ps, char *line)
{
	char *s = fp_text_skip_blank(line), *word, *sub = NULL, *rest;
	bool is_edge;
	int k;

	if (fp_text_at_end(s))
		return 0;
	if (*s == '[')
		return parse_block_header(ps, s + 1);

	word = s;
	while ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')
		s++;
	if (s == word) {
		fp_text_fail(&ps->src,
				"expected 'stages = ...', 'STAGE.PARAM = VALUE', "
				"'STAGE.OUTPUT -> TARGET' or '[lcores ...]'");
		return -EINVAL;
	}
	if (*s == '.') {
		*s++ = '\0';
		sub = s;
		while ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')
			s++;
	}
	rest = fp_text_skip_blank(s);
	is_edge = rest[0] == '-' && rest[1] == '>';
	if (rest[0] != '=' && !is_edge) {
		*s = '\0';
		fp_text_fail(&ps->src, "missing '=' or '->' after '%s%s%s'", word, sub ? "." : "",
				sub ? sub : "");
		return -EINVAL;
	}
	rest += is_edge ? 2 : 1;
	*s = '\0';
	if (ps->b == NULL) {
		fp_text_fail(&ps->src, "'%s%s%s' outside an [lcores ...] block", word,
				sub ? "." : "", sub ? sub : "");
		return -EINVAL;
	}
	if (sub == NULL) {
		if (strcmp(word, "stages") != 0 || is_edge) {
			fp_text_fail(&ps->src,
					"unknown key '%s' (want stages, STAGE.PARAM or "
					"STAGE.OUTPUT)",
					word);
			return -EINVAL;
		}
		if (ps->b->stages_line != 0) {
			fp_text_fail(&ps->src, "duplicate key 'stages' in this block");
			return -EINVAL;
		}
		return parse_stages(ps, rest);
	}
	k = kind_by_name(word);
	if (k < 0) {
		fp_text_fail(&ps->src, "unknown stage '%s' (want " KIND_NAMES ")", word);
		return -EINVAL;
	}
	if (ps->b->stages_line == 0) {
		fp_text_fail(&ps->src, "'%s.%s' before this block's 'stages = ...' line", word,
				sub);
		return -EINVAL;
	}
	if (is_edge) {
		if (ps->b->st[k].line == 0) {
			fp_text_fail(&ps->src,
					"edge from stage '%s', which this block's stages "
					"do not list",
					word);
			return -EINVAL;
		}
		return parse_edge(ps, k, sub, rest);
	}
	{
		char *val = fp_text_skip_blank(rest), *end = val;

		/* A value runs to a '#' comment, except inside an inline rule (no '#' there). */
		while (*end != '\0' && *end != '#')
			end++;
		*end = '\0';
		fp_text_rtrim(val, end);
		return parse_param(ps, k, sub, val);
	}
}

static void
pipeline_init(struct app_pipeline *p)
{
	memset(p, 0, sizeof(*p));
	p->all_block = -1;
	memset(p->lcore_block, -1, sizeof(p->lcore_block));
}

void
app_pipeline_free(struct app_pipeline *p)
{
	for (unsigned i = 0; i < p->n_blocks; i++)
		app_acl_rules_free(&p->blocks[i].acl.rules);
	p->n_blocks = 0;
}

void
app_pipeline_default(struct app_pipeline *p)
{
	static const char text[] = "[lcores all]\nstages = rx arp icmp tcp_echo tx\n";
	char err[64];

	/* The built-in text is known good; parse it like any file. */
	if (app_pipeline_parse(p, "built-in", text, sizeof(text) - 1, err, sizeof(err)) < 0)
		abort();
	p->path[0] = '\0';
}

int
app_pipeline_parse(struct app_pipeline *p, const char *name, const char *text, size_t len,
		char *err, size_t err_len)
{
	struct pl_parser ps;
	struct fp_text_lines it;
	char line[PL_LINE_MAX + 1];
	int rc;

	pipeline_init(p);
	memset(&ps, 0, sizeof(ps));
	ps.p = p;
	ps.src.name = name;
	ps.src.err = err;
	ps.src.err_len = err_len;
	if (err_len > 0)
		err[0] = '\0';
	{
		char tmp[FP_CFG_PATH_MAX];

		snprintf(tmp, sizeof(tmp), "%s", name);
		snprintf(ps.dir, sizeof(ps.dir), "%s", dirname(tmp));
	}
	if (len >= sizeof(p->text)) {
		snprintf(err, err_len, "%s: too big (max %zu bytes)", name, sizeof(p->text) - 1);
		return -EINVAL;
	}
	memcpy(p->text, text, len);
	snprintf(p->path, sizeof(p->path), "%s", name);

	fp_text_lines_init(&it, text, len);
	while ((rc = fp_text_next_line(&it, &ps.src, line, PL_LINE_MAX)) > 0) {
		rc = parse_line(&ps, line);
		if (rc < 0)
			goto out_free;
	}
	if (rc < 0) {
		fp_text_fail(&ps.src, "line too long or not text");
		rc = -EINVAL;
		goto out_free;
	}
	rc = close_block(&ps);
	if (rc < 0)
		goto out_free;
	if (p->n_blocks == 0) {
		snprintf(err, err_len, "%s: no [lcores ...] block: nothing would poll", name);
		rc = -EINVAL;
		goto out_free;
	}
	return 0;

out_free:
	app_pipeline_free(p);
	return rc;
}

int
app_pipeline_load(struct app_pipeline *p, const char *path, char *err, size_t err_len)
{
	char *buf;
	size_t n;
	int rc = app_read_file(path, APP_PIPELINE_TEXT_MAX, &buf, &n, err, err_len);

	if (rc < 0)
		return rc;
	rc = app_pipeline_parse(p, path, buf, n, err, err_len);
	free(buf);
	return rc;
}

const struct app_pl_block *
app_pipeline_block(const struct app_pipeline *p, unsigned lcore_id)
{
	if (lcore_id >= RTE_MAX_LCORE)
		return NULL;
	if (p->lcore_block[lcore_id] >= 0)
		return &p->blocks[p->lcore_block[lcore_id]];
	if (p->all_block >= 0)
		return &p->blocks[p->all_block];
	return NULL;
}

uint32_t
app_pl_block_stages(const struct app_pl_block *b)
{
	uint32_t bits = 0;

	for (unsigned i = 0; i < b->n; i++)
		bits |= 1u << b->order[i];
	return bits;
}

uint32_t
app_pipeline_stages(const struct app_pipeline *p, unsigned lcore_id)
{
	const struct app_pl_block *b = app_pipeline_block(p, lcore_id);

	return b != NULL ? app_pl_block_stages(b) : 0;
}

bool
app_pl_block_inline(const struct app_pl_block *b)
{
	const uint32_t local = 1u << APP_STAGE_RX | 1u << APP_STAGE_ARP | 1u << APP_STAGE_ICMP |
			1u << APP_STAGE_TCP_ECHO | 1u << APP_STAGE_TX;
	uint32_t listed = app_pl_block_stages(b), visited = 0;
	uint8_t at = b->ip_entry;

	if (b->rx_nodes)
		return false;
	if ((listed & ~local) != 0)
		return false;
	if ((listed & 1u << APP_STAGE_ARP) && b->st[APP_STAGE_ARP].out[0].to != APP_STAGE_TX)
		return false;
	/*
	 * IPv4 visits icmp and tcp_echo in a chain that ends in drop, each
	 * answering to tx: fp_ip4_deliver()'s dispatch, whatever the order,
	 * since each takes only its own protocol.
	 */
	while (at != APP_PL_TO_DROP) {
		if ((at != APP_STAGE_ICMP && at != APP_STAGE_TCP_ECHO) || (visited & 1u << at) ||
				b->st[at].out[0].to != APP_STAGE_TX)
			return false;
		visited |= 1u << at;
		at = b->st[at].out[1].to;
	}
	return visited == (listed & (1u << APP_STAGE_ICMP | 1u << APP_STAGE_TCP_ECHO));
}

uint32_t
app_pipeline_handlers(uint32_t stages)
{
	uint32_t h = 0;

	if (stages & (1u << APP_STAGE_ARP))
		h |= FP_HANDLE_ARP;
	if (stages & (1u << APP_STAGE_ICMP))
		h |= FP_HANDLE_ICMP;
	if (stages & (1u << APP_STAGE_TCP_ECHO))
		h |= FP_HANDLE_TCP;
	return h;
}

int
app_pipeline_stage_names(uint32_t stages, char *buf, size_t len)
{
	size_t pos = 0;

	if (len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	for (unsigned k = 0; k < APP_STAGE_KIND_COUNT; k++) {
		int n;

		if (!(stages & (1u << k)))
			continue;
		n = snprintf(buf + pos, len - pos, "%s%s", pos ? " " : "", defs[k].name);
		if (n < 0 || (size_t)n >= len - pos)
			return -ENOSPC;
		pos += (size_t)n;
	}
	return (int)pos;
}
