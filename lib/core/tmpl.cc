// tmpl.cc: the C bridge to ctemplate (see tmpl.h)
//
// The only C++ in ordermend.  Keys are hashed by ctemplate on every
// SetValue; the dictionary lives on ctemplate's own arena and is freed
// when tmpl_expand returns.  String values are not copied: the json-c
// model outlives the expansion.
#include <cstring>
#include <cstdio>
#include <cinttypes>
#include <set>
#include <string>
#include <dirent.h>

#include <ctemplate/template.h>
#include <ctemplate/template_dictionary.h>

#include "core/tmpl.h"

using ctemplate::TemplateDictionary;
using ctemplate::TemplateString;

static const char pragma[] = "{{%AUTOESCAPE context=\"HTML\"}}";
static std::set<std::string> loaded;

static void fill(TemplateDictionary *d, json_object *o);

// Expansion writes straight into the response buffer.
class BufEmitter : public ctemplate::ExpandEmitter {
public:
	explicit BufEmitter(struct buf *b) : b_(b) {}
	void Emit(char c) { buf_putc(b_, c); }
	void Emit(const std::string &s) { buf_add(b_, s.data(), s.size()); }
	void Emit(const char *s) { buf_puts(b_, s); }
	void Emit(const char *s, size_t n) { buf_add(b_, s, n); }
private:
	struct buf *b_;
};

static void
put(TemplateDictionary *d, const char *key, json_object *v)
{
	char num[40];
	int n;

	switch (json_object_get_type(v)) {
	case json_type_null:
		break;
	case json_type_boolean:
		if (json_object_get_boolean(v))
			d->ShowSection(key);
		break;
	case json_type_int:
		n = snprintf(num, sizeof(num), "%" PRId64, json_object_get_int64(v));
		d->SetValue(key, TemplateString(num, (size_t)n));
		break;
	case json_type_double:
		n = snprintf(num, sizeof(num), "%.2f", json_object_get_double(v));
		d->SetValue(key, TemplateString(num, (size_t)n));
		break;
	case json_type_string: {
		int len = json_object_get_string_len(v);

		d->SetValueWithoutCopy(key,
		    TemplateString(json_object_get_string(v), (size_t)len));
		break;
	}
	case json_type_object:
		fill(d->AddSectionDictionary(key), v);
		break;
	case json_type_array: {
		size_t i, n = json_object_array_length(v);

		for (i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(v, i);
			TemplateDictionary *s = d->AddSectionDictionary(key);

			if (json_object_is_type(e, json_type_object))
				fill(s, e);
			else
				put(s, "value", e);
		}
		break;
	}
	}
}

static void
fill(TemplateDictionary *d, json_object *o)
{
	if (o == NULL || !json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, key, val)
		put(d, key, val);
}

extern "C" int
tmpl_init(const char *dir, char *err, size_t errlen)
{
	ctemplate::TemplateCache *cache = ctemplate::mutable_default_template_cache();
	DIR *dp;
	struct dirent *de;
	int rc = 0;

	cache->SetTemplateRootDirectory(dir);
	if ((dp = opendir(dir)) == NULL) {
		snprintf(err, errlen, "templates: cannot open %s", dir);
		return -1;
	}
	while (rc == 0 && (de = readdir(dp)) != NULL) {
		size_t n = strlen(de->d_name);
		std::string path;
		char head[sizeof(pragma)];
		FILE *fp;

		if (n < 5 || strcmp(de->d_name + n - 4, ".tpl") != 0)
			continue;
		path = std::string(dir) + "/" + de->d_name;
		memset(head, 0, sizeof(head));
		if ((fp = fopen(path.c_str(), "r")) == NULL ||
		    fread(head, 1, sizeof(head) - 1, fp) != sizeof(head) - 1 ||
		    memcmp(head, pragma, sizeof(pragma) - 1) != 0) {
			snprintf(err, errlen, "template %s does not start with %s",
			    de->d_name, pragma);
			rc = -1;
		} else if (!cache->LoadTemplate(de->d_name, ctemplate::STRIP_BLANK_LINES)) {
			snprintf(err, errlen, "template %s does not compile", de->d_name);
			rc = -1;
		} else
			loaded.insert(std::string(de->d_name, n - 4));
		if (fp)
			fclose(fp);
	}
	closedir(dp);
	if (rc == 0 && loaded.empty()) {
		snprintf(err, errlen, "templates: none in %s", dir);
		rc = -1;
	}
	// Nothing is read from disk after start-up.
	if (rc == 0)
		cache->Freeze();
	return rc;
}

extern "C" int
tmpl_exists(const char *name)
{
	return loaded.count(name) != 0;
}

extern "C" void
tmpl_global(const char *name, const char *value)
{
	TemplateDictionary::SetGlobalValue(name, value);
}

extern "C" int
tmpl_expand(struct buf *out, const char *layout, const char *page,
    json_object *frame, json_object *model, json_object *globals)
{
	TemplateDictionary root("root");
	TemplateDictionary *body;
	std::string file;
	BufEmitter emit(out);
	size_t mark = out->len;

	if (globals && json_object_is_type(globals, json_type_object)) {
		json_object_object_foreach(globals, key, val)
			root.SetTemplateGlobalValue(key, TemplateString(
			    json_object_get_string(val),
			    (size_t)json_object_get_string_len(val)));
	}
	fill(&root, frame);
	body = root.AddIncludeDictionary("BODY");
	file = std::string(page) + ".tpl";
	body->SetFilename(file);
	fill(body, model);
	if (!ctemplate::ExpandTemplate(std::string(layout) + ".tpl",
	    ctemplate::STRIP_BLANK_LINES, &root, &emit)) {
		out->len = mark;
		if (out->p)
			out->p[mark] = '\0';
		return -1;
	}
	return 0;
}
