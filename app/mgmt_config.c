/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "config" and "set" commands (mgmt_config.h): the running
 * configuration shown, listed, compared with its file and changed. A change is checked by
 * lib/cfg as a file line would be, committed to app->cfg, applied on the
 * management loop (the log level; the MQTT client follows its period in
 * app->cfg by itself) and posted to every worker as one APP_REQ_SETTINGS
 * carrying all their live settings; the reply waits for their answers (a
 * job on the heap, freed when the last one came back). The file itself is
 * never written.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fp/cfg.h"
#include "fp/tlm.h"

#include "app.h"
#include "lcore.h"
#include "log.h"
#include "mgmt_config.h"
#include "mgmt_int.h"
#include "mgmt_reply.h"
#include "req.h"

#define CONFIG_ERR_MAX   320
#define CONFIG_VALUE_MAX 520 /* a value as config text: a quoted path at worst */
#define HIDDEN           "(hidden)"

/* The broker password stays in the appliance: shown as "(hidden)" when set. */
static bool
is_secret(const char *key)
{
	return strcmp(key, "mqtt.password") == 0;
}

static const char *
shown(const char *key, const char *value)
{
	return is_secret(key) && value[0] != '\0' ? HIDDEN : value;
}

/* ---------------------------------------------------------------- get */

struct text_ctx {
	const char *path;
	const char *text;
};

static void
build_text(struct fp_tlm_json *j, void *arg)
{
	const struct text_ctx *tc = arg;

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_kv_str(j, "path", tc->path);
	fp_tlm_json_kv_str(j, "text", tc->text);
	fp_tlm_json_obj_end(j);
}

static int
config_get(struct mgmt *m, struct mgmt_buf *out)
{
	struct fp_cfg *shown = malloc(sizeof(*shown));
	size_t cap = 16384;
	char *text = NULL;
	int n = -ENOSPC;

	if (shown == NULL)
		return mgmt_reply_errorf(out, "%s", "out of memory");
	*shown = m->app->cfg;
	if (shown->mqtt.password[0])
		snprintf(shown->mqtt.password, sizeof(shown->mqtt.password), HIDDEN);
	while (n == -ENOSPC && cap <= 1024 * 1024) {
		char *p = realloc(text, cap);

		if (p == NULL)
			break;
		text = p;
		n = fp_cfg_format(shown, text, cap);
		cap *= 2;
	}
	free(shown);
	if (n < 0) {
		free(text);
		return mgmt_reply_errorf(out, "%s", "cannot format the configuration");
	}
	struct text_ctx tc = {.path = m->app->cfg_path, .text = text};

	mgmt_reply(out, build_text, &tc);
	free(text);
	return 0;
}

/* --------------------------------------------------------- keys, diff */

struct items_ctx {
	struct fp_tlm_json *j;
	const struct fp_cfg *a, *b; /* b: the file, for diff; NULL for keys */
	const char *path;
};

static void
json_item(void *arg, const struct fp_cfg_item *it)
{
	struct items_ctx *ic = arg;

	fp_tlm_json_obj_begin(ic->j);
	fp_tlm_json_kv_str(ic->j, "key", it->key);
	if (it->other != NULL) {
		fp_tlm_json_kv_str(ic->j, "running", shown(it->key, it->value));
		fp_tlm_json_kv_str(ic->j, "file", shown(it->key, it->other));
	} else {
		fp_tlm_json_kv_str(ic->j, "value", shown(it->key, it->value));
	}
	fp_tlm_json_kv_bool(ic->j, "live", it->live);
	if (!it->live)
		fp_tlm_json_kv_str(ic->j, "restart", it->restart);
	fp_tlm_json_obj_end(ic->j);
}

static void
build_items(struct fp_tlm_json *j, void *arg)
{
	struct items_ctx *ic = arg;

	ic->j = j;
	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	if (ic->b != NULL) {
		fp_tlm_json_kv_str(j, "path", ic->path);
		fp_tlm_json_key(j, "changes");
		fp_tlm_json_arr_begin(j);
		fp_cfg_diff(ic->a, ic->b, json_item, ic);
	} else {
		fp_tlm_json_key(j, "keys");
		fp_tlm_json_arr_begin(j);
		fp_cfg_each(ic->a, json_item, ic);
	}
	fp_tlm_json_arr_end(j);
	fp_tlm_json_obj_end(j);
}

static int
config_keys(struct mgmt *m, struct mgmt_buf *out)
{
	struct items_ctx ic = {.a = &m->app->cfg};

	return mgmt_reply(out, build_items, &ic);
}

/* What the appliance runs with against what its file says now. */
static int
config_diff(struct mgmt *m, struct mgmt_buf *out)
{
	struct fp_cfg *file = malloc(sizeof(*file));
	char err[CONFIG_ERR_MAX];
	int rc;

	if (file == NULL)
		return mgmt_reply_errorf(out, "%s", "out of memory");
	rc = fp_cfg_load(file, m->app->cfg_path, err, sizeof(err));
	if (rc == 0) {
		struct items_ctx ic = {.a = &m->app->cfg, .b = file, .path = m->app->cfg_path};

		mgmt_reply(out, build_items, &ic);
	} else {
		mgmt_reply_errorf(out, "config diff: the file does not load: %s", err);
	}
	free(file);
	return 0;
}

/* ---------------------------------------------------------------- set */

/* One key's value as config text, from fp_cfg_each(). */
struct value_ctx {
	const char *key;
	char *buf;
};

static void
value_of_item(void *arg, const struct fp_cfg_item *it)
{
	struct value_ctx *vc = arg;

	if (strcmp(it->key, vc->key) == 0)
		snprintf(vc->buf, CONFIG_VALUE_MAX, "%s", it->value);
}

static void
value_of(const struct fp_cfg *cfg, const char *key, char *buf)
{
	struct value_ctx vc = {key, buf};

	buf[0] = '\0';
	fp_cfg_each(cfg, value_of_item, &vc);
}

/* What every worker uses of the configuration, for APP_REQ_SETTINGS. */
static void
worker_settings(const struct fp_cfg *cfg, struct app_req_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->tcp = cfg->tcp;
	s->idle = cfg->dpdk.idle;
}

/* Make next the running configuration and apply what the management loop owns. */
static void
commit(struct mgmt *m, const struct fp_cfg *next)
{
	struct app *app = m->app;
	bool log = app->cfg.log.level != next->log.level;

	/* The MQTT client reads its period from app->cfg (within a second). */
	app->cfg = *next;
	if (log)
		app_log_apply(app);
}

/* A set in progress: the workers' answers still to come. */
struct set_job {
	struct mgmt *m;
	mgmt_reply_fn done;
	void *arg;
	char key[FP_TLM_REQ_STR_MAX];
	char value[CONFIG_VALUE_MAX];
	char old[CONFIG_VALUE_MAX];
	unsigned n_workers; /**< asked, or failed to be */
	unsigned pending;   /**< posted, answer not back */
	unsigned took;      /**< answered 0 */
	unsigned failed;    /**< could not be posted, or answered an error */
	int first_error;
	struct app_req reqs[]; /**< one per worker */
};

static void
build_set(struct fp_tlm_json *j, void *arg)
{
	const struct set_job *job = arg;

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_kv_str(j, "key", job->key);
	fp_tlm_json_kv_str(j, "value", shown(job->key, job->value));
	fp_tlm_json_kv_str(j, "old", shown(job->key, job->old));
	fp_tlm_json_kv_u64(j, "workers", job->took);
	fp_tlm_json_obj_end(j);
}

struct refusal {
	const char *error;
	const char *reason;
};

/* The reply's "reason" for fp_cfg_set()'s return. */
static const char *
refusal_reason(int rc)
{
	switch (rc) {
	case -ENOENT:
		return "unknown";
	case -EPERM:
		return "restart";
	case -EINVAL:
		return "invalid";
	default:
		return "error";
	}
}

static void
build_refusal(struct fp_tlm_json *j, void *arg)
{
	const struct refusal *r = arg;

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 0);
	fp_tlm_json_kv_str(j, "error", r->error);
	fp_tlm_json_kv_str(j, "reason", r->reason);
	fp_tlm_json_obj_end(j);
}

static void
set_finish(struct set_job *job)
{
	struct mgmt_buf out = {0};

	if (job->failed == 0) {
		mgmt_reply(&out, build_set, job);
	} else {
		char msg[CONFIG_ERR_MAX + 2 * CONFIG_VALUE_MAX];
		struct refusal r = {msg, "workers"};

		/* The running configuration has the value; the workers that did not
		 * take it get it with the next set, which carries every setting. */
		snprintf(msg, sizeof(msg),
				"config set: %s = %s is the running value, but %u of %u workers "
				"did not take it (%s); set it again",
				job->key, job->value, job->failed, job->n_workers,
				strerror(-job->first_error));
		mgmt_reply(&out, build_refusal, &r);
	}
	job->done(job->arg, &out);
	mgmt_buf_free(&out);
	free(job);
}

static void
set_worker_done(struct app_req *req)
{
	struct set_job *job = req->arg;

	if (req->result == 0) {
		job->took++;
	} else {
		if (job->failed++ == 0)
			job->first_error = req->result;
	}
	if (--job->pending == 0)
		set_finish(job);
}

static void
post_settings(struct set_job *job)
{
	struct app *app = job->m->app;
	struct app_req_settings s;

	worker_settings(&app->cfg, &s);
	job->n_workers = app->n_workers;
	for (unsigned i = 0; i < app->n_workers; i++) {
		struct app_req *req = &job->reqs[i];
		int rc;

		req->kind = APP_REQ_SETTINGS;
		req->done = set_worker_done;
		req->arg = job;
		req->settings = s;
		rc = app_req_post(&job->m->replies, &app->workers[i]->inbox, req);
		if (rc == 0) {
			job->pending++;
		} else if (job->failed++ == 0) {
			job->first_error = rc;
		}
	}
	if (job->pending == 0)
		set_finish(job);
}

/* The value as text: a JSON string as it is, an integer in decimal. @return 0 or -EINVAL */
static int
value_text(const struct fp_tlm_req *req, char *buf, size_t len)
{
	const struct fp_tlm_field *f = fp_tlm_req_get(req, "value");

	if (f != NULL && f->type == FP_TLM_VAL_STR) {
		snprintf(buf, len, "%s", f->str);
		return 0;
	}
	if (f != NULL && f->type == FP_TLM_VAL_INT) {
		snprintf(buf, len, "%" PRId64, f->num);
		return 0;
	}
	return -EINVAL;
}

/* fp_cfg_set() on a copy of the running configuration, with the refusal reply. */
static struct fp_cfg *
checked_copy(struct mgmt *m, const char *key, const char *value, char *err, size_t err_len, int *rc)
{
	struct fp_cfg *next = malloc(sizeof(*next));

	if (next == NULL) {
		snprintf(err, err_len, "out of memory");
		*rc = -ENOMEM;
		return NULL;
	}
	*next = m->app->cfg;
	*rc = fp_cfg_set(next, key, value, "config set", err, err_len);
	if (*rc != 0) {
		free(next);
		return NULL;
	}
	return next;
}

int
mgmt_config_set(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out,
		mgmt_reply_fn done, void *arg)
{
	const char *key = fp_tlm_req_str(req, "key");
	char value[FP_TLM_REQ_STR_MAX], err[CONFIG_ERR_MAX];
	struct fp_cfg *next;
	struct set_job *job;
	int rc;

	if (key == NULL || value_text(req, value, sizeof(value)) != 0) {
		mgmt_reply_errorf(out, "%s",
				"config set: \"key\" (section.key, a string) and \"value\" (a "
				"string or an integer) are required");
		return -EINVAL;
	}
	next = checked_copy(m, key, value, err, sizeof(err), &rc);
	if (next == NULL) {
		struct refusal r = {err, refusal_reason(rc)};

		mgmt_reply(out, build_refusal, &r);
		return rc;
	}
	job = calloc(1, sizeof(*job) + m->app->n_workers * sizeof(job->reqs[0]));
	if (job == NULL) {
		free(next);
		mgmt_reply_error(out, "out of memory");
		return -ENOMEM;
	}
	job->m = m;
	job->done = done;
	job->arg = arg;
	snprintf(job->key, sizeof(job->key), "%s", key);
	value_of(&m->app->cfg, key, job->old);
	value_of(next, key, job->value);
	MGMT_LOG(NOTICE, "config set %s = %s (was %s)", key, is_secret(key) ? HIDDEN : job->value,
			is_secret(key) ? HIDDEN : job->old);
	commit(m, next);
	free(next);
	/* Every set brings every worker up to date, whatever it changed: one
	 * that missed an earlier change takes it with this one. */
	post_settings(job);
	return 0;
}

int
mgmt_config_set_local(struct mgmt *m, const char *key, const char *value, char *err, size_t err_len)
{
	struct fp_cfg *next;
	int rc;

	next = checked_copy(m, key, value, err, err_len, &rc);
	if (next == NULL)
		return rc;
	/* Only for keys that no worker reads: nothing tells them. Configurations
	 * compare with memcmp (fp_cfg_defaults() zeroes the padding). */
	if (memcmp(&next->tcp, &m->app->cfg.tcp, sizeof(next->tcp)) != 0 ||
			next->dpdk.idle != m->app->cfg.dpdk.idle) {
		free(next);
		snprintf(err, err_len, "%s: the workers use it: use config set", key);
		return -EINVAL;
	}
	commit(m, next);
	free(next);
	return 0;
}

int
mgmt_config_cmd(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out)
{
	const char *op = fp_tlm_req_str(req, "op");
	struct mgmt_quoted q;

	if (op == NULL || strcmp(op, "get") == 0)
		return config_get(m, out);
	if (strcmp(op, "keys") == 0)
		return config_keys(m, out);
	if (strcmp(op, "diff") == 0)
		return config_diff(m, out);
	if (strcmp(op, "set") == 0)
		return mgmt_reply_errorf(out, "%s",
				"config: a change is its own command: {\"cmd\":\"set\",\"key\":...,"
				"\"value\":...}");
	return mgmt_reply_errorf(out, "config: unknown op '%s' (get, keys, diff)", mgmt_quote(&q, op));
}
