/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The request path between the management thread and the workers (req.h):
 * an inbox ring per worker, one reply ring back, and a doorbell the workers
 * ring once per burst of answers. Posting and completing run on the
 * management loop; serving runs on a worker between its bursts.
 */
#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_ring.h>

#include "fp/assert.h"

#include "log.h"
#include "req.h"

int
app_req_inbox_init(struct app_req_inbox *in, unsigned lcore_id, int socket)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "fp_req_%u", lcore_id);
	/* One producer (the management thread), one consumer (the worker; after it stopped,
	 * the management thread cancelling what is left). */
	in->ring = rte_ring_create(name, APP_REQ_INBOX_SZ, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (in->ring == NULL) {
		APP_ERR("lcore %u: cannot create the request ring: %s", lcore_id,
				rte_strerror(rte_errno));
		return -ENOMEM;
	}
	__atomic_store_n(&in->open, 1, __ATOMIC_RELEASE);
	return 0;
}

void
app_req_inbox_fini(struct app_req_inbox *in)
{
	FP_ASSERT(in->ring == NULL || rte_ring_empty(in->ring));
	rte_ring_free(in->ring);
	in->ring = NULL;
}

void
app_req_inbox_close(struct app_req_inbox *in)
{
	__atomic_store_n(&in->open, 0, __ATOMIC_RELEASE);
}

int
app_req_replies_init(struct app_req_replies *r, app_req_wake_fn wake, void *wake_arg)
{
	/* Many producers (the workers), one consumer (the management loop). */
	r->ring = rte_ring_create(
			"fp_req_replies", APP_REQ_REPLIES_SZ, SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (r->ring == NULL) {
		APP_ERR("cannot create the reply ring: %s", rte_strerror(rte_errno));
		return -ENOMEM;
	}
	r->wake = wake;
	r->wake_arg = wake_arg;
	r->in_flight = 0;
	r->posted = 0;
	return 0;
}

void
app_req_replies_fini(struct app_req_replies *r)
{
	FP_ASSERT(r->in_flight == 0);
	rte_ring_free(r->ring);
	r->ring = NULL;
}

int
app_req_post(struct app_req_replies *r, struct app_req_inbox *to, struct app_req *req)
{
	/* Every request in flight may sit in the reply ring at once: it never overflows. */
	if (r->in_flight >= rte_ring_get_capacity(r->ring))
		return -EBUSY;
	if (!__atomic_load_n(&to->open, __ATOMIC_ACQUIRE))
		return -ECANCELED;
	req->result = 0;
	req->replies = r;
	if (rte_ring_enqueue(to->ring, req) != 0)
		return -EBUSY;
	r->in_flight++;
	r->posted++;
	return 0;
}

void
app_req_complete(struct app_req_replies *r)
{
	void *done[APP_REQ_BURST];
	unsigned n;

	if (r->ring == NULL) /* never set up: nothing was posted */
		return;
	/* A done callback may post again; those answers come with a later doorbell. */
	while ((n = rte_ring_dequeue_burst(r->ring, done, APP_REQ_BURST, NULL)) > 0) {
		for (unsigned i = 0; i < n; i++) {
			struct app_req *req = done[i];

			FP_ASSERT(r->in_flight > 0);
			r->in_flight--;
			req->done(req);
		}
	}
}

/* Queue an answer. The in-flight bound of app_req_post() leaves room for it. */
static void
reply(struct app_req *req, int result)
{
	int rc;

	req->result = result;
	rc = rte_ring_enqueue(req->replies->ring, req);
	FP_ASSERT(rc == 0);
	(void)rc;
}

void
app_req_cancel(struct app_req_inbox *in)
{
	void *obj;

	while (rte_ring_dequeue(in->ring, &obj) == 0)
		reply(obj, -ECANCELED);
}

void
app_req_serve(struct app_req_inbox *in, app_req_serve_fn fn, void *arg)
{
	void *reqs[APP_REQ_BURST];
	struct app_req_replies *r = NULL;
	unsigned n;

	if (likely(rte_ring_empty(in->ring)))
		return;
	n = rte_ring_dequeue_burst(in->ring, reqs, APP_REQ_BURST, NULL);
	for (unsigned i = 0; i < n; i++) {
		struct app_req *req = reqs[i];

		reply(req, fn(arg, req));
		/* One reply ring per process: one doorbell for the burst. */
		FP_ASSERT(r == NULL || r == req->replies);
		r = req->replies;
	}
	if (r != NULL)
		r->wake(r->wake_arg);
}
