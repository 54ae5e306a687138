#include "profile.h"

#include "check.h"
#include "frontmatter.h"
#include "template.h"

#include <string.h>

void
profile_gate_free(ProfileGate *gate)
{
	if (gate == NULL)
		return;
	g_ptr_array_free(gate->rules, TRUE);
	g_ptr_array_free(gate->errors, TRUE);
	g_free(gate->file);
	g_free(gate);
}

ProfileGate *
profile_gate_load(const Project *project, const char *profile, DiagList *diags)
{
	static const char *const known[] = {"errors", "rules", "sections", NULL};
	ProfileGate *gate = g_new0(ProfileGate, 1);
	SourceText src;
	YamlDoc *doc;
	const YamlNode *root, *rules;
	GPtrArray *errors;

	gate->rules = g_ptr_array_new_with_free_func(rule_free);
	gate->errors = g_ptr_array_new_with_free_func(g_free);
	gate->file = template_find_profile_file(project, profile, "profile.yaml");
	if (gate->file == NULL || !source_read(gate->file, diags, &src))
		return gate;
	doc = yaml_doc_parse(src.text, src.len, src.file, 1, NULL, diags);
	source_clear(&src);
	root = doc ? doc->root : NULL;
	if (root == NULL || root->kind != YAML_NODE_MAPPING) {
		if (doc != NULL)
			diag_add(diags, DIAG_TEMPLATE_INVALID, src_pos(gate->file, 1, 1),
			         "profile.yaml must be a mapping with errors, rules and sections");
		yaml_doc_free(doc);
		return gate;
	}
	yaml_check_keys(root, known, diags, "profile.yaml");
	errors = yaml_read_string_list(yaml_map_get(root, "errors"), DIAG_TEMPLATE_INVALID, diags,
	                               "errors");
	for (guint i = 0; errors != NULL && i < errors->len; i++) {
		const char *code = g_ptr_array_index(errors, i);
		gboolean known_code = FALSE;

		for (int c = 0; c < DIAG_CODE_COUNT; c++)
			known_code = known_code || strcmp(diag_code_name((DiagCode)c), code) == 0;
		for (guint r = 0; r < project->model->rules->len; r++)
			known_code = known_code ||
			             strcmp(((const Rule *)g_ptr_array_index(project->model->rules, r))->code,
			                    code) == 0;
		if (!known_code)
			diag_add(diags, DIAG_TEMPLATE_INVALID, yaml_map_get(root, "errors")->pos,
			         "profile.yaml raises '%s', which is no diagnostic code and no rule of "
			         "the model", code);
		g_ptr_array_add(gate->errors, g_strdup(code));
	}
	if (errors != NULL)
		g_ptr_array_free(errors, TRUE);
	rules = yaml_map_get(root, "rules");
	if (rules != NULL && rules->kind != YAML_NODE_SEQUENCE)
		diag_add(diags, DIAG_TEMPLATE_INVALID, rules->pos, "'rules' must be a list");
	for (guint i = 0; rules != NULL && rules->kind == YAML_NODE_SEQUENCE &&
	                  i < rules->children->len; i++) {
		Rule *rule = rule_load(project->model, g_ptr_array_index(rules->children, i), diags);

		if (rule != NULL)
			g_ptr_array_add(gate->rules, rule);
	}
	gate->sections = yaml_read_bool(yaml_map_get(root, "sections"), DIAG_TEMPLATE_INVALID,
	                                diags, "sections", FALSE);
	yaml_doc_free(doc);
	return gate;
}

void
profile_gate_check(const ProfileGate *gate, const Project *project, DiagList *diags)
{
	const char *release = yaml_scalar(yaml_map_get(project->settings, "version"));

	check_rule_list(project->graph, gate->rules, release, diags);
}

/* Headings and the block after each, in reading order: walks nested
 * blocks too, since a record section may hold its own headings. */
static void
flatten(const GPtrArray *blocks, GPtrArray *out)
{
	for (guint i = 0; blocks != NULL && i < blocks->len; i++) {
		DocBlock *b = g_ptr_array_index(blocks, i);

		g_ptr_array_add(out, b);
		if (b->kind == DOC_QUOTE || b->kind == DOC_LIST || b->kind == DOC_LIST_ITEM)
			continue;
		flatten(b->children, out);
	}
}

static char *
heading_text(const DocBlock *b)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; b->inlines != NULL && i < b->inlines->len; i++) {
		const DocInline *in = g_ptr_array_index(b->inlines, i);

		if (in->text != NULL)
			g_string_append(s, in->text);
	}
	return g_string_free(s, FALSE);
}

void
profile_gate_sections(const ProfileGate *gate, const Document *doc, DiagList *diags)
{
	GPtrArray *flat;

	if (!gate->sections)
		return;
	flat = g_ptr_array_new();
	flatten(doc->blocks, flat);
	for (guint i = 0; i < flat->len; i++) {
		const DocBlock *b = g_ptr_array_index(flat, i);
		const DocBlock *next = i + 1 < flat->len ? g_ptr_array_index(flat, i + 1) : NULL;

		if (b->kind == DOC_PARAGRAPH && b->no_records) {
			diag_add(diags, DIAG_EMPTY_SECTION, b->pos,
			         "this section of '%s' lists %s records, and the repository has none; "
			         "add them, or take the section out of the profile's template",
			         doc->title ? doc->title : doc->stem, b->text ? b->text : "the");
		} else if (b->kind == DOC_HEADING &&
		           (next == NULL || (next->kind == DOC_HEADING && next->level <= b->level) ||
		            next->kind == DOC_PAGE_BREAK)) {
			char *title = heading_text(b);

			diag_add(diags, DIAG_EMPTY_SECTION, b->pos,
			         "section '%s' of '%s' is empty: nothing follows the heading", title,
			         doc->title ? doc->title : doc->stem);
			g_free(title);
		}
	}
	g_ptr_array_free(flat, TRUE);
}

void
profile_gate_raise(const ProfileGate *gate, DiagList *diags)
{
	for (guint i = 0; i < diags->items->len; i++) {
		Diag *d = g_ptr_array_index(diags->items, i);

		if (d->level != DIAG_WARNING ||
		    !g_ptr_array_find_with_equal_func(gate->errors, d->code_name, g_str_equal, NULL))
			continue;
		d->level = DIAG_ERROR;
		diags->counts[DIAG_WARNING]--;
		diags->counts[DIAG_ERROR]++;
	}
}
