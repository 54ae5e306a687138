/* A records repository: dossier.yaml, the model it names, the risk policy,
 * and every record under the records folders, in one trace graph. A folder
 * holding a Doorstop tree and no dossier.yaml opens as a project too. */
#ifndef DOSSIER_PROJECT_H
#define DOSSIER_PROJECT_H

#include "risk.h"
#include "trace.h"

/* Deepest folder nesting searched for records. */
#define PROJECT_MAX_FOLDER_DEPTH 32

typedef struct {
	char *dir;
	char *file;       /* dossier.yaml, or NULL for a Doorstop tree */
	YamlDoc *doc;     /* dossier.yaml, owned */
	const YamlNode *settings; /* its `project` mapping, or NULL */
	Model *model;     /* owned */
	RiskPolicy *risk; /* owned, NULL when none is configured */
	GPtrArray *record_dirs; /* char*, relative to dir */
	GArray *record_dir_pos; /* SrcPos of each entry in dossier.yaml */
	char *paper;
	/* Profile settings: project.documentation_level ("basic" or
	 * "enhanced") and project.submission_type ("510k", "de-novo" or
	 * "pma"), each NULL when not set or invalid. */
	char *documentation_level;
	char *submission_type;
	/* The `documents` list: template names in submission order, or NULL
	 * to build every template of the profile. */
	GPtrArray *documents;   /* char* */
	GArray *document_pos;   /* SrcPos of each entry in dossier.yaml */
	GPtrArray *record_files; /* char*: the record files read, in path order */
	gboolean doorstop;
	Graph *graph;     /* owned */
	guint files_read; /* record files read, records or not */
	/* The SBOM files under `sbom:` that could be read, in listed order;
	 * their components and vulnerabilities are records of the graph. */
	GPtrArray *sboms; /* Sbom*, owned */
	GHashTable *sbom_records; /* component ref -> Record*, see sbom_merge */
} Project;

/* Opens the repository at dir and loads its records. Returns NULL and sets
 * error for what stops the run (no dossier.yaml and no Doorstop tree, an
 * unusable model); everything else is a diagnostic. */
Project *project_open(const char *dir, DiagList *diags, GError **error);
void project_free(Project *project);

/* Runs every check on the loaded graph. */
void project_check(Project *project, DiagList *diags);

/* Reads one record file into the graph; exposed for tests and importers. */
void project_read_record_file(Project *project, const char *path, DiagList *diags);

/* Joins a path below the project folder, leaving out a leading "./". */
char *project_path(const char *dir, const char *relative);

/* Returns the files a build reads from the project: dossier.yaml, the
 * record files, the SBOM files and the model, as a new table from the
 * name each has in the input digest to its path. Names are relative to
 * the repository; a model outside it is named models/FILE. */
GHashTable *project_input_files(const Project *project);

/* Finds a model file by name (`medical-device`) or path; returns a new
 * string or NULL. */
char *project_find_model(const char *dir, const char *name);

#define DOSSIER_ERROR (dossier_error_quark())
GQuark dossier_error_quark(void);

#endif
