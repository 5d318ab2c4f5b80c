/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Strict parser for the management protocol's requests: one flat JSON object
 * per line (RFC 8259 syntax, restricted to scalar values and integers). Runs
 * on untrusted input from the socket or the MQTT cmd topic, so every path is
 * bounded by len and by the fixed field and string sizes of struct fp_tlm_req.
 */
#include <errno.h>
#include <string.h>

#include "fp/tlm.h"
#include "fp/utf8.h"

struct cursor {
	const char *p;
	const char *end;
	const char *err;
	int rc;
};

static int
fail(struct cursor *c, int rc, const char *why)
{
	if (c->rc == 0) {
		c->rc = rc;
		c->err = why;
	}
	return rc;
}

static void
skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int
hex4(const char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		char h = p[i];

		v <<= 4;
		if (h >= '0' && h <= '9')
			v |= (uint32_t)(h - '0');
		else if (h >= 'a' && h <= 'f')
			v |= (uint32_t)(h - 'a' + 10);
		else if (h >= 'A' && h <= 'F')
			v |= (uint32_t)(h - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t
utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A "\uXXXX" escape (the "\u" already consumed), pairs included: the code point. */
static int
parse_u_escape(struct cursor *c, uint32_t *cp)
{
	uint32_t hi, lo;

	if (c->end - c->p < 4 || hex4(c->p, &hi) != 0)
		return fail(c, -EINVAL, "bad \\u escape");
	c->p += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return fail(c, -EINVAL, "unpaired surrogate");
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u' ||
				hex4(c->p + 2, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
			return fail(c, -EINVAL, "unpaired surrogate");
		c->p += 6;
		hi = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (hi == 0)
		return fail(c, -EINVAL, "NUL in string");
	*cp = hi;
	return 0;
}

/* A string at c->p (which is '"'), decoded into out (cap bytes with the NUL). */
static int
parse_string(struct cursor *c, char *out, size_t cap, const char *too_long)
{
	size_t n = 0;

	c->p++; /* opening quote */
	for (;;) {
		char tmp[4];
		size_t tlen;

		if (c->p >= c->end)
			return fail(c, -EINVAL, "unterminated string");
		unsigned char b = (unsigned char)*c->p;

		if (b == '"') {
			c->p++;
			break;
		}
		if (b < 0x20)
			return fail(c, -EINVAL, "control character in string");
		if (b == '\\') {
			if (c->end - c->p < 2)
				return fail(c, -EINVAL, "unterminated string");
			char e = c->p[1];

			c->p += 2;
			tlen = 1;
			switch (e) {
			case '"':
			case '\\':
			case '/':
				tmp[0] = e;
				break;
			case 'b':
				tmp[0] = '\b';
				break;
			case 'f':
				tmp[0] = '\f';
				break;
			case 'n':
				tmp[0] = '\n';
				break;
			case 'r':
				tmp[0] = '\r';
				break;
			case 't':
				tmp[0] = '\t';
				break;
			case 'u': {
				uint32_t cp;

				if (parse_u_escape(c, &cp) != 0)
					return c->rc;
				tlen = utf8_put(cp, tmp);
				break;
			}
			default:
				return fail(c, -EINVAL, "bad escape");
			}
		} else {
			tlen = fp_utf8_seq_len((const uint8_t *)c->p, (size_t)(c->end - c->p));
			if (tlen == 0)
				return fail(c, -EINVAL, "invalid UTF-8");
			memcpy(tmp, c->p, tlen);
			c->p += tlen;
		}
		if (n + tlen >= cap)
			return fail(c, -E2BIG, too_long);
		memcpy(out + n, tmp, tlen);
		n += tlen;
	}
	out[n] = '\0';
	return 0;
}

static int
parse_int(struct cursor *c, int64_t *out)
{
	int neg = 0;
	uint64_t v = 0;
	const uint64_t limit_pos = (uint64_t)INT64_MAX;

	if (*c->p == '-') {
		neg = 1;
		c->p++;
	}
	if (c->p >= c->end || *c->p < '0' || *c->p > '9')
		return fail(c, -EINVAL, "bad number");
	if (*c->p == '0' && c->end - c->p > 1 && c->p[1] >= '0' && c->p[1] <= '9')
		return fail(c, -EINVAL, "leading zero");
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		unsigned d = (unsigned)(*c->p - '0');

		if (v > (limit_pos + (uint64_t)neg - d) / 10)
			return fail(c, -EINVAL, "integer out of range");
		v = v * 10 + d;
		c->p++;
	}
	if (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E'))
		return fail(c, -EINVAL, "only integers are accepted");
	if (neg)
		*out = v == limit_pos + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	return 0;
}

static int
parse_word(struct cursor *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return fail(c, -EINVAL, "bad value");
	c->p += n;
	return 0;
}

static int
parse_value(struct cursor *c, struct fp_tlm_field *f)
{
	if (c->p >= c->end)
		return fail(c, -EINVAL, "missing value");
	switch (*c->p) {
	case '"':
		f->type = FP_TLM_VAL_STR;
		return parse_string(c, f->str, sizeof(f->str), "string too long");
	case 't':
		f->type = FP_TLM_VAL_BOOL;
		f->num = 1;
		return parse_word(c, "true");
	case 'f':
		f->type = FP_TLM_VAL_BOOL;
		return parse_word(c, "false");
	case 'n':
		f->type = FP_TLM_VAL_NULL;
		return parse_word(c, "null");
	case '{':
	case '[':
		return fail(c, -EINVAL, "nested values are not accepted");
	default:
		f->type = FP_TLM_VAL_INT;
		return parse_int(c, &f->num);
	}
}

static int
parse_object(struct cursor *c, struct fp_tlm_req *req)
{
	skip_ws(c);
	if (c->p >= c->end || *c->p != '{')
		return fail(c, -EINVAL, "expected a JSON object");
	c->p++;
	skip_ws(c);
	if (c->p < c->end && *c->p == '}') {
		c->p++;
		return 0;
	}
	for (;;) {
		struct fp_tlm_field *f;

		if (c->p >= c->end || *c->p != '"')
			return fail(c, -EINVAL, "expected a key");
		if (req->n == FP_TLM_REQ_MAX_FIELDS)
			return fail(c, -E2BIG, "too many fields");
		f = &req->f[req->n];
		memset(f, 0, sizeof(*f));
		if (parse_string(c, f->key, sizeof(f->key), "key too long") != 0)
			return c->rc;
		if (fp_tlm_req_get(req, f->key) != NULL)
			return fail(c, -EINVAL, "duplicate key");
		skip_ws(c);
		if (c->p >= c->end || *c->p != ':')
			return fail(c, -EINVAL, "expected ':'");
		c->p++;
		skip_ws(c);
		if (parse_value(c, f) != 0)
			return c->rc;
		req->n++;
		skip_ws(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			skip_ws(c);
			continue;
		}
		if (c->p < c->end && *c->p == '}') {
			c->p++;
			return 0;
		}
		return fail(c, -EINVAL, "expected ',' or '}'");
	}
}

int
fp_tlm_req_parse(struct fp_tlm_req *req, const char *text, size_t len, const char **err)
{
	struct cursor c = {.p = text, .end = text + len};

	req->n = 0;
	if (parse_object(&c, req) == 0) {
		skip_ws(&c);
		if (c.p != c.end)
			fail(&c, -EINVAL, "trailing bytes after the object");
	}
	if (c.rc != 0)
		req->n = 0;
	if (err != NULL)
		*err = c.err;
	return c.rc;
}

const struct fp_tlm_field *
fp_tlm_req_get(const struct fp_tlm_req *req, const char *key)
{
	for (uint32_t i = 0; i < req->n; i++)
		if (strcmp(req->f[i].key, key) == 0)
			return &req->f[i];
	return NULL;
}

const char *
fp_tlm_req_str(const struct fp_tlm_req *req, const char *key)
{
	const struct fp_tlm_field *f = fp_tlm_req_get(req, key);

	return f != NULL && f->type == FP_TLM_VAL_STR ? f->str : NULL;
}

int
fp_tlm_req_int(const struct fp_tlm_req *req, const char *key, int64_t *out)
{
	const struct fp_tlm_field *f = fp_tlm_req_get(req, key);

	if (f == NULL)
		return -ENOENT;
	if (f->type != FP_TLM_VAL_INT)
		return -EINVAL;
	*out = f->num;
	return 0;
}
