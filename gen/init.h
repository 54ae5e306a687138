/* dossier init: a new records repository, copied from the skeleton that
 * dossier installs (a dossier.yaml and one record of each main type). */
#ifndef DOSSIER_INIT_H
#define DOSSIER_INIT_H

#include <glib.h>

/* Copies the folder skeleton, with its subfolders and dot files, into
 * target. target must not exist or be an empty folder; otherwise nothing
 * is written and error is G_FILE_ERROR_EXIST. On a failure partway, what
 * was copied is removed again, so target is left as it was. */
gboolean init_repository(const char *skeleton, const char *target, GError **error);

#endif
