/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared pieces of the line-based text parsers; see fp/text.h. Used by
 * fp_cfg_parse()/fp_cfg_load() and by the app's pipeline parser, both run
 * once at start-up, and for IPv4 addresses in management requests and
 * replies and the firmware's command line; never on the packet path.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fp/text.h"

void
fp_text_fail(const struct fp_text_src *src, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (src->err == NULL || src->err_len == 0)
		return;
	if (src->line != 0)
		n = snprintf(src->err, src->err_len, "%s:%u: ", src->name, src->line);
	else if (src->name != NULL)
		n = snprintf(src->err, src->err_len, "%s: ", src->name);
	else
		n = 0;
	if (n < 0 || (size_t)n >= src->err_len)
		return;
	va_start(ap, fmt);
	vsnprintf(src->err + n, src->err_len - (size_t)n, fmt, ap);
	va_end(ap);
}

void
fp_text_rtrim(char *start, char *end)
{
	while (end > start && fp_text_blank(end[-1]))
		*--end = '\0';
}

char *
fp_text_bracket(const struct fp_text_src *src, char *s, const char *what, int show_max)
{
	char *end = strchr(s, ']');
	char *rest;

	if (end == NULL) {
		fp_text_fail(src, "missing ']' in %s", what);
		return NULL;
	}
	*end = '\0';
	rest = fp_text_skip_blank(end + 1);
	if (!fp_text_at_end(rest)) {
		fp_text_fail(src, "trailing junk '%.*s' after %s", show_max, rest, what);
		return NULL;
	}
	s = fp_text_skip_blank(s);
	fp_text_rtrim(s, end);
	return s;
}

int
fp_text_parse_uint(const char **s, uint32_t max, uint32_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (uint64_t)(*p++ - '0');
		if (v > max)
			return -ERANGE;
	}
	*s = p;
	*out = (uint32_t)v;
	return 0;
}

int
fp_text_parse_ip4(const char **s, uint32_t *out)
{
	const char *p = *s;
	uint32_t addr = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		if (part > 0 && *p++ != '.')
			return -EINVAL;
		while (*p >= '0' && *p <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*p++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return -EINVAL;
		addr = addr << 8 | v;
	}
	*s = p;
	*out = addr;
	return 0;
}

const char *
fp_text_format_ip4(uint32_t ip, char buf[FP_IP4_STR_LEN])
{
	snprintf(buf, FP_IP4_STR_LEN, "%u.%u.%u.%u", (unsigned)(ip >> 24),
			(unsigned)(ip >> 16) & 0xffu, (unsigned)(ip >> 8) & 0xffu,
			(unsigned)ip & 0xffu);
	return buf;
}

int
fp_text_next_line(struct fp_text_lines *it, struct fp_text_src *src, char *line, size_t max)
{
	const char *start = it->text + it->pos;
	const char *nl;
	size_t n;

	if (it->pos >= it->len)
		return 0;
	nl = memchr(start, '\n', it->len - it->pos);
	n = nl != NULL ? (size_t)(nl - start) : it->len - it->pos;
	it->pos += n + (nl != NULL);
	src->line++;
	if (n > 0 && start[n - 1] == '\r')
		n--;
	if (n > max)
		return -E2BIG;
	if (memchr(start, '\0', n) != NULL)
		return -EILSEQ;
	memcpy(line, start, n);
	line[n] = '\0';
	return 1;
}
