/* hooks.h: the hooks program's pages */
#ifndef OM_HOOKS_H
#define OM_HOOKS_H

#include "core/req.h"

void page_robot_hook(struct req *r);

#endif
