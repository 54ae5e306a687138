/* libFuzzer harness: Markdown through the document tree into both
 * renderers, for small inputs. */
#include "markdown.h"
#include "render-docx.h"
#include "render-pdf.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static PdfRenderer *pdf;
static DocxRenderer *docx;

static gboolean
is_record(void *data, const char *id)
{
	return g_str_has_prefix(id, "HAZ-");
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	DiagList *diags = diag_list_new();
	char *text, *dir, *path;
	cmark_node *tree;
	Document *doc;
	MarkdownContext ctx = {is_record, NULL, "fuzz.md", 1, 1, NULL, NULL, NULL};

	/* Rendering is slow per byte; large inputs add nothing new. */
	if (size > 4096)
		return 0;
	if (pdf == NULL) {
		const char *data_dir = g_getenv("DOSSIER_DATADIR");
		char *fonts = g_build_filename(data_dir ? data_dir : DOSSIER_SRCDIR, "fonts", NULL);
		RenderOptions options = {fonts, FALSE, "fuzz"};

		pdf = pdf_renderer_new(&options, NULL);
		docx = docx_renderer_new(&options, NULL);
		if (pdf == NULL || docx == NULL)
			abort();
	}
	text = g_utf8_make_valid((const char *)data, (gssize)size);
	tree = markdown_parse(text, strlen(text), "fuzz.md", 1, diags);
	doc = doc_new();
	doc->title = g_strdup("Fuzz");
	doc->date = g_strdup("2026-01-01T00:00:00Z");
	markdown_to_blocks(tree, &ctx, doc->blocks);
	dir = g_dir_make_tmp("fuzz-render-XXXXXX", NULL);
	path = g_build_filename(dir, "out.pdf", NULL);
	pdf_renderer_render(pdf, doc, path, diags, NULL, NULL);
	g_unlink(path);
	g_free(path);
	path = g_build_filename(dir, "out.docx", NULL);
	docx_renderer_render(docx, doc, path, diags, NULL);
	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
	doc_free(doc);
	cmark_node_free(tree);
	g_free(text);
	diag_list_free(diags);
	return 0;
}
