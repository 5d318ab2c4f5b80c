/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pipeline definition parser (format in pipeline.h). main.c loads the file
 * named by [dpdk] pipeline before EAL init, checks the lcore lists against
 * the EAL lcores, and each worker runs app_pipeline_handlers() of its stages.
 * Text only: no DPDK calls, so a bad file fails before anything starts.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fp/core.h"

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
	const char *name;
	char *err;
	size_t err_len;
	unsigned line;
	/* the open block */
	bool in_block;
	bool block_all;
	unsigned block_line;
	bool block_has_stages;
	uint8_t block_lcores[RTE_MAX_LCORE]; /* 1 = named by the open block */
};

static void pl_fail(struct pl_parser *ps, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));

static void
pl_fail(struct pl_parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->err == NULL || ps->err_len == 0)
		return;
	n = snprintf(ps->err, ps->err_len, "%s:%u: ", ps->name, ps->line);
	if (n < 0 || (size_t)n >= ps->err_len)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->err_len - (size_t)n, fmt, ap);
	va_end(ap);
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

static char *
skip_blank(char *s)
{
	while (blank(*s))
		s++;
	return s;
}

static int
parse_uint(const char **s, unsigned *out)
{
	unsigned v = 0;
	const char *p = *s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned)(*p++ - '0');
		if (v >= RTE_MAX_LCORE)
			return -ERANGE;
	}
	*s = p;
	*out = v;
	return 0;
}

/* "1,3-5": mark each lcore in block_lcores. */
static int
parse_lcore_list(struct pl_parser *ps, const char *list)
{
	const char *s = list;

	for (;;) {
		unsigned lo, hi;
		int rc = parse_uint(&s, &lo);

		hi = lo;
		if (rc == 0 && *s == '-') {
			s++;
			rc = parse_uint(&s, &hi);
		}
		if (rc == -ERANGE) {
			pl_fail(ps, "lcore id out of range in '%s' (max %d)", list,
					RTE_MAX_LCORE - 1);
			return -EINVAL;
		}
		if (rc < 0 || hi < lo || (*s != ',' && *s != '\0')) {
			pl_fail(ps, "bad lcore list '%s' (want all, or ids and ranges like 1,3-4)",
					list);
			return -EINVAL;
		}
		for (unsigned id = lo; id <= hi; id++) {
			if (ps->p->lcore_line[id] != 0) {
				pl_fail(ps, "lcore %u is already in the block at line %u", id,
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
		ps->line = ps->block_line;
		pl_fail(ps, "block has no 'stages = ...' line");
		return -EINVAL;
	}
	ps->in_block = false;
	return 0;
}

static int
parse_block_header(struct pl_parser *ps, char *s)
{
	char *end = strchr(s, ']');
	char *list;

	if (end == NULL) {
		pl_fail(ps, "missing ']' in block header");
		return -EINVAL;
	}
	*end = '\0';
	if (*skip_blank(end + 1) != '\0' && *skip_blank(end + 1) != '#') {
		pl_fail(ps, "trailing junk '%s' after block header", skip_blank(end + 1));
		return -EINVAL;
	}
	if (close_block(ps) < 0)
		return -EINVAL;
	s = skip_blank(s);
	for (char *t = end; t > s && blank(t[-1]);)
		*--t = '\0';
	if (strncmp(s, "lcores", 6) != 0 || !blank(s[6])) {
		pl_fail(ps, "unknown block [%s] (want [lcores all] or [lcores LIST])", s);
		return -EINVAL;
	}
	list = skip_blank(s + 6);
	memset(ps->block_lcores, 0, sizeof(ps->block_lcores));
	ps->block_all = strcmp(list, "all") == 0;
	if (ps->block_all) {
		if (ps->p->all_line != 0) {
			pl_fail(ps, "duplicate [lcores all] (first at line %u)", ps->p->all_line);
			return -EINVAL;
		}
		ps->p->all_line = ps->line;
	} else if (parse_lcore_list(ps, list) < 0) {
		return -EINVAL;
	}
	for (unsigned id = 0; id < RTE_MAX_LCORE; id++) {
		if (ps->block_lcores[id])
			ps->p->lcore_line[id] = ps->line;
	}
	ps->in_block = true;
	ps->block_line = ps->line;
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

		s = skip_blank(s);
		if (*s == '\0' || *s == '#')
			break;
		tok = s;
		while (*s != '\0' && !blank(*s))
			s++;
		if (*s != '\0')
			*s++ = '\0';
		for (i = 0; i < N_STAGES; i++) {
			if (strcmp(tok, stages[i].name) == 0)
				break;
		}
		if (i == N_STAGES) {
			pl_fail(ps, "unknown stage '%s' (want rx, arp, icmp, tcp_echo, tx)", tok);
			return -EINVAL;
		}
		if (set & stages[i].bit) {
			pl_fail(ps, "stage '%s' listed twice", tok);
			return -EINVAL;
		}
		if (n == 0 && stages[i].bit != APP_STAGE_RX) {
			pl_fail(ps, "the first stage must be rx (got '%s')", tok);
			return -EINVAL;
		}
		if (tx_seen) {
			pl_fail(ps, "tx must be the last stage ('%s' follows it)", tok);
			return -EINVAL;
		}
		tx_seen = stages[i].bit == APP_STAGE_TX;
		set |= stages[i].bit;
		n++;
	}
	if (!(set & APP_STAGE_RX)) {
		pl_fail(ps, "missing rx stage");
		return -EINVAL;
	}
	if (!(set & APP_STAGE_TX)) {
		pl_fail(ps, "missing tx stage");
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
	char *s = skip_blank(line), *key;

	if (*s == '\0' || *s == '#')
		return 0;
	if (*s == '[')
		return parse_block_header(ps, s + 1);

	key = s;
	while ((*s >= 'a' && *s <= 'z') || *s == '_')
		s++;
	if (s == key) {
		pl_fail(ps, "expected 'stages = ...' or '[lcores ...]'");
		return -EINVAL;
	}
	if (*skip_blank(s) != '=') {
		*s = '\0';
		pl_fail(ps, "missing '=' after '%s'", key);
		return -EINVAL;
	}
	{
		char *val = skip_blank(s) + 1;

		*s = '\0';
		if (strcmp(key, "stages") != 0) {
			pl_fail(ps, "unknown key '%s' (want stages)", key);
			return -EINVAL;
		}
		if (!ps->in_block) {
			pl_fail(ps, "'stages' outside an [lcores ...] block");
			return -EINVAL;
		}
		if (ps->block_has_stages) {
			pl_fail(ps, "duplicate key 'stages' in this block");
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
	char line[PL_LINE_MAX + 1];
	size_t pos = 0;
	bool any;

	memset(p, 0, sizeof(*p));
	memset(&ps, 0, sizeof(ps));
	ps.p = p;
	ps.name = name;
	ps.err = err;
	ps.err_len = err_len;
	if (len >= sizeof(p->text)) {
		snprintf(err, err_len, "%s: too big (max %zu bytes)", name, sizeof(p->text) - 1);
		return -EINVAL;
	}
	memcpy(p->text, text, len);

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		size_t next = pos + n + (nl != NULL);

		ps.line++;
		if (n > 0 && text[pos + n - 1] == '\r')
			n--;
		if (n > PL_LINE_MAX || memchr(text + pos, '\0', n) != NULL) {
			pl_fail(&ps, "line too long or not text");
			return -EINVAL;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		if (parse_line(&ps, line) < 0)
			return -EINVAL;
		pos = next;
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
