/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus text 0.0.4 and OpenMetrics 1.0.0 exposition writer (fp/prom.h),
 * plus the Accept-header choice between them. Called from the app's metrics
 * endpoint on the management thread; no heap, no libc formatting.
 *
 * The two formats name things differently: a counter family "x" is typed
 * "x_total" in the Prometheus format but "x" in OpenMetrics, its samples are
 * "x_total" in both; an info family "x" is a gauge "x_info" in the
 * Prometheus format (which has no info type) and type info in OpenMetrics.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fp/prom.h"

#include "tlm_priv.h"

void
fp_prom_init(struct fp_prom *p, char *buf, size_t cap, enum fp_prom_format fmt)
{
	memset(p, 0, sizeof(*p));
	p->buf = buf;
	p->cap = cap;
	p->fmt = fmt;
	if (cap == 0)
		p->err = -ENOSPC;
	else
		buf[0] = '\0';
}

static void
fail(struct fp_prom *p, int err)
{
	if (p->err == 0)
		p->err = err;
}

static void
put(struct fp_prom *p, const char *s, size_t n)
{
	fp__tlm_put(p->buf, p->cap, &p->len, &p->err, s, n);
}

static void
puts_(struct fp_prom *p, const char *s)
{
	put(p, s, strlen(s));
}

static void
put_u64(struct fp_prom *p, uint64_t v)
{
	char tmp[FP__TLM_U64_DIGITS];
	size_t i = fp__tlm_u64_digits(tmp, v);

	put(p, tmp + i, sizeof(tmp) - i);
}

/* Escape '\\' and newline (HELP text), and also '"' (label values). */
static void
put_escaped(struct fp_prom *p, const char *s, bool quote)
{
	size_t run = 0, i;

	for (i = 0; s[i] != '\0'; i++) {
		const char *esc;

		if (s[i] == '\\')
			esc = "\\\\";
		else if (s[i] == '\n')
			esc = "\\n";
		else if (s[i] == '"' && quote)
			esc = "\\\"";
		else
			continue;
		put(p, s + run, i - run);
		puts_(p, esc);
		run = i + 1;
	}
	put(p, s + run, i - run);
}

static bool
name_char(char c, bool first, bool colon_ok)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return true;
	if (c == ':')
		return colon_ok;
	return !first && c >= '0' && c <= '9';
}

/* Metric names may hold ':', label names may not; neither starts with a digit. */
static bool
valid_name(const char *s, bool colon_ok)
{
	if (s == NULL || s[0] == '\0')
		return false;
	for (size_t i = 0; s[i] != '\0'; i++)
		if (!name_char(s[i], i == 0, colon_ok))
			return false;
	return true;
}

/* The name on HELP/TYPE lines: the format decides whether the suffix is part of it. */
static void
put_family_name(struct fp_prom *p)
{
	puts_(p, p->family);
	if (p->fmt == FP_PROM_TEXT && p->type == FP_PROM_COUNTER)
		puts_(p, "_total");
	else if (p->fmt == FP_PROM_TEXT && p->type == FP_PROM_INFO)
		puts_(p, "_info");
}

void
fp_prom_family(struct fp_prom *p, const char *name, enum fp_prom_type type, const char *help)
{
	static const char *const text_types[] = {"counter", "gauge", "gauge"};
	static const char *const om_types[] = {"counter", "gauge", "info"};
	size_t n = name != NULL ? strlen(name) : 0;

	if (!valid_name(name, true) || n >= sizeof(p->family) - sizeof("_total") ||
			(unsigned)type > FP_PROM_INFO) {
		fail(p, -EINVAL);
		return;
	}
	memcpy(p->family, name, n + 1);
	p->type = type;
	puts_(p, "# HELP ");
	put_family_name(p);
	puts_(p, " ");
	put_escaped(p, help != NULL ? help : "", false);
	puts_(p, "\n# TYPE ");
	put_family_name(p);
	puts_(p, " ");
	puts_(p, p->fmt == FP_PROM_TEXT ? text_types[type] : om_types[type]);
	puts_(p, "\n");
}

/* "<name><suffix>{a="x",b="y"} " up to the value. */
static void
put_sample_head(struct fp_prom *p, const struct fp_prom_label *labels, unsigned n_labels)
{
	static const char *const suffix[] = {"_total", "", "_info"};

	if (p->family[0] == '\0') {
		fail(p, -EINVAL);
		return;
	}
	puts_(p, p->family);
	puts_(p, suffix[p->type]);
	if (n_labels > 0) {
		puts_(p, "{");
		for (unsigned i = 0; i < n_labels; i++) {
			const char *ln = labels[i].name;

			if (!valid_name(ln, false) || (ln[0] == '_' && ln[1] == '_') ||
					labels[i].value == NULL) {
				fail(p, -EINVAL);
				return;
			}
			if (i > 0)
				puts_(p, ",");
			puts_(p, ln);
			puts_(p, "=\"");
			put_escaped(p, labels[i].value, true);
			puts_(p, "\"");
		}
		puts_(p, "}");
	}
	puts_(p, " ");
}

void
fp_prom_sample(struct fp_prom *p, const struct fp_prom_label *labels, unsigned n_labels,
		uint64_t value)
{
	if (p->type == FP_PROM_INFO && value != 1) {
		fail(p, -EINVAL);
		return;
	}
	put_sample_head(p, labels, n_labels);
	put_u64(p, value);
	puts_(p, "\n");
}

void
fp_prom_sample_milli(struct fp_prom *p, const struct fp_prom_label *labels, unsigned n_labels,
		uint64_t milli)
{
	char frac[4] = {(char)('0' + milli / 100 % 10), (char)('0' + milli / 10 % 10),
			(char)('0' + milli % 10), '\n'};

	if (p->type == FP_PROM_INFO) {
		fail(p, -EINVAL);
		return;
	}
	put_sample_head(p, labels, n_labels);
	put_u64(p, milli / 1000);
	puts_(p, ".");
	put(p, frac, sizeof(frac));
}

int
fp_prom_finish(struct fp_prom *p)
{
	if (p->fmt == FP_PROM_OPENMETRICS)
		puts_(p, "# EOF\n");
	if (p->err) {
		if (p->cap)
			p->buf[0] = '\0';
		return p->err;
	}
	p->buf[p->len] = '\0';
	return (int)p->len;
}

const char *
fp_prom_content_type(enum fp_prom_format fmt)
{
	if (fmt == FP_PROM_OPENMETRICS)
		return "application/openmetrics-text; version=1.0.0; charset=utf-8";
	return "text/plain; version=0.0.4; charset=utf-8";
}

/* ------------------------------------------------------------- Accept */

static bool
ows(char c)
{
	return c == ' ' || c == '\t';
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Does s[0..n) equal the lower-case word w, ignoring case? */
static bool
word_eq(const char *s, size_t n, const char *w)
{
	if (strlen(w) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(s[i]) != w[i])
			return false;
	return true;
}

/*
 * RFC 9110 12.4.2 qvalue: "0" ["." 0-3 digits] or "1" ["." 0-3 zeros],
 * in thousandths. @return 0..1000, or -1 when malformed.
 */
static int
parse_q(const char *s, size_t n)
{
	int q, scale = 100;
	size_t i = 1;

	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	q = (s[0] - '0') * 1000;
	if (n > 1) {
		if (s[1] != '.' || n > 5)
			return -1;
		for (i = 2; i < n; i++, scale /= 10) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			q += (s[i] - '0') * scale;
		}
	}
	return q <= 1000 ? q : -1;
}

/* The q of one media range's parameters (after the media type); 1000 when absent. */
static int
range_q(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t k, v, e;

		while (i < n && (ows(s[i]) || s[i] == ';'))
			i++;
		k = i;
		while (i < n && s[i] != '=' && s[i] != ';')
			i++;
		if (i >= n || s[i] != '=')
			continue;
		e = i;
		while (e > k && ows(s[e - 1]))
			e--;
		v = ++i;
		while (i < n && s[i] != ';')
			i++;
		if (word_eq(s + k, e - k, "q")) {
			size_t ve = i;

			while (v < ve && ows(s[v]))
				v++;
			while (ve > v && ows(s[ve - 1]))
				ve--;
			return parse_q(s + v, ve - v);
		}
	}
	return 1000;
}

enum fp_prom_format
fp_prom_negotiate(const char *accept)
{
	int q_om = -1, q_text = -1;
	const char *s = accept;

	if (accept == NULL)
		return FP_PROM_TEXT;
	while (*s != '\0') {
		const char *end = strchr(s, ',');
		size_t n = end != NULL ? (size_t)(end - s) : strlen(s);
		size_t t = 0, te;
		int q;

		while (t < n && ows(s[t]))
			t++;
		te = t;
		while (te < n && s[te] != ';' && !ows(s[te]))
			te++;
		q = range_q(s + te, n - te);
		if (word_eq(s + t, te - t, "application/openmetrics-text")) {
			if (q > q_om)
				q_om = q;
		} else if (word_eq(s + t, te - t, "text/plain") ||
				word_eq(s + t, te - t, "text/*") || word_eq(s + t, te - t, "*/*")) {
			if (q > q_text)
				q_text = q;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	return q_om > 0 && q_om >= q_text ? FP_PROM_OPENMETRICS : FP_PROM_TEXT;
}
