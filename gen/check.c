#include "check.h"

#include <string.h>

static gboolean
is_builtin(const char *name)
{
	return strcmp(name, "id") == 0 || strcmp(name, "type") == 0 || strcmp(name, "title") == 0;
}

static gboolean
all_digits(const char *p)
{
	if (*p == '\0')
		return FALSE;
	for (; *p; p++)
		if (!g_ascii_isdigit(*p))
			return FALSE;
	return TRUE;
}

char *
check_value_kind(FieldKind kind, const char *text)
{
	const char *p = text;
	gboolean flag;

	switch (kind) {
	case FIELD_INTEGER:
		if (*p == '-' || *p == '+')
			p++;
		if (!all_digits(p))
			return g_strdup("is not a whole number");
		/* YAML 1.1 readers take 010 as octal 8: refuse to guess. */
		if (p[0] == '0' && p[1] != '\0')
			return g_strdup("has a leading zero, which YAML 1.1 readers take as octal");
		if (strlen(p) > 18)
			return g_strdup("has more than 18 digits");
		return NULL;
	case FIELD_DECIMAL: {
		const char *dot;

		if (*p == '-' || *p == '+')
			p++;
		/* Parsed by hand, never with strtod, so the locale's decimal
		 * separator cannot change the result. */
		if (strchr(p, ',') != NULL)
			return g_strdup("uses a comma; write decimals with a point, as in 0.5");
		dot = strchr(p, '.');
		/* As for integers: 010 would be octal to a YAML 1.1 reader. */
		if (p[0] == '0' && g_ascii_isdigit(p[1]))
			return g_strdup("has a leading zero, which YAML 1.1 readers take as octal");
		if (dot == NULL)
			return all_digits(p) ? NULL : g_strdup("is not a decimal number");
		{
			char *whole = g_strndup(p, (gsize)(dot - p));
			gboolean ok = (whole[0] == '\0' || all_digits(whole)) && all_digits(dot + 1);

			g_free(whole);
			return ok ? NULL : g_strdup("is not a decimal number");
		}
	}
	case FIELD_DATE: {
		guint y, m, d;
		int n = 0;

		if (strlen(text) != 10 || sscanf(text, "%4u-%2u-%2u%n", &y, &m, &d, &n) != 3 ||
		    n != 10 || !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
			return g_strdup("is not a valid date in the form YYYY-MM-DD");
		return NULL;
	}
	case FIELD_BOOLEAN:
		return yaml_parse_bool(text, &flag) ? NULL : g_strdup("is not true or false");
	default:
		return NULL;
	}
}

static char *
join_values(const GPtrArray *values)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < values->len; i++) {
		if (i > 0)
			g_string_append(s, ", ");
		g_string_append(s, g_ptr_array_index(values, i));
	}
	return g_string_free(s, FALSE);
}

static void
check_scalar(const Record *r, const FieldDef *def, const YamlNode *node, DiagList *diags)
{
	const char *text = yaml_scalar(node);
	char *reason;

	if (text == NULL) {
		diag_add(diags, DIAG_BAD_VALUE, node->pos,
		         "field '%s' of '%s' must be a single value, not %s", def->name, r->id,
		         yaml_node_kind_name(node));
		return;
	}
	if (def->kind == FIELD_ENUM) {
		char *allowed;

		if (def->values == NULL || g_ptr_array_find_with_equal_func(
		                               def->values, text, g_str_equal, NULL))
			return;
		allowed = join_values(def->values);
		diag_add(diags, DIAG_BAD_ENUM, node->pos,
		         "field '%s' of '%s' is '%s', which is not one of: %s", def->name, r->id,
		         text, allowed);
		g_free(allowed);
		return;
	}
	reason = check_value_kind(def->kind, text);
	if (reason != NULL) {
		diag_add(diags, DIAG_BAD_VALUE, node->pos, "field '%s' of '%s' is '%s', which %s",
		         def->name, r->id, text, reason);
		g_free(reason);
	}
}

static void
check_field_value(const Record *r, const FieldDef *def, const YamlNode *value,
                  DiagList *diags)
{
	switch (def->kind) {
	case FIELD_LINK:
		/* Shapes were checked when the links were read. */
		return;
	case FIELD_LIST:
		if (value->kind == YAML_NODE_SCALAR)
			return;
		if (value->kind != YAML_NODE_SEQUENCE) {
			diag_add(diags, DIAG_BAD_VALUE, value->pos,
			         "field '%s' of '%s' must be a list, not %s", def->name, r->id,
			         yaml_node_kind_name(value));
			return;
		}
		for (guint i = 0; i < value->children->len; i++) {
			const YamlNode *item = g_ptr_array_index(value->children, i);

			if (yaml_scalar(item) == NULL)
				diag_add(diags, DIAG_BAD_VALUE, item->pos,
				         "entries of list '%s' of '%s' must be texts, not %s", def->name,
				         r->id, yaml_node_kind_name(item));
		}
		return;
	case FIELD_TEXT:
		if (value->kind != YAML_NODE_SCALAR)
			diag_add(diags, DIAG_BAD_VALUE, value->pos,
			         "field '%s' of '%s' must be text, not %s", def->name, r->id,
			         yaml_node_kind_name(value));
		return;
	default:
		check_scalar(r, def, value, diags);
	}
}

static gboolean
is_empty(const YamlNode *value)
{
	if (yaml_node_is_null(value))
		return TRUE;
	if (value->kind == YAML_NODE_SCALAR)
		return value->text[0] == '\0' || strspn(value->text, " \t\n") == strlen(value->text);
	return value->children->len == 0;
}

static void
check_record_fields(const Record *r, DiagList *diags)
{
	const RecordType *type = r->type;

	for (guint i = 0; i < r->fields->len; i++) {
		const Field *field = g_ptr_array_index(r->fields, i);
		const FieldDef *def;

		if (is_builtin(field->name))
			continue;
		def = record_type_field(type, field->name);
		if (def == NULL) {
			if (!type->open)
				diag_add(diags, DIAG_UNKNOWN_FIELD, field->pos,
				         "field '%s' is not defined for type '%s'; it is kept but not "
				         "checked or linked", field->name, type->name);
			continue;
		}
		if (!is_empty(field->value))
			check_field_value(r, def, field->value, diags);
	}
	for (guint i = 0; i < type->fields->len; i++) {
		const FieldDef *def = g_ptr_array_index(type->fields, i);
		const Field *field;

		if (!def->required)
			continue;
		field = record_field(r, def->name);
		if (field == NULL)
			diag_add(diags, DIAG_MISSING_FIELD, r->pos,
			         "required field '%s' of a %s is missing from '%s'", def->name,
			         type->name, r->id);
		else if (is_empty(field->value))
			diag_add(diags, DIAG_MISSING_FIELD, field->pos,
			         "required field '%s' of '%s' is empty", def->name, r->id);
	}
}

static gboolean
is_primary(const Graph *graph, const Record *r)
{
	return graph_find(graph, r->id) == r;
}

void
check_fields(const Graph *graph, DiagList *diags)
{
	for (guint i = 0; i < graph->records->len; i++) {
		const Record *r = g_ptr_array_index(graph->records, i);

		if (r->type != NULL)
			check_record_fields(r, diags);
	}
}

/* Returns a record's value for rule matching, with booleans written as
 * "true" or "false" whatever spelling the record used. */
static const char *
rule_value(const Record *r, const char *name)
{
	const char *text = record_value(r, name);
	const FieldDef *def = r->type ? record_type_field(r->type, name) : NULL;
	gboolean flag;

	if (text != NULL && def != NULL && def->kind == FIELD_BOOLEAN &&
	    yaml_parse_bool(text, &flag))
		return flag ? "true" : "false";
	return text;
}

static gboolean
in_list(const GPtrArray *list, const char *text)
{
	return text != NULL && list != NULL &&
	       g_ptr_array_find_with_equal_func((GPtrArray *)list, text, g_str_equal, NULL);
}

/* TRUE when version names the release: equal to it, or a pre-release or
 * build of it (2.4.0-rc2, 2.4.0+build7 for release 2.4.0). */
static gboolean
is_release_version(const char *version, const char *release)
{
	size_t n;

	if (version == NULL || release == NULL)
		return FALSE;
	n = strlen(release);
	return strncmp(version, release, n) == 0 &&
	       (version[n] == '\0' || version[n] == '-' || version[n] == '+');
}

static gboolean condition_holds(const Rule *rule, const Record *r, const char *release);

static gboolean
rule_applies(const Rule *rule, const Record *r, const char *release)
{
	for (guint i = 0; rule->also != NULL && i < rule->also->len; i++)
		if (!condition_holds(g_ptr_array_index(rule->also, i), r, release))
			return FALSE;
	return condition_holds(rule, r, release);
}

static gboolean
condition_holds(const Rule *rule, const Record *r, const char *release)
{
	const char *value;

	if (rule->when_release)
		return rule->when_field != NULL &&
		       is_release_version(rule_value(r, rule->when_field), release);
	if (rule->when_field == NULL || rule->when_values == NULL)
		return TRUE;
	value = rule_value(r, rule->when_field);
	/* Without a default, a rule never applies on a value that is missing:
	 * a missing field is reported as such, and a computed value such as
	 * initial_risk is missing only when the risk policy cannot be used. */
	if (value == NULL)
		value = rule->when_default;
	if (value == NULL)
		return FALSE;
	if (rule->when_negated)
		return !in_list(rule->when_values, value);
	return in_list(rule->when_values, value);
}

static guint
count_links(const Rule *rule, const Record *r)
{
	const GPtrArray *links = rule->incoming ? r->incoming : r->links;
	GPtrArray *counted = g_ptr_array_new();
	guint n;

	for (guint i = 0; i < links->len; i++) {
		const Link *link = g_ptr_array_index(links, i);
		const Record *other = rule->incoming ? link->from : link->to;

		if (other == NULL || !in_list(rule->roles, link->role))
			continue;
		if (rule->from_types != NULL &&
		    (other->type == NULL || !in_list(rule->from_types, other->type->name)))
			continue;
		if (rule->where_field != NULL &&
		    !in_list(rule->where_values, rule_value(other, rule->where_field)))
			continue;
		if (!g_ptr_array_find(counted, other, NULL))
			g_ptr_array_add(counted, (gpointer)other);
	}
	n = counted->len;
	g_ptr_array_free(counted, TRUE);
	return n;
}

void
check_rule_list(const Graph *graph, const GPtrArray *rules, const char *release, DiagList *diags)
{
	for (guint k = 0; k < rules->len; k++) {
		const Rule *rule = g_ptr_array_index(rules, k);

		for (guint i = 0; i < graph->records->len; i++) {
			const Record *r = g_ptr_array_index(graph->records, i);
			guint n;
			Diag *d;

			if (r->type == NULL || strcmp(r->type->name, rule->type) != 0 ||
			    !is_primary(graph, r) || !rule_applies(rule, r, release))
				continue;
			if (rule->require_field != NULL) {
				const char *value = rule_value(r, rule->require_field);

				if (value != NULL && *value != '\0' &&
				    (rule->require_values == NULL || in_list(rule->require_values, value)))
					continue;
				d = diag_add_custom(diags, DIAG_COVERAGE, rule->level, rule->code, r->pos,
				                    "'%s': %s", r->id, rule->message);
				d->summary = g_intern_string(rule->message);
				continue;
			}
			n = count_links(rule, r);
			if (n >= rule->min)
				continue;
			if (rule->min > 1)
				d = diag_add_custom(diags, DIAG_COVERAGE, rule->level, rule->code, r->pos,
				                    "'%s': %s (%u of %u links found)", r->id, rule->message,
				                    n, rule->min);
			else
				d = diag_add_custom(diags, DIAG_COVERAGE, rule->level, rule->code, r->pos,
				                    "'%s': %s", r->id, rule->message);
			d->summary = g_intern_string(rule->message);
		}
	}
}

void
check_rules(const Graph *graph, DiagList *diags)
{
	check_rule_list(graph, graph->model->rules, NULL, diags);
}

static gboolean
has_resolved_link(const Record *r)
{
	for (guint i = 0; i < r->links->len; i++)
		if (((const Link *)g_ptr_array_index(r->links, i))->to != NULL)
			return TRUE;
	return r->incoming->len > 0;
}

void
check_orphans(const Graph *graph, DiagList *diags)
{
	for (guint i = 0; i < graph->records->len; i++) {
		const Record *r = g_ptr_array_index(graph->records, i);

		if (r->type == NULL || r->type->orphan_ok || !is_primary(graph, r))
			continue;
		if (!has_resolved_link(r))
			diag_add(diags, DIAG_ORPHAN, r->pos,
			         "'%s' has no trace links in either direction; link it or remove it",
			         r->id);
	}
}
