/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MQTT 3.1.1 publisher on lwIP's raw API (OASIS MQTT 3.1.1: 2.2 fixed
 * header, 3.1 CONNECT, 3.2 CONNACK, 3.3 PUBLISH, 3.12 PINGREQ, 3.14
 * DISCONNECT). fw_mqtt_tick() drives connect and back-off from the main
 * loop; lwIP calls fw_mqtt_connected/recv/err. A packet is written only when
 * lwIP's send buffer takes all of it, so the stream never holds half a packet.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lwip/tcp.h"

#include "fw_mqtt.h"

#define FW_MQTT_RETRY_MIN_MS   250
#define FW_MQTT_RETRY_MAX_MS   30000
#define FW_MQTT_CONNECT_TO_MS  10000
#define FW_MQTT_PKT_CONNECT    0x10
#define FW_MQTT_PKT_CONNACK    0x20
#define FW_MQTT_PKT_PUBLISH    0x30
#define FW_MQTT_RETAIN         0x01
#define FW_MQTT_PKT_PINGREQ    0xc0
#define FW_MQTT_PKT_DISCONNECT 0xe0
#define FW_MQTT_F_CLEAN        0x02
#define FW_MQTT_F_WILL         0x04
#define FW_MQTT_F_WILL_RETAIN  0x20
#define FW_MQTT_F_PASSWORD     0x40
#define FW_MQTT_F_USERNAME     0x80

static void
fw_mqtt_set_err(char *err, size_t err_len, const char *msg)
{
	if (err != NULL && err_len > 0)
		snprintf(err, err_len, "mqtt: %s", msg);
}

int
fw_mqtt_init(struct fw_mqtt *m, const struct fp_cfg_mqtt *cfg, const char *node, char *err,
		size_t err_len)
{
	int n;

	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	m->retry_ms = FW_MQTT_RETRY_MIN_MS;
	if (!ipaddr_aton(cfg->host, &m->broker) || !IP_IS_V4(&m->broker)) {
		fw_mqtt_set_err(err, err_len,
				"host must be an IPv4 address (no DNS on the firmware)");
		return -EINVAL;
	}
	if (cfg->tls_ca[0] != '\0') {
		fw_mqtt_set_err(err, err_len, "TLS is not supported by the firmware");
		return -EINVAL;
	}
	if (cfg->client_id[0] != '\0')
		n = snprintf(m->client_id, sizeof(m->client_id), "%s", cfg->client_id);
	else
		n = snprintf(m->client_id, sizeof(m->client_id), "fastpath-%s", node);
	if (n < 0 || (size_t)n >= sizeof(m->client_id))
		goto out_long;
	n = snprintf(m->topic_stats, sizeof(m->topic_stats), "%s/%s/stats", cfg->topic_prefix,
			node);
	if (n < 0 || (size_t)n >= sizeof(m->topic_stats))
		goto out_long;
	n = snprintf(m->topic_status, sizeof(m->topic_status), "%s/%s/status", cfg->topic_prefix,
			node);
	if (n < 0 || (size_t)n >= sizeof(m->topic_status))
		goto out_long;
	return 0;

out_long:
	fw_mqtt_set_err(err, err_len, "client id or topic too long");
	return -EINVAL;
}

static void
fw_mqtt_schedule_retry(struct fw_mqtt *m)
{
	m->state = FW_MQTT_IDLE;
	m->pcb = NULL;
	m->retry_at_ms = m->now_ms + m->retry_ms;
	m->retry_ms = m->retry_ms >= FW_MQTT_RETRY_MAX_MS / 2 ? FW_MQTT_RETRY_MAX_MS :
								m->retry_ms * 2;
}

static void
fw_mqtt_detach(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_err(pcb, NULL);
}

/*
 * Give up on this connection; a new attempt follows after back-off.
 * @return ERR_ABRT if the pcb was aborted (a callback must return that), else ERR_OK
 */
static err_t
fw_mqtt_drop_conn(struct fw_mqtt *m, int abort)
{
	struct tcp_pcb *pcb = m->pcb;
	err_t ret = ERR_OK;

	if (pcb != NULL) {
		fw_mqtt_detach(pcb);
		if (abort || tcp_close(pcb) != ERR_OK) {
			tcp_abort(pcb);
			ret = ERR_ABRT;
		}
	}
	fw_mqtt_schedule_retry(m);
	return ret;
}

/*
 * Write one packet (a, then b) only if lwIP takes all of it now.
 * @return 0, -ENOBUFS (nothing written), or -EIO (connection aborted)
 */
static int
fw_mqtt_write(struct fw_mqtt *m, const void *a, size_t alen, const void *b, size_t blen)
{
	struct tcp_pcb *pcb = m->pcb;

	if (alen + blen > tcp_sndbuf(pcb) || tcp_sndqueuelen(pcb) + 2 > TCP_SND_QUEUELEN ||
			alen > 0xffff || blen > 0xffff)
		return -ENOBUFS;
	if (tcp_write(pcb, a, (u16_t)alen,
			    TCP_WRITE_FLAG_COPY | (blen ? TCP_WRITE_FLAG_MORE : 0)) != ERR_OK)
		return -ENOBUFS;
	if (blen != 0 && tcp_write(pcb, b, (u16_t)blen, TCP_WRITE_FLAG_COPY) != ERR_OK) {
		/* Half a packet is queued: the stream is unusable. */
		fw_mqtt_drop_conn(m, 1);
		return -EIO;
	}
	tcp_output(pcb);
	m->last_tx_ms = m->now_ms;
	return 0;
}

/* Fixed header: type byte + remaining length (2.2.3). @return bytes written */
static size_t
fw_mqtt_fixed_header(uint8_t *b, uint8_t type, uint32_t remaining)
{
	size_t n = 0;

	b[n++] = type;
	do {
		uint8_t digit = remaining & 0x7f;

		remaining >>= 7;
		b[n++] = remaining ? (uint8_t)(digit | 0x80) : digit;
	} while (remaining != 0);
	return n;
}

static size_t
fw_mqtt_put_str(uint8_t *b, const char *s, size_t len)
{
	b[0] = (uint8_t)(len >> 8);
	b[1] = (uint8_t)len;
	memcpy(b + 2, s, len);
	return 2 + len;
}

/* PUBLISH at QoS 0 (3.3): header and topic in one write, payload in a second. */
static int
fw_mqtt_publish(struct fw_mqtt *m, const char *topic, const void *payload, size_t len, int retain)
{
	uint8_t hdr[5 + 2 + FW_MQTT_TOPIC_MAX];
	size_t tlen = strlen(topic);
	size_t n = fw_mqtt_fixed_header(hdr, FW_MQTT_PKT_PUBLISH | (retain ? FW_MQTT_RETAIN : 0),
			(uint32_t)(2 + tlen + len));

	n += fw_mqtt_put_str(hdr + n, topic, tlen);
	return fw_mqtt_write(m, hdr, n, payload, len);
}

static int
fw_mqtt_send_connect(struct fw_mqtt *m)
{
	const struct fp_cfg_mqtt *cfg = m->cfg;
	uint8_t body[10 + 5 * (2 + FP_CFG_STR_MAX) + FW_MQTT_TOPIC_MAX];
	uint8_t hdr[5];
	size_t n = 0, hn;
	uint8_t flags = FW_MQTT_F_CLEAN | FW_MQTT_F_WILL | FW_MQTT_F_WILL_RETAIN;

	if (cfg->username[0] != '\0')
		flags |= FW_MQTT_F_USERNAME;
	if (cfg->password[0] != '\0')
		flags |= FW_MQTT_F_PASSWORD;
	n += fw_mqtt_put_str(body + n, "MQTT", 4);
	body[n++] = 4; /* protocol level: 3.1.1 */
	body[n++] = flags;
	body[n++] = (uint8_t)(cfg->keepalive_s >> 8);
	body[n++] = (uint8_t)cfg->keepalive_s;
	n += fw_mqtt_put_str(body + n, m->client_id, strlen(m->client_id));
	n += fw_mqtt_put_str(body + n, m->topic_status, strlen(m->topic_status));
	n += fw_mqtt_put_str(body + n, "offline", 7);
	if (flags & FW_MQTT_F_USERNAME)
		n += fw_mqtt_put_str(body + n, cfg->username, strlen(cfg->username));
	if (flags & FW_MQTT_F_PASSWORD)
		n += fw_mqtt_put_str(body + n, cfg->password, strlen(cfg->password));
	hn = fw_mqtt_fixed_header(hdr, FW_MQTT_PKT_CONNECT, (uint32_t)n);
	return fw_mqtt_write(m, hdr, hn, body, n);
}

static err_t
fw_mqtt_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct fw_mqtt *m = arg;

	LWIP_UNUSED_ARG(pcb);
	if (err != ERR_OK || fw_mqtt_send_connect(m) != 0) {
		if (m->pcb != NULL)
			fw_mqtt_drop_conn(m, 1);
		return ERR_ABRT;
	}
	m->state = FW_MQTT_CONNACK;
	return ERR_OK;
}

/* Feed one received byte. @return 1 when a packet is complete, -1 on garbage */
static int
fw_mqtt_rx_byte(struct fw_mqtt *m, uint8_t c)
{
	switch (m->rx_phase) {
	case 0:
		m->rx_type = c;
		m->rx_left = 0;
		m->rx_shift = 0;
		m->rx_got = 0;
		m->rx_phase = 1;
		return 0;
	case 1:
		m->rx_left |= (uint32_t)(c & 0x7f) << m->rx_shift;
		m->rx_shift += 7;
		if (c & 0x80)
			return m->rx_shift >= 28 ? -1 : 0;
		m->rx_phase = m->rx_left ? 2 : 0;
		return m->rx_left ? 0 : 1;
	default:
		if (m->rx_got < sizeof(m->rx_body))
			m->rx_body[m->rx_got] = c;
		m->rx_got++;
		if (--m->rx_left != 0)
			return 0;
		m->rx_phase = 0;
		return 1;
	}
}

static err_t
fw_mqtt_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct fw_mqtt *m = arg;
	int connack_rc = -1, bad = 0;

	if (p == NULL || err != ERR_OK) {
		if (p != NULL)
			pbuf_free(p);
		return fw_mqtt_drop_conn(m, 0); /* the broker closed */
	}
	for (struct pbuf *q = p; q != NULL && !bad; q = q->next) {
		const uint8_t *b = q->payload;

		for (u16_t i = 0; i < q->len; i++) {
			int r = fw_mqtt_rx_byte(m, b[i]);

			if (r < 0) {
				bad = 1;
				break;
			}
			if (r == 1 && (m->rx_type & 0xf0) == FW_MQTT_PKT_CONNACK && m->rx_got >= 2)
				connack_rc = m->rx_body[1];
		}
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	if (bad || (connack_rc > 0)) {
		fw_mqtt_drop_conn(m, 1); /* garbage, or the broker refused us (3.2.2.3) */
		return ERR_ABRT;
	}
	if (connack_rc == 0 && m->state == FW_MQTT_CONNACK) {
		m->state = FW_MQTT_UP;
		m->retry_ms = FW_MQTT_RETRY_MIN_MS;
		m->connects++;
		if (fw_mqtt_publish(m, m->topic_status, "online", 6, 1) == -EIO)
			return ERR_ABRT;
	}
	return ERR_OK;
}

/* lwIP freed the pcb (RST, or the connection attempt failed). */
static void
fw_mqtt_err(void *arg, err_t err)
{
	struct fw_mqtt *m = arg;

	LWIP_UNUSED_ARG(err);
	if (m != NULL && m->state != FW_MQTT_STOPPED)
		fw_mqtt_schedule_retry(m);
}

static void
fw_mqtt_connect(struct fw_mqtt *m)
{
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);

	if (pcb == NULL) {
		fw_mqtt_schedule_retry(m);
		return;
	}
	m->rx_phase = 0;
	m->pcb = pcb;
	m->state = FW_MQTT_CONNECTING;
	m->last_tx_ms = m->now_ms;
	tcp_arg(pcb, m);
	tcp_recv(pcb, fw_mqtt_recv);
	tcp_err(pcb, fw_mqtt_err);
	if (tcp_connect(pcb, &m->broker, m->cfg->port, fw_mqtt_connected) != ERR_OK)
		fw_mqtt_drop_conn(m, 1);
}

void
fw_mqtt_tick(struct fw_mqtt *m, uint32_t now_ms)
{
	static const uint8_t pingreq[2] = {FW_MQTT_PKT_PINGREQ, 0};
	uint32_t keepalive_ms = (uint32_t)m->cfg->keepalive_s * 1000u;

	m->now_ms = now_ms;
	switch ((enum fw_mqtt_state)m->state) {
	case FW_MQTT_IDLE:
		if ((int32_t)(now_ms - m->retry_at_ms) >= 0)
			fw_mqtt_connect(m);
		break;
	case FW_MQTT_CONNECTING:
	case FW_MQTT_CONNACK:
		if (now_ms - m->last_tx_ms >= FW_MQTT_CONNECT_TO_MS)
			fw_mqtt_drop_conn(m, 1);
		break;
	case FW_MQTT_UP:
		/* 3.1.2.10: something must reach the broker within keepalive. */
		if (keepalive_ms != 0 && now_ms - m->last_tx_ms >= keepalive_ms / 2)
			fw_mqtt_write(m, pingreq, sizeof(pingreq), NULL, 0);
		break;
	case FW_MQTT_STOPPED:
		break;
	}
}

int
fw_mqtt_publish_stats(struct fw_mqtt *m, const char *doc, size_t len)
{
	int rc;

	if (m->state != FW_MQTT_UP) {
		m->dropped++;
		return -ENOTCONN;
	}
	rc = fw_mqtt_publish(m, m->topic_stats, doc, len, 0);
	if (rc != 0) {
		m->dropped++;
		return rc == -EIO ? -ENOTCONN : rc;
	}
	m->published++;
	return 0;
}

void
fw_mqtt_stop(struct fw_mqtt *m)
{
	static const uint8_t disconnect[2] = {FW_MQTT_PKT_DISCONNECT, 0};

	if (m->state == FW_MQTT_UP && fw_mqtt_publish(m, m->topic_status, "offline", 7, 1) == 0)
		fw_mqtt_write(m, disconnect, sizeof(disconnect), NULL, 0);
	if (m->pcb != NULL)
		fw_mqtt_drop_conn(m, 0);
	m->state = FW_MQTT_STOPPED;
}
