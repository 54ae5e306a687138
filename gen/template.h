/* Templates: one Markdown file per output document, with frontmatter, {{
 * project.NAME }} substitutions and fenced `dossier` directive blocks that
 * query the trace graph. Expanding a template yields a document tree. */
#ifndef DOSSIER_TEMPLATE_H
#define DOSSIER_TEMPLATE_H

#include "doc.h"
#include "project.h"

typedef struct {
	char *path;
	char *stem; /* output file name without extension: NNN_name, with the
	             * template's number until template_select renumbers it */
} TemplateFile;

/* Lists the templates NNN-name.md of a folder in name order; other files
 * are reported and skipped. */
GPtrArray *template_list(const char *dir, DiagList *diags);
void template_file_free(TemplateFile *t);

/* Keeps the templates a build writes, in submission order, and renames
 * their stems 001_name, 002_name, ... as the FDA eCopy rules ask. With a
 * `documents` list in dossier.yaml those are the templates it names, in
 * its order, whatever their level (an entry that names no template, or
 * several, is reported and left out). Without one, every template in
 * name order, except those with `level: enhanced` when
 * project.documentation_level is basic. */
void template_select(GPtrArray *list, const Project *project, DiagList *diags);

/* Expands one template against the project. findings are the check
 * diagnostics, for the `checks` directive; date (YYYY-MM-DD) is printed
 * under the title. Returns NULL when the template cannot be read at all. */
Document *template_expand(const TemplateFile *t, const Project *project,
                          const DiagList *findings, const char *date, DiagList *diags);

/* Appends a "Referenced records" section to doc with an entry for every
 * record it mentions but does not describe, so that every ID mention is a
 * link within the file. defined_in maps anchors to the package file that
 * describes them. */
void template_add_references(Document *doc, const Project *project, GHashTable *defined_in);

/* Finds the folder of a template profile: the project's own
 * templates/PROFILE first, then the installed ones. Returns a new string
 * or NULL. */
char *template_find_profile(const Project *project, const char *profile);
/* Finds FILE of a profile (such as profile.yaml): in the repository's
 * templates/PROFILE first, then in the installed profile, whether or not
 * the repository has its own templates. NULL when there is none. */
char *template_find_profile_file(const Project *project, const char *profile, const char *file);

#endif
