#include "suites.h"

#include "model.h"
#include "yamlnode.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

char *
test_srcdir_path(const char *relative)
{
	const char *top = g_getenv("top_srcdir");

	return g_build_filename(top ? top : ".", relative, NULL);
}

Record *
test_add_record(Graph *graph, const char *file, const char *yaml, DiagList *diags)
{
	YamlDoc *doc = yaml_doc_parse(yaml, strlen(yaml), file, 2, NULL, diags);
	Record *record;

	ck_assert_ptr_nonnull(doc);
	record = record_new(doc, doc->root, file, src_pos(file, 1, 1), g_strdup(""), 10,
	                    graph->model, diags);
	ck_assert_ptr_nonnull(record);
	graph_add(graph, record);
	return record;
}

Model *
test_default_model(void)
{
	char *path = test_srcdir_path("models/medical-device.yaml");
	DiagList *diags = diag_list_new();
	Model *model = model_load(path, diags);

	ck_assert_ptr_nonnull(model);
	diag_list_free(diags);
	g_free(path);
	return model;
}

guint
test_count(const DiagList *diags, const char *code_name)
{
	guint n = 0;

	for (guint i = 0; i < diags->items->len; i++)
		if (strcmp(((const Diag *)g_ptr_array_index(diags->items, i))->code_name, code_name) == 0)
			n++;
	return n;
}

int
main(void)
{
	SRunner *runner = srunner_create(frontmatter_suite());
	int failed;

	srunner_add_suite(runner, model_suite());
	srunner_add_suite(runner, graph_suite());
	srunner_add_suite(runner, risk_suite());
	srunner_add_suite(runner, sbom_suite());
	srunner_add_suite(runner, sbom_xml_suite());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
