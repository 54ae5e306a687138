/* The output package: files are written into a staging folder beside the
 * target and the folder is renamed into place only when every file was
 * written, so a failed build never leaves a half-written package.
 *
 * Layout while a build runs: OUT/.NAME.partial-XXXXXX/ is the work
 * folder, locked with flock(2) for as long as the build lives. It contains
 * NAME/, the package being written, and NAME.zip when a zip is requested.
 * A build removes the unlocked work folders of builds that died (killed,
 * or the machine stopped) before it starts, and never the locked folder
 * of a build that is still running. */
#ifndef DOSSIER_PACKAGE_H
#define DOSSIER_PACKAGE_H

#include <glib.h>

/* The FDA eCopy rules limit each PDF of a submission to 50 MB. Counted in
 * decimal megabytes, the smaller reading, so a file under this limit
 * passes whichever one a reviewer applies. */
#define PACKAGE_PDF_MAX_BYTES 50000000

typedef struct {
	char *final;   /* OUT/NAME */
	char *work;    /* OUT/.NAME.partial-XXXXXX, locked */
	char *staging; /* work/NAME, the package folder being written */
	GPtrArray *files; /* names relative to the package, in write order */
	int lock_fd;   /* open on work while the build holds its lock */
	char *zip_final; /* OUT/NAME.zip when package_want_zip was called */
	char *zip_date;  /* ISO 8601 time of every zip entry */
	char *input_sha256; /* set by package_digest_inputs, else NULL */
	guint input_files;
	GPtrArray *info;      /* PackageInfo*: manifest members before "documents" */
	GPtrArray *documents; /* PackageDocument*: the manifest's "documents" */
} Package;

/* Removes the unlocked work folders OUT/.NAME.partial-* of dead builds,
 * then creates OUT if needed and a fresh, locked work folder in it. */
Package *package_begin(const char *out_dir, const char *name, GError **error);
/* Returns the staging path for a file of the package and records the
 * name for the manifest. */
char *package_file(Package *package, const char *name);

/* Adds a text member to manifest.json; members keep the order of the
 * calls, and a NULL value is written as null. */
void package_set_info(Package *package, const char *key, const char *value);
/* Lists a document in the manifest's "documents": its file name without
 * extension, its document number and its title. */
void package_add_document(Package *package, const char *stem, const char *number,
                          const char *title);
/* Computes the input digest and adds it to the manifest as "inputs":
 * {"files": N, "sha256": HEX}. inputs maps each input's name (its path
 * relative to the repository, or templates/PROFILE/FILE and models/FILE
 * for installed files) to the path it is read from. The digest is the
 * SHA-256 of the text that `sha256sum` prints for the inputs in byte
 * order of their names: one line "HEX  NAME" per file, with sha256sum's
 * escapes for a name holding a backslash or a newline. */
gboolean package_digest_inputs(Package *package, GHashTable *inputs, GError **error);
/* Asks package_commit to also write OUT/NAME.zip with the package folder
 * inside: entries in name order, each dated date (ISO 8601, UTC). */
void package_want_zip(Package *package, const char *date);

/* Writes manifest.json (every file with its size and SHA-256, sorted by
 * name) and the zip, then renames the folder and the zip into place,
 * replacing an earlier package of the same name. The folder is renamed
 * first: a build killed between the two renames leaves the new folder
 * beside the earlier zip. */
gboolean package_commit(Package *package, GError **error);
/* Removes the work folder and releases its lock; safe after a successful
 * commit. Accepts NULL. */
void package_free(Package *package);

/* Turns a device name and version into a folder name: lower case letters,
 * digits, '-' and '.'. */
char *package_name(const char *device, const char *version);

#endif
