/* Markdown bodies: parsing with cmark-gfm and its extensions, the nesting
 * limit, and [[ID]] references with their positions. */
#ifndef DOSSIER_MARKDOWN_H
#define DOSSIER_MARKDOWN_H

#include "record.h"

#include <cmark-gfm.h>

/* Deepest block nesting (quotes and lists) accepted in a body. */
#define MARKDOWN_MAX_DEPTH 64

/* Parses a body with tables, strikethrough, autolinks, task lists and
 * footnotes, keeping source positions. Returns a tree the caller frees
 * with cmark_node_free. Adds a markdown-limit diagnostic when the body
 * nests deeper than MARKDOWN_MAX_DEPTH, and still returns the tree. */
cmark_node *markdown_parse(const char *text, size_t len, const char *file, int first_line,
                           DiagList *diags);

/* Finds every [[ID]] in the body outside code blocks and code spans and
 * adds it to record->refs with its file position. */
void markdown_collect_refs(Record *record, cmark_node *tree, DiagList *diags);

#endif
