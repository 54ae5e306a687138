/* Diagnostics: the catalogue of codes, positions, and the list that every
 * stage appends to. Only main prints; the printers live here so that
 * every output format comes from one place. */
#ifndef DOSSIER_DIAG_H
#define DOSSIER_DIAG_H

#include <glib.h>
#include <stdio.h>

typedef enum {
	DIAG_NOTE,
	DIAG_WARNING,
	DIAG_ERROR,
} DiagLevel;

typedef enum {
#define DIAG_CODE(sym, name, level, summary) DIAG_##sym,
#include "diag-codes.def"
#undef DIAG_CODE
	DIAG_CODE_COUNT
} DiagCode;

/* A place in a source file. Lines and columns count from 1; a column
 * counts characters (Unicode code points), not bytes. line 0 means the
 * whole file; a NULL file means the project as a whole. The file name is
 * an interned string (g_intern_string) and is never freed. */
typedef struct {
	const char *file;
	int line;
	int col;
} SrcPos;

typedef struct {
	SrcPos pos;
	char *message;
} DiagNote;

typedef struct {
	DiagLevel level;
	DiagCode code;
	/* The printed code: the catalogue name, or a model rule's own code
	 * for DIAG_COVERAGE. Interned. */
	const char *code_name;
	/* A one-line description of the code for SARIF rule lists: a model
	 * rule's message, or NULL to use the catalogue's summary. Interned. */
	const char *summary;
	SrcPos pos;
	char *message;
	GPtrArray *notes; /* DiagNote*, owned; NULL when there are none */
} Diag;

/* The list owns every Diag and its strings. */
typedef struct {
	GPtrArray *items;
	guint counts[3]; /* by DiagLevel */
} DiagList;

DiagList *diag_list_new(void);
void diag_list_free(DiagList *list);

SrcPos src_pos(const char *file, int line, int col);

const char *diag_code_name(DiagCode code);
const char *diag_code_summary(DiagCode code);
DiagLevel diag_code_level(DiagCode code);
const char *diag_level_name(DiagLevel level);

/* Appends a diagnostic at the catalogue's level and returns it, so that
 * the caller can attach notes. */
Diag *diag_add(DiagList *list, DiagCode code, SrcPos pos, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);
/* Appends a diagnostic with an explicit level and printed code name, for
 * the coverage rules a model defines. */
Diag *diag_add_custom(DiagList *list, DiagCode code, DiagLevel level,
                      const char *code_name, SrcPos pos, const char *fmt, ...)
	G_GNUC_PRINTF(6, 7);
void diag_note(Diag *diag, SrcPos pos, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Sorts by file, line, column and code so that output order never
 * depends on the order files were read in. */
void diag_list_sort(DiagList *list);

/* Copies the entries of src to the end of dst and empties src. */
void diag_list_move(DiagList *dst, DiagList *src);

void diag_print_text(const DiagList *list, FILE *out, gboolean colour);
/* Returns a newly allocated JSON text. fatal, when not NULL, is the error
 * that stopped the run before the checks. */
char *diag_to_json(const DiagList *list, const char *summary_path, guint record_count,
                   const char *fatal);
/* Returns a newly allocated SARIF 2.1.0 log; fatal as for JSON, reported
 * as a failed invocation. */
char *diag_to_sarif(const DiagList *list, const char *tool_version, const char *fatal);

#endif
