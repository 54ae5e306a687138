/* The output package: files are written into a staging folder beside the
 * target and the folder is renamed into place only when every file was
 * written, so a failed build never leaves a half-written package. */
#ifndef DOSSIER_PACKAGE_H
#define DOSSIER_PACKAGE_H

#include <glib.h>

typedef struct {
	char *final;   /* OUT/NAME */
	char *staging; /* OUT/.NAME.partial-XXXXXX */
	GPtrArray *files; /* names relative to the package, in write order */
} Package;

/* Creates OUT if needed and a fresh staging folder in it. */
Package *package_begin(const char *out_dir, const char *name, GError **error);
/* Returns the staging path for a file of the package and records the
 * name for the manifest. */
char *package_file(Package *package, const char *name);
/* Writes manifest.json (every file with its size and SHA-256, sorted by
 * name) and renames the staging folder into place, replacing an earlier
 * package of the same name. */
gboolean package_commit(Package *package, GError **error);
/* Removes the staging folder; safe after a successful commit. */
void package_free(Package *package);

/* Turns a device name and version into a folder name: lower case letters,
 * digits, '-' and '.'. */
char *package_name(const char *device, const char *version);

#endif
