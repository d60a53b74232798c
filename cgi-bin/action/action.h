/* action.h: what the action program's files share */
#ifndef OM_ACTION_H
#define OM_ACTION_H

#include "core/req.h"

/* actions.c */
void page_actions(struct req *r);
void page_action_change(struct req *r);
/* approvals.c */
void page_approvals(struct req *r);
void page_approval_decide(struct req *r);

#endif
