#include "suites.h"

#include "risk.h"

#include <string.h>

static const char policy_text[] =
	"severity: [negligible, minor, serious, critical, catastrophic]\n"
	"probability: [improbable, remote, occasional, probable, frequent]\n"
	"acceptability:\n"
	"  improbable: [acceptable, acceptable, acceptable, alarp, alarp]\n"
	"  remote: [acceptable, acceptable, alarp, alarp, unacceptable]\n"
	"  occasional: [acceptable, alarp, alarp, unacceptable, unacceptable]\n"
	"  probable: [alarp, alarp, unacceptable, unacceptable, unacceptable]\n"
	"  frequent: [alarp, unacceptable, unacceptable, unacceptable, unacceptable]\n"
	"safety_class:\n"
	"  field: safety_class\n"
	"  types: [software-item]\n"
	"  classes: [A, B, C]\n"
	"  by_severity: {negligible: A, minor: B, serious: C, critical: C, catastrophic: C}\n";

typedef struct {
	YamlDoc *doc;
	RiskPolicy *policy;
	Model *model;
	Graph *graph;
	DiagList *diags;
} Fixture;

static void
fixture_open(Fixture *f)
{
	f->diags = diag_list_new();
	f->doc = yaml_doc_parse(policy_text, strlen(policy_text), "dossier.yaml", 1, NULL, f->diags);
	ck_assert_ptr_nonnull(f->doc);
	f->policy = risk_policy_load(f->doc->root, f->diags);
	ck_assert_ptr_nonnull(f->policy);
	ck_assert_uint_eq(f->diags->items->len, 0);
	f->model = test_default_model();
	f->graph = graph_new(f->model);
}

static void
fixture_close(Fixture *f)
{
	graph_free(f->graph);
	model_free(f->model);
	risk_policy_free(f->policy);
	yaml_doc_free(f->doc);
	diag_list_free(f->diags);
}

START_TEST(initial_and_residual_risk)
{
	Fixture f;
	Record *r;

	fixture_open(&f);
	r = test_add_record(f.graph, "h.md",
	                    "id: HAZ-001\ntype: hazard\ntitle: t\nseverity: critical\n"
	                    "probability: occasional\nresidual_probability: improbable\n"
	                    "benefit_risk: Therapy outweighs the remaining risk.\n",
	                    f.diags);
	graph_resolve(f.graph, f.diags);
	risk_evaluate(f.policy, f.graph, f.diags);
	ck_assert_str_eq(record_value(r, "initial_risk"), "unacceptable");
	ck_assert_str_eq(record_value(r, "residual_risk"), "alarp");
	ck_assert_uint_eq(f.diags->items->len, 0);
	fixture_close(&f);
}
END_TEST

START_TEST(unacceptable_residual_is_error)
{
	Fixture f;

	fixture_open(&f);
	test_add_record(f.graph, "h.md",
	                "id: HAZ-001\ntype: hazard\ntitle: t\nseverity: catastrophic\n"
	                "probability: frequent\n", f.diags);
	graph_resolve(f.graph, f.diags);
	risk_evaluate(f.policy, f.graph, f.diags);
	ck_assert_uint_eq(test_count(f.diags, "residual-risk-unacceptable"), 1);
	fixture_close(&f);
}
END_TEST

START_TEST(alarp_needs_rationale)
{
	Fixture f;

	fixture_open(&f);
	test_add_record(f.graph, "h.md",
	                "id: HAZ-001\ntype: hazard\ntitle: t\nseverity: serious\n"
	                "probability: remote\n", f.diags);
	graph_resolve(f.graph, f.diags);
	risk_evaluate(f.policy, f.graph, f.diags);
	ck_assert_uint_eq(test_count(f.diags, "residual-risk-alarp"), 1);
	fixture_close(&f);
}
END_TEST

START_TEST(residual_above_initial_warns)
{
	Fixture f;

	fixture_open(&f);
	test_add_record(f.graph, "h.md",
	                "id: HAZ-001\ntype: hazard\ntitle: t\nseverity: minor\n"
	                "probability: improbable\nresidual_probability: remote\n", f.diags);
	graph_resolve(f.graph, f.diags);
	risk_evaluate(f.policy, f.graph, f.diags);
	ck_assert_uint_eq(test_count(f.diags, "residual-above-initial"), 1);
	fixture_close(&f);
}
END_TEST

static void
add_chain(Fixture *f, const char *item_class)
{
	char *item = g_strdup_printf("id: SI-001\ntype: software-item\ntitle: Dose engine\n"
	                             "safety_class: %s\nimplements: [SRS-001]\n", item_class);

	test_add_record(f->graph, "h.md",
	                "id: HAZ-001\ntype: hazard\ntitle: t\nseverity: critical\n"
	                "probability: remote\n", f->diags);
	test_add_record(f->graph, "c.md",
	                "id: RC-001\ntype: risk-control\ntitle: t\n"
	                "control_type: protective-measure\nmitigates: [HAZ-001]\n", f->diags);
	test_add_record(f->graph, "s.md",
	                "id: SRS-001\ntype: software-requirement\ntitle: t\ncategory: safety\n"
	                "implements: [RC-001]\n", f->diags);
	test_add_record(f->graph, "i.md", item, f->diags);
	g_free(item);
}

START_TEST(safety_class_from_reachable_severity)
{
	Fixture f;
	const Diag *d;

	fixture_open(&f);
	add_chain(&f, "A");
	graph_resolve(f.graph, f.diags);
	risk_check_safety_class(f.policy, f.graph, f.diags);
	ck_assert_uint_eq(test_count(f.diags, "safety-class-too-low"), 1);
	d = g_ptr_array_index(f.diags->items, 0);
	ck_assert_ptr_nonnull(strstr(d->message, "'HAZ-001' with severity 'critical'"));
	ck_assert_str_eq(record_value(graph_find(f.graph, "SI-001"), "required_safety_class"), "C");
	fixture_close(&f);
}
END_TEST

START_TEST(safety_class_matching_is_clean)
{
	Fixture f;

	fixture_open(&f);
	add_chain(&f, "C");
	graph_resolve(f.graph, f.diags);
	risk_check_safety_class(f.policy, f.graph, f.diags);
	ck_assert_uint_eq(f.diags->items->len, 0);
	fixture_close(&f);
}
END_TEST

START_TEST(parent_takes_child_class)
{
	Fixture f;

	fixture_open(&f);
	add_chain(&f, "C");
	test_add_record(f.graph, "p.md",
	                "id: SI-000\ntype: software-item\ntitle: Controller\nsafety_class: B\n",
	                f.diags);
	test_add_record(f.graph, "k.md",
	                "id: SI-002\ntype: software-item\ntitle: Child\nsafety_class: C\n"
	                "parent: SI-000\nimplements: [SRS-001]\n", f.diags);
	graph_resolve(f.graph, f.diags);
	risk_check_safety_class(f.policy, f.graph, f.diags);
	ck_assert_uint_eq(test_count(f.diags, "safety-class-too-low"), 1);
	ck_assert_str_eq(record_value(graph_find(f.graph, "SI-000"), "required_safety_class"), "C");
	fixture_close(&f);
}
END_TEST

START_TEST(matrix_rows_must_match_scale)
{
	const char *text = "severity: [low, high]\nprobability: [rare, often]\n"
	                   "acceptability:\n  rare: [acceptable]\n  often: [alarp, maybe]\n";
	DiagList *diags = diag_list_new();
	YamlDoc *doc = yaml_doc_parse(text, strlen(text), "dossier.yaml", 1, NULL, diags);

	ck_assert_ptr_null(risk_policy_load(doc->root, diags));
	ck_assert_uint_eq(test_count(diags, "risk-policy-invalid"), 2);
	yaml_doc_free(doc);
	diag_list_free(diags);
}
END_TEST

Suite *
risk_suite(void)
{
	Suite *s = suite_create("risk");
	TCase *tc = tcase_create("policy");
	TCase *cls = tcase_create("safety-class");

	tcase_add_test(tc, initial_and_residual_risk);
	tcase_add_test(tc, unacceptable_residual_is_error);
	tcase_add_test(tc, alarp_needs_rationale);
	tcase_add_test(tc, residual_above_initial_warns);
	tcase_add_test(tc, matrix_rows_must_match_scale);
	tcase_add_test(cls, safety_class_from_reachable_severity);
	tcase_add_test(cls, safety_class_matching_is_clean);
	tcase_add_test(cls, parent_takes_child_class);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, cls);
	return s;
}
