/* calls.h: what the calls program's files share */
#ifndef OM_CALLS_PAGES_H
#define OM_CALLS_PAGES_H

#include "core/req.h"

/* list.c */
void page_calls(struct req *r);
/* campaigns.c */
void page_campaigns(struct req *r);
void page_campaign_new(struct req *r);
void page_campaign(struct req *r);
void page_campaign_change(struct req *r);

#endif
