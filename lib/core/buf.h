/* buf.h: a growable byte buffer
 *
 * Used for response bodies and template output.  A buffer keeps its
 * capacity between requests (buf_reset) unless it grew past keep bytes,
 * so steady traffic does not reallocate and one huge page does not pin
 * memory for the life of the worker.
 */
#ifndef OM_BUF_H
#define OM_BUF_H

#include <stddef.h>
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

struct buf {
	char *p;	/* always NUL-terminated when cap > 0 */
	size_t len;
	size_t cap;
};

void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* buf_reset: empty the buffer; free it when its capacity exceeds keep. */
void buf_reset(struct buf *b, size_t keep);
void buf_free(struct buf *b);

#ifdef __cplusplus
}
#endif

#endif
