#include "suites.h"

#include "model.h"

#include <glib/gstdio.h>
#include <unistd.h>
#include <string.h>

static guint
count_code(const DiagList *diags, DiagCode code)
{
	guint n = 0;

	for (guint i = 0; i < diags->items->len; i++)
		if (((const Diag *)g_ptr_array_index(diags->items, i))->code == code)
			n++;
	return n;
}

static Model *
load_text(const char *text, DiagList *diags)
{
	char *path = NULL;
	int fd = g_file_open_tmp("model-XXXXXX.yaml", &path, NULL);
	Model *model;

	ck_assert_int_ge(fd, 0);
	ck_assert(g_file_set_contents(path, text, -1, NULL));
	close(fd);
	model = model_load(path, diags);
	g_unlink(path);
	g_free(path);
	return model;
}

START_TEST(default_model_loads_cleanly)
{
	char *path = test_srcdir_path("models/medical-device.yaml");
	DiagList *diags = diag_list_new();
	Model *model = model_load(path, diags);
	const RecordType *hazard, *control;
	const FieldDef *mitigates;

	ck_assert_ptr_nonnull(model);
	ck_assert_uint_eq(diags->items->len, 0);
	ck_assert_uint_eq(model->types->len, 19);
	hazard = model_type(model, "hazard");
	ck_assert_ptr_nonnull(hazard);
	ck_assert_str_eq(hazard->prefix, "HAZ");
	control = model_type(model, "risk-control");
	mitigates = record_type_field(control, "mitigates");
	ck_assert_int_eq(mitigates->kind, FIELD_LINK);
	ck_assert(mitigates->required);
	ck_assert_str_eq(g_ptr_array_index(mitigates->targets, 0), "hazard");
	ck_assert_uint_gt(model->rules->len, 5);
	model_free(model);
	diag_list_free(diags);
	g_free(path);
}
END_TEST

START_TEST(user_model_names_its_own_types)
{
	const char *text = "types:\n"
	                   "  story:\n"
	                   "    prefix: ST\n"
	                   "    fields:\n"
	                   "      points: {kind: integer, required: true}\n"
	                   "  check:\n"
	                   "    prefix: CK\n"
	                   "    fields:\n"
	                   "      covers: {kind: link, many: true, targets: [story]}\n"
	                   "rules:\n"
	                   "  - code: story-unchecked\n"
	                   "    type: story\n"
	                   "    require: {incoming: covers}\n"
	                   "    message: story has no check\n";
	DiagList *diags = diag_list_new();
	Model *model = load_text(text, diags);

	ck_assert_ptr_nonnull(model);
	ck_assert_uint_eq(diags->items->len, 0);
	ck_assert_uint_eq(model->types->len, 2);
	ck_assert_ptr_nonnull(model_type(model, "story"));
	ck_assert_ptr_null(model_type(model, "hazard"));
	ck_assert_uint_eq(model->rules->len, 1);
	ck_assert_str_eq(((const Rule *)g_ptr_array_index(model->rules, 0))->code,
	                 "story-unchecked");
	model_free(model);
	diag_list_free(diags);
}
END_TEST

START_TEST(bad_definitions_are_reported)
{
	const char *text = "types:\n"
	                   "  a:\n"
	                   "    prefix: X\n"
	                   "    fields:\n"
	                   "      f: {kind: colour}\n"
	                   "      g: {kind: link, targets: [nowhere]}\n"
	                   "  b:\n"
	                   "    prefix: X\n"
	                   "rules:\n"
	                   "  - code: Bad Code\n"
	                   "    type: a\n"
	                   "    message: m\n"
	                   "    require: {outgoing: g}\n";
	DiagList *diags = diag_list_new();
	Model *model = load_text(text, diags);

	ck_assert_ptr_nonnull(model);
	/* Unknown kind, unknown target type, shared prefix, bad rule code. */
	ck_assert_uint_eq(count_code(diags, DIAG_MODEL_INVALID), 4);
	ck_assert_ptr_null(record_type_field(model_type(model, "a"), "f"));
	ck_assert_uint_eq(model->rules->len, 0);
	model_free(model);
	diag_list_free(diags);
}
END_TEST

START_TEST(model_without_types_is_unusable)
{
	DiagList *diags = diag_list_new();

	ck_assert_ptr_null(load_text("name: empty\n", diags));
	ck_assert_uint_eq(count_code(diags, DIAG_MODEL_INVALID), 1);
	diag_list_free(diags);
}
END_TEST

START_TEST(prefix_lookup_prefers_longest)
{
	Model *model = model_new("t");

	model_add_type(model, "harm", "HARM");
	model_add_type(model, "ha", "HA");
	ck_assert_str_eq(model_type_for_id(model, "HARM-001")->name, "harm");
	ck_assert_str_eq(model_type_for_id(model, "HA-001")->name, "ha");
	ck_assert_ptr_null(model_type_for_id(model, "HAX-001"));
	model_free(model);
}
END_TEST

Suite *
model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, default_model_loads_cleanly);
	tcase_add_test(tc, user_model_names_its_own_types);
	tcase_add_test(tc, bad_definitions_are_reported);
	tcase_add_test(tc, model_without_types_is_unusable);
	tcase_add_test(tc, prefix_lookup_prefers_longest);
	suite_add_tcase(s, tc);
	return s;
}
