/* log.h: one key=value line per event on stderr
 *
 *   ts=2026-11-23T10:04:05.120+08:00 prog=order pid=812 level=warn
 *   req=5f0c... event=db_down db=replica errno=2002
 *
 * log_ev's format is a list of key=value pairs; every %s value is quoted
 * and escaped when it needs to be, so a value can never forge a key, and a
 * mainland mobile number in it is masked (138****5678), whoever passed it.
 * What goes in is still the caller's responsibility: never phone numbers,
 * addresses, passwords, tokens or session ids — log ids (order no, agent
 * login, request id) instead.  Each line is written with one write(2), so lines
 * from several workers sharing a file do not interleave.
 */
#ifndef OM_LOG_H
#define OM_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* log_init: the program name on every line and the lowest level written. */
void log_init(const char *prog, enum log_level min);
/* log_to_file: append to path instead of stderr (spawn-fcgi and some
 * servers give workers no stderr); 0 or -1. */
int log_to_file(const char *path);
/* log_ev: one event.  reqid may be NULL outside a request. */
void log_ev(enum log_level lvl, const char *reqid, const char *event,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* log_format: the key=value rendering of log_ev, into buf (for tests). */
int log_format(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
