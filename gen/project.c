#include "project.h"

#include "check.h"
#include "doorstop.h"
#include "frontmatter.h"
#include "input-limits.h"
#include "markdown.h"
#include "sbom-records.h"

#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK(dossier-error-quark, dossier_error)

void
project_free(Project *project)
{
	if (project == NULL)
		return;
	graph_free(project->graph);
	if (project->sbom_records)
		g_hash_table_destroy(project->sbom_records);
	if (project->sboms)
		g_ptr_array_free(project->sboms, TRUE);
	model_free(project->model);
	risk_policy_free(project->risk);
	yaml_doc_free(project->doc);
	if (project->record_dirs)
		g_ptr_array_free(project->record_dirs, TRUE);
	if (project->record_dir_pos)
		g_array_free(project->record_dir_pos, TRUE);
	g_free(project->dir);
	g_free(project->file);
	g_free(project->paper);
	g_free(project->documentation_level);
	g_free(project->submission_type);
	if (project->documents)
		g_ptr_array_free(project->documents, TRUE);
	if (project->document_pos)
		g_array_free(project->document_pos, TRUE);
	if (project->record_files)
		g_ptr_array_free(project->record_files, TRUE);
	g_free(project);
}

char *
project_path(const char *dir, const char *relative)
{
	/* Paths in diagnostics read "records/x.md", not "./records/x.md". */
	if (strcmp(dir, ".") == 0 || strcmp(dir, "./") == 0)
		return g_strdup(relative);
	return g_build_filename(dir, relative, NULL);
}

char *
project_find_model(const char *dir, const char *name)
{
	const char *env = g_getenv("DOSSIER_DATADIR");
	const char *roots[] = {env, DOSSIER_PKGDATADIR, DOSSIER_SRCDIR};
	char *file;

	if (strchr(name, '/') != NULL || g_str_has_suffix(name, ".yaml")) {
		char *path = g_path_is_absolute(name) ? g_strdup(name)
		                                      : g_build_filename(dir, name, NULL);

		/* Like records and SBOMs, a model named by path is read only from
		 * inside the repository, after symbolic links. */
		if (g_file_test(path, G_FILE_TEST_IS_REGULAR) && source_path_inside(dir, path))
			return path;
		g_free(path);
		return NULL;
	}
	file = g_strconcat(name, ".yaml", NULL);
	for (guint i = 0; i < G_N_ELEMENTS(roots); i++) {
		char *path;

		if (roots[i] == NULL || roots[i][0] == '\0')
			continue;
		path = g_build_filename(roots[i], "models", file, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
			g_free(file);
			return path;
		}
		g_free(path);
	}
	g_free(file);
	return NULL;
}

/* Reads one record file; returns the record or NULL. Touches no shared
 * state except interned strings, so workers call it in parallel. */
static Record *
read_record(const Model *model, const char *path, DiagList *diags)
{
	SourceText src;
	FrontmatterSplit split;
	YamlDoc *doc;
	cmark_node *tree;
	Record *record = NULL;
	char *body;

	if (!source_read(path, diags, &src))
		return NULL;
	if (!frontmatter_split(&src, diags, &split))
		goto out;
	if (!split.has_frontmatter) {
		diag_add(diags, DIAG_NOT_A_RECORD, src_pos(src.file, 1, 1),
		         "no frontmatter ('---' on the first line); the file is not read as a record");
		goto out;
	}
	doc = yaml_doc_parse(src.text + split.yaml_start, split.yaml_len, src.file,
	                     split.yaml_line, NULL, diags);
	if (doc == NULL)
		goto out;
	if (doc->root == NULL || yaml_node_is_null(doc->root)) {
		diag_add(diags, DIAG_EMPTY_FRONTMATTER, src_pos(src.file, 1, 1),
		         "frontmatter is empty; a record needs at least id, type and title");
		yaml_doc_free(doc);
		goto out;
	}
	if (doc->root->kind != YAML_NODE_MAPPING) {
		diag_add(diags, DIAG_NOT_A_MAPPING, doc->root->pos,
		         "frontmatter must be a mapping of fields, not %s; the file is skipped",
		         yaml_node_kind_name(doc->root));
		yaml_doc_free(doc);
		goto out;
	}
	body = g_strndup(src.text + split.body_start, src.len - split.body_start);
	record = record_new(doc, doc->root, src.file, src_pos(src.file, 1, 1), body,
	                    split.body_line, model, diags);
	if (record == NULL)
		goto out;
	tree = markdown_parse(record->body, strlen(record->body), record->file,
	                      record->body_line, diags);
	markdown_collect_refs(record, tree, diags);
	cmark_node_free(tree);
out:
	source_clear(&src);
	return record;
}

void
project_read_record_file(Project *project, const char *path, DiagList *diags)
{
	Record *record = read_record(project->model, path, diags);

	project->files_read++;
	if (record != NULL)
		graph_add(project->graph, record);
}

/* Reading in parallel: each worker takes the next unread path and keeps
 * its own diagnostics. Results are merged in path order afterwards, so the
 * output does not depend on scheduling. */
typedef struct {
	const Model *model;
	GPtrArray *paths;
	Record **records;
	DiagList **diags;
	gint next;
} ReadJob;

static gpointer
read_worker(gpointer data)
{
	ReadJob *job = data;
	guint i;

	while ((i = (guint)g_atomic_int_add(&job->next, 1)) < job->paths->len) {
		job->diags[i] = diag_list_new();
		job->records[i] = read_record(job->model, g_ptr_array_index(job->paths, i),
		                              job->diags[i]);
	}
	return NULL;
}

static void
read_records(Project *project, GPtrArray *paths, DiagList *diags)
{
	/* Past the record limit, the rest is reported and left unread: a
	 * repository of millions of files is a mistake, not a project. */
	if (paths->len > dossier_limits.records) {
		diag_add(diags, DIAG_RECORD_LIMIT, project->file ? src_pos(project->file, 1, 1)
		                                                 : src_pos(NULL, 0, 0),
		         "the records folders hold %u Markdown files, over the limit of %u "
		         "(limits.records); only the first %u in path order are read",
		         paths->len, dossier_limits.records, dossier_limits.records);
		g_ptr_array_set_size(paths, dossier_limits.records);
	}
	ReadJob job = {project->model, paths, g_new0(Record *, paths->len + 1),
	               g_new0(DiagList *, paths->len + 1), 0};
	guint workers = MIN(g_get_num_processors(), 8u);
	GThread *threads[8];

	/* Registers cmark's extensions once, before any worker needs them. */
	cmark_node_free(markdown_parse("", 0, "", 1, diags));
	if (paths->len < 64)
		workers = 1;
	for (guint w = 1; w < workers; w++)
		threads[w] = g_thread_new("read", read_worker, &job);
	read_worker(&job);
	for (guint w = 1; w < workers; w++)
		g_thread_join(threads[w]);
	for (guint i = 0; i < paths->len; i++) {
		project->files_read++;
		if (job.records[i] != NULL)
			graph_add(project->graph, job.records[i]);
		diag_list_move(diags, job.diags[i]);
		diag_list_free(job.diags[i]);
	}
	g_free(job.records);
	g_free(job.diags);
}

static int
compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
walk_folder(const char *root, const char *path, int depth, GPtrArray *found, DiagList *diags)
{
	GError *error = NULL;
	GDir *dir;
	GPtrArray *names;
	const char *name;

	if (depth > PROJECT_MAX_FOLDER_DEPTH) {
		diag_add(diags, DIAG_IO_ERROR, src_pos(path, 0, 0),
		         "folder is nested more than %d levels below the records folder; it is "
		         "not searched", PROJECT_MAX_FOLDER_DEPTH);
		return;
	}
	dir = g_dir_open(path, 0, &error);
	if (dir == NULL) {
		diag_add(diags, DIAG_IO_ERROR, src_pos(path, 0, 0),
		         "cannot read records folder: %s", error->message);
		g_error_free(error);
		return;
	}
	/* Sorted, so that reading order (and with it which of two duplicate
	 * IDs comes first) never depends on the file system. */
	names = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(dir)) != NULL)
		if (name[0] != '.')
			g_ptr_array_add(names, g_strdup(name));
	g_dir_close(dir);
	g_ptr_array_sort(names, compare_names);
	for (guint i = 0; i < names->len; i++) {
		char *child = g_build_filename(path, g_ptr_array_index(names, i), NULL);

		if (g_file_test(child, G_FILE_TEST_IS_DIR)) {
			/* Symbolic links to folders are not followed: they can form
			 * loops, and records belong inside the repository. */
			if (!g_file_test(child, G_FILE_TEST_IS_SYMLINK))
				walk_folder(root, child, depth + 1, found, diags);
			g_free(child);
		} else if (g_str_has_suffix(child, ".md")) {
			if (g_file_test(child, G_FILE_TEST_IS_SYMLINK) && !source_path_inside(root, child)) {
				diag_add(diags, DIAG_IO_ERROR, src_pos(child, 1, 1),
				         "symbolic link leads outside the repository; the file is skipped");
				g_free(child);
				continue;
			}
			g_ptr_array_add(found, child);
		} else {
			g_free(child);
		}
	}
	g_ptr_array_free(names, TRUE);
}

/* Reads project.KEY, which must be one of values when set. Returns a new
 * string, or NULL when the key is absent or invalid; an invalid value is
 * reported with what happens instead. */
static char *
read_choice(const Project *project, const char *key, const char *const *values,
            const char *expected, const char *otherwise, DiagList *diags)
{
	const YamlNode *node = yaml_map_get(project->settings, key);
	const char *text = yaml_scalar(node);

	if (node == NULL)
		return NULL;
	if (text != NULL && g_strv_contains(values, text))
		return g_strdup(text);
	if (text != NULL)
		diag_add(diags, DIAG_PROJECT_INVALID, node->pos, "project.%s must be %s, not '%s'; %s",
		         key, expected, text, otherwise);
	else
		diag_add(diags, DIAG_PROJECT_INVALID, node->pos, "project.%s must be %s, not %s; %s",
		         key, expected, yaml_node_kind_name(node), otherwise);
	return NULL;
}

/* Reads `documents`: one template name or a list of them. Entries that
 * are not texts are reported and left out. */
static void
load_documents(Project *project, const YamlNode *root, DiagList *diags)
{
	const YamlNode *node = yaml_map_get(root, "documents");
	gboolean single = node != NULL && yaml_scalar(node) != NULL;

	if (node == NULL)
		return;
	if (!single && node->kind != YAML_NODE_SEQUENCE) {
		diag_add(diags, DIAG_PROJECT_INVALID, node->pos,
		         "documents must be a list of template names, not %s; every template of "
		         "the profile is built", yaml_node_kind_name(node));
		return;
	}
	project->documents = g_ptr_array_new_with_free_func(g_free);
	project->document_pos = g_array_new(FALSE, FALSE, sizeof(SrcPos));
	for (guint i = 0; i < (single ? 1 : node->children->len); i++) {
		const YamlNode *entry = single ? node : g_ptr_array_index(node->children, i);

		if (yaml_scalar(entry) == NULL) {
			diag_add(diags, DIAG_PROJECT_INVALID, entry->pos,
			         "documents: each entry must be a template name, not %s; it is left out",
			         yaml_node_kind_name(entry));
			continue;
		}
		g_ptr_array_add(project->documents, g_strdup(entry->text));
		g_array_append_val(project->document_pos, entry->pos);
	}
}

/* Reads the settings that choose what a build writes: the FDA
 * documentation level, the submission type and the documents list. */
static void
load_profile_settings(Project *project, const YamlNode *root, DiagList *diags)
{
	static const char *const levels[] = {"basic", "enhanced", NULL};
	static const char *const types[] = {"510k", "de-novo", "pma", NULL};

	project->documentation_level =
		read_choice(project, "documentation_level", levels, "basic or enhanced",
		            "every template is built, as at the enhanced level", diags);
	project->submission_type =
		read_choice(project, "submission_type", types, "510k, de-novo or pma",
		            "the package manifest gives no submission type", diags);
	load_documents(project, root, diags);
}

static gboolean
load_settings(Project *project, DiagList *diags, GError **error)
{
	static const char *const known[] = {"project", "model", "records", "risk", "paper",
	                                    "sbom", "documents", "templates", "limits", NULL};
	SourceText src;
	const YamlNode *root, *node;
	char *model_name, *model_path;

	if (!source_read(project->file, diags, &src)) {
		g_set_error(error, DOSSIER_ERROR, 1, "cannot read %s", project->file);
		return FALSE;
	}
	project->doc = yaml_doc_parse(src.text, src.len, src.file, 1, NULL, diags);
	source_clear(&src);
	root = project->doc ? project->doc->root : NULL;
	if (root == NULL || root->kind != YAML_NODE_MAPPING) {
		if (project->doc != NULL)
			diag_add(diags, DIAG_PROJECT_INVALID, src_pos(project->file, 1, 1),
			         "dossier.yaml must be a mapping of settings");
		g_set_error(error, DOSSIER_ERROR, 1, "%s cannot be used; see the diagnostics above",
		            project->file);
		return FALSE;
	}
	yaml_check_keys(root, known, diags, "dossier.yaml");
	limits_load(yaml_map_get(root, "limits"), diags);
	project->settings = yaml_map_get(root, "project");
	if (project->settings != NULL && project->settings->kind != YAML_NODE_MAPPING) {
		diag_add(diags, DIAG_PROJECT_INVALID, project->settings->pos,
		         "'project' must be a mapping of names to texts");
		project->settings = NULL;
	}

	node = yaml_map_get(root, "model");
	model_name = node ? yaml_read_string(node, DIAG_PROJECT_INVALID, diags, "model")
	                  : g_strdup("medical-device");
	if (model_name == NULL)
		model_name = g_strdup("medical-device");
	model_path = project_find_model(project->dir, model_name);
	if (model_path == NULL) {
		g_set_error(error, DOSSIER_ERROR, 1,
		            "model '%s' named in %s not found (a path must name a file inside the "
		            "repository; a name is looked up in $DOSSIER_DATADIR/models and "
		            "%s/models)",
		            model_name, project->file, DOSSIER_PKGDATADIR);
		g_free(model_name);
		return FALSE;
	}
	g_free(model_name);
	project->model = model_load(model_path, diags);
	g_free(model_path);
	if (project->model == NULL) {
		g_set_error(error, DOSSIER_ERROR, 1, "the model cannot be used; see the diagnostics "
		            "above");
		return FALSE;
	}

	node = yaml_map_get(root, "records");
	project->record_dirs = yaml_read_string_list(node, DIAG_PROJECT_INVALID, diags, "records");
	project->record_dir_pos = g_array_new(FALSE, FALSE, sizeof(SrcPos));
	if (project->record_dirs == NULL) {
		SrcPos pos = src_pos(project->file, 1, 1);

		project->record_dirs = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(project->record_dirs, g_strdup("records"));
		g_array_append_val(project->record_dir_pos, pos);
	} else {
		for (guint i = 0; i < project->record_dirs->len; i++) {
			/* Entries that were not texts were dropped, so match by
			 * position only when the counts agree. */
			const YamlNode *entry = node->kind == YAML_NODE_SEQUENCE &&
			                                node->children->len == project->record_dirs->len
			                            ? g_ptr_array_index(node->children, i)
			                            : node;

			g_array_append_val(project->record_dir_pos, entry->pos);
		}
	}
	project->paper = yaml_read_string(yaml_map_get(root, "paper"), DIAG_PROJECT_INVALID,
	                                  diags, "paper");
	if (project->paper == NULL)
		project->paper = g_strdup("letter");
	if (strcmp(project->paper, "letter") != 0 && strcmp(project->paper, "a4") != 0)
		diag_add(diags, DIAG_PROJECT_INVALID, yaml_map_get(root, "paper")->pos,
		         "paper must be letter or a4, not '%s'", project->paper);
	project->risk = risk_policy_load(yaml_map_get(root, "risk"), diags);
	load_profile_settings(project, root, diags);
	return TRUE;
}

/* Reads the SBOM files that dossier.yaml lists under `sbom:`, checks them
 * as one set (a VEX file may name another file's components) and adds
 * their entries to the graph. A file that cannot be read is reported and
 * left out; the rest go on. */
static void
load_sboms(Project *project, const char *root, DiagList *diags)
{
	const YamlNode *node = yaml_map_get(project->doc->root, "sbom");
	GPtrArray *files;

	project->sboms = g_ptr_array_new_with_free_func((GDestroyNotify)sbom_free);
	if (node == NULL) {
		project->sbom_records = g_hash_table_new(g_str_hash, g_str_equal);
		return;
	}
	files = yaml_read_string_list(node, DIAG_PROJECT_INVALID, diags, "sbom");
	for (guint i = 0; files != NULL && i < files->len; i++) {
		const char *rel = g_ptr_array_index(files, i);
		const YamlNode *entry = node->kind == YAML_NODE_SEQUENCE && node->children->len == files->len
		                            ? g_ptr_array_index(node->children, i)
		                            : node;
		char *path = project_path(project->dir, rel);
		Sbom *sbom;

		if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
			diag_add(diags, DIAG_IO_ERROR, entry->pos,
			         "SBOM file '%s' does not exist or is not a file", path);
		else if (root == NULL || !source_path_inside(root, path))
			diag_add(diags, DIAG_IO_ERROR, entry->pos,
			         "SBOM file '%s' lies outside the repository (after symbolic links); it "
			         "is not read", path);
		else if ((sbom = sbom_read(path, diags)) != NULL)
			g_ptr_array_add(project->sboms, sbom);
		g_free(path);
	}
	if (files != NULL)
		g_ptr_array_free(files, TRUE);
	sbom_check(project->sboms, diags);
	project->sbom_records = sbom_merge(project->graph, project->sboms, diags);
}

/* Checks project.release_date, the date every document carries unless
 * SOURCE_DATE_EPOCH is set. */
static void
bind_release_date(Project *project, DiagList *diags)
{
	const YamlNode *node = yaml_map_get(project->settings, "release_date");
	char *reason;

	if (node == NULL)
		return;
	reason = yaml_scalar(node) ? check_value_kind(FIELD_DATE, node->text)
	                           : g_strdup("is not a date");
	if (reason != NULL)
		diag_add(diags, DIAG_PROJECT_INVALID, node->pos,
		         "project.release_date '%s' %s; documents are dated from SOURCE_DATE_EPOCH or "
		         "1970-01-01", yaml_scalar(node) ? node->text : "", reason);
	g_free(reason);
}

/* Resolves enum fields that take their values from a risk-policy scale.
 * A scale the policy lacks is reported once, at dossier.yaml, because the
 * fix belongs there and the model may be an installed file. */
static void
bind_scales(Project *project, DiagList *diags)
{
	GPtrArray *missing = g_ptr_array_new();

	for (guint i = 0; i < project->model->types->len; i++) {
		const RecordType *t = g_ptr_array_index(project->model->types, i);

		for (guint j = 0; j < t->fields->len; j++) {
			FieldDef *f = g_ptr_array_index(t->fields, j);
			const GPtrArray *scale;

			if (f->kind != FIELD_ENUM || f->scale == NULL || f->values != NULL)
				continue;
			scale = risk_policy_scale(project->risk, f->scale);
			if (scale == NULL) {
				if (!g_ptr_array_find_with_equal_func(missing, f->scale, g_str_equal, NULL))
					g_ptr_array_add(missing, f->scale);
				continue;
			}
			f->values = g_ptr_array_new_with_free_func(g_free);
			for (guint k = 0; k < scale->len; k++)
				g_ptr_array_add(f->values, g_strdup(g_ptr_array_index(scale, k)));
		}
	}
	for (guint i = 0; i < missing->len; i++)
		diag_add(diags, DIAG_RISK_POLICY_INVALID, src_pos(project->file, 1, 1),
		         "the model takes values from the risk-policy scale '%s', but dossier.yaml "
		         "has no risk.%s list; fields on that scale are not checked",
		         (const char *)g_ptr_array_index(missing, i),
		         (const char *)g_ptr_array_index(missing, i));
	g_ptr_array_free(missing, TRUE);
}

Project *
project_open(const char *dir, DiagList *diags, GError **error)
{
	Project *project = g_new0(Project, 1);
	char *file = project_path(dir, "dossier.yaml");
	GPtrArray *paths;
	char *root;

	project->dir = g_strdup(dir);
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		g_set_error(error, DOSSIER_ERROR, 1, "%s is not a folder", dir);
		g_free(file);
		project_free(project);
		return NULL;
	}
	if (!g_file_test(file, G_FILE_TEST_EXISTS)) {
		g_free(file);
		if (!doorstop_detect(dir)) {
			g_set_error(error, DOSSIER_ERROR, 1,
			            "%s holds neither dossier.yaml nor a Doorstop tree (.doorstop.yml); "
			            "give the folder of a records repository, such as "
			            "examples/infusion-pump", dir);
			project_free(project);
			return NULL;
		}
		project->doorstop = TRUE;
		project->model = model_new("doorstop");
		project->graph = graph_new(project->model);
		doorstop_load(project, diags);
		graph_resolve(project->graph, diags);
		return project;
	}
	project->file = file;
	if (!load_settings(project, diags, error)) {
		project_free(project);
		return NULL;
	}
	bind_scales(project, diags);
	project->graph = graph_new(project->model);
	paths = g_ptr_array_new_with_free_func(g_free);
	root = realpath(dir, NULL);
	bind_release_date(project, diags);
	for (guint i = 0; i < project->record_dirs->len; i++) {
		const char *rel = g_ptr_array_index(project->record_dirs, i);
		char *path = project_path(dir, rel);

		if (!g_file_test(path, G_FILE_TEST_IS_DIR))
			diag_add(diags, DIAG_IO_ERROR, g_array_index(project->record_dir_pos, SrcPos, i),
			         "records folder '%s' does not exist or is not a folder; nothing is read "
			         "from it", path);
		else if (root == NULL || !source_path_inside(root, path))
			diag_add(diags, DIAG_IO_ERROR, g_array_index(project->record_dir_pos, SrcPos, i),
			         "records folder '%s' lies outside the repository (after symbolic "
			         "links); nothing is read from it", path);
		else
			walk_folder(root, path, 0, paths, diags);
		g_free(path);
	}
	read_records(project, paths, diags);
	project->record_files = paths;
	load_sboms(project, root, diags);
	free(root);
	if (project->graph->records->len == 0)
		diag_add(diags, DIAG_NO_RECORDS, src_pos(project->file, 1, 1),
		         "no record found in the records folders");
	graph_resolve(project->graph, diags);
	return project;
}

void
project_check(Project *project, DiagList *diags)
{
	graph_check_cycles(project->graph, diags);
	risk_evaluate(project->risk, project->graph, diags);
	check_fields(project->graph, diags);
	check_rules(project->graph, diags);
	check_orphans(project->graph, diags);
	risk_check_safety_class(project->risk, project->graph, diags);
	sbom_check_support(project->graph,
	                   project->file ? yaml_scalar(yaml_map_get(project->settings, "release_date"))
	                                 : NULL,
	                   diags);
}

/* Returns the name of path in the input digest: relative to the
 * repository folder dir when below it (project_path writes DIR/REST),
 * else NULL. */
static char *
repository_name(const char *dir, const char *path)
{
	char *root = g_strdup(dir);
	size_t len = strlen(root);
	char *name = NULL;

	while (len > 1 && root[len - 1] == '/')
		root[--len] = '\0';
	if (strcmp(root, ".") == 0 && !g_path_is_absolute(path) && strcmp(path, "..") != 0 &&
	    !g_str_has_prefix(path, "../"))
		name = g_strdup(path);
	else if (strncmp(path, root, len) == 0 && path[len] == '/')
		name = g_strdup(path + len + strspn(path + len, "/"));
	g_free(root);
	return name;
}

static void
add_input(GHashTable *inputs, const Project *project, const char *path, const char *outside)
{
	char *name;

	if (path == NULL || !g_file_test(path, G_FILE_TEST_IS_REGULAR))
		return;
	name = repository_name(project->dir, path);
	if (name == NULL) {
		char *base = g_path_get_basename(path);

		name = g_build_filename(outside, base, NULL);
		g_free(base);
	}
	g_hash_table_insert(inputs, name, g_strdup(path));
}

GHashTable *
project_input_files(const Project *project)
{
	GHashTable *inputs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	add_input(inputs, project, project->file, ".");
	for (guint i = 0; project->record_files != NULL && i < project->record_files->len; i++)
		add_input(inputs, project, g_ptr_array_index(project->record_files, i), "records");
	/* Records from elsewhere: Doorstop items, and SBOM files, whose
	 * components are records too. */
	for (guint i = 0; i < project->graph->records->len; i++) {
		const Record *r = g_ptr_array_index(project->graph->records, i);

		add_input(inputs, project, r->file, "records");
	}
	for (guint i = 0; project->sboms != NULL && i < project->sboms->len; i++) {
		const Sbom *sbom = g_ptr_array_index(project->sboms, i);

		add_input(inputs, project, sbom->file, "sbom");
	}
	add_input(inputs, project, project->model->file, "models");
	return inputs;
}
