/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The firmware's MQTT telemetry on lwIP's client (lwip/apps/mqtt.h):
 * fw_mqtt_start() connects; lwIP reports the result to fw_mqtt_conn_cb(),
 * which publishes the retained "online" status or schedules a reconnect
 * with sys_timeout() (250 ms doubling to 30 s). lwIP's client keeps the
 * session alive (PINGREQ every keepalive) and queues each PUBLISH whole in
 * its output ring, or refuses it (ERR_MEM), which we count as a drop.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lwip/timeouts.h"

#include "fp/text.h"

#include "fw_mqtt.h"

#define FW_MQTT_RETRY_MIN_MS 250
#define FW_MQTT_RETRY_MAX_MS 30000

/* lwIP's CONNECT takes a will topic of at most 255 bytes. */
_Static_assert(FW_MQTT_TOPIC_MAX <= 256, "the status topic is the will topic");

static void fw_mqtt_connect(void *arg);

static void
fw_mqtt_set_err(char *err, size_t err_len, const char *msg)
{
	if (err != NULL && err_len > 0)
		snprintf(err, err_len, "mqtt: %s", msg);
}

static void
fw_mqtt_retry_later(struct fw_mqtt *m)
{
	if (m->stopped)
		return;
	sys_untimeout(fw_mqtt_connect, m); /* one pending attempt at most */
	sys_timeout(m->retry_ms, fw_mqtt_connect, m);
	m->retry_ms = m->retry_ms >= FW_MQTT_RETRY_MAX_MS / 2 ? FW_MQTT_RETRY_MAX_MS :
								m->retry_ms * 2;
}

static err_t
fw_mqtt_publish(struct fw_mqtt *m, const char *topic, const void *payload, size_t len, int retain)
{
	if (len > 0xffff)
		return ERR_VAL;
	return mqtt_publish(&m->client, topic, payload, (u16_t)len, m->cfg->qos, retain ? 1 : 0,
			NULL, NULL);
}

static void
fw_mqtt_conn_cb(mqtt_client_t *client, void *arg, mqtt_connection_status_t status)
{
	struct fw_mqtt *m = arg;

	LWIP_UNUSED_ARG(client);
	if (status == MQTT_CONNECT_ACCEPTED) {
		m->connects++;
		m->retry_ms = FW_MQTT_RETRY_MIN_MS;
		fw_mqtt_publish(m, m->topic_status, "online", 6, 1);
		return;
	}
	/*
	 * Refused (3.2.2.3), lost, or timed out. After a refusal lwIP keeps the
	 * TCP connection until the broker closes it; the retry closes it first.
	 */
	fw_mqtt_retry_later(m);
}

/* A connection attempt (from start, or a back-off timer). */
static void
fw_mqtt_connect(void *arg)
{
	struct fw_mqtt *m = arg;

	if (m->stopped)
		return;
	mqtt_disconnect(&m->client); /* no-op unless a refused session lingers */
	if (mqtt_client_connect(&m->client, &m->broker, m->cfg->port, fw_mqtt_conn_cb, m,
			    &m->info) != ERR_OK)
		fw_mqtt_retry_later(m);
}

/* Did snprintf's result n fit a buffer of size bytes? */
static int
fw_mqtt_fits(int n, size_t size)
{
	return n >= 0 && (size_t)n < size;
}

int
fw_mqtt_start(struct fw_mqtt *m, const struct fp_cfg_mqtt *cfg, const char *node, char *err,
		size_t err_len)
{
	const char *host = cfg->host;
	uint32_t broker;

	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	m->retry_ms = FW_MQTT_RETRY_MIN_MS;
	if (fp_text_parse_ip4(&host, &broker) != 0 || *host != '\0') {
		fw_mqtt_set_err(err, err_len,
				"host must be an IPv4 address (no DNS on the firmware)");
		return -EINVAL;
	}
	ip_addr_set_ip4_u32(&m->broker, lwip_htonl(broker));
	if (cfg->tls_ca[0] != '\0') {
		fw_mqtt_set_err(err, err_len, "TLS is not supported by the firmware");
		return -EINVAL;
	}
	if (!fw_mqtt_fits(cfg->client_id[0] != '\0' ? snprintf(m->client_id, sizeof(m->client_id),
								      "%s", cfg->client_id) :
						      snprintf(m->client_id, sizeof(m->client_id),
								      "fastpath-%s", node),
			    sizeof(m->client_id)) ||
			!fw_mqtt_fits(snprintf(m->topic_stats, sizeof(m->topic_stats),
						      "%s/%s/stats", cfg->topic_prefix, node),
					sizeof(m->topic_stats)) ||
			!fw_mqtt_fits(snprintf(m->topic_status, sizeof(m->topic_status),
						      "%s/%s/status", cfg->topic_prefix, node),
					sizeof(m->topic_status))) {
		fw_mqtt_set_err(err, err_len, "client id or topic too long");
		return -EINVAL;
	}
	m->info.client_id = m->client_id;
	m->info.client_user = cfg->username[0] != '\0' ? cfg->username : NULL;
	m->info.client_pass = cfg->password[0] != '\0' ? cfg->password : NULL;
	m->info.keep_alive = cfg->keepalive_s;
	m->info.will_topic = m->topic_status;
	m->info.will_msg = "offline";
	m->info.will_qos = cfg->qos;
	m->info.will_retain = 1;
	fw_mqtt_connect(m);
	return 0;
}

int
fw_mqtt_publish_stats(struct fw_mqtt *m, const char *doc, size_t len)
{
	if (!mqtt_client_is_connected(&m->client)) {
		m->dropped++;
		return -ENOTCONN;
	}
	if (fw_mqtt_publish(m, m->topic_stats, doc, len, 0) != ERR_OK) {
		m->dropped++;
		return -ENOBUFS;
	}
	m->published++;
	return 0;
}

void
fw_mqtt_stop(struct fw_mqtt *m)
{
	m->stopped = 1;
	sys_untimeout(fw_mqtt_connect, m);
	if (mqtt_client_is_connected(&m->client))
		fw_mqtt_publish(m, m->topic_status, "offline", 7, 1);
	mqtt_disconnect(&m->client);
}
