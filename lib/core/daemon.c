/* daemon.c: how every program of bin/ and tools/ starts (see daemon.h) */
#include <stdio.h>
#include <string.h>

#include "core/cfg.h"
#include "core/daemon.h"
#include "core/db.h"
#include "core/log.h"
#include "core/util.h"

volatile sig_atomic_t daemon_stopping;

static void
on_term(int sig)
{
	(void)sig;
	daemon_stopping = 1;
}

static void
complaint(const char *file, int line, const char *msg)
{
	fprintf(stderr, "%s:%d: %s\n", file, line, msg);
}

void
daemon_start(const char *name)
{
	struct sigaction sa;

	if (cfg_load(NULL, complaint) != 0)
		die("the configuration has errors (mendctl check-config)");
	log_init(name, (enum log_level)cfg.log_level);
	if (cfg.log_file[0] && log_to_file(cfg.log_file) < 0)
		die("cannot open log file %s", cfg.log_file);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;	/* no SA_RESTART: a sleep or a wait ends */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	db_init();
}
