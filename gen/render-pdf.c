#include "render-pdf.h"

#include "input-limits.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <string.h>

/* Page geometry in points (1/72 in). The FDA PDF specification requires a
 * left margin of at least 0.75 in and at least 0.375 in elsewhere. These
 * margins are wider, so the header and footer fit inside them. */
#define MARGIN_LEFT 72.0
#define MARGIN_RIGHT 54.0
#define MARGIN_TOP 72.0
#define MARGIN_BOTTOM 72.0
#define HEADER_Y 36.0
#define FOOTER_Y 36.0 /* distance of the footer's baseline area from the bottom edge */

/* Type sizes in points: body 11 (the specification requires 10 to 12),
 * tables 9.5 (at least 9). */
#define BODY_FONT "Liberation Serif 11"
#define TABLE_FONT "Liberation Sans 9.5"
#define CODE_FONT "Liberation Mono 9"
#define SMALL_FONT "Liberation Sans 8.5"
#define HEADING_FAMILY "Liberation Sans Bold"

#define PARAGRAPH_GAP 6.0
#define LIST_INDENT 18.0
/* Narrowest column nesting may leave; deeper lists and quotes stop
 * indenting so their text keeps a readable width. */
#define MIN_COLUMN_WIDTH 200.0
#define CELL_PAD 3.0

struct PdfRenderer {
	FcConfig *config;
	PangoFontMap *font_map;
	PangoContext *context;
	FcCharSet *coverage; /* every character some loaded font can show */
	RenderOptions options;
	char *creator;
};

/* A link inside a layout: a byte range of its text and where it goes. */
typedef struct {
	int start, end;
	char *target;
	gboolean internal;
} LayoutLink;

/* Laid-out text. Text longer than TEXT_CHUNK_BYTES is split into several
 * layouts at spaces: Pango measures a paragraph's unwrapped width in
 * 32-bit units of 1/1024 point, which a paragraph of some 400 KB
 * overflows, and the overflow silently drops text. */
typedef struct {
	PangoLayout *layout;  /* the first part */
	GPtrArray *parts;     /* PangoLayout*, every part including the first */
	GArray *offsets;      /* int: byte offset of each part in the whole text */
	GArray *links;        /* LayoutLink, offsets in the whole text */
	SrcPos pos;
} TextBox;

#define TEXT_CHUNK_BYTES 32768

typedef struct {
	char *title;
	char *anchor;
	int level;
} TocEntry;

typedef struct {
	PdfRenderer *r;
	const Document *doc;
	cairo_surface_t *surface; /* NULL in the measuring pass */
	cairo_t *cr;
	double page_w, page_h;
	double x0, width; /* the current column: indented for lists and quotes */
	double y;
	int page;
	int total_pages;
	GHashTable *anchor_page; /* anchor -> page number, from the measuring pass */
	GPtrArray *toc;          /* TocEntry*, from the measuring pass */
	int outline_parent[6];
	DiagList *diags; /* NULL in the drawing pass, so each warning is given once */
	GHashTable *warned_chars;
	GHashTable *emitted; /* destination names written, in the drawing pass */
} Flow;

static void render_blocks(Flow *f, const GPtrArray *blocks);

/* Fonts */

static const char *const font_files[] = {
	"LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
	"LiberationSerif-Italic.ttf",  "LiberationSerif-BoldItalic.ttf",
	"LiberationSans-Regular.ttf",  "LiberationSans-Bold.ttf",
	"LiberationSans-Italic.ttf",   "LiberationSans-BoldItalic.ttf",
	"LiberationMono-Regular.ttf",  "LiberationMono-Bold.ttf",
	"DejaVuSans.ttf",              "DejaVuSans-Bold.ttf",
	"DejaVuSansMono.ttf",
};

PdfRenderer *
pdf_renderer_new(const RenderOptions *options, GError **error)
{
	PdfRenderer *r = g_new0(PdfRenderer, 1);
	cairo_font_options_t *font_options;
	FcFontSet *set;
	guint loaded = 0;

	r->options = *options;
	r->creator = g_strdup(options->creator ? options->creator : "dossier");
	r->options.creator = r->creator;
	/* An empty configuration with only our files: no output depends on
	 * the fonts installed on the building machine. */
	r->config = FcConfigCreate();
	for (guint i = 0; i < G_N_ELEMENTS(font_files); i++) {
		char *path = g_build_filename(options->fonts_dir, font_files[i], NULL);

		if (FcConfigAppFontAddFile(r->config, (const FcChar8 *)path))
			loaded++;
		g_free(path);
	}
	if (loaded == 0) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
		            "no font could be loaded from %s", options->fonts_dir);
		FcConfigDestroy(r->config);
		g_free(r->creator);
		g_free(r);
		return NULL;
	}
	r->coverage = FcCharSetCreate();
	set = FcConfigGetFonts(r->config, FcSetApplication);
	for (int i = 0; set != NULL && i < set->nfont; i++) {
		FcCharSet *chars;

		if (FcPatternGetCharSet(set->fonts[i], FC_CHARSET, 0, &chars) == FcResultMatch)
			FcCharSetMerge(r->coverage, chars, NULL);
	}
	r->font_map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
	pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(r->font_map), r->config);
	r->context = pango_font_map_create_context(r->font_map);
	/* Unhinted metrics, so that line breaks do not depend on a grid. */
	font_options = cairo_font_options_create();
	cairo_font_options_set_hint_style(font_options, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(font_options, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(r->context, font_options);
	/* One layout unit is one PDF point; the default of 96 dpi would set
	 * every font a third larger than its nominal size. */
	pango_cairo_context_set_resolution(r->context, 72.0);
	cairo_font_options_destroy(font_options);
	pango_context_set_language(r->context, pango_language_from_string("en"));
	return r;
}

void
pdf_renderer_free(PdfRenderer *r)
{
	if (r == NULL)
		return;
	g_object_unref(r->context);
	/* Shutting the map down drops the fonts it caches, which otherwise
	 * keep it, and with it the configuration, alive until exit. */
	pango_fc_font_map_shutdown(PANGO_FC_FONT_MAP(r->font_map));
	g_object_unref(r->font_map);
	FcCharSetDestroy(r->coverage);
	/* The font map holds the configuration; FcFini is never called,
	 * because it asserts when fonts are still referenced. */
	FcConfigDestroy(r->config);
	g_free(r->creator);
	g_free(r);
}

/* Text boxes */

static void
link_clear(gpointer data)
{
	g_free(((LayoutLink *)data)->target);
}

static void
text_box_free(TextBox *box)
{
	if (box == NULL)
		return;
	g_ptr_array_free(box->parts, TRUE);
	g_array_free(box->offsets, TRUE);
	g_array_free(box->links, TRUE);
	g_free(box);
}

/* Returns the end of the next part of text[start..len): at most
 * TEXT_CHUNK_BYTES on, after a space where there is one, else at a
 * character boundary. */
static gsize
chunk_end(const char *text, gsize start, gsize len)
{
	gsize end = start + TEXT_CHUNK_BYTES, back;

	if (end >= len)
		return len;
	for (back = end; back > end - 4096 && back > start; back--)
		if (text[back - 1] == ' ' || text[back - 1] == '\n')
			return back;
	while (end > start && ((unsigned char)text[end] & 0xC0) == 0x80)
		end--;
	return end;
}

static PangoLayout *
new_layout(Flow *f, PangoFontDescription *desc, double width, const char *text, gsize len,
           PangoAttrList *attrs)
{
	PangoLayout *layout = pango_layout_new(f->r->context);

	pango_layout_set_font_description(layout, desc);
	pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
	/* Long IDs and URLs have no spaces: break them anywhere rather than
	 * run past the margin. */
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(layout, text, (int)len);
	pango_layout_set_attributes(layout, attrs);
	return layout;
}

typedef struct {
	GString *text;
	PangoAttrList *attrs;
	GArray *links;
	Flow *flow;
	SrcPos pos;
} Builder;

static void
add_attr(Builder *b, PangoAttribute *attr, int start)
{
	attr->start_index = (guint)start;
	attr->end_index = (guint)b->text->len;
	pango_attr_list_insert(b->attrs, attr);
}

/* Reports characters that no shipped font can show, once per character
 * and document, naming the place the text came from. */
static void
check_coverage(Flow *f, const char *text, SrcPos pos)
{
	if (f->diags == NULL || pos.file == NULL)
		return;
	for (const char *p = text; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c < 0x20 || g_unichar_type(c) == G_UNICODE_FORMAT || g_unichar_isspace(c) ||
		    FcCharSetHasChar(f->r->coverage, c))
			continue;
		if (g_hash_table_contains(f->warned_chars, GUINT_TO_POINTER(c)))
			continue;
		g_hash_table_add(f->warned_chars, GUINT_TO_POINTER(c));
		{
			char utf8[8] = {0};

			g_unichar_to_utf8(c, utf8);
			diag_add(f->diags, DIAG_GLYPH_MISSING, pos,
			         "no shipped font can show '%s' (U+%04X); it prints as a box in '%s'",
			         utf8, c, f->doc->stem ? f->doc->stem : "the document");
		}
	}
}

static void
append_inlines(Builder *b, const GPtrArray *inlines)
{
	for (guint i = 0; i < inlines->len; i++) {
		const DocInline *in = g_ptr_array_index(inlines, i);
		int start = (int)b->text->len;

		switch (in->kind) {
		case DOC_TEXT:
			check_coverage(b->flow, in->text, b->pos);
			g_string_append(b->text, in->text);
			break;
		case DOC_CODE:
			check_coverage(b->flow, in->text, b->pos);
			g_string_append(b->text, in->text);
			add_attr(b, pango_attr_family_new("Liberation Mono"), start);
			add_attr(b, pango_attr_scale_new(0.9), start);
			break;
		case DOC_LINE_BREAK:
			g_string_append(b->text, "\xE2\x80\xA8"); /* U+2028 LINE SEPARATOR */
			break;
		case DOC_EMPHASIS:
			append_inlines(b, in->children);
			add_attr(b, pango_attr_style_new(PANGO_STYLE_ITALIC), start);
			break;
		case DOC_STRONG:
			append_inlines(b, in->children);
			add_attr(b, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start);
			break;
		case DOC_STRIKE:
			append_inlines(b, in->children);
			add_attr(b, pango_attr_strikethrough_new(TRUE), start);
			break;
		case DOC_FOOTNOTE:
			g_string_append(b->text, in->text);
			add_attr(b, pango_attr_rise_new(3 * PANGO_SCALE), start);
			add_attr(b, pango_attr_scale_new(0.7), start);
			break;
		case DOC_LINK:
		case DOC_XREF: {
			gboolean internal = in->kind == DOC_XREF;
			gboolean live = !internal || b->flow->anchor_page == NULL ||
			                g_hash_table_contains(b->flow->anchor_page, in->target);

			append_inlines(b, in->children);
			if (!live)
				break;
			add_attr(b, pango_attr_foreground_new(0, 0, 0xCCCC), start);
			add_attr(b, pango_attr_underline_new(PANGO_UNDERLINE_SINGLE), start);
			{
				LayoutLink link = {start, (int)b->text->len, g_strdup(in->target), internal};

				g_array_append_val(b->links, link);
			}
			break;
		}
		}
	}
}

static TextBox *
text_box_new(Flow *f, const GPtrArray *inlines, const char *prefix, const char *font,
             double width, SrcPos pos)
{
	Builder b = {g_string_new(prefix ? prefix : ""), pango_attr_list_new(),
	             g_array_new(FALSE, FALSE, sizeof(LayoutLink)), f, pos};
	TextBox *box = g_new0(TextBox, 1);
	PangoFontDescription *desc = pango_font_description_from_string(font);

	g_array_set_clear_func(b.links, link_clear);
	append_inlines(&b, inlines);
	/* Pango 1.44 and later insert a hyphen where it breaks inside a word;
	 * inside an ID or a URL that hyphen would change the text. */
	{
		PangoAttribute *no_hyphens = pango_attr_insert_hyphens_new(FALSE);

		no_hyphens->start_index = 0;
		no_hyphens->end_index = G_MAXUINT;
		pango_attr_list_insert_before(b.attrs, no_hyphens);
	}
	box->parts = g_ptr_array_new_with_free_func(g_object_unref);
	box->offsets = g_array_new(FALSE, FALSE, sizeof(int));
	for (gsize start = 0, end;; start = end) {
		PangoAttrList *attrs = pango_attr_list_copy(b.attrs);
		int offset = (int)start;

		end = chunk_end(b.text->str, start, b.text->len);
		/* Shift the attributes so the part's text starts at index 0. */
		if (start > 0)
			pango_attr_list_update(attrs, 0, (int)start, 0);
		g_ptr_array_add(box->parts, new_layout(f, desc, width, b.text->str + start, end - start,
		                                       attrs));
		g_array_append_val(box->offsets, offset);
		pango_attr_list_unref(attrs);
		if (end >= b.text->len)
			break;
	}
	box->layout = g_ptr_array_index(box->parts, 0);
	box->links = b.links;
	box->pos = pos;
	pango_font_description_free(desc);
	pango_attr_list_unref(b.attrs);
	g_string_free(b.text, TRUE);
	return box;
}

static TextBox *
text_box_plain(Flow *f, const char *text, const char *font, double width, SrcPos pos)
{
	GPtrArray *inlines = g_ptr_array_new_with_free_func((GDestroyNotify)doc_inline_free);
	TextBox *box;

	doc_inlines_add_text(inlines, text);
	box = text_box_new(f, inlines, NULL, font, width, pos);
	g_ptr_array_free(inlines, TRUE);
	return box;
}

/* Pages */

static double
content_bottom(const Flow *f)
{
	return f->page_h - MARGIN_BOTTOM;
}

static void
draw_page_furniture(Flow *f)
{
	const Document *doc = f->doc;
	char *left = g_strdup_printf("%s  %s", doc->number ? doc->number : "", doc->title ? doc->title : "");
	char *right = g_strdup_printf("Revision %s", doc->revision ? doc->revision : "-");
	char *footer = g_strdup_printf("Page %d of %d", f->page, f->total_pages);
	double width = f->page_w - MARGIN_LEFT - MARGIN_RIGHT;
	PangoLayout *layout = pango_layout_new(f->r->context);
	PangoFontDescription *desc = pango_font_description_from_string(SMALL_FONT);
	int w, h;

	pango_layout_set_font_description(layout, desc);
	cairo_set_source_rgb(f->cr, 0, 0, 0);

	pango_layout_set_width(layout, (int)(width * 0.7 * PANGO_SCALE));
	pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
	pango_layout_set_text(layout, left, -1);
	cairo_move_to(f->cr, MARGIN_LEFT, HEADER_Y);
	pango_cairo_show_layout(f->cr, layout);

	pango_layout_set_width(layout, -1);
	pango_layout_set_text(layout, right, -1);
	pango_layout_get_pixel_size(layout, &w, &h);
	cairo_move_to(f->cr, f->page_w - MARGIN_RIGHT - w, HEADER_Y);
	pango_cairo_show_layout(f->cr, layout);

	cairo_set_line_width(f->cr, 0.5);
	cairo_move_to(f->cr, MARGIN_LEFT, HEADER_Y + h + 3);
	cairo_line_to(f->cr, f->page_w - MARGIN_RIGHT, HEADER_Y + h + 3);
	cairo_stroke(f->cr);

	pango_layout_set_text(layout, footer, -1);
	pango_layout_get_pixel_size(layout, &w, &h);
	cairo_move_to(f->cr, MARGIN_LEFT + (width - w) / 2, f->page_h - FOOTER_Y - h);
	pango_cairo_show_layout(f->cr, layout);

	pango_font_description_free(desc);
	g_object_unref(layout);
	g_free(left);
	g_free(right);
	g_free(footer);
}

static void
new_page(Flow *f)
{
	if (f->cr != NULL && f->page > 0)
		cairo_show_page(f->cr);
	f->page++;
	f->y = MARGIN_TOP;
	if (f->cr != NULL)
		draw_page_furniture(f);
}

/* Starts a new page unless h points fit below the current position. A page
 * that is still empty is kept, so content taller than a page does not
 * produce blank pages. */
static void
ensure_space(Flow *f, double h)
{
	if (f->y + h > content_bottom(f) && f->y > MARGIN_TOP + 0.01)
		new_page(f);
}

static char *
escape_attr(const char *value)
{
	GString *s = g_string_new(NULL);

	for (const char *p = value; *p; p++) {
		if (*p == '\'' || *p == '\\')
			g_string_append_c(s, '\\');
		g_string_append_c(s, *p);
	}
	return g_string_free(s, FALSE);
}

static void
emit_link(Flow *f, const LayoutLink *link, double x, double y, double w, double h)
{
	char *target = escape_attr(link->target);
	char *attrs;

	if (f->cr == NULL || w <= 0)
		goto out;
	if (link->internal)
		attrs = g_strdup_printf("dest='%s' rect=[%.2f %.2f %.2f %.2f]", target, x, y, w, h);
	else
		attrs = g_strdup_printf("uri='%s' rect=[%.2f %.2f %.2f %.2f]", target, x, y, w, h);
	cairo_tag_begin(f->cr, CAIRO_TAG_LINK, attrs);
	cairo_tag_end(f->cr, CAIRO_TAG_LINK);
	g_free(attrs);
out:
	g_free(target);
}

/* Draws one layout line with its top at y, and the link areas on it. */
static void
draw_line(Flow *f, const TextBox *box, PangoLayoutLine *line, int offset, double x, double y,
          double baseline)
{
	if (f->cr == NULL)
		return;
	cairo_set_source_rgb(f->cr, 0, 0, 0);
	cairo_move_to(f->cr, x, y + baseline);
	pango_cairo_show_layout_line(f->cr, line);
	for (guint i = 0; i < box->links->len; i++) {
		const LayoutLink *link = &g_array_index(box->links, LayoutLink, i);
		int start = MAX(link->start - offset, line->start_index);
		int end = MIN(link->end - offset, line->start_index + line->length);
		PangoRectangle logical;
		int x_start, x_end;

		if (start >= end)
			continue;
		pango_layout_line_get_pixel_extents(line, NULL, &logical);
		pango_layout_line_index_to_x(line, start, FALSE, &x_start);
		pango_layout_line_index_to_x(line, end, FALSE, &x_end);
		if (x_end < x_start) {
			int t = x_start;

			x_start = x_end;
			x_end = t;
		}
		emit_link(f, link, x + (double)x_start / PANGO_SCALE, y,
		          (double)(x_end - x_start) / PANGO_SCALE, logical.height);
	}
}

/* Places a text box line by line at the column's left edge plus dx,
 * breaking pages between lines. */
static void
flow_text(Flow *f, const TextBox *box, double dx)
{
	for (guint part = 0; part < box->parts->len; part++) {
		PangoLayoutIter *iter = pango_layout_get_iter(g_ptr_array_index(box->parts, part));
		int offset = g_array_index(box->offsets, int, part);

	do {
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(iter);
		PangoRectangle logical;
		double h, baseline, top;

		pango_layout_iter_get_line_extents(iter, NULL, &logical);
		h = (double)logical.height / PANGO_SCALE;
		top = (double)logical.y / PANGO_SCALE;
		baseline = (double)pango_layout_iter_get_baseline(iter) / PANGO_SCALE - top;
		ensure_space(f, h);
		draw_line(f, box, (PangoLayoutLine *)line, offset,
		          f->x0 + dx + (double)logical.x / PANGO_SCALE, f->y, baseline);
		f->y += h;
	} while (pango_layout_iter_next_line(iter));
	pango_layout_iter_free(iter);
	}
}

static void
emit_dest_at(Flow *f, const char *anchor, double x, double y)
{
	if (anchor == NULL)
		return;
	if (f->cr == NULL) {
		if (!g_hash_table_contains(f->anchor_page, anchor))
			g_hash_table_insert(f->anchor_page, g_strdup(anchor), GINT_TO_POINTER(f->page));
		return;
	}
	/* One destination per name; links go to the first. */
	if (g_hash_table_contains(f->emitted, anchor))
		return;
	g_hash_table_add(f->emitted, g_strdup(anchor));
	{
		char *name = escape_attr(anchor);
		char *attrs = g_strdup_printf("name='%s' x=%.2f y=%.2f", name, x, y);

		cairo_tag_begin(f->cr, CAIRO_TAG_DEST, attrs);
		cairo_tag_end(f->cr, CAIRO_TAG_DEST);
		g_free(attrs);
		g_free(name);
	}
}

static void
emit_dest(Flow *f, const char *anchor)
{
	emit_dest_at(f, anchor, f->x0, f->y);
}

/* Blocks */

static void
render_heading(Flow *f, const DocBlock *b, double keep)
{
	static const double sizes[] = {18, 15, 13, 12, 11, 11};
	int level = CLAMP(b->level, 1, 6);
	char *font = g_strdup_printf("%s %.0f", HEADING_FAMILY, sizes[level - 1]);
	TextBox *box = text_box_new(f, b->inlines, NULL, font, f->width, b->pos);
	int w, h;
	GString *title = g_string_new(NULL);

	doc_inlines_text(b->inlines, title);
	pango_layout_get_pixel_size(box->layout, &w, &h);
	if (level == 1 && f->y > MARGIN_TOP + 0.01)
		f->y += 10;
	/* Keep the heading with the start of what follows. */
	ensure_space(f, h + 6 + keep);
	emit_dest(f, b->anchor);
	if (f->cr != NULL && b->anchor != NULL && level <= 4) {
		char *name = escape_attr(b->anchor);
		char *link = g_strdup_printf("dest='%s'", name);
		int parent = level == 1 ? CAIRO_PDF_OUTLINE_ROOT : f->outline_parent[level - 1];

		f->outline_parent[level] = cairo_pdf_surface_add_outline(
			f->surface, parent, title->str, link, level == 1 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
		for (int l = level + 1; l <= 5; l++)
			f->outline_parent[l] = f->outline_parent[level];
		g_free(link);
		g_free(name);
	}
	flow_text(f, box, 0);
	f->y += 6;
	g_string_free(title, TRUE);
	text_box_free(box);
	g_free(font);
}

/* keep: the height of what follows that must start on the same page, such
 * as the first rows of a table the paragraph introduces; 0 for none. */
static void
render_paragraph(Flow *f, const DocBlock *b, const char *font, double keep)
{
	TextBox *box = text_box_new(f, b->inlines, NULL, font, f->width, b->pos);

	if (keep > 0 && box->parts->len == 1) {
		int w, h;

		pango_layout_get_pixel_size(box->layout, &w, &h);
		/* Only a short lead-in moves: a long paragraph fills the page. */
		if (h < (content_bottom(f) - MARGIN_TOP) / 4)
			ensure_space(f, h + PARAGRAPH_GAP + keep);
	}
	emit_dest(f, b->anchor);
	flow_text(f, box, 0);
	f->y += PARAGRAPH_GAP;
	text_box_free(box);
}

static void
render_code(Flow *f, const DocBlock *b)
{
	/* cmark keeps the final newline of a code block; it would add an
	 * empty line. */
	gsize len = strlen(b->text);
	char *trimmed = g_strndup(b->text, len > 0 && b->text[len - 1] == '\n' ? len - 1 : len);
	TextBox *box = text_box_plain(f, trimmed, CODE_FONT, f->width - 12, b->pos);

	for (guint i = 0; i < box->parts->len; i++)
		pango_layout_set_wrap(g_ptr_array_index(box->parts, i), PANGO_WRAP_CHAR);
	flow_text(f, box, 6);
	f->y += PARAGRAPH_GAP;
	g_free(trimmed);
	text_box_free(box);
}

/* Returns the indent for one more level of nesting. */
static double
nest_indent(const Flow *f)
{
	return f->width - LIST_INDENT >= MIN_COLUMN_WIDTH ? LIST_INDENT : 0;
}

static void
render_list(Flow *f, const DocBlock *b)
{
	int number = b->start > 0 ? b->start : 1;
	double indent = nest_indent(f);
	/* Past the deepest indent, the marker hangs in the gutter to the left
	 * of the text instead of pushing it further right. */
	double marker_x = indent > 0 ? 0 : -12;

	for (guint i = 0; i < b->children->len; i++) {
		const DocBlock *item = g_ptr_array_index(b->children, i);
		char *marker;
		TextBox *box;

		if (item->task == 1)
			marker = g_strdup("\xE2\x98\x90"); /* U+2610 BALLOT BOX */
		else if (item->task == 2)
			marker = g_strdup("\xE2\x98\x91"); /* U+2611 BALLOT BOX WITH CHECK */
		else if (b->ordered)
			marker = g_strdup_printf("%d.", number++);
		else
			marker = g_strdup("\xE2\x80\xA2"); /* U+2022 BULLET */
		box = text_box_plain(f, marker, BODY_FONT, LIST_INDENT, item->pos);
		/* The marker shares the first line of the item's content: both
		 * use the body font, so their baselines agree. */
		ensure_space(f, 14);
		if (f->cr != NULL) {
			cairo_set_source_rgb(f->cr, 0, 0, 0);
			cairo_move_to(f->cr, f->x0 + marker_x, f->y);
			pango_cairo_show_layout(f->cr, box->layout);
		}
		f->x0 += indent;
		f->width -= indent;
		render_blocks(f, item->children);
		f->x0 -= indent;
		f->width += indent;
		text_box_free(box);
		g_free(marker);
	}
}

static void
render_quote(Flow *f, const DocBlock *b)
{
	double top = f->y;
	int page = f->page;
	double indent = nest_indent(f);

	f->x0 += indent;
	f->width -= indent;
	render_blocks(f, b->children);
	f->x0 -= indent;
	f->width += indent;
	/* The bar marks the quote on the page where it ends. */
	if (f->cr != NULL) {
		cairo_set_source_rgb(f->cr, 0.6, 0.6, 0.6);
		cairo_set_line_width(f->cr, 2);
		cairo_move_to(f->cr, f->x0 + 6, page == f->page ? top : MARGIN_TOP);
		cairo_line_to(f->cr, f->x0 + 6, f->y - PARAGRAPH_GAP);
		cairo_stroke(f->cr);
	}
}

/* A table cell as a list of text lines, so that a cell taller than a page
 * can continue on the next one. */
typedef struct {
	TextBox *box;
	PangoLayoutLine *line;
	int offset; /* of the line's layout in the box's text */
	double height, baseline, dx;
	const char *anchor; /* a link target at this line, or NULL */
} CellLine;

typedef struct {
	GArray *lines; /* CellLine */
	GPtrArray *boxes;
	guint next; /* first line not yet drawn */
} Cell;

static void
cell_add_box(Cell *cell, TextBox *box, double dx, const char *anchor)
{
	g_ptr_array_add(cell->boxes, box);
	for (guint part = 0; part < box->parts->len; part++) {
		PangoLayoutIter *iter = pango_layout_get_iter(g_ptr_array_index(box->parts, part));

	do {
		PangoRectangle logical;
		CellLine cl;

		pango_layout_iter_get_line_extents(iter, NULL, &logical);
		cl.box = box;
		cl.offset = g_array_index(box->offsets, int, part);
		cl.line = pango_layout_iter_get_line_readonly(iter);
		cl.height = (double)logical.height / PANGO_SCALE;
		cl.baseline = (double)pango_layout_iter_get_baseline(iter) / PANGO_SCALE -
		              (double)logical.y / PANGO_SCALE;
		cl.dx = dx + (double)logical.x / PANGO_SCALE;
		cl.anchor = anchor;
		anchor = NULL;
		g_array_append_val(cell->lines, cl);
	} while (pango_layout_iter_next_line(iter));
	pango_layout_iter_free(iter);
	}
}

static void
cell_add_blocks(Flow *f, Cell *cell, const GPtrArray *blocks, const char *font, double width,
                double dx)
{
	for (guint i = 0; i < blocks->len; i++) {
		const DocBlock *b = g_ptr_array_index(blocks, i);

		switch (b->kind) {
		case DOC_CODE_BLOCK:
			cell_add_box(cell, text_box_plain(f, b->text, CODE_FONT, width, b->pos), dx, NULL);
			break;
		case DOC_LIST:
			for (guint j = 0; j < b->children->len; j++) {
				const DocBlock *item = g_ptr_array_index(b->children, j);
				const DocBlock *first = item->children->len ? g_ptr_array_index(item->children, 0) : NULL;

				if (first != NULL && first->inlines->len > 0)
					cell_add_box(cell, text_box_new(f, first->inlines, "\xE2\x80\xA2 ", font,
					                                width, first->pos), dx, NULL);
				{
					GPtrArray *rest = g_ptr_array_new();

					for (guint k = first && first->inlines->len ? 1 : 0; k < item->children->len; k++)
						g_ptr_array_add(rest, g_ptr_array_index(item->children, k));
					cell_add_blocks(f, cell, rest, font, width - 8, dx + 8);
					g_ptr_array_free(rest, TRUE);
				}
			}
			break;
		case DOC_QUOTE:
			cell_add_blocks(f, cell, b->children, font, width - 8, dx + 8);
			break;
		default:
			if (b->inlines->len > 0)
				cell_add_box(cell, text_box_new(f, b->inlines, NULL, font, width, b->pos), dx,
				             b->anchor);
		}
	}
}

static double
cell_remaining_height(const Cell *cell)
{
	double h = 0;

	for (guint i = cell->next; i < cell->lines->len; i++)
		h += g_array_index(cell->lines, CellLine, i).height;
	return h;
}

static Cell *
make_row(Flow *f, const DocTable *t, GPtrArray *row, const double *col_w, gboolean header)
{
	Cell *cells = g_new0(Cell, t->columns);

	for (guint c = 0; c < t->columns; c++) {
		cells[c].lines = g_array_new(FALSE, FALSE, sizeof(CellLine));
		cells[c].boxes = g_ptr_array_new_with_free_func((GDestroyNotify)text_box_free);
		cell_add_blocks(f, &cells[c], doc_table_cell(row, c),
		                header ? "Liberation Sans Bold 9.5" : TABLE_FONT,
		                col_w[c] - 2 * CELL_PAD, 0);
	}
	return cells;
}

static void
free_row(Cell *cells, guint columns)
{
	for (guint c = 0; c < columns; c++) {
		g_array_free(cells[c].lines, TRUE);
		g_ptr_array_free(cells[c].boxes, TRUE);
	}
	g_free(cells);
}

static double
row_height(const Cell *cells, guint columns)
{
	double h = 0;

	for (guint c = 0; c < columns; c++)
		h = MAX(h, cell_remaining_height(&cells[c]));
	return h + 2 * CELL_PAD;
}

/* Draws as much of a row as fits in `avail` points and returns the height
 * used; cells keep track of the lines still to draw. */
static double
draw_row_part(Flow *f, Cell *cells, guint columns, const double *col_x, const double *col_w,
              double avail, gboolean header)
{
	double used = 0;

	for (guint c = 0; c < columns; c++) {
		Cell *cell = &cells[c];
		double y = f->y + CELL_PAD;

		while (cell->next < cell->lines->len) {
			const CellLine *cl = &g_array_index(cell->lines, CellLine, cell->next);

			if (y + cl->height > f->y + avail - CELL_PAD && y > f->y + CELL_PAD + 0.01)
				break;
			if (cl->anchor != NULL)
				emit_dest_at(f, cl->anchor, col_x[c], y);
			draw_line(f, cl->box, cl->line, cl->offset, col_x[c] + CELL_PAD + cl->dx, y,
			          cl->baseline);
			y += cl->height;
			cell->next++;
		}
		used = MAX(used, y - f->y + CELL_PAD);
	}
	if (f->cr != NULL) {
		cairo_set_line_width(f->cr, 0.5);
		cairo_set_source_rgb(f->cr, 0, 0, 0);
		if (header) {
			cairo_save(f->cr);
			cairo_set_source_rgb(f->cr, 0.88, 0.88, 0.88);
			cairo_rectangle(f->cr, col_x[0], f->y, col_x[columns - 1] + col_w[columns - 1] - col_x[0], used);
			cairo_set_operator(f->cr, CAIRO_OPERATOR_DEST_OVER);
			cairo_fill(f->cr);
			cairo_restore(f->cr);
		}
		for (guint c = 0; c < columns; c++)
			cairo_rectangle(f->cr, col_x[c], f->y, col_w[c], used);
		cairo_stroke(f->cr);
	}
	return used;
}

static void
draw_header_rows(Flow *f, const DocTable *t, const double *col_x, const double *col_w)
{
	for (guint r = 0; r < t->header_rows && r < t->rows->len; r++) {
		Cell *cells = make_row(f, t, g_ptr_array_index(t->rows, r), col_w, TRUE);
		double h = row_height(cells, t->columns);

		f->y += draw_row_part(f, cells, t->columns, col_x, col_w, h, TRUE);
		free_row(cells, t->columns);
	}
}

static double
header_height(Flow *f, const DocTable *t, const double *col_w)
{
	double h = 0;

	for (guint r = 0; r < t->header_rows && r < t->rows->len; r++) {
		Cell *cells = make_row(f, t, g_ptr_array_index(t->rows, r), col_w, TRUE);

		h += row_height(cells, t->columns);
		free_row(cells, t->columns);
	}
	return h;
}

/* Returns the width of the longest word in a column's cells, the width
 * below which the column would break words apart. */
static double
longest_word_width(Flow *f, const DocTable *t, guint column)
{
	char *longest = g_strdup("");
	gboolean from_header = FALSE;
	double width;
	TextBox *box;

	for (guint r = 0; r < t->rows->len; r++) {
		const GPtrArray *cell = doc_table_cell(g_ptr_array_index(t->rows, r), column);
		GString *text = g_string_new(NULL);
		char **words;

		for (guint i = 0; i < cell->len; i++)
			doc_inlines_text(((const DocBlock *)g_ptr_array_index(cell, i))->inlines, text);
		words = g_strsplit_set(text->str, " \t\n", -1);
		for (char **w = words; *w; w++)
			if (g_utf8_strlen(*w, -1) > g_utf8_strlen(longest, -1)) {
				g_free(longest);
				longest = g_strdup(*w);
				from_header = r < t->header_rows;
			}
		g_strfreev(words);
		g_string_free(text, TRUE);
	}
	box = text_box_plain(f, longest, from_header ? "Liberation Sans Bold 9.5" : TABLE_FONT,
	                     -1, src_pos(NULL, 0, 0));
	pango_layout_set_width(box->layout, -1);
	{
		int w, h;

		pango_layout_get_pixel_size(box->layout, &w, &h);
		width = w + 2 * CELL_PAD + 1;
	}
	text_box_free(box);
	g_free(longest);
	return width;
}

static void
render_table(Flow *f, const DocBlock *b)
{
	const DocTable *t = b->table;
	double *col_x = g_new(double, t->columns);
	double *col_w = g_new(double, t->columns);
	double *need = g_new(double, t->columns);
	double x = f->x0, head_h, total = 0;

	/* The longest word of each column is measured once: it decides
	 * whether the table is transposed and how wide its columns are. */
	for (guint c = 0; c < t->columns; c++) {
		need[c] = longest_word_width(f, t, c);
		total += need[c];
	}
	/* A table whose words need more than 1.5 page widths prints in the
	 * transposed form of doc_table_transposed, so every cell stays
	 * readable and nothing is clipped. */
	if (t->header_rows > 0 && t->columns >= 3 && total > 1.5 * f->width) {
		DocBlock *tall = doc_table_transposed(b, TRUE);

		render_table(f, tall);
		doc_table_transposed_free(tall, t->columns);
		goto out;
	}
	if (t->columns == 0)
		goto out;
	/* Columns whose longest word would not fit widen, up to 40 % of the
	 * table each. */
	for (guint c = 0; c < t->columns; c++)
		need[c] = MIN(need[c], 0.4 * f->width);
	doc_fit_columns(t, need, f->width, col_w);
	for (guint c = 0; c < t->columns; c++) {
		col_x[c] = x;
		x += col_w[c];
	}
	emit_dest(f, b->anchor);
	head_h = header_height(f, t, col_w);
	/* The header row never ends a page alone: the first row comes with
	 * it, unless that row is split across pages anyway. */
	{
		double first = 30;

		if (t->rows->len > t->header_rows) {
			Cell *cells = make_row(f, t, g_ptr_array_index(t->rows, t->header_rows), col_w,
			                       FALSE);
			double h = row_height(cells, t->columns);

			if (h <= content_bottom(f) - MARGIN_TOP - head_h)
				first = h;
			free_row(cells, t->columns);
		}
		ensure_space(f, head_h + first);
	}
	draw_header_rows(f, t, col_x, col_w);
	for (guint r = t->header_rows; r < t->rows->len; r++) {
		Cell *cells = make_row(f, t, g_ptr_array_index(t->rows, r), col_w, FALSE);
		double h = row_height(cells, t->columns);
		double page_body = content_bottom(f) - MARGIN_TOP;

		/* Break between rows; a row taller than a whole page is split
		 * between its lines instead. */
		if (f->y + h > content_bottom(f) && h <= page_body - head_h) {
			new_page(f);
			draw_header_rows(f, t, col_x, col_w);
		}
		for (;;) {
			double avail = content_bottom(f) - f->y;

			f->y += draw_row_part(f, cells, t->columns, col_x, col_w, MIN(avail, row_height(cells, t->columns)), FALSE);
			if (row_height(cells, t->columns) <= 2 * CELL_PAD + 0.01)
				break;
			new_page(f);
			draw_header_rows(f, t, col_x, col_w);
		}
		free_row(cells, t->columns);
	}
	f->y += PARAGRAPH_GAP * 1.5;
out:
	g_free(need);
	g_free(col_x);
	g_free(col_w);
}

/* Returns NULL when the PNG's header gives a size within the limit. */
static const char *
png_size_problem(const char *path)
{
	unsigned char header[24];
	FILE *in = fopen(path, "rb");
	size_t n = in ? fread(header, 1, sizeof(header), in) : 0;
	guint32 width, height;

	if (in != NULL)
		fclose(in);
	if (!doc_png_size(header, n, &width, &height))
		return "the PNG header is damaged";
	if ((double)width * height > (double)dossier_limits.image_pixels)
		return "it has more pixels than limits.image_pixels allows; scale it down";
	return NULL;
}

/* Returns NULL when path contains a PNG image, else why it cannot be used.
 * Cairo reports every read failure as "out of memory", so the signature
 * is checked first to give a useful reason. */
static const char *
png_problem(const char *path)
{
	static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	unsigned char head[8];
	FILE *in = fopen(path, "rb");
	size_t n;

	if (in == NULL)
		return "the file cannot be opened";
	n = fread(head, 1, sizeof(head), in);
	fclose(in);
	if (n != sizeof(head) || memcmp(head, signature, sizeof(head)) != 0)
		return "it is not a PNG file";
	return png_size_problem(path);
}

static void
render_image(Flow *f, const DocBlock *b)
{
	const char *problem = png_problem(b->text);
	cairo_surface_t *image = problem ? NULL : cairo_image_surface_create_from_png(b->text);
	double w, h, scale, avail_h = content_bottom(f) - MARGIN_TOP;

	if (problem == NULL && cairo_surface_status(image) != CAIRO_STATUS_SUCCESS)
		problem = "the PNG data is damaged or too large";
	if (problem != NULL) {
		GString *alt = g_string_new(NULL);
		char *text;
		DocBlock *p;

		doc_inlines_text(b->inlines, alt);
		if (f->diags != NULL)
			diag_add(f->diags, DIAG_IMAGE_UNREADABLE, b->pos,
			         "image '%s' is not used: %s; its description is printed instead",
			         b->text, problem);
		text = g_strdup_printf("[Image not available: %s]", b->text);
		p = doc_paragraph(text, b->pos);
		render_paragraph(f, p, BODY_FONT, 0);
		doc_block_free(p);
		g_free(text);
		g_string_free(alt, TRUE);
		if (image != NULL)
			cairo_surface_destroy(image);
		return;
	}
	w = cairo_image_surface_get_width(image);
	h = cairo_image_surface_get_height(image);
	/* Images are placed at 96 pixels per inch, shrunk to fit the column
	 * and the page, and never enlarged. */
	scale = MIN(1.0, MIN(f->width / (w * 0.75), avail_h / (h * 0.75))) * 0.75;
	ensure_space(f, h * scale);
	if (f->cr != NULL) {
		cairo_save(f->cr);
		cairo_translate(f->cr, f->x0, f->y);
		cairo_scale(f->cr, scale, scale);
		cairo_set_source_surface(f->cr, image, 0, 0);
		cairo_paint(f->cr);
		cairo_restore(f->cr);
	}
	f->y += h * scale + PARAGRAPH_GAP;
	cairo_surface_destroy(image);
}

static const double risk_colours[3][3] = {
	{0.78, 0.90, 0.79}, /* acceptable: light green */
	{1.00, 0.96, 0.62}, /* ALARP: light yellow */
	{1.00, 0.80, 0.82}, /* unacceptable: light red */
};

static void
draw_centered(Flow *f, const char *text, const char *font, double x, double y, double w, double h)
{
	TextBox *box = text_box_plain(f, text, font, w, src_pos(NULL, 0, 0));
	int tw, th;

	pango_layout_set_alignment(box->layout, PANGO_ALIGN_CENTER);
	pango_layout_get_pixel_size(box->layout, &tw, &th);
	if (f->cr != NULL) {
		cairo_set_source_rgb(f->cr, 0, 0, 0);
		cairo_move_to(f->cr, x, y + (h - th) / 2);
		pango_cairo_show_layout(f->cr, box->layout);
	}
	text_box_free(box);
}

/* Draws one grid of the risk matrix: probability rows, most likely at the
 * top, and severity columns, least severe at the left. */
static void
draw_risk_grid(Flow *f, const DocRiskMatrix *m, const guint *counts, const char *title, double x,
               double y, double w)
{
	guint ns = m->severity->len, np = m->probability->len;
	double label_w = 70, cell_w = (w - label_w) / ns, cell_h = 26;

	draw_centered(f, title, "Liberation Sans Bold 10", x, y, w, 16);
	y += 18;
	for (guint row = 0; row < np; row++) {
		guint p = np - 1 - row;
		double cy = y + row * cell_h;

		draw_centered(f, g_ptr_array_index(m->probability, p), "Liberation Sans 8", x, cy,
		              label_w, cell_h);
		for (guint s = 0; s < ns; s++) {
			double cx = x + label_w + s * cell_w;
			const double *rgb = risk_colours[m->levels[p * ns + s]];
			char *count = g_strdup_printf("%u", counts[p * ns + s]);

			if (f->cr != NULL) {
				cairo_set_source_rgb(f->cr, rgb[0], rgb[1], rgb[2]);
				cairo_rectangle(f->cr, cx, cy, cell_w, cell_h);
				cairo_fill_preserve(f->cr);
				cairo_set_source_rgb(f->cr, 0, 0, 0);
				cairo_set_line_width(f->cr, 0.5);
				cairo_stroke(f->cr);
			}
			draw_centered(f, counts[p * ns + s] ? count : "\xE2\x80\x93",
			              "Liberation Sans Bold 10", cx, cy, cell_w, cell_h);
			g_free(count);
		}
	}
	y += np * cell_h;
	for (guint s = 0; s < ns; s++)
		draw_centered(f, g_ptr_array_index(m->severity, s), "Liberation Sans 8",
		              x + label_w + s * cell_w, y + 2, cell_w, 14);
}

static void
render_risk_matrix(Flow *f, const DocBlock *b)
{
	const DocRiskMatrix *m = b->matrix;
	double grid_h = 18 + m->probability->len * 26 + 18;
	DocBlock *legend;

	/* The two grids are stacked so that severity labels such as
	 * "catastrophic" fit their columns at a readable size. */
	ensure_space(f, 2 * grid_h + 50);
	emit_dest(f, b->anchor);
	draw_risk_grid(f, m, m->before, "Before risk controls", f->x0, f->y, f->width);
	f->y += grid_h + 8;
	draw_risk_grid(f, m, m->after, "After risk controls", f->x0, f->y, f->width);
	f->y += grid_h + 4;
	legend = doc_paragraph("Rows: probability, most likely at the top. Columns: severity. "
	                       "Each cell counts the hazards estimated there; green is acceptable, "
	                       "yellow as low as reasonably practicable, red unacceptable.",
	                       b->pos);
	render_paragraph(f, legend, SMALL_FONT, 0);
	doc_block_free(legend);
}

static void
render_toc(Flow *f, const DocBlock *b)
{
	const GPtrArray *entries = f->toc;

	for (guint i = 0; entries != NULL && i < entries->len; i++) {
		const TocEntry *e = g_ptr_array_index(entries, i);
		int page = f->anchor_page ? GPOINTER_TO_INT(g_hash_table_lookup(f->anchor_page, e->anchor)) : 0;
		double indent = (e->level - 1) * 14;
		char *num = g_strdup_printf("%d", page);
		/* No position: characters the fonts lack are reported where the
		 * heading itself comes from, not at the contents. */
		TextBox *title = text_box_plain(f, e->title, e->level == 1 ? "Liberation Serif Bold 11" : BODY_FONT,
		                                f->width - indent - 40, src_pos(NULL, 0, 0));
		TextBox *number = text_box_plain(f, num, BODY_FONT, 40, b->pos);
		LayoutLink link = {0, (int)strlen(e->title), g_strdup(e->anchor), TRUE};
		double top = f->y;
		int pages_before = f->page;

		g_array_append_val(title->links, link);
		pango_layout_set_alignment(number->layout, PANGO_ALIGN_RIGHT);
		flow_text(f, title, indent);
		if (f->cr != NULL) {
			PangoLayoutLine *line = pango_layout_get_line_readonly(number->layout, 0);
			int baseline = pango_layout_get_baseline(number->layout);
			PangoRectangle logical;

			pango_layout_line_get_pixel_extents(line, NULL, &logical);
			if (pages_before != f->page)
				top = MARGIN_TOP;
			cairo_move_to(f->cr, f->x0 + f->width - logical.width,
			              top + (double)baseline / PANGO_SCALE);
			pango_cairo_show_layout_line(f->cr, line);
		}
		text_box_free(title);
		text_box_free(number);
		g_free(num);
		f->y += 2;
	}
	f->y += PARAGRAPH_GAP;
}

/* Returns the height, in points, of the part of a block that must sit on
 * the same page as the heading before it: a whole risk matrix, a table's
 * header and first row, or three lines of text. */
static double
keep_with_heading(const DocBlock *next)
{
	if (next == NULL)
		return 0;
	if (next->kind == DOC_RISK_MATRIX)
		return 2 * (18 + next->matrix->probability->len * 26 + 18) + 30;
	if (next->kind == DOC_TABLE || next->kind == DOC_IMAGE)
		return 70;
	return 3 * 14;
}

static void
render_blocks(Flow *f, const GPtrArray *blocks)
{
	for (guint i = 0; i < blocks->len; i++) {
		const DocBlock *b = g_ptr_array_index(blocks, i);

		switch (b->kind) {
		case DOC_HEADING:
			render_heading(f, b, keep_with_heading(i + 1 < blocks->len
			                                           ? g_ptr_array_index(blocks, i + 1)
			                                           : NULL));
			break;
		case DOC_PARAGRAPH: {
			const DocBlock *next = i + 1 < blocks->len ? g_ptr_array_index(blocks, i + 1) : NULL;

			/* A paragraph that leads into a table stays with its start. */
			render_paragraph(f, b, BODY_FONT,
			                 next != NULL && next->kind == DOC_TABLE ? keep_with_heading(next) : 0);
			break;
		}
		case DOC_CAPTION:
			render_paragraph(f, b, "Liberation Sans Italic 9.5", 0);
			break;
		case DOC_LIST:
			render_list(f, b);
			break;
		case DOC_LIST_ITEM:
		case DOC_NOTES:
			render_blocks(f, b->children);
			break;
		case DOC_CODE_BLOCK:
			render_code(f, b);
			break;
		case DOC_QUOTE:
			render_quote(f, b);
			break;
		case DOC_TABLE:
			render_table(f, b);
			break;
		case DOC_IMAGE:
			render_image(f, b);
			break;
		case DOC_PAGE_BREAK:
			if (f->y > MARGIN_TOP + 0.01)
				new_page(f);
			break;
		case DOC_TOC:
			render_toc(f, b);
			break;
		case DOC_RISK_MATRIX:
			render_risk_matrix(f, b);
			break;
		case DOC_RULE:
			if (f->cr != NULL) {
				cairo_set_line_width(f->cr, 0.5);
				cairo_move_to(f->cr, f->x0, f->y + 4);
				cairo_line_to(f->cr, f->x0 + f->width, f->y + 4);
				cairo_stroke(f->cr);
			}
			f->y += 10;
			break;
		}
	}
}

static void
flow_start(Flow *f, PdfRenderer *r, const Document *doc)
{
	f->r = r;
	f->doc = doc;
	f->page_w = r->options.a4 ? 595.28 : 612.0;
	f->page_h = r->options.a4 ? 841.89 : 792.0;
	f->x0 = MARGIN_LEFT;
	f->width = f->page_w - MARGIN_LEFT - MARGIN_RIGHT;
	f->page = 0;
	new_page(f);
}

static void
toc_entry_free(gpointer data)
{
	TocEntry *e = data;

	g_free(e->title);
	g_free(e->anchor);
	g_free(e);
}

/* Lists the headings of levels 1 to 3 that have an anchor, in order. */
static void
collect_toc(const GPtrArray *blocks, GPtrArray *toc)
{
	for (guint i = 0; i < blocks->len; i++) {
		const DocBlock *b = g_ptr_array_index(blocks, i);

		if (b->kind == DOC_HEADING && b->anchor != NULL && b->level <= 3 &&
		    strcmp(b->anchor, DOC_TITLE_ANCHOR) != 0) {
			TocEntry *e = g_new0(TocEntry, 1);
			GString *title = g_string_new(NULL);

			doc_inlines_text(b->inlines, title);
			e->title = g_string_free(title, FALSE);
			e->anchor = g_strdup(b->anchor);
			e->level = b->level;
			g_ptr_array_add(toc, e);
		}
		collect_toc(b->children, toc);
	}
}

typedef struct {
	FILE *file;
	gboolean failed;
} PdfSink;

/* Cairo 1.16 aborts on an assertion in its PDF back end when a write
 * fails part way (seen with ulimit -f). So a failed write is never
 * reported to Cairo. The sink records it and drops the rest of the output,
 * and the caller reports it once Cairo is done. */
static cairo_status_t
write_to_file(void *closure, const unsigned char *data, unsigned int length)
{
	PdfSink *sink = closure;

	if (!sink->failed && fwrite(data, 1, length, sink->file) != length)
		sink->failed = TRUE;
	return CAIRO_STATUS_SUCCESS;
}

static gboolean add_page_mode(GByteArray *pdf, guint64 base);

/* The end of the file read back to add the page mode: it must hold the
 * catalog and the cross-reference table, 20 bytes per object, so 32 MiB
 * covers more than a million objects. */
#define TAIL_MAX_BYTES (32u * 1024u * 1024u)

/* Adds the page mode to a written PDF, rewriting only its end, so the
 * document never has to fit in memory. */
static gboolean
patch_page_mode(FILE *file)
{
	GByteArray *tail;
	off_t size, base;
	gboolean ok = FALSE;

	if (fseeko(file, 0, SEEK_END) != 0 || (size = ftello(file)) < 0)
		return FALSE;
	base = size > (off_t)TAIL_MAX_BYTES ? size - (off_t)TAIL_MAX_BYTES : 0;
	tail = g_byte_array_sized_new((guint)(size - base));
	g_byte_array_set_size(tail, (guint)(size - base));
	if (fseeko(file, base, SEEK_SET) == 0 &&
	    fread(tail->data, 1, tail->len, file) == tail->len &&
	    add_page_mode(tail, (guint64)base) && fseeko(file, base, SEEK_SET) == 0 &&
	    fwrite(tail->data, 1, tail->len, file) == tail->len)
		ok = TRUE;
	g_byte_array_free(tail, TRUE);
	return ok;
}

/* Finds the last occurrence of needle in len bytes that may hold NULs. */
static const char *
find_last(const char *data, gsize len, const char *needle)
{
	gsize n = strlen(needle);

	for (gsize i = len >= n ? len - n + 1 : 0; i-- > 0;)
		if (memcmp(data + i, needle, n) == 0)
			return data + i;
	return NULL;
}

/* Makes viewers open with the bookmarks panel. Cairo 1.16 has no call for
 * the catalog's /PageMode, so the entry is inserted into the catalog.
 * Cairo writes the catalog as the last object before the cross-reference
 * table, so only the startxref offset moves. pdf contains the end of the
 * file from byte offset base. Returns FALSE, leaving pdf unchanged, when
 * the file does not have that layout. */
static gboolean
add_page_mode(GByteArray *pdf, guint64 base)
{
	static const char entry[] = "   /PageMode /UseOutlines\n";
	const char *data = (const char *)pdf->data;
	const char *catalog = find_last(data, pdf->len, "<< /Type /Catalog\n");
	const char *end, *startxref = find_last(data, pdf->len, "\nstartxref\n");
	char *tail, *number_end;
	guint64 offset;
	gsize at;

	if (catalog == NULL)
		return FALSE;
	if (startxref == NULL)
		return FALSE;
	end = find_last(catalog, (gsize)(startxref - catalog), ">>\nendobj\nxref\n");
	if (end == NULL || find_last(catalog, (gsize)(end - catalog), "/PageMode") != NULL)
		return FALSE;
	offset = g_ascii_strtoull(startxref + 11, &number_end, 10);
	if (number_end == startxref + 11 || offset != base + (guint64)(end + 10 - data))
		return FALSE;
	at = (gsize)(end - data);
	tail = g_strdup_printf("\nstartxref\n%" G_GUINT64_FORMAT "\n%%%%EOF\n",
	                       offset + sizeof(entry) - 1);
	g_byte_array_set_size(pdf, (guint)(startxref - data));
	g_byte_array_append(pdf, (const guint8 *)tail, (guint)strlen(tail));
	/* Insert the entry; the array may have moved, so index from 0. */
	{
		GByteArray *out = g_byte_array_sized_new(pdf->len + sizeof(entry));

		g_byte_array_append(out, pdf->data, (guint)at);
		g_byte_array_append(out, (const guint8 *)entry, sizeof(entry) - 1);
		g_byte_array_append(out, pdf->data + at, pdf->len - (guint)at);
		g_byte_array_set_size(pdf, 0);
		g_byte_array_append(pdf, out->data, out->len);
		g_byte_array_free(out, TRUE);
	}
	g_free(tail);
	return TRUE;
}

gboolean
pdf_renderer_render(PdfRenderer *r, const Document *doc, const char *path, DiagList *diags,
                    int *pages, GError **error)
{
	Flow measure = {0}, draw = {0};
	GHashTable *anchors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *toc = g_ptr_array_new_with_free_func(toc_entry_free);
	GHashTable *warned = g_hash_table_new(g_direct_hash, g_direct_equal);
	cairo_status_t status;
	gboolean ok = FALSE;
	FILE *out;
	PdfSink sink = {NULL, FALSE};

	/* The contents list comes from the tree. A first pass lays everything
	 * out without drawing, contents included, to learn the page count and
	 * the page of every anchor. The second pass draws, with those numbers
	 * in the contents and in "Page X of Y". */
	collect_toc(doc->blocks, toc);

	measure.anchor_page = anchors;
	measure.toc = toc;
	measure.diags = diags;
	measure.warned_chars = warned;
	flow_start(&measure, r, doc);
	render_blocks(&measure, doc->blocks);

	out = fopen(path, "w+b");
	if (out == NULL) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write %s: %s",
		            path, g_strerror(errno));
		goto done;
	}
	sink.file = out;
	draw.surface = cairo_pdf_surface_create_for_stream(write_to_file, &sink, measure.page_w,
	                                                   measure.page_h);
	cairo_pdf_surface_restrict_to_version(draw.surface, CAIRO_PDF_VERSION_1_5);
	cairo_pdf_surface_set_metadata(draw.surface, CAIRO_PDF_METADATA_TITLE, doc->title ? doc->title : "");
	cairo_pdf_surface_set_metadata(draw.surface, CAIRO_PDF_METADATA_AUTHOR, doc->author ? doc->author : "");
	cairo_pdf_surface_set_metadata(draw.surface, CAIRO_PDF_METADATA_SUBJECT, doc->subject ? doc->subject : "");
	cairo_pdf_surface_set_metadata(draw.surface, CAIRO_PDF_METADATA_CREATOR, r->creator);
	/* Cairo ignores SOURCE_DATE_EPOCH and would write the clock: give it
	 * both dates. */
	if (doc->date != NULL) {
		cairo_pdf_surface_set_metadata(draw.surface, CAIRO_PDF_METADATA_CREATE_DATE, doc->date);
		cairo_pdf_surface_set_metadata(draw.surface, CAIRO_PDF_METADATA_MOD_DATE, doc->date);
	}
	draw.cr = cairo_create(draw.surface);
	draw.anchor_page = anchors;
	draw.emitted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	draw.toc = toc;
	draw.total_pages = measure.page;
	draw.warned_chars = warned;
	/* Cairo reserves objects for link annotations but writes them only
	 * inside a structure element. Wrapping the whole document in one keeps
	 * the file valid for qpdf --check. */
	cairo_tag_begin(draw.cr, "Document", NULL);
	flow_start(&draw, r, doc);
	render_blocks(&draw, doc->blocks);
	cairo_tag_end(draw.cr, "Document");
	cairo_destroy(draw.cr);
	cairo_surface_finish(draw.surface);
	status = cairo_surface_status(draw.surface);
	if (status == CAIRO_STATUS_SUCCESS && sink.failed)
		status = CAIRO_STATUS_WRITE_ERROR;
	cairo_surface_destroy(draw.surface);
	/* NOTE: a Cairo release that writes its catalog differently leaves
	 * the PDF without /PageMode; the PDF tests catch that. */
	if (status == CAIRO_STATUS_SUCCESS)
		patch_page_mode(out);
	if (fclose(out) != 0 && status == CAIRO_STATUS_SUCCESS)
		status = CAIRO_STATUS_WRITE_ERROR;
	if (status != CAIRO_STATUS_SUCCESS) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot write %s: %s", path,
		            cairo_status_to_string(status));
		goto done;
	}
	if (pages != NULL)
		*pages = draw.page;
	ok = TRUE;
done:
	if (draw.emitted != NULL)
		g_hash_table_destroy(draw.emitted);
	g_hash_table_destroy(anchors);
	g_hash_table_destroy(warned);
	g_ptr_array_free(toc, TRUE);
	return ok;
}
