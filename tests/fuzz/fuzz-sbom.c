/* libFuzzer harness: the SBOM readers (format detection, CycloneDX JSON and
 * XML, SPDX JSON) and the checks, on one file read as a set. */
#include "sbom.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	DiagList *diags = diag_list_new();
	GPtrArray *set = g_ptr_array_new_with_free_func((GDestroyNotify)sbom_free);
	Sbom *sbom = sbom_parse("fuzz.json", (const char *)data, size, diags);

	if (sbom != NULL)
		g_ptr_array_add(set, sbom);
	sbom_check(set, diags);
	g_ptr_array_free(set, TRUE);
	diag_list_free(diags);
	return 0;
}
