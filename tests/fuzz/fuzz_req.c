/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the management request parser, fp_tlm_req_parse():
 * the first code every byte from the management socket or the MQTT cmd
 * topic meets. Built and run by tests/fuzz/run.sh; seeds in req/corpus/.
 *
 * The input is one request line as a client would send it. Checked on every
 * input (abort = crash report): the result is 0, -EINVAL or -E2BIG; a
 * rejection leaves no fields and names its reason; an accepted request has
 * at most FP_TLM_REQ_MAX_FIELDS fields with distinct NUL-terminated UTF-8
 * keys, values of a known type (strings UTF-8 without NUL, booleans 0/1), and
 * it survives a round trip: written back with the JSON writer (which must
 * produce UTF-8) and parsed again, it gives the same fields.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fp/tlm.h"
#include "fp/utf8.h"

#define CHECK(c)                 \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

/* Worst case: every byte of every key and value written as a 6-byte escape. */
#define REQ_JSON_MAX (FP_TLM_REQ_MAX_FIELDS * (FP_TLM_REQ_KEY_MAX + FP_TLM_REQ_STR_MAX + 32) * 6)

static void
check_field(const struct fp_tlm_req *req, uint32_t i)
{
	const struct fp_tlm_field *f = &req->f[i];
	size_t klen = strnlen(f->key, sizeof(f->key));

	CHECK(klen < sizeof(f->key) && fp_utf8_valid(f->key, klen));
	CHECK(fp_tlm_req_get(req, f->key) == f); /* keys are distinct */
	switch (f->type) {
	case FP_TLM_VAL_STR: {
		size_t slen = strnlen(f->str, sizeof(f->str));

		CHECK(slen < sizeof(f->str) && fp_utf8_valid(f->str, slen));
		CHECK(fp_tlm_req_str(req, f->key) == f->str);
		break;
	}
	case FP_TLM_VAL_BOOL:
		CHECK(f->num == 0 || f->num == 1);
		break;
	case FP_TLM_VAL_INT:
	case FP_TLM_VAL_NULL:
		break;
	default:
		CHECK(0);
	}
}

static int
write_back(const struct fp_tlm_req *req, char *buf, size_t cap)
{
	struct fp_tlm_json j;

	fp_tlm_json_init(&j, buf, cap);
	fp_tlm_json_obj_begin(&j);
	for (uint32_t i = 0; i < req->n; i++) {
		const struct fp_tlm_field *f = &req->f[i];

		fp_tlm_json_key(&j, f->key);
		if (f->type == FP_TLM_VAL_STR)
			fp_tlm_json_str(&j, f->str);
		else if (f->type == FP_TLM_VAL_INT)
			fp_tlm_json_i64(&j, f->num);
		else if (f->type == FP_TLM_VAL_BOOL)
			fp_tlm_json_bool(&j, (int)f->num);
		else
			fp_tlm_json_null(&j);
	}
	fp_tlm_json_obj_end(&j);
	return fp_tlm_json_finish(&j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fp_tlm_req req, again;
	static char json[REQ_JSON_MAX];
	const char *err = NULL;
	int rc, n;

	rc = fp_tlm_req_parse(&req, (const char *)data, size, &err);
	CHECK(rc == 0 || rc == -EINVAL || rc == -E2BIG);
	if (rc != 0) {
		CHECK(err != NULL && err[0] != '\0' && req.n == 0);
		return 0;
	}
	CHECK(err == NULL && req.n <= FP_TLM_REQ_MAX_FIELDS);
	for (uint32_t i = 0; i < req.n; i++)
		check_field(&req, i);

	n = write_back(&req, json, sizeof(json));
	CHECK(n > 0 && fp_utf8_valid(json, (size_t)n));
	CHECK(fp_tlm_req_parse(&again, json, (size_t)n, &err) == 0);
	CHECK(again.n == req.n);
	for (uint32_t i = 0; i < req.n; i++) {
		const struct fp_tlm_field *a = &req.f[i], *b = &again.f[i];

		CHECK(strcmp(a->key, b->key) == 0 && a->type == b->type);
		if (a->type == FP_TLM_VAL_STR)
			CHECK(strcmp(a->str, b->str) == 0);
		else if (a->type != FP_TLM_VAL_NULL)
			CHECK(a->num == b->num);
	}
	return 0;
}
