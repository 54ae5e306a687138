/* The DOCX renderer: writes a document tree as WordprocessingML with
 * libzip and libxml2. Like the PDF renderer it reads only the tree. */
#ifndef DOSSIER_RENDER_DOCX_H
#define DOSSIER_RENDER_DOCX_H

#include "doc.h"
#include "render-pdf.h"

typedef struct DocxRenderer DocxRenderer;

DocxRenderer *docx_renderer_new(const RenderOptions *options, GError **error);
/* Writes doc to path. Content problems (images that cannot be read,
 * characters XML cannot carry) are diagnostics; a write failure returns
 * FALSE with error. */
gboolean docx_renderer_render(DocxRenderer *renderer, const Document *doc, const char *path,
                              DiagList *diags, GError **error);
void docx_renderer_free(DocxRenderer *renderer);

#endif
