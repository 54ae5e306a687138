/* libFuzzer harness: the YAML tree builder with its limits. */
#include "yamlnode.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	DiagList *diags = diag_list_new();

	yaml_doc_free(yaml_doc_parse((const char *)data, size, "fuzz.yaml", 1, NULL, diags));
	diag_list_free(diags);
	return 0;
}
