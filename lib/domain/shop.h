/* shop.h: the shop's vocabulary — statuses, channels, carriers — as agents
 * read them
 *
 * Codes are what the replica stores; labels are what the pages show; the
 * tone names the badge colour (CSS class badge-<tone>), and every badge
 * also shows its label, so colour is never the only signal.
 */
#ifndef OM_SHOP_H
#define OM_SHOP_H

#include <stddef.h>

#include "core/arena.h"

struct label {
	const char *code;
	const char *label;
	const char *tone;
};

extern const struct label order_statuses[];
extern const struct label payment_statuses[];
extern const struct label refund_statuses[];
extern const struct label shipment_statuses[];
extern const struct label pay_channels[];
extern const struct label carriers[];
extern const struct label order_channels[];
extern const struct label actor_types[];
extern const struct label tracking_codes[];
extern const struct label user_levels[];
extern const struct label pay_failures[];	/* payments.failure_code */
extern const struct label stock_moves[];	/* inventory_moves.kind */
extern const struct label user_actions[];	/* user_events.kind */
/* actor_names: the names systems and rules act under (order history's
 * actor, a case event's actor), as agents read them. */
extern const struct label actor_names[];

/* label_of: the entry for code in a table ending with a NULL code; an
 * unknown code gets a neutral entry showing the code itself. */
const struct label *label_of(const struct label *table, const char *code);
/* label_known: 1 when code is in the table. */
int label_known(const struct label *table, const char *code);
/* labels_in: text with every code of table that stands as a word of its
 * own (not inside a longer run of letters, digits and _) replaced by its
 * label, into the arena; text itself when it holds none.  For texts
 * stored with a code in them (a case's facts name the payment's failure
 * code). */
const char *labels_in(struct arena *a, const char *text, const struct label *table);
/* order_no_valid: 6 to 32 letters and digits (the shape, not existence). */
int order_no_valid(const char *s);

#endif
