/* arena.h: per-request bump allocator
 *
 * Everything a request allocates comes from its arena and is released at once
 * when the accept loop turns (arena_reset).  The first chunk is kept between
 * requests so a steady stream of requests does not touch malloc at all; larger
 * chunks taken by a big request are returned, so RSS stays flat.
 * Allocation never fails: running out of memory aborts the process, as
 * there is nothing sensible a page could do instead.
 */
#ifndef OM_ARENA_H
#define OM_ARENA_H

#include <stddef.h>
#include <stdarg.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;	/* newest chunk first */
	size_t chunk_size;		/* size of the kept first chunk */
};

/* arena_init: an empty arena whose first chunk will be chunk_size bytes. */
void arena_init(struct arena *a, size_t chunk_size);
/* arena_alloc: n bytes aligned to 16, zeroed. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* arena_reset: release every allocation; keep the first chunk. */
void arena_reset(struct arena *a);
/* arena_cleanup: release everything, the first chunk too. */
void arena_cleanup(struct arena *a);

#endif
