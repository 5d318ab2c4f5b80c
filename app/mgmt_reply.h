/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reply lines of the management plane: a growable buffer and the builders
 * every command, the socket server and the MQTT client use to write one JSON
 * object into it ({"ok":true,...} or {"ok":false,"error":"..."}).
 * Management thread only.
 */
#ifndef APP_MGMT_REPLY_H
#define APP_MGMT_REPLY_H

#include <stddef.h>

#include "fp/tlm.h"

/** A growable reply buffer (heap). */
struct mgmt_buf {
	char *p;
	size_t len; /**< bytes used, excluding the NUL (there is always room for one more) */
	size_t cap;
};

/** Reply builder: writes one JSON object into j. */
typedef void (*mgmt_build_fn)(struct fp_tlm_json *j, void *arg);

/**
 * Run fn into out, growing out until the document fits (up to MGMT_REPLY_MAX).
 * @return 0 or -ENOSPC / -ENOMEM
 */
int mgmt_buf_build(struct mgmt_buf *out, mgmt_build_fn fn, void *arg);

void mgmt_buf_free(struct mgmt_buf *b);

/**
 * A reply from fn; a "reply too large" or "out of memory" error reply instead
 * when it does not fit. @return 0, so that handlers can return it.
 */
int mgmt_reply(struct mgmt_buf *out, mgmt_build_fn fn, void *arg);

/** An error reply into out (out->p is NULL if even that failed). */
void mgmt_reply_error(struct mgmt_buf *out, const char *msg);

/**
 * An error reply from a format; a message cut to fit is cut on a character
 * boundary, so it stays UTF-8. @return 0, so that handlers can return it.
 */
int mgmt_reply_errorf(struct mgmt_buf *out, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));

#define MGMT_QUOTE_MAX 64 /**< bytes of a client's string repeated in an error */

/** Room for a client's string quoted in an error (mgmt_quote()). */
struct mgmt_quoted {
	char s[MGMT_QUOTE_MAX + 4];
};

/**
 * A client's string for an error message: at most MGMT_QUOTE_MAX bytes,
 * whole characters, "..." if cut. @return q->s
 */
const char *mgmt_quote(struct mgmt_quoted *q, const char *s);

#endif /* APP_MGMT_REPLY_H */
