#include "suites.h"

#include "check.h"

#include <string.h>

static const char hazard[] = "id: HAZ-001\ntype: hazard\ntitle: Over-infusion\n"
                             "severity: critical\nprobability: remote\n";
static const char control[] = "id: RC-001\ntype: risk-control\ntitle: Dose limit\n"
                              "control_type: protective-measure\nmitigates: [HAZ-001]\n";
static const char test_pass[] = "id: TEST-001\ntype: test\ntitle: Limit test\nlevel: unit\n"
                                "result: pass\nverifies: [RC-001]\n";

START_TEST(links_resolve_both_ways)
{
	Model *model = test_default_model();
	Graph *graph = graph_new(model);
	DiagList *diags = diag_list_new();
	Record *haz, *rc;

	haz = test_add_record(graph, "h.md", hazard, diags);
	rc = test_add_record(graph, "c.md", control, diags);
	graph_resolve(graph, diags);
	ck_assert_uint_eq(diags->items->len, 0);
	ck_assert_uint_eq(rc->links->len, 1);
	ck_assert_ptr_eq(((Link *)g_ptr_array_index(rc->links, 0))->to, haz);
	ck_assert_uint_eq(haz->incoming->len, 1);
	ck_assert_ptr_eq(((Link *)g_ptr_array_index(haz->incoming, 0))->from, rc);
	graph_free(graph);
	model_free(model);
	diag_list_free(diags);
}
END_TEST

START_TEST(dangling_link_names_its_position)
{
	Model *model = test_default_model();
	Graph *graph = graph_new(model);
	DiagList *diags = diag_list_new();
	const Diag *d;

	test_add_record(graph, "c.md", control, diags);
	graph_resolve(graph, diags);
	ck_assert_uint_eq(test_count(diags, "dangling-link"), 1);
	d = g_ptr_array_index(diags->items, 0);
	ck_assert_str_eq(d->pos.file, "c.md");
	ck_assert_int_eq(d->pos.line, 6);
	ck_assert_int_eq(d->pos.col, 13);
	graph_free(graph);
	model_free(model);
	diag_list_free(diags);
}
END_TEST

START_TEST(dangling_link_suggests_case)
{
	Model *model = test_default_model();
	Graph *graph = graph_new(model);
	DiagList *diags = diag_list_new();
	const Diag *d;

	test_add_record(graph, "h.md", hazard, diags);
	test_add_record(graph, "c.md",
	                "id: RC-001\ntype: risk-control\ntitle: t\n"
	                "control_type: protective-measure\nmitigates: [haz-001]\n",
	                diags);
	graph_resolve(graph, diags);
	ck_assert_uint_eq(test_count(diags, "dangling-link"), 1);
	d = g_ptr_array_index(diags->items, 0);
	ck_assert_ptr_nonnull(strstr(d->message, "did you mean 'HAZ-001'"));
	graph_free(graph);
	model_free(model);
	diag_list_free(diags);
}
END_TEST

START_TEST(wrong_target_type_is_reported)
{
	Model *model = test_default_model();
	Graph *graph = graph_new(model);
	DiagList *diags = diag_list_new();

	test_add_record(graph, "h.md", hazard, diags);
	test_add_record(graph, "c.md", control, diags);
	test_add_record(graph, "t.md",
	                "id: TEST-001\ntype: test\ntitle: t\nlevel: unit\nresult: pass\n"
	                "verifies: [HAZ-001]\n",
	                diags);
	graph_resolve(graph, diags);
	ck_assert_uint_eq(test_count(diags, "link-target-type"), 1);
	graph_free(graph);
	model_free(model);
	diag_list_free(diags);
}
END_TEST

START_TEST(duplicate_ids_name_both_places)
{
	Model *model = test_default_model();
	Graph *graph = graph_new(model);
	DiagList *diags = diag_list_new();
	const Diag *d;

	test_add_record(graph, "b.md", hazard, diags);
	test_add_record(graph, "a.md", hazard, diags);
	graph_resolve(graph, diags);
	ck_assert_uint_eq(test_count(diags, "duplicate-id"), 1);
	d = g_ptr_array_index(diags->items, 0);
	ck_assert_str_eq(d->pos.file, "b.md");
	ck_assert_uint_eq(d->notes->len, 1);
	ck_assert_str_eq(((DiagNote *)g_ptr_array_index(d->notes, 0))->pos.file, "a.md");
	graph_free(graph);
	model_free(model);
	diag_list_free(diags);
}
END_TEST

START_TEST(cycle_is_printed_once)
{
	Model *model = test_default_model();
	Graph *graph = graph_new(model);
	DiagList *diags = diag_list_new();
	const Diag *d;

	test_add_record(graph, "1.md",
	                "id: SRS-001\ntype: software-requirement\ntitle: a\ncategory: safety\n"
	                "derives_from: [SRS-002]\n", diags);
	test_add_record(graph, "2.md",
	                "id: SRS-002\ntype: software-requirement\ntitle: b\ncategory: safety\n"
	                "derives_from: [SRS-003]\n", diags);
	test_add_record(graph, "3.md",
	                "id: SRS-003\ntype: software-requirement\ntitle: c\ncategory: safety\n"
	                "derives_from: [SRS-001]\n", diags);
	graph_resolve(graph, diags);
	graph_check_cycles(graph, diags);
	ck_assert_uint_eq(test_count(diags, "link-cycle"), 1);
	d = g_ptr_array_index(diags->items, 0);
	ck_assert_ptr_nonnull(strstr(d->message, "SRS-001 -derives_from-> SRS-002 -derives_from-> "
	                                         "SRS-003 -derives_from-> SRS-001"));
	graph_free(graph);
	model_free(model);
	diag_list_free(diags);
}
END_TEST

START_TEST(closure_follows_direction)
{
	Model *model = test_default_model();
	Graph *graph = graph_new(model);
	DiagList *diags = diag_list_new();
	Record *haz, *test;
	GPtrArray *down, *up;

	haz = test_add_record(graph, "h.md", hazard, diags);
	test_add_record(graph, "c.md", control, diags);
	test = test_add_record(graph, "t.md", test_pass, diags);
	graph_resolve(graph, diags);
	down = graph_closure(graph, haz, FALSE);
	up = graph_closure(graph, test, TRUE);
	ck_assert_uint_eq(down->len, 2);
	ck_assert_ptr_eq(g_ptr_array_index(down, 1), test);
	ck_assert_uint_eq(up->len, 2);
	ck_assert_ptr_eq(g_ptr_array_index(up, 1), haz);
	g_ptr_array_free(down, TRUE);
	g_ptr_array_free(up, TRUE);
	graph_free(graph);
	model_free(model);
	diag_list_free(diags);
}
END_TEST

START_TEST(rules_count_passing_tests)
{
	Model *model = test_default_model();
	Graph *graph = graph_new(model);
	DiagList *diags = diag_list_new();

	test_add_record(graph, "h.md", hazard, diags);
	test_add_record(graph, "c.md", control, diags);
	test_add_record(graph, "t.md",
	                "id: TEST-001\ntype: test\ntitle: t\nlevel: unit\nresult: fail\n"
	                "verifies: [RC-001]\n", diags);
	graph_resolve(graph, diags);
	check_rules(graph, diags);
	ck_assert_uint_eq(test_count(diags, "control-not-verified"), 1);
	graph_free(graph);
	model_free(model);
	diag_list_free(diags);
}
END_TEST

START_TEST(field_kinds_are_checked)
{
	char *reason;

	ck_assert_ptr_null(check_value_kind(FIELD_INTEGER, "10"));
	reason = check_value_kind(FIELD_INTEGER, "010");
	ck_assert_ptr_nonnull(reason);
	g_free(reason);
	ck_assert_ptr_null(check_value_kind(FIELD_DECIMAL, "1.10"));
	reason = check_value_kind(FIELD_DECIMAL, "1,5");
	ck_assert_ptr_nonnull(reason);
	g_free(reason);
	ck_assert_ptr_null(check_value_kind(FIELD_DATE, "2024-02-29"));
	reason = check_value_kind(FIELD_DATE, "2023-02-29");
	ck_assert_ptr_nonnull(reason);
	g_free(reason);
	ck_assert_ptr_null(check_value_kind(FIELD_BOOLEAN, "yes"));
}
END_TEST

Suite *
graph_suite(void)
{
	Suite *s = suite_create("graph");
	TCase *tc = tcase_create("resolve");
	TCase *rules = tcase_create("checks");

	tcase_add_test(tc, links_resolve_both_ways);
	tcase_add_test(tc, dangling_link_names_its_position);
	tcase_add_test(tc, dangling_link_suggests_case);
	tcase_add_test(tc, wrong_target_type_is_reported);
	tcase_add_test(tc, duplicate_ids_name_both_places);
	tcase_add_test(tc, cycle_is_printed_once);
	tcase_add_test(tc, closure_follows_direction);
	tcase_add_test(rules, rules_count_passing_tests);
	tcase_add_test(rules, field_kinds_are_checked);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, rules);
	return s;
}
