/* util.h: small helpers shared by every program
 *
 * x*alloc abort on out-of-memory; die() is for start-up and the command line
 * only, never for the request path of a worker.
 */
#ifndef OM_UTIL_H
#define OM_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* die: print "prog: message" on stderr and exit(1). */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* utf8_valid: 1 when s[0..n) is well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
int utf8_valid(const char *s, size_t n);
/* utf8_len: number of code points in a valid UTF-8 string. */
size_t utf8_len(const char *s, size_t n);
/* str_has_ctl: 1 when s[0..n) holds a NUL, DEL or a C0 control other than
 * tab, CR and LF. */
int str_has_ctl(const char *s, size_t n);
/* str_startswith / str_endswith: plain prefix and suffix tests. */
int str_startswith(const char *s, const char *prefix);
int str_endswith(const char *s, const char *suffix);
/* str_in_list: 1 when name is one of the comma-separated names in list
 * (NULL: none). */
int str_in_list(const char *list, const char *name);
/* parse_i64: a whole string of optional '-' and decimal digits into *out;
 * -1 on empty input, junk or overflow. */
int parse_i64(const char *s, size_t n, long long *out);

/* parse_time: "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" into "YYYY-MM-DD HH:MM:SS"
 * (out holds 20 bytes); a bare date is the start of the day, or its end
 * when end is set.  -1 on any other shape or an impossible date. */
int parse_time(const char *in, int end, char out[20]);
/* parse_yuan: "12", "12.3", "12.34" (yuan) into fen; -1 on anything else. */
int parse_yuan(const char *in, long long *fen);

/* now_ms: monotonic milliseconds, for durations. */
int64_t now_ms(void);

#endif
