/* renameat2 and RENAME_EXCHANGE are GNU extensions of glibc. */
#define _GNU_SOURCE
#include "package.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

/* A text member of manifest.json. */
typedef struct {
	char *key;
	char *value; /* NULL is written as null */
} PackageInfo;

typedef struct {
	char *stem;
	char *number;
	char *title;
} PackageDocument;

static void
package_info_free(gpointer data)
{
	PackageInfo *info = data;

	g_free(info->key);
	g_free(info->value);
	g_free(info);
}

static void
package_document_free(gpointer data)
{
	PackageDocument *doc = data;

	g_free(doc->stem);
	g_free(doc->number);
	g_free(doc->title);
	g_free(doc);
}

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

/* Opens a work folder without following a symbolic link; returns -1 on
 * failure with errno set. */
static int
open_folder(const char *path)
{
	return open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Removes the work folders OUT/.NAME.partial-* that no build has locked.
 * A running build keeps the lock on its own work folder until it ends,
 * and the kernel releases the lock of a process that dies, even by
 * SIGKILL. A folder that cannot be locked for another reason (a file
 * system without flock) is left alone. */
static void
remove_dead_builds(const char *out_dir, const char *name)
{
	char *prefix = g_strdup_printf(".%s.partial-", name);
	GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
	GDir *dir = g_dir_open(out_dir, 0, NULL);
	const char *entry;

	if (dir != NULL) {
		while ((entry = g_dir_read_name(dir)) != NULL)
			if (g_str_has_prefix(entry, prefix))
				g_ptr_array_add(found, g_build_filename(out_dir, entry, NULL));
		g_dir_close(dir);
	}
	for (guint i = 0; i < found->len; i++) {
		const char *path = g_ptr_array_index(found, i);
		int fd = open_folder(path);

		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			remove_tree(path);
		close(fd);
	}
	g_ptr_array_free(found, TRUE);
	g_free(prefix);
}

/* TRUE when path still names the folder open as fd: another build may
 * have taken the lock first, found the folder unlocked and removed it. */
static gboolean
same_folder(int fd, const char *path)
{
	struct stat open_st, path_st;

	return fstat(fd, &open_st) == 0 && lstat(path, &path_st) == 0 &&
	       open_st.st_dev == path_st.st_dev && open_st.st_ino == path_st.st_ino;
}

/* Creates and locks a work folder OUT/.NAME.partial-XXXXXX. Between
 * mkdtemp and flock, another build may find the folder unlocked and
 * remove it. Nothing is written into the folder before the lock is taken
 * and the folder checked, so such a removal only costs another attempt. */
static char *
create_work_folder(const char *out_dir, const char *name, int *lock_fd, GError **error)
{
	for (int attempt = 0; attempt < 8; attempt++) {
		char *path = g_strdup_printf("%s/.%s.partial-XXXXXX", out_dir, name);
		int fd;

		if (g_mkdtemp(path) == NULL) {
			g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
			            "cannot create a staging folder in %s: %s", out_dir, g_strerror(errno));
			g_free(path);
			return NULL;
		}
		fd = open_folder(path);
		if (fd < 0) {
			g_free(path);
			continue;
		}
		/* NOTE: where the file system has no flock (some network file
		 * systems), the build goes on unlocked. Other builds cannot lock
		 * the folder either, so they leave it alone. */
		while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
			;
		if (same_folder(fd, path)) {
			*lock_fd = fd;
			return path;
		}
		close(fd);
		g_free(path);
	}
	g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
	            "cannot create a staging folder in %s: other builds removed it 8 times",
	            out_dir);
	return NULL;
}

Package *
package_begin(const char *out_dir, const char *name, GError **error)
{
	Package *p;

	if (g_mkdir_with_parents(out_dir, 0755) != 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
		            "cannot create output folder %s: %s", out_dir, g_strerror(errno));
		return NULL;
	}
	remove_dead_builds(out_dir, name);
	p = g_new0(Package, 1);
	p->lock_fd = -1;
	p->final = g_build_filename(out_dir, name, NULL);
	p->files = g_ptr_array_new_with_free_func(g_free);
	p->info = g_ptr_array_new_with_free_func(package_info_free);
	p->documents = g_ptr_array_new_with_free_func(package_document_free);
	p->work = create_work_folder(out_dir, name, &p->lock_fd, error);
	if (p->work == NULL) {
		package_free(p);
		return NULL;
	}
	p->staging = g_build_filename(p->work, name, NULL);
	if (g_mkdir(p->staging, 0755) != 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
		            "cannot create the staging folder %s: %s", p->staging, g_strerror(errno));
		package_free(p);
		return NULL;
	}
	return p;
}

char *
package_file(Package *p, const char *name)
{
	g_ptr_array_add(p->files, g_strdup(name));
	return g_build_filename(p->staging, name, NULL);
}

void
package_set_info(Package *p, const char *key, const char *value)
{
	PackageInfo *info = g_new0(PackageInfo, 1);

	info->key = g_strdup(key);
	info->value = g_strdup(value);
	g_ptr_array_add(p->info, info);
}

void
package_add_document(Package *p, const char *stem, const char *number, const char *title)
{
	PackageDocument *doc = g_new0(PackageDocument, 1);

	doc->stem = g_strdup(stem);
	doc->number = g_strdup(number);
	doc->title = g_strdup(title);
	g_ptr_array_add(p->documents, doc);
}

void
package_want_zip(Package *p, const char *date)
{
	char *zip_name = g_strconcat(p->final, ".zip", NULL);

	g_free(p->zip_final);
	g_free(p->zip_date);
	p->zip_final = zip_name;
	p->zip_date = g_strdup(date);
}

static int
compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Feeds a file's contents to sum, streaming, and counts its bytes. */
static gboolean
hash_file(const char *path, GChecksum *sum, guint64 *bytes, GError **error)
{
	FILE *in = g_fopen(path, "rb");
	guchar buffer[65536];
	size_t n;
	gboolean ok;

	*bytes = 0;
	if (in == NULL) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot read %s: %s",
		            path, g_strerror(errno));
		return FALSE;
	}
	while ((n = fread(buffer, 1, sizeof(buffer), in)) > 0) {
		g_checksum_update(sum, buffer, n);
		*bytes += n;
	}
	ok = !ferror(in);
	if (!ok)
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot read %s", path);
	fclose(in);
	return ok;
}

/* Appends name as sha256sum prints it after the two spaces; returns TRUE
 * when the line needs sha256sum's leading backslash. */
static gboolean
append_sum_name(GString *line, const char *name)
{
	gboolean escaped = strpbrk(name, "\\\n") != NULL;

	for (const char *c = name; *c; c++) {
		if (*c == '\\')
			g_string_append(line, "\\\\");
		else if (*c == '\n')
			g_string_append(line, "\\n");
		else
			g_string_append_c(line, *c);
	}
	return escaped;
}

gboolean
package_digest_inputs(Package *p, GHashTable *inputs, GError **error)
{
	GPtrArray *names = g_ptr_array_new();
	GChecksum *digest = g_checksum_new(G_CHECKSUM_SHA256);
	GHashTableIter iter;
	gpointer key;
	gboolean ok = FALSE;

	g_hash_table_iter_init(&iter, inputs);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		g_ptr_array_add(names, key);
	g_ptr_array_sort(names, compare_names);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
		GString *line = g_string_new(NULL);
		guint64 bytes;

		if (!hash_file(g_hash_table_lookup(inputs, name), sum, &bytes, error)) {
			g_checksum_free(sum);
			g_string_free(line, TRUE);
			goto out;
		}
		g_string_append_printf(line, "%s  ", g_checksum_get_string(sum));
		if (append_sum_name(line, name))
			g_string_prepend_c(line, '\\');
		g_string_append_c(line, '\n');
		g_checksum_update(digest, (const guchar *)line->str, (gssize)line->len);
		g_checksum_free(sum);
		g_string_free(line, TRUE);
	}
	g_free(p->input_sha256);
	p->input_sha256 = g_strdup(g_checksum_get_string(digest));
	p->input_files = names->len;
	ok = TRUE;
out:
	g_checksum_free(digest);
	g_ptr_array_free(names, TRUE);
	return ok;
}

static void
add_string_member(JsonBuilder *b, const char *key, const char *value)
{
	json_builder_set_member_name(b, key);
	if (value != NULL)
		json_builder_add_string_value(b, value);
	else
		json_builder_add_null_value(b);
}

/* Writes the members that describe the build: the info texts in call
 * order, the input digest and the documents. */
static void
add_build_members(Package *p, JsonBuilder *b)
{
	for (guint i = 0; i < p->info->len; i++) {
		const PackageInfo *info = g_ptr_array_index(p->info, i);

		add_string_member(b, info->key, info->value);
	}
	if (p->input_sha256 != NULL) {
		json_builder_set_member_name(b, "inputs");
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "files");
		json_builder_add_int_value(b, p->input_files);
		json_builder_set_member_name(b, "sha256");
		json_builder_add_string_value(b, p->input_sha256);
		json_builder_end_object(b);
	}
	json_builder_set_member_name(b, "documents");
	json_builder_begin_array(b);
	for (guint i = 0; i < p->documents->len; i++) {
		const PackageDocument *doc = g_ptr_array_index(p->documents, i);

		json_builder_begin_object(b);
		add_string_member(b, "file", doc->stem);
		add_string_member(b, "number", doc->number);
		add_string_member(b, "title", doc->title);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
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
	add_build_members(p, b);
	json_builder_set_member_name(b, "files");
	json_builder_begin_array(b);
	for (guint i = 0; i < names->len && ok; i++) {
		const char *name = g_ptr_array_index(names, i);
		char *file = g_build_filename(p->staging, name, NULL);
		GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
		guint64 bytes;

		ok = hash_file(file, sum, &bytes, error);
		if (ok) {
			json_builder_begin_object(b);
			json_builder_set_member_name(b, "path");
			json_builder_add_string_value(b, name);
			json_builder_set_member_name(b, "bytes");
			json_builder_add_int_value(b, (gint64)bytes);
			json_builder_set_member_name(b, "sha256");
			json_builder_add_string_value(b, g_checksum_get_string(sum));
			json_builder_end_object(b);
		}
		g_checksum_free(sum);
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

/* Converts an ISO 8601 time to MS-DOS time and date fields, which carry
 * no time zone, so every entry has the same bytes in any zone. Times
 * before 1980, which the fields cannot hold, become 1980-01-01. */
static void
dos_time(const char *iso, guint16 *dtime, guint16 *ddate)
{
	int y = 1980, mo = 1, d = 1, h = 0, mi = 0, s = 0;

	if (iso != NULL)
		sscanf(iso, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s);
	if (y < 1980 || y > 2107) {
		y = 1980;
		mo = 1;
		d = 1;
		h = mi = s = 0;
	}
	*dtime = (guint16)(h << 11 | mi << 5 | s / 2);
	*ddate = (guint16)((y - 1980) << 9 | mo << 5 | d);
}

/* Lists the zip entries: the package folder, its subfolders and every
 * file, as NAME/..., with a trailing '/' for folders. Sorted by bytes, a
 * folder comes before what it holds. */
static GPtrArray *
zip_entry_names(Package *p, const char *folder)
{
	GPtrArray *entries = g_ptr_array_new_with_free_func(g_free);
	GHashTable *folders = g_hash_table_new(g_str_hash, g_str_equal);

	g_ptr_array_add(entries, g_strconcat(folder, "/", NULL));
	for (guint i = 0; i <= p->files->len; i++) {
		const char *name = i < p->files->len ? g_ptr_array_index(p->files, i) : "manifest.json";

		g_ptr_array_add(entries, g_strconcat(folder, "/", name, NULL));
		for (const char *slash = strchr(name, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
			char *sub = g_strdup_printf("%s/%.*s/", folder, (int)(slash - name), name);

			if (g_hash_table_contains(folders, sub)) {
				g_free(sub);
				continue;
			}
			g_hash_table_add(folders, sub);
			g_ptr_array_add(entries, sub);
		}
	}
	g_hash_table_destroy(folders);
	g_ptr_array_sort(entries, compare_names);
	return entries;
}

/* Adds one entry to the zip with the fixed time and Unix permissions
 * (0755 folders, 0644 files); returns FALSE when libzip refused it. */
static gboolean
zip_add_entry(zip_t *zip, const char *entry, const char *source, guint16 dtime, guint16 ddate)
{
	gboolean folder = g_str_has_suffix(entry, "/");
	zip_int64_t index;
	zip_uint32_t mode = folder ? 040755 : 0100644;

	if (folder) {
		char *name = g_strndup(entry, strlen(entry) - 1);

		index = zip_dir_add(zip, name, ZIP_FL_ENC_UTF_8);
		g_free(name);
	} else {
		zip_source_t *src = zip_source_file(zip, source, 0, 0);

		index = src != NULL ? zip_file_add(zip, entry, src, ZIP_FL_ENC_UTF_8) : -1;
		if (index < 0 && src != NULL)
			zip_source_free(src);
	}
	return index >= 0 &&
	       zip_file_set_dostime(zip, (zip_uint64_t)index, dtime, ddate, 0) == 0 &&
	       zip_file_set_external_attributes(zip, (zip_uint64_t)index, 0, ZIP_OPSYS_UNIX,
	                                        mode << 16) == 0;
}

/* Writes the package folder, manifest included, into a zip at path. */
static gboolean
write_zip(Package *p, const char *path, GError **error)
{
	char *folder = g_path_get_basename(p->final);
	GPtrArray *entries = zip_entry_names(p, folder);
	guint16 dtime, ddate;
	int zerr = 0;
	zip_t *zip = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	gboolean ok = FALSE;

	if (zip == NULL) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, zerr);
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot create %s: %s", path,
		            zip_error_strerror(&ze));
		zip_error_fini(&ze);
		goto out;
	}
	dos_time(p->zip_date, &dtime, &ddate);
	for (guint i = 0; i < entries->len; i++) {
		const char *entry = g_ptr_array_index(entries, i);
		char *source = g_build_filename(p->work, entry, NULL);
		gboolean added = zip_add_entry(zip, entry, source, dtime, ddate);

		g_free(source);
		if (!added) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot add %s to %s: %s",
			            entry, path, zip_strerror(zip));
			zip_discard(zip);
			goto out;
		}
	}
	/* The files are read and compressed only now. */
	if (zip_close(zip) != 0) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot write %s: %s", path,
		            zip_strerror(zip));
		zip_discard(zip);
		goto out;
	}
	ok = TRUE;
out:
	g_ptr_array_free(entries, TRUE);
	g_free(folder);
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

/* Returns TRUE when nothing is at path, or a plain file that is a zip
 * holding FOLDER/manifest.json: a zip this program wrote, which may be
 * replaced. */
static gboolean
is_package_zip(const char *path, const char *folder)
{
	GStatBuf st;
	zip_t *zip;
	char *manifest;
	gboolean ok;
	int zerr = 0;

	if (g_lstat(path, &st) != 0)
		return errno == ENOENT;
	if (!S_ISREG(st.st_mode))
		return FALSE;
	zip = zip_open(path, ZIP_RDONLY, &zerr);
	if (zip == NULL)
		return FALSE;
	manifest = g_strconcat(folder, "/manifest.json", NULL);
	ok = zip_name_locate(zip, manifest, 0) >= 0;
	g_free(manifest);
	zip_discard(zip);
	return ok;
}

/* Puts the new package folder at p->final. Where the system can
 * (RENAME_EXCHANGE), an earlier package is swapped out in one step, so a
 * kill at any moment leaves one complete package in place. The earlier
 * package then sits at p->staging, and *old is set to that path.
 * Elsewhere it is first moved to work/old. Returns FALSE with the earlier
 * package back in place. */
static gboolean
swap_in_folder(Package *p, gboolean replace, char **old, GError **error)
{
	int saved;

	*old = NULL;
	if (replace && renameat2(AT_FDCWD, p->staging, AT_FDCWD, p->final, RENAME_EXCHANGE) == 0) {
		*old = g_strdup(p->staging);
		return TRUE;
	}
	if (replace && errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		goto fail;
	if (replace) {
		*old = g_build_filename(p->work, "old", NULL);
		if (g_rename(p->final, *old) != 0) {
			saved = errno;
			g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
			            "cannot move the earlier package %s aside: %s", p->final,
			            g_strerror(saved));
			g_clear_pointer(old, g_free);
			return FALSE;
		}
	}
	if (g_rename(p->staging, p->final) == 0)
		return TRUE;
	saved = errno;
	/* Put the earlier package back, so a failure leaves it intact. */
	if (*old != NULL)
		g_rename(*old, p->final);
	g_clear_pointer(old, g_free);
	errno = saved;
fail:
	saved = errno;
	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
	            "cannot rename %s to %s: %s", p->staging, p->final, g_strerror(saved));
	return FALSE;
}

/* Undoes swap_in_folder after a later step failed. */
static void
swap_out_folder(Package *p, const char *old)
{
	if (old != NULL && strcmp(old, p->staging) == 0) {
		renameat2(AT_FDCWD, p->staging, AT_FDCWD, p->final, RENAME_EXCHANGE);
		return;
	}
	g_rename(p->final, p->staging);
	if (old != NULL)
		g_rename(old, p->final);
}

gboolean
package_commit(Package *p, GError **error)
{
	char *folder = g_path_get_basename(p->final);
	char *zip_staging = NULL, *old = NULL;
	gboolean ok = FALSE, replace;
	GStatBuf st;

	if (!write_manifest(p, error))
		goto out;
	if (p->zip_final != NULL) {
		zip_staging = g_strconcat(p->staging, ".zip", NULL);
		if (!write_zip(p, zip_staging, error))
			goto out;
		if (!is_package_zip(p->zip_final, folder)) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
			            "%s exists and is not a zip written by dossier (one holding "
			            "%s/manifest.json); remove it or choose another output folder",
			            p->zip_final, folder);
			goto out;
		}
	}
	/* Only an earlier package is ever replaced: a symbolic link, a file
	 * or a folder without a manifest at the target is left alone. */
	replace = g_lstat(p->final, &st) == 0;
	if (replace && !is_package(p->final)) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
		            "%s exists and is not an unchanged package written by dossier (a "
		            "plain folder with exactly the files its manifest.json lists); remove "
		            "it or choose another output folder",
		            p->final);
		goto out;
	}
	if (!swap_in_folder(p, replace, &old, error))
		goto out;
	/* rename(2) replaces an earlier zip in one step. */
	if (zip_staging != NULL && g_rename(zip_staging, p->zip_final) != 0) {
		int saved = errno;

		swap_out_folder(p, old);
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
		            "cannot rename %s to %s: %s", zip_staging, p->zip_final, g_strerror(saved));
		goto out;
	}
	/* The work folder now contains at most the earlier package. */
	remove_tree(p->work);
	g_clear_pointer(&p->work, g_free);
	g_clear_pointer(&p->staging, g_free);
	ok = TRUE;
out:
	g_free(old);
	g_free(zip_staging);
	g_free(folder);
	return ok;
}

void
package_free(Package *p)
{
	if (p == NULL)
		return;
	/* Removed while the lock is still held, so no other build finds a
	 * half-removed folder unlocked. */
	if (p->work != NULL)
		remove_tree(p->work);
	if (p->lock_fd >= 0)
		close(p->lock_fd);
	g_free(p->work);
	g_free(p->staging);
	g_free(p->final);
	g_free(p->zip_final);
	g_free(p->zip_date);
	g_free(p->input_sha256);
	g_ptr_array_free(p->files, TRUE);
	g_ptr_array_free(p->info, TRUE);
	g_ptr_array_free(p->documents, TRUE);
	g_free(p);
}
