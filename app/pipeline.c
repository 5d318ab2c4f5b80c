/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pipeline definition parser (format in pipeline.h). main.c loads the file
 * named by [dpdk] pipeline before EAL init, checks the lcore lists against
 * the EAL lcores, and each worker runs app_pipeline_handlers() of its stages.
 * Text only: no DPDK calls, so a bad file fails before anything starts.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fp/core.h"
#include "fp/text.h"

#include "pipeline.h"

#define PL_LINE_MAX 256

static const struct {
	const char *name;
	uint32_t bit;
} stages[] = {
		{"rx", APP_STAGE_RX},
		{"arp", FP_HANDLE_ARP},
		{"icmp", FP_HANDLE_ICMP},
		{"tcp_echo", FP_HANDLE_TCP},
		{"tx", APP_STAGE_TX},
};

#define N_STAGES (sizeof(stages) / sizeof(stages[0]))

struct pl_parser {
	struct app_pipeline *p;
	struct fp_text_src src; /* file name, line, error buffer */
	/* the open block */
	bool in_block;
	bool block_all;
	unsigned block_line;
	bool block_has_stages;
	uint8_t block_lcores[RTE_MAX_LCORE]; /* 1 = named by the open block */
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
			if (ps->p->lcore_line[id] != 0) {
				fp_text_fail(&ps->src,
						"lcore %u is already in the block at line %u", id,
						ps->p->lcore_line[id]);
				return -EINVAL;
			}
			ps->block_lcores[id] = 1;
		}
		if (*s == '\0')
			return 0;
		s++;
	}
}

/* A block must say what it runs; checked when the next one opens and at EOF. */
static int
close_block(struct pl_parser *ps)
{
	if (ps->in_block && !ps->block_has_stages) {
		ps->src.line = ps->block_line;
		fp_text_fail(&ps->src, "block has no 'stages = ...' line");
		return -EINVAL;
	}
	ps->in_block = false;
	return 0;
}

static int
parse_block_header(struct pl_parser *ps, char *s)
{
	char *list;

	/* The whole line fits the message: quote all of the junk. */
	s = fp_text_bracket(&ps->src, s, "block header", PL_LINE_MAX);
	if (s == NULL || close_block(ps) < 0)
		return -EINVAL;
	if (strncmp(s, "lcores", 6) != 0 || !fp_text_blank(s[6])) {
		fp_text_fail(&ps->src, "unknown block [%s] (want [lcores all] or [lcores LIST])",
				s);
		return -EINVAL;
	}
	list = fp_text_skip_blank(s + 6);
	memset(ps->block_lcores, 0, sizeof(ps->block_lcores));
	ps->block_all = strcmp(list, "all") == 0;
	if (ps->block_all) {
		if (ps->p->all_line != 0) {
			fp_text_fail(&ps->src, "duplicate [lcores all] (first at line %u)",
					ps->p->all_line);
			return -EINVAL;
		}
		ps->p->all_line = ps->src.line;
	} else if (parse_lcore_list(ps, list) < 0) {
		return -EINVAL;
	}
	for (unsigned id = 0; id < RTE_MAX_LCORE; id++) {
		if (ps->block_lcores[id])
			ps->p->lcore_line[id] = ps->src.line;
	}
	ps->in_block = true;
	ps->block_line = ps->src.line;
	ps->block_has_stages = false;
	return 0;
}

static int
parse_stages(struct pl_parser *ps, char *s)
{
	uint32_t set = 0;
	unsigned n = 0;
	bool tx_seen = false;

	for (;;) {
		char *tok;
		size_t i;

		s = fp_text_skip_blank(s);
		if (fp_text_at_end(s))
			break;
		tok = s;
		while (*s != '\0' && !fp_text_blank(*s))
			s++;
		if (*s != '\0')
			*s++ = '\0';
		for (i = 0; i < N_STAGES; i++) {
			if (strcmp(tok, stages[i].name) == 0)
				break;
		}
		if (i == N_STAGES) {
			fp_text_fail(&ps->src,
					"unknown stage '%s' (want rx, arp, icmp, tcp_echo, tx)",
					tok);
			return -EINVAL;
		}
		if (set & stages[i].bit) {
			fp_text_fail(&ps->src, "stage '%s' listed twice", tok);
			return -EINVAL;
		}
		if (n == 0 && stages[i].bit != APP_STAGE_RX) {
			fp_text_fail(&ps->src, "the first stage must be rx (got '%s')", tok);
			return -EINVAL;
		}
		if (tx_seen) {
			fp_text_fail(&ps->src, "tx must be the last stage ('%s' follows it)", tok);
			return -EINVAL;
		}
		tx_seen = stages[i].bit == APP_STAGE_TX;
		set |= stages[i].bit;
		n++;
	}
	if (!(set & APP_STAGE_RX)) {
		fp_text_fail(&ps->src, "missing rx stage");
		return -EINVAL;
	}
	if (!(set & APP_STAGE_TX)) {
		fp_text_fail(&ps->src, "missing tx stage");
		return -EINVAL;
	}
	if (ps->block_all)
		ps->p->all_stages = set;
	for (unsigned id = 0; id < RTE_MAX_LCORE; id++) {
		if (ps->block_lcores[id])
			ps->p->lcore_stages[id] = set;
	}
	ps->block_has_stages = true;
	return 0;
}

static int
parse_line(struct pl_parser *ps, char *line)
{
	char *s = fp_text_skip_blank(line), *key;

	if (fp_text_at_end(s))
		return 0;
	if (*s == '[')
		return parse_block_header(ps, s + 1);

	key = s;
	while ((*s >= 'a' && *s <= 'z') || *s == '_')
		s++;
	if (s == key) {
		fp_text_fail(&ps->src, "expected 'stages = ...' or '[lcores ...]'");
		return -EINVAL;
	}
	if (*fp_text_skip_blank(s) != '=') {
		*s = '\0';
		fp_text_fail(&ps->src, "missing '=' after '%s'", key);
		return -EINVAL;
	}
	{
		char *val = fp_text_skip_blank(s) + 1;

		*s = '\0';
		if (strcmp(key, "stages") != 0) {
			fp_text_fail(&ps->src, "unknown key '%s' (want stages)", key);
			return -EINVAL;
		}
		if (!ps->in_block) {
			fp_text_fail(&ps->src, "'stages' outside an [lcores ...] block");
			return -EINVAL;
		}
		if (ps->block_has_stages) {
			fp_text_fail(&ps->src, "duplicate key 'stages' in this block");
			return -EINVAL;
		}
		return parse_stages(ps, val);
	}
}

void
app_pipeline_default(struct app_pipeline *p)
{
	static const char text[] = "[lcores all]\nstages = rx arp icmp tcp_echo tx\n";

	memset(p, 0, sizeof(*p));
	memcpy(p->text, text, sizeof(text));
	p->all_stages = APP_STAGE_RX | FP_HANDLE_ARP | FP_HANDLE_ICMP | FP_HANDLE_TCP |
			APP_STAGE_TX;
	p->all_line = 1;
}

int
app_pipeline_parse(struct app_pipeline *p, const char *name, const char *text, size_t len,
		char *err, size_t err_len)
{
	struct pl_parser ps;
	struct fp_text_lines it;
	char line[PL_LINE_MAX + 1];
	bool any;
	int rc;

	memset(p, 0, sizeof(*p));
	memset(&ps, 0, sizeof(ps));
	ps.p = p;
	ps.src.name = name;
	ps.src.err = err;
	ps.src.err_len = err_len;
	if (len >= sizeof(p->text)) {
		snprintf(err, err_len, "%s: too big (max %zu bytes)", name, sizeof(p->text) - 1);
		return -EINVAL;
	}
	memcpy(p->text, text, len);

	fp_text_lines_init(&it, text, len);
	while ((rc = fp_text_next_line(&it, &ps.src, line, PL_LINE_MAX)) > 0) {
		if (parse_line(&ps, line) < 0)
			return -EINVAL;
	}
	if (rc < 0) {
		fp_text_fail(&ps.src, "line too long or not text");
		return -EINVAL;
	}
	if (close_block(&ps) < 0)
		return -EINVAL;
	any = p->all_stages != 0;
	for (unsigned id = 0; id < RTE_MAX_LCORE; id++)
		any |= p->lcore_stages[id] != 0;
	if (!any) {
		snprintf(err, err_len, "%s: no [lcores ...] block: nothing would poll", name);
		return -EINVAL;
	}
	return 0;
}

int
app_pipeline_load(struct app_pipeline *p, const char *path, char *err, size_t err_len)
{
	static char buf[APP_PIPELINE_TEXT_MAX];
	size_t n;
	FILE *f = fopen(path, "r");
	int rc;

	if (f == NULL) {
		rc = errno == ENOENT ? -ENOENT : -EIO;
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return rc;
	}
	n = fread(buf, 1, sizeof(buf), f);
	if (ferror(f)) {
		snprintf(err, err_len, "%s: read error", path);
		rc = -EIO;
	} else if (n == sizeof(buf)) {
		snprintf(err, err_len, "%s: too big (max %zu bytes)", path, sizeof(buf) - 1);
		rc = -EFBIG;
	} else {
		rc = app_pipeline_parse(p, path, buf, n, err, err_len);
		if (rc == 0)
			snprintf(p->path, sizeof(p->path), "%s", path);
	}
	fclose(f);
	return rc;
}

uint32_t
app_pipeline_stages(const struct app_pipeline *p, unsigned lcore_id)
{
	if (lcore_id >= RTE_MAX_LCORE)
		return 0;
	if (p->lcore_stages[lcore_id] != 0)
		return p->lcore_stages[lcore_id];
	return p->all_stages;
}

uint32_t
app_pipeline_handlers(uint32_t stage_bits)
{
	return stage_bits & (FP_HANDLE_ARP | FP_HANDLE_ICMP | FP_HANDLE_TCP);
}

int
app_pipeline_stage_names(uint32_t stage_bits, char *buf, size_t len)
{
	size_t pos = 0;

	if (len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	for (size_t i = 0; i < N_STAGES; i++) {
		int n;

		if (!(stage_bits & stages[i].bit))
			continue;
		n = snprintf(buf + pos, len - pos, "%s%s", pos ? " " : "", stages[i].name);
		if (n < 0 || (size_t)n >= len - pos)
			return -ENOSPC;
		pos += (size_t)n;
	}
	return (int)pos;
}
