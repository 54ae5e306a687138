#include "package.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>

char *
package_name(const char *device, const char *version)
{
	GString *s = g_string_new(NULL);
	char *raw = g_strdup_printf("%s-%s", device ? device : "device", version ? version : "0");

	for (const char *p = raw; *p; p++) {
		char c = g_ascii_tolower(*p);

		if (g_ascii_isalnum(c) || c == '.')
			g_string_append_c(s, c);
		else if (s->len > 0 && s->str[s->len - 1] != '-')
			g_string_append_c(s, '-');
	}
	while (s->len > 0 && (s->str[s->len - 1] == '-' || s->str[s->len - 1] == '.'))
		g_string_truncate(s, s->len - 1);
	/* A name made only of dots would address a parent folder. */
	if (s->len == 0 || strspn(s->str, ".") == s->len)
		g_string_assign(s, "package");
	g_free(raw);
	return g_string_free(s, FALSE);
}

Package *
package_begin(const char *out_dir, const char *name, GError **error)
{
	Package *p;
	char *template;

	if (g_mkdir_with_parents(out_dir, 0755) != 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
		            "cannot create output folder %s: %s", out_dir, g_strerror(errno));
		return NULL;
	}
	p = g_new0(Package, 1);
	p->final = g_build_filename(out_dir, name, NULL);
	template = g_strdup_printf("%s/.%s.partial-XXXXXX", out_dir, name);
	p->staging = g_mkdtemp(template);
	if (p->staging == NULL) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
		            "cannot create a staging folder in %s: %s", out_dir, g_strerror(errno));
		g_free(template);
		g_free(p->final);
		g_free(p);
		return NULL;
	}
	g_chmod(p->staging, 0755);
	p->files = g_ptr_array_new_with_free_func(g_free);
	return p;
}

char *
package_file(Package *p, const char *name)
{
	g_ptr_array_add(p->files, g_strdup(name));
	return g_build_filename(p->staging, name, NULL);
}

/* Removes a folder the package wrote, with its files and subfolders. */
static void
remove_tree(const char *path)
{
	GDir *dir;
	const char *name;
	GStatBuf st;

	/* Never follow a symbolic link out of the package. */
	if (g_lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		g_unlink(path);
		return;
	}
	dir = g_dir_open(path, 0, NULL);
	if (dir != NULL) {
		while ((name = g_dir_read_name(dir)) != NULL) {
			char *child = g_build_filename(path, name, NULL);

			remove_tree(child);
			g_free(child);
		}
		g_dir_close(dir);
	}
	g_rmdir(path);
}

static int
compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static gboolean
write_manifest(Package *p, GError **error)
{
	JsonBuilder *b = json_builder_new();
	JsonGenerator *gen = json_generator_new();
	JsonNode *root;
	GPtrArray *names = g_ptr_array_new();
	char *path, *text;
	gboolean ok = TRUE;

	for (guint i = 0; i < p->files->len; i++)
		g_ptr_array_add(names, g_ptr_array_index(p->files, i));
	g_ptr_array_sort(names, compare_names);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "files");
	json_builder_begin_array(b);
	for (guint i = 0; i < names->len && ok; i++) {
		const char *name = g_ptr_array_index(names, i);
		char *file = g_build_filename(p->staging, name, NULL);
		char *data = NULL;
		gsize len = 0;

		if (!g_file_get_contents(file, &data, &len, error)) {
			ok = FALSE;
		} else {
			char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);

			json_builder_begin_object(b);
			json_builder_set_member_name(b, "path");
			json_builder_add_string_value(b, name);
			json_builder_set_member_name(b, "bytes");
			json_builder_add_int_value(b, (gint64)len);
			json_builder_set_member_name(b, "sha256");
			json_builder_add_string_value(b, sum);
			json_builder_end_object(b);
			g_free(sum);
		}
		g_free(data);
		g_free(file);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	json_generator_set_indent(gen, 2);
	text = json_generator_to_data(gen, NULL);
	path = g_build_filename(p->staging, "manifest.json", NULL);
	if (ok && !g_file_set_contents(path, text, -1, error))
		ok = FALSE;
	g_free(path);
	g_free(text);
	json_node_unref(root);
	g_object_unref(gen);
	g_object_unref(b);
	g_ptr_array_free(names, TRUE);
	return ok;
}

/* Adds the files below path (relative names) to set; returns FALSE when
 * it meets anything but plain files and folders. */
static gboolean
list_files(const char *root, const char *relative, GHashTable *set)
{
	char *path = relative ? g_build_filename(root, relative, NULL) : g_strdup(root);
	GDir *dir = g_dir_open(path, 0, NULL);
	const char *name;
	gboolean ok = dir != NULL;

	while (ok && (name = g_dir_read_name(dir)) != NULL) {
		char *child_rel = relative ? g_build_filename(relative, name, NULL) : g_strdup(name);
		char *child = g_build_filename(root, child_rel, NULL);
		GStatBuf st;

		if (g_lstat(child, &st) != 0)
			ok = FALSE;
		else if (S_ISDIR(st.st_mode))
			ok = list_files(root, child_rel, set);
		else if (S_ISREG(st.st_mode))
			g_hash_table_add(set, g_strdup(child_rel));
		else
			ok = FALSE;
		g_free(child);
		g_free(child_rel);
	}
	if (dir != NULL)
		g_dir_close(dir);
	g_free(path);
	return ok;
}

/* Returns TRUE when path is a plain folder holding exactly the files its
 * manifest.json lists, and the manifest itself: a package this program
 * wrote, untouched, that may be replaced. A folder with a file a person
 * added is not. */
static gboolean
is_package(const char *path)
{
	GHashTable *files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	JsonParser *parser = json_parser_new();
	char *manifest = g_build_filename(path, "manifest.json", NULL);
	GStatBuf st;
	gboolean ok = FALSE;
	JsonNode *root;
	JsonArray *list;

	if (g_lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) || !list_files(path, NULL, files) ||
	    !g_hash_table_remove(files, "manifest.json") ||
	    !json_parser_load_from_file(parser, manifest, NULL))
		goto out;
	root = json_parser_get_root(parser);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root) ||
	    !json_object_has_member(json_node_get_object(root), "files"))
		goto out;
	list = json_object_get_array_member(json_node_get_object(root), "files");
	for (guint i = 0; list != NULL && i < json_array_get_length(list); i++) {
		JsonObject *entry = json_array_get_object_element(list, i);
		const char *name = entry ? json_object_get_string_member_with_default(entry, "path", NULL)
		                         : NULL;

		if (name == NULL || !g_hash_table_remove(files, name))
			goto out;
	}
	ok = list != NULL && g_hash_table_size(files) == 0;
out:
	g_object_unref(parser);
	g_hash_table_destroy(files);
	g_free(manifest);
	return ok;
}

gboolean
package_commit(Package *p, GError **error)
{
	char *old = NULL;
	GStatBuf st;

	if (!write_manifest(p, error))
		return FALSE;
	/* Only an earlier package is ever replaced: a symbolic link, a file
	 * or a folder without a manifest at the target is left alone. */
	if (g_lstat(p->final, &st) == 0 && !is_package(p->final)) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
		            "%s exists and is not an unchanged package written by dossier (a "
		            "plain folder with exactly the files its manifest.json lists); remove "
		            "it or choose another output folder",
		            p->final);
		return FALSE;
	}
	if (g_lstat(p->final, &st) == 0) {
		old = g_strdup_printf("%s.old-XXXXXX", p->staging);
		if (g_mkdtemp(old) == NULL || g_rmdir(old) != 0 || g_rename(p->final, old) != 0) {
			g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
			            "cannot move the earlier package %s aside: %s", p->final,
			            g_strerror(errno));
			g_free(old);
			return FALSE;
		}
	}
	if (g_rename(p->staging, p->final) != 0) {
		int saved = errno;

		/* Put the earlier package back, so a failure leaves it intact. */
		if (old != NULL)
			g_rename(old, p->final);
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
		            "cannot rename %s to %s: %s", p->staging, p->final, g_strerror(saved));
		g_free(old);
		return FALSE;
	}
	if (old != NULL)
		remove_tree(old);
	g_free(old);
	g_free(p->staging);
	p->staging = NULL;
	return TRUE;
}

void
package_free(Package *p)
{
	if (p == NULL)
		return;
	if (p->staging != NULL)
		remove_tree(p->staging);
	g_free(p->staging);
	g_free(p->final);
	g_ptr_array_free(p->files, TRUE);
	g_free(p);
}
