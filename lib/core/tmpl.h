/* tmpl.h: the C bridge to ctemplate
 *
 * A page's view model is a json-c object.  tmpl_expand turns it into a
 * ctemplate dictionary and expands the layout with the page's template
 * included as BODY:
 *   object  -> a section shown once, with the object's keys inside
 *   array   -> a repeated section, one dictionary per element (scalars
 *              appear as {{value}})
 *   string  -> a value (never a section: see below)
 *   true    -> shows the section; false and null -> nothing
 *   number  -> a value
 * A section name is looked up in enclosing dictionaries too, so an object
 * without key X inside a model that has a section X would show the outer
 * one.  That is why strings never make sections: what a template shows
 * conditionally is a boolean or an object, named for what it means
 * (has_remark, errors as err_<field>).
 *
 * The frame (title, signed-in agent, banners) fills the layout's own
 * dictionary; included templates do not see it, so page values and layout
 * values never mix.  Values every template may use (static URL, CSRF token)
 * are globals.
 *
 * Templates are loaded and compiled once at start-up (tmpl_init); every
 * file must start with {{%AUTOESCAPE context="HTML"}}, so every value is
 * HTML-escaped unless a template says otherwise in plain sight.
 */
#ifndef OM_TMPL_H
#define OM_TMPL_H

#include <json-c/json.h>

#include "core/buf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* tmpl_init: load and compile every *.tpl in dir; 0, or -1 with a message
 * in err. */
int tmpl_init(const char *dir, char *err, size_t errlen);
/* tmpl_global: a value every template sees, set once at start-up. */
void tmpl_global(const char *name, const char *value);
/* tmpl_exists: 1 when name (without .tpl) was loaded. */
int tmpl_exists(const char *name);
/* tmpl_expand: render layout name `layout` with page template `page`
 * included as BODY; frame and model as above, request globals (name ->
 * string) visible in every template.  Appends to out; 0 or -1. */
int tmpl_expand(struct buf *out, const char *layout, const char *page,
    json_object *frame, json_object *model, json_object *globals);

#ifdef __cplusplus
}
#endif

#endif
