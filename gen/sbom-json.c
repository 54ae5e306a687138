#include "sbom-json.h"

static const char *const want_names[] = {"a string", "a number", "an object", "an array"};

const char *
sbom_json_kind_name(JsonNode *node)
{
	GType type;

	switch (JSON_NODE_TYPE(node)) {
	case JSON_NODE_OBJECT:
		return "an object";
	case JSON_NODE_ARRAY:
		return "an array";
	case JSON_NODE_NULL:
		return "null";
	case JSON_NODE_VALUE:
		break;
	}
	type = json_node_get_value_type(node);
	if (type == G_TYPE_STRING)
		return "a string";
	if (type == G_TYPE_BOOLEAN)
		return "a boolean";
	return "a number";
}

gboolean
sbom_json_node_is(JsonNode *node, SbomWant want)
{
	GType type;

	switch (want) {
	case SBOM_WANT_OBJECT:
		return JSON_NODE_HOLDS_OBJECT(node);
	case SBOM_WANT_ARRAY:
		return JSON_NODE_HOLDS_ARRAY(node);
	case SBOM_WANT_STRING:
	case SBOM_WANT_NUMBER:
		break;
	}
	if (!JSON_NODE_HOLDS_VALUE(node))
		return FALSE;
	type = json_node_get_value_type(node);
	if (want == SBOM_WANT_STRING)
		return type == G_TYPE_STRING;
	return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

void
sbom_json_report(SbomJsonReader *r, JsonNode *node, const char *path, SbomWant want)
{
	diag_add(r->diags, DIAG_SBOM_BAD_FIELD, sbom_json_pos(r->positions, node),
	         "'%s' must be %s, not %s; it is skipped", path, want_names[want],
	         sbom_json_kind_name(node));
}

JsonNode *
sbom_json_member(SbomJsonReader *r, JsonObject *obj, const char *path, const char *name,
                 SbomWant want)
{
	JsonNode *node = obj ? json_object_get_member(obj, name) : NULL;
	char *member_path;

	if (node == NULL || sbom_json_node_is(node, want))
		return node;
	member_path = sbom_pointer_member(path, name);
	sbom_json_report(r, node, member_path, want);
	g_free(member_path);
	return NULL;
}

const char *
sbom_json_member_text(SbomJsonReader *r, JsonObject *obj, const char *path, const char *name)
{
	JsonNode *node = sbom_json_member(r, obj, path, name, SBOM_WANT_STRING);

	return node ? json_node_get_string(node) : NULL;
}

char *
sbom_json_member_string(SbomJsonReader *r, JsonObject *obj, const char *path, const char *name)
{
	return g_strdup(sbom_json_member_text(r, obj, path, name));
}

JsonObject *
sbom_json_member_object(SbomJsonReader *r, JsonObject *obj, const char *path, const char *name)
{
	JsonNode *node = sbom_json_member(r, obj, path, name, SBOM_WANT_OBJECT);

	return node ? json_node_get_object(node) : NULL;
}

JsonArray *
sbom_json_member_array(SbomJsonReader *r, JsonObject *obj, const char *path, const char *name)
{
	JsonNode *node = sbom_json_member(r, obj, path, name, SBOM_WANT_ARRAY);

	return node ? json_node_get_array(node) : NULL;
}

JsonNode *
sbom_json_element(SbomJsonReader *r, JsonArray *array, guint index, const char *path,
                  SbomWant want)
{
	JsonNode *node = json_array_get_element(array, index);
	char *element_path;

	if (sbom_json_node_is(node, want))
		return node;
	element_path = sbom_pointer_index(path, index);
	sbom_json_report(r, node, element_path, want);
	g_free(element_path);
	return NULL;
}
