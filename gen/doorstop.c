#include "doorstop.h"

#include "frontmatter.h"
#include "markdown.h"

#include <string.h>

typedef struct {
	char *dir;
	char *config; /* path of .doorstop.yml */
	char *prefix;
	char *parent; /* parent document's prefix, or NULL for a root */
	gboolean markdown;
	RecordType *type;
} DoorstopDocument;

static void
document_free(gpointer data)
{
	DoorstopDocument *doc = data;

	g_free(doc->dir);
	g_free(doc->config);
	g_free(doc->prefix);
	g_free(doc->parent);
	g_free(doc);
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
find_documents(const char *dir, int depth, GPtrArray *found)
{
	GDir *gdir;
	const char *name;
	GPtrArray *names;
	char *config = project_path(dir, ".doorstop.yml");

	if (g_file_test(config, G_FILE_TEST_IS_REGULAR))
		g_ptr_array_add(found, g_strdup(dir));
	g_free(config);
	if (depth >= PROJECT_MAX_FOLDER_DEPTH || (gdir = g_dir_open(dir, 0, NULL)) == NULL)
		return;
	names = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(gdir)) != NULL)
		if (name[0] != '.')
			g_ptr_array_add(names, g_strdup(name));
	g_dir_close(gdir);
	g_ptr_array_sort(names, compare_strings);
	for (guint i = 0; i < names->len; i++) {
		char *child = project_path(dir, g_ptr_array_index(names, i));

		if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
		    !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
			find_documents(child, depth + 1, found);
		g_free(child);
	}
	g_ptr_array_free(names, TRUE);
}

gboolean
doorstop_detect(const char *dir)
{
	GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
	gboolean any;

	find_documents(dir, 0, found);
	any = found->len > 0;
	g_ptr_array_free(found, TRUE);
	return any;
}

static DoorstopDocument *
read_document(const char *dir, DiagList *diags)
{
	static const char *const known[] = {"settings", "attributes", NULL};
	static const char *const settings_keys[] = {"digits", "prefix", "sep", "parent",
	                                            "itemformat", NULL};
	DoorstopDocument *doc = g_new0(DoorstopDocument, 1);
	SourceText src;
	YamlDoc *yaml;
	const YamlNode *settings;
	const char *format;

	doc->dir = g_strdup(dir);
	doc->config = project_path(dir, ".doorstop.yml");
	if (!source_read(doc->config, diags, &src)) {
		document_free(doc);
		return NULL;
	}
	yaml = yaml_doc_parse(src.text, src.len, src.file, 1, NULL, diags);
	source_clear(&src);
	settings = yaml ? yaml_map_get(yaml->root, "settings") : NULL;
	if (settings == NULL || yaml_scalar(yaml_map_get(settings, "prefix")) == NULL) {
		if (yaml != NULL)
			diag_add(diags, DIAG_DOORSTOP_INVALID, src_pos(doc->config, 1, 1),
			         "Doorstop document has no settings.prefix; its items are not read");
		yaml_doc_free(yaml);
		document_free(doc);
		return NULL;
	}
	yaml_check_keys(yaml->root, known, diags, ".doorstop.yml");
	yaml_check_keys(settings, settings_keys, diags, "Doorstop settings");
	doc->prefix = g_strdup(yaml_scalar(yaml_map_get(settings, "prefix")));
	doc->parent = g_strdup(yaml_scalar(yaml_map_get(settings, "parent")));
	format = yaml_scalar(yaml_map_get(settings, "itemformat"));
	doc->markdown = format != NULL && strcmp(format, "markdown") == 0;
	if (yaml_map_get(yaml->root, "attributes") != NULL)
		diag_add(diags, DIAG_DOORSTOP_UNMAPPED, yaml_map_get(yaml->root, "attributes")->pos,
		         "document attributes (publishing defaults and custom attribute lists) are "
		         "not used by dossier");
	yaml_doc_free(yaml);
	return doc;
}

static void
define_type(Model *model, DoorstopDocument *doc, const GPtrArray *docs)
{
	static const struct {
		const char *name;
		FieldKind kind;
	} fields[] = {
		{"active", FIELD_BOOLEAN}, {"derived", FIELD_BOOLEAN}, {"normative", FIELD_BOOLEAN},
		{"level", FIELD_TEXT},     {"header", FIELD_TEXT},     {"text", FIELD_TEXT},
		{"ref", FIELD_TEXT},       {"reviewed", FIELD_TEXT},
	};
	FieldDef *links;

	doc->type = model_add_type(model, doc->prefix, doc->prefix);
	doc->type->title = g_strdup_printf("Doorstop %s item", doc->prefix);
	doc->type->pos = src_pos(doc->config, 1, 1);
	/* Doorstop items may carry custom attributes; keep them as text. */
	doc->type->open = TRUE;
	for (guint i = 0; i < G_N_ELEMENTS(fields); i++)
		record_type_add_field(doc->type, fields[i].name, fields[i].kind);
	/* Doorstop allows a link to any item of the tree, though its own
	 * validation expects links to the parent document. */
	links = record_type_add_field(doc->type, "links", FIELD_LINK);
	links->many = TRUE;
	links->targets = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < docs->len; i++)
		g_ptr_array_add(links->targets,
		                g_strdup(((const DoorstopDocument *)g_ptr_array_index(docs, i))->prefix));
}

static void
add_rules(Model *model, const DoorstopDocument *doc)
{
	Rule *r;

	if (doc->parent == NULL)
		return;
	/* Doorstop's own check: a normative, non-derived item of a child
	 * document links to its parent document. */
	r = g_new0(Rule, 1);
	r->code = g_strdup("doorstop-unlinked");
	r->level = DIAG_WARNING;
	r->type = g_strdup(doc->prefix);
	r->when_field = g_strdup("derived");
	r->when_default = g_strdup("false"); /* Doorstop's default */
	r->when_negated = TRUE;
	r->when_values = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(r->when_values, g_strdup("true"));
	r->roles = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(r->roles, g_strdup("links"));
	r->min = 1;
	r->message = g_strdup_printf("item of a child document is not derived and links to no "
	                             "item of its parent document %s", doc->parent);
	g_ptr_array_add(model->rules, r);
}

/* Makes a one-line title from the header, or else the first line of the
 * text without Markdown heading marks. */
static char *
make_title(const YamlNode *map, const char *uid)
{
	const char *header = yaml_scalar(yaml_map_get(map, "header"));
	const char *text = yaml_scalar(yaml_map_get(map, "text"));
	char *title;

	if (header != NULL && header[0] != '\0' && header[strspn(header, " \n")] != '\0')
		title = g_strdup(header + strspn(header, " \n"));
	else if (text != NULL && text[strspn(text, " \n#")] != '\0')
		title = g_strdup(text + strspn(text, " \n#"));
	else
		return g_strdup(uid);
	title[strcspn(title, "\n")] = '\0';
	g_strstrip(title);
	if (g_utf8_strlen(title, -1) > 100) {
		char *end = g_utf8_offset_to_pointer(title, 97);

		strcpy(end, "...");
	}
	return title;
}

/* Rewrites `links` into link entries: Doorstop writes each as a plain UID
 * or as a one-entry mapping of UID to review stamp. */
static void
read_links(Record *record, const YamlNode *links, DiagList *diags, guint *stamps)
{
	if (links == NULL || yaml_node_is_null(links))
		return;
	if (links->kind != YAML_NODE_SEQUENCE) {
		diag_add(diags, DIAG_DOORSTOP_INVALID, links->pos,
		         "'links' must be a list of item UIDs; it is ignored");
		return;
	}
	for (guint i = 0; i < links->children->len; i++) {
		const YamlNode *entry = g_ptr_array_index(links->children, i);
		const YamlNode *uid = entry;

		if (entry->kind == YAML_NODE_MAPPING && yaml_map_size(entry) == 1) {
			uid = yaml_map_key(entry, 0);
			if (!yaml_node_is_null(yaml_map_value(entry, 0)))
				(*stamps)++;
		}
		if (yaml_scalar(uid) == NULL) {
			diag_add(diags, DIAG_DOORSTOP_INVALID, entry->pos,
			         "a link must be an item UID or a UID with its review stamp; the "
			         "entry is ignored");
			continue;
		}
		record_add_link(record, "links", uid->text, uid->pos);
	}
}

static void
read_item(Project *project, const DoorstopDocument *doc, const char *path, DiagList *diags,
          guint *stamps)
{
	SourceText src;
	FrontmatterSplit split = {0};
	YamlDoc *yaml;
	const YamlNode *map;
	char *base = g_path_get_basename(path);
	char *uid = g_strndup(base, strrchr(base, '.') - base);
	gboolean is_markdown = g_str_has_suffix(path, ".md");
	size_t yaml_start = 0, yaml_len;
	int yaml_line = 1;
	Record *record;
	char *body;
	cmark_node *tree;

	project->files_read++;
	if (!source_read(path, diags, &src))
		goto out_names;
	yaml_len = src.len;
	if (is_markdown) {
		if (!frontmatter_split(&src, diags, &split))
			goto out;
		if (!split.has_frontmatter) {
			diag_add(diags, DIAG_DOORSTOP_INVALID, src_pos(src.file, 1, 1),
			         "Markdown item has no frontmatter; it is not read");
			goto out;
		}
		yaml_start = split.yaml_start;
		yaml_len = split.yaml_len;
		yaml_line = split.yaml_line;
	}
	yaml = yaml_doc_parse(src.text + yaml_start, yaml_len, src.file, yaml_line, NULL, diags);
	if (yaml == NULL)
		goto out;
	map = yaml->root;
	if (map == NULL || map->kind != YAML_NODE_MAPPING) {
		diag_add(diags, DIAG_NOT_A_MAPPING, src_pos(src.file, 1, 1),
		         "Doorstop item must be a mapping of attributes; it is not read");
		yaml_doc_free(yaml);
		goto out;
	}
	if (is_markdown)
		body = g_strndup(src.text + split.body_start, src.len - split.body_start);
	else
		body = g_strdup(yaml_scalar(yaml_map_get(map, "text")) ? yaml_map_get(map, "text")->text
		                                                       : "");
	record = record_alloc(src.file, yaml, body,
	                      is_markdown ? split.body_line
	                                  : (yaml_map_get(map, "text") != NULL
	                                             ? yaml_map_get(map, "text")->pos.line + 1
	                                             : 1));
	record->id = g_strdup(uid);
	record->type_name = g_strdup(doc->prefix);
	record->type = doc->type;
	record->title = make_title(map, uid);
	record->type_pos = record->pos;
	record_add_fields(record, map, diags);
	read_links(record, yaml_map_get(map, "links"), diags, stamps);
	if (yaml_map_get(map, "references") != NULL &&
	    !yaml_node_is_null(yaml_map_get(map, "references")))
		diag_add(diags, DIAG_DOORSTOP_UNMAPPED, yaml_map_get(map, "references")->pos,
		         "external file references of '%s' are kept but their files and hashes "
		         "are not checked", uid);
	if (is_markdown) {
		tree = markdown_parse(record->body, strlen(record->body), record->file,
		                      record->body_line, diags);
		markdown_collect_refs(record, tree, diags);
		cmark_node_free(tree);
	}
	graph_add(project->graph, record);
out:
	source_clear(&src);
out_names:
	g_free(uid);
	g_free(base);
}

static void
read_items(Project *project, const DoorstopDocument *doc, DiagList *diags)
{
	GDir *dir = g_dir_open(doc->dir, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *name;
	guint stamps = 0, items = 0;

	if (dir == NULL) {
		diag_add(diags, DIAG_IO_ERROR, src_pos(doc->dir, 0, 0), "cannot read folder");
		g_ptr_array_free(names, TRUE);
		return;
	}
	while ((name = g_dir_read_name(dir)) != NULL)
		if (name[0] != '.' && (g_str_has_suffix(name, ".yml") || g_str_has_suffix(name, ".md")))
			g_ptr_array_add(names, g_strdup(name));
	g_dir_close(dir);
	g_ptr_array_sort(names, compare_strings);
	for (guint i = 0; i < names->len; i++) {
		char *path = project_path(doc->dir, g_ptr_array_index(names, i));

		if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
			read_item(project, doc, path, diags, &stamps);
			items++;
		}
		g_free(path);
	}
	if (stamps > 0)
		diag_add(diags, DIAG_DOORSTOP_UNMAPPED, src_pos(doc->config, 1, 1),
		         "%u link review stamp%s in document %s %s kept but not verified; run "
		         "'doorstop review' to check them", stamps, stamps == 1 ? "" : "s",
		         doc->prefix, stamps == 1 ? "is" : "are");
	g_ptr_array_free(names, TRUE);
}

void
doorstop_load(Project *project, DiagList *diags)
{
	GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *docs = g_ptr_array_new_with_free_func(document_free);

	find_documents(project->dir, 0, dirs);
	for (guint i = 0; i < dirs->len; i++) {
		DoorstopDocument *doc = read_document(g_ptr_array_index(dirs, i), diags);

		if (doc != NULL)
			g_ptr_array_add(docs, doc);
	}
	for (guint i = 0; i < docs->len; i++) {
		DoorstopDocument *doc = g_ptr_array_index(docs, i);

		for (guint j = 0; j < i; j++) {
			const DoorstopDocument *other = g_ptr_array_index(docs, j);

			if (strcmp(other->prefix, doc->prefix) == 0)
				diag_add(diags, DIAG_DOORSTOP_INVALID, src_pos(doc->config, 1, 1),
				         "documents %s and %s share the prefix %s; their items are read as "
				         "one type", other->config, doc->config, doc->prefix);
		}
		if (model_type(project->model, doc->prefix) == NULL)
			define_type(project->model, doc, docs);
		else
			doc->type = (RecordType *)model_type(project->model, doc->prefix);
		add_rules(project->model, doc);
	}
	for (guint i = 0; i < docs->len; i++) {
		const DoorstopDocument *doc = g_ptr_array_index(docs, i);

		if (doc->parent != NULL && model_type(project->model, doc->parent) == NULL)
			diag_add(diags, DIAG_DOORSTOP_INVALID, src_pos(doc->config, 1, 1),
			         "parent document %s is not part of this tree; links to its items "
			         "dangle", doc->parent);
		read_items(project, doc, diags);
	}
	g_ptr_array_free(docs, TRUE);
	g_ptr_array_free(dirs, TRUE);
}
