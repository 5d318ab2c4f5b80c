/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MQTT telemetry on the management loop (app/mqtt.h). libmosquitto is used
 * without its own thread: a uv_poll on mosquitto_socket() calls
 * mosquitto_loop_read/write, a 1 s timer calls mosquitto_loop_misc (keepalive),
 * connects are non-blocking (mosquitto_connect_async), and a lost broker means
 * a reconnect timer with exponential back-off. Memory stays bounded while the
 * broker is slow or away: a stats document is only handed to the library when
 * connected and fewer than MQTT_MAX_INFLIGHT are unsent; otherwise it is
 * dropped and counted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <rte_log.h>

#include "fp/tlm.h"

#include "log.h"
#include "mgmt_cmd.h"
#include "mgmt_int.h"
#include "mgmt_reply.h"
#include "mqtt.h"

#ifdef FP_HAVE_MQTT

#include <mosquitto.h>

#define MQTT_MAX_INFLIGHT       8 /**< stats documents queued in libmosquitto */
#define MQTT_MAX_PENDING        4 /**< commands being answered at once (a flow listing takes a while) */
#define MQTT_BACKOFF_MIN_MS     250
#define MQTT_BACKOFF_MAX_MS     30000
#define MQTT_CONNECT_TIMEOUT_MS 10000 /**< TCP + CONNACK */
#define MQTT_MISC_MS            1000
#define MQTT_TOPIC_MAX          (2 * FP_CFG_STR_MAX + 16)
#define MQTT_DOC_MAX            (256 * 1024)

enum mqtt_state {
	MQTT_DOWN,       /**< no socket; the retry timer is armed */
	MQTT_CONNECTING, /**< socket open, waiting for CONNACK */
	MQTT_UP,         /**< session established */
	MQTT_STOPPED,
};

struct mqtt {
	struct mgmt *m;
	const struct fp_cfg_mqtt *cfg;
	struct mosquitto *mosq;
	enum mqtt_state state;
	uv_poll_t *poll; /**< on the current socket, NULL when none */
	int poll_fd;
	uv_timer_t misc_timer;
	uv_timer_t pub_timer;
	uv_timer_t retry_timer;
	uint64_t backoff_ms;
	uint64_t connecting_since; /**< uv_now() of the connect attempt */
	bool ever_connected;       /**< connect_async done once: later use reconnect_async */
	bool lost;                 /**< set by callbacks: the session ended */
	int inflight;              /**< publishes not yet written (QoS 0) or acknowledged */
	uint64_t seq;
	uint64_t refused_logged_ms; /**< uv_now() of the last refusal logged, 0 = none */
	char node[FP_CFG_STR_MAX];
	char client_id[FP_CFG_STR_MAX];
	char t_stats[MQTT_TOPIC_MAX];
	char t_status[MQTT_TOPIC_MAX];
	char t_cmd[MQTT_TOPIC_MAX];
	char t_reply[MQTT_TOPIC_MAX];
	char *doc; /**< stats document buffer, doc_cap bytes */
	size_t doc_cap;
	int pending;            /**< commands whose reply is still to come */
	int open_handles;       /**< timers not closed yet; freed at 0 with no command pending */
	struct mqtt_status *st; /**< = &m->mqtt_st, read by status */
};

static void schedule_retry(struct mqtt *mq);
static void poll_cb(uv_poll_t *p, int status, int events);
static void pub_cb(uv_timer_t *t);

static void
poll_close_cb(uv_handle_t *h)
{
	free(h);
}

/* Stop watching the socket; must happen before libmosquitto closes or reuses it. */
static void
detach_poll(struct mqtt *mq)
{
	if (mq->poll == NULL)
		return;
	uv_close((uv_handle_t *)mq->poll, poll_close_cb);
	mq->poll = NULL;
	mq->poll_fd = -1;
}

/* The session is gone (or never came up): clean up and try again later. */
static void
conn_lost(struct mqtt *mq, const char *why)
{
	if (mq->state == MQTT_STOPPED || mq->state == MQTT_DOWN)
		return;
	if (mq->state == MQTT_UP)
		MQTT_LOG(WARNING, "lost the broker (%s); reconnecting", why);
	else
		MQTT_LOG(INFO, "connect to %s:%u failed (%s); retry in %llu ms", mq->cfg->host,
				mq->cfg->port, why, (unsigned long long)mq->backoff_ms);
	detach_poll(mq);
	mosquitto_disconnect(mq->mosq); /* closes the socket if the library has not */
	mq->state = MQTT_DOWN;
	mq->st->connected = false;
	mq->inflight = 0;
	mq->lost = false;
	schedule_retry(mq);
}

static void
update_events(struct mqtt *mq)
{
	int events = UV_READABLE;

	if (mq->poll == NULL)
		return;
	if (mosquitto_want_write(mq->mosq))
		events |= UV_WRITABLE;
	uv_poll_start(mq->poll, events, poll_cb);
}

/* After any library call: notice a closed or replaced socket and flags set by callbacks. */
static void
after_call(struct mqtt *mq, int rc)
{
	if (mq->state == MQTT_STOPPED)
		return;
	if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN) {
		conn_lost(mq, mosquitto_strerror(rc));
		return;
	}
	if (mq->lost || rc == MOSQ_ERR_NO_CONN || mosquitto_socket(mq->mosq) != mq->poll_fd) {
		conn_lost(mq, "connection closed");
		return;
	}
	update_events(mq);
}

static void
poll_cb(uv_poll_t *p, int status, int events)
{
	struct mqtt *mq = p->data;
	int rc = MOSQ_ERR_SUCCESS;

	if (status < 0) {
		conn_lost(mq, uv_strerror(status));
		return;
	}
	if (events & (UV_READABLE | UV_DISCONNECT))
		rc = mosquitto_loop_read(mq->mosq, 1);
	if (rc == MOSQ_ERR_SUCCESS && !mq->lost && mq->poll == p && (events & UV_WRITABLE))
		rc = mosquitto_loop_write(mq->mosq, 1);
	if (mq->poll != p)
		return; /* a callback already replaced the poll */
	after_call(mq, rc);
}

static void
try_connect(struct mqtt *mq)
{
	int rc, fd;

	if (!mq->ever_connected)
		rc = mosquitto_connect_async(
				mq->mosq, mq->cfg->host, mq->cfg->port, mq->cfg->keepalive_s);
	else
		rc = mosquitto_reconnect_async(mq->mosq);
	mq->state = MQTT_CONNECTING;
	mq->connecting_since = uv_now(&mq->m->loop);
	fd = rc == MOSQ_ERR_SUCCESS ? mosquitto_socket(mq->mosq) : -1;
	if (fd < 0) {
		conn_lost(mq, rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		return;
	}
	mq->ever_connected = true;
	mq->poll = malloc(sizeof(*mq->poll));
	if (mq->poll == NULL || uv_poll_init(&mq->m->loop, mq->poll, fd) != 0) {
		free(mq->poll);
		mq->poll = NULL;
		conn_lost(mq, "uv_poll_init failed");
		return;
	}
	mq->poll->data = mq;
	mq->poll_fd = fd;
	uv_poll_start(mq->poll, UV_READABLE | UV_WRITABLE, poll_cb);
}

static void
retry_cb(uv_timer_t *t)
{
	struct mqtt *mq = t->data;

	if (mq->state == MQTT_DOWN)
		try_connect(mq);
}

static void
schedule_retry(struct mqtt *mq)
{
	uv_timer_start(&mq->retry_timer, retry_cb, mq->backoff_ms, 0);
	mq->backoff_ms *= 2;
	if (mq->backoff_ms > MQTT_BACKOFF_MAX_MS)
		mq->backoff_ms = MQTT_BACKOFF_MAX_MS;
}

static void
misc_cb(uv_timer_t *t)
{
	struct mqtt *mq = t->data;

	/* config set changes interval_ms in place: the period follows within a second. */
	if (uv_timer_get_repeat(&mq->pub_timer) != mq->cfg->interval_ms) {
		uv_timer_start(&mq->pub_timer, pub_cb, mq->cfg->interval_ms, mq->cfg->interval_ms);
		MQTT_LOG(INFO, "publishing every %u ms", mq->cfg->interval_ms);
	}

	if (mq->state == MQTT_CONNECTING &&
			uv_now(&mq->m->loop) - mq->connecting_since > MQTT_CONNECT_TIMEOUT_MS) {
		conn_lost(mq, "no CONNACK in time");
		return;
	}
	if (mq->state == MQTT_CONNECTING || mq->state == MQTT_UP)
		after_call(mq, mosquitto_loop_misc(mq->mosq));
}

static void
publish_stats(struct mqtt *mq)
{
	struct fp_tlm_doc doc;
	struct timeval tv;
	int n, rc, mid;

	if (mq->state != MQTT_UP || mq->inflight >= MQTT_MAX_INFLIGHT) {
		mq->st->dropped++;
		return;
	}
	mgmt_stats_doc(mq->m, &doc);
	gettimeofday(&tv, NULL);
	doc.node = mq->node;
	doc.time_ms = (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
	doc.seq = mq->seq;
	for (;;) {
		n = fp_tlm_stats_encode(&doc, mq->doc, mq->doc_cap);
		if (n != -ENOSPC || mq->doc_cap >= MQTT_DOC_MAX)
			break;
		char *p = realloc(mq->doc, mq->doc_cap * 2);

		if (p == NULL)
			break;
		mq->doc = p;
		mq->doc_cap *= 2;
	}
	if (n < 0) {
		mq->st->dropped++;
		return;
	}
	rc = mosquitto_publish(mq->mosq, &mid, mq->t_stats, n, mq->doc, mq->cfg->qos, false);
	if (rc != MOSQ_ERR_SUCCESS) {
		mq->st->dropped++;
		after_call(mq, rc);
		return;
	}
	mq->seq++;
	mq->inflight++;
	mq->st->published++;
	after_call(mq, rc);
}

static void
pub_cb(uv_timer_t *t)
{
	publish_stats(t->data);
}

/* libmosquitto callbacks run inside loop_read/loop_write: they only record. */

static void
on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	struct mqtt *mq = obj;

	if (rc != 0) {
		MQTT_LOG(WARNING, "broker refused the connection: %s",
				mosquitto_connack_string(rc));
		mq->lost = true;
		return;
	}
	mq->state = MQTT_UP;
	mq->st->connected = true;
	mq->backoff_ms = MQTT_BACKOFF_MIN_MS;
	mq->inflight = 0;
	mq->st->connects++;
	MQTT_LOG(INFO, "connected to %s:%u as %s", mq->cfg->host, mq->cfg->port, mq->client_id);
	/* every publish counts in inflight: on_publish cannot tell them apart */
	if (mosquitto_publish(mosq, NULL, mq->t_status, 6, "online", mq->cfg->qos, true) ==
			MOSQ_ERR_SUCCESS)
		mq->inflight++;
	if (mq->cfg->commands)
		mosquitto_subscribe(mosq, NULL, mq->t_cmd, mq->cfg->qos);
}

static void
on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	struct mqtt *mq = obj;

	(void)mosq;
	(void)rc;
	if (mq->state != MQTT_STOPPED)
		mq->lost = true;
}

static void
on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	struct mqtt *mq = obj;

	(void)mosq;
	(void)mid;
	if (mq->inflight > 0)
		mq->inflight--;
}

static void mqtt_release(struct mqtt *mq);

/* A command's reply, now or later: published on the reply topic while connected. */
static void
on_reply(void *arg, struct mgmt_buf *out)
{
	struct mqtt *mq = arg;

	mq->pending--;
	/* a flood of commands must not queue replies without bound */
	if (mq->state == MQTT_UP && out->p != NULL && mq->inflight < 4 * MQTT_MAX_INFLIGHT &&
			mosquitto_publish(mq->mosq, NULL, mq->t_reply, (int)out->len, out->p,
					mq->cfg->qos, false) == MOSQ_ERR_SUCCESS)
		mq->inflight++;
	if (mq->state == MQTT_STOPPED)
		mqtt_release(mq);
}

/* Someone tried what the config does not allow: say so, at most once a second. */
static void
log_refused(struct mqtt *mq)
{
	uint64_t now = uv_now(&mq->m->loop);

	mq->st->refused++;
	if (mq->refused_logged_ms != 0 && now - mq->refused_logged_ms < 1000)
		return;
	MQTT_LOG(WARNING, "refused a command on %s (%" PRIu64 " so far): not in commands_allow",
			mq->t_cmd, mq->st->refused);
	mq->refused_logged_ms = now;
}

static void
on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	struct mqtt *mq = obj;

	(void)mosq;
	if (strcmp(msg->topic, mq->t_cmd) != 0)
		return;
	mq->st->commands++;
	if (mq->pending >= MQTT_MAX_PENDING) {
		struct mgmt_buf out = {0};

		mgmt_reply_error(&out, "busy: too many commands in progress");
		mq->pending++;
		on_reply(mq, &out);
		mgmt_buf_free(&out);
		return;
	}
	mq->pending++;
	if (mgmt_cmd_exec(mq->m, msg->payload != NULL ? msg->payload : "",
			    msg->payloadlen > 0 ? (size_t)msg->payloadlen : 0, "mqtt",
			    mq->cfg->commands_allow, on_reply, mq) == -EPERM)
		log_refused(mq);
}

/* Which commands the cmd topic runs; the ones that write want an ACL on the broker. */
static void
log_commands(const struct mqtt *mq)
{
	char names[128];
	size_t n = 0;
	bool writes = false;

	names[0] = '\0';
	for (int i = 0; i < FP_TLM_CMD_COUNT && n < sizeof(names); i++) {
		if (!(mq->cfg->commands_allow & (1u << i)))
			continue;
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", n ? " " : "",
				fp_tlm_cmd_name((enum fp_tlm_cmd)i));
		writes |= !(FP_TLM_CMD_READ_ONLY & (1u << i));
	}
	if (writes)
		MQTT_LOG(WARNING,
				"%s runs commands that change the appliance (%s): whoever may "
				"publish there can use them, so the broker's ACL must restrict it",
				mq->t_cmd, names);
	else
		MQTT_LOG(INFO, "%s runs read-only commands: %s", mq->t_cmd, names);
}

static int
topic(char *dst, const struct mqtt *mq, const char *leaf)
{
	int n = snprintf(dst, MQTT_TOPIC_MAX, "%s/%s/%s", mq->cfg->topic_prefix, mq->node, leaf);

	return n > 0 && n < MQTT_TOPIC_MAX ? 0 : -ENAMETOOLONG;
}

static int
setup_client(struct mqtt *mq)
{
	const struct fp_cfg_mqtt *cfg = mq->cfg;
	int rc;

	mq->mosq = mosquitto_new(mq->client_id, true, mq);
	if (mq->mosq == NULL)
		return -ENOMEM;
	rc = mosquitto_will_set(mq->mosq, mq->t_status, 7, "offline", cfg->qos, true);
	if (rc == MOSQ_ERR_SUCCESS && cfg->username[0])
		rc = mosquitto_username_pw_set(
				mq->mosq, cfg->username, cfg->password[0] ? cfg->password : NULL);
	if (rc == MOSQ_ERR_SUCCESS && cfg->tls_ca[0])
		rc = mosquitto_tls_set(mq->mosq, cfg->tls_ca, NULL,
				cfg->tls_cert[0] ? cfg->tls_cert : NULL,
				cfg->tls_key[0] ? cfg->tls_key : NULL, NULL);
	if (rc == MOSQ_ERR_SUCCESS)
		mosquitto_int_option(mq->mosq, MOSQ_OPT_TCP_NODELAY, 1);
	if (rc != MOSQ_ERR_SUCCESS) {
		MQTT_LOG(ERR, "client setup: %s", mosquitto_strerror(rc));
		mosquitto_destroy(mq->mosq);
		mq->mosq = NULL;
		return -EINVAL;
	}
	mosquitto_connect_callback_set(mq->mosq, on_connect);
	mosquitto_disconnect_callback_set(mq->mosq, on_disconnect);
	mosquitto_publish_callback_set(mq->mosq, on_publish);
	mosquitto_message_callback_set(mq->mosq, on_message);
	return 0;
}

int
mqtt_start(struct mgmt *m)
{
	const struct fp_cfg_mqtt *cfg = &m->app->cfg.mqtt;
	struct mqtt *mq;
	int rc;

	if (!cfg->enabled)
		return 0;
	mq = calloc(1, sizeof(*mq));
	if (mq == NULL)
		return -ENOMEM;
	mq->m = m;
	mq->cfg = cfg;
	mq->poll_fd = -1;
	mq->backoff_ms = MQTT_BACKOFF_MIN_MS;
	mq->st = &m->mqtt_st;
	mq->st->enabled = true;
	if (cfg->node[0])
		snprintf(mq->node, sizeof(mq->node), "%s", cfg->node);
	else if (gethostname(mq->node, sizeof(mq->node) - 1) != 0 || mq->node[0] == '\0')
		snprintf(mq->node, sizeof(mq->node), "fastpath");
	if (cfg->client_id[0])
		snprintf(mq->client_id, sizeof(mq->client_id), "%s", cfg->client_id);
	else
		snprintf(mq->client_id, sizeof(mq->client_id), "fastpath-%.100s", mq->node);
	if (topic(mq->t_stats, mq, "stats") || topic(mq->t_status, mq, "status") ||
			topic(mq->t_cmd, mq, "cmd") || topic(mq->t_reply, mq, "reply")) {
		MQTT_LOG(ERR, "topic prefix and node name are too long");
		free(mq);
		return -ENAMETOOLONG;
	}
	mq->doc_cap = 16384;
	mq->doc = malloc(mq->doc_cap);
	if (mq->doc == NULL) {
		free(mq);
		return -ENOMEM;
	}
	mosquitto_lib_init();
	rc = setup_client(mq);
	if (rc != 0) {
		free(mq->doc);
		free(mq);
		mosquitto_lib_cleanup();
		return rc;
	}
	uv_timer_init(&m->loop, &mq->misc_timer);
	uv_timer_init(&m->loop, &mq->pub_timer);
	uv_timer_init(&m->loop, &mq->retry_timer);
	mq->misc_timer.data = mq->pub_timer.data = mq->retry_timer.data = mq;
	mq->open_handles = 3;
	uv_timer_start(&mq->misc_timer, misc_cb, MQTT_MISC_MS, MQTT_MISC_MS);
	uv_timer_start(&mq->pub_timer, pub_cb, cfg->interval_ms, cfg->interval_ms);
	mq->state = MQTT_DOWN;
	uv_timer_start(&mq->retry_timer, retry_cb, 0, 0);
	m->mqtt = mq;
	MQTT_LOG(INFO, "publishing to %s every %u ms via %s:%u", mq->t_stats, cfg->interval_ms,
			cfg->host, cfg->port);
	if (cfg->commands)
		log_commands(mq);
	return 0;
}

/* Free the client once its timers are closed and no command reply is due. */
static void
mqtt_release(struct mqtt *mq)
{
	if (mq->open_handles > 0 || mq->pending > 0)
		return;
	free(mq);
}

static void
timer_closed_cb(uv_handle_t *h)
{
	struct mqtt *mq = h->data;

	mq->open_handles--;
	mqtt_release(mq);
}

void
mqtt_stop(struct mgmt *m)
{
	struct mqtt *mq = m->mqtt;

	if (mq == NULL)
		return;
	if (mq->state == MQTT_UP) {
		/* a clean goodbye: the retained status says so, and no last will fires */
		mosquitto_publish(mq->mosq, NULL, mq->t_status, 7, "offline", mq->cfg->qos, true);
		for (int i = 0; i < 10 && mosquitto_want_write(mq->mosq); i++)
			if (mosquitto_loop_write(mq->mosq, 1) != MOSQ_ERR_SUCCESS)
				break;
		mosquitto_disconnect(mq->mosq);
		mosquitto_loop_write(mq->mosq, 1);
	}
	mq->state = MQTT_STOPPED;
	mq->st->connected = false;
	detach_poll(mq);
	uv_close((uv_handle_t *)&mq->misc_timer, timer_closed_cb);
	uv_close((uv_handle_t *)&mq->pub_timer, timer_closed_cb);
	uv_close((uv_handle_t *)&mq->retry_timer, timer_closed_cb);
	mosquitto_destroy(mq->mosq);
	mq->mosq = NULL;
	mosquitto_lib_cleanup();
	free(mq->doc);
	mq->doc = NULL;
	m->mqtt = NULL;
}

#else /* !FP_HAVE_MQTT */

int
mqtt_start(struct mgmt *m)
{
	if (m->app->cfg.mqtt.enabled) {
		MQTT_LOG(ERR, "mqtt is enabled in the config but this build has no libmosquitto");
		return -ENOTSUP;
	}
	return 0;
}

void
mqtt_stop(struct mgmt *m)
{
	(void)m;
}

#endif /* FP_HAVE_MQTT */
