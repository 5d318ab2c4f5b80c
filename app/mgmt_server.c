/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management socket: a unix stream socket speaking line-delimited JSON
 * (one request line in, one reply line out). Every client is bounded: line
 * length, unsent output, idle time, and the number of clients, so a broken or
 * hostile client costs a fixed amount of memory and never stalls the others.
 * Runs on the management thread's libuv loop; replies come from mgmt_cmd.c,
 * at once or later (a flow listing): a client's next line waits for the
 * reply to its previous one, so replies stay in request order, and its
 * socket is not read meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_log.h>

#include "log.h"
#include "mgmt_cmd.h"
#include "mgmt_int.h"
#include "mgmt_reply.h"
#include "mgmt_server.h"

struct client {
	uv_pipe_t pipe;   /**< the connection; data points back here */
	uv_timer_t timer; /**< idle timeout, then the close deadline */
	struct mgmt_server *srv;
	struct client *next;
	struct client *prev;
	char *in; /**< bytes not handled yet: lines waiting, then an incomplete one */
	size_t in_len;
	size_t in_cap;
	bool closing;         /**< shutting down: no more reads or replies */
	bool waiting;         /**< a request's reply is outstanding: later lines wait */
	bool in_exec;         /**< inside mgmt_cmd_exec(): a reply now must not recurse */
	bool paused;          /**< reading stopped while waiting */
	uint64_t last_active; /**< uv_now() of the last byte received, or of the accept */
	int open_handles;     /**< pipe + timer; freed when both closed and no reply is due */
};

struct mgmt_server {
	struct mgmt *m;
	uv_pipe_t listener;
	bool listening;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct client *clients;
	struct mgmt_server_counters *st; /**< = &m->server_st */
};

struct write_req {
	uv_write_t req;
	char *data;
};

/* Free a client once both handles are closed and no reply will come for it. */
static void
client_release(struct client *c)
{
	if (c->open_handles > 0 || c->waiting)
		return;
	free(c->in);
	free(c);
}

static void
client_free_cb(uv_handle_t *h)
{
	struct client *c = h->data;

	c->open_handles--;
	client_release(c);
}

static bool
client_gone(const struct client *c)
{
	return uv_is_closing((const uv_handle_t *)&c->pipe) != 0;
}

static void
client_close(struct client *c)
{
	struct mgmt_server *srv = c->srv;

	if (client_gone(c))
		return;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv->clients = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	srv->st->clients--;
	uv_close((uv_handle_t *)&c->timer, client_free_cb);
	uv_close((uv_handle_t *)&c->pipe, client_free_cb);
}

static void
write_cb(uv_write_t *req, int status)
{
	struct write_req *wr = (struct write_req *)req;

	(void)status; /* a failed write is followed by a read error or EOF */
	free(wr->data);
	free(wr);
}

/* Queue len bytes (ownership of data moves here); cut the client off when its backlog is too big. */
static int
client_send(struct client *c, char *data, size_t len)
{
	struct write_req *wr;
	uv_buf_t b = uv_buf_init(data, (unsigned)len);
	int rc;

	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe) > MGMT_OUTQ_MAX) {
		free(data);
		if (!c->closing) { /* client_fail() counted it already */
			c->srv->st->cut_off++;
			MGMT_LOG(NOTICE, "client does not read its replies, closing it");
		}
		client_close(c);
		return -ENOBUFS;
	}
	wr = malloc(sizeof(*wr));
	if (wr == NULL) {
		free(data);
		client_close(c);
		return -ENOMEM;
	}
	wr->data = data;
	rc = uv_write(&wr->req, (uv_stream_t *)&c->pipe, &b, 1, write_cb);
	if (rc != 0) {
		free(data);
		free(wr);
		client_close(c);
	}
	return rc;
}

/* Send a reply buffer plus its newline; the buffer's memory moves to the write. */
static int
client_reply(struct client *c, struct mgmt_buf *out)
{
	int rc;

	out->p[out->len++] = '\n'; /* mgmt_buf always keeps room for the NUL */
	rc = client_send(c, out->p, out->len);
	out->p = NULL;
	out->len = out->cap = 0;
	return rc;
}

static void
shutdown_cb(uv_shutdown_t *req, int status)
{
	struct client *c = req->data;

	(void)status;
	free(req);
	client_close(c);
}

static void
timer_cb(uv_timer_t *t)
{
	struct client *c = t->data;

	if (!c->closing)
		c->srv->st->cut_off++;
	client_close(c);
}

/* Stop reading, flush what is queued, then close (at the latest after timeout_ms). */
static void
client_finish(struct client *c, uint64_t timeout_ms)
{
	uv_shutdown_t *sreq;

	c->closing = true;
	uv_read_stop((uv_stream_t *)&c->pipe);
	uv_timer_start(&c->timer, timer_cb, timeout_ms, 0);
	sreq = malloc(sizeof(*sreq));
	if (sreq == NULL) {
		client_close(c);
		return;
	}
	sreq->data = c;
	if (uv_shutdown(sreq, (uv_stream_t *)&c->pipe, shutdown_cb) != 0) {
		free(sreq);
		client_close(c);
	}
}

/* Send a last error line, then close once it is flushed (bounded by a 1 s timer). */
static void
client_fail(struct client *c, const char *msg)
{
	struct mgmt_buf out = {0};

	c->srv->st->cut_off++;
	c->closing = true; /* counted once, even if the error line cannot be queued */
	mgmt_reply_error(&out, msg);
	if (out.p == NULL) {
		client_close(c);
		return;
	}
	if (client_reply(c, &out) != 0)
		return; /* closed already */
	client_finish(c, 1000);
}

static void
alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct client *c = h->data;

	(void)suggested;
	/* room for one more byte past the cap, so an over-long line is detected */
	if (c->in_cap < MGMT_LINE_MAX + 2) {
		size_t want = c->in_cap ? c->in_cap * 2 : 4096;

		if (c->in_len + 1024 > c->in_cap) {
			char *p;

			if (want > MGMT_LINE_MAX + 2)
				want = MGMT_LINE_MAX + 2;
			p = realloc(c->in, want);
			if (p != NULL) {
				c->in = p;
				c->in_cap = want;
			}
		}
	}
	*buf = uv_buf_init(c->in + c->in_len, (unsigned)(c->in_cap - c->in_len));
}

static void client_resume(struct client *c);

/* The reply to the client's current request, now or later. */
static void
client_on_reply(void *arg, struct mgmt_buf *out)
{
	struct client *c = arg;

	c->waiting = false;
	if (client_gone(c)) {
		/* Closed while its request was in progress: the reply has nowhere to go. */
		client_release(c);
		return;
	}
	if (out->p == NULL) {
		client_fail(c, "out of memory");
		return;
	}
	if (client_reply(c, out) != 0)
		return; /* closed */
	if (!c->in_exec)
		client_resume(c);
}

/*
 * Handle the complete lines in the input buffer, one request at a time: stop
 * at one whose reply is still to come. @return false if the client was closed.
 */
static bool
client_lines(struct client *c)
{
	size_t start = 0;
	bool partial = false;

	while (!c->waiting && !c->closing && !client_gone(c)) {
		char *line = c->in + start;
		char *nl = memchr(line, '\n', c->in_len - start);
		size_t len;

		if (nl == NULL) {
			partial = true;
			break;
		}
		len = (size_t)(nl - line);
		/* tolerate CRLF and blank lines (interactive use with nc/socat) */
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len > MGMT_LINE_MAX) {
			client_fail(c, "line too long");
			return false;
		}
		start = (size_t)(nl - c->in) + 1;
		if (len == 0)
			continue;
		c->waiting = true;
		c->in_exec = true;
		/* the socket's mode and owner decide who gets this far */
		mgmt_cmd_exec(c->srv->m, line, len, "socket", FP_TLM_CMD_ALL, client_on_reply, c);
		c->in_exec = false;
	}
	if (client_gone(c) || c->closing)
		return false;
	memmove(c->in, c->in + start, c->in_len - start);
	c->in_len -= start;
	/* An unfinished line may hold MGMT_LINE_MAX bytes and its CR. */
	if (partial && c->in_len > MGMT_LINE_MAX + 1) {
		client_fail(c, "line too long");
		return false;
	}
	if (c->waiting && !c->paused) {
		uv_read_stop((uv_stream_t *)&c->pipe);
		c->paused = true;
	}
	return true;
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

/* A late reply went out: handle the lines that waited for it, then read again. */
static void
client_resume(struct client *c)
{
	if (!client_lines(c) || c->waiting || !c->paused)
		return;
	c->paused = false;
	if (uv_read_start((uv_stream_t *)&c->pipe, alloc_cb, read_cb) != 0)
		client_close(c);
}

static void
read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct client *c = s->data;

	(void)buf;
	if (c->closing)
		return;
	if (nread < 0) {
		/*
		 * A client that half-closes after its requests (socat, nc -N)
		 * still gets the replies that are queued; on errors, just close.
		 */
		if (nread == UV_EOF && uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe) > 0)
			client_finish(c, c->srv->m->idle_ms);
		else
			client_close(c);
		return;
	}
	if (nread == 0)
		return;
	c->in_len += (size_t)nread;
	c->last_active = uv_now(&c->srv->m->loop);
	uv_timer_again(&c->timer);
	client_lines(c);
}

static void
free_handle_cb(uv_handle_t *h)
{
	free(h);
}

/* Accept and immediately turn away a client over the limit. */
static void
refuse(struct mgmt_server *srv)
{
	uv_pipe_t *p = malloc(sizeof(*p));
	static const char msg[] = "{\"ok\":false,\"error\":\"too many clients\"}\n";

	srv->st->refused++;
	if (p == NULL || uv_pipe_init(&srv->m->loop, p, 0) != 0) {
		free(p);
		return;
	}
	if (uv_accept((uv_stream_t *)&srv->listener, (uv_stream_t *)p) == 0) {
		uv_buf_t b = uv_buf_init((char *)(uintptr_t)msg, sizeof(msg) - 1);

		uv_try_write((uv_stream_t *)p, &b, 1);
	}
	uv_close((uv_handle_t *)p, free_handle_cb);
}

/*
 * At the client limit, make room by closing the client that has been silent
 * longest, if it has been silent for a quarter of the idle timeout: idle
 * connections must not lock operators out until the idle timer fires.
 * @return true if a slot was freed
 */
static bool
evict_idle(struct mgmt_server *srv)
{
	uint64_t now = uv_now(&srv->m->loop);
	struct client *oldest = NULL;

	for (struct client *c = srv->clients; c != NULL; c = c->next)
		if (!c->closing && (oldest == NULL || c->last_active < oldest->last_active))
			oldest = c;
	if (oldest == NULL || now - oldest->last_active < srv->m->idle_ms / 4)
		return false;
	srv->st->cut_off++;
	client_close(oldest);
	return true;
}

static void
connection_cb(uv_stream_t *listener, int status)
{
	struct mgmt_server *srv = listener->data;
	struct client *c;
	int rc;

	if (status < 0) {
		MGMT_LOG(WARNING, "accept: %s", uv_strerror(status));
		return;
	}
	if (srv->st->clients >= MGMT_MAX_CLIENTS && !evict_idle(srv)) {
		refuse(srv);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		refuse(srv);
		return;
	}
	c->srv = srv;
	c->last_active = uv_now(&srv->m->loop);
	uv_pipe_init(&srv->m->loop, &c->pipe, 0);
	uv_timer_init(&srv->m->loop, &c->timer);
	c->pipe.data = c;
	c->timer.data = c;
	c->open_handles = 2;
	c->next = srv->clients;
	if (c->next != NULL)
		c->next->prev = c;
	srv->clients = c;
	srv->st->clients++;
	rc = uv_accept(listener, (uv_stream_t *)&c->pipe);
	if (rc == 0)
		rc = uv_read_start((uv_stream_t *)&c->pipe, alloc_cb, read_cb);
	if (rc != 0) {
		MGMT_LOG(WARNING, "client: %s", uv_strerror(rc));
		client_close(c);
		return;
	}
	uv_timer_start(&c->timer, timer_cb, srv->m->idle_ms, srv->m->idle_ms);
}

/* mkdir -p of the socket's directory: the parts that are missing, mode 0755, ours. */
static int
mkdir_p(const char *dir)
{
	char tmp[FP_CFG_PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * Whoever can write the socket's directory can replace the socket with
 * their own, or with a link to a file we would then chmod. So the directory
 * must be a directory itself (not a symlink to one), owned by root or by us,
 * and writable by nobody else, except by the socket's group when [mgmt]
 * group is set: those members may use the socket anyway.
 * @return an O_DIRECTORY fd for the checks and calls that follow, or a
 *         negative errno after logging why
 */
static int
open_socket_dir(const char *dir, bool have_group, gid_t group)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int rc;

	if (fd < 0) {
		rc = -errno;
		if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
			MGMT_LOG(ERR,
					"socket directory %s is a symbolic link: refusing it, "
					"give [mgmt] socket its real path",
					dir);
		else
			MGMT_LOG(ERR, "socket directory %s: %s", dir, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		MGMT_LOG(ERR, "socket directory %s: %s", dir, strerror(-rc));
		goto out_close;
	}
	rc = -EPERM;
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		MGMT_LOG(ERR,
				"socket directory %s is owned by uid %u, not by root or by us "
				"(uid %u): its owner could replace the socket",
				dir, (unsigned)st.st_uid, (unsigned)geteuid());
		goto out_close;
	}
	if (st.st_mode & S_IWOTH) {
		MGMT_LOG(ERR,
				"socket directory %s is writable by everyone (mode %04o): "
				"anyone could replace the socket",
				dir, (unsigned)(st.st_mode & 07777));
		goto out_close;
	}
	if ((st.st_mode & S_IWGRP) && !(have_group && st.st_gid == group)) {
		MGMT_LOG(ERR,
				"socket directory %s is writable by group %u (mode %04o), which "
				"is not the [mgmt] group: its members could replace the socket",
				dir, (unsigned)st.st_gid, (unsigned)(st.st_mode & 07777));
		goto out_close;
	}
	return fd;
out_close:
	close(fd);
	return rc;
}

/*
 * The address of name in the directory dirfd, which was checked: through
 * /proc/self/fd, so a directory swapped in since (by whoever may write its
 * parent) is not used; the path itself when that does not fit sun_path.
 */
static void
sock_addr(struct sockaddr_un *sa, int dirfd, const char *name, const char *path)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", dirfd, name);
	if (n < 0 || (size_t)n >= sizeof(sa->sun_path)) {
		memset(sa->sun_path, 0, sizeof(sa->sun_path));
		/* the caller checked that path fits sun_path */
		memcpy(sa->sun_path, path, strnlen(path, sizeof(sa->sun_path) - 1));
	}
}

/* A socket file left by a dead instance is removed; a live one, or anything else, is an error. */
static int
clear_stale(int dirfd, const char *name, const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, rc;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISLNK(st.st_mode)) {
		MGMT_LOG(ERR, "socket %s is a symbolic link: refusing to replace it", path);
		return -EEXIST;
	}
	if (!S_ISSOCK(st.st_mode)) {
		MGMT_LOG(ERR, "socket %s exists and is not a socket: refusing to replace it", path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	sock_addr(&sa, dirfd, name, path);
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (rc == 0) {
		MGMT_LOG(ERR, "socket %s: another instance is listening on it", path);
		return -EADDRINUSE;
	}
	if (unlinkat(dirfd, name, 0) != 0)
		return -errno;
	return 0;
}

/*
 * Bind a listening socket at path (name inside dirfd) that only root, or the
 * group, can connect to. The socket file takes its mode from the socket's
 * own inode at bind (Linux unix_bind(), minus the umask), so fchmod() before
 * bind() means there is no moment when others may connect, without touching
 * the process-wide umask. The group and the exact mode are then set on the
 * file without following a symlink.
 * @return the socket fd, or a negative errno
 */
static int
bind_socket(int dirfd, const char *name, const char *path, bool have_group, gid_t group,
		mode_t mode)
{
	struct sockaddr_un sa;
	int fd, rc = 0;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	sock_addr(&sa, dirfd, name, path);
	if (fchmod(fd, 0600) != 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		rc = -errno;
		goto out_close;
	}
	if ((have_group && fchownat(dirfd, name, (uid_t)-1, group, AT_SYMLINK_NOFOLLOW) != 0) ||
			fchmodat(dirfd, name, mode, AT_SYMLINK_NOFOLLOW) != 0) {
		rc = -errno;
		unlinkat(dirfd, name, 0);
		goto out_close;
	}
	return fd;
out_close:
	close(fd);
	return rc;
}

/*
 * The listening socket at path, in a directory that passed the checks, for
 * root (and the [mgmt] group) only.
 * @return its fd, or a negative errno after logging why
 */
static int
socket_open(const char *path, const struct fp_cfg_mgmt *cfg, mode_t mode)
{
	bool have_group = cfg->group[0] != '\0';
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const char *name;
	gid_t gid = 0;
	int dirfd, fd, rc;

	if (have_group) {
		struct group *gr = getgrnam(cfg->group);

		if (gr == NULL) {
			MGMT_LOG(ERR, "socket group '%s' does not exist", cfg->group);
			return -ENOENT;
		}
		gid = gr->gr_gid;
	}
	/* split into directory and name: "sock" is ./sock, "/sock" is in / */
	snprintf(dir, sizeof(dir), "%s", path);
	name = strrchr(path, '/');
	if (name == NULL) {
		snprintf(dir, sizeof(dir), ".");
		name = path;
	} else {
		dir[name == path ? 1 : name - path] = '\0';
		name++;
	}
	if (name[0] == '\0') {
		MGMT_LOG(ERR, "socket path %s names a directory", path);
		return -EISDIR;
	}
	rc = mkdir_p(dir);
	if (rc != 0) {
		MGMT_LOG(ERR, "socket directory %s: %s", dir, strerror(-rc));
		return rc;
	}
	dirfd = open_socket_dir(dir, have_group, gid);
	if (dirfd < 0)
		return dirfd;
	rc = clear_stale(dirfd, name, path);
	fd = rc == 0 ? bind_socket(dirfd, name, path, have_group, gid, mode) : rc;
	close(dirfd);
	if (fd < 0 && fd != -EEXIST && fd != -EADDRINUSE)
		MGMT_LOG(ERR, "socket %s: %s", path, strerror(-fd));
	return fd;
}

/* The server lives until its listener's close is complete. */
static void
listener_closed_cb(uv_handle_t *h)
{
	free(h->data);
}

int
mgmt_server_start(struct mgmt *m)
{
	const struct fp_cfg_mgmt *cfg = &m->app->cfg.mgmt;
	mode_t mode = cfg->group[0] != '\0' ? 0660 : 0600;
	struct mgmt_server *srv;
	int fd, rc;

	if (strlen(cfg->socket) >= sizeof(srv->path) || cfg->socket[0] == '\0') {
		MGMT_LOG(ERR, "socket path '%s' is empty or too long", cfg->socket);
		return -ENAMETOOLONG;
	}
	srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		return -ENOMEM;
	srv->m = m;
	srv->st = &m->server_st;
	memcpy(srv->path, cfg->socket, strlen(cfg->socket) + 1);
	fd = socket_open(srv->path, cfg, mode);
	if (fd < 0) {
		free(srv);
		return fd;
	}
	rc = uv_pipe_init(&m->loop, &srv->listener, 0);
	if (rc != 0) {
		close(fd);
		unlink(srv->path);
		free(srv);
		return rc;
	}
	srv->listener.data = srv;
	rc = uv_pipe_open(&srv->listener, fd);
	if (rc != 0)
		close(fd); /* still ours: the handle did not take it */
	else
		rc = uv_listen((uv_stream_t *)&srv->listener, 128, connection_cb);
	if (rc != 0) {
		MGMT_LOG(ERR, "socket %s: %s", srv->path, uv_strerror(rc));
		unlink(srv->path);
		uv_close((uv_handle_t *)&srv->listener, listener_closed_cb);
		return rc;
	}
	srv->listening = true;
	m->server = srv;
	MGMT_LOG(INFO, "listening on %s (mode %o)", srv->path, (unsigned)mode);
	return 0;
}

void
mgmt_server_stop(struct mgmt *m)
{
	struct mgmt_server *srv = m->server;

	if (srv == NULL)
		return;
	while (srv->clients != NULL)
		client_close(srv->clients);
	if (srv->listening)
		unlink(srv->path);
	m->server = NULL;
	uv_close((uv_handle_t *)&srv->listener, listener_closed_cb);
}
