#include "model.h"

#include "frontmatter.h"
#include "yamlnode.h"

#include <string.h>

static const char *const kind_names[] = {
	"text", "enum", "integer", "decimal", "date", "boolean", "list", "link",
};

const char *
field_kind_name(FieldKind kind)
{
	return kind_names[kind];
}

static void
field_free(gpointer data)
{
	FieldDef *f = data;

	g_free(f->name);
	g_free(f->scale);
	if (f->values != NULL)
		g_ptr_array_free(f->values, TRUE);
	if (f->targets != NULL)
		g_ptr_array_free(f->targets, TRUE);
	g_free(f);
}

static void
type_free(gpointer data)
{
	RecordType *t = data;

	g_free(t->name);
	g_free(t->prefix);
	g_free(t->title);
	g_ptr_array_free(t->fields, TRUE);
	g_free(t);
}

void
rule_free(gpointer data)
{
	Rule *r = data;

	g_free(r->code);
	g_free(r->type);
	g_free(r->when_field);
	g_free(r->when_default);
	g_free(r->where_field);
	g_free(r->require_field);
	if (r->require_values != NULL)
		g_ptr_array_free(r->require_values, TRUE);
	if (r->also != NULL)
		g_ptr_array_free(r->also, TRUE);
	g_free(r->message);
	if (r->when_values != NULL)
		g_ptr_array_free(r->when_values, TRUE);
	if (r->roles != NULL)
		g_ptr_array_free(r->roles, TRUE);
	if (r->from_types != NULL)
		g_ptr_array_free(r->from_types, TRUE);
	if (r->where_values != NULL)
		g_ptr_array_free(r->where_values, TRUE);
	g_free(r);
}

Model *
model_new(const char *name)
{
	Model *model = g_new0(Model, 1);

	model->name = g_strdup(name);
	model->types = g_ptr_array_new_with_free_func(type_free);
	model->type_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	model->rules = g_ptr_array_new_with_free_func(rule_free);
	return model;
}

void
model_free(Model *model)
{
	if (model == NULL)
		return;
	g_hash_table_destroy(model->type_by_name);
	g_ptr_array_free(model->types, TRUE);
	g_ptr_array_free(model->rules, TRUE);
	for (int i = 0; i < 2; i++) {
		SbomMapping *m = i ? &model->sbom_vulnerability : &model->sbom_component;

		g_free(m->type);
		g_free(m->link);
		if (m->fields)
			g_ptr_array_free(m->fields, TRUE);
	}
	g_free(model->name);
	g_free(model->file);
	g_free(model);
}

RecordType *
model_add_type(Model *model, const char *name, const char *prefix)
{
	RecordType *t = g_new0(RecordType, 1);

	t->name = g_strdup(name);
	t->prefix = g_strdup(prefix);
	t->fields = g_ptr_array_new_with_free_func(field_free);
	g_ptr_array_add(model->types, t);
	g_hash_table_insert(model->type_by_name, t->name, t);
	return t;
}

FieldDef *
record_type_add_field(RecordType *type, const char *name, FieldKind kind)
{
	FieldDef *f = g_new0(FieldDef, 1);

	f->name = g_strdup(name);
	f->kind = kind;
	g_ptr_array_add(type->fields, f);
	return f;
}

const RecordType *
model_type(const Model *model, const char *name)
{
	return name ? g_hash_table_lookup(model->type_by_name, name) : NULL;
}

const FieldDef *
record_type_field(const RecordType *type, const char *name)
{
	for (guint i = 0; i < type->fields->len; i++) {
		const FieldDef *f = g_ptr_array_index(type->fields, i);

		if (strcmp(f->name, name) == 0)
			return f;
	}
	return NULL;
}

const RecordType *
model_type_for_id(const Model *model, const char *id)
{
	const RecordType *best = NULL;

	/* The longest matching prefix wins, so HARM- is not read as HA-. */
	for (guint i = 0; i < model->types->len; i++) {
		const RecordType *t = g_ptr_array_index(model->types, i);
		size_t n = t->prefix ? strlen(t->prefix) : 0;

		if (n > 0 && strncmp(id, t->prefix, n) == 0 && id[n] == '-' &&
		    (best == NULL || n > strlen(best->prefix)))
			best = t;
	}
	return best;
}

/* Names every record already carries; a model may not redefine them. */
static gboolean
is_builtin_field(const char *name)
{
	return strcmp(name, "id") == 0 || strcmp(name, "type") == 0 || strcmp(name, "title") == 0;
}

static gboolean
parse_kind(const char *text, FieldKind *out)
{
	for (guint k = 0; k < G_N_ELEMENTS(kind_names); k++) {
		if (strcmp(text, kind_names[k]) == 0) {
			*out = (FieldKind)k;
			return TRUE;
		}
	}
	return FALSE;
}

static FieldDef *
load_field(RecordType *type, const YamlNode *key, const YamlNode *def, DiagList *diags)
{
	static const char *const known[] = {"kind", "required", "many", "values", "scale",
	                                    "targets", "description", NULL};
	const char *kind_text;
	FieldKind kind;
	FieldDef *f;

	if (is_builtin_field(key->text)) {
		diag_add(diags, DIAG_MODEL_INVALID, key->pos,
		         "field '%s' is built in and cannot be redefined; the definition is ignored",
		         key->text);
		return NULL;
	}
	if (def->kind != YAML_NODE_MAPPING) {
		diag_add(diags, DIAG_MODEL_INVALID, def->pos,
		         "field '%s' must be a mapping with at least 'kind'; it is ignored", key->text);
		return NULL;
	}
	yaml_check_keys(def, known, diags, "a field definition");
	kind_text = yaml_scalar(yaml_map_get(def, "kind"));
	if (kind_text == NULL || !parse_kind(kind_text, &kind)) {
		diag_add(diags, DIAG_MODEL_INVALID, def->pos,
		         "field '%s' needs a kind: text, enum, integer, decimal, date, boolean, "
		         "list or link; it is ignored", key->text);
		return NULL;
	}
	f = record_type_add_field(type, key->text, kind);
	f->pos = key->pos;
	f->required = yaml_read_bool(yaml_map_get(def, "required"), DIAG_MODEL_INVALID, diags,
	                             "required", FALSE);
	f->many = yaml_read_bool(yaml_map_get(def, "many"), DIAG_MODEL_INVALID, diags, "many",
	                         FALSE);
	if (kind == FIELD_ENUM) {
		f->values = yaml_read_string_list(yaml_map_get(def, "values"), DIAG_MODEL_INVALID,
		                                  diags, "values");
		f->scale = yaml_read_string(yaml_map_get(def, "scale"), DIAG_MODEL_INVALID, diags,
		                            "scale");
		if (f->values == NULL && f->scale == NULL)
			diag_add(diags, DIAG_MODEL_INVALID, key->pos,
			         "enum field '%s' needs 'values' or a risk-policy 'scale'", f->name);
	}
	if (kind == FIELD_LINK) {
		f->targets = yaml_read_string_list(yaml_map_get(def, "targets"), DIAG_MODEL_INVALID,
		                                   diags, "targets");
		if (f->targets == NULL || f->targets->len == 0)
			diag_add(diags, DIAG_MODEL_INVALID, key->pos,
			         "link field '%s' needs 'targets', the record types it may point to",
			         f->name);
	}
	return f;
}

static void
load_fields(RecordType *type, const YamlNode *fields, DiagList *diags)
{
	if (fields == NULL)
		return;
	if (fields->kind != YAML_NODE_MAPPING) {
		diag_add(diags, DIAG_MODEL_INVALID, fields->pos,
		         "'fields' must be a mapping of field names to definitions");
		return;
	}
	for (guint i = 0; i < yaml_map_size(fields); i++) {
		const YamlNode *key = yaml_map_key(fields, i);

		if (yaml_scalar(key) == NULL)
			continue;
		if (record_type_field(type, key->text) != NULL) {
			diag_add(diags, DIAG_MODEL_INVALID, key->pos,
			         "field '%s' of type '%s' is defined twice", key->text, type->name);
			continue;
		}
		load_field(type, key, yaml_map_value(fields, i), diags);
	}
}

static void
load_types(Model *model, const YamlNode *types, const YamlNode *common, DiagList *diags)
{
	static const char *const known[] = {"prefix", "title", "fields", "orphan_ok",
	                                    "description", NULL};

	for (guint i = 0; i < yaml_map_size(types); i++) {
		const YamlNode *key = yaml_map_key(types, i);
		const YamlNode *def = yaml_map_value(types, i);
		char *prefix;
		RecordType *t;

		if (yaml_scalar(key) == NULL)
			continue;
		if (def->kind != YAML_NODE_MAPPING) {
			diag_add(diags, DIAG_MODEL_INVALID, def->pos,
			         "record type '%s' must be a mapping with 'prefix' and 'fields'",
			         key->text);
			continue;
		}
		yaml_check_keys(def, known, diags, "a record type");
		prefix = yaml_read_string(yaml_map_get(def, "prefix"), DIAG_MODEL_INVALID, diags,
		                          "prefix");
		if (prefix == NULL)
			diag_add(diags, DIAG_MODEL_INVALID, key->pos,
			         "record type '%s' has no ID 'prefix'; IDs of this type are not checked",
			         key->text);
		t = model_add_type(model, key->text, prefix);
		g_free(prefix);
		t->pos = key->pos;
		t->title = yaml_read_string(yaml_map_get(def, "title"), DIAG_MODEL_INVALID, diags,
		                            "title");
		if (t->title == NULL)
			t->title = g_strdup(key->text);
		t->orphan_ok = yaml_read_bool(yaml_map_get(def, "orphan_ok"), DIAG_MODEL_INVALID,
		                              diags, "orphan_ok", FALSE);
		load_fields(t, yaml_map_get(def, "fields"), diags);
		/* Common fields are appended after the type's own, and a type's
		 * own definition of the same name wins. Their problems are
		 * reported for the first type only, not once per type. */
		for (guint c = 0; c < yaml_map_size(common); c++) {
			const YamlNode *ckey = yaml_map_key(common, c);
			DiagList *scratch = diag_list_new();

			if (yaml_scalar(ckey) != NULL && record_type_field(t, ckey->text) == NULL)
				load_field(t, ckey, yaml_map_value(common, c), i == 0 ? diags : scratch);
			diag_list_free(scratch);
		}
	}
}

static void
check_type_names(const Model *model, const GPtrArray *names, SrcPos pos, DiagList *diags,
                 const char *what)
{
	for (guint i = 0; names != NULL && i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);

		if (model_type(model, name) == NULL)
			diag_add(diags, DIAG_MODEL_INVALID, pos, "%s names unknown record type '%s'",
			         what, name);
	}
}

static gboolean
parse_level(const char *text, DiagLevel *out)
{
	for (int l = DIAG_NOTE; l <= DIAG_ERROR; l++) {
		if (strcmp(text, diag_level_name((DiagLevel)l)) == 0) {
			*out = (DiagLevel)l;
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean
is_code_name(const char *code)
{
	for (const char *p = code; *p; p++)
		if (!g_ascii_islower(*p) && !g_ascii_isdigit(*p) && *p != '-')
			return FALSE;
	return code[0] != '\0';
}

static void
load_rule(Model *model, const YamlNode *def, DiagList *diags)
{
	Rule *r = rule_load(model, def, diags);

	if (r != NULL)
		g_ptr_array_add(model->rules, r);
}

Rule *
rule_load(const Model *model, const YamlNode *def, DiagList *diags)
{
	static const char *const known[] = {"code", "level", "type", "when", "require",
	                                    "message", "description", NULL};
	static const char *const when_keys[] = {"field", "is", "not", "release", NULL};
	static const char *const require_keys[] = {"incoming", "outgoing", "from", "where",
	                                           "min", "field", "is", NULL};
	const YamlNode *when, *require, *node;
	const char *level, *min;
	Rule *r;

	if (def->kind != YAML_NODE_MAPPING) {
		diag_add(diags, DIAG_MODEL_INVALID, def->pos, "a rule must be a mapping");
		return NULL;
	}
	yaml_check_keys(def, known, diags, "a rule");
	r = g_new0(Rule, 1);
	r->pos = def->pos;
	r->level = DIAG_ERROR;
	r->min = 1;
	r->code = yaml_read_string(yaml_map_get(def, "code"), DIAG_MODEL_INVALID, diags, "code");
	r->type = yaml_read_string(yaml_map_get(def, "type"), DIAG_MODEL_INVALID, diags, "type");
	r->message = yaml_read_string(yaml_map_get(def, "message"), DIAG_MODEL_INVALID, diags,
	                              "message");
	level = yaml_scalar(yaml_map_get(def, "level"));
	if (level != NULL && !parse_level(level, &r->level))
		diag_add(diags, DIAG_MODEL_INVALID, yaml_map_get(def, "level")->pos,
		         "rule level must be error, warning or note, not '%s'", level);
	if (r->code == NULL || !is_code_name(r->code) || r->type == NULL || r->message == NULL) {
		diag_add(diags, DIAG_MODEL_INVALID, def->pos,
		         "a rule needs 'code' (lower-case letters, digits and dashes), 'type' and "
		         "'message'; this rule is ignored");
		rule_free(r);
		return NULL;
	}
	if (model_type(model, r->type) == NULL) {
		diag_add(diags, DIAG_MODEL_INVALID, yaml_map_get(def, "type")->pos,
		         "rule '%s' names unknown record type '%s'; the rule is ignored", r->code,
		         r->type);
		rule_free(r);
		return NULL;
	}

	/* `when` is one condition, or a list of conditions that must all
	 * hold: the first fills the rule, the others become condition-only
	 * rules in r->also. */
	when = yaml_map_get(def, "when");
	for (guint i = 0; when != NULL &&
	                  i < (when->kind == YAML_NODE_SEQUENCE ? when->children->len : 1); i++) {
		const YamlNode *cond = when->kind == YAML_NODE_SEQUENCE
		                           ? g_ptr_array_index(when->children, i)
		                           : when;
		Rule *target = r;

		if (i > 0) {
			target = g_new0(Rule, 1);
			if (r->also == NULL)
				r->also = g_ptr_array_new_with_free_func(rule_free);
			g_ptr_array_add(r->also, target);
		}
		yaml_check_keys(cond, when_keys, diags, "a rule's 'when'");
		target->when_field = yaml_read_string(yaml_map_get(cond, "field"), DIAG_MODEL_INVALID,
		                                      diags, "when.field");
		node = yaml_map_get(cond, "not");
		target->when_negated = node != NULL;
		target->when_values = yaml_read_string_list(node ? node : yaml_map_get(cond, "is"),
		                                            DIAG_MODEL_INVALID, diags, "when values");
		target->when_release = yaml_read_bool(yaml_map_get(cond, "release"),
		                                      DIAG_MODEL_INVALID, diags, "when.release", FALSE);
		if (target->when_field == NULL ||
		    (target->when_values == NULL && !target->when_release))
			diag_add(diags, DIAG_MODEL_INVALID, cond->pos,
			         "'when' needs 'field' and either 'is', 'not' or 'release: true'");
	}

	require = yaml_map_get(def, "require");
	if (require == NULL || require->kind != YAML_NODE_MAPPING) {
		diag_add(diags, DIAG_MODEL_INVALID, def->pos,
		         "rule '%s' needs 'require' with 'incoming', 'outgoing' or 'field'; it is "
		         "ignored", r->code);
		rule_free(r);
		return NULL;
	}
	yaml_check_keys(require, require_keys, diags, "a rule's 'require'");
	if (yaml_map_get(require, "field") != NULL) {
		r->require_field = yaml_read_string(yaml_map_get(require, "field"), DIAG_MODEL_INVALID,
		                                    diags, "require.field");
		r->require_values = yaml_read_string_list(yaml_map_get(require, "is"),
		                                          DIAG_MODEL_INVALID, diags, "require.is");
		if (r->require_field == NULL) {
			rule_free(r);
			return NULL;
		}
		return r;
	}
	node = yaml_map_get(require, "incoming");
	r->incoming = node != NULL;
	r->roles = yaml_read_string_list(node ? node : yaml_map_get(require, "outgoing"),
	                                 DIAG_MODEL_INVALID, diags, "link roles");
	if (r->roles == NULL || r->roles->len == 0) {
		diag_add(diags, DIAG_MODEL_INVALID, require->pos,
		         "rule '%s' needs the link roles it counts in 'incoming' or 'outgoing'; "
		         "it is ignored", r->code);
		rule_free(r);
		return NULL;
	}
	r->from_types = yaml_read_string_list(yaml_map_get(require, "from"), DIAG_MODEL_INVALID,
	                                      diags, "from");
	check_type_names(model, r->from_types, require->pos, diags, "rule 'from'");
	node = yaml_map_get(require, "where");
	if (node != NULL) {
		r->where_field = yaml_read_string(yaml_map_get(node, "field"), DIAG_MODEL_INVALID,
		                                  diags, "where.field");
		r->where_values = yaml_read_string_list(yaml_map_get(node, "is"),
		                                        DIAG_MODEL_INVALID, diags, "where.is");
	}
	min = yaml_scalar(yaml_map_get(require, "min"));
	if (min != NULL) {
		guint64 value;

		if (!g_ascii_string_to_unsigned(min, 10, 0, 1000000, &value, NULL))
			diag_add(diags, DIAG_MODEL_INVALID, yaml_map_get(require, "min")->pos,
			         "'min' must be a whole number, not '%s'", min);
		else
			r->min = (guint)value;
	}
	return r;
}

/* Checks what can only be checked once every type is known. */
static void
check_references(const Model *model, DiagList *diags)
{
	for (guint i = 0; i < model->types->len; i++) {
		const RecordType *t = g_ptr_array_index(model->types, i);

		for (guint j = 0; j < t->fields->len; j++) {
			const FieldDef *f = g_ptr_array_index(t->fields, j);

			if (f->kind == FIELD_LINK)
				check_type_names(model, f->targets, f->pos, diags, "link targets");
		}
		for (guint j = 0; j < i; j++) {
			const RecordType *other = g_ptr_array_index(model->types, j);

			if (t->prefix && other->prefix && strcmp(t->prefix, other->prefix) == 0)
				diag_add(diags, DIAG_MODEL_INVALID, t->pos,
				         "record types '%s' and '%s' share the ID prefix '%s'",
				         other->name, t->name, t->prefix);
		}
	}
}

const char *
sbom_mapping_field(const SbomMapping *mapping, const char *value)
{
	for (guint i = 0; mapping->fields != NULL && i + 1 < mapping->fields->len; i += 2)
		if (strcmp(g_ptr_array_index(mapping->fields, i + 1), value) == 0)
			return g_ptr_array_index(mapping->fields, i);
	return NULL;
}

/* The SBOM values a mapping may name; the readers fill exactly these. */
static const char *const sbom_component_values[] = {
	"name", "version", "supplier", "type", "purl", "cpe", "licence", "hashes",
	"description", "level_of_support", "end_of_support", NULL};
static const char *const sbom_vulnerability_values[] = {
	"id", "source", "description", "state", "justification", "detail", "response",
	"severity", "score", "method", NULL};

static void
load_one_sbom_mapping(Model *model, const YamlNode *node, const char *what,
                      const char *const *values, SbomMapping *out, DiagList *diags)
{
	static const char *const known[] = {"type", "link", "fields", NULL};
	const YamlNode *fields;
	const RecordType *type;

	if (node == NULL)
		return;
	if (node->kind != YAML_NODE_MAPPING) {
		diag_add(diags, DIAG_MODEL_INVALID, node->pos, "'sbom.%s' must be a mapping", what);
		return;
	}
	yaml_check_keys(node, known, diags, "an SBOM mapping");
	out->pos = node->pos;
	out->type = g_strdup(yaml_scalar(yaml_map_get(node, "type")));
	type = out->type ? model_type(model, out->type) : NULL;
	if (type == NULL) {
		diag_add(diags, DIAG_MODEL_INVALID, node->pos,
		         "'sbom.%s.type' must name a record type of the model", what);
		g_clear_pointer(&out->type, g_free);
		return;
	}
	out->link = g_strdup(yaml_scalar(yaml_map_get(node, "link")));
	if (out->link != NULL) {
		const FieldDef *def = record_type_field(type, out->link);

		if (def == NULL || def->kind != FIELD_LINK)
			diag_add(diags, DIAG_MODEL_INVALID, yaml_map_get(node, "link")->pos,
			         "'%s' is not a link field of type '%s'", out->link, type->name);
	}
	out->fields = g_ptr_array_new_with_free_func(g_free);
	fields = yaml_map_get(node, "fields");
	if (fields != NULL && fields->kind != YAML_NODE_MAPPING) {
		diag_add(diags, DIAG_MODEL_INVALID, fields->pos,
		         "'sbom.%s.fields' must map record fields to SBOM values", what);
		return;
	}
	for (guint i = 0; fields != NULL && i < yaml_map_size(fields); i++) {
		const YamlNode *key = yaml_map_key(fields, i);
		const YamlNode *value = yaml_map_value(fields, i);
		const char *v = yaml_scalar(value);
		gboolean valid = FALSE;

		for (guint k = 0; v != NULL && values[k] != NULL; k++)
			valid = valid || strcmp(values[k], v) == 0;
		if (!valid) {
			char *list = g_strjoinv(", ", (char **)values);

			diag_add(diags, DIAG_MODEL_INVALID, value->pos,
			         "'%s' is not an SBOM %s value; use one of %s", v ? v : "(not a text)",
			         what, list);
			g_free(list);
			continue;
		}
		if (record_type_field(type, key->text) == NULL) {
			diag_add(diags, DIAG_MODEL_INVALID, key->pos,
			         "'%s' is not a field of type '%s'", key->text, type->name);
			continue;
		}
		g_ptr_array_add(out->fields, g_strdup(key->text));
		g_ptr_array_add(out->fields, g_strdup(v));
	}
}

static void
load_sbom_mapping(Model *model, const YamlNode *node, DiagList *diags)
{
	static const char *const known[] = {"component", "vulnerability", NULL};

	if (node == NULL)
		return;
	if (node->kind != YAML_NODE_MAPPING) {
		diag_add(diags, DIAG_MODEL_INVALID, node->pos,
		         "'sbom' must be a mapping with 'component' and 'vulnerability'");
		return;
	}
	yaml_check_keys(node, known, diags, "the model's sbom section");
	load_one_sbom_mapping(model, yaml_map_get(node, "component"), "component",
	                      sbom_component_values, &model->sbom_component, diags);
	load_one_sbom_mapping(model, yaml_map_get(node, "vulnerability"), "vulnerability",
	                      sbom_vulnerability_values, &model->sbom_vulnerability, diags);
	if (model->sbom_vulnerability.type != NULL && model->sbom_vulnerability.link == NULL)
		diag_add(diags, DIAG_MODEL_INVALID, model->sbom_vulnerability.pos,
		         "'sbom.vulnerability.link' must name the link field to the components");
}

Model *
model_load(const char *path, DiagList *diags)
{
	static const char *const known[] = {"name", "version", "description", "common_fields",
	                                    "types", "rules", "sbom", NULL};
	SourceText src;
	YamlDoc *doc = NULL;
	const YamlNode *root, *types, *common, *rules;
	Model *model = NULL;

	if (!source_read(path, diags, &src))
		return NULL;
	doc = yaml_doc_parse(src.text, src.len, src.file, 1, NULL, diags);
	if (doc == NULL)
		goto out;
	root = doc->root;
	if (root == NULL || root->kind != YAML_NODE_MAPPING) {
		diag_add(diags, DIAG_MODEL_INVALID, src_pos(src.file, 1, 1),
		         "a model file must be a mapping with 'types'");
		goto out;
	}
	yaml_check_keys(root, known, diags, "the model");
	types = yaml_map_get(root, "types");
	if (types == NULL || types->kind != YAML_NODE_MAPPING || yaml_map_size(types) == 0) {
		diag_add(diags, DIAG_MODEL_INVALID, root->pos,
		         "the model defines no record types under 'types'");
		goto out;
	}
	common = yaml_map_get(root, "common_fields");
	if (common != NULL && common->kind != YAML_NODE_MAPPING) {
		diag_add(diags, DIAG_MODEL_INVALID, common->pos, "'common_fields' must be a mapping");
		common = NULL;
	}
	model = model_new(yaml_scalar(yaml_map_get(root, "name")));
	model->file = g_strdup(path);
	load_types(model, types, common, diags);
	check_references(model, diags);
	rules = yaml_map_get(root, "rules");
	if (rules != NULL && rules->kind != YAML_NODE_SEQUENCE)
		diag_add(diags, DIAG_MODEL_INVALID, rules->pos, "'rules' must be a list");
	for (guint i = 0; rules != NULL && rules->kind == YAML_NODE_SEQUENCE &&
	                  i < rules->children->len; i++)
		load_rule(model, g_ptr_array_index(rules->children, i), diags);
	load_sbom_mapping(model, yaml_map_get(root, "sbom"), diags);
out:
	yaml_doc_free(doc);
	source_clear(&src);
	return model;
}
