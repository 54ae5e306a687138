#include "doc.h"

#include <string.h>

static void
inline_free_cb(gpointer data)
{
	doc_inline_free(data);
}

static void
block_free_cb(gpointer data)
{
	doc_block_free(data);
}

static void
cell_free_cb(gpointer data)
{
	g_ptr_array_free(data, TRUE);
}

static void
row_free_cb(gpointer data)
{
	g_ptr_array_free(data, TRUE);
}

Document *
doc_new(void)
{
	Document *doc = g_new0(Document, 1);

	doc->blocks = g_ptr_array_new_with_free_func(block_free_cb);
	return doc;
}

void
doc_free(Document *doc)
{
	if (doc == NULL)
		return;
	g_free(doc->title);
	g_free(doc->number);
	g_free(doc->revision);
	g_free(doc->author);
	g_free(doc->subject);
	g_free(doc->date);
	g_free(doc->stem);
	g_ptr_array_free(doc->blocks, TRUE);
	g_free(doc);
}

DocInline *
doc_inline_new(DocInlineKind kind, const char *text)
{
	DocInline *in = g_new0(DocInline, 1);

	in->kind = kind;
	in->text = g_strdup(text);
	if (kind == DOC_EMPHASIS || kind == DOC_STRONG || kind == DOC_STRIKE || kind == DOC_LINK ||
	    kind == DOC_XREF)
		in->children = g_ptr_array_new_with_free_func(inline_free_cb);
	if (kind == DOC_FOOTNOTE)
		in->blocks = g_ptr_array_new_with_free_func(block_free_cb);
	return in;
}

void
doc_inline_free(DocInline *in)
{
	if (in == NULL)
		return;
	g_free(in->text);
	g_free(in->target);
	if (in->children)
		g_ptr_array_free(in->children, TRUE);
	if (in->blocks)
		g_ptr_array_free(in->blocks, TRUE);
	g_free(in);
}

DocBlock *
doc_block_new(DocBlockKind kind, SrcPos pos)
{
	DocBlock *b = g_new0(DocBlock, 1);

	b->kind = kind;
	b->pos = pos;
	b->inlines = g_ptr_array_new_with_free_func(inline_free_cb);
	b->children = g_ptr_array_new_with_free_func(block_free_cb);
	return b;
}

void
doc_block_free(DocBlock *b)
{
	if (b == NULL)
		return;
	g_free(b->anchor);
	g_free(b->text);
	g_ptr_array_free(b->inlines, TRUE);
	g_ptr_array_free(b->children, TRUE);
	if (b->table != NULL) {
		g_free(b->table->widths);
		g_ptr_array_free(b->table->rows, TRUE);
		g_free(b->table);
	}
	doc_risk_matrix_free(b->matrix);
	g_free(b);
}

void
doc_inlines_add_text(GPtrArray *inlines, const char *text)
{
	DocInline *last = inlines->len ? g_ptr_array_index(inlines, inlines->len - 1) : NULL;

	if (text == NULL || text[0] == '\0')
		return;
	if (last != NULL && last->kind == DOC_TEXT) {
		char *joined = g_strconcat(last->text, text, NULL);

		g_free(last->text);
		last->text = joined;
		return;
	}
	g_ptr_array_add(inlines, doc_inline_new(DOC_TEXT, text));
}

DocBlock *
doc_paragraph(const char *text, SrcPos pos)
{
	DocBlock *b = doc_block_new(DOC_PARAGRAPH, pos);

	doc_inlines_add_text(b->inlines, text);
	return b;
}

DocTable *
doc_table_new(guint columns, guint header_rows)
{
	DocTable *t = g_new0(DocTable, 1);

	t->columns = columns;
	t->header_rows = header_rows;
	t->widths = g_new(double, columns ? columns : 1);
	for (guint i = 0; i < columns; i++)
		t->widths[i] = 1.0 / columns;
	t->rows = g_ptr_array_new_with_free_func(row_free_cb);
	return t;
}

GPtrArray *
doc_table_add_row(DocTable *table)
{
	GPtrArray *row = g_ptr_array_new_with_free_func(cell_free_cb);

	for (guint i = 0; i < table->columns; i++)
		g_ptr_array_add(row, g_ptr_array_new_with_free_func(block_free_cb));
	g_ptr_array_add(table->rows, row);
	return row;
}

GPtrArray *
doc_table_cell(GPtrArray *row, guint column)
{
	return g_ptr_array_index(row, column);
}

DocRiskMatrix *
doc_risk_matrix_new(const GPtrArray *severity, const GPtrArray *probability)
{
	DocRiskMatrix *m = g_new0(DocRiskMatrix, 1);
	guint cells = severity->len * probability->len;

	m->severity = g_ptr_array_new_with_free_func(g_free);
	m->probability = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < severity->len; i++)
		g_ptr_array_add(m->severity, g_strdup(g_ptr_array_index(severity, i)));
	for (guint i = 0; i < probability->len; i++)
		g_ptr_array_add(m->probability, g_strdup(g_ptr_array_index(probability, i)));
	m->levels = g_new0(DocRiskLevel, cells);
	m->before = g_new0(guint, cells);
	m->after = g_new0(guint, cells);
	return m;
}

void
doc_risk_matrix_free(DocRiskMatrix *m)
{
	if (m == NULL)
		return;
	g_ptr_array_free(m->severity, TRUE);
	g_ptr_array_free(m->probability, TRUE);
	g_free(m->levels);
	g_free(m->before);
	g_free(m->after);
	g_free(m);
}

void
doc_inlines_text(const GPtrArray *inlines, GString *out)
{
	for (guint i = 0; i < inlines->len; i++) {
		const DocInline *in = g_ptr_array_index(inlines, i);

		switch (in->kind) {
		case DOC_TEXT:
		case DOC_CODE:
			g_string_append(out, in->text);
			break;
		case DOC_FOOTNOTE:
			g_string_append_printf(out, "[%s]", in->text);
			break;
		case DOC_LINE_BREAK:
			g_string_append_c(out, ' ');
			break;
		default:
			if (in->children)
				doc_inlines_text(in->children, out);
		}
	}
}

static const char *const block_names[] = {
	"heading", "paragraph", "list", "item", "code", "quote", "table",
	"image", "caption", "page-break", "toc", "risk-matrix", "rule", "notes",
};

static void
dump_blocks(const GPtrArray *blocks, int depth, GString *out)
{
	for (guint i = 0; i < blocks->len; i++) {
		const DocBlock *b = g_ptr_array_index(blocks, i);

		g_string_append_printf(out, "%*s%s", depth * 2, "", block_names[b->kind]);
		if (b->kind == DOC_HEADING)
			g_string_append_printf(out, " %d", b->level);
		if (b->anchor)
			g_string_append_printf(out, " #%s", b->anchor);
		if (b->inlines->len > 0) {
			g_string_append(out, " \"");
			doc_inlines_text(b->inlines, out);
			g_string_append_c(out, '"');
		}
		if (b->text)
			g_string_append_printf(out, " <%zu bytes>", strlen(b->text));
		if (b->table)
			g_string_append_printf(out, " %u columns, %u rows, %u header", b->table->columns,
			                       b->table->rows->len, b->table->header_rows);
		g_string_append_c(out, '\n');
		dump_blocks(b->children, depth + 1, out);
	}
}

void
doc_dump(const Document *doc, GString *out)
{
	g_string_append_printf(out, "document \"%s\" %s rev %s\n", doc->title ? doc->title : "",
	                       doc->number ? doc->number : "-", doc->revision ? doc->revision : "-");
	dump_blocks(doc->blocks, 1, out);
}

char *
doc_anchor_for(const char *prefix, const char *id)
{
	GString *s = g_string_new(prefix);

	for (const char *p = id; *p; p++) {
		if (g_ascii_isalnum(*p) || *p == '-' || *p == '_')
			g_string_append_c(s, *p);
		else
			g_string_append_printf(s, "_%02X", (unsigned char)*p);
	}
	return g_string_free(s, FALSE);
}

static void
collect_anchors(const GPtrArray *blocks, const char *file, GHashTable *map)
{
	for (guint i = 0; i < blocks->len; i++) {
		const DocBlock *b = g_ptr_array_index(blocks, i);

		if (b->anchor != NULL && !g_hash_table_contains(map, b->anchor))
			g_hash_table_insert(map, g_strdup(b->anchor), g_strdup(file));
		collect_anchors(b->children, file, map);
		if (b->table != NULL)
			for (guint r = 0; r < b->table->rows->len; r++) {
				GPtrArray *row = g_ptr_array_index(b->table->rows, r);

				for (guint c = 0; c < row->len; c++)
					collect_anchors(g_ptr_array_index(row, c), file, map);
			}
	}
}

void
doc_collect_anchors(const Document *doc, const char *file, GHashTable *map)
{
	collect_anchors(doc->blocks, file, map);
}

static void
collect_inline_xrefs(const GPtrArray *inlines, GHashTable *set)
{
	for (guint i = 0; inlines != NULL && i < inlines->len; i++) {
		const DocInline *in = g_ptr_array_index(inlines, i);

		if (in->kind == DOC_XREF && !g_hash_table_contains(set, in->target))
			g_hash_table_insert(set, g_strdup(in->target), g_strdup(in->target));
		collect_inline_xrefs(in->children, set);
	}
}

static void
collect_block_xrefs(const GPtrArray *blocks, GHashTable *set)
{
	for (guint i = 0; i < blocks->len; i++) {
		const DocBlock *b = g_ptr_array_index(blocks, i);

		collect_inline_xrefs(b->inlines, set);
		collect_block_xrefs(b->children, set);
		if (b->table != NULL)
			for (guint r = 0; r < b->table->rows->len; r++) {
				GPtrArray *row = g_ptr_array_index(b->table->rows, r);

				for (guint c = 0; c < row->len; c++)
					collect_block_xrefs(g_ptr_array_index(row, c), set);
			}
	}
}

void
doc_collect_xrefs(const Document *doc, GHashTable *set)
{
	collect_block_xrefs(doc->blocks, set);
}

gboolean
doc_png_size(const void *data, gsize len, guint32 *width, guint32 *height)
{
	static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	const unsigned char *u = data;

	if (len < 24 || memcmp(u, signature, 8) != 0 || memcmp(u + 12, "IHDR", 4) != 0)
		return FALSE;
	*width = (guint32)u[16] << 24 | (guint32)u[17] << 16 | (guint32)u[18] << 8 | u[19];
	*height = (guint32)u[20] << 24 | (guint32)u[21] << 16 | (guint32)u[22] << 8 | u[23];
	return *width > 0 && *height > 0;
}

DocBlock *
doc_table_transposed(const DocBlock *b, gboolean strong_labels)
{
	const DocTable *t = b->table;
	GPtrArray *header = g_ptr_array_index(t->rows, t->header_rows - 1);
	DocBlock *tall = doc_block_new(DOC_TABLE, b->pos);

	tall->table = doc_table_new(2, 0);
	tall->table->widths[0] = 0.3;
	tall->table->widths[1] = 0.7;
	for (guint r = t->header_rows; r < t->rows->len; r++) {
		GPtrArray *source = g_ptr_array_index(t->rows, r);
		GPtrArray *row = doc_table_add_row(tall->table);
		char *label = g_strdup_printf("Row %u of %u", r - t->header_rows + 1,
		                              t->rows->len - t->header_rows);
		DocBlock *p = doc_paragraph(label, b->pos);

		if (strong_labels) {
			DocInline *strong = doc_inline_new(DOC_STRONG, NULL);

			g_ptr_array_add(strong->children, g_ptr_array_steal_index(p->inlines, 0));
			g_ptr_array_add(p->inlines, strong);
		}
		g_ptr_array_add(doc_table_cell(row, 0), p);
		g_free(label);
		for (guint c = 0; c < t->columns; c++) {
			GPtrArray *from;

			row = doc_table_add_row(tall->table);
			from = doc_table_cell(header, c);
			for (guint k = 0; k < from->len; k++)
				g_ptr_array_add(doc_table_cell(row, 0), g_ptr_array_index(from, k));
			from = doc_table_cell(source, c);
			for (guint k = 0; k < from->len; k++)
				g_ptr_array_add(doc_table_cell(row, 1), g_ptr_array_index(from, k));
		}
	}
	return tall;
}

void
doc_table_transposed_free(DocBlock *tall, guint source_columns)
{
	/* Every row but the row labels borrows its blocks from the source
	 * table: empty those cells before freeing. */
	for (guint r = 0; r < tall->table->rows->len; r++) {
		GPtrArray *row = g_ptr_array_index(tall->table->rows, r);

		for (guint c = 0; c < 2 && r % (source_columns + 1) != 0; c++) {
			GPtrArray *cell = doc_table_cell(row, c);

			g_ptr_array_set_free_func(cell, NULL);
			g_ptr_array_set_size(cell, 0);
		}
	}
	doc_block_free(tall);
}

void
doc_fit_columns(const DocTable *t, const double *need, double total, double *out)
{
	gboolean *pinned = g_new0(gboolean, t->columns);
	double fixed = 0, flexible = 0;

	for (guint c = 0; c < t->columns; c++)
		out[c] = t->widths[c] * total;
	/* Widening one column can push another below its need; three rounds
	 * settle every table the templates make. */
	for (int round = 0; round < 3; round++) {
		fixed = 0;
		flexible = 0;
		for (guint c = 0; c < t->columns; c++) {
			if (pinned[c] || out[c] < need[c]) {
				pinned[c] = TRUE;
				out[c] = need[c];
				fixed += need[c];
			} else {
				flexible += t->widths[c];
			}
		}
		if (flexible <= 0 || fixed >= total)
			break;
		for (guint c = 0; c < t->columns; c++)
			if (!pinned[c])
				out[c] = t->widths[c] / flexible * (total - fixed);
	}
	if (fixed >= total)
		for (guint c = 0; c < t->columns; c++)
			out[c] = need[c] * total / fixed;
	g_free(pinned);
}
