#include "render-docx.h"

#include <glib/gstdio.h>
#include <libxml/xmlwriter.h>
#include <string.h>
#include <zip.h>

/* Page geometry in twentieths of a point, matching the PDF: a 1 in left
 * margin and 0.75 in on the right. */
#define TWIPS_PER_INCH 1440
#define MARGIN_LEFT 1440
#define MARGIN_RIGHT 1080
#define MARGIN_TOP 1440
#define MARGIN_BOTTOM 1440
#define EMU_PER_TWIP 635

struct DocxRenderer {
	RenderOptions options;
	char *creator;
};

DocxRenderer *
docx_renderer_new(const RenderOptions *options, GError **error)
{
	DocxRenderer *r = g_new0(DocxRenderer, 1);

	r->options = *options;
	r->creator = g_strdup(options->creator ? options->creator : "dossier");
	r->options.creator = r->creator;
	return r;
}

void
docx_renderer_free(DocxRenderer *r)
{
	if (r == NULL)
		return;
	g_free(r->creator);
	g_free(r);
}

/* An XML part being written. The first libxml2 error is latched, so the
 * part writers stay linear and the result is checked once at the end. */
typedef struct {
	xmlBufferPtr buffer;
	xmlTextWriterPtr w;
	gboolean failed;
} Part;

static void
part_begin(Part *p)
{
	p->buffer = xmlBufferCreate();
	p->w = xmlNewTextWriterMemory(p->buffer, 0);
	p->failed = p->w == NULL || xmlTextWriterStartDocument(p->w, "1.0", "UTF-8", "yes") < 0;
}

static void
start(Part *p, const char *name)
{
	if (!p->failed && xmlTextWriterStartElement(p->w, BAD_CAST name) < 0)
		p->failed = TRUE;
}

static void
end(Part *p)
{
	if (!p->failed && xmlTextWriterEndElement(p->w) < 0)
		p->failed = TRUE;
}

static void
attr(Part *p, const char *name, const char *value)
{
	if (!p->failed && xmlTextWriterWriteAttribute(p->w, BAD_CAST name, BAD_CAST value) < 0)
		p->failed = TRUE;
}

static void
attr_int(Part *p, const char *name, long value)
{
	char text[32];

	g_snprintf(text, sizeof(text), "%ld", value);
	attr(p, name, text);
}

/* Writes text that XML 1.0 can carry: the input is valid UTF-8 already,
 * but control characters other than tab and newline are not allowed in
 * XML and are replaced by U+FFFD. */
static void
text(Part *p, const char *s, guint *replaced)
{
	GString *clean = g_string_new(NULL);

	for (const char *c = s; *c; c = g_utf8_next_char(c)) {
		gunichar u = g_utf8_get_char(c);

		if ((u < 0x20 && u != '\t' && u != '\n') || u == 0xFFFE || u == 0xFFFF) {
			g_string_append(clean, "\xEF\xBF\xBD");
			if (replaced)
				(*replaced)++;
		} else {
			g_string_append_unichar(clean, u);
		}
	}
	if (!p->failed && xmlTextWriterWriteString(p->w, BAD_CAST clean->str) < 0)
		p->failed = TRUE;
	g_string_free(clean, TRUE);
}

/* Writes <name w:val="value"/>. */
static void
val(Part *p, const char *name, const char *value)
{
	start(p, name);
	attr(p, "w:val", value);
	end(p);
}

static void
empty(Part *p, const char *name)
{
	start(p, name);
	end(p);
}

/* Ends the part; returns its bytes (free with g_free) or NULL on error. */
static char *
part_finish(Part *p, gsize *len)
{
	char *data = NULL;

	if (!p->failed && xmlTextWriterEndDocument(p->w) < 0)
		p->failed = TRUE;
	if (p->w != NULL)
		xmlFreeTextWriter(p->w);
	if (!p->failed) {
		*len = (gsize)xmlBufferLength(p->buffer);
		data = g_memdup2(xmlBufferContent(p->buffer), *len);
	}
	xmlBufferFree(p->buffer);
	return data;
}

/* The package parts, in the order they are written. Content types and
 * relationships are generated from the same list. */
typedef struct {
	char *name;
	char *content_type; /* NULL for parts covered by a Default entry */
	char *rel_type;     /* relationship from the document, or NULL */
	char *rel_id;
	char *data;
	gsize len;
} PackagePart;

static void
package_part_free(gpointer data)
{
	PackagePart *pp = data;

	g_free(pp->name);
	g_free(pp->content_type);
	g_free(pp->rel_type);
	g_free(pp->rel_id);
	g_free(pp->data);
	g_free(pp);
}

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_WP "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#define NS_A "http://schemas.openxmlformats.org/drawingml/2006/main"
#define NS_PIC "http://schemas.openxmlformats.org/drawingml/2006/picture"
#define REL_BASE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define CT_BASE "application/vnd.openxmlformats-officedocument.wordprocessingml."

/* Everything resolved before the document part is written: bookmark
 * names, footnotes, list numbering, images and external links. */
typedef struct {
	const Document *doc;
	DocxRenderer *r;
	DiagList *diags;
	GHashTable *bookmark;   /* anchor -> bookmark name */
	GHashTable *used_names; /* bookmark names taken */
	GPtrArray *footnotes;   /* DocBlock* paragraphs, index + 1 = footnote id */
	GHashTable *footnote_of; /* DocInline* -> GINT id */
	GHashTable *consumed_notes; /* DocBlock* (DOC_NOTES) whose notes all became footnotes */
	GHashTable *list_num;   /* DocBlock* (DOC_LIST) -> GINT numId */
	GPtrArray *lists;       /* DocBlock* in numId order */
	GPtrArray *parts;       /* PackagePart* */
	GHashTable *image_part; /* DocBlock* -> PackagePart* */
	GHashTable *link_rel;   /* URL -> rel id */
	GHashTable *written;    /* bookmark names already written */
	guint next_rel;
	guint bookmark_id;
	guint replaced;
	long text_width;        /* twips */
} Docx;

/* Word bookmark names: at most 40 characters, a letter first, then
 * letters, digits and underscores. */
static void
name_bookmark(Docx *x, const char *anchor)
{
	GString *name;
	char *candidate;
	guint n = 1;

	if (anchor == NULL || g_hash_table_contains(x->bookmark, anchor))
		return;
	name = g_string_new("r_");
	for (const char *p = anchor; *p && name->len < 36; p++)
		g_string_append_c(name, g_ascii_isalnum(*p) ? *p : '_');
	candidate = g_strdup(name->str);
	while (g_hash_table_contains(x->used_names, candidate)) {
		g_free(candidate);
		candidate = g_strdup_printf("%.34s_%u", name->str, ++n);
	}
	g_hash_table_add(x->used_names, candidate);
	g_hash_table_insert(x->bookmark, g_strdup(anchor), candidate);
	g_string_free(name, TRUE);
}

static void prepare_blocks(Docx *x, const GPtrArray *blocks, GPtrArray *pending);

static void
prepare_inlines(Docx *x, const GPtrArray *inlines, GPtrArray *pending)
{
	for (guint i = 0; inlines != NULL && i < inlines->len; i++) {
		const DocInline *in = g_ptr_array_index(inlines, i);

		if (in->kind == DOC_FOOTNOTE)
			g_ptr_array_add(pending, (gpointer)in);
		if (in->kind == DOC_LINK && in->target != NULL &&
		    !g_hash_table_contains(x->link_rel, in->target)) {
			char *id = g_strdup_printf("rId%u", ++x->next_rel);
			PackagePart *pp = g_new0(PackagePart, 1);

			/* An external link is a relationship without a part. */
			pp->rel_type = g_strdup(REL_BASE "hyperlink");
			pp->rel_id = g_strdup(id);
			pp->name = g_strdup(in->target);
			g_ptr_array_add(x->parts, pp);
			g_hash_table_insert(x->link_rel, g_strdup(in->target), id);
		}
		prepare_inlines(x, in->children, pending);
	}
}

/* Pairs footnote markers with the notes block that follows them: each
 * note paragraph starts with its number and ". ". */
static void
assign_notes(Docx *x, const DocBlock *notes, GPtrArray *pending)
{
	guint matched = 0;

	for (guint i = 0; i < pending->len; i++) {
		const DocInline *in = g_ptr_array_index(pending, i);
		char *prefix = g_strconcat(in->text, ". ", NULL);

		for (guint k = 0; k < notes->children->len; k++) {
			const DocBlock *para = g_ptr_array_index(notes->children, k);
			const DocInline *first = para->inlines->len ? g_ptr_array_index(para->inlines, 0) : NULL;

			if (first != NULL && first->kind == DOC_TEXT && g_str_has_prefix(first->text, prefix)) {
				g_ptr_array_add(x->footnotes, (gpointer)para);
				g_hash_table_insert(x->footnote_of, (gpointer)in,
				                    GINT_TO_POINTER(x->footnotes->len));
				matched++;
				break;
			}
		}
		g_free(prefix);
	}
	if (matched > 0 && matched >= notes->children->len)
		g_hash_table_add(x->consumed_notes, (gpointer)notes);
	g_ptr_array_set_size(pending, 0);
}

static void
prepare_blocks(Docx *x, const GPtrArray *blocks, GPtrArray *pending)
{
	for (guint i = 0; i < blocks->len; i++) {
		const DocBlock *b = g_ptr_array_index(blocks, i);

		name_bookmark(x, b->anchor);
		if (b->kind == DOC_NOTES) {
			assign_notes(x, b, pending);
			continue;
		}
		if (b->kind == DOC_LIST) {
			g_ptr_array_add(x->lists, (gpointer)b);
			g_hash_table_insert(x->list_num, (gpointer)b, GINT_TO_POINTER(x->lists->len));
		}
		prepare_inlines(x, b->inlines, pending);
		prepare_blocks(x, b->children, pending);
		if (b->table != NULL)
			for (guint r = 0; r < b->table->rows->len; r++) {
				GPtrArray *row = g_ptr_array_index(b->table->rows, r);

				for (guint c = 0; c < row->len; c++)
					prepare_blocks(x, g_ptr_array_index(row, c), pending);
			}
	}
}

static void
prepare_images(Docx *x, const GPtrArray *blocks)
{
	for (guint i = 0; i < blocks->len; i++) {
		const DocBlock *b = g_ptr_array_index(blocks, i);

		if (b->kind == DOC_IMAGE && b->text != NULL) {
			char *data = NULL;
			gsize len = 0;
			guint32 w, h;

			if (g_file_get_contents(b->text, &data, &len, NULL) && doc_png_size(data, len, &w, &h)) {
				PackagePart *pp = g_new0(PackagePart, 1);

				pp->name = g_strdup_printf("word/media/image%u.png",
				                           g_hash_table_size(x->image_part) + 1);
				pp->rel_type = g_strdup(REL_BASE "image");
				pp->rel_id = g_strdup_printf("rId%u", ++x->next_rel);
				pp->data = data;
				pp->len = len;
				g_ptr_array_add(x->parts, pp);
				g_hash_table_insert(x->image_part, (gpointer)b, pp);
			} else {
				if (x->diags != NULL)
					diag_add(x->diags, DIAG_IMAGE_UNREADABLE, b->pos,
					         "image '%s' is not used in the DOCX: it is missing or not a PNG "
					         "file", b->text);
				g_free(data);
			}
		}
		prepare_images(x, b->children);
	}
}

/* Document part */

static void write_blocks(Docx *x, Part *p, const GPtrArray *blocks, int list_depth,
                         const char *style);

static void
write_run_props(Part *p, gboolean bold, gboolean italic, gboolean strike, const char *rstyle,
                gboolean superscript)
{
	if (!bold && !italic && !strike && rstyle == NULL && !superscript)
		return;
	start(p, "w:rPr");
	if (rstyle != NULL)
		val(p, "w:rStyle", rstyle);
	if (bold)
		empty(p, "w:b");
	if (italic)
		empty(p, "w:i");
	if (strike)
		empty(p, "w:strike");
	if (superscript)
		val(p, "w:vertAlign", "superscript");
	end(p);
}

static void
write_text_run(Docx *x, Part *p, const char *s, gboolean bold, gboolean italic, gboolean strike,
               const char *rstyle)
{
	start(p, "w:r");
	write_run_props(p, bold, italic, strike, rstyle, FALSE);
	start(p, "w:t");
	attr(p, "xml:space", "preserve");
	text(p, s, &x->replaced);
	end(p);
	end(p);
}

typedef struct {
	gboolean bold, italic, strike;
	const char *rstyle;
	gboolean keep_hyphens; /* IDs: hyphens never break a line */
} RunState;

static void
write_inlines(Docx *x, Part *p, const GPtrArray *inlines, RunState st)
{
	for (guint i = 0; inlines != NULL && i < inlines->len; i++) {
		const DocInline *in = g_ptr_array_index(inlines, i);
		RunState inner = st;

		switch (in->kind) {
		case DOC_TEXT:
			if (st.keep_hyphens && strchr(in->text, '-') != NULL) {
				/* w:noBreakHyphen keeps an ID such as SRS-006 on one line
				 * in Word and LibreOffice alike. */
				char **parts = g_strsplit(in->text, "-", -1);

				for (char **part = parts; *part; part++) {
					if (part != parts) {
						start(p, "w:r");
						write_run_props(p, st.bold, st.italic, st.strike, st.rstyle, FALSE);
						empty(p, "w:noBreakHyphen");
						end(p);
					}
					if (**part)
						write_text_run(x, p, *part, st.bold, st.italic, st.strike, st.rstyle);
				}
				g_strfreev(parts);
			} else {
				write_text_run(x, p, in->text, st.bold, st.italic, st.strike, st.rstyle);
			}
			break;
		case DOC_CODE:
			write_text_run(x, p, in->text, st.bold, st.italic, st.strike, "CodeChar");
			break;
		case DOC_LINE_BREAK:
			start(p, "w:r");
			empty(p, "w:br");
			end(p);
			break;
		case DOC_EMPHASIS:
			inner.italic = TRUE;
			write_inlines(x, p, in->children, inner);
			break;
		case DOC_STRONG:
			inner.bold = TRUE;
			write_inlines(x, p, in->children, inner);
			break;
		case DOC_STRIKE:
			inner.strike = TRUE;
			write_inlines(x, p, in->children, inner);
			break;
		case DOC_FOOTNOTE: {
			gpointer id = g_hash_table_lookup(x->footnote_of, in);

			start(p, "w:r");
			write_run_props(p, FALSE, FALSE, FALSE, id ? "FootnoteReference" : NULL, id == NULL);
			if (id != NULL) {
				start(p, "w:footnoteReference");
				attr_int(p, "w:id", GPOINTER_TO_INT(id));
				end(p);
			} else {
				start(p, "w:t");
				text(p, in->text, &x->replaced);
				end(p);
			}
			end(p);
			break;
		}
		case DOC_LINK:
		case DOC_XREF: {
			const char *target = NULL;

			if (in->kind == DOC_XREF) {
				target = g_hash_table_lookup(x->bookmark, in->target);
				inner.keep_hyphens = TRUE;
			}
			inner.rstyle = "Hyperlink";
			if (in->kind == DOC_LINK) {
				start(p, "w:hyperlink");
				attr(p, "r:id", g_hash_table_lookup(x->link_rel, in->target));
				write_inlines(x, p, in->children, inner);
				end(p);
			} else if (target != NULL) {
				start(p, "w:hyperlink");
				attr(p, "w:anchor", target);
				write_inlines(x, p, in->children, inner);
				end(p);
			} else {
				/* The record is not described in this document. */
				RunState plain = st;

				plain.keep_hyphens = TRUE;
				write_inlines(x, p, in->children, plain);
			}
			break;
		}
		}
	}
}

static void
bookmark_start(Docx *x, Part *p, const char *anchor, guint *id)
{
	const char *name = anchor ? g_hash_table_lookup(x->bookmark, anchor) : NULL;

	*id = 0;
	/* One bookmark per name: Word keeps only one of two with a name. */
	if (name == NULL || g_hash_table_contains(x->written, name))
		return;
	g_hash_table_add(x->written, (gpointer)name);
	*id = ++x->bookmark_id;
	start(p, "w:bookmarkStart");
	attr_int(p, "w:id", *id);
	attr(p, "w:name", name);
	end(p);
}

static void
bookmark_end(Part *p, guint id)
{
	if (id == 0)
		return;
	start(p, "w:bookmarkEnd");
	attr_int(p, "w:id", id);
	end(p);
}

/* Writes a paragraph; style may be NULL for Normal. */
static void
write_paragraph(Docx *x, Part *p, const DocBlock *b, const char *style, int num_id, int level)
{
	guint mark;
	RunState st = {FALSE, FALSE, FALSE, NULL, FALSE};

	start(p, "w:p");
	if (style != NULL || num_id > 0) {
		start(p, "w:pPr");
		if (style != NULL)
			val(p, "w:pStyle", style);
		if (num_id > 0) {
			start(p, "w:numPr");
			start(p, "w:ilvl");
			attr_int(p, "w:val", level);
			end(p);
			start(p, "w:numId");
			attr_int(p, "w:val", num_id);
			end(p);
			end(p);
		}
		end(p);
	}
	bookmark_start(x, p, b->anchor, &mark);
	write_inlines(x, p, b->inlines, st);
	bookmark_end(p, mark);
	end(p);
}

static void
write_code(Docx *x, Part *p, const DocBlock *b)
{
	char **lines = g_strsplit(b->text, "\n", -1);
	guint n = g_strv_length(lines);

	/* cmark ends a code block with a newline; no empty last line. */
	if (n > 1 && lines[n - 1][0] == '\0')
		n--;
	for (guint i = 0; i < n; i++) {
		start(p, "w:p");
		start(p, "w:pPr");
		val(p, "w:pStyle", "Code");
		end(p);
		write_text_run(x, p, lines[i], FALSE, FALSE, FALSE, NULL);
		end(p);
	}
	g_strfreev(lines);
}

static void
write_cell_shading(Part *p, const char *fill)
{
	start(p, "w:shd");
	attr(p, "w:val", "clear");
	attr(p, "w:color", "auto");
	attr(p, "w:fill", fill);
	end(p);
}

static void
write_cell(Docx *x, Part *p, const GPtrArray *blocks, long width, const char *fill,
           gboolean header)
{
	start(p, "w:tc");
	start(p, "w:tcPr");
	start(p, "w:tcW");
	attr_int(p, "w:w", width);
	attr(p, "w:type", "dxa");
	end(p);
	if (fill != NULL)
		write_cell_shading(p, fill);
	end(p);
	if (blocks == NULL || blocks->len == 0) {
		/* Every cell must hold at least one paragraph. */
		start(p, "w:p");
		start(p, "w:pPr");
		val(p, "w:pStyle", header ? "TableHeading" : "TableText");
		end(p);
		end(p);
	} else {
		write_blocks(x, p, blocks, 0, header ? "TableHeading" : "TableText");
	}
	end(p);
}

/* Estimates, in twips, the width a column needs for its longest word at
 * the table font (9.5 pt Arial averages about 110 twips a character),
 * plus the cell margins. */
static long
column_need(const DocTable *t, guint column)
{
	glong longest = 0;

	for (guint r = 0; r < t->rows->len; r++) {
		const GPtrArray *cell = doc_table_cell(g_ptr_array_index(t->rows, r), column);
		GString *content = g_string_new(NULL);
		char **words;

		for (guint i = 0; i < cell->len; i++)
			doc_inlines_text(((const DocBlock *)g_ptr_array_index(cell, i))->inlines, content);
		words = g_strsplit_set(content->str, " \t\n", -1);
		for (char **w = words; *w; w++)
			longest = MAX(longest, g_utf8_strlen(*w, -1));
		g_strfreev(words);
		g_string_free(content, TRUE);
	}
	return longest * 110 + 120;
}

static void
write_table(Docx *x, Part *p, const DocBlock *b)
{
	const DocTable *t = b->table;
	double *need, *fit, total = 0;
	guint mark;

	if (t->columns == 0)
		return;
	/* The longest word of each column is estimated once: it decides
	 * whether the table is transposed and how wide its columns are. */
	need = g_new(double, t->columns);
	for (guint c = 0; c < t->columns; c++) {
		need[c] = (double)column_need(t, c);
		total += need[c];
	}
	/* A table whose words need more than 1.5 text widths is written in
	 * the transposed form of doc_table_transposed, as the PDF does. */
	if (t->header_rows > 0 && t->columns >= 3 && total > (double)x->text_width * 1.5) {
		DocBlock *tall = doc_table_transposed(b, FALSE);

		write_table(x, p, tall);
		doc_table_transposed_free(tall, t->columns);
		g_free(need);
		return;
	}
	/* Columns whose longest word would not fit widen, up to 40 % of the
	 * text width each. */
	fit = g_new(double, t->columns);
	for (guint c = 0; c < t->columns; c++)
		need[c] = MIN(need[c], (double)(x->text_width * 2 / 5));
	doc_fit_columns(t, need, (double)x->text_width, fit);
	start(p, "w:tbl");
	start(p, "w:tblPr");
	val(p, "w:tblStyle", "TableGrid");
	start(p, "w:tblW");
	attr_int(p, "w:w", x->text_width);
	attr(p, "w:type", "dxa");
	end(p);
	start(p, "w:tblLayout");
	attr(p, "w:type", "fixed");
	end(p);
	end(p);
	start(p, "w:tblGrid");
	for (guint c = 0; c < t->columns; c++) {
		start(p, "w:gridCol");
		attr_int(p, "w:w", (long)fit[c]);
		end(p);
	}
	end(p);
	for (guint r = 0; r < t->rows->len; r++) {
		GPtrArray *row = g_ptr_array_index(t->rows, r);
		gboolean header = r < t->header_rows;

		start(p, "w:tr");
		if (header) {
			/* Word repeats header rows on every page the table spans. */
			start(p, "w:trPr");
			empty(p, "w:tblHeader");
			end(p);
		}
		for (guint c = 0; c < t->columns; c++)
			write_cell(x, p, g_ptr_array_index(row, c), (long)fit[c], header ? "E0E0E0" : NULL,
			           header);
		end(p);
	}
	end(p);
	g_free(need);
	g_free(fit);
	/* A paragraph after every table keeps two tables from merging. */
	start(p, "w:p");
	bookmark_start(x, p, b->anchor, &mark);
	bookmark_end(p, mark);
	end(p);
}

/* The risk matrix as a shaded table per estimate: probability rows (most
 * likely first), severity columns, the hazard count in each cell. */
static void
write_risk_matrix(Docx *x, Part *p, const DocBlock *b)
{
	static const char *const fills[] = {"C8E6C9", "FFF59D", "FFCDD2"};
	const DocRiskMatrix *m = b->matrix;
	guint ns = m->severity->len, np = m->probability->len;
	long label_w = x->text_width / 5, cell_w = (x->text_width - label_w) / (long)ns;

	for (int pass = 0; pass < 2; pass++) {
		const guint *counts = pass == 0 ? m->before : m->after;
		DocBlock *caption = doc_paragraph(pass == 0 ? "Before risk controls"
		                                            : "After risk controls", b->pos);

		write_paragraph(x, p, caption, "Caption", 0, 0);
		doc_block_free(caption);
		start(p, "w:tbl");
		start(p, "w:tblPr");
		val(p, "w:tblStyle", "TableGrid");
		start(p, "w:tblLayout");
		attr(p, "w:type", "fixed");
		end(p);
		end(p);
		start(p, "w:tblGrid");
		for (guint c = 0; c <= ns; c++) {
			start(p, "w:gridCol");
			attr_int(p, "w:w", c == 0 ? label_w : cell_w);
			end(p);
		}
		end(p);
		for (guint row = 0; row <= np; row++) {
			start(p, "w:tr");
			for (guint c = 0; c <= ns; c++) {
				GPtrArray *cell = g_ptr_array_new_with_free_func((GDestroyNotify)doc_block_free);
				const char *fill = NULL;

				if (row == np && c > 0) {
					g_ptr_array_add(cell, doc_paragraph(g_ptr_array_index(m->severity, c - 1), b->pos));
				} else if (row < np && c == 0) {
					g_ptr_array_add(cell, doc_paragraph(g_ptr_array_index(m->probability, np - 1 - row), b->pos));
				} else if (row < np) {
					guint index = (np - 1 - row) * ns + (c - 1);
					char *count = g_strdup_printf("%u", counts[index]);

					g_ptr_array_add(cell, doc_paragraph(counts[index] ? count : "\xE2\x80\x93", b->pos));
					fill = fills[m->levels[index]];
					g_free(count);
				}
				write_cell(x, p, cell, c == 0 ? label_w : cell_w, fill, FALSE);
				g_ptr_array_free(cell, TRUE);
			}
			end(p);
		}
		end(p);
	}
	{
		DocBlock *legend = doc_paragraph("Rows: probability, most likely at the top. Columns: "
		                                 "severity. Each cell counts the hazards estimated "
		                                 "there; green is acceptable, yellow as low as "
		                                 "reasonably practicable, red unacceptable.", b->pos);

		write_paragraph(x, p, legend, "Caption", 0, 0);
		doc_block_free(legend);
	}
}

static void
write_image(Docx *x, Part *p, const DocBlock *b)
{
	const PackagePart *pp = g_hash_table_lookup(x->image_part, b);
	guint32 w, h;
	long cx, cy, max_cx = x->text_width * EMU_PER_TWIP;
	char *id;
	GString *alt = g_string_new(NULL);

	if (pp == NULL || !doc_png_size(pp->data, pp->len, &w, &h)) {
		DocBlock *missing = doc_paragraph("[Image not available]", b->pos);

		write_paragraph(x, p, missing, NULL, 0, 0);
		doc_block_free(missing);
		g_string_free(alt, TRUE);
		return;
	}
	/* 96 pixels per inch, shrunk to the text width, never enlarged. */
	cx = (long)w * 9525;
	cy = (long)h * 9525;
	if (cx > max_cx) {
		cy = (long)((double)cy * max_cx / cx);
		cx = max_cx;
	}
	doc_inlines_text(b->inlines, alt);
	id = g_strdup_printf("%u", ++x->bookmark_id);
	start(p, "w:p");
	start(p, "w:r");
	start(p, "w:drawing");
	start(p, "wp:inline");
	start(p, "wp:extent");
	attr_int(p, "cx", cx);
	attr_int(p, "cy", cy);
	end(p);
	start(p, "wp:docPr");
	attr(p, "id", id);
	attr(p, "name", pp->name + strlen("word/media/"));
	attr(p, "descr", alt->str);
	end(p);
	start(p, "a:graphic");
	attr(p, "xmlns:a", NS_A);
	start(p, "a:graphicData");
	attr(p, "uri", NS_PIC);
	start(p, "pic:pic");
	attr(p, "xmlns:pic", NS_PIC);
	start(p, "pic:nvPicPr");
	start(p, "pic:cNvPr");
	attr(p, "id", id);
	attr(p, "name", pp->name + strlen("word/media/"));
	end(p);
	empty(p, "pic:cNvPicPr");
	end(p);
	start(p, "pic:blipFill");
	start(p, "a:blip");
	attr(p, "r:embed", pp->rel_id);
	end(p);
	start(p, "a:stretch");
	empty(p, "a:fillRect");
	end(p);
	end(p);
	start(p, "pic:spPr");
	start(p, "a:xfrm");
	start(p, "a:off");
	attr(p, "x", "0");
	attr(p, "y", "0");
	end(p);
	start(p, "a:ext");
	attr_int(p, "cx", cx);
	attr_int(p, "cy", cy);
	end(p);
	end(p);
	start(p, "a:prstGeom");
	attr(p, "prst", "rect");
	empty(p, "a:avLst");
	end(p);
	end(p);
	end(p);
	end(p);
	end(p);
	end(p);
	end(p);
	end(p);
	end(p);
	g_free(id);
	g_string_free(alt, TRUE);
}

/* Headings of levels 1 to 3, for the cached result of the TOC field. */
static void
collect_headings(const GPtrArray *blocks, GPtrArray *out)
{
	for (guint i = 0; i < blocks->len; i++) {
		const DocBlock *b = g_ptr_array_index(blocks, i);

		if (b->kind == DOC_HEADING && b->anchor != NULL && b->level <= 3 &&
		    strcmp(b->anchor, DOC_TITLE_ANCHOR) != 0)
			g_ptr_array_add(out, (gpointer)b);
		collect_headings(b->children, out);
	}
}

static void
field_char(Part *p, const char *type)
{
	start(p, "w:r");
	start(p, "w:fldChar");
	attr(p, "w:fldCharType", type);
	end(p);
	end(p);
}

static void
instruction(Part *p, const char *code)
{
	start(p, "w:r");
	start(p, "w:instrText");
	attr(p, "xml:space", "preserve");
	text(p, code, NULL);
	end(p);
	end(p);
}

/* A TOC field whose result already lists the headings as links:
 * LibreOffice shows a field's result as written, and Word refreshes it
 * (with page numbers) on open because settings ask it to. */
static void
write_toc(Docx *x, Part *p)
{
	GPtrArray *headings = g_ptr_array_new();
	RunState st = {FALSE, FALSE, FALSE, "Hyperlink", FALSE};

	collect_headings(x->doc->blocks, headings);
	for (guint i = 0; i < headings->len; i++) {
		const DocBlock *h = g_ptr_array_index(headings, i);
		char *style = g_strdup_printf("TOC%d", h->level);
		GString *title = g_string_new(NULL);

		doc_inlines_text(h->inlines, title);
		start(p, "w:p");
		start(p, "w:pPr");
		val(p, "w:pStyle", style);
		end(p);
		if (i == 0) {
			field_char(p, "begin");
			instruction(p, " TOC \\o \"1-3\" \\h \\z \\u ");
			field_char(p, "separate");
		}
		start(p, "w:hyperlink");
		attr(p, "w:anchor", g_hash_table_lookup(x->bookmark, h->anchor));
		write_text_run(x, p, title->str, st.bold, st.italic, st.strike, st.rstyle);
		end(p);
		if (i + 1 == headings->len)
			field_char(p, "end");
		end(p);
		g_string_free(title, TRUE);
		g_free(style);
	}
	g_ptr_array_free(headings, TRUE);
}

static void
write_blocks(Docx *x, Part *p, const GPtrArray *blocks, int list_depth, const char *style)
{
	for (guint i = 0; i < blocks->len; i++) {
		const DocBlock *b = g_ptr_array_index(blocks, i);

		switch (b->kind) {
		case DOC_HEADING: {
			char *heading = g_strdup_printf("Heading%d", CLAMP(b->level, 1, 6));

			write_paragraph(x, p, b, heading, 0, 0);
			g_free(heading);
			break;
		}
		case DOC_PARAGRAPH:
			write_paragraph(x, p, b, style, 0, 0);
			break;
		case DOC_CAPTION:
			write_paragraph(x, p, b, "Caption", 0, 0);
			break;
		case DOC_LIST: {
			int num = GPOINTER_TO_INT(g_hash_table_lookup(x->list_num, b));

			for (guint k = 0; k < b->children->len; k++) {
				const DocBlock *item = g_ptr_array_index(b->children, k);

				for (guint j = 0; j < item->children->len; j++) {
					const DocBlock *part = g_ptr_array_index(item->children, j);

					if (j == 0 && part->kind == DOC_PARAGRAPH) {
						DocBlock *first = doc_block_new(DOC_PARAGRAPH, part->pos);

						if (item->task != 0)
							doc_inlines_add_text(first->inlines,
							                     item->task == 2 ? "\xE2\x98\x91 " : "\xE2\x98\x90 ");
						for (guint n = 0; n < part->inlines->len; n++)
							g_ptr_array_add(first->inlines, g_ptr_array_index(part->inlines, n));
						/* A task item shows its box instead of a bullet. */
						write_paragraph(x, p, first, "ListParagraph", item->task ? 0 : num,
						                MIN(list_depth, 8));
						/* Only the task marker belongs to this paragraph; the
						 * other inlines are borrowed from the item. */
						if (item->task != 0)
							doc_inline_free(g_ptr_array_steal_index(first->inlines, 0));
						g_ptr_array_set_free_func(first->inlines, NULL);
						doc_block_free(first);
					} else {
						GPtrArray *one = g_ptr_array_new();

						g_ptr_array_add(one, (gpointer)part);
						write_blocks(x, p, one, list_depth + 1, "ListParagraph");
						g_ptr_array_free(one, TRUE);
					}
				}
			}
			break;
		}
		case DOC_LIST_ITEM:
			write_blocks(x, p, b->children, list_depth, style);
			break;
		case DOC_NOTES:
			if (!g_hash_table_contains(x->consumed_notes, b))
				write_blocks(x, p, b->children, list_depth, "FootnoteText");
			break;
		case DOC_CODE_BLOCK:
			write_code(x, p, b);
			break;
		case DOC_QUOTE:
			write_blocks(x, p, b->children, list_depth, "Quote");
			break;
		case DOC_TABLE:
			write_table(x, p, b);
			break;
		case DOC_IMAGE:
			write_image(x, p, b);
			break;
		case DOC_PAGE_BREAK:
			start(p, "w:p");
			start(p, "w:r");
			start(p, "w:br");
			attr(p, "w:type", "page");
			end(p);
			end(p);
			end(p);
			break;
		case DOC_TOC:
			write_toc(x, p);
			break;
		case DOC_RISK_MATRIX:
			write_risk_matrix(x, p, b);
			break;
		case DOC_RULE:
			start(p, "w:p");
			start(p, "w:pPr");
			start(p, "w:pBdr");
			start(p, "w:bottom");
			attr(p, "w:val", "single");
			attr(p, "w:sz", "4");
			attr(p, "w:space", "1");
			attr(p, "w:color", "auto");
			end(p);
			end(p);
			end(p);
			end(p);
			break;
		}
	}
}

static void
write_section(Docx *x, Part *p)
{
	gboolean a4 = x->r->options.a4;

	start(p, "w:sectPr");
	start(p, "w:headerReference");
	attr(p, "w:type", "default");
	attr(p, "r:id", "rIdHeader");
	end(p);
	start(p, "w:footerReference");
	attr(p, "w:type", "default");
	attr(p, "r:id", "rIdFooter");
	end(p);
	start(p, "w:pgSz");
	attr_int(p, "w:w", a4 ? 11906 : 12240);
	attr_int(p, "w:h", a4 ? 16838 : 15840);
	end(p);
	start(p, "w:pgMar");
	attr_int(p, "w:top", MARGIN_TOP);
	attr_int(p, "w:right", MARGIN_RIGHT);
	attr_int(p, "w:bottom", MARGIN_BOTTOM);
	attr_int(p, "w:left", MARGIN_LEFT);
	attr_int(p, "w:header", 720);
	attr_int(p, "w:footer", 720);
	attr_int(p, "w:gutter", 0);
	end(p);
	end(p);
}

static char *
document_part(Docx *x, gsize *len)
{
	Part p;

	part_begin(&p);
	start(&p, "w:document");
	attr(&p, "xmlns:w", NS_W);
	attr(&p, "xmlns:r", NS_R);
	attr(&p, "xmlns:wp", NS_WP);
	start(&p, "w:body");
	write_blocks(x, &p, x->doc->blocks, 0, NULL);
	write_section(x, &p);
	end(&p);
	end(&p);
	return part_finish(&p, len);
}

/* Header, footer and footnotes */

static void
write_simple_field(Part *p, const char *code, const char *cached)
{
	field_char(p, "begin");
	instruction(p, code);
	field_char(p, "separate");
	start(p, "w:r");
	start(p, "w:t");
	text(p, cached, NULL);
	end(p);
	end(p);
	field_char(p, "end");
}

static char *
header_part(Docx *x, gboolean footer, gsize *len)
{
	const Document *doc = x->doc;
	Part p;

	part_begin(&p);
	start(&p, footer ? "w:ftr" : "w:hdr");
	attr(&p, "xmlns:w", NS_W);
	attr(&p, "xmlns:r", NS_R);
	start(&p, "w:p");
	start(&p, "w:pPr");
	val(&p, "w:pStyle", footer ? "Footer" : "Header");
	end(&p);
	if (footer) {
		start(&p, "w:r");
		start(&p, "w:t");
		attr(&p, "xml:space", "preserve");
		text(&p, "Page ", NULL);
		end(&p);
		end(&p);
		write_simple_field(&p, " PAGE ", "1");
		start(&p, "w:r");
		start(&p, "w:t");
		attr(&p, "xml:space", "preserve");
		text(&p, " of ", NULL);
		end(&p);
		end(&p);
		write_simple_field(&p, " NUMPAGES ", "1");
	} else {
		char *left = g_strdup_printf("%s  %s", doc->number ? doc->number : "",
		                             doc->title ? doc->title : "");
		char *right = g_strdup_printf("Revision %s", doc->revision ? doc->revision : "-");

		start(&p, "w:r");
		start(&p, "w:t");
		attr(&p, "xml:space", "preserve");
		text(&p, left, NULL);
		end(&p);
		end(&p);
		start(&p, "w:r");
		empty(&p, "w:tab");
		start(&p, "w:t");
		text(&p, right, NULL);
		end(&p);
		end(&p);
		g_free(left);
		g_free(right);
	}
	end(&p);
	end(&p);
	return part_finish(&p, len);
}

static void
write_separator_note(Part *p, int id, const char *type, const char *separator)
{
	start(p, "w:footnote");
	attr(p, "w:type", type);
	attr_int(p, "w:id", id);
	start(p, "w:p");
	start(p, "w:r");
	empty(p, separator);
	end(p);
	end(p);
	end(p);
}

static char *
footnotes_part(Docx *x, gsize *len)
{
	RunState st = {FALSE, FALSE, FALSE, NULL, FALSE};
	Part p;

	part_begin(&p);
	start(&p, "w:footnotes");
	attr(&p, "xmlns:w", NS_W);
	attr(&p, "xmlns:r", NS_R);
	write_separator_note(&p, -1, "separator", "w:separator");
	write_separator_note(&p, 0, "continuationSeparator", "w:continuationSeparator");
	for (guint i = 0; i < x->footnotes->len; i++) {
		const DocBlock *note = g_ptr_array_index(x->footnotes, i);
		const DocInline *first = g_ptr_array_index(note->inlines, 0);
		GPtrArray *rest = g_ptr_array_new();
		const char *after = strstr(first->text, ". ");

		start(&p, "w:footnote");
		attr_int(&p, "w:id", (long)i + 1);
		start(&p, "w:p");
		start(&p, "w:pPr");
		val(&p, "w:pStyle", "FootnoteText");
		end(&p);
		start(&p, "w:r");
		write_run_props(&p, FALSE, FALSE, FALSE, "FootnoteReference", FALSE);
		empty(&p, "w:footnoteRef");
		end(&p);
		/* The note's own text, without the "N. " the PDF prints. */
		write_text_run(x, &p, after ? after + 1 : "", FALSE, FALSE, FALSE, NULL);
		for (guint k = 1; k < note->inlines->len; k++)
			g_ptr_array_add(rest, g_ptr_array_index(note->inlines, k));
		write_inlines(x, &p, rest, st);
		g_ptr_array_free(rest, TRUE);
		end(&p);
		end(&p);
	}
	end(&p);
	return part_finish(&p, len);
}

/* Styles, numbering, settings, properties */

static void
style_fonts(Part *p, const char *font, int half_points, gboolean bold, const char *colour)
{
	start(p, "w:rPr");
	start(p, "w:rFonts");
	attr(p, "w:ascii", font);
	attr(p, "w:hAnsi", font);
	attr(p, "w:cs", font);
	end(p);
	if (bold)
		empty(p, "w:b");
	if (colour != NULL)
		val(p, "w:color", colour);
	start(p, "w:sz");
	attr_int(p, "w:val", half_points);
	end(p);
	end(p);
}

static void
paragraph_style(Part *p, const char *id, const char *name, const char *based_on, int outline,
                const char *font, int half_points, gboolean bold, int before, int after,
                int indent)
{
	gboolean header = strcmp(id, "Header") == 0, footer = strcmp(id, "Footer") == 0;

	start(p, "w:style");
	attr(p, "w:type", "paragraph");
	attr(p, "w:styleId", id);
	val(p, "w:name", name);
	if (based_on != NULL)
		val(p, "w:basedOn", based_on);
	val(p, "w:next", "Normal");
	empty(p, "w:qFormat");
	/* Children in the order the WordprocessingML schema requires; Word
	 * reports a file with another order as damaged. */
	start(p, "w:pPr");
	if (outline >= 0)
		empty(p, "w:keepNext");
	if (header) {
		/* The revision sits at the right margin of a Letter page; on A4
		 * the text is narrower and the tab still fits. */
		start(p, "w:tabs");
		start(p, "w:tab");
		attr(p, "w:val", "right");
		attr_int(p, "w:pos", 11906 - MARGIN_LEFT - MARGIN_RIGHT);
		end(p);
		end(p);
	}
	start(p, "w:spacing");
	attr_int(p, "w:before", before);
	attr_int(p, "w:after", after);
	end(p);
	if (indent > 0) {
		start(p, "w:ind");
		attr_int(p, "w:left", indent);
		end(p);
	}
	if (footer)
		val(p, "w:jc", "center");
	if (outline >= 0) {
		start(p, "w:outlineLvl");
		attr_int(p, "w:val", outline);
		end(p);
	}
	end(p);
	style_fonts(p, font, half_points, bold, NULL);
	end(p);
}

/* Styles name Times New Roman, Arial and Courier New, which Word has and
 * LibreOffice maps to the metrically identical Liberation fonts. */
static char *
styles_part(gsize *len)
{
	Part p;

	part_begin(&p);
	start(&p, "w:styles");
	attr(&p, "xmlns:w", NS_W);
	start(&p, "w:docDefaults");
	start(&p, "w:rPrDefault");
	style_fonts(&p, "Times New Roman", 22, FALSE, NULL);
	end(&p);
	start(&p, "w:pPrDefault");
	start(&p, "w:pPr");
	start(&p, "w:spacing");
	attr(&p, "w:after", "120");
	end(&p);
	end(&p);
	end(&p);
	end(&p);
	paragraph_style(&p, "Normal", "Normal", NULL, -1, "Times New Roman", 22, FALSE, 0, 120, 0);
	paragraph_style(&p, "Title", "Title", "Normal", -1, "Arial", 36, TRUE, 0, 240, 0);
	paragraph_style(&p, "Heading1", "heading 1", "Normal", 0, "Arial", 36, TRUE, 360, 120, 0);
	paragraph_style(&p, "Heading2", "heading 2", "Normal", 1, "Arial", 30, TRUE, 240, 120, 0);
	paragraph_style(&p, "Heading3", "heading 3", "Normal", 2, "Arial", 26, TRUE, 240, 120, 0);
	paragraph_style(&p, "Heading4", "heading 4", "Normal", 3, "Arial", 24, TRUE, 200, 100, 0);
	paragraph_style(&p, "Heading5", "heading 5", "Normal", 4, "Arial", 22, TRUE, 200, 100, 0);
	paragraph_style(&p, "Heading6", "heading 6", "Normal", 5, "Arial", 22, TRUE, 200, 100, 0);
	paragraph_style(&p, "Caption", "caption", "Normal", -1, "Arial", 19, FALSE, 60, 120, 0);
	paragraph_style(&p, "Code", "Code", "Normal", -1, "Courier New", 18, FALSE, 0, 0, 120);
	paragraph_style(&p, "Quote", "Quote", "Normal", -1, "Times New Roman", 22, FALSE, 0, 120, 360);
	paragraph_style(&p, "ListParagraph", "List Paragraph", "Normal", -1, "Times New Roman", 22,
	                FALSE, 0, 60, 0);
	paragraph_style(&p, "TableText", "Table Text", "Normal", -1, "Arial", 19, FALSE, 0, 0, 0);
	paragraph_style(&p, "TableHeading", "Table Heading", "TableText", -1, "Arial", 19, TRUE, 0, 0,
	                0);
	paragraph_style(&p, "FootnoteText", "footnote text", "Normal", -1, "Times New Roman", 18,
	                FALSE, 0, 0, 0);
	paragraph_style(&p, "Header", "header", "Normal", -1, "Arial", 17, FALSE, 0, 0, 0);
	paragraph_style(&p, "Footer", "footer", "Normal", -1, "Arial", 17, FALSE, 0, 0, 0);
	paragraph_style(&p, "TOC1", "toc 1", "Normal", -1, "Times New Roman", 22, TRUE, 60, 0, 0);
	paragraph_style(&p, "TOC2", "toc 2", "Normal", -1, "Times New Roman", 22, FALSE, 0, 0, 240);
	paragraph_style(&p, "TOC3", "toc 3", "Normal", -1, "Times New Roman", 22, FALSE, 0, 0, 480);

	start(&p, "w:style");
	attr(&p, "w:type", "character");
	attr(&p, "w:styleId", "Hyperlink");
	val(&p, "w:name", "Hyperlink");
	start(&p, "w:rPr");
	val(&p, "w:color", "0000CC");
	val(&p, "w:u", "single");
	end(&p);
	end(&p);
	start(&p, "w:style");
	attr(&p, "w:type", "character");
	attr(&p, "w:styleId", "CodeChar");
	val(&p, "w:name", "Code Char");
	start(&p, "w:rPr");
	start(&p, "w:rFonts");
	attr(&p, "w:ascii", "Courier New");
	attr(&p, "w:hAnsi", "Courier New");
	end(&p);
	end(&p);
	end(&p);
	start(&p, "w:style");
	attr(&p, "w:type", "character");
	attr(&p, "w:styleId", "FootnoteReference");
	val(&p, "w:name", "footnote reference");
	start(&p, "w:rPr");
	val(&p, "w:vertAlign", "superscript");
	end(&p);
	end(&p);
	start(&p, "w:style");
	attr(&p, "w:type", "table");
	attr(&p, "w:styleId", "TableGrid");
	val(&p, "w:name", "Table Grid");
	start(&p, "w:tblPr");
	start(&p, "w:tblBorders");
	for (guint i = 0; i < 6; i++) {
		static const char *const sides[] = {"w:top", "w:left", "w:bottom", "w:right",
		                                    "w:insideH", "w:insideV"};

		start(&p, sides[i]);
		attr(&p, "w:val", "single");
		attr(&p, "w:sz", "4");
		attr(&p, "w:space", "0");
		attr(&p, "w:color", "000000");
		end(&p);
	}
	end(&p);
	start(&p, "w:tblCellMar");
	start(&p, "w:left");
	attr(&p, "w:w", "60");
	attr(&p, "w:type", "dxa");
	end(&p);
	start(&p, "w:right");
	attr(&p, "w:w", "60");
	attr(&p, "w:type", "dxa");
	end(&p);
	end(&p);
	end(&p);
	end(&p);
	end(&p);
	return part_finish(&p, len);
}

static void
abstract_num(Part *p, int id, gboolean ordered)
{
	start(p, "w:abstractNum");
	attr_int(p, "w:abstractNumId", id);
	val(p, "w:multiLevelType", "hybridMultilevel");
	for (int level = 0; level < 9; level++) {
		char *pattern = g_strdup_printf("%%%d.", level + 1);

		start(p, "w:lvl");
		attr_int(p, "w:ilvl", level);
		start(p, "w:start");
		attr(p, "w:val", "1");
		end(p);
		val(p, "w:numFmt", ordered ? "decimal" : "bullet");
		val(p, "w:lvlText", ordered ? pattern : "\xE2\x80\xA2");
		val(p, "w:lvlJc", "left");
		start(p, "w:pPr");
		start(p, "w:ind");
		attr_int(p, "w:left", 360 * (level + 1));
		attr_int(p, "w:hanging", 360);
		end(p);
		end(p);
		end(p);
		g_free(pattern);
	}
	end(p);
}

/* Every list gets its own numbering instance, so each ordered list
 * starts at its own first number. */
static char *
numbering_part(Docx *x, gsize *len)
{
	Part p;

	part_begin(&p);
	start(&p, "w:numbering");
	attr(&p, "xmlns:w", NS_W);
	abstract_num(&p, 0, FALSE);
	abstract_num(&p, 1, TRUE);
	for (guint i = 0; i < x->lists->len; i++) {
		const DocBlock *list = g_ptr_array_index(x->lists, i);

		start(&p, "w:num");
		attr_int(&p, "w:numId", (long)i + 1);
		start(&p, "w:abstractNumId");
		attr(&p, "w:val", list->ordered ? "1" : "0");
		end(&p);
		if (list->ordered) {
			start(&p, "w:lvlOverride");
			attr(&p, "w:ilvl", "0");
			start(&p, "w:startOverride");
			attr_int(&p, "w:val", list->start > 0 ? list->start : 1);
			end(&p);
			end(&p);
		}
		end(&p);
	}
	end(&p);
	return part_finish(&p, len);
}

static char *
settings_part(gsize *len)
{
	Part p;

	part_begin(&p);
	start(&p, "w:settings");
	attr(&p, "xmlns:w", NS_W);
	start(&p, "w:defaultTabStop");
	attr(&p, "w:val", "720");
	end(&p);
	/* Word offers to refresh fields (the contents) when it opens the file. */
	val(&p, "w:updateFields", "true");
	start(&p, "w:footnotePr");
	start(&p, "w:footnote");
	attr(&p, "w:id", "-1");
	end(&p);
	start(&p, "w:footnote");
	attr(&p, "w:id", "0");
	end(&p);
	end(&p);
	end(&p);
	return part_finish(&p, len);
}

static void
element_text(Part *p, const char *name, const char *value)
{
	start(p, name);
	text(p, value ? value : "", NULL);
	end(p);
}

static char *
core_part(Docx *x, gsize *len)
{
	const Document *doc = x->doc;
	Part p;

	part_begin(&p);
	start(&p, "cp:coreProperties");
	attr(&p, "xmlns:cp",
	     "http://schemas.openxmlformats.org/package/2006/metadata/core-properties");
	attr(&p, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
	attr(&p, "xmlns:dcterms", "http://purl.org/dc/terms/");
	attr(&p, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
	element_text(&p, "dc:title", doc->title);
	element_text(&p, "dc:subject", doc->subject);
	element_text(&p, "dc:creator", doc->author);
	element_text(&p, "cp:keywords", doc->number);
	element_text(&p, "cp:revision", "1");
	element_text(&p, "cp:version", doc->revision);
	if (doc->date != NULL) {
		start(&p, "dcterms:created");
		attr(&p, "xsi:type", "dcterms:W3CDTF");
		text(&p, doc->date, NULL);
		end(&p);
		start(&p, "dcterms:modified");
		attr(&p, "xsi:type", "dcterms:W3CDTF");
		text(&p, doc->date, NULL);
		end(&p);
	}
	end(&p);
	return part_finish(&p, len);
}

static char *
app_part(Docx *x, gsize *len)
{
	Part p;

	part_begin(&p);
	start(&p, "Properties");
	attr(&p, "xmlns", "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties");
	element_text(&p, "Application", x->r->creator);
	end(&p);
	return part_finish(&p, len);
}

static PackagePart *
add_part(Docx *x, const char *name, const char *content_type, const char *rel_type,
         const char *rel_id, char *data, gsize len)
{
	PackagePart *pp = g_new0(PackagePart, 1);

	pp->name = g_strdup(name);
	pp->content_type = g_strdup(content_type);
	pp->rel_type = g_strdup(rel_type);
	pp->rel_id = g_strdup(rel_id);
	pp->data = data;
	pp->len = len;
	g_ptr_array_add(x->parts, pp);
	return pp;
}

static gboolean
is_external(const PackagePart *pp)
{
	return pp->data == NULL && pp->rel_type != NULL &&
	       strcmp(pp->rel_type, REL_BASE "hyperlink") == 0;
}

static char *
content_types_part(Docx *x, gsize *len)
{
	Part p;

	part_begin(&p);
	start(&p, "Types");
	attr(&p, "xmlns", "http://schemas.openxmlformats.org/package/2006/content-types");
	start(&p, "Default");
	attr(&p, "Extension", "rels");
	attr(&p, "ContentType", "application/vnd.openxmlformats-package.relationships+xml");
	end(&p);
	start(&p, "Default");
	attr(&p, "Extension", "xml");
	attr(&p, "ContentType", "application/xml");
	end(&p);
	start(&p, "Default");
	attr(&p, "Extension", "png");
	attr(&p, "ContentType", "image/png");
	end(&p);
	for (guint i = 0; i < x->parts->len; i++) {
		const PackagePart *pp = g_ptr_array_index(x->parts, i);
		char *part_name;

		if (pp->content_type == NULL)
			continue;
		part_name = g_strconcat("/", pp->name, NULL);
		start(&p, "Override");
		attr(&p, "PartName", part_name);
		attr(&p, "ContentType", pp->content_type);
		end(&p);
		g_free(part_name);
	}
	end(&p);
	return part_finish(&p, len);
}

static char *
document_rels_part(Docx *x, gsize *len)
{
	Part p;

	part_begin(&p);
	start(&p, "Relationships");
	attr(&p, "xmlns", "http://schemas.openxmlformats.org/package/2006/relationships");
	for (guint i = 0; i < x->parts->len; i++) {
		const PackagePart *pp = g_ptr_array_index(x->parts, i);

		if (pp->rel_id == NULL || g_str_has_prefix(pp->name, "docProps/"))
			continue;
		start(&p, "Relationship");
		attr(&p, "Id", pp->rel_id);
		attr(&p, "Type", pp->rel_type);
		if (is_external(pp)) {
			attr(&p, "Target", pp->name);
			attr(&p, "TargetMode", "External");
		} else {
			attr(&p, "Target", pp->name + strlen("word/"));
		}
		end(&p);
	}
	end(&p);
	return part_finish(&p, len);
}

static char *
package_rels_part(gsize *len)
{
	static const char *const rels[][3] = {
		{"rId1", REL_BASE "officeDocument", "word/document.xml"},
		{"rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
		 "docProps/core.xml"},
		{"rId3", REL_BASE "extended-properties", "docProps/app.xml"},
	};
	Part p;

	part_begin(&p);
	start(&p, "Relationships");
	attr(&p, "xmlns", "http://schemas.openxmlformats.org/package/2006/relationships");
	for (guint i = 0; i < G_N_ELEMENTS(rels); i++) {
		start(&p, "Relationship");
		attr(&p, "Id", rels[i][0]);
		attr(&p, "Type", rels[i][1]);
		attr(&p, "Target", rels[i][2]);
		end(&p);
	}
	end(&p);
	return part_finish(&p, len);
}

/* Converts the document date to MS-DOS time and date fields, so every
 * zip entry carries the same time in any time zone. */
static void
dos_time(const char *iso, guint16 *dtime, guint16 *ddate)
{
	int y = 1980, mo = 1, d = 1, h = 0, mi = 0, s = 0;

	if (iso != NULL)
		sscanf(iso, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s);
	if (y < 1980)
		y = 1980, mo = 1, d = 1, h = mi = s = 0;
	*dtime = (guint16)(h << 11 | mi << 5 | s / 2);
	*ddate = (guint16)((y - 1980) << 9 | mo << 5 | d);
}

static gboolean
write_zip(Docx *x, const char *path, GError **error)
{
	int zerr = 0;
	zip_t *zip;
	guint16 dtime, ddate;

	g_unlink(path);
	zip = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (zip == NULL) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, zerr);
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot create %s: %s", path,
		            zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return FALSE;
	}
	dos_time(x->doc->date, &dtime, &ddate);
	for (guint i = 0; i < x->parts->len; i++) {
		PackagePart *pp = g_ptr_array_index(x->parts, i);
		zip_source_t *src;
		zip_int64_t index;

		if (pp->data == NULL)
			continue;
		src = zip_source_buffer(zip, pp->data, pp->len, 0);
		index = src ? zip_file_add(zip, pp->name, src, ZIP_FL_ENC_UTF_8) : -1;
		if (index < 0) {
			zip_source_free(src);
			break;
		}
		zip_file_set_dostime(zip, (zip_uint64_t)index, dtime, ddate, 0);
	}
	if (zip_close(zip) != 0) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot write %s: %s", path,
		            zip_strerror(zip));
		zip_discard(zip);
		return FALSE;
	}
	return TRUE;
}

gboolean
docx_renderer_render(DocxRenderer *r, const Document *doc, const char *path, DiagList *diags,
                     GError **error)
{
	Docx x = {0};
	GPtrArray *pending = g_ptr_array_new();
	gboolean ok = FALSE;
	char *data;
	gsize len = 0;
	long page_width = r->options.a4 ? 11906 : 12240;

	x.doc = doc;
	x.r = r;
	x.diags = diags;
	x.text_width = page_width - MARGIN_LEFT - MARGIN_RIGHT;
	x.bookmark = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	x.used_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	x.footnotes = g_ptr_array_new();
	x.footnote_of = g_hash_table_new(g_direct_hash, g_direct_equal);
	x.consumed_notes = g_hash_table_new(g_direct_hash, g_direct_equal);
	x.list_num = g_hash_table_new(g_direct_hash, g_direct_equal);
	x.lists = g_ptr_array_new();
	x.parts = g_ptr_array_new_with_free_func(package_part_free);
	x.image_part = g_hash_table_new(g_direct_hash, g_direct_equal);
	x.link_rel = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	x.written = g_hash_table_new(g_str_hash, g_str_equal);
	x.next_rel = 10;

	/* Resolve every name and ID first; the writers below only emit. */
	prepare_blocks(&x, doc->blocks, pending);
	prepare_images(&x, doc->blocks);

	/* Parts in a fixed order, so two builds write identical files. The
	 * content types come first in the archive, as readers expect. */
	{
		gsize n;
		char *styles = styles_part(&n);
		char *numbering, *settings, *notes, *header, *footer, *core, *app;
		gsize ln, sn, fn, hn, frn, cn, an;

		numbering = numbering_part(&x, &ln);
		settings = settings_part(&sn);
		notes = footnotes_part(&x, &fn);
		header = header_part(&x, FALSE, &hn);
		footer = header_part(&x, TRUE, &frn);
		core = core_part(&x, &cn);
		app = app_part(&x, &an);
		data = document_part(&x, &len);
		if (styles == NULL || numbering == NULL || settings == NULL || notes == NULL ||
		    header == NULL || footer == NULL || core == NULL || app == NULL || data == NULL) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
			            "cannot build the XML parts of %s", path);
			g_free(styles);
			g_free(numbering);
			g_free(settings);
			g_free(notes);
			g_free(header);
			g_free(footer);
			g_free(core);
			g_free(app);
			g_free(data);
			goto out;
		}
		/* The document part goes first in the list so that its
		 * relationships need no forward references. */
		g_ptr_array_insert(x.parts, 0,
		                   g_new0(PackagePart, 1));
		{
			PackagePart *doc_part = g_ptr_array_index(x.parts, 0);

			doc_part->name = g_strdup("word/document.xml");
			doc_part->content_type = g_strdup(CT_BASE "document.main+xml");
			doc_part->data = data;
			doc_part->len = len;
		}
		add_part(&x, "word/styles.xml", CT_BASE "styles+xml", REL_BASE "styles", "rId1", styles, n);
		add_part(&x, "word/numbering.xml", CT_BASE "numbering+xml", REL_BASE "numbering", "rId2",
		         numbering, ln);
		add_part(&x, "word/settings.xml", CT_BASE "settings+xml", REL_BASE "settings", "rId3",
		         settings, sn);
		add_part(&x, "word/footnotes.xml", CT_BASE "footnotes+xml", REL_BASE "footnotes", "rId4",
		         notes, fn);
		add_part(&x, "word/header1.xml", CT_BASE "header+xml", REL_BASE "header", "rIdHeader",
		         header, hn);
		add_part(&x, "word/footer1.xml", CT_BASE "footer+xml", REL_BASE "footer", "rIdFooter",
		         footer, frn);
		add_part(&x, "docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml",
		         NULL, NULL, core, cn);
		add_part(&x, "docProps/app.xml",
		         "application/vnd.openxmlformats-officedocument.extended-properties+xml", NULL, NULL,
		         app, an);
		data = document_rels_part(&x, &len);
		add_part(&x, "word/_rels/document.xml.rels", NULL, NULL, NULL, data, len);
		data = package_rels_part(&len);
		add_part(&x, "_rels/.rels", NULL, NULL, NULL, data, len);
		data = content_types_part(&x, &len);
		g_ptr_array_insert(x.parts, 0, g_new0(PackagePart, 1));
		{
			PackagePart *types = g_ptr_array_index(x.parts, 0);

			types->name = g_strdup("[Content_Types].xml");
			types->data = data;
			types->len = len;
		}
		if (data == NULL) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
			            "cannot build the XML parts of %s", path);
			goto out;
		}
	}
	if (x.replaced > 0 && diags != NULL)
		diag_add(diags, DIAG_GLYPH_MISSING, src_pos(NULL, 0, 0),
		         "%u characters that XML cannot carry were replaced by U+FFFD in %s",
		         x.replaced, doc->stem ? doc->stem : "the document");
	ok = write_zip(&x, path, error);
out:
	g_ptr_array_free(pending, TRUE);
	g_hash_table_destroy(x.bookmark);
	g_hash_table_destroy(x.used_names);
	g_ptr_array_free(x.footnotes, TRUE);
	g_hash_table_destroy(x.footnote_of);
	g_hash_table_destroy(x.consumed_notes);
	g_hash_table_destroy(x.list_num);
	g_ptr_array_free(x.lists, TRUE);
	g_ptr_array_free(x.parts, TRUE);
	g_hash_table_destroy(x.image_part);
	g_hash_table_destroy(x.link_rel);
	g_hash_table_destroy(x.written);
	return ok;
}
