/* text.h: amounts and personal data as people read them
 *
 * Money is kept in fen (integers) everywhere; these make the text pages,
 * case facts and timeline lines show.  Masks keep personal data off pages
 * for agents who may not see it.
 */
#ifndef OM_TEXT_H
#define OM_TEXT_H

#include <stddef.h>

#include "core/arena.h"

/* yuan: amount in fen as "1,234.56" (negative: "-1,234.56"). */
char *yuan(struct arena *a, long long fen);
/* yuan_to: the same into a buffer. */
#define YUAN_MAX 48
void yuan_to(char out[YUAN_MAX], long long fen);
/* yuan_plain: amount in fen as "1234.56", for JSON and form values. */
char *yuan_plain(struct arena *a, long long fen);
/* mask_phone: "138****5678"; anything that is not 7+ digits is masked
 * whole. */
char *mask_phone(struct arena *a, const char *phone);
/* phone_mobile: 1 when d is a mainland mobile: 11 digits, 1[3-9]... */
int phone_mobile(const char *d);
/* phone_read: a mainland mobile as people type it, as its 11 digits in
 * out; 0, or -1 when it is none.  Digits may be full-width; spaces (any
 * width), dashes (any), dots and brackets are dropped; a + only before
 * the first digit; a leading 86 or 0086 country code is taken off. */
int phone_read(const char *in, char out[12]);
/* mask_tail: the first keep characters and "***". */
char *mask_tail(struct arena *a, const char *s, size_t keep);

#endif
