#include "suites.h"

#include "frontmatter.h"
#include "yamlnode.h"

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

static const Diag *
first_diag(const DiagList *diags, DiagCode code)
{
	for (guint i = 0; i < diags->items->len; i++) {
		const Diag *d = g_ptr_array_index(diags->items, i);

		if (d->code == code)
			return d;
	}
	return NULL;
}

START_TEST(split_finds_yaml_and_body)
{
	const char *text = "---\nid: A-1\n---\nbody\n---\nmore\n";
	DiagList *diags = diag_list_new();
	SourceText src;
	FrontmatterSplit split;

	source_clean("t.md", text, strlen(text), diags, &src);
	ck_assert(frontmatter_split(&src, diags, &split));
	ck_assert(split.has_frontmatter);
	ck_assert_int_eq(split.yaml_line, 2);
	ck_assert_int_eq(split.body_line, 4);
	ck_assert_str_eq(src.text + split.body_start, "body\n---\nmore\n");
	ck_assert_uint_eq(diags->items->len, 0);
	source_clear(&src);
	diag_list_free(diags);
}
END_TEST

START_TEST(split_reports_unterminated)
{
	const char *text = "---\nid: A-1\nbody\n";
	DiagList *diags = diag_list_new();
	SourceText src;
	FrontmatterSplit split;

	source_clean("t.md", text, strlen(text), diags, &src);
	ck_assert(!frontmatter_split(&src, diags, &split));
	ck_assert_uint_eq(count_code(diags, DIAG_UNTERMINATED_FRONTMATTER), 1);
	source_clear(&src);
	diag_list_free(diags);
}
END_TEST

START_TEST(split_without_frontmatter)
{
	const char *text = "# Title\n\ntext\n";
	DiagList *diags = diag_list_new();
	SourceText src;
	FrontmatterSplit split;

	source_clean("t.md", text, strlen(text), diags, &src);
	ck_assert(frontmatter_split(&src, diags, &split));
	ck_assert(!split.has_frontmatter);
	source_clear(&src);
	diag_list_free(diags);
}
END_TEST

START_TEST(clean_removes_bom_and_crlf)
{
	const char *text = "\xEF\xBB\xBF---\r\nid: A\r\n---\r\n";
	DiagList *diags = diag_list_new();
	SourceText src;

	source_clean("t.md", text, strlen(text), diags, &src);
	ck_assert_str_eq(src.text, "---\nid: A\n---\n");
	ck_assert_uint_eq(count_code(diags, DIAG_BYTE_ORDER_MARK), 1);
	ck_assert_uint_eq(count_code(diags, DIAG_MIXED_LINE_ENDINGS), 0);
	source_clear(&src);
	diag_list_free(diags);
}
END_TEST

START_TEST(clean_reports_mixed_endings)
{
	const char *text = "a\r\nb\nc\r\n";
	DiagList *diags = diag_list_new();
	SourceText src;
	const Diag *d;

	source_clean("t.md", text, strlen(text), diags, &src);
	d = first_diag(diags, DIAG_MIXED_LINE_ENDINGS);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->pos.line, 2);
	source_clear(&src);
	diag_list_free(diags);
}
END_TEST

START_TEST(clean_places_invalid_utf8)
{
	/* The bad byte is on line 3, after "é" and "x": column 3 counts
	 * characters, not bytes. */
	const char *text = "---\nid: A\n\xC3\xA9x\xFFy\n";
	DiagList *diags = diag_list_new();
	SourceText src;
	const Diag *d;

	source_clean("t.md", text, strlen(text), diags, &src);
	d = first_diag(diags, DIAG_INVALID_UTF8);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->pos.line, 3);
	ck_assert_int_eq(d->pos.col, 3);
	ck_assert(g_utf8_validate(src.text, -1, NULL));
	ck_assert_ptr_nonnull(strstr(src.text, "x\xEF\xBF\xBDy"));
	source_clear(&src);
	diag_list_free(diags);
}
END_TEST

START_TEST(clean_replaces_control_characters)
{
	const char *text = "a\x01" "b\tc\n";
	DiagList *diags = diag_list_new();
	SourceText src;

	source_clean("t.md", text, strlen(text), diags, &src);
	ck_assert_str_eq(src.text, "a\xEF\xBF\xBD" "b\tc\n");
	ck_assert_uint_eq(count_code(diags, DIAG_CONTROL_CHARACTER), 1);
	source_clear(&src);
	diag_list_free(diags);
}
END_TEST

START_TEST(yaml_keeps_numbers_as_text)
{
	const char *text = "version: 1.10\ncode: 010\nflag: no\n";
	DiagList *diags = diag_list_new();
	YamlDoc *doc = yaml_doc_parse(text, strlen(text), "t.yaml", 1, NULL, diags);

	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(yaml_scalar(yaml_map_get(doc->root, "version")), "1.10");
	ck_assert_str_eq(yaml_scalar(yaml_map_get(doc->root, "code")), "010");
	ck_assert_str_eq(yaml_scalar(yaml_map_get(doc->root, "flag")), "no");
	yaml_doc_free(doc);
	diag_list_free(diags);
}
END_TEST

START_TEST(yaml_positions_are_file_lines)
{
	const char *text = "a: 1\nbb:\n  - x\n";
	DiagList *diags = diag_list_new();
	YamlDoc *doc = yaml_doc_parse(text, strlen(text), "t.md", 5, NULL, diags);
	const YamlNode *list = yaml_map_get(doc->root, "bb");
	const YamlNode *item = g_ptr_array_index(list->children, 0);

	ck_assert_int_eq(item->pos.line, 7);
	ck_assert_int_eq(item->pos.col, 5);
	yaml_doc_free(doc);
	diag_list_free(diags);
}
END_TEST

START_TEST(yaml_reports_duplicate_key)
{
	const char *text = "id: A\nid: B\n";
	DiagList *diags = diag_list_new();
	YamlDoc *doc = yaml_doc_parse(text, strlen(text), "t.md", 1, NULL, diags);
	const Diag *d = first_diag(diags, DIAG_DUPLICATE_KEY);

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->pos.line, 2);
	ck_assert_uint_eq(d->notes->len, 1);
	ck_assert_str_eq(yaml_scalar(yaml_map_get(doc->root, "id")), "A");
	yaml_doc_free(doc);
	diag_list_free(diags);
}
END_TEST

START_TEST(yaml_rejects_alias_bomb)
{
	GString *text = g_string_new("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
	DiagList *diags = diag_list_new();
	YamlDoc *doc;

	for (char c = 'b'; c <= 'j'; c++)
		g_string_append_printf(text, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", c, c,
		                       c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
	doc = yaml_doc_parse(text->str, text->len, "t.md", 1, NULL, diags);
	ck_assert_ptr_null(doc);
	ck_assert_uint_eq(count_code(diags, DIAG_YAML_LIMIT), 1);
	g_string_free(text, TRUE);
	diag_list_free(diags);
}
END_TEST

START_TEST(yaml_rejects_deep_nesting)
{
	GString *text = g_string_new("a: ");
	DiagList *diags = diag_list_new();

	for (int i = 0; i < 1000; i++)
		g_string_append_c(text, '[');
	ck_assert_ptr_null(yaml_doc_parse(text->str, text->len, "t.md", 1, NULL, diags));
	ck_assert_uint_eq(count_code(diags, DIAG_YAML_LIMIT), 1);
	g_string_free(text, TRUE);
	diag_list_free(diags);
}
END_TEST

START_TEST(yaml_names_tab_indentation)
{
	const char *text = "id: A\nlinks:\n\t- B\n";
	DiagList *diags = diag_list_new();
	const Diag *d;

	ck_assert_ptr_null(yaml_doc_parse(text, strlen(text), "t.md", 2, NULL, diags));
	d = first_diag(diags, DIAG_TAB_INDENT);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->pos.line, 4);
	ck_assert_int_eq(d->pos.col, 1);
	diag_list_free(diags);
}
END_TEST

START_TEST(yaml_rejects_recursive_alias)
{
	const char *text = "a: &x [1, *x]\n";
	DiagList *diags = diag_list_new();

	ck_assert_ptr_null(yaml_doc_parse(text, strlen(text), "t.md", 1, NULL, diags));
	ck_assert_uint_eq(count_code(diags, DIAG_YAML_SYNTAX), 1);
	diag_list_free(diags);
}
END_TEST

Suite *
frontmatter_suite(void)
{
	Suite *s = suite_create("frontmatter");
	TCase *split = tcase_create("split");
	TCase *clean = tcase_create("clean");
	TCase *yaml = tcase_create("yaml");

	tcase_add_test(split, split_finds_yaml_and_body);
	tcase_add_test(split, split_reports_unterminated);
	tcase_add_test(split, split_without_frontmatter);
	tcase_add_test(clean, clean_removes_bom_and_crlf);
	tcase_add_test(clean, clean_reports_mixed_endings);
	tcase_add_test(clean, clean_places_invalid_utf8);
	tcase_add_test(clean, clean_replaces_control_characters);
	tcase_add_test(yaml, yaml_keeps_numbers_as_text);
	tcase_add_test(yaml, yaml_positions_are_file_lines);
	tcase_add_test(yaml, yaml_reports_duplicate_key);
	tcase_add_test(yaml, yaml_rejects_alias_bomb);
	tcase_add_test(yaml, yaml_rejects_deep_nesting);
	tcase_add_test(yaml, yaml_names_tab_indentation);
	tcase_add_test(yaml, yaml_rejects_recursive_alias);
	suite_add_tcase(s, split);
	suite_add_tcase(s, clean);
	suite_add_tcase(s, yaml);
	return s;
}
