#include "record.h"

#include <string.h>

static void
link_free(gpointer data)
{
	Link *link = data;

	g_free(link->target);
	g_free(link);
}

void
record_free(Record *record)
{
	if (record == NULL)
		return;
	g_free(record->id);
	g_free(record->type_name);
	g_free(record->title);
	g_free(record->body);
	yaml_doc_free(record->doc);
	g_ptr_array_free(record->fields, TRUE);
	g_ptr_array_free(record->links, TRUE);
	g_ptr_array_free(record->incoming, TRUE);
	g_ptr_array_free(record->refs, TRUE);
	g_ptr_array_free(record->computed, TRUE);
	g_free(record);
}

Link *
record_add_link(Record *record, const char *role, const char *target, SrcPos pos)
{
	Link *link = g_new0(Link, 1);

	link->role = g_intern_string(role);
	link->target = g_strdup(target);
	link->pos = pos;
	link->from = record;
	g_ptr_array_add(record->links, link);
	return link;
}

/* Reads one link target. Whitespace around an ID is a typing slip that
 * would make the link dangle; it is reported and removed. */
static void
add_link_value(Record *record, const char *role, const YamlNode *node, DiagList *diags)
{
	const char *text = yaml_scalar(node);
	char *trimmed;

	if (text == NULL) {
		diag_add(diags, DIAG_BAD_VALUE, node->pos,
		         "link '%s' must name a record ID, not %s; the entry is ignored", role,
		         yaml_node_kind_name(node));
		return;
	}
	trimmed = g_strstrip(g_strdup(text));
	if (trimmed[0] == '\0') {
		diag_add(diags, DIAG_BAD_VALUE, node->pos, "link '%s' has an empty ID; it is ignored",
		         role);
	} else {
		if (strcmp(trimmed, text) != 0)
			diag_add(diags, DIAG_ID_WHITESPACE, node->pos,
			         "link '%s' has space around the ID '%s'; it is read as '%s'", role, text,
			         trimmed);
		record_add_link(record, role, trimmed, node->pos);
	}
	g_free(trimmed);
}

static void
collect_links(Record *record, DiagList *diags)
{
	for (guint i = 0; i < record->fields->len; i++) {
		const Field *field = g_ptr_array_index(record->fields, i);
		const FieldDef *def = record_type_field(record->type, field->name);

		if (def == NULL || def->kind != FIELD_LINK || yaml_node_is_null(field->value))
			continue;
		if (field->value->kind == YAML_NODE_SEQUENCE) {
			if (!def->many && field->value->children->len > 1)
				diag_add(diags, DIAG_BAD_VALUE, field->value->pos,
				         "link '%s' takes one ID, not a list of %u; all are kept",
				         field->name, field->value->children->len);
			for (guint j = 0; j < field->value->children->len; j++)
				add_link_value(record, def->name,
				               g_ptr_array_index(field->value->children, j), diags);
		} else {
			add_link_value(record, def->name, field->value, diags);
		}
	}
}

static char *
read_builtin(const YamlNode *map, const char *key, const char *file, SrcPos file_pos,
             DiagList *diags, SrcPos *pos)
{
	const YamlNode *node = yaml_map_get(map, key);
	const char *text = yaml_scalar(node);

	*pos = node ? node->pos : file_pos;
	if (text == NULL || text[strspn(text, " \t\n")] == '\0') {
		diag_add(diags, DIAG_MISSING_FIELD, node ? node->pos : file_pos,
		         node ? "field '%s' must be a non-empty text, not %s"
		              : "required field '%s' is missing%s",
		         key, node ? yaml_node_kind_name(node) : "");
		return NULL;
	}
	return g_strdup(text);
}

Record *
record_alloc(const char *file, YamlDoc *doc, char *body, int body_line)
{
	Record *record = g_new0(Record, 1);

	record->doc = doc;
	record->file = g_intern_string(file);
	record->pos = src_pos(file, 1, 1);
	record->body = body;
	record->body_line = body_line;
	record->fields = g_ptr_array_new_with_free_func(g_free);
	record->links = g_ptr_array_new_with_free_func(link_free);
	record->incoming = g_ptr_array_new();
	record->refs = g_ptr_array_new_with_free_func(link_free);
	record->computed = g_ptr_array_new_with_free_func(g_free);
	return record;
}

void
record_add_fields(Record *record, const YamlNode *map, DiagList *diags)
{
	for (guint i = 0; i < yaml_map_size(map); i++) {
		const YamlNode *key = yaml_map_key(map, i);
		Field *field;

		if (yaml_scalar(key) == NULL) {
			diag_add(diags, DIAG_BAD_VALUE, key->pos,
			         "a field name must be a text, not %s; the field is ignored",
			         yaml_node_kind_name(key));
			continue;
		}
		field = g_new0(Field, 1);
		field->name = key->text;
		field->value = yaml_map_value(map, i);
		field->pos = key->pos;
		g_ptr_array_add(record->fields, field);
	}
}

Record *
record_new(YamlDoc *doc, const YamlNode *map, const char *file, SrcPos file_pos, char *body,
           int body_line, const Model *model, DiagList *diags)
{
	Record *record = record_alloc(file, doc, body, body_line);
	SrcPos title_pos;
	char *trimmed;

	record_add_fields(record, map, diags);
	record->id = read_builtin(map, "id", file, file_pos, diags, &record->pos);
	if (record->id == NULL) {
		record_free(record);
		return NULL;
	}
	trimmed = g_strstrip(g_strdup(record->id));
	if (strcmp(trimmed, record->id) != 0) {
		diag_add(diags, DIAG_ID_WHITESPACE, record->pos,
		         "ID '%s' has surrounding space; it is read as '%s'", record->id, trimmed);
		g_free(record->id);
		record->id = trimmed;
	} else {
		g_free(trimmed);
	}
	for (const char *p = record->id; *p; p++) {
		if (g_ascii_isspace(*p)) {
			diag_add(diags, DIAG_ID_WHITESPACE, record->pos,
			         "ID '%s' contains whitespace; links to it cannot be written reliably",
			         record->id);
			break;
		}
	}

	record->type_name = read_builtin(map, "type", file, file_pos, diags, &record->type_pos);
	record->title = read_builtin(map, "title", file, file_pos, diags, &title_pos);
	if (record->type_name != NULL) {
		record->type = model_type(model, record->type_name);
		if (record->type == NULL) {
			const RecordType *guess = model_type_for_id(model, record->id);

			if (guess != NULL)
				diag_add(diags, DIAG_UNKNOWN_TYPE, record->type_pos,
				         "unknown record type '%s'; did you mean '%s'? Fields and links "
				         "of this record are not checked", record->type_name, guess->name);
			else
				diag_add(diags, DIAG_UNKNOWN_TYPE, record->type_pos,
				         "unknown record type '%s'; fields and links of this record are "
				         "not checked", record->type_name);
		}
	} else {
		record->type = model_type_for_id(model, record->id);
	}
	if (record->type != NULL)
		collect_links(record, diags);
	return record;
}

const Field *
record_field(const Record *record, const char *name)
{
	for (guint i = 0; i < record->fields->len; i++) {
		const Field *field = g_ptr_array_index(record->fields, i);

		if (strcmp(field->name, name) == 0)
			return field;
	}
	return NULL;
}

const char *
record_value(const Record *record, const char *name)
{
	const Field *field;

	for (guint i = 0; i + 1 < record->computed->len; i += 2)
		if (strcmp(g_ptr_array_index(record->computed, i), name) == 0)
			return g_ptr_array_index(record->computed, i + 1);
	if (strcmp(name, "id") == 0)
		return record->id;
	if (strcmp(name, "type") == 0)
		return record->type_name;
	if (strcmp(name, "title") == 0)
		return record->title;
	field = record_field(record, name);
	return field ? yaml_scalar(field->value) : NULL;
}

void
record_set_computed(Record *record, const char *name, const char *value)
{
	for (guint i = 0; i + 1 < record->computed->len; i += 2) {
		if (strcmp(g_ptr_array_index(record->computed, i), name) == 0) {
			g_free(g_ptr_array_index(record->computed, i + 1));
			g_ptr_array_index(record->computed, i + 1) = g_strdup(value);
			return;
		}
	}
	g_ptr_array_add(record->computed, g_strdup(name));
	g_ptr_array_add(record->computed, g_strdup(value));
}
