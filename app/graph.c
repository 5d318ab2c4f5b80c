/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pipeline block -> rte_graph for one lcore (graph.h). app_graph_init()
 * registers the node types once; app_graph_create() wires this lcore's
 * clones for the slot, creates the graph from its rx clone (rte_graph pulls
 * in everything the edges reach: stages, tx, the drop sinks), points each
 * node's ctx at its struct gnode and opens a cluster-stats handle on it.
 * Control path only: every call here runs off the worker.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_graph.h>
#include <rte_graph_worker.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "graph_priv.h"
#include "stage_acl.h"
#include "stage_ratelimit.h"

struct app_graph {
	char name[RTE_GRAPH_NAMESIZE];
	rte_graph_t id;
	struct rte_graph *graph;
	struct rte_graph_cluster_stats *stats;
	pthread_mutex_t stats_lock; /* one reader of the cluster stats at a time */
	unsigned n_nodes;
	struct gnode *nodes[APP_GRAPH_NODES_MAX]; /* by position in the graph */
	const char *stage[APP_GRAPH_NODES_MAX];   /* pipeline name of each */
	struct gnode *acl_node;
	char rx_stage[48]; /* "rx+arp+icmp+tcp_echo" when rx runs the stages inline */
	/* filled by the stats callback */
	struct fp_tlm_node *out;
	unsigned out_n, out_max;
};

/* Template node ids by stage kind; the tx node; one sink per drop counter. */
static rte_node_t tmpl[APP_STAGE_KIND_COUNT];
static rte_node_t tx_id = RTE_NODE_ID_INVALID;
static char sink_names[GN_N_DROPS][RTE_NODE_NAMESIZE];
static rte_node_t sink_ids[GN_N_DROPS];
static int registered;

static struct rte_node_register *const regs[APP_STAGE_KIND_COUNT] = {
		[APP_STAGE_RX] = &app_gn_rx,
		[APP_STAGE_ARP] = &app_gn_arp,
		[APP_STAGE_ACL] = &app_gn_acl,
		[APP_STAGE_RATELIMIT] = &app_gn_ratelimit,
		[APP_STAGE_ICMP] = &app_gn_icmp,
		[APP_STAGE_TCP_ECHO] = &app_gn_tcp_echo,
		[APP_STAGE_REFLECT] = &app_gn_reflect,
		[APP_STAGE_TX] = &app_gn_tx,
};

static rte_node_t
register_node(struct rte_node_register *r)
{
	r->parent_id = RTE_NODE_ID_INVALID;
	r->id = __rte_node_register(r);
	return r->id;
}

int
app_graph_init(void)
{
	if (registered)
		return 0;
	for (unsigned k = 0; k < APP_STAGE_KIND_COUNT; k++) {
		tmpl[k] = register_node(regs[k]);
		if (tmpl[k] == RTE_NODE_ID_INVALID)
			return -rte_errno;
	}
	tx_id = tmpl[APP_STAGE_TX];
	for (unsigned d = 0; d < GN_N_DROPS; d++) {
		struct rte_node_register r;

		memset(&r, 0, sizeof(r));
		snprintf(sink_names[d], sizeof(sink_names[d]), "fp_%s",
				fp_stats_name((enum fp_counter)(GN_DROP_FIRST + d)));
		snprintf(r.name, sizeof(r.name), "%s", sink_names[d]);
		r.process = app_gn_sink.process;
		sink_ids[d] = register_node(&r);
		if (sink_ids[d] == RTE_NODE_ID_INVALID)
			return -rte_errno;
	}
	registered = 1;
	return 0;
}

/* "fp_acl-l3s1": the clone of a kind for an lcore's slot, made on first use. */
static rte_node_t
clone_of(unsigned kind, unsigned lcore, unsigned slot, char *name, size_t len)
{
	char suffix[16];
	rte_node_t id;

	snprintf(suffix, sizeof(suffix), "l%us%u", lcore, slot);
	if (snprintf(name, len, "%s-%s", regs[kind]->name, suffix) >= (int)len)
		return RTE_NODE_ID_INVALID;
	id = rte_node_from_name(name);
	if (id == RTE_NODE_ID_INVALID)
		id = rte_node_clone(tmpl[kind], suffix);
	return id;
}

/* Where output `out` of a block stage leads: a clone, tx, or a sink. */
static void
target_name(const struct app_pl_block *b, uint8_t to, unsigned drop, unsigned lcore, unsigned slot,
		char *name, size_t len)
{
	if (to == APP_STAGE_TX)
		rte_strscpy(name, regs[APP_STAGE_TX]->name, len);
	else if (to < APP_STAGE_KIND_COUNT)
		clone_of(to, lcore, slot, name, len);
	else
		rte_strscpy(name, sink_names[drop - GN_DROP_FIRST], len);
	RTE_SET_USED(b);
}

/*
 * Give a clone its edges: outputs first, then every drop sink. Rewires a
 * clone a previous graph of this slot used (that graph is gone).
 */
static int
wire(rte_node_t id, char (*outs)[RTE_NODE_NAMESIZE], unsigned n_out)
{
	const char *names[GN_OUT_MAX + GN_N_DROPS];
	unsigned n = 0;

	for (unsigned i = 0; i < n_out; i++)
		names[n++] = outs[i];
	for (unsigned d = 0; d < GN_N_DROPS; d++)
		names[n++] = sink_names[d];
	if (rte_node_edge_update(id, 0, names, (uint16_t)n) != n)
		return -ENOMEM;
	if (rte_node_edge_count(id) > n && rte_node_edge_shrink(id, (rte_edge_t)n) != n)
		return -EINVAL;
	return 0;
}

static int
stats_cb(bool is_first, bool is_last, void *cookie, const struct rte_graph_cluster_node_stats *st)
{
	struct app_graph *g = cookie;
	struct fp_tlm_node *o;
	const struct rte_node *node;

	RTE_SET_USED(is_first);
	RTE_SET_USED(is_last);
	if (g->out_n >= g->out_max)
		return 0;
	o = &g->out[g->out_n++];
	memset(o, 0, sizeof(*o));
	/* The cluster stats keep the name as long as the graph lives. */
	o->name = st->name;
	o->calls = st->calls;
	o->packets = st->objs;
	o->cycles = st->cycles;
	o->stage = "";
	node = rte_graph_node_get(g->id, st->id);
	for (unsigned i = 0; node != NULL && i < g->n_nodes; i++) {
		if (gnode_of(node) == g->nodes[i]) {
			o->stage = g->stage[i];
			o->drops = __atomic_load_n(&g->nodes[i]->drops, __ATOMIC_RELAXED);
			return 0;
		}
	}
	for (unsigned d = 0; d < GN_N_DROPS; d++) {
		if (st->id == sink_ids[d]) {
			o->stage = sink_names[d] + 3; /* "drop_..." */
			o->drops = st->objs;
		}
	}
	return 0;
}

/* The per-node state of one stage, and its edges. */
static struct gnode *
gnode_new(struct app_engine *eng, unsigned kind)
{
	struct gnode *gn = rte_zmalloc_socket(
			"fp_gnode", sizeof(*gn), RTE_CACHE_LINE_SIZE, eng->socket);

	if (gn != NULL) {
		gn->eng = eng;
		gn->kind = (uint8_t)kind;
	}
	return gn;
}

static void
gnode_free(struct gnode *gn)
{
	if (gn == NULL)
		return;
	app_rl_free(gn->rl);
	rte_free(gn->acl_hits);
	rte_free(gn);
}

struct app_graph *
app_graph_create(const struct app_pl_block *b, struct app_engine *eng, struct app_acl *acl,
		unsigned slot, char *err, size_t err_len)
{
	struct gnode *state[APP_STAGE_KIND_COUNT] = {NULL};
	rte_node_t ids[APP_STAGE_KIND_COUNT];
	char outs[GN_OUT_MAX][RTE_NODE_NAMESIZE];
	char rx_name[RTE_NODE_NAMESIZE], name[RTE_NODE_NAMESIZE];
	const char *patterns[1] = {rx_name};
	struct rte_graph_param prm;
	struct rte_graph_cluster_stats_param sprm;
	const char *gpat[1];
	struct app_graph *g;
	struct rte_node *node;
	rte_graph_off_t off;
	rte_node_t count;
	bool inl = app_pl_block_inline(b);

	if (slot >= APP_GRAPH_SLOTS || !registered) {
		snprintf(err, err_len, "graph: bad slot %u or nodes not registered", slot);
		return NULL;
	}
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		goto out_nomem;
	g->id = RTE_GRAPH_ID_INVALID;
	pthread_mutex_init(&g->stats_lock, NULL);
	snprintf(g->name, sizeof(g->name), "fp-l%us%u", eng->lcore_id, slot);
	/* The graph's ARP stage decides ARP; lib/ must hand it ARP frames. */
	eng->ctx->handlers |= FP_HANDLE_ARP;

	/* rx and every listed stage but tx get this slot's clone and state. */
	for (unsigned k = 0; k < APP_STAGE_KIND_COUNT; k++) {
		bool listed = b->st[k].line != 0;

		ids[k] = RTE_NODE_ID_INVALID;
		if (!listed || k == APP_STAGE_TX || (inl && k != APP_STAGE_RX))
			continue;
		ids[k] = clone_of(k, eng->lcore_id, slot, name, sizeof(name));
		state[k] = gnode_new(eng, k);
		if (ids[k] == RTE_NODE_ID_INVALID || state[k] == NULL) {
			snprintf(err, err_len, "graph %s: cannot make node %s: %s", g->name, name,
					rte_strerror(rte_errno));
			goto out_free;
		}
	}
	/* The inline rx transmits itself: no tx node in its graph. */
	state[APP_STAGE_TX] = inl ? NULL : gnode_new(eng, APP_STAGE_TX);
	if (!inl && state[APP_STAGE_TX] == NULL)
		goto out_nomem;

	clone_of(APP_STAGE_RX, eng->lcore_id, slot, rx_name, sizeof(rx_name));
	if (inl) {
		/* rx answers and transmits itself: its only edges lead to the sinks. */
		uint32_t listed = app_pl_block_stages(b);

		state[APP_STAGE_RX]->handlers = app_pipeline_handlers(listed);
		app_pipeline_stage_names(listed, g->rx_stage, sizeof(g->rx_stage));
		for (char *c = g->rx_stage; *c != '\0'; c++)
			*c = *c == ' ' ? '+' : *c;
		state[APP_STAGE_RX]->n_out = 0;
		if (wire(ids[APP_STAGE_RX], outs, 0) < 0)
			goto out_wire;
		goto wired;
	}
	/* rx: ARP -> arp (or drop_eth_type), IPv4 -> the first stage (or drop_ip4_proto). */
	state[APP_STAGE_RX]->n_out = 2;
	target_name(b, b->st[APP_STAGE_ARP].line ? APP_STAGE_ARP : APP_PL_TO_DROP,
			FP_CTR_DROP_ETH_TYPE, eng->lcore_id, slot, outs[0], sizeof(outs[0]));
	if (!b->st[APP_STAGE_ARP].line)
		state[APP_STAGE_RX]->out_drop[0] = FP_CTR_DROP_ETH_TYPE;
	target_name(b, b->ip_entry, FP_CTR_DROP_IP4_PROTO, eng->lcore_id, slot, outs[1],
			sizeof(outs[1]));
	if (b->ip_entry >= APP_STAGE_KIND_COUNT)
		state[APP_STAGE_RX]->out_drop[1] = FP_CTR_DROP_IP4_PROTO;
	if (wire(ids[APP_STAGE_RX], outs, 2) < 0)
		goto out_wire;

	for (unsigned k = APP_STAGE_ARP; k < APP_STAGE_TX; k++) {
		const char *const *names = app_stage_outputs((enum app_stage_kind)k);
		unsigned n_out = 0;

		if (ids[k] == RTE_NODE_ID_INVALID)
			continue;
		for (; names[n_out] != NULL; n_out++) {
			const struct app_pl_edge *e = &b->st[k].out[n_out];
			unsigned drop = app_stage_drop_reason((enum app_stage_kind)k, n_out);

			target_name(b, e->to, drop, eng->lcore_id, slot, outs[n_out],
					sizeof(outs[n_out]));
			if (e->to == APP_PL_TO_DROP)
				state[k]->out_drop[n_out] = (uint16_t)drop;
		}
		state[k]->n_out = (uint8_t)n_out;
		state[k]->reply_tx = n_out > 0 && strcmp(names[0], "reply") == 0 &&
				b->st[k].out[0].to == APP_STAGE_TX;
		if (wire(ids[k], outs, n_out) < 0)
			goto out_wire;
	}
wired:

	/* Stage resources: the shared classifier, this lcore's meters and rule hits. */
	if (state[APP_STAGE_ACL] != NULL) {
		uint32_t n = acl ? app_acl_n_rules(acl) : 0;

		if (acl == NULL) {
			snprintf(err, err_len, "graph %s: acl stage without a classifier", g->name);
			goto out_free;
		}
		state[APP_STAGE_ACL]->acl = acl;
		state[APP_STAGE_ACL]->acl_hits = rte_zmalloc_socket(
				"fp_acl_hits", (n ? n : 1) * sizeof(uint64_t), 0, eng->socket);
		if (state[APP_STAGE_ACL]->acl_hits == NULL)
			goto out_nomem;
		g->acl_node = state[APP_STAGE_ACL];
	}
	if (state[APP_STAGE_RATELIMIT] != NULL) {
		state[APP_STAGE_RATELIMIT]->rl =
				app_rl_create(&b->rl, eng->tsc_hz, eng->socket, err, err_len);
		if (state[APP_STAGE_RATELIMIT]->rl == NULL)
			goto out_free;
	}

	memset(&prm, 0, sizeof(prm));
	prm.socket_id = eng->socket;
	prm.nb_node_patterns = 1;
	prm.node_patterns = patterns;
	g->id = rte_graph_create(g->name, &prm);
	if (g->id == RTE_GRAPH_ID_INVALID) {
		snprintf(err, err_len, "graph %s: rte_graph_create failed: %s", g->name,
				rte_strerror(rte_errno));
		goto out_free;
	}
	g->graph = rte_graph_lookup(g->name);

	/* Point each node's ctx at its state: clones by id, tx shared; sinks need none. */
	rte_graph_foreach_node(count, off, g->graph, node)
	{
		struct gnode *gn = NULL;
		const char *stage = NULL;

		for (unsigned k = 0; k < APP_STAGE_KIND_COUNT; k++) {
			if (ids[k] != RTE_NODE_ID_INVALID && node->id == ids[k]) {
				gn = state[k];
				stage = gn->handlers ? g->rx_stage :
						    app_stage_name((enum app_stage_kind)k);
			}
		}
		if (node->id == tx_id) {
			gn = state[APP_STAGE_TX];
			stage = "tx";
		}
		if (gn == NULL)
			continue;
		memcpy(node->ctx, &gn, sizeof(gn));
		if (g->n_nodes < APP_GRAPH_NODES_MAX) {
			g->nodes[g->n_nodes] = gn;
			g->stage[g->n_nodes++] = stage;
		}
	}
	/* From here the graph owns the states. */
	memset(state, 0, sizeof(state));

	memset(&sprm, 0, sizeof(sprm));
	gpat[0] = g->name;
	sprm.socket_id = eng->socket;
	sprm.fn = stats_cb;
	sprm.cookie = g;
	sprm.nb_graph_patterns = 1;
	sprm.graph_patterns = gpat;
	g->stats = rte_graph_cluster_stats_create(&sprm);
	if (g->stats == NULL) {
		snprintf(err, err_len, "graph %s: no cluster stats: %s", g->name,
				rte_strerror(rte_errno));
		app_graph_destroy(g);
		return NULL;
	}
	return g;

out_wire:
	snprintf(err, err_len, "graph %s: cannot set the edges of its nodes", g->name);
	goto out_free;
out_nomem:
	snprintf(err, err_len, "graph: out of memory");
out_free:
	for (unsigned k = 0; k < APP_STAGE_KIND_COUNT; k++)
		gnode_free(state[k]);
	if (g != NULL)
		app_graph_destroy(g);
	return NULL;
}

void
app_graph_destroy(struct app_graph *g)
{
	if (g == NULL)
		return;
	if (g->stats != NULL)
		rte_graph_cluster_stats_destroy(g->stats);
	if (g->id != RTE_GRAPH_ID_INVALID)
		rte_graph_destroy(g->id);
	for (unsigned i = 0; i < g->n_nodes; i++)
		gnode_free(g->nodes[i]);
	pthread_mutex_destroy(&g->stats_lock);
	free(g);
}

struct rte_graph *
app_graph_rte(const struct app_graph *g)
{
	return g->graph;
}

const char *
app_graph_name(const struct app_graph *g)
{
	return g->name;
}

int
app_graph_stats(struct app_graph *g, struct fp_tlm_node *out, unsigned max)
{
	int n;

	pthread_mutex_lock(&g->stats_lock);
	g->out = out;
	g->out_n = 0;
	g->out_max = max;
	rte_graph_cluster_stats_get(g->stats, false);
	n = (int)g->out_n;
	g->out = NULL;
	pthread_mutex_unlock(&g->stats_lock);
	return n;
}

int
app_graph_export(const struct app_graph *g, FILE *f)
{
	return rte_graph_export(g->name, f);
}

const uint64_t *
app_graph_acl_hits(const struct app_graph *g)
{
	return g->acl_node != NULL ? g->acl_node->acl_hits : NULL;
}

uint32_t
app_graph_acl_rules(const struct app_graph *g)
{
	return g->acl_node != NULL ? app_acl_n_rules(g->acl_node->acl) : 0;
}
