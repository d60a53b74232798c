/* arena.c: per-request bump allocator (see arena.h) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/util.h"

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;			/* usable bytes in data */
	size_t used;
	_Alignas(16) unsigned char data[];
};

static struct arena_chunk *
chunk_new(size_t size)
{
	struct arena_chunk *c = xmalloc(sizeof(*c) + size);

	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

void
arena_init(struct arena *a, size_t chunk_size)
{
	a->head = NULL;
	a->chunk_size = chunk_size ? chunk_size : 16384;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t need = (n + 15) & ~(size_t)15;
	void *p;

	if (need < n)
		die("arena: allocation of %zu bytes overflows", n);
	if (c == NULL || c->size - c->used < need) {
		size_t sz = a->head ? a->head->size * 2 : a->chunk_size;

		while (sz < need)
			sz *= 2;
		c = chunk_new(sz);
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	c->used += need;
	memset(p, 0, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	char small[256];
	int n;

	va_copy(cp, ap);
	n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0)
		die("arena_printf: bad format");
	if ((size_t)n < sizeof(small))
		return arena_strndup(a, small, (size_t)n);
	{
		char *p = arena_alloc(a, (size_t)n + 1);

		vsnprintf(p, (size_t)n + 1, fmt, ap);
		return p;
	}
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void
arena_reset(struct arena *a)
{
	struct arena_chunk *c = a->head, *next, *first = NULL;

	/* The oldest chunk is the first one made, of chunk_size bytes. */
	while (c) {
		next = c->next;
		if (next == NULL && c->size == a->chunk_size) {
			first = c;
			first->used = 0;
		} else
			free(c);
		c = next;
	}
	a->head = first;
}

void
arena_cleanup(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;

	while (c) {
		next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}
