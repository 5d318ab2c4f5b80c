/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Process-wide state of fastpath (app.h): the stop flag, SIGINT/SIGTERM
 * (drain first, quit on the second), the uptime clock and the app's log
 * type. main.c owns the struct app and passes it on; the signal handler is
 * the one place that reaches it without an argument.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <rte_cycles.h>
#include <rte_log.h>

#include "app.h"
#include "log.h"

RTE_LOG_REGISTER_IMPL(app_logtype, APP_LOGTYPE_NAME, INFO);

/* [log] level names DPDK's levels by their numbers (fp/cfg.h). */
_Static_assert(FP_CFG_LOG_EMERG == RTE_LOG_EMERG && FP_CFG_LOG_ERR == RTE_LOG_ERR &&
				FP_CFG_LOG_NOTICE == RTE_LOG_NOTICE &&
				FP_CFG_LOG_DEBUG == RTE_LOG_DEBUG,
		"enum fp_cfg_log_level follows RTE_LOG_*");

/* Signal handlers take no argument: the process they act on. */
static struct app *signal_app;

void
app_request_quit(struct app *app)
{
	__atomic_store_n(&app->quit, 1, __ATOMIC_RELEASE);
}

uint64_t
app_uptime_ms(const struct app *app)
{
	uint64_t cycles = rte_get_tsc_cycles() - app->start_tsc;

	if (app->tsc_hz < 1000)
		return 0;
	return cycles / (app->tsc_hz / 1000);
}

void
app_drain_on_signal(struct app *app, bool drain)
{
	__atomic_store_n(&app->drain_on_signal, drain ? 1u : 0u, __ATOMIC_RELEASE);
}

/* Async-signal-safe: atomics and write(2) only. */
static void
on_signal(int sig)
{
	struct app *app = signal_app;
	const uint64_t one = 1;
	int saved = errno;

	(void)sig;
	if (__atomic_fetch_add(&app->signals, 1, __ATOMIC_ACQ_REL) == 0 &&
			__atomic_load_n(&app->drain_on_signal, __ATOMIC_ACQUIRE) &&
			write(app->drain_fd, &one, sizeof(one)) == (ssize_t)sizeof(one)) {
		errno = saved;
		return;
	}
	app_request_quit(app);
	errno = saved;
}

int
app_log_apply(struct app *app)
{
	uint32_t level = app->cfg.log.level;

	if (level == FP_CFG_LOG_DEFAULT)
		level = app->log_level_start;
	if (rte_log_set_level((uint32_t)app_logtype, level) != 0) {
		APP_ERR("cannot set the log level to %u", level);
		return -EINVAL;
	}
	return 0;
}

int
app_init(struct app *app)
{
	struct sigaction sa;
	int level = rte_log_get_level((uint32_t)app_logtype);

	app->log_level_start = level > 0 ? (uint32_t)level : (uint32_t)RTE_LOG_INFO;
	if (app_log_apply(app) < 0)
		return -EINVAL;
	app->tsc_hz = rte_get_tsc_hz();
	app->start_tsc = rte_get_tsc_cycles();
	app->drain_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (app->drain_fd < 0) {
		int rc = -errno;

		APP_ERR("eventfd: %s", strerror(-rc));
		return rc;
	}
	signal_app = app;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return 0;
}
