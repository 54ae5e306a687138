/* libFuzzer harness: a template (frontmatter, substitutions and dossier
 * directives) expanded against the example repository. */
#include "template.h"

#include <glib/gstdio.h>
#include <unistd.h>

static Project *project;

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	/* One file name for the whole run: file names are interned for the
	 * life of the process. */
	static char *path;
	DiagList *diags = diag_list_new();
	TemplateFile t = {NULL, (char *)"010_fuzz"};

	if (project == NULL) {
		const char *dir = g_getenv("DOSSIER_DATADIR");
		char *example = g_build_filename(dir ? dir : DOSSIER_SRCDIR, "examples",
		                                 "infusion-pump", NULL);
		DiagList *setup = diag_list_new();

		project = project_open(example, setup, NULL);
		if (project == NULL)
			abort();
		project_check(project, setup);
		diag_list_free(setup);
		g_free(example);
		path = g_strdup_printf("%s/010-fuzz-%d.md", g_get_tmp_dir(), (int)getpid());
	}
	t.path = path;
	if (g_file_set_contents(path, (const char *)data, (gssize)size, NULL))
		doc_free(template_expand(&t, project, diags, "2026-01-01", diags));
	g_unlink(path);
	diag_list_free(diags);
	return 0;
}
