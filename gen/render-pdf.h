/* The PDF renderer: lays out a document tree with Pango and writes it with
 * Cairo. It reads only the document tree. Fonts come from the project's
 * fonts folder through a private fontconfig configuration. */
#ifndef DOSSIER_RENDER_PDF_H
#define DOSSIER_RENDER_PDF_H

#include "doc.h"

typedef struct {
	const char *fonts_dir;
	gboolean a4;          /* US Letter otherwise */
	const char *creator;  /* the producing program, for the metadata */
} RenderOptions;

typedef struct PdfRenderer PdfRenderer;

/* Loads the fonts; returns NULL and sets error when none can be loaded. */
PdfRenderer *pdf_renderer_new(const RenderOptions *options, GError **error);
/* Writes doc to path. Layout problems (missing glyphs, images that cannot
 * be read) are diagnostics; a write failure returns FALSE with error.
 * Sets *pages to the page count when pages is not NULL. */
gboolean pdf_renderer_render(PdfRenderer *renderer, const Document *doc, const char *path,
                             DiagList *diags, int *pages, GError **error);
void pdf_renderer_free(PdfRenderer *renderer);

#endif
