#include "markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <string.h>

static const char *const extension_names[] = {"table", "strikethrough", "autolink",
                                              "tasklist"};

static int
max_block_depth(cmark_node *tree)
{
	cmark_iter *iter = cmark_iter_new(tree);
	cmark_event_type ev;
	int depth = 0, max = 0;

	/* The iterator walks the tree without recursion, so a hostile body
	 * cannot exhaust the stack here. */
	while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iter);
		cmark_node_type type = cmark_node_get_type(node);

		if (type != CMARK_NODE_BLOCK_QUOTE && type != CMARK_NODE_LIST &&
		    type != CMARK_NODE_ITEM)
			continue;
		if (ev == CMARK_EVENT_ENTER) {
			if (++depth > max)
				max = depth;
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
	int depth;

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

	depth = max_block_depth(tree);
	if (depth > MARKDOWN_MAX_DEPTH)
		diag_add(diags, DIAG_MARKDOWN_LIMIT, src_pos(file, first_line, 1),
		         "the body nests lists and quotes %d levels deep, over the limit of %d",
		         depth, MARKDOWN_MAX_DEPTH);
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

static void
scan_line(Record *record, const char *line, size_t len, int file_line, DiagList *diags)
{
	size_t i = 0;
	int col = 1;

	while (i < len) {
		if (line[i] == '`') {
			/* Skip a code span: a run of backticks up to a run of the same
			 * length. An unmatched run is literal text. */
			size_t run = 0, j;

			while (i + run < len && line[i + run] == '`')
				run++;
			for (j = i + run; j < len; j++) {
				size_t close = 0;

				while (j + close < len && line[j + close] == '`')
					close++;
				if (close == run)
					break;
				j += close;
			}
			if (j < len) {
				for (size_t k = i; k < j + run; k++)
					if (((unsigned char)line[k] & 0xC0) != 0x80)
						col++;
				i = j + run;
				continue;
			}
			i += run;
			col += (int)run;
			continue;
		}
		if (line[i] == '[' && i + 1 < len && line[i + 1] == '[') {
			size_t start = i + 2, end = start;

			while (end < len && line[end] != ']' && line[end] != '[')
				end++;
			if (end + 1 < len && line[end] == ']' && line[end + 1] == ']' && end > start) {
				char *id = g_strstrip(g_strndup(line + start, end - start));

				if (id[0] != '\0') {
					SrcPos pos = src_pos(record->file, file_line, col);
					Link *ref = g_new0(Link, 1);

					if ((size_t)(end - start) != strlen(id))
						diag_add(diags, DIAG_ID_WHITESPACE, pos,
						         "reference [[%s]] has space around the ID; it is read as '%s'",
						         id, id);
					ref->role = g_intern_string("reference");
					ref->target = id;
					ref->pos = pos;
					ref->from = record;
					g_ptr_array_add(record->refs, ref);
				} else {
					g_free(id);
				}
				for (size_t k = i; k < end + 2; k++)
					if (((unsigned char)line[k] & 0xC0) != 0x80)
						col++;
				i = end + 2;
				continue;
			}
		}
		if (((unsigned char)line[i] & 0xC0) != 0x80)
			col++;
		i++;
	}
}

void
markdown_collect_refs(Record *record, cmark_node *tree, DiagList *diags)
{
	const char *text = record->body;
	int line_count = 1;
	guint8 *mask;
	int line = 1;

	if (text == NULL || strstr(text, "[[") == NULL)
		return;
	for (const char *p = text; *p; p++)
		if (*p == '\n')
			line_count++;
	mask = code_lines(tree, line_count);
	for (const char *p = text; *p; line++) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (!mask[line] && memchr(p, '[', len) != NULL)
			scan_line(record, p, len, record->body_line + line - 1, diags);
		p += len;
		if (*p == '\n')
			p++;
	}
	g_free(mask);
}
