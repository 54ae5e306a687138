/* Import of Doorstop 3 item trees. Every folder with a .doorstop.yml is a
 * document. Its items become records of a type named after the
 * document's prefix: YAML files, or Markdown with frontmatter when the
 * document sets itemformat: markdown. */
#ifndef DOSSIER_DOORSTOP_H
#define DOSSIER_DOORSTOP_H

#include "project.h"

/* Returns TRUE when dir or a folder below it contains a .doorstop.yml. */
gboolean doorstop_detect(const char *dir);
/* Builds the model from the documents and adds every item to the
 * project's graph. */
void doorstop_load(Project *project, DiagList *diags);

#endif
