/* The unit test suites; each test file defines one. */
#ifndef DOSSIER_TEST_SUITES_H
#define DOSSIER_TEST_SUITES_H

#include <check.h>

Suite *frontmatter_suite(void);
Suite *model_suite(void);
Suite *graph_suite(void);
Suite *risk_suite(void);
Suite *sbom_suite(void);
Suite *sbom_xml_suite(void);

/* Returns the path of a file in the source tree; free with g_free. */
char *test_srcdir_path(const char *relative);

#include "diag.h"
#include "trace.h"

/* Parses yaml as a record's frontmatter and adds the record to graph. */
Record *test_add_record(Graph *graph, const char *file, const char *yaml, DiagList *diags);
/* Loads the default model from the source tree. */
Model *test_default_model(void);
/* Counts the diagnostics with the given printed code name. */
guint test_count(const DiagList *diags, const char *code_name);

#endif
