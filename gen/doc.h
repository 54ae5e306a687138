/* The document tree: format-neutral blocks and inlines that the template
 * engine builds and both renderers read. A renderer reads only this tree,
 * never records, the model or the graph. The document owns every node
 * and string in it. */
#ifndef DOSSIER_DOC_H
#define DOSSIER_DOC_H

#include "diag.h"

typedef enum {
	DOC_TEXT,       /* text */
	DOC_EMPHASIS,   /* children */
	DOC_STRONG,     /* children */
	DOC_CODE,       /* text */
	DOC_STRIKE,     /* children */
	DOC_LINK,       /* target: a URL; children */
	DOC_XREF,       /* target: an anchor in the document; children */
	DOC_FOOTNOTE,   /* text: the note's number; blocks: the note */
	DOC_LINE_BREAK, /* nothing */
} DocInlineKind;

typedef struct DocBlock DocBlock;

typedef struct {
	DocInlineKind kind;
	char *text;
	char *target;
	GPtrArray *children; /* DocInline* */
	GPtrArray *blocks;   /* DocBlock*, footnotes only */
} DocInline;

typedef enum {
	DOC_HEADING,     /* level, anchor, inlines */
	DOC_PARAGRAPH,   /* inlines; anchor optional */
	DOC_LIST,        /* ordered, start; children are DOC_LIST_ITEM */
	DOC_LIST_ITEM,   /* children; task: 0 none, 1 open, 2 done */
	DOC_CODE_BLOCK,  /* text */
	DOC_QUOTE,       /* children */
	DOC_TABLE,       /* table */
	DOC_IMAGE,       /* text: file path; inlines: the alternative text */
	DOC_CAPTION,     /* inlines */
	DOC_PAGE_BREAK,  /* nothing */
	DOC_TOC,         /* nothing: the renderer lists the headings */
	DOC_RISK_MATRIX, /* matrix */
	DOC_RULE,        /* a thematic break */
	DOC_NOTES,       /* children: the footnotes of the preceding content */
} DocBlockKind;

typedef struct {
	guint columns;
	guint header_rows;
	double *widths; /* relative column widths, summing to 1 */
	/* Rows: GPtrArray* of cells; a cell is a GPtrArray* of DocBlock*. */
	GPtrArray *rows;
} DocTable;

typedef enum {
	DOC_RISK_ACCEPTABLE,
	DOC_RISK_ALARP,
	DOC_RISK_UNACCEPTABLE,
} DocRiskLevel;

typedef struct {
	GPtrArray *severity;    /* char*, least to most severe */
	GPtrArray *probability; /* char*, least to most likely */
	DocRiskLevel *levels;   /* [p * severity->len + s] */
	guint *before;          /* hazard counts before risk controls, same indexing */
	guint *after;           /* and after */
} DocRiskMatrix;

struct DocBlock {
	DocBlockKind kind;
	int level;
	char *anchor;
	GPtrArray *inlines;  /* DocInline* */
	GPtrArray *children; /* DocBlock* */
	char *text;
	gboolean ordered;
	int start;
	int task;
	DocTable *table;
	DocRiskMatrix *matrix;
	SrcPos pos; /* where the content came from, for renderer warnings */
	/* A paragraph in place of a directive whose record type has no record,
	 * so a release gate can tell an empty section from a written one. Its
	 * text is then the record type's name. */
	gboolean no_records;
};

typedef struct {
	char *title;
	char *number;   /* document-control number */
	char *revision;
	char *author;
	char *subject;
	char *date;     /* ISO 8601 date and time in UTC, for metadata */
	char *stem;     /* output file name without extension */
	GPtrArray *blocks; /* DocBlock* */
} Document;

/* Adds the target of every cross-reference in doc to set (anchor ->
 * anchor), in no particular order. */
void doc_collect_xrefs(const Document *doc, GHashTable *set);

/* Adds the anchors of doc's headings to map (anchor -> file), keeping the
 * first document that defines each. */
void doc_collect_anchors(const Document *doc, const char *file, GHashTable *map);

/* The anchor of the heading that carries the document's title; the
 * table of contents leaves it out. */
#define DOC_TITLE_ANCHOR "document-title"

Document *doc_new(void);
void doc_free(Document *doc);

DocBlock *doc_block_new(DocBlockKind kind, SrcPos pos);
void doc_block_free(DocBlock *block);
DocInline *doc_inline_new(DocInlineKind kind, const char *text);
void doc_inline_free(DocInline *inline_);

/* Appends a text inline (merging with a preceding text inline). */
void doc_inlines_add_text(GPtrArray *inlines, const char *text);
DocBlock *doc_paragraph(const char *text, SrcPos pos);

DocTable *doc_table_new(guint columns, guint header_rows);
/* Adds a row of empty cells and returns it. */
GPtrArray *doc_table_add_row(DocTable *table);
/* Returns the cell's block list for appending. */
GPtrArray *doc_table_cell(GPtrArray *row, guint column);

DocRiskMatrix *doc_risk_matrix_new(const GPtrArray *severity, const GPtrArray *probability);
void doc_risk_matrix_free(DocRiskMatrix *matrix);

/* Reads the width and height from a PNG file's first 24 bytes; FALSE
 * when they are not a PNG signature and header. */
gboolean doc_png_size(const void *data, gsize len, guint32 *width, guint32 *height);

/* Builds the form of a table too wide for the page that both renderers
 * print: one two-column table with, for each row, a line naming the row
 * and then a line per column with the header text and the cell. The cells
 * are borrowed from b; free the result with doc_table_transposed_free. */
DocBlock *doc_table_transposed(const DocBlock *b, gboolean strong_labels);
void doc_table_transposed_free(DocBlock *tall, guint source_columns);

/* Sets out[] to column widths summing to total: the table's relative
 * widths, with a column narrower than need[] (its longest word, capped by
 * the caller) widened at the expense of the others in proportion. When
 * the needs alone exceed total, every column shrinks in proportion. */
void doc_fit_columns(const DocTable *t, const double *need, double total, double *out);

/* Appends the plain text of inlines (for bookmarks and tests). */
void doc_inlines_text(const GPtrArray *inlines, GString *out);
/* Writes a stable outline of the tree: one line per block, the form the
 * golden tests compare. */
void doc_dump(const Document *doc, GString *out);

/* Returns a name valid as a PDF destination and a Word bookmark: letters,
 * digits, '_' and '-', starting with a letter. */
char *doc_anchor_for(const char *prefix, const char *id);

#endif
