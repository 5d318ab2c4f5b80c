/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Process-wide state of fastpath (app.h): the stop flag, SIGINT/SIGTERM,
 * the uptime clock and the app's log type. main.c owns the struct app and
 * passes it on; the signal handler is the one place that reaches it
 * without an argument.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_log.h>

#include "app.h"
#include "log.h"

RTE_LOG_REGISTER_IMPL(app_logtype, APP_LOGTYPE_NAME, INFO);

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

static void
on_signal(int sig)
{
	(void)sig;
	app_request_quit(signal_app);
}

int
app_init(struct app *app)
{
	struct sigaction sa;

	app->tsc_hz = rte_get_tsc_hz();
	app->start_tsc = rte_get_tsc_cycles();
	signal_app = app;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return 0;
}
