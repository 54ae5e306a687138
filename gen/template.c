#include "template.h"

#include "frontmatter.h"
#include "markdown.h"

#include <stdlib.h>
#include <string.h>

/* Findings listed by the `checks` directive before it summarises the rest
 * as a count. */
#define CHECKS_MAX_ROWS 500

void
template_file_free(TemplateFile *t)
{
	if (t == NULL)
		return;
	g_free(t->path);
	g_free(t->stem);
	g_free(t);
}

static int
compare_templates(gconstpointer a, gconstpointer b)
{
	const TemplateFile *x = *(const TemplateFile *const *)a;
	const TemplateFile *y = *(const TemplateFile *const *)b;

	return strcmp(x->stem, y->stem);
}

GPtrArray *
template_list(const char *dir, DiagList *diags)
{
	GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)template_file_free);
	GError *error = NULL;
	GDir *gdir = g_dir_open(dir, 0, &error);
	const char *name;

	if (gdir == NULL) {
		diag_add(diags, DIAG_IO_ERROR, src_pos(dir, 0, 0), "cannot read templates folder: %s",
		         error->message);
		g_error_free(error);
		return list;
	}
	while ((name = g_dir_read_name(gdir)) != NULL) {
		TemplateFile *t;
		char *stem;

		if (name[0] == '.' || !g_str_has_suffix(name, ".md") ||
		    g_ascii_strcasecmp(name, "README.md") == 0)
			continue;
		/* FDA eCopy file names: lower case, a number prefix, no spaces. */
		if (!(g_ascii_isdigit(name[0]) && g_ascii_isdigit(name[1]) && g_ascii_isdigit(name[2]) &&
		      name[3] == '-')) {
			char *path = g_build_filename(dir, name, NULL);

			diag_add(diags, DIAG_TEMPLATE_INVALID, src_pos(path, 1, 1),
			         "template file names read NNN-name.md, as the FDA eCopy rules ask; "
			         "this file is skipped");
			g_free(path);
			continue;
		}
		t = g_new0(TemplateFile, 1);
		t->path = g_build_filename(dir, name, NULL);
		if (g_file_test(t->path, G_FILE_TEST_IS_SYMLINK) && !source_path_inside(dir, t->path)) {
			diag_add(diags, DIAG_TEMPLATE_INVALID, src_pos(t->path, 1, 1),
			         "symbolic link leads outside the templates folder; the template is "
			         "skipped");
			template_file_free(t);
			continue;
		}
		stem = g_ascii_strdown(name, (gssize)strlen(name) - 3);
		stem[3] = '_';
		for (char *p = stem; *p; p++)
			if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
				*p = '-';
		t->stem = stem;
		g_ptr_array_add(list, t);
	}
	g_dir_close(gdir);
	g_ptr_array_sort(list, compare_templates);
	return list;
}

/* Looks for templates/PROFILE, or templates/PROFILE/FILE when file is not
 * NULL, in the repository and then in the installed data. */
static char *
find_in_profile(const Project *project, const char *profile, const char *file)
{
	const char *env = g_getenv("DOSSIER_DATADIR");
	const char *roots[] = {project->dir, env, DOSSIER_PKGDATADIR, DOSSIER_SRCDIR};

	/* A profile is a folder name, never a path: "../x" would read
	 * templates from anywhere. */
	if (profile[0] == '\0' || profile[0] == '.' || strchr(profile, '/') != NULL)
		return NULL;
	for (guint i = 0; i < G_N_ELEMENTS(roots); i++) {
		char *path;

		if (roots[i] == NULL || roots[i][0] == '\0')
			continue;
		path = g_build_filename(roots[i], "templates", profile, file, NULL);
		if (g_file_test(path, file ? G_FILE_TEST_IS_REGULAR : G_FILE_TEST_IS_DIR))
			return path;
		g_free(path);
	}
	return NULL;
}

char *
template_find_profile(const Project *project, const char *profile)
{
	return find_in_profile(project, profile, NULL);
}

char *
template_find_profile_file(const Project *project, const char *profile, const char *file)
{
	return find_in_profile(project, profile, file);
}

/* Returns TRUE when a template's frontmatter sets `level: enhanced`.
 * Problems with the frontmatter are reported when the template is
 * expanded, not here. */
static gboolean
template_is_enhanced(const TemplateFile *t)
{
	DiagList *ignored = diag_list_new();
	SourceText src;
	FrontmatterSplit split;
	YamlDoc *yaml = NULL;
	gboolean enhanced = FALSE;

	if (source_read(t->path, ignored, &src)) {
		if (frontmatter_split(&src, ignored, &split) && split.has_frontmatter)
			yaml = yaml_doc_parse(src.text + split.yaml_start, split.yaml_len, src.file,
			                      split.yaml_line, NULL, ignored);
		enhanced = g_strcmp0(yaml_scalar(yaml_map_get(yaml ? yaml->root : NULL, "level")),
		                     "enhanced") == 0;
		yaml_doc_free(yaml);
		source_clear(&src);
	}
	diag_list_free(ignored);
	return enhanced;
}

/* Returns the template's file name without ".md": 010-name. */
static char *
template_base_name(const TemplateFile *t)
{
	char *base = g_path_get_basename(t->path);

	base[strlen(base) - 3] = '\0';
	return base;
}

/* TRUE when a `documents` entry names t: by its file name with or without
 * ".md", by its output name (010_name) or by the name after the number. */
static gboolean
names_template(const char *entry, const TemplateFile *t)
{
	char *file = g_path_get_basename(t->path);
	char *base = template_base_name(t);
	gboolean match = entry[0] != '\0' &&
	                 (g_ascii_strcasecmp(entry, file) == 0 ||
	                  g_ascii_strcasecmp(entry, base) == 0 ||
	                  g_ascii_strcasecmp(entry, t->stem) == 0 ||
	                  g_ascii_strcasecmp(entry, base + 4) == 0);

	g_free(file);
	g_free(base);
	return match;
}

/* Returns "010-a, 020-b" for a message. */
static char *
template_names(const GPtrArray *list)
{
	GString *names = g_string_new(NULL);

	for (guint i = 0; i < list->len; i++) {
		char *base = template_base_name(g_ptr_array_index(list, i));

		g_string_append_printf(names, "%s%s", i > 0 ? ", " : "", base);
		g_free(base);
	}
	return g_string_free(names, FALSE);
}

/* Picks the templates that the `documents` list names, in its order. */
static GPtrArray *
select_listed(const GPtrArray *list, const Project *project, DiagList *diags)
{
	GPtrArray *chosen = g_ptr_array_new();

	for (guint i = 0; i < project->documents->len; i++) {
		const char *entry = g_ptr_array_index(project->documents, i);
		SrcPos pos = g_array_index(project->document_pos, SrcPos, i);
		GPtrArray *matches = g_ptr_array_new();

		for (guint j = 0; j < list->len; j++)
			if (names_template(entry, g_ptr_array_index(list, j)))
				g_ptr_array_add(matches, g_ptr_array_index(list, j));
		if (matches->len == 0) {
			char *names = template_names(list);

			diag_add(diags, DIAG_PROJECT_INVALID, pos,
			         "documents: no template of the profile is named '%s'; it is left out "
			         "(the templates are: %s)", entry, names[0] ? names : "none");
			g_free(names);
		} else if (matches->len > 1) {
			char *names = template_names(matches);

			diag_add(diags, DIAG_PROJECT_INVALID, pos,
			         "documents: '%s' names %u templates (%s); it is left out, so give the "
			         "file name", entry, matches->len, names);
			g_free(names);
		} else if (g_ptr_array_find(chosen, g_ptr_array_index(matches, 0), NULL)) {
			diag_add(diags, DIAG_PROJECT_INVALID, pos,
			         "documents: '%s' names the same template as an earlier entry; the "
			         "document is built once, at its first place", entry);
		} else {
			g_ptr_array_add(chosen, g_ptr_array_index(matches, 0));
		}
		g_ptr_array_free(matches, TRUE);
	}
	return chosen;
}

void
template_select(GPtrArray *list, const Project *project, DiagList *diags)
{
	gboolean enhanced = project->documentation_level == NULL ||
	                    strcmp(project->documentation_level, "enhanced") == 0;
	GPtrArray *chosen;
	gpointer *all;
	gsize count;

	if (project->documents != NULL) {
		chosen = select_listed(list, project, diags);
	} else {
		chosen = g_ptr_array_new();
		for (guint i = 0; i < list->len; i++)
			if (enhanced || !template_is_enhanced(g_ptr_array_index(list, i)))
				g_ptr_array_add(chosen, g_ptr_array_index(list, i));
	}
	/* Rebuild the list in the chosen order and free the rest. */
	all = g_ptr_array_steal(list, &count);
	for (gsize i = 0; i < count; i++)
		if (!g_ptr_array_find(chosen, all[i], NULL))
			template_file_free(all[i]);
	g_free(all);
	for (guint i = 0; i < chosen->len; i++) {
		TemplateFile *t = g_ptr_array_index(chosen, i);
		char *stem = g_strdup_printf("%03u_%s", i + 1, t->stem + 4);

		g_free(t->stem);
		t->stem = stem;
		g_ptr_array_add(list, t);
	}
	g_ptr_array_free(chosen, TRUE);
}

/* Expansion state for one template. */
typedef struct {
	const Project *project;
	const Graph *graph;
	const DiagList *findings;
	DiagList *diags;
	const char *file;
	Document *doc;
	guint sections;
} Expander;

static gboolean
is_record(void *data, const char *id)
{
	const Expander *x = data;

	return graph_find(x->graph, id) != NULL;
}

/* Returns how a document names the submission type: "510(k)" for 510k. */
static const char *
submission_type_name(const char *type)
{
	static const char *const names[][2] = {
		{"510k", "510(k)"}, {"de-novo", "De Novo"}, {"pma", "PMA"}};

	for (guint i = 0; type != NULL && i < G_N_ELEMENTS(names); i++)
		if (strcmp(type, names[i][0]) == 0)
			return names[i][1];
	return NULL;
}

/* Returns project.KEY from dossier.yaml, or for submission_type_name,
 * which dossier.yaml need not set, the name of project.submission_type. */
static const char *
project_setting(const Project *project, const char *key)
{
	const char *value = yaml_scalar(yaml_map_get(project->settings, key));

	if (value == NULL && strcmp(key, "submission_type_name") == 0)
		return submission_type_name(project->submission_type);
	return value;
}

/* Replaces {{ project.NAME }} in text; unknown names are reported at their
 * place and left as written. */
static char *
substitute(const Expander *x, const char *text, int first_line)
{
	GString *out = g_string_new(NULL);
	const char *p = text;
	int line = first_line;
	const char *line_start = text;

	while (*p) {
		const char *end;

		if (*p == '\n') {
			line++;
			line_start = p + 1;
		}
		if (p[0] != '{' || p[1] != '{' || (end = strstr(p + 2, "}}")) == NULL ||
		    memchr(p, '\n', (size_t)(end - p)) != NULL) {
			g_string_append_c(out, *p++);
			continue;
		}
		{
			char *name = g_strstrip(g_strndup(p + 2, (gsize)(end - p - 2)));
			const char *value = NULL;

			if (g_str_has_prefix(name, "project."))
				value = project_setting(x->project, name + 8);
			if (value != NULL) {
				g_string_append(out, value);
			} else {
				diag_add(x->diags, DIAG_UNKNOWN_SUBSTITUTION,
				         src_pos(x->file, line, (int)g_utf8_strlen(line_start, p - line_start) + 1),
				         "'{{ %s }}' names no setting under 'project' in dossier.yaml; it is "
				         "printed as written", name);
				g_string_append_len(out, p, end + 2 - p);
			}
			g_free(name);
			p = end + 2;
		}
	}
	return g_string_free(out, FALSE);
}

/* Records */

static char *
humanize(const char *name)
{
	/* Abbreviations that read as words would be wrong in a label. */
	static const char *const acronyms[] = {"id", "fda", "cve", "cvss", "kev", "cwe", "soup",
	                                       "sw91", "p1", "p2", "url", "ifu", "sbom", NULL};
	GString *out = g_string_new(NULL);
	char **words;

	if (g_str_has_prefix(name, "incoming."))
		name += strlen("incoming.");
	else if (g_str_has_prefix(name, "related."))
		name += strlen("related.");
	words = g_strsplit_set(name, "_.", -1);
	for (char **w = words; *w; w++) {
		if (out->len > 0)
			g_string_append_c(out, ' ');
		if (g_strv_contains(acronyms, *w)) {
			char *upper = g_ascii_strup(*w, -1);

			g_string_append(out, upper);
			g_free(upper);
		} else {
			g_string_append(out, *w);
		}
	}
	g_strfreev(words);
	if (out->len > 0)
		out->str[0] = g_ascii_toupper(out->str[0]);
	return g_string_free(out, FALSE);
}

static void
add_id_list(const Expander *x, GPtrArray *inlines, GPtrArray *records)
{
	for (guint i = 0; i < records->len; i++) {
		const Record *r = g_ptr_array_index(records, i);
		char *text = g_strconcat(i ? ", " : "", r->id, NULL);

		markdown_text_inlines(text, &(MarkdownContext){is_record, (void *)x, x->file, 1, 0, NULL, NULL, NULL},
		                      inlines);
		g_free(text);
	}
}

/* How many links away a related.TYPE column looks: enough for a
 * vulnerability to reach a hazard through the component it affects and
 * the threat that uses that component, or through the security control
 * that mitigates it and that control's threat. */
#define RELATED_MAX_HOPS 3

static int
compare_records_by_index(gconstpointer a, gconstpointer b)
{
	const Record *ra = *(const Record *const *)a, *rb = *(const Record *const *)b;

	return ra->index < rb->index ? -1 : ra->index > rb->index;
}

/* Returns the records of type `type` within RELATED_MAX_HOPS links of r,
 * sorted by ID. Links are followed in either direction, but not through a
 * record of r's own type or of `type`. */
static GPtrArray *
related_records(const Record *r, const char *type)
{
	GPtrArray *found = g_ptr_array_new();
	GPtrArray *frontier = g_ptr_array_new();
	GHashTable *seen = g_hash_table_new(NULL, NULL);

	g_ptr_array_add(frontier, (gpointer)r);
	g_hash_table_add(seen, (gpointer)r);
	for (int hop = 0; hop < RELATED_MAX_HOPS && frontier->len > 0; hop++) {
		GPtrArray *next = g_ptr_array_new();

		for (guint i = 0; i < frontier->len; i++) {
			const Record *at = g_ptr_array_index(frontier, i);

			for (int dir = 0; dir < 2; dir++) {
				const GPtrArray *links = dir == 0 ? at->links : at->incoming;

				for (guint k = 0; k < links->len; k++) {
					const Link *l = g_ptr_array_index(links, k);
					Record *other = dir == 0 ? l->to : l->from;

					if (other == NULL || g_hash_table_contains(seen, other))
						continue;
					g_hash_table_add(seen, other);
					if (other->type_name != NULL && strcmp(other->type_name, type) == 0)
						g_ptr_array_add(found, other);
					else if (other->type_name == NULL || r->type_name == NULL ||
					         strcmp(other->type_name, r->type_name) != 0)
						g_ptr_array_add(next, other);
				}
			}
		}
		g_ptr_array_free(frontier, TRUE);
		frontier = next;
	}
	g_ptr_array_free(frontier, TRUE);
	g_hash_table_destroy(seen);
	g_ptr_array_sort(found, compare_records_by_index);
	return found;
}

/* Appends the inlines showing one column of a record: a field, a computed
 * value, the records that link to it in a role (incoming.ROLE), or the
 * records of a type near it in the graph (related.TYPE). */
static void
column_inlines(const Expander *x, const Record *r, const char *column, GPtrArray *inlines)
{
	MarkdownContext ctx = {is_record, (void *)x, x->file, 1, 0, NULL, NULL, NULL};
	const Field *field;

	if (g_str_has_prefix(column, "related.")) {
		GPtrArray *found = related_records(r, column + 8);

		if (found->len == 0)
			doc_inlines_add_text(inlines, "\xE2\x80\x94");
		add_id_list(x, inlines, found);
		g_ptr_array_free(found, TRUE);
		return;
	}
	if (g_str_has_prefix(column, "incoming.")) {
		GPtrArray *from = g_ptr_array_new();

		for (guint i = 0; i < r->incoming->len; i++) {
			const Link *link = g_ptr_array_index(r->incoming, i);

			if (strcmp(link->role, column + 9) == 0 && !g_ptr_array_find(from, link->from, NULL))
				g_ptr_array_add(from, link->from);
		}
		add_id_list(x, inlines, from);
		g_ptr_array_free(from, TRUE);
		return;
	}
	if (strcmp(column, "id") == 0) {
		markdown_text_inlines(r->id, &ctx, inlines);
		return;
	}
	field = record_field(r, column);
	if (field == NULL || strcmp(column, "title") == 0 || strcmp(column, "type") == 0) {
		const char *value = record_value(r, column);

		doc_inlines_add_text(inlines, value ? value : "");
		return;
	}
	if (field->value->kind == YAML_NODE_SEQUENCE) {
		for (guint i = 0; i < field->value->children->len; i++) {
			const char *item = yaml_scalar(g_ptr_array_index(field->value->children, i));

			if (i > 0)
				doc_inlines_add_text(inlines, ", ");
			markdown_text_inlines(item ? item : "", &ctx, inlines);
		}
		return;
	}
	if (yaml_scalar(field->value) != NULL)
		markdown_text_inlines(field->value->text, &ctx, inlines);
}

/* Checks that a column names something records of `type` can show. */
static gboolean
column_known(const Expander *x, const RecordType *type, const char *column)
{
	static const char *const builtin[] = {"id", "title", "type", "initial_risk", "residual_risk",
	                                      "required_safety_class", NULL};

	for (const char *const *b = builtin; *b; b++)
		if (strcmp(column, *b) == 0)
			return TRUE;
	if (g_str_has_prefix(column, "related."))
		return model_type(x->graph->model, column + 8) != NULL;
	if (g_str_has_prefix(column, "incoming.")) {
		const Model *model = x->graph->model;

		for (guint i = 0; i < model->types->len; i++) {
			const FieldDef *f = record_type_field(g_ptr_array_index(model->types, i), column + 9);

			if (f != NULL && f->kind == FIELD_LINK)
				return TRUE;
		}
		return FALSE;
	}
	return type == NULL || type->open || record_type_field(type, column) != NULL;
}

typedef struct {
	char *name;
	char *label;
	double weight;
} Column;

static void
column_free(gpointer data)
{
	Column *c = data;

	g_free(c->name);
	g_free(c->label);
	g_free(c);
}

static GPtrArray *
read_columns(const Expander *x, const YamlNode *node, const RecordType *type, const char *defaults)
{
	GPtrArray *columns = g_ptr_array_new_with_free_func(column_free);
	char **names = NULL;

	if (node == NULL) {
		names = g_strsplit(defaults, ",", -1);
		for (char **n = names; *n; n++) {
			Column *c = g_new0(Column, 1);

			c->name = g_strdup(*n);
			c->label = humanize(*n);
			c->weight = strcmp(*n, "title") == 0 ? 3.0 : strcmp(*n, "id") == 0 ? 1.3 : 1.6;
			g_ptr_array_add(columns, c);
		}
		g_strfreev(names);
		return columns;
	}
	if (node->kind != YAML_NODE_SEQUENCE) {
		diag_add(x->diags, DIAG_DIRECTIVE_INVALID, node->pos,
		         "'columns' must be a list of field names or {field, label} mappings");
		return columns;
	}
	for (guint i = 0; i < node->children->len; i++) {
		const YamlNode *item = g_ptr_array_index(node->children, i);
		const char *name = yaml_scalar(item);
		const char *label = NULL, *width = NULL;
		Column *c;

		if (item->kind == YAML_NODE_MAPPING) {
			name = yaml_scalar(yaml_map_get(item, "field"));
			label = yaml_scalar(yaml_map_get(item, "label"));
			width = yaml_scalar(yaml_map_get(item, "width"));
		}
		if (name == NULL) {
			diag_add(x->diags, DIAG_DIRECTIVE_INVALID, item->pos,
			         "a column must be a field name or a mapping with 'field'; it is skipped");
			continue;
		}
		if (!column_known(x, type, name)) {
			diag_add(x->diags, DIAG_UNKNOWN_COLUMN, item->pos,
			         "column '%s' is not a field of '%s', a computed value or "
			         "incoming.ROLE; the column is left out", name, type ? type->name : "?");
			continue;
		}
		c = g_new0(Column, 1);
		c->name = g_strdup(name);
		c->label = label ? g_strdup(label) : humanize(name);
		c->weight = strcmp(name, "title") == 0 ? 3.0 : strcmp(name, "id") == 0 ? 1.3 : 1.6;
		if (width != NULL) {
			double w = g_ascii_strtod(width, NULL);

			if (w > 0 && w < 100)
				c->weight = w;
			else
				diag_add(x->diags, DIAG_DIRECTIVE_INVALID, item->pos,
				         "column width must be a positive number, not '%s'", width);
		}
		g_ptr_array_add(columns, c);
	}
	return columns;
}

/* The paragraph a directive leaves when it selects no records. When the
 * repository has no record of the type at all, the section is a gap the
 * release gate reports, so the block is marked and its text names the
 * type. When a `where` filter excludes every record, the section states
 * that none match (no unresolved anomalies, for example): not a gap. */
static DocBlock *
no_records_paragraph(const Expander *x, const RecordType *type, const YamlNode *directive)
{
	gboolean any = FALSE;
	DocBlock *b;

	for (guint i = 0; i < x->graph->records->len && !any; i++)
		any = ((const Record *)g_ptr_array_index(x->graph->records, i))->type == type;
	if (any)
		return doc_paragraph("No record of this type matches the selection.", directive->pos);
	b = doc_paragraph("No records of this type.", directive->pos);
	b->no_records = TRUE;
	b->text = g_strdup(type->name);
	return b;
}

/* Returns the records of a type that pass the `where` filter, sorted. */
typedef struct {
	const char *field;
	const FieldDef *def;
	gboolean descending;
} SortKey;

static int
sort_value_index(const SortKey *key, const char *value)
{
	if (key->def == NULL || key->def->values == NULL || value == NULL)
		return -1;
	for (guint i = 0; i < key->def->values->len; i++)
		if (strcmp(g_ptr_array_index(key->def->values, i), value) == 0)
			return (int)i;
	return -1;
}

static int
compare_by_key(gconstpointer a, gconstpointer b, gpointer data)
{
	const SortKey *key = data;
	const Record *x = *(const Record *const *)a;
	const Record *y = *(const Record *const *)b;
	const char *vx = record_value(x, key->field);
	const char *vy = record_value(y, key->field);
	int ix = sort_value_index(key, vx), iy = sort_value_index(key, vy);
	int c;

	/* Enum fields sort in the model's order (severity by scale, not by
	 * spelling); records without a value go last. */
	if (ix >= 0 || iy >= 0)
		if (ix == iy)
			c = 0;
		else if (ix < 0)
			c = 1;
		else if (iy < 0)
			c = -1;
		else
			c = ix < iy ? -1 : 1;
	else if (vx == NULL || vy == NULL)
		if (vx == vy)
			c = 0;
		else
			c = vx == NULL ? 1 : -1;
	else
		c = strcmp(vx, vy);
	if (key->descending)
		c = -c;
	return c != 0 ? c : strcmp(x->id, y->id);
}

static gboolean
matches_where(const Record *r, const YamlNode *where)
{
	for (guint i = 0; i < yaml_map_size(where); i++) {
		const char *field = yaml_scalar(yaml_map_key(where, i));
		const YamlNode *want = yaml_map_value(where, i);
		const char *value = field ? record_value(r, field) : NULL;
		gboolean any = FALSE;

		if (want->kind == YAML_NODE_SEQUENCE) {
			for (guint j = 0; j < want->children->len && !any; j++) {
				const char *w = yaml_scalar(g_ptr_array_index(want->children, j));

				any = value != NULL && w != NULL && strcmp(value, w) == 0;
			}
		} else {
			any = value != NULL && yaml_scalar(want) != NULL && strcmp(value, want->text) == 0;
		}
		if (!any)
			return FALSE;
	}
	return TRUE;
}

/* Reports filter fields the type lacks and enum values outside the
 * field's list: either would silently empty the table. */
static void
check_where(const Expander *x, const RecordType *type, const YamlNode *where)
{
	for (guint i = 0; i < yaml_map_size(where); i++) {
		const YamlNode *key = yaml_map_key(where, i);
		const YamlNode *want = yaml_map_value(where, i);
		const FieldDef *def;

		if (yaml_scalar(key) == NULL)
			continue;
		if (!column_known(x, type, key->text)) {
			diag_add(x->diags, DIAG_UNKNOWN_COLUMN, key->pos,
			         "'where' names '%s', which is not a field of '%s'; no record matches",
			         key->text, type->name);
			continue;
		}
		def = record_type_field(type, key->text);
		if (def == NULL || def->values == NULL)
			continue;
		for (guint j = 0; j < (want->kind == YAML_NODE_SEQUENCE ? want->children->len : 1); j++) {
			const YamlNode *v = want->kind == YAML_NODE_SEQUENCE
			                        ? g_ptr_array_index(want->children, j) : want;
			const char *text = yaml_scalar(v);

			if (text != NULL &&
			    !g_ptr_array_find_with_equal_func(def->values, text, g_str_equal, NULL))
				diag_add(x->diags, DIAG_DIRECTIVE_INVALID, v->pos,
				         "'where' value '%s' is not one of the values of '%s'; no record "
				         "matches it", text, key->text);
		}
	}
}

static GPtrArray *
select_records(const Expander *x, const RecordType *type, const YamlNode *directive)
{
	GPtrArray *out = g_ptr_array_new();
	const YamlNode *where = yaml_map_get(directive, "where");
	const char *sort = yaml_scalar(yaml_map_get(directive, "sort"));
	SortKey key = {"id", NULL, FALSE};

	if (where != NULL && where->kind != YAML_NODE_MAPPING) {
		diag_add(x->diags, DIAG_DIRECTIVE_INVALID, where->pos,
		         "'where' must map field names to a value or a list of values; it is ignored");
		where = NULL;
	}
	check_where(x, type, where);
	for (guint i = 0; i < x->graph->records->len; i++) {
		const Record *r = g_ptr_array_index(x->graph->records, i);

		if (r->type == type && graph_find(x->graph, r->id) == r &&
		    (where == NULL || matches_where(r, where)))
			g_ptr_array_add(out, (gpointer)r);
	}
	if (sort != NULL) {
		key.descending = sort[0] == '-';
		key.field = sort + (key.descending ? 1 : 0);
		if (!column_known(x, type, key.field)) {
			diag_add(x->diags, DIAG_UNKNOWN_COLUMN, yaml_map_get(directive, "sort")->pos,
			         "sort key '%s' is not a field of '%s'; records are sorted by ID",
			         key.field, type->name);
			key.field = "id";
		}
		key.def = record_type_field(type, key.field);
	}
	g_ptr_array_sort_with_data(out, compare_by_key, &key);
	return out;
}

static const RecordType *
directive_type(const Expander *x, const YamlNode *node, const char *kind)
{
	const char *name = yaml_scalar(node);
	const RecordType *type = name ? model_type(x->graph->model, name) : NULL;

	if (type == NULL)
		diag_add(x->diags, DIAG_UNKNOWN_COLUMN, node->pos,
		         "'%s' names '%s', which is not a record type of the model; the directive "
		         "is skipped", kind, name ? name : yaml_node_kind_name(node));
	return type;
}

static DocBlock *
build_table(const Expander *x, const GPtrArray *records, const GPtrArray *columns, SrcPos pos)
{
	DocBlock *b = doc_block_new(DOC_TABLE, pos);
	double total = 0;
	GPtrArray *row;

	b->table = doc_table_new(columns->len, 1);
	for (guint c = 0; c < columns->len; c++)
		total += ((const Column *)g_ptr_array_index(columns, c))->weight;
	for (guint c = 0; c < columns->len; c++)
		b->table->widths[c] = ((const Column *)g_ptr_array_index(columns, c))->weight / total;
	row = doc_table_add_row(b->table);
	for (guint c = 0; c < columns->len; c++)
		g_ptr_array_add(doc_table_cell(row, c),
		                doc_paragraph(((const Column *)g_ptr_array_index(columns, c))->label, pos));
	for (guint i = 0; i < records->len; i++) {
		const Record *r = g_ptr_array_index(records, i);

		row = doc_table_add_row(b->table);
		for (guint c = 0; c < columns->len; c++) {
			const char *name = ((const Column *)g_ptr_array_index(columns, c))->name;
			DocBlock *p = doc_block_new(DOC_PARAGRAPH, r->pos);

			column_inlines(x, r, name, p->inlines);
			/* The row is where a record without its own section is
			 * described; renderers keep the first target of a name. */
			if (strcmp(name, "id") == 0)
				p->anchor = doc_anchor_for("", r->id);
			g_ptr_array_add(doc_table_cell(row, c), p);
		}
	}
	return b;
}

static void
directive_table(Expander *x, const YamlNode *d, const YamlNode *kind_node, GPtrArray *out,
                const char *kind, const char *defaults)
{
	const RecordType *type = directive_type(x, kind_node, kind);
	GPtrArray *columns, *records;

	if (type == NULL)
		return;
	columns = read_columns(x, yaml_map_get(d, "columns"), type, defaults);
	records = select_records(x, type, d);
	if (columns->len > 0) {
		if (records->len == 0)
			g_ptr_array_add(out, no_records_paragraph(x, type, d));
		else
			g_ptr_array_add(out, build_table(x, records, columns, d->pos));
	}
	g_ptr_array_free(records, TRUE);
	g_ptr_array_free(columns, TRUE);
}

static void
add_field_row(DocTable *table, const char *label, GPtrArray *inlines, SrcPos pos)
{
	GPtrArray *row = doc_table_add_row(table);
	DocBlock *value = doc_block_new(DOC_PARAGRAPH, pos);

	g_ptr_array_add(doc_table_cell(row, 0), doc_paragraph(label, pos));
	while (inlines->len > 0)
		g_ptr_array_add(value->inlines, g_ptr_array_steal_index(inlines, 0));
	g_ptr_array_add(doc_table_cell(row, 1), value);
}

static void
record_section(Expander *x, const Record *r, int level, const GPtrArray *fields, GPtrArray *out)
{
	DocBlock *heading = doc_block_new(DOC_HEADING, r->pos);
	DocBlock *table = doc_block_new(DOC_TABLE, r->pos);
	GPtrArray *inlines = g_ptr_array_new_with_free_func((GDestroyNotify)doc_inline_free);
	GPtrArray *roles = g_ptr_array_new();
	char *title = g_strdup_printf("%s \xE2\x80\x93 %s", r->id, r->title ? r->title : "");

	heading->level = level;
	heading->anchor = doc_anchor_for("", r->id);
	doc_inlines_add_text(heading->inlines, title);
	g_ptr_array_add(out, heading);

	table->table = doc_table_new(2, 0);
	table->table->widths[0] = 0.28;
	table->table->widths[1] = 0.72;
	for (guint i = 0; i < fields->len; i++) {
		const char *name = g_ptr_array_index(fields, i);
		char *label;

		column_inlines(x, r, name, inlines);
		if (inlines->len == 0)
			continue;
		label = humanize(name);
		add_field_row(table->table, label, inlines, r->pos);
		g_free(label);
	}
	/* What traces here, by role, in the order the links were resolved. */
	for (guint i = 0; i < r->incoming->len; i++) {
		const Link *link = g_ptr_array_index(r->incoming, i);

		if (!g_ptr_array_find_with_equal_func(roles, link->role, g_str_equal, NULL))
			g_ptr_array_add(roles, (gpointer)link->role);
	}
	for (guint i = 0; i < roles->len; i++) {
		char *column = g_strconcat("incoming.", g_ptr_array_index(roles, i), NULL);
		char *role = humanize(g_ptr_array_index(roles, i));
		char *label = g_strdup_printf("Traced from (%s)", role);

		g_free(role);

		column_inlines(x, r, column, inlines);
		add_field_row(table->table, label, inlines, r->pos);
		g_free(label);
		g_free(column);
	}
	if (table->table->rows->len > 0)
		g_ptr_array_add(out, table);
	else
		doc_block_free(table);

	if (r->body != NULL && r->body[strspn(r->body, " \t\n")] != '\0') {
		cmark_node *tree = markdown_parse(r->body, strlen(r->body), r->file, r->body_line, NULL);
		char *dir = g_path_get_dirname(r->file);
		MarkdownContext ctx = {is_record, x,   r->file,         r->body_line, level,
		                       dir,       x->project->dir, x->diags};

		markdown_to_blocks(tree, &ctx, out);
		cmark_node_free(tree);
		g_free(dir);
	}
	g_ptr_array_free(roles, TRUE);
	g_ptr_array_free(inlines, TRUE);
	g_free(title);
}

static void
directive_records(Expander *x, const YamlNode *d, const YamlNode *kind_node, GPtrArray *out)
{
	const RecordType *type = directive_type(x, kind_node, "records");
	const YamlNode *fields_node = yaml_map_get(d, "fields");
	const char *level_text = yaml_scalar(yaml_map_get(d, "heading_level"));
	GPtrArray *fields, *records;
	int level = 2;

	if (type == NULL)
		return;
	if (level_text != NULL) {
		guint64 v;

		if (g_ascii_string_to_unsigned(level_text, 10, 1, 4, &v, NULL))
			level = (int)v;
		else
			diag_add(x->diags, DIAG_DIRECTIVE_INVALID, yaml_map_get(d, "heading_level")->pos,
			         "heading_level must be 1 to 4, not '%s'; 2 is used", level_text);
	}
	fields = g_ptr_array_new_with_free_func(g_free);
	if (fields_node != NULL) {
		GPtrArray *columns = read_columns(x, fields_node, type, "");

		for (guint i = 0; i < columns->len; i++)
			g_ptr_array_add(fields, g_strdup(((Column *)g_ptr_array_index(columns, i))->name));
		g_ptr_array_free(columns, TRUE);
	} else {
		for (guint i = 0; i < type->fields->len; i++)
			g_ptr_array_add(fields, g_strdup(((FieldDef *)g_ptr_array_index(type->fields, i))->name));
		g_ptr_array_add(fields, g_strdup("initial_risk"));
		g_ptr_array_add(fields, g_strdup("residual_risk"));
		g_ptr_array_add(fields, g_strdup("required_safety_class"));
	}
	records = select_records(x, type, d);
	if (records->len == 0)
		g_ptr_array_add(out, no_records_paragraph(x, type, d));
	for (guint i = 0; i < records->len; i++)
		record_section(x, g_ptr_array_index(records, i), level, fields, out);
	g_ptr_array_free(records, TRUE);
	g_ptr_array_free(fields, TRUE);
}

static int
compare_record_index(gconstpointer a, gconstpointer b)
{
	const Record *x = *(const Record *const *)a;
	const Record *y = *(const Record *const *)b;

	return x->index < y->index ? -1 : x->index > y->index;
}

static void
directive_matrix(Expander *x, const YamlNode *d, const YamlNode *kind_node, GPtrArray *out)
{
	GPtrArray *types = yaml_read_string_list(kind_node, DIAG_DIRECTIVE_INVALID, x->diags, "matrix");
	DocBlock *b;
	GPtrArray *records, *row;
	const RecordType *first;

	if (types == NULL || types->len < 2) {
		diag_add(x->diags, DIAG_DIRECTIVE_INVALID, kind_node->pos,
		         "'matrix' needs a list of at least two record types, such as [user-need, "
		         "software-requirement, test]; the directive is skipped");
		goto out;
	}
	for (guint i = 0; i < types->len; i++) {
		if (model_type(x->graph->model, g_ptr_array_index(types, i)) == NULL) {
			diag_add(x->diags, DIAG_UNKNOWN_COLUMN, kind_node->pos,
			         "'matrix' names '%s', which is not a record type of the model; the "
			         "directive is skipped", (const char *)g_ptr_array_index(types, i));
			goto out;
		}
	}
	first = model_type(x->graph->model, g_ptr_array_index(types, 0));
	records = select_records(x, first, d);
	b = doc_block_new(DOC_TABLE, d->pos);
	b->table = doc_table_new(types->len, 1);
	row = doc_table_add_row(b->table);
	for (guint c = 0; c < types->len; c++) {
		const RecordType *t = model_type(x->graph->model, g_ptr_array_index(types, c));

		g_ptr_array_add(doc_table_cell(row, c), doc_paragraph(t->title, d->pos));
	}
	for (guint i = 0; i < records->len; i++) {
		const Record *r = g_ptr_array_index(records, i);

		row = doc_table_add_row(b->table);
		for (guint c = 0; c < types->len; c++) {
			DocBlock *p = doc_block_new(DOC_PARAGRAPH, r->pos);

			if (c == 0) {
				column_inlines(x, r, "id", p->inlines);
				doc_inlines_add_text(p->inlines, " \xE2\x80\x93 ");
				doc_inlines_add_text(p->inlines, r->title ? r->title : "");
			} else {
				GPtrArray *linked = graph_connected(x->graph, r, first->name,
				                                    g_ptr_array_index(types, c));

				g_ptr_array_sort(linked, compare_record_index);
				if (linked->len == 0)
					doc_inlines_add_text(p->inlines, "\xE2\x80\x94 none");
				add_id_list(x, p->inlines, linked);
				g_ptr_array_free(linked, TRUE);
			}
			g_ptr_array_add(doc_table_cell(row, c), p);
		}
	}
	g_ptr_array_add(out, b);
	g_ptr_array_free(records, TRUE);
out:
	if (types != NULL)
		g_ptr_array_free(types, TRUE);
}

static void
directive_risk_matrix(Expander *x, const YamlNode *d, const YamlNode *kind_node, GPtrArray *out)
{
	const RiskPolicy *p = x->project->risk;
	const RecordType *type = directive_type(x, kind_node, "risk-matrix");
	DocBlock *b;

	if (type == NULL)
		return;
	if (p == NULL) {
		diag_add(x->diags, DIAG_DIRECTIVE_INVALID, d->pos,
		         "'risk-matrix' needs the risk policy in dossier.yaml; the directive is skipped");
		return;
	}
	if (record_type_field(type, p->severity_field) == NULL ||
	    record_type_field(type, p->probability_field) == NULL) {
		diag_add(x->diags, DIAG_DIRECTIVE_INVALID, kind_node->pos,
		         "records of type '%s' have no '%s' and '%s' fields to place on the risk "
		         "matrix; the directive is skipped", type->name, p->severity_field,
		         p->probability_field);
		return;
	}
	b = doc_block_new(DOC_RISK_MATRIX, d->pos);
	b->matrix = doc_risk_matrix_new(p->severity, p->probability);
	for (guint i = 0; i < p->severity->len * p->probability->len; i++)
		b->matrix->levels[i] = (DocRiskLevel)p->matrix[i];
	for (guint i = 0; i < x->graph->records->len; i++) {
		const Record *r = g_ptr_array_index(x->graph->records, i);
		int initial, residual;

		if (r->type == type && risk_record_cells(p, r, &initial, &residual)) {
			b->matrix->before[initial]++;
			b->matrix->after[residual]++;
		}
	}
	g_ptr_array_add(out, b);
}

static void
directive_checks(Expander *x, const YamlNode *d, GPtrArray *out)
{
	const DiagList *f = x->findings;
	char *summary;
	DocBlock *b;
	GPtrArray *row;
	guint shown = 0, listed = 0;

	summary = g_strdup_printf("The records were checked with dossier %s: %u errors, %u warnings "
	                          "and %u notes.", PACKAGE_VERSION, f->counts[DIAG_ERROR],
	                          f->counts[DIAG_WARNING], f->counts[DIAG_NOTE]);
	g_ptr_array_add(out, doc_paragraph(summary, d->pos));
	g_free(summary);
	for (guint i = 0; i < f->items->len; i++)
		if (((const Diag *)g_ptr_array_index(f->items, i))->level != DIAG_NOTE)
			listed++;
	if (listed == 0)
		return;
	b = doc_block_new(DOC_TABLE, d->pos);
	b->table = doc_table_new(3, 1);
	b->table->widths[0] = 0.3;
	b->table->widths[1] = 0.15;
	b->table->widths[2] = 0.55;
	row = doc_table_add_row(b->table);
	g_ptr_array_add(doc_table_cell(row, 0), doc_paragraph("Location", d->pos));
	g_ptr_array_add(doc_table_cell(row, 1), doc_paragraph("Level and code", d->pos));
	g_ptr_array_add(doc_table_cell(row, 2), doc_paragraph("Finding", d->pos));
	for (guint i = 0; i < f->items->len && shown < CHECKS_MAX_ROWS; i++) {
		const Diag *diag = g_ptr_array_index(f->items, i);
		char *where, *level;

		if (diag->level == DIAG_NOTE)
			continue;
		where = diag->pos.file ? g_strdup_printf("%s:%d", diag->pos.file, diag->pos.line)
		                       : g_strdup("project");
		level = g_strdup_printf("%s [%s]", diag_level_name(diag->level), diag->code_name);
		row = doc_table_add_row(b->table);
		g_ptr_array_add(doc_table_cell(row, 0), doc_paragraph(where, d->pos));
		g_ptr_array_add(doc_table_cell(row, 1), doc_paragraph(level, d->pos));
		g_ptr_array_add(doc_table_cell(row, 2), doc_paragraph(diag->message, d->pos));
		shown++;
		g_free(where);
		g_free(level);
	}
	g_ptr_array_add(out, b);
	if (listed > shown) {
		char *more = g_strdup_printf("%u further findings are not listed here; see "
		                             "check-report.txt.", listed - shown);

		g_ptr_array_add(out, doc_paragraph(more, d->pos));
		g_free(more);
	}
}

static void
add_column(GPtrArray *columns, const char *name, const char *label, double weight)
{
	Column *c;

	if (name == NULL)
		return;
	c = g_new0(Column, 1);
	c->name = g_strdup(name);
	c->label = g_strdup(label);
	c->weight = weight;
	g_ptr_array_add(columns, c);
}

/* `sbom` and `vulnerabilities`: tables of the records the model's sbom
 * section names, with default columns drawn from its field mapping, so a
 * template needs no field names. `columns`, `where` and `sort` work as in
 * `table`; `related: [TYPE...]` adds related.TYPE columns (for example the
 * hazards a vulnerability can lead to). Components sort by title. */
static void
directive_sbom(Expander *x, const YamlNode *d, const YamlNode *kind_node, GPtrArray *out,
               gboolean vulnerabilities)
{
	const Model *model = x->graph->model;
	const SbomMapping *map = vulnerabilities ? &model->sbom_vulnerability : &model->sbom_component;
	const SbomMapping *vmap = &model->sbom_vulnerability;
	const char *kind = vulnerabilities ? "vulnerabilities" : "sbom";
	const RecordType *type = map->type ? model_type(model, map->type) : NULL;
	const YamlNode *related = yaml_map_get(d, "related");
	GPtrArray *columns, *records, *types = NULL;

	if (type == NULL) {
		diag_add(x->diags, DIAG_DIRECTIVE_INVALID, kind_node->pos,
		         "'%s' needs the model's sbom section to name the record type of %s; the "
		         "directive is skipped", kind, vulnerabilities ? "vulnerabilities" : "components");
		return;
	}
	if (!yaml_node_is_null(kind_node) &&
	    !(kind_node->kind == YAML_NODE_MAPPING && yaml_map_size(kind_node) == 0)) {
		gboolean on;

		if (yaml_scalar(kind_node) == NULL || !yaml_parse_bool(kind_node->text, &on) || !on) {
			diag_add(x->diags, DIAG_DIRECTIVE_INVALID, kind_node->pos,
			         "'%s' takes {} or true, with its options as keys beside it, not '%s'; "
			         "the directive is skipped", kind,
			         yaml_scalar(kind_node) ? kind_node->text : yaml_node_kind_name(kind_node));
			return;
		}
	}
	if (yaml_map_get(d, "columns") != NULL) {
		columns = read_columns(x, yaml_map_get(d, "columns"), type, "id,title");
	} else {
		columns = g_ptr_array_new_with_free_func(column_free);
		if (!vulnerabilities) {
			add_column(columns, "title", "Component", 2.2);
			add_column(columns, sbom_mapping_field(map, "version"), "Version", 1.2);
			add_column(columns, sbom_mapping_field(map, "supplier"), "Supplier", 1.8);
			add_column(columns, sbom_mapping_field(map, "licence"), "Licence", 1.4);
			add_column(columns, sbom_mapping_field(map, "level_of_support"), "Support", 1.3);
			add_column(columns, sbom_mapping_field(map, "end_of_support"), "End of support",
			           1.3);
			if (vmap->type != NULL && vmap->link != NULL) {
				char *name = g_strconcat("incoming.", vmap->link, NULL);

				add_column(columns, name, "Vulnerabilities", 1.6);
				g_free(name);
			}
		} else {
			add_column(columns, "id", "Record", 1.6);
			add_column(columns, sbom_mapping_field(map, "id"), "Vulnerability", 1.6);
			add_column(columns, map->link, "Component", 1.5);
			add_column(columns, sbom_mapping_field(map, "score"), "Score", 0.8);
			add_column(columns, sbom_mapping_field(map, "severity"), "Severity", 1.0);
			add_column(columns, sbom_mapping_field(map, "state"), "State", 1.2);
			add_column(columns, sbom_mapping_field(map, "justification"), "Justification", 2.4);
		}
	}
	if (related != NULL) {
		types = yaml_read_string_list(related, DIAG_DIRECTIVE_INVALID, x->diags, "related");
		for (guint i = 0; types != NULL && i < types->len; i++) {
			const char *t = g_ptr_array_index(types, i);
			const RecordType *rt = model_type(model, t);
			char *name = g_strconcat("related.", t, NULL);

			if (rt == NULL)
				diag_add(x->diags, DIAG_UNKNOWN_COLUMN, related->pos,
				         "'related' names '%s', which is not a record type of the model", t);
			else
				add_column(columns, name, rt->title ? rt->title : t, 1.5);
			g_free(name);
		}
		if (types != NULL)
			g_ptr_array_free(types, TRUE);
	}
	records = select_records(x, type, d);
	if (!vulnerabilities && yaml_map_get(d, "sort") == NULL) {
		SortKey key = {"title", NULL, FALSE};

		g_ptr_array_sort_with_data(records, compare_by_key, &key);
	}
	if (records->len == 0)
		g_ptr_array_add(out, doc_paragraph(vulnerabilities ? "No known vulnerabilities."
		                                                   : "No SOUP components.",
		                                   d->pos));
	else if (columns->len > 0)
		g_ptr_array_add(out, build_table(x, records, columns, d->pos));
	g_ptr_array_free(records, TRUE);
	g_ptr_array_free(columns, TRUE);
}

static const char *const directive_kinds[] = {"records", "table", "matrix", "risk-matrix",
                                              "checks", "history", "toc", "page-break", "sbom",
                                              "vulnerabilities", NULL};

static void
expand_directive(Expander *x, const char *text, int first_line, SrcPos fence, GPtrArray *out)
{
	YamlDoc *yaml = yaml_doc_parse(text, strlen(text), x->file, first_line, NULL, x->diags);
	const YamlNode *d = yaml ? yaml->root : NULL;
	const YamlNode *key, *value;
	const char *kind;
	static const char *const options[] = {"records", "table", "matrix", "risk-matrix", "checks",
	                                      "history", "toc", "page-break", "columns", "where",
	                                      "sort", "fields", "heading_level", "sbom",
	                                      "vulnerabilities", "related", NULL};

	if (yaml == NULL)
		return;
	if (d == NULL || d->kind != YAML_NODE_MAPPING || yaml_map_size(d) == 0) {
		diag_add(x->diags, DIAG_UNKNOWN_DIRECTIVE, fence,
		         "a dossier block must hold a mapping whose first key is the directive (%s); "
		         "the block is skipped", "records, table, matrix, risk-matrix, checks, "
		         "history, toc, page-break, sbom or vulnerabilities");
		goto out;
	}
	key = yaml_map_key(d, 0);
	value = yaml_map_value(d, 0);
	kind = yaml_scalar(key) ? key->text : "";
	if (!g_strv_contains(directive_kinds, kind)) {
		diag_add(x->diags, DIAG_UNKNOWN_DIRECTIVE, key->pos,
		         "unknown directive '%s'; use records, table, matrix, risk-matrix, checks, "
		         "history, toc, page-break, sbom or vulnerabilities; the block is skipped",
		         kind);
		goto out;
	}
	yaml_check_keys(d, options, x->diags, "a dossier directive");
	if (strcmp(kind, "records") == 0)
		directive_records(x, d, value, out);
	else if (strcmp(kind, "table") == 0)
		directive_table(x, d, value, out, "table", "id,title");
	else if (strcmp(kind, "history") == 0)
		directive_table(x, d, value, out, "history", "version,date,changes");
	else if (strcmp(kind, "matrix") == 0)
		directive_matrix(x, d, value, out);
	else if (strcmp(kind, "risk-matrix") == 0)
		directive_risk_matrix(x, d, value, out);
	else if (strcmp(kind, "checks") == 0)
		directive_checks(x, d, out);
	else if (strcmp(kind, "sbom") == 0)
		directive_sbom(x, d, value, out, FALSE);
	else if (strcmp(kind, "vulnerabilities") == 0)
		directive_sbom(x, d, value, out, TRUE);
	else if (strcmp(kind, "toc") == 0 || strcmp(kind, "page-break") == 0) {
		gboolean on;

		if (yaml_scalar(value) == NULL || !yaml_parse_bool(value->text, &on))
			diag_add(x->diags, DIAG_DIRECTIVE_INVALID, value->pos,
			         "'%s' takes true or false, not '%s'; the block is skipped", kind,
			         yaml_scalar(value) ? value->text : yaml_node_kind_name(value));
		else if (on)
			g_ptr_array_add(out, doc_block_new(strcmp(kind, "toc") == 0 ? DOC_TOC
			                                                            : DOC_PAGE_BREAK,
			                                   key->pos));
	}
out:
	yaml_doc_free(yaml);
}

/* Returns TRUE for the info string of a directive block: "dossier",
 * optionally followed by spaces and more words. */
static gboolean
is_directive_info(const char *info)
{
	info += strspn(info, " \t");
	return g_str_has_prefix(info, "dossier") && (info[7] == '\0' || g_ascii_isspace(info[7]));
}

/* Walks the template's top-level Markdown, expanding directive blocks in
 * place and converting everything else. */
static void
expand_body(Expander *x, const char *body, int body_line, GPtrArray *out)
{
	cmark_node *tree = markdown_parse(body, strlen(body), x->file, body_line, x->diags);
	char *dir = g_path_get_dirname(x->file);
	MarkdownContext ctx = {is_record, x, x->file, body_line, 0, dir, dir, x->diags};
	cmark_node *node = cmark_node_first_child(tree);

	while (node != NULL) {
		cmark_node *next = cmark_node_next(node);
		const char *info = cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK
		                       ? cmark_node_get_fence_info(node) : NULL;

		if (info != NULL && is_directive_info(info)) {
			int line = body_line + cmark_node_get_start_line(node) - 1;

			expand_directive(x, cmark_node_get_literal(node), line + 1,
			                 src_pos(x->file, line, 1), out);
		} else {
			/* Convert one node at a time, so directives keep their place. */
			cmark_node *single = cmark_node_new(CMARK_NODE_DOCUMENT);

			cmark_node_unlink(node);
			cmark_node_append_child(single, node);
			markdown_to_blocks(single, &ctx, out);
			cmark_node_free(single);
		}
		node = next;
	}
	cmark_node_free(tree);
	g_free(dir);
}

static void
collect_heading_anchors(const GPtrArray *blocks, GHashTable *set)
{
	for (guint i = 0; i < blocks->len; i++) {
		const DocBlock *b = g_ptr_array_index(blocks, i);

		if (b->kind == DOC_HEADING && b->anchor != NULL)
			g_hash_table_add(set, b->anchor);
		collect_heading_anchors(b->children, set);
	}
}

/* Keeps one target per name: a record's own section wins over the table
 * rows that list it, and of several rows the first wins. */
static void
drop_table_anchors(GPtrArray *blocks, GHashTable *headings, GHashTable *seen, gboolean in_table)
{
	for (guint i = 0; i < blocks->len; i++) {
		DocBlock *b = g_ptr_array_index(blocks, i);

		if (in_table && b->anchor != NULL) {
			if (g_hash_table_contains(headings, b->anchor) ||
			    g_hash_table_contains(seen, b->anchor))
				g_clear_pointer(&b->anchor, g_free);
			else
				g_hash_table_add(seen, b->anchor);
		}
		drop_table_anchors(b->children, headings, seen, in_table);
		if (b->table != NULL)
			for (guint r = 0; r < b->table->rows->len; r++) {
				GPtrArray *row = g_ptr_array_index(b->table->rows, r);

				for (guint c = 0; c < row->len; c++)
					drop_table_anchors(g_ptr_array_index(row, c), headings, seen, TRUE);
			}
	}
}

/* Gives every heading without an anchor a stable one: s1, s2, ... */
static void
name_sections(Expander *x, GPtrArray *blocks)
{
	for (guint i = 0; i < blocks->len; i++) {
		DocBlock *b = g_ptr_array_index(blocks, i);

		if (b->kind == DOC_HEADING && b->anchor == NULL)
			b->anchor = g_strdup_printf("s%u", ++x->sections);
		name_sections(x, b->children);
	}
}

/* Reports a frontmatter `level` other than basic or enhanced. */
static void
check_level(const YamlNode *node, DiagList *diags)
{
	const char *text = yaml_scalar(node);

	if (node == NULL ||
	    (text != NULL && (strcmp(text, "basic") == 0 || strcmp(text, "enhanced") == 0)))
		return;
	if (text != NULL)
		diag_add(diags, DIAG_TEMPLATE_INVALID, node->pos,
		         "level must be basic or enhanced, not '%s'; the template is built at every "
		         "documentation level", text);
	else
		diag_add(diags, DIAG_TEMPLATE_INVALID, node->pos,
		         "level must be basic or enhanced, not %s; the template is built at every "
		         "documentation level", yaml_node_kind_name(node));
}

/* Returns the document number: PREFIX-NUMBER from project.document_prefix
 * and the template's `number`, else PREFIX-NNN with NNN the document's
 * place in the package (the digits that start its stem). Without a prefix
 * it is NUMBER or NNN alone. */
static char *
document_number(const char *prefix, const char *number, const char *stem)
{
	char *place = g_strndup(stem, strspn(stem, "0123456789"));
	const char *own = number != NULL ? number : place;
	char *result;

	if (prefix != NULL && own[0] != '\0')
		result = g_strdup_printf("%s-%s", prefix, own);
	else
		result = g_strdup(prefix != NULL ? prefix : own);
	g_free(place);
	return result;
}

Document *
template_expand(const TemplateFile *t, const Project *project, const DiagList *findings,
                const char *date, DiagList *diags)
{
	static const char *const known[] = {"title", "number", "revision", "subject", "level", NULL};
	Expander x = {project, project->graph, findings, diags, NULL, NULL, 0};
	SourceText src;
	FrontmatterSplit split;
	YamlDoc *yaml = NULL;
	const YamlNode *fm;
	const char *title, *prefix, *number, *version;
	char *body = NULL, *heading_text;
	Document *doc = NULL;
	DocBlock *heading, *intro;

	if (!source_read(t->path, diags, &src))
		return NULL;
	x.file = src.file;
	if (!frontmatter_split(&src, diags, &split))
		goto out;
	if (split.has_frontmatter)
		yaml = yaml_doc_parse(src.text + split.yaml_start, split.yaml_len, src.file,
		                      split.yaml_line, NULL, diags);
	fm = yaml ? yaml->root : NULL;
	title = yaml_scalar(yaml_map_get(fm, "title"));
	if (title == NULL) {
		diag_add(diags, DIAG_TEMPLATE_INVALID, src_pos(src.file, 1, 1),
		         "a template needs frontmatter with at least 'title'; the document is not built");
		goto out;
	}
	yaml_check_keys(fm, known, diags, "template frontmatter");
	check_level(yaml_map_get(fm, "level"), diags);

	doc = doc_new();
	doc->title = g_strdup(title);
	prefix = project_setting(project, "document_prefix");
	number = yaml_scalar(yaml_map_get(fm, "number"));
	version = project_setting(project, "version");
	doc->number = document_number(prefix, number, t->stem);
	doc->revision = g_strdup(yaml_scalar(yaml_map_get(fm, "revision")) ? yaml_map_get(fm, "revision")->text
	                                                                     : version ? version : "-");
	doc->author = g_strdup(project_setting(project, "manufacturer"));
	doc->subject = g_strdup(yaml_scalar(yaml_map_get(fm, "subject")) ? yaml_map_get(fm, "subject")->text
	                                                                    : project_setting(project, "device_name"));
	doc->stem = g_strdup(t->stem);

	heading = doc_block_new(DOC_HEADING, src_pos(src.file, 1, 1));
	heading->level = 1;
	heading->anchor = g_strdup(DOC_TITLE_ANCHOR);
	heading_text = substitute(&x, title, 1);
	doc_inlines_add_text(heading->inlines, heading_text);
	g_free(heading_text);
	g_ptr_array_add(doc->blocks, heading);
	{
		char *line = g_strdup_printf("%s \xC2\xB7 %s \xC2\xB7 Document %s \xC2\xB7 Revision %s"
		                             " \xC2\xB7 %s",
		                             project_setting(project, "device_name")
		                                 ? project_setting(project, "device_name") : "Device",
		                             project_setting(project, "manufacturer")
		                                 ? project_setting(project, "manufacturer") : "",
		                             doc->number, doc->revision, date ? date : "undated");

		intro = doc_paragraph(line, heading->pos);
		g_ptr_array_add(doc->blocks, intro);
		g_free(line);
	}

	body = substitute(&x, src.text + split.body_start, split.body_line);
	expand_body(&x, body, split.body_line, doc->blocks);
	name_sections(&x, doc->blocks);
	{
		GHashTable *headings = g_hash_table_new(g_str_hash, g_str_equal);
		GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

		collect_heading_anchors(doc->blocks, headings);
		drop_table_anchors(doc->blocks, headings, seen, FALSE);
		g_hash_table_destroy(headings);
		g_hash_table_destroy(seen);
	}
out:
	g_free(body);
	yaml_doc_free(yaml);
	source_clear(&src);
	return doc;
}

void
template_add_references(Document *doc, const Project *project, GHashTable *defined_in)
{
	GHashTable *mentioned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	GHashTable *local = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	GPtrArray *missing = g_ptr_array_new();
	const Graph *graph = project->graph;
	DocBlock *heading;

	doc_collect_xrefs(doc, mentioned);
	doc_collect_anchors(doc, "", local);
	/* Walking the graph's sorted records keeps the entries in ID order. */
	for (guint i = 0; i < graph->records->len; i++) {
		const Record *r = g_ptr_array_index(graph->records, i);
		char *anchor = doc_anchor_for("", r->id);

		if (g_hash_table_contains(mentioned, anchor) && !g_hash_table_contains(local, anchor) &&
		    graph_find(graph, r->id) == r)
			g_ptr_array_add(missing, (gpointer)r);
		g_free(anchor);
	}
	if (missing->len == 0)
		goto out;
	heading = doc_block_new(DOC_HEADING, src_pos(NULL, 0, 0));
	heading->level = 1;
	heading->anchor = g_strdup("referenced-records");
	doc_inlines_add_text(heading->inlines, "Referenced records");
	g_ptr_array_add(doc->blocks, heading);
	g_ptr_array_add(doc->blocks,
	                doc_paragraph("Records this document mentions that other documents of "
	                              "the submission describe in full.", src_pos(NULL, 0, 0)));
	for (guint i = 0; i < missing->len; i++) {
		const Record *r = g_ptr_array_index(missing, i);
		DocBlock *p = doc_block_new(DOC_PARAGRAPH, r->pos);
		DocInline *id = doc_inline_new(DOC_STRONG, NULL);
		char *anchor = doc_anchor_for("", r->id);
		const char *file = g_hash_table_lookup(defined_in, anchor);
		char *rest = g_strdup_printf(" \xE2\x80\x93 %s (%s). %s%s%s", r->title ? r->title : "",
		                             r->type ? r->type->title : "record",
		                             file ? "Described in " : "Not described in this package",
		                             file ? file : "", ".");

		p->anchor = anchor;
		doc_inlines_add_text(id->children, r->id);
		g_ptr_array_add(p->inlines, id);
		doc_inlines_add_text(p->inlines, rest);
		g_ptr_array_add(doc->blocks, p);
		g_free(rest);
	}
out:
	g_ptr_array_free(missing, TRUE);
	g_hash_table_destroy(mentioned);
	g_hash_table_destroy(local);
}
