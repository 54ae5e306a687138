/* Markdown bodies: parsing with cmark-gfm and its extensions, the nesting
 * limit, and [[ID]] references with their positions. */
#ifndef DOSSIER_MARKDOWN_H
#define DOSSIER_MARKDOWN_H

#include "doc.h"
#include "record.h"

#include <cmark-gfm.h>

/* Parses a body with tables, strikethrough, autolinks, task lists and
 * footnotes, keeping source positions. Returns a tree the caller frees
 * with cmark_node_free. Adds a markdown-limit diagnostic (unless diags is
 * NULL) when the body nests deeper than limits.markdown_depth, and still
 * returns the tree. */
cmark_node *markdown_parse(const char *text, size_t len, const char *file, int first_line,
                           DiagList *diags);

/* Finds every [[ID]] in the body outside code blocks and code spans and
 * adds it to record->refs with its file position. */
void markdown_collect_refs(Record *record, cmark_node *tree, DiagList *diags);

/* What a conversion to document blocks needs to know. */
typedef struct {
	/* Returns TRUE when id names a record, so a mention becomes a link
	 * to the anchor doc_anchor_for("", id). */
	gboolean (*is_record)(void *data, const char *id);
	void *data;
	const char *file;
	int first_line;     /* file line of the Markdown's first line */
	int heading_offset; /* added to every heading level */
	const char *image_dir; /* relative image paths are resolved here */
	const char *image_root; /* images must resolve inside this folder */
	DiagList *diags;        /* for images that cannot be used; may be NULL */
} MarkdownContext;

/* Converts a parsed tree to document blocks appended to out. Text that
 * names a record, as [[ID]] or as a bare ID, becomes a cross-reference.
 * Footnotes become numbered markers and a notes block at the end. */
void markdown_to_blocks(cmark_node *tree, const MarkdownContext *ctx, GPtrArray *out);

/* Splits text into inlines, turning [[ID]] and bare record IDs into
 * cross-references; appends to inlines. */
void markdown_text_inlines(const char *text, const MarkdownContext *ctx, GPtrArray *inlines);

#endif
