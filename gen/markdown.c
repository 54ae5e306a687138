#include "markdown.h"

#include "frontmatter.h"

#include "input-limits.h"

#include <cmark-gfm-core-extensions.h>
#include <stdlib.h>
#include <string.h>

static const char *const extension_names[] = {"table", "strikethrough", "autolink",
                                              "tasklist"};

static int
max_block_depth(cmark_node *tree, int *deepest_line)
{
	cmark_iter *iter = cmark_iter_new(tree);
	cmark_event_type ev;
	int depth = 0, max = 0;

	/* The iterator walks the tree without recursion, so a hostile body
	 * cannot exhaust the stack here. */
	while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iter);
		cmark_node_type type = cmark_node_get_type(node);

		/* A list and its item are one level of nesting: count items. */
		if (type != CMARK_NODE_BLOCK_QUOTE && type != CMARK_NODE_ITEM)
			continue;
		if (ev == CMARK_EVENT_ENTER) {
			if (++depth > max) {
				max = depth;
				if (max == (int)dossier_limits.markdown_depth + 1)
					*deepest_line = cmark_node_get_start_line(node);
			}
		} else if (ev == CMARK_EVENT_EXIT) {
			depth--;
		}
	}
	cmark_iter_free(iter);
	return max;
}

cmark_node *
markdown_parse(const char *text, size_t len, const char *file, int first_line, DiagList *diags)
{
	cmark_parser *parser;
	cmark_node *tree;
	int depth, line = 1;

	cmark_gfm_core_extensions_ensure_registered();
	parser = cmark_parser_new(CMARK_OPT_SOURCEPOS | CMARK_OPT_FOOTNOTES);
	for (guint i = 0; i < G_N_ELEMENTS(extension_names); i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extension_names[i]);

		if (ext != NULL)
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	cmark_parser_feed(parser, text, len);
	tree = cmark_parser_finish(parser);
	cmark_parser_free(parser);

	depth = max_block_depth(tree, &line);
	if (depth > (int)dossier_limits.markdown_depth && diags != NULL)
		diag_add(diags, DIAG_MARKDOWN_LIMIT, src_pos(file, first_line + MAX(line, 1) - 1, 1),
		         "the body nests lists and quotes %d levels deep, over the limit of %u "
		         "(limits.markdown_depth)", depth, dossier_limits.markdown_depth);
	return tree;
}

/* Marks the body lines (counted from 1) that belong to code or raw HTML
 * blocks, where [[ID]] is literal text. */
static guint8 *
code_lines(cmark_node *tree, int line_count)
{
	guint8 *mask = g_new0(guint8, (gsize)line_count + 2);
	cmark_iter *iter = cmark_iter_new(tree);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iter);
		cmark_node_type type = cmark_node_get_type(node);

		if (ev != CMARK_EVENT_ENTER ||
		    (type != CMARK_NODE_CODE_BLOCK && type != CMARK_NODE_HTML_BLOCK))
			continue;
		for (int l = cmark_node_get_start_line(node); l <= cmark_node_get_end_line(node); l++)
			if (l >= 1 && l <= line_count)
				mask[l] = 1;
	}
	cmark_iter_free(iter);
	return mask;
}

/* Advances *line and *col over bytes [from, to) of text. */
static void
advance(const char *text, size_t from, size_t to, int *line, int *col)
{
	for (size_t k = from; k < to; k++) {
		if (text[k] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[k] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

/* Scans one run of text lines outside code blocks. A code span may wrap
 * onto the next line, but never past a blank line, which ends the
 * paragraph. */
static void
scan_segment(Record *record, const char *text, size_t len, int first_line, DiagList *diags)
{
	size_t i = 0;
	int line = first_line, col = 1;

	while (i < len) {
		if (text[i] == '`') {
			size_t run = 0, j, close = 0;

			while (i + run < len && text[i + run] == '`')
				run++;
			for (j = i + run; j < len; j += close > 0 ? close : 1) {
				close = 0;
				if (text[j] == '\n' && j + 1 < len && text[j + 1] == '\n')
					break;
				while (j + close < len && text[j + close] == '`')
					close++;
				if (close == run)
					break;
			}
			if (j < len && close == run) {
				advance(text, i, j + run, &line, &col);
				i = j + run;
			} else {
				advance(text, i, i + run, &line, &col);
				i += run;
			}
			continue;
		}
		if (text[i] == '[' && i + 1 < len && text[i + 1] == '[') {
			size_t start = i + 2, end = start;

			while (end < len && text[end] != ']' && text[end] != '[' && text[end] != '\n')
				end++;
			if (end + 1 < len && text[end] == ']' && text[end + 1] == ']' && end > start) {
				char *written = g_strndup(text + start, end - start);
				char *id = g_strstrip(g_strdup(written));

				if (id[0] != '\0') {
					SrcPos pos = src_pos(record->file, line, col);
					Link *ref = g_new0(Link, 1);

					if (strcmp(id, written) != 0)
						diag_add(diags, DIAG_ID_WHITESPACE, pos,
						         "reference [[%s]] has space around the ID; it is read as '%s'",
						         written, id);
					ref->role = g_intern_string("reference");
					ref->target = id;
					ref->pos = pos;
					ref->from = record;
					g_ptr_array_add(record->refs, ref);
				} else {
					g_free(id);
				}
				g_free(written);
				advance(text, i, end + 2, &line, &col);
				i = end + 2;
				continue;
			}
		}
		advance(text, i, i + 1, &line, &col);
		i++;
	}
}

void
markdown_collect_refs(Record *record, cmark_node *tree, DiagList *diags)
{
	const char *text = record->body;
	int line_count = 1, line = 1, segment_line = 0;
	const char *segment = NULL;
	guint8 *mask;

	if (text == NULL || strstr(text, "[[") == NULL)
		return;
	for (const char *p = text; *p; p++)
		if (*p == '\n')
			line_count++;
	mask = code_lines(tree, line_count);
	for (const char *p = text;; line++) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		/* Consecutive lines outside code blocks form one segment. */
		if (!mask[line] && segment == NULL) {
			segment = p;
			segment_line = line;
		}
		if ((mask[line] || eol == NULL) && segment != NULL) {
			const char *stop = mask[line] ? p : p + len;

			scan_segment(record, segment, (size_t)(stop - segment),
			             record->body_line + segment_line - 1, diags);
			segment = NULL;
		}
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	g_free(mask);
}

static gboolean
is_id_char(char c)
{
	return g_ascii_isalnum(c) || c == '-' || c == '_';
}

static void
add_xref(GPtrArray *inlines, const char *id, const char *label)
{
	DocInline *x = doc_inline_new(DOC_XREF, NULL);

	x->target = doc_anchor_for("", id);
	doc_inlines_add_text(x->children, label);
	g_ptr_array_add(inlines, x);
}

void
markdown_text_inlines(const char *text, const MarkdownContext *ctx, GPtrArray *inlines)
{
	GString *plain = g_string_new(NULL);
	const char *p = text;

	while (*p) {
		if (p[0] == '[' && p[1] == '[') {
			const char *end = strstr(p + 2, "]]");

			if (end != NULL && memchr(p + 2, '[', (size_t)(end - p - 2)) == NULL &&
			    end - p - 2 < 200) {
				char *id = g_strstrip(g_strndup(p + 2, (gsize)(end - p - 2)));

				if (id[0] != '\0' && ctx->is_record(ctx->data, id)) {
					doc_inlines_add_text(inlines, plain->str);
					g_string_truncate(plain, 0);
					add_xref(inlines, id, id);
					g_free(id);
					p = end + 2;
					continue;
				}
				g_free(id);
			}
		}
		/* A bare ID: a run of ID characters that starts a word. */
		if (is_id_char(*p) && (p == text || !is_id_char(p[-1]))) {
			const char *q = p;
			char *word;

			while (is_id_char(*q))
				q++;
			/* A trailing dash or underscore belongs to the sentence. */
			while (q > p && (q[-1] == '-' || q[-1] == '_'))
				q--;
			word = g_strndup(p, (gsize)(q - p));
			if (q > p && strchr(word, '-') != NULL && ctx->is_record(ctx->data, word)) {
				doc_inlines_add_text(inlines, plain->str);
				g_string_truncate(plain, 0);
				add_xref(inlines, word, word);
				g_free(word);
				p = q;
				continue;
			}
			g_free(word);
			g_string_append_len(plain, p, (gssize)MAX(q - p, 1));
			p += MAX(q - p, 1);
			continue;
		}
		g_string_append_c(plain, *p);
		p++;
	}
	doc_inlines_add_text(inlines, plain->str);
	g_string_free(plain, TRUE);
}

/* Returns TRUE when text is one HTML comment and nothing else but
 * whitespace. */
static gboolean
is_html_comment(const char *text)
{
	const char *end;

	if (text == NULL)
		return FALSE;
	text += strspn(text, " \t\n");
	if (!g_str_has_prefix(text, "<!--"))
		return FALSE;
	end = strstr(text + 4, "-->");
	return end != NULL && end[3 + strspn(end + 3, " \t\n")] == '\0';
}

typedef struct {
	const MarkdownContext *ctx;
	GPtrArray *notes;        /* DocBlock* of DOC_PARAGRAPH notes, in order */
	GHashTable *note_number; /* label -> number */
} Converter;

static void convert_inlines(Converter *c, cmark_node *node, GPtrArray *out);
static void convert_blocks(Converter *c, cmark_node *first, GPtrArray *out);

static SrcPos
node_pos(const Converter *c, cmark_node *node)
{
	int line = cmark_node_get_start_line(node);

	return src_pos(c->ctx->file, line > 0 ? c->ctx->first_line + line - 1 : c->ctx->first_line,
	               MAX(cmark_node_get_start_column(node), 1));
}

static const char *
type_string(cmark_node *node)
{
	return cmark_node_get_type_string(node);
}

static void
convert_children(Converter *c, cmark_node *node, DocInline *parent, GPtrArray *out)
{
	convert_inlines(c, cmark_node_first_child(node), parent->children);
	g_ptr_array_add(out, parent);
}

static void
convert_inlines(Converter *c, cmark_node *node, GPtrArray *out)
{
	for (; node != NULL; node = cmark_node_next(node)) {
		const char *literal = cmark_node_get_literal(node);

		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_TEXT:
			markdown_text_inlines(literal ? literal : "", c->ctx, out);
			break;
		case CMARK_NODE_SOFTBREAK:
			doc_inlines_add_text(out, " ");
			break;
		case CMARK_NODE_LINEBREAK:
			g_ptr_array_add(out, doc_inline_new(DOC_LINE_BREAK, NULL));
			break;
		case CMARK_NODE_CODE:
			g_ptr_array_add(out, doc_inline_new(DOC_CODE, literal ? literal : ""));
			break;
		case CMARK_NODE_HTML_INLINE:
			/* An HTML comment is a note to the authors, hidden on GitHub
			 * too; other raw HTML is shown as written, never run. */
			if (!is_html_comment(literal))
				doc_inlines_add_text(out, literal);
			break;
		case CMARK_NODE_EMPH:
			convert_children(c, node, doc_inline_new(DOC_EMPHASIS, NULL), out);
			break;
		case CMARK_NODE_STRONG:
			convert_children(c, node, doc_inline_new(DOC_STRONG, NULL), out);
			break;
		case CMARK_NODE_LINK: {
			const char *url = cmark_node_get_url(node);
			DocInline *link;

			/* Only web and mail links become links: javascript:, file:
			 * and relative targets mean nothing to a reviewer's viewer, and
			 * the FDA PDF rules allow no scripts. Their text stays. */
			if (url == NULL || !(g_str_has_prefix(url, "https://") ||
			                     g_str_has_prefix(url, "http://") ||
			                     g_str_has_prefix(url, "mailto:"))) {
				convert_inlines(c, cmark_node_first_child(node), out);
				break;
			}
			link = doc_inline_new(DOC_LINK, NULL);
			link->target = g_strdup(url);
			convert_children(c, node, link, out);
			break;
		}
		case CMARK_NODE_IMAGE: {
			/* An inline image keeps its description in the text flow. */
			GString *alt = g_string_new("[image: ");
			DocInline *tmp = doc_inline_new(DOC_STRONG, NULL);

			convert_inlines(c, cmark_node_first_child(node), tmp->children);
			doc_inlines_text(tmp->children, alt);
			g_string_append_printf(alt, " (%s)]", cmark_node_get_url(node));
			doc_inlines_add_text(out, alt->str);
			doc_inline_free(tmp);
			g_string_free(alt, TRUE);
			break;
		}
		case CMARK_NODE_FOOTNOTE_REFERENCE: {
			const char *label = literal ? literal : "?";
			gpointer number = g_hash_table_lookup(c->note_number, label);
			char *text;

			if (number == NULL) {
				number = GINT_TO_POINTER(g_hash_table_size(c->note_number) + 1);
				g_hash_table_insert(c->note_number, g_strdup(label), number);
			}
			text = g_strdup_printf("%d", GPOINTER_TO_INT(number));
			g_ptr_array_add(out, doc_inline_new(DOC_FOOTNOTE, text));
			g_free(text);
			break;
		}
		default:
			if (strcmp(type_string(node), "strikethrough") == 0)
				convert_children(c, node, doc_inline_new(DOC_STRIKE, NULL), out);
			else if (cmark_node_first_child(node) != NULL)
				convert_inlines(c, cmark_node_first_child(node), out);
			else if (literal != NULL)
				doc_inlines_add_text(out, literal);
		}
	}
}

static DocBlock *
convert_table(Converter *c, cmark_node *node)
{
	guint columns = 0, header_rows = 0;
	DocBlock *b = doc_block_new(DOC_TABLE, node_pos(c, node));

	for (cmark_node *row = cmark_node_first_child(node); row; row = cmark_node_next(row)) {
		guint n = 0;

		for (cmark_node *cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell))
			n++;
		columns = MAX(columns, n);
		if (strcmp(type_string(row), "table_header") == 0)
			header_rows++;
	}
	b->table = doc_table_new(MAX(columns, 1), header_rows);
	for (cmark_node *row = cmark_node_first_child(node); row; row = cmark_node_next(row)) {
		GPtrArray *cells = doc_table_add_row(b->table);
		guint i = 0;

		for (cmark_node *cell = cmark_node_first_child(row); cell && i < columns;
		     cell = cmark_node_next(cell), i++) {
			DocBlock *p = doc_block_new(DOC_PARAGRAPH, node_pos(c, cell));

			convert_inlines(c, cmark_node_first_child(cell), p->inlines);
			g_ptr_array_add(doc_table_cell(cells, i), p);
		}
	}
	return b;
}

/* Returns the only inline of a paragraph when it is an image. */
static cmark_node *
lone_image(cmark_node *paragraph)
{
	cmark_node *child = cmark_node_first_child(paragraph);

	if (child == NULL || cmark_node_next(child) != NULL ||
	    cmark_node_get_type(child) != CMARK_NODE_IMAGE)
		return NULL;
	return child;
}

/* Resolves an image path against the Markdown file's folder, refusing
 * URLs, absolute paths and paths that leave the root folder (after
 * symbolic links are resolved). Returns NULL with *why set on refusal. */
static char *
resolve_image(const MarkdownContext *ctx, const char *url, const char **why)
{
	char *path, *real;
	gboolean ok;

	if (url == NULL || url[0] == '\0' || strstr(url, "://") != NULL || g_path_is_absolute(url) ||
	    ctx->image_dir == NULL) {
		*why = "only relative paths to files in the repository are used";
		return NULL;
	}
	path = g_build_filename(ctx->image_dir, url, NULL);
	real = realpath(path, NULL);
	ok = real != NULL && ctx->image_root != NULL && source_path_inside(ctx->image_root, path);
	if (real == NULL)
		*why = "the file does not exist";
	else if (!ok)
		*why = "the path leads outside the repository";
	free(real);
	if (!ok) {
		g_free(path);
		return NULL;
	}
	return path;
}

static void
convert_image(Converter *c, cmark_node *image, SrcPos pos, GPtrArray *out)
{
	const char *url = cmark_node_get_url(image);
	const char *why = NULL;
	char *path = resolve_image(c->ctx, url, &why);
	DocBlock *b = doc_block_new(DOC_IMAGE, pos);
	DocBlock *caption = doc_block_new(DOC_CAPTION, pos);

	convert_inlines(c, cmark_node_first_child(image), caption->inlines);
	if (path == NULL) {
		if (c->ctx->diags != NULL)
			diag_add(c->ctx->diags, DIAG_IMAGE_UNREADABLE, pos,
			         "image '%s' is not used: %s; its description is printed instead",
			         url ? url : "", why);
		g_ptr_array_add(out, doc_paragraph("[Image not available]", pos));
		doc_block_free(b);
	} else {
		b->text = path;
		g_ptr_array_add(out, b);
	}
	if (caption->inlines->len > 0)
		g_ptr_array_add(out, caption);
	else
		doc_block_free(caption);
}

static void
convert_blocks(Converter *c, cmark_node *node, GPtrArray *out)
{
	for (; node != NULL; node = cmark_node_next(node)) {
		SrcPos pos = node_pos(c, node);
		DocBlock *b = NULL;

		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_PARAGRAPH:
			if (lone_image(node) != NULL) {
				convert_image(c, lone_image(node), pos, out);
				break;
			}
			b = doc_block_new(DOC_PARAGRAPH, pos);
			convert_inlines(c, cmark_node_first_child(node), b->inlines);
			break;
		case CMARK_NODE_HEADING:
			b = doc_block_new(DOC_HEADING, pos);
			b->level = MIN(cmark_node_get_heading_level(node) + c->ctx->heading_offset, 6);
			convert_inlines(c, cmark_node_first_child(node), b->inlines);
			break;
		case CMARK_NODE_BLOCK_QUOTE:
			b = doc_block_new(DOC_QUOTE, pos);
			convert_blocks(c, cmark_node_first_child(node), b->children);
			break;
		case CMARK_NODE_LIST:
			b = doc_block_new(DOC_LIST, pos);
			b->ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
			b->start = cmark_node_get_list_start(node);
			for (cmark_node *item = cmark_node_first_child(node); item;
			     item = cmark_node_next(item)) {
				DocBlock *it = doc_block_new(DOC_LIST_ITEM, node_pos(c, item));

				if (strcmp(type_string(item), "tasklist") == 0)
					it->task = cmark_gfm_extensions_get_tasklist_item_checked(item) ? 2 : 1;
				convert_blocks(c, cmark_node_first_child(item), it->children);
				g_ptr_array_add(b->children, it);
			}
			break;
		case CMARK_NODE_HTML_BLOCK:
			if (is_html_comment(cmark_node_get_literal(node)))
				break;
			/* Other HTML is printed as code. */
			G_GNUC_FALLTHROUGH;
		case CMARK_NODE_CODE_BLOCK:
			b = doc_block_new(DOC_CODE_BLOCK, pos);
			b->text = g_strdup(cmark_node_get_literal(node) ? cmark_node_get_literal(node) : "");
			break;
		case CMARK_NODE_THEMATIC_BREAK:
			b = doc_block_new(DOC_RULE, pos);
			break;
		case CMARK_NODE_FOOTNOTE_DEFINITION: {
			const char *label = cmark_node_get_literal(node);
			gpointer number = label ? g_hash_table_lookup(c->note_number, label) : NULL;
			DocBlock *note = doc_block_new(DOC_PARAGRAPH, pos);
			GPtrArray *body = g_ptr_array_new_with_free_func((GDestroyNotify)doc_block_free);
			char *mark = g_strdup_printf("%d. ", number ? GPOINTER_TO_INT(number)
			                                            : (int)c->notes->len + 1);

			/* A note is printed as one paragraph: its number, then the
			 * text of its blocks. */
			doc_inlines_add_text(note->inlines, mark);
			convert_blocks(c, cmark_node_first_child(node), body);
			for (guint i = 0; i < body->len; i++) {
				DocBlock *part = g_ptr_array_index(body, i);

				if (i > 0)
					doc_inlines_add_text(note->inlines, " ");
				while (part->inlines->len > 0)
					g_ptr_array_add(note->inlines, g_ptr_array_steal_index(part->inlines, 0));
			}
			g_ptr_array_add(c->notes, note);
			g_ptr_array_free(body, TRUE);
			g_free(mark);
			break;
		}
		default:
			if (strcmp(type_string(node), "table") == 0)
				b = convert_table(c, node);
			else if (cmark_node_first_child(node) != NULL)
				convert_blocks(c, cmark_node_first_child(node), out);
		}
		if (b != NULL)
			g_ptr_array_add(out, b);
	}
}

void
markdown_to_blocks(cmark_node *tree, const MarkdownContext *ctx, GPtrArray *out)
{
	Converter c = {ctx, g_ptr_array_new(), g_hash_table_new_full(g_str_hash, g_str_equal,
	                                                             g_free, NULL)};

	convert_blocks(&c, cmark_node_first_child(tree), out);
	if (c.notes->len > 0) {
		DocBlock *notes = doc_block_new(DOC_NOTES, src_pos(ctx->file, ctx->first_line, 1));

		for (guint i = 0; i < c.notes->len; i++)
			g_ptr_array_add(notes->children, g_ptr_array_index(c.notes, i));
		g_ptr_array_add(out, notes);
	}
	g_ptr_array_free(c.notes, TRUE);
	g_hash_table_destroy(c.note_number);
}
