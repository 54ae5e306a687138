/* Reading a record file: size limit, encoding clean-up, and splitting
 * YAML frontmatter from the Markdown body. */
#ifndef DOSSIER_FRONTMATTER_H
#define DOSSIER_FRONTMATTER_H

#include "diag.h"

/* A source file's text after clean-up: valid UTF-8 (each invalid byte and
 * each control character other than tab and newline replaced by U+FFFD),
 * LF line endings, no byte-order mark. Line numbers are unchanged by the
 * clean-up, and columns count characters, so positions computed on the
 * clean text are positions in the file. */
typedef struct {
	const char *file; /* interned */
	char *text;       /* owned, NUL-terminated */
	size_t len;
} SourceText;

/* The parts of a record file. Offsets index SourceText.text. */
typedef struct {
	gboolean has_frontmatter;
	size_t yaml_start, yaml_len;
	int yaml_line; /* file line of the first YAML line */
	size_t body_start;
	int body_line; /* file line of the first body line */
} FrontmatterSplit;

/* Reads and cleans a file. Returns FALSE, with an io-error or
 * file-too-large diagnostic (over limits.file_bytes), when it cannot be
 * read. */
gboolean source_read(const char *path, DiagList *diags, SourceText *out);
/* Cleans text already in memory; used for tests and by source_read. */
void source_clean(const char *file, const char *bytes, size_t len, DiagList *diags,
                  SourceText *out);
void source_clear(SourceText *src);

/* Finds the frontmatter: a first line of `---`, then YAML up to a line of
 * `---` or `...`. A file that does not start with `---` has none. Returns
 * FALSE with a diagnostic when the frontmatter is opened but not closed. */
gboolean frontmatter_split(const SourceText *src, DiagList *diags, FrontmatterSplit *out);

/* Returns TRUE for a character no output can carry: control characters
 * other than tab and newline, C1 controls, the line and paragraph
 * separators, and the noncharacters U+FFFE, U+FFFF and U+FDD0 to U+FDEF.
 * Readers replace these by U+FFFD and report them. */
gboolean source_char_unprintable(gunichar c);

/* Returns TRUE when path, with every symbolic link resolved, is root or
 * lies inside it. Both must exist. */
gboolean source_path_inside(const char *root, const char *path);

/* Computes the file position of a byte offset in src->text. */
SrcPos source_pos(const SourceText *src, size_t offset);

#endif
