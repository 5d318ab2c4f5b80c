/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP echo on lwIP's raw API. lwIP calls, in the lwIP core context:
 *   fw_accept  -> a slot from the pool, or RST when max_flows are open
 *   fw_recv    -> pbuf chain into the flow's rxq, then fw_pump()
 *   fw_sent    -> send buffer space freed: fw_pump() again
 *   fw_poll    -> every FW_ECHO_POLL_TICKS: retry a stalled write or close,
 *                 abort idle flows
 *   fw_err     -> lwIP already freed the pcb: release the slot only
 * fw_pump() moves bytes rxq -> fp_echo_buf -> tcp_write, acknowledges them to
 * the peer's window with tcp_recved() only once tcp_write took them (so the
 * window is our backpressure), and closes after the peer's FIN once all of
 * its bytes are queued for sending.
 */
#include <errno.h>
#include <string.h>

#include "lwip/tcp.h"

#include "fw_echo.h"

static void
fw_set_flows_gauge(struct fw_echo *svc)
{
	fp_stats_set_flows_open(svc->stats, svc->n_open);
}

/* Return a slot to the pool; the pcb is gone or no longer ours. */
static void
fw_conn_release(struct fw_conn *c)
{
	struct fw_echo *svc = c->svc;

	if (c->rxq != NULL)
		pbuf_free(c->rxq);
	c->rxq = NULL;
	c->pcb = NULL;
	svc->n_open--;
	fw_set_flows_gauge(svc);
}

static err_t fw_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err);
static err_t fw_sent(void *arg, struct tcp_pcb *pcb, u16_t len);
static err_t fw_poll(void *arg, struct tcp_pcb *pcb);
static void fw_err(void *arg, err_t err);

static void
fw_conn_callbacks(struct fw_conn *c, int on)
{
	struct tcp_pcb *pcb = c->pcb;

	tcp_arg(pcb, on ? c : NULL);
	tcp_recv(pcb, on ? fw_recv : NULL);
	tcp_sent(pcb, on ? fw_sent : NULL);
	tcp_err(pcb, on ? fw_err : NULL);
	tcp_poll(pcb, on ? fw_poll : NULL, on ? FW_ECHO_POLL_TICKS : 0);
}

/*
 * Abort with RST. lwIP calls fw_err(ERR_ABRT) from inside tcp_abort(), which
 * releases the slot; the caller must return ERR_ABRT to lwIP.
 */
static err_t
fw_conn_abort(struct fw_conn *c)
{
	tcp_abort(c->pcb);
	return ERR_ABRT;
}

/*
 * Everything the peer sent is queued in lwIP: send our FIN (RFC 9293 3.6,
 * CLOSE-WAIT -> LAST-ACK). Callbacks are detached first because lwIP keeps
 * the pcb (LAST_ACK) after we let go of it. If lwIP has no memory for the
 * FIN, keep the flow and retry from fw_poll/fw_sent.
 */
static err_t
fw_conn_close(struct fw_conn *c)
{
	fw_conn_callbacks(c, 0);
	if (tcp_close(c->pcb) != ERR_OK) {
		fw_conn_callbacks(c, 1);
		return ERR_OK;
	}
	fp_stats_inc(c->svc->stats, FP_CTR_FLOWS_CLOSED);
	fw_conn_release(c);
	return ERR_OK;
}

/* Move bytes from the received pbuf chain into the echo buffer, as they fit. */
static void
fw_rxq_drain(struct fw_conn *c)
{
	uint32_t taken = 0;

	for (struct pbuf *q = c->rxq; q != NULL; q = q->next) {
		uint32_t n = fp_echo_buf_push(&c->buf, q->payload, q->len);

		taken += n;
		if (n < q->len)
			break;
	}
	/* rxq->tot_len <= 0xffff (fw_recv checks), so taken fits a u16. */
	c->rxq = pbuf_free_header(c->rxq, (u16_t)taken);
	if (c->rxq != NULL && c->rxq->tot_len == 0) {
		pbuf_free(c->rxq);
		c->rxq = NULL;
	}
}

/*
 * Hand buffered bytes to tcp_write while lwIP's send buffer and queue accept
 * them. @return 1 if anything was written, 0 if not, -1 if the flow was aborted.
 */
static int
fw_txq_write(struct fw_conn *c)
{
	struct tcp_pcb *pcb = c->pcb;
	int wrote = 0;

	while (fp_echo_buf_used(&c->buf) > 0) {
		const uint8_t *ptr;
		uint32_t n = fp_echo_buf_peek(&c->buf, 0, &ptr);
		uint32_t room = tcp_sndbuf(pcb);
		err_t err;

		if (room == 0 || tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN)
			break;
		if (n > room)
			n = room;
		if (n > 0xffff)
			n = 0xffff;
		err = tcp_write(pcb, ptr, (u16_t)n, TCP_WRITE_FLAG_COPY);
		if (err == ERR_MEM)
			break; /* partial: the rest waits for fw_sent / fw_poll */
		if (err != ERR_OK) {
			fw_conn_abort(c);
			return -1;
		}
		fp_echo_buf_consume(&c->buf, n);
		/* The bytes left our buffer: reopen the peer's window by as much. */
		tcp_recved(pcb, (u16_t)n);
		fp_stats_add(c->svc->stats, FP_CTR_TCP_BYTES_ECHOED, n);
		wrote = 1;
	}
	return wrote;
}

static err_t
fw_pump(struct fw_conn *c)
{
	int wrote = 0;

	for (;;) {
		int r;

		fw_rxq_drain(c);
		r = fw_txq_write(c);
		if (r < 0)
			return ERR_ABRT;
		wrote |= r;
		/* Writing freed echo-buffer space: go round if pbufs still wait. */
		if (r == 0 || c->rxq == NULL)
			break;
	}
	if (wrote)
		tcp_output(c->pcb);
	if (c->fin_rcvd && c->rxq == NULL && fp_echo_buf_used(&c->buf) == 0)
		return fw_conn_close(c);
	return ERR_OK;
}

static err_t
fw_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct fw_conn *c = arg;

	LWIP_UNUSED_ARG(pcb);
	if (p == NULL) {
		c->fin_rcvd = 1;
		return fw_pump(c);
	}
	if (err != ERR_OK) {
		pbuf_free(p);
		return ERR_OK;
	}
	/*
	 * pbuf tot_len is 16 bits: refuse rather than overflow it. lwIP keeps a
	 * refused pbuf and offers it again (next segment or its fast timer).
	 */
	if (c->rxq != NULL && (uint32_t)c->rxq->tot_len + p->tot_len > 0xffff)
		return ERR_MEM;
	c->idle_polls = 0;
	if (c->rxq != NULL)
		pbuf_cat(c->rxq, p);
	else
		c->rxq = p;
	return fw_pump(c);
}

static err_t
fw_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct fw_conn *c = arg;

	LWIP_UNUSED_ARG(pcb);
	LWIP_UNUSED_ARG(len);
	c->idle_polls = 0;
	return fw_pump(c);
}

static err_t
fw_poll(void *arg, struct tcp_pcb *pcb)
{
	struct fw_conn *c = arg;
	struct fw_echo *svc;

	LWIP_UNUSED_ARG(pcb);
	if (c == NULL)
		return ERR_OK;
	svc = c->svc;
	if (svc->idle_polls_max != 0 && ++c->idle_polls >= svc->idle_polls_max) {
		fp_stats_inc(svc->stats, FP_CTR_FLOWS_TIMED_OUT);
		return fw_conn_abort(c);
	}
	return fw_pump(c);
}

/* lwIP freed the pcb (RST received, or our own tcp_abort). */
static void
fw_err(void *arg, err_t err)
{
	struct fw_conn *c = arg;

	if (c == NULL)
		return;
	/* Our own aborts (ERR_ABRT) were counted where they were decided. */
	if (err != ERR_ABRT)
		fp_stats_inc(c->svc->stats, FP_CTR_FLOWS_RESET);
	c->pcb = NULL;
	fw_conn_release(c);
}

static err_t
fw_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct fw_echo *svc = arg;
	struct fw_conn *c = NULL;

	if (err != ERR_OK || newpcb == NULL)
		return ERR_VAL;
	tcp_backlog_accepted(newpcb);
	if (svc->n_open < svc->max_flows) {
		for (uint32_t i = 0; i < svc->max_flows; i++) {
			if (svc->conns[i].pcb == NULL) {
				c = &svc->conns[i];
				break;
			}
		}
	}
	if (c == NULL) {
		/*
		 * lwIP calls accept only after the handshake, so a refusal is an
		 * RST on an established connection.
		 */
		fp_stats_inc(svc->stats, FP_CTR_FLOWS_REFUSED);
		tcp_abort(newpcb);
		return ERR_ABRT;
	}
	c->pcb = newpcb;
	c->rxq = NULL;
	c->idle_polls = 0;
	c->fin_rcvd = 0;
	fp_echo_buf_reset(&c->buf);
	svc->n_open++;
	fp_stats_inc(svc->stats, FP_CTR_FLOWS_OPENED);
	fw_set_flows_gauge(svc);
	/* Echo is interactive: do not hold small replies back for an ACK. */
	tcp_nagle_disable(newpcb);
	fw_conn_callbacks(c, 1);
	return ERR_OK;
}

uint32_t
fw_echo_buf_size(const struct fp_cfg_tcp *cfg)
{
	uint32_t wnd = 1;

	while (wnd < TCP_WND)
		wnd <<= 1;
	return cfg->buffer_size < wnd ? cfg->buffer_size : wnd;
}

int
fw_echo_init(struct fw_echo *svc, struct fw_conn *conns, uint8_t *bufmem,
		const struct fp_cfg_tcp *cfg, struct fp_stats *stats)
{
	uint32_t poll_ms = FW_ECHO_POLL_TICKS * 500u;

	if (cfg->max_flows == 0)
		return -EINVAL;
	memset(svc, 0, sizeof(*svc));
	svc->conns = conns;
	svc->max_flows = cfg->max_flows;
	svc->buf_size = fw_echo_buf_size(cfg);
	svc->stats = stats;
	svc->idle_polls_max =
			(uint32_t)(((uint64_t)cfg->idle_timeout_s * 1000u + poll_ms - 1) / poll_ms);
	for (uint32_t i = 0; i < cfg->max_flows; i++) {
		struct fw_conn *c = &conns[i];

		memset(c, 0, sizeof(*c));
		c->svc = svc;
		if (fp_echo_buf_init(&c->buf, bufmem + (size_t)i * svc->buf_size, svc->buf_size) !=
				0)
			return -EINVAL;
	}
	return 0;
}

int
fw_echo_start(struct fw_echo *svc, const struct fp_cfg_tcp *cfg, const ip_addr_t *addr)
{
	int rc = 0;

	for (uint8_t i = 0; i < cfg->n_listen && i < FP_CFG_MAX_LISTEN; i++) {
		struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
		struct tcp_pcb *lpcb;

		if (pcb == NULL) {
			rc = -ENOMEM;
			goto out_close;
		}
		if (tcp_bind(pcb, addr, cfg->listen[i]) != ERR_OK) {
			tcp_close(pcb);
			rc = -EADDRINUSE;
			goto out_close;
		}
		lpcb = tcp_listen(pcb);
		if (lpcb == NULL) {
			tcp_close(pcb);
			rc = -ENOMEM;
			goto out_close;
		}
		tcp_arg(lpcb, svc);
		tcp_accept(lpcb, fw_accept);
		svc->listen[svc->n_listen++] = lpcb;
	}
	return 0;

out_close:
	fw_echo_stop(svc);
	return rc;
}

void
fw_echo_stop(struct fw_echo *svc)
{
	for (uint8_t i = 0; i < svc->n_listen; i++)
		tcp_close(svc->listen[i]);
	svc->n_listen = 0;
	for (uint32_t i = 0; i < svc->max_flows; i++) {
		if (svc->conns[i].pcb != NULL)
			tcp_abort(svc->conns[i].pcb); /* fw_err releases the slot */
	}
}
