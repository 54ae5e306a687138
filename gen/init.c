#include "init.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

/* Removes what init_repository copied into a folder; path is never a
 * symbolic link, because init_repository creates only files and folders. */
static void
remove_copied(const char *path)
{
	GDir *dir = g_dir_open(path, 0, NULL);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		char *child = g_build_filename(path, name, NULL);
		GStatBuf st;

		if (g_lstat(child, &st) == 0 && S_ISDIR(st.st_mode)) {
			remove_copied(child);
			g_rmdir(child);
		} else {
			g_unlink(child);
		}
		g_free(child);
	}
	if (dir != NULL)
		g_dir_close(dir);
}

/* Copies the files and folders below from into the existing folder to.
 * Anything else in the skeleton (a symbolic link, a device) is skipped. */
static gboolean
copy_tree(const char *from, const char *to, GError **error)
{
	GDir *dir = g_dir_open(from, 0, error);
	const char *name;
	gboolean ok = dir != NULL;

	while (ok && (name = g_dir_read_name(dir)) != NULL) {
		char *source = g_build_filename(from, name, NULL);
		char *dest = g_build_filename(to, name, NULL);
		GStatBuf st;
		char *data = NULL;
		gsize len = 0;

		if (g_lstat(source, &st) != 0) {
			g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
			            "cannot read %s: %s", source, g_strerror(errno));
			ok = FALSE;
		} else if (S_ISDIR(st.st_mode)) {
			if (g_mkdir(dest, 0755) != 0) {
				g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
				            "cannot create %s: %s", dest, g_strerror(errno));
				ok = FALSE;
			} else {
				ok = copy_tree(source, dest, error);
			}
		} else if (S_ISREG(st.st_mode)) {
			ok = g_file_get_contents(source, &data, &len, error) &&
			     g_file_set_contents_full(dest, data, (gssize)len,
			                              G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
		}
		g_free(data);
		g_free(source);
		g_free(dest);
	}
	if (dir != NULL)
		g_dir_close(dir);
	return ok;
}

/* TRUE when path is a folder with no entries. */
static gboolean
is_empty_folder(const char *path)
{
	GDir *dir = g_dir_open(path, 0, NULL);
	gboolean empty = dir != NULL && g_dir_read_name(dir) == NULL;

	if (dir != NULL)
		g_dir_close(dir);
	return empty;
}

gboolean
init_repository(const char *skeleton, const char *target, GError **error)
{
	GStatBuf st;
	gboolean created = FALSE;

	if (g_lstat(target, &st) == 0) {
		if (!S_ISDIR(st.st_mode) || !is_empty_folder(target)) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
			            "%s exists and is not an empty folder; give a new or empty folder",
			            target);
			return FALSE;
		}
	} else if (g_mkdir_with_parents(target, 0755) != 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
		            "cannot create %s: %s", target, g_strerror(errno));
		return FALSE;
	} else {
		created = TRUE;
	}
	if (copy_tree(skeleton, target, error))
		return TRUE;
	remove_copied(target);
	/* Only the folder itself: parents made by g_mkdir_with_parents stay. */
	if (created)
		g_rmdir(target);
	return FALSE;
}
