#include "diag.h"

#include <json-glib/json-glib.h>
#include <string.h>

static const struct {
	const char *name;
	DiagLevel level;
	const char *summary;
} catalogue[DIAG_CODE_COUNT] = {
#define DIAG_CODE(sym, name, level, summary) {name, level, summary},
#include "diag-codes.def"
#undef DIAG_CODE
};

static const char *const level_names[] = {"note", "warning", "error"};

const char *
diag_code_name(DiagCode code)
{
	return catalogue[code].name;
}

const char *
diag_code_summary(DiagCode code)
{
	return catalogue[code].summary;
}

DiagLevel
diag_code_level(DiagCode code)
{
	return catalogue[code].level;
}

const char *
diag_level_name(DiagLevel level)
{
	return level_names[level];
}

SrcPos
src_pos(const char *file, int line, int col)
{
	SrcPos pos = {file ? g_intern_string(file) : NULL, line, col};
	return pos;
}

static void
diag_free(gpointer data)
{
	Diag *diag = data;

	if (diag->notes != NULL)
		g_ptr_array_free(diag->notes, TRUE);
	g_free(diag->message);
	g_free(diag);
}

static void
note_free(gpointer data)
{
	DiagNote *note = data;

	g_free(note->message);
	g_free(note);
}

DiagList *
diag_list_new(void)
{
	DiagList *list = g_new0(DiagList, 1);

	list->items = g_ptr_array_new_with_free_func(diag_free);
	return list;
}

void
diag_list_free(DiagList *list)
{
	if (list == NULL)
		return;
	g_ptr_array_free(list->items, TRUE);
	g_free(list);
}

static Diag *diag_append(DiagList *list, DiagCode code, DiagLevel level, const char *code_name,
                         SrcPos pos, const char *fmt, va_list ap) G_GNUC_PRINTF(6, 0);

static Diag *
diag_append(DiagList *list, DiagCode code, DiagLevel level, const char *code_name,
            SrcPos pos, const char *fmt, va_list ap)
{
	Diag *diag = g_new0(Diag, 1);

	diag->code = code;
	diag->level = level;
	diag->code_name = g_intern_string(code_name);
	diag->pos = pos;
	{
		/* File names and values inside messages may hold any bytes;
		 * every printer needs valid UTF-8. */
		char *raw = g_strdup_vprintf(fmt, ap);

		diag->message = g_utf8_make_valid(raw, -1);
		g_free(raw);
	}
	g_ptr_array_add(list->items, diag);
	list->counts[level]++;
	return diag;
}

Diag *
diag_add(DiagList *list, DiagCode code, SrcPos pos, const char *fmt, ...)
{
	va_list ap;
	Diag *diag;

	va_start(ap, fmt);
	diag = diag_append(list, code, catalogue[code].level, catalogue[code].name,
	                   pos, fmt, ap);
	va_end(ap);
	return diag;
}

Diag *
diag_add_custom(DiagList *list, DiagCode code, DiagLevel level,
                const char *code_name, SrcPos pos, const char *fmt, ...)
{
	va_list ap;
	Diag *diag;

	va_start(ap, fmt);
	diag = diag_append(list, code, level, code_name, pos, fmt, ap);
	va_end(ap);
	return diag;
}

void
diag_note(Diag *diag, SrcPos pos, const char *fmt, ...)
{
	va_list ap;
	DiagNote *note = g_new0(DiagNote, 1);

	va_start(ap, fmt);
	note->pos = pos;
	{
		char *raw = g_strdup_vprintf(fmt, ap);

		note->message = g_utf8_make_valid(raw, -1);
		g_free(raw);
	}
	va_end(ap);
	if (diag->notes == NULL)
		diag->notes = g_ptr_array_new_with_free_func(note_free);
	g_ptr_array_add(diag->notes, note);
}

static int
compare_diags(gconstpointer a, gconstpointer b)
{
	const Diag *x = *(const Diag *const *)a;
	const Diag *y = *(const Diag *const *)b;
	int c;

	/* Project-wide diagnostics (no file) come first. */
	if (x->pos.file != y->pos.file) {
		if (x->pos.file == NULL)
			return -1;
		if (y->pos.file == NULL)
			return 1;
		c = strcmp(x->pos.file, y->pos.file);
		if (c != 0)
			return c;
	}
	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.col != y->pos.col)
		return x->pos.col < y->pos.col ? -1 : 1;
	c = strcmp(x->code_name, y->code_name);
	if (c != 0)
		return c;
	return strcmp(x->message, y->message);
}

void
diag_list_sort(DiagList *list)
{
	/* g_ptr_array_sort is a stable merge sort in GLib 2.74, so identical
	 * keys keep insertion order. */
	g_ptr_array_sort(list->items, compare_diags);
}

void
diag_list_move(DiagList *dst, DiagList *src)
{
	for (guint i = 0; i < src->items->len; i++)
		g_ptr_array_add(dst->items, g_ptr_array_index(src->items, i));
	for (int l = 0; l < 3; l++) {
		dst->counts[l] += src->counts[l];
		src->counts[l] = 0;
	}
	g_ptr_array_set_free_func(src->items, NULL);
	g_ptr_array_set_size(src->items, 0);
	g_ptr_array_set_free_func(src->items, diag_free);
}

static void
print_pos(GString *s, SrcPos pos)
{
	if (pos.file == NULL) {
		g_string_append(s, "dossier: ");
		return;
	}
	/* A file name may hold any byte; control characters would move the
	 * terminal's cursor or split the line, so they print as '?'. */
	for (const char *p = pos.file; *p; p++)
		g_string_append_c(s, (unsigned char)*p < 0x20 || *p == 0x7F ? '?' : *p);
	if (pos.line > 0) {
		g_string_append_printf(s, ":%d", pos.line);
		if (pos.col > 0)
			g_string_append_printf(s, ":%d", pos.col);
	}
	g_string_append(s, ": ");
}

void
diag_print_text(const DiagList *list, FILE *out, gboolean colour)
{
	static const char *const colours[] = {"\033[1;36m", "\033[1;35m", "\033[1;31m"};
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < list->items->len; i++) {
		const Diag *d = g_ptr_array_index(list->items, i);

		g_string_truncate(s, 0);
		print_pos(s, d->pos);
		if (colour)
			g_string_append_printf(s, "%s%s:\033[0m %s [%s]\n", colours[d->level],
			                       level_names[d->level], d->message, d->code_name);
		else
			g_string_append_printf(s, "%s: %s [%s]\n", level_names[d->level],
			                       d->message, d->code_name);
		for (guint n = 0; d->notes != NULL && n < d->notes->len; n++) {
			const DiagNote *note = g_ptr_array_index(d->notes, n);

			print_pos(s, note->pos);
			g_string_append_printf(s, "%snote:%s %s\n", colour ? colours[0] : "",
			                       colour ? "\033[0m" : "", note->message);
		}
		fputs(s->str, out);
	}
	g_string_free(s, TRUE);
}

/* Returns a file name as valid UTF-8 for JSON, whatever bytes the file
 * system used. */
static char *
display_name(const char *file)
{
	return g_filename_display_name(file);
}

static void
json_add_pos(JsonBuilder *b, SrcPos pos)
{
	json_builder_set_member_name(b, "file");
	if (pos.file != NULL) {
		char *name = display_name(pos.file);

		json_builder_add_string_value(b, name);
		g_free(name);
	} else
		json_builder_add_null_value(b);
	json_builder_set_member_name(b, "line");
	json_builder_add_int_value(b, pos.line);
	json_builder_set_member_name(b, "column");
	json_builder_add_int_value(b, pos.col);
}

static char *
builder_to_string(JsonBuilder *b)
{
	JsonGenerator *gen = json_generator_new();
	JsonNode *root = json_builder_get_root(b);
	char *text;

	json_generator_set_pretty(gen, TRUE);
	json_generator_set_indent(gen, 2);
	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, NULL);
	json_node_unref(root);
	g_object_unref(gen);
	return text;
}

char *
diag_to_json(const DiagList *list, const char *summary_path, guint record_count,
             const char *fatal)
{
	JsonBuilder *b = json_builder_new();
	char *text, *project = display_name(summary_path);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "project");
	json_builder_add_string_value(b, project);
	g_free(project);
	json_builder_set_member_name(b, "error");
	if (fatal != NULL)
		json_builder_add_string_value(b, fatal);
	else
		json_builder_add_null_value(b);
	json_builder_set_member_name(b, "records");
	json_builder_add_int_value(b, record_count);
	for (int l = DIAG_ERROR; l >= DIAG_NOTE; l--) {
		char *name = g_strconcat(level_names[l], "s", NULL);

		json_builder_set_member_name(b, name);
		json_builder_add_int_value(b, list->counts[l]);
		g_free(name);
	}
	json_builder_set_member_name(b, "diagnostics");
	json_builder_begin_array(b);
	for (guint i = 0; i < list->items->len; i++) {
		const Diag *d = g_ptr_array_index(list->items, i);

		json_builder_begin_object(b);
		json_add_pos(b, d->pos);
		json_builder_set_member_name(b, "level");
		json_builder_add_string_value(b, level_names[d->level]);
		json_builder_set_member_name(b, "code");
		json_builder_add_string_value(b, d->code_name);
		json_builder_set_member_name(b, "message");
		json_builder_add_string_value(b, d->message);
		json_builder_set_member_name(b, "notes");
		json_builder_begin_array(b);
		for (guint n = 0; d->notes != NULL && n < d->notes->len; n++) {
			const DiagNote *note = g_ptr_array_index(d->notes, n);

			json_builder_begin_object(b);
			json_add_pos(b, note->pos);
			json_builder_set_member_name(b, "message");
			json_builder_add_string_value(b, note->message);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	text = builder_to_string(b);
	g_object_unref(b);
	return text;
}

static void
sarif_add_location(JsonBuilder *b, SrcPos pos, const char *message)
{
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "physicalLocation");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "artifactLocation");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "uri");
	{
		/* A relative URI reference: spaces and non-ASCII bytes are
		 * percent-encoded, path separators kept. */
		char *uri = g_uri_escape_bytes((const guint8 *)pos.file, strlen(pos.file), "/");

		json_builder_add_string_value(b, uri);
		g_free(uri);
	}
	json_builder_end_object(b);
	if (pos.line > 0) {
		json_builder_set_member_name(b, "region");
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "startLine");
		json_builder_add_int_value(b, pos.line);
		if (pos.col > 0) {
			json_builder_set_member_name(b, "startColumn");
			json_builder_add_int_value(b, pos.col);
		}
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
	if (message != NULL) {
		json_builder_set_member_name(b, "message");
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "text");
		json_builder_add_string_value(b, message);
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
}

static const char *
sarif_level(DiagLevel level)
{
	if (level == DIAG_ERROR)
		return "error";
	if (level == DIAG_WARNING)
		return "warning";
	return "note";
}

char *
diag_to_sarif(const DiagList *list, const char *tool_version, const char *fatal)
{
	JsonBuilder *b = json_builder_new();
	GPtrArray *custom = g_ptr_array_new();
	GHashTable *rule_index = g_hash_table_new(g_str_hash, g_str_equal);
	char *text;

	/* Rules: the whole catalogue, then the model's coverage rule codes in
	 * order of first use, so a ruleIndex never depends on hash order. */
	for (int c = 0; c < DIAG_CODE_COUNT; c++)
		g_hash_table_insert(rule_index, (gpointer)catalogue[c].name, GINT_TO_POINTER(c));
	for (guint i = 0; i < list->items->len; i++) {
		const Diag *d = g_ptr_array_index(list->items, i);

		if (!g_hash_table_contains(rule_index, d->code_name)) {
			g_hash_table_insert(rule_index, (gpointer)d->code_name,
			                    GINT_TO_POINTER(DIAG_CODE_COUNT + custom->len));
			g_ptr_array_add(custom, (gpointer)d);
		}
	}

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "$schema");
	json_builder_add_string_value(b, "https://json.schemastore.org/sarif-2.1.0.json");
	json_builder_set_member_name(b, "version");
	json_builder_add_string_value(b, "2.1.0");
	json_builder_set_member_name(b, "runs");
	json_builder_begin_array(b);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "tool");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "driver");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, "dossier");
	json_builder_set_member_name(b, "version");
	json_builder_add_string_value(b, tool_version);
	json_builder_set_member_name(b, "rules");
	json_builder_begin_array(b);
	for (guint r = 0; r < DIAG_CODE_COUNT + custom->len; r++) {
		const char *id, *summary;
		DiagLevel level;

		if (r < DIAG_CODE_COUNT) {
			id = catalogue[r].name;
			summary = catalogue[r].summary;
			level = catalogue[r].level;
		} else {
			const Diag *d = g_ptr_array_index(custom, r - DIAG_CODE_COUNT);

			id = d->code_name;
			summary = d->summary ? d->summary : catalogue[d->code].summary;
			level = d->level;
		}
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "id");
		json_builder_add_string_value(b, id);
		json_builder_set_member_name(b, "shortDescription");
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "text");
		json_builder_add_string_value(b, summary);
		json_builder_end_object(b);
		json_builder_set_member_name(b, "defaultConfiguration");
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "level");
		json_builder_add_string_value(b, sarif_level(level));
		json_builder_end_object(b);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	json_builder_end_object(b);

	json_builder_set_member_name(b, "invocations");
	json_builder_begin_array(b);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "executionSuccessful");
	json_builder_add_boolean_value(b, fatal == NULL);
	if (fatal != NULL) {
		json_builder_set_member_name(b, "toolExecutionNotifications");
		json_builder_begin_array(b);
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "level");
		json_builder_add_string_value(b, "error");
		json_builder_set_member_name(b, "message");
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "text");
		json_builder_add_string_value(b, fatal);
		json_builder_end_object(b);
		json_builder_end_object(b);
		json_builder_end_array(b);
	}
	json_builder_end_object(b);
	json_builder_end_array(b);

	json_builder_set_member_name(b, "results");
	json_builder_begin_array(b);
	for (guint i = 0; i < list->items->len; i++) {
		const Diag *d = g_ptr_array_index(list->items, i);

		json_builder_begin_object(b);
		json_builder_set_member_name(b, "ruleId");
		json_builder_add_string_value(b, d->code_name);
		json_builder_set_member_name(b, "ruleIndex");
		json_builder_add_int_value(b, GPOINTER_TO_INT(g_hash_table_lookup(rule_index, d->code_name)));
		json_builder_set_member_name(b, "level");
		json_builder_add_string_value(b, sarif_level(d->level));
		json_builder_set_member_name(b, "message");
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "text");
		json_builder_add_string_value(b, d->message);
		json_builder_end_object(b);
		if (d->pos.file != NULL) {
			json_builder_set_member_name(b, "locations");
			json_builder_begin_array(b);
			sarif_add_location(b, d->pos, NULL);
			json_builder_end_array(b);
		}
		if (d->notes != NULL) {
			json_builder_set_member_name(b, "relatedLocations");
			json_builder_begin_array(b);
			for (guint n = 0; n < d->notes->len; n++) {
				const DiagNote *note = g_ptr_array_index(d->notes, n);

				if (note->pos.file != NULL)
					sarif_add_location(b, note->pos, note->message);
			}
			json_builder_end_array(b);
		}
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	json_builder_end_array(b);
	json_builder_end_object(b);

	text = builder_to_string(b);
	g_object_unref(b);
	g_ptr_array_free(custom, TRUE);
	g_hash_table_destroy(rule_index);
	return text;
}
