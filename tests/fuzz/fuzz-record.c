/* libFuzzer harness: one record file through the whole reader, from the
 * encoding clean-up to the trace graph and the checks. */
#include "check.h"
#include "frontmatter.h"
#include "markdown.h"
#include "trace.h"

#include <string.h>

static Model *model;

static void
load_model(void)
{
	const char *dir = g_getenv("DOSSIER_DATADIR");
	char *path = g_build_filename(dir ? dir : DOSSIER_SRCDIR, "models", "medical-device.yaml",
	                              NULL);
	DiagList *diags = diag_list_new();

	model = model_load(path, diags);
	diag_list_free(diags);
	g_free(path);
	if (model == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	DiagList *diags = diag_list_new();
	SourceText src;
	FrontmatterSplit split;
	YamlDoc *doc;
	Graph *graph;

	if (model == NULL)
		load_model();
	graph = graph_new(model);
	source_clean("fuzz.md", (const char *)data, size, diags, &src);
	if (frontmatter_split(&src, diags, &split) && split.has_frontmatter) {
		doc = yaml_doc_parse(src.text + split.yaml_start, split.yaml_len, src.file,
		                     split.yaml_line, NULL, diags);
		if (doc != NULL && doc->root != NULL && doc->root->kind == YAML_NODE_MAPPING) {
			char *body = g_strdup(src.text + split.body_start);
			Record *r = record_new(doc, doc->root, src.file, src_pos(src.file, 1, 1), body,
			                       split.body_line, model, diags);

			if (r != NULL) {
				cmark_node *tree = markdown_parse(r->body, strlen(r->body), r->file,
				                                  r->body_line, diags);

				markdown_collect_refs(r, tree, diags);
				cmark_node_free(tree);
				graph_add(graph, r);
			}
		} else {
			yaml_doc_free(doc);
		}
	}
	graph_resolve(graph, diags);
	graph_check_cycles(graph, diags);
	check_fields(graph, diags);
	check_rules(graph, diags);
	check_orphans(graph, diags);
	diag_list_sort(diags);
	g_free(diag_to_sarif(diags, "fuzz", NULL));
	graph_free(graph);
	source_clear(&src);
	diag_list_free(diags);
	return 0;
}
