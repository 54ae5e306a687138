/* libFuzzer harness: a model file through the model loader. */
#include "model.h"

#include <glib/gstdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	/* One file name for the whole run: file names are interned for the
	 * life of the process. */
	static char *path;
	DiagList *diags = diag_list_new();

	if (path == NULL)
		path = g_strdup_printf("%s/fuzz-model-%d.yaml", g_get_tmp_dir(), (int)getpid());
	if (g_file_set_contents(path, (const char *)data, (gssize)size, NULL))
		model_free(model_load(path, diags));
	g_unlink(path);
	diag_list_free(diags);
	return 0;
}
