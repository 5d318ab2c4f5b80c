/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reply buffers and builders (mgmt_reply.h), shared by the commands, the
 * socket server (its own error lines) and the MQTT client.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fp/utf8.h"

#include "mgmt_int.h"
#include "mgmt_reply.h"

void
mgmt_buf_free(struct mgmt_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

int
mgmt_buf_build(struct mgmt_buf *out, mgmt_build_fn fn, void *arg)
{
	size_t cap = out->cap ? out->cap : 4096;

	for (;;) {
		struct fp_tlm_json j;
		int n;

		if (out->cap < cap) {
			char *p = realloc(out->p, cap);

			if (p == NULL)
				return -ENOMEM;
			out->p = p;
			out->cap = cap;
		}
		fp_tlm_json_init(&j, out->p, out->cap);
		fn(&j, arg);
		n = fp_tlm_json_finish(&j);
		if (n >= 0) {
			out->len = (size_t)n;
			return 0;
		}
		if (n != -ENOSPC || cap >= MGMT_REPLY_MAX)
			return n;
		cap *= 2;
	}
}

static void
build_error(struct fp_tlm_json *j, void *arg)
{
	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 0);
	fp_tlm_json_kv_str(j, "error", arg);
	fp_tlm_json_obj_end(j);
}

void
mgmt_reply_error(struct mgmt_buf *out, const char *msg)
{
	if (mgmt_buf_build(out, build_error, (void *)(uintptr_t)msg) != 0)
		mgmt_buf_free(out);
}

int
mgmt_reply_errorf(struct mgmt_buf *out, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(msg))
		msg[fp_utf8_prefix(msg, sizeof(msg) - 1, sizeof(msg) - 1)] = '\0';
	mgmt_reply_error(out, msg);
	return 0;
}

const char *
mgmt_quote(struct mgmt_quoted *q, const char *s)
{
	size_t len = strlen(s);
	size_t n = fp_utf8_prefix(s, len, MGMT_QUOTE_MAX);

	snprintf(q->s, sizeof(q->s), "%.*s%s", (int)n, s, n < len ? "..." : "");
	return q->s;
}

int
mgmt_reply(struct mgmt_buf *out, mgmt_build_fn fn, void *arg)
{
	int rc = mgmt_buf_build(out, fn, arg);

	if (rc == -ENOSPC)
		mgmt_reply_error(out, "reply too large: ask for less (limit)");
	else if (rc != 0)
		mgmt_reply_error(out, "out of memory");
	return 0;
}
