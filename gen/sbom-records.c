#include "sbom-records.h"

#include "input-limits.h"

#include <string.h>

static char *
join_licences(const GPtrArray *licences)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < licences->len; i++) {
		const SbomLicence *l = g_ptr_array_index(licences, i);

		if (s->len > 0)
			g_string_append(s, ", ");
		g_string_append(s, l->text);
	}
	return g_string_free(s, s->len == 0);
}

static char *
join_strings(const GPtrArray *items)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < items->len; i++) {
		if (s->len > 0)
			g_string_append(s, ", ");
		g_string_append(s, g_ptr_array_index(items, i));
	}
	return g_string_free(s, s->len == 0);
}

/* A component's value by the names the model's sbom section uses. */
static char *
component_value(const SbomComponent *c, const char *name)
{
	if (strcmp(name, "name") == 0)
		return g_strdup(c->name);
	if (strcmp(name, "version") == 0)
		return g_strdup(c->version);
	if (strcmp(name, "supplier") == 0)
		return g_strdup(c->supplier);
	if (strcmp(name, "type") == 0)
		return g_strdup(c->type);
	if (strcmp(name, "purl") == 0)
		return g_strdup(c->purl);
	if (strcmp(name, "cpe") == 0)
		return g_strdup(c->cpe);
	if (strcmp(name, "licence") == 0)
		return join_licences(c->licences);
	if (strcmp(name, "hashes") == 0)
		return join_strings(c->hashes);
	if (strcmp(name, "description") == 0)
		return g_strdup(c->description);
	if (strcmp(name, "level_of_support") == 0)
		return g_strdup(c->level_of_support);
	if (strcmp(name, "end_of_support") == 0)
		return g_strdup(c->end_of_support);
	return NULL;
}

/* Maps a CycloneDX analysis state to the model's value: hyphens for
 * underscores, and resolved_with_pedigree read as resolved. A missing
 * analysis means the vulnerability is not triaged yet (in-triage), which
 * sbom_check reports. */
static char *
normal_state(const char *state)
{
	char *s;

	if (state == NULL || *state == '\0')
		return g_strdup("in-triage");
	if (strcmp(state, "resolved_with_pedigree") == 0)
		return g_strdup("resolved");
	s = g_strdup(state);
	g_strdelimit(s, "_", '-');
	return s;
}

/* CycloneDX gives the justification as a code (code_not_present) and the
 * reasoning in `detail`; a record reads better with both, in words. */
static char *
readable_justification(const SbomVulnerability *v)
{
	char *code = v->justification && *v->justification ? g_strdup(v->justification) : NULL;
	char *text;

	if (code != NULL) {
		g_strdelimit(code, "_", ' ');
		code[0] = g_ascii_toupper(code[0]);
	}
	if (code != NULL && v->detail != NULL && *v->detail)
		text = g_strdup_printf("%s: %s", code, v->detail);
	else if (code != NULL)
		text = g_strdup(code);
	else
		text = g_strdup(v->detail);
	g_free(code);
	return text;
}

static char *
vulnerability_value(const SbomVulnerability *v, const char *name)
{
	if (strcmp(name, "id") == 0)
		return g_strdup(v->id);
	if (strcmp(name, "source") == 0)
		return g_strdup(v->source);
	if (strcmp(name, "description") == 0)
		return g_strdup(v->description);
	if (strcmp(name, "state") == 0)
		return normal_state(v->state);
	if (strcmp(name, "justification") == 0)
		return readable_justification(v);
	if (strcmp(name, "detail") == 0)
		return g_strdup(v->detail);
	if (strcmp(name, "response") == 0)
		return join_strings(v->responses);
	if (strcmp(name, "severity") == 0)
		return g_strdup(v->severity);
	if (strcmp(name, "score") == 0)
		return g_strdup(v->score);
	if (strcmp(name, "method") == 0)
		return g_strdup(v->method);
	return NULL;
}

/* The text with every run of characters other than ASCII letters, digits
 * and '.' turned into one '-', and no '-' at either end, so IDs stay
 * readable whatever a name holds. */
static char *
slug(const char *text)
{
	GString *out = g_string_new(NULL);

	for (const char *p = text ? text : ""; *p; p++) {
		if (g_ascii_isalnum(*p) || *p == '.')
			g_string_append_c(out, *p);
		else if (out->len > 0 && out->str[out->len - 1] != '-')
			g_string_append_c(out, '-');
	}
	while (out->len > 0 && out->str[out->len - 1] == '-')
		g_string_truncate(out, out->len - 1);
	if (out->len == 0)
		g_string_append(out, "unnamed");
	return g_string_free(out, FALSE);
}

char *
sbom_component_id(const char *prefix, const SbomComponent *component)
{
	char *name = slug(component->name ? component->name : component->ref);
	char *version = component->version ? slug(component->version) : NULL;
	char *id = version ? g_strdup_printf("%s-%s-%s", prefix, name, version)
	                   : g_strdup_printf("%s-%s", prefix, name);

	g_free(name);
	g_free(version);
	return id;
}

/* Adds a scalar field to a record unless it has one of that name. The
 * nodes live in the record's own document, which frees them. */
static void
fill_field(Record *record, const char *name, const char *value, SrcPos pos)
{
	Field *field;
	YamlNode *key;

	if (value == NULL || *value == '\0' || record_field(record, name) != NULL)
		return;
	if (record->doc == NULL)
		record->doc = yaml_doc_new();
	key = yaml_doc_add(record->doc, YAML_NODE_SCALAR, name, pos);
	field = g_new0(Field, 1);
	field->name = key->text;
	field->value = yaml_doc_add(record->doc, YAML_NODE_SCALAR, value, pos);
	field->pos = pos;
	g_ptr_array_add(record->fields, field);
}

/* A record is found again by purl, or by lower-case name and version. */
static char *
name_key(const char *name, const char *version)
{
	char *lower = g_utf8_strdown(name, -1);
	char *key = g_strdup_printf("%s\n%s", lower, version ? version : "");

	g_free(lower);
	return key;
}

typedef struct {
	Graph *graph;
	const Model *model;
	const SbomMapping *cmap;
	const SbomMapping *vmap;
	GHashTable *ids;      /* every record ID in the graph (borrowed) */
	GHashTable *by_purl;  /* purl -> Record* (keys owned) */
	GHashTable *by_name;  /* name_key -> Record* (keys owned) */
	GHashTable *by_ref;   /* component ref -> Record* (keys borrowed) */
	GHashTable *by_vuln;  /* vulnerability ID -> Record* (keys owned) */
	gboolean full;        /* limits.records was reached */
} Merge;

static void
index_component_record(Merge *m, Record *r)
{
	const char *purl_field = sbom_mapping_field(m->cmap, "purl");
	const char *version_field = sbom_mapping_field(m->cmap, "version");
	const char *purl = purl_field ? record_value(r, purl_field) : NULL;

	if (purl != NULL && *purl && !g_hash_table_contains(m->by_purl, purl))
		g_hash_table_insert(m->by_purl, g_strdup(purl), r);
	if (r->title != NULL) {
		char *key = name_key(r->title, version_field ? record_value(r, version_field) : NULL);

		if (!g_hash_table_contains(m->by_name, key))
			g_hash_table_insert(m->by_name, key, r);
		else
			g_free(key);
	}
}

static char *
unique_id(Merge *m, char *id)
{
	char *candidate = g_strdup(id);

	for (guint n = 2; g_hash_table_contains(m->ids, candidate); n++) {
		g_free(candidate);
		candidate = g_strdup_printf("%s-%u", id, n);
	}
	g_free(id);
	return candidate;
}

/* Builds a record from a mapping made in code, through the same
 * constructor as a hand-written record, so it is checked the same way. */
static Record *
make_record(Merge *m, YamlDoc *doc, YamlNode *map, const char *id, const char *type,
            const char *title, const char *body, SrcPos pos, DiagList *diags)
{
	const char *builtin[][2] = {{"id", id}, {"type", type}, {"title", title}};
	Record *record;

	for (guint i = 0; i < G_N_ELEMENTS(builtin); i++) {
		yaml_node_append(map, yaml_doc_add(doc, YAML_NODE_SCALAR, builtin[i][0], pos));
		yaml_node_append(map, yaml_doc_add(doc, YAML_NODE_SCALAR, builtin[i][1], pos));
	}
	record = record_new(doc, map, pos.file, pos, g_strdup(body ? body : ""), pos.line,
	                    m->model, diags);
	if (record == NULL)
		return NULL;
	graph_add(m->graph, record);
	g_hash_table_add(m->ids, record->id);
	return record;
}

/* TRUE while the graph may take another record; reports the limit once. */
static gboolean
room_for_record(Merge *m, SrcPos pos, DiagList *diags)
{
	if (m->graph->records->len < dossier_limits.records)
		return TRUE;
	if (!m->full)
		diag_add(diags, DIAG_RECORD_LIMIT, pos,
		         "the SBOMs would add records past limits.records (%u); the rest of their "
		         "components and vulnerabilities are left out", dossier_limits.records);
	m->full = TRUE;
	return FALSE;
}

static void
merge_component(Merge *m, const SbomComponent *c, DiagList *diags)
{
	const RecordType *type = model_type(m->model, m->cmap->type);
	Record *record = NULL;
	char *key = c->name ? name_key(c->name, c->version) : NULL;

	if (c->purl != NULL && *c->purl)
		record = g_hash_table_lookup(m->by_purl, c->purl);
	if (record == NULL && key != NULL)
		record = g_hash_table_lookup(m->by_name, key);
	g_free(key);
	if (record != NULL) {
		for (guint i = 0; i + 1 < m->cmap->fields->len; i += 2) {
			char *value = component_value(c, g_ptr_array_index(m->cmap->fields, i + 1));

			fill_field(record, g_ptr_array_index(m->cmap->fields, i), value, c->loc.pos);
			g_free(value);
		}
	} else {
		YamlDoc *doc;
		YamlNode *map;
		char *id;

		if (!room_for_record(m, c->loc.pos, diags))
			return;
		doc = yaml_doc_new();
		map = yaml_doc_add(doc, YAML_NODE_MAPPING, NULL, c->loc.pos);
		id = unique_id(m, sbom_component_id(type->prefix ? type->prefix : type->name, c));

		for (guint i = 0; i + 1 < m->cmap->fields->len; i += 2) {
			char *value = component_value(c, g_ptr_array_index(m->cmap->fields, i + 1));

			if (value != NULL && *value) {
				yaml_node_append(map, yaml_doc_add(doc, YAML_NODE_SCALAR,
				                                   g_ptr_array_index(m->cmap->fields, i),
				                                   c->loc.pos));
				yaml_node_append(map, yaml_doc_add(doc, YAML_NODE_SCALAR, value, c->loc.pos));
			}
			g_free(value);
		}
		record = make_record(m, doc, map, id, type->name, c->name ? c->name : c->ref,
		                     c->description, c->loc.pos, diags);
		g_free(id);
		if (record == NULL)
			return;
		index_component_record(m, record);
	}
	if (!g_hash_table_contains(m->by_ref, c->ref))
		g_hash_table_insert(m->by_ref, c->ref, record);
}

/* A title for a vulnerability record: the ID and the first sentence of
 * the description, cut before 100 characters at a space, so that tables
 * say what the vulnerability is. */
static char *
vulnerability_title(const char *id, const char *description)
{
	GString *title = g_string_new(id);
	const char *end;
	glong chars;

	if (description == NULL || *description == '\0')
		return g_string_free(title, FALSE);
	end = strstr(description, ". ");
	if (end == NULL)
		end = description + strlen(description);
	chars = g_utf8_strlen(description, end - description);
	g_string_append(title, ": ");
	if (chars > 100) {
		const char *cut = g_utf8_offset_to_pointer(description, 99);

		/* Cut at the last space, so no word is broken. */
		while (cut > description && *cut != ' ')
			cut--;
		if (cut == description)
			cut = g_utf8_offset_to_pointer(description, 99);
		g_string_append_len(title, description, cut - description);
		g_string_append(title, "\xE2\x80\xA6");
	} else {
		g_string_append_len(title, description, end - description);
		if (title->str[title->len - 1] == '.')
			g_string_truncate(title, title->len - 1);
	}
	return g_string_free(title, FALSE);
}

static gboolean
has_link(const Record *record, const char *role, const char *target)
{
	for (guint i = 0; i < record->links->len; i++) {
		const Link *l = g_ptr_array_index(record->links, i);

		if (strcmp(l->role, role) == 0 && strcmp(l->target, target) == 0)
			return TRUE;
	}
	return FALSE;
}

/* The IDs of the component records a vulnerability affects, in order,
 * without repeats. References to no component were reported by
 * sbom_check; they and the described product itself get no link. */
static GPtrArray *
affected_ids(Merge *m, const GPtrArray *vulns)
{
	GPtrArray *ids = g_ptr_array_new();

	for (guint k = 0; k < vulns->len; k++) {
		const SbomVulnerability *v = g_ptr_array_index(vulns, k);

		for (guint i = 0; i < v->affects->len; i++) {
			const char *ref = g_ptr_array_index(v->affects, i);
			const char *hash = g_str_has_prefix(ref, "urn:cdx:") ? strchr(ref, '#') : NULL;
			Record *r = g_hash_table_lookup(m->by_ref, hash ? hash + 1 : ref);
			gboolean seen = FALSE;

			for (guint j = 0; r != NULL && j < ids->len; j++)
				seen = seen || g_ptr_array_index(ids, j) == r->id;
			if (r != NULL && !seen)
				g_ptr_array_add(ids, r->id);
		}
	}
	return ids;
}

static void
merge_vulnerability(Merge *m, const char *vid, const GPtrArray *vulns, DiagList *diags)
{
	const SbomVulnerability *v = g_ptr_array_index(vulns, 0);
	const RecordType *type = model_type(m->model, m->vmap->type);
	Record *record = g_hash_table_lookup(m->by_vuln, vid);
	GPtrArray *targets = affected_ids(m, vulns);
	const char *role = m->vmap->link;

	if (record != NULL) {
		for (guint i = 0; i + 1 < m->vmap->fields->len; i += 2) {
			char *value = vulnerability_value(v, g_ptr_array_index(m->vmap->fields, i + 1));

			fill_field(record, g_ptr_array_index(m->vmap->fields, i), value, v->loc.pos);
			g_free(value);
		}
		if (targets->len > 0 && record_field(record, role) == NULL) {
			YamlNode *key = yaml_doc_add(record->doc, YAML_NODE_SCALAR, role, v->loc.pos);
			YamlNode *list = yaml_doc_add(record->doc, YAML_NODE_SEQUENCE, NULL, v->loc.pos);
			Field *field = g_new0(Field, 1);

			for (guint i = 0; i < targets->len; i++)
				yaml_node_append(list, yaml_doc_add(record->doc, YAML_NODE_SCALAR,
				                                    g_ptr_array_index(targets, i), v->loc.pos));
			field->name = key->text;
			field->value = list;
			field->pos = v->loc.pos;
			g_ptr_array_add(record->fields, field);
		}
		for (guint i = 0; i < targets->len; i++)
			if (!has_link(record, role, g_ptr_array_index(targets, i)))
				record_add_link(record, role, g_ptr_array_index(targets, i), v->loc.pos);
	} else if (room_for_record(m, v->loc.pos, diags)) {
		YamlDoc *doc = yaml_doc_new();
		YamlNode *map = yaml_doc_add(doc, YAML_NODE_MAPPING, NULL, v->loc.pos);
		char *title;
		char *s = slug(vid);
		char *id = unique_id(m, g_strdup_printf("%s-%s", type->prefix ? type->prefix : type->name,
		                                        s));

		g_free(s);
		for (guint i = 0; i + 1 < m->vmap->fields->len; i += 2) {
			char *value = vulnerability_value(v, g_ptr_array_index(m->vmap->fields, i + 1));

			if (value != NULL && *value) {
				yaml_node_append(map, yaml_doc_add(doc, YAML_NODE_SCALAR,
				                                   g_ptr_array_index(m->vmap->fields, i),
				                                   v->loc.pos));
				yaml_node_append(map, yaml_doc_add(doc, YAML_NODE_SCALAR, value, v->loc.pos));
			}
			g_free(value);
		}
		if (targets->len > 0) {
			YamlNode *list = yaml_doc_add(doc, YAML_NODE_SEQUENCE, NULL, v->loc.pos);

			for (guint i = 0; i < targets->len; i++)
				yaml_node_append(list, yaml_doc_add(doc, YAML_NODE_SCALAR,
				                                    g_ptr_array_index(targets, i), v->loc.pos));
			yaml_node_append(map, yaml_doc_add(doc, YAML_NODE_SCALAR, role, v->loc.pos));
			yaml_node_append(map, list);
		}
		title = vulnerability_title(vid, v->description);
		record = make_record(m, doc, map, id, type->name, title, v->description, v->loc.pos,
		                     diags);
		g_free(title);
		g_free(id);
		if (record != NULL)
			g_hash_table_insert(m->by_vuln, g_strdup(vid), record);
	}
	g_ptr_array_free(targets, TRUE);
}

GHashTable *
sbom_merge(Graph *graph, GPtrArray *sboms, DiagList *diags)
{
	const Model *model = graph->model;
	Merge m = {graph, model, &model->sbom_component, &model->sbom_vulnerability,
	           g_hash_table_new(g_str_hash, g_str_equal),
	           g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
	           g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
	           g_hash_table_new(g_str_hash, g_str_equal),
	           g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL), FALSE};
	const char *vid_field = m.vmap->type ? sbom_mapping_field(m.vmap, "id") : NULL;
	GHashTable *groups;
	GPtrArray *order;

	if (m.cmap->type == NULL)
		goto out;
	for (guint i = 0; i < graph->records->len; i++) {
		Record *r = g_ptr_array_index(graph->records, i);

		g_hash_table_add(m.ids, r->id);
		if (r->type_name != NULL && strcmp(r->type_name, m.cmap->type) == 0)
			index_component_record(&m, r);
		if (vid_field != NULL && r->type_name != NULL && strcmp(r->type_name, m.vmap->type) == 0 &&
		    record_value(r, vid_field) != NULL)
			g_hash_table_insert(m.by_vuln, g_strdup(record_value(r, vid_field)), r);
	}
	for (guint s = 0; s < sboms->len; s++) {
		const Sbom *sbom = g_ptr_array_index(sboms, s);

		for (guint i = 0; i < sbom->components->len; i++)
			merge_component(&m, g_ptr_array_index(sbom->components, i), diags);
	}
	if (m.vmap->type == NULL || m.vmap->link == NULL)
		goto out;
	/* One record per vulnerability ID, however many files and entries
	 * name it; entries in first-seen order. */
	groups = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	                               (GDestroyNotify)g_ptr_array_unref);
	order = g_ptr_array_new();
	for (guint s = 0; s < sboms->len; s++) {
		const Sbom *sbom = g_ptr_array_index(sboms, s);

		for (guint i = 0; i < sbom->vulnerabilities->len; i++) {
			SbomVulnerability *v = g_ptr_array_index(sbom->vulnerabilities, i);
			GPtrArray *group;

			if (v->id == NULL || *v->id == '\0')
				continue;
			group = g_hash_table_lookup(groups, v->id);
			if (group == NULL) {
				group = g_ptr_array_new();
				g_hash_table_insert(groups, v->id, group);
				g_ptr_array_add(order, v->id);
			}
			g_ptr_array_add(group, v);
		}
	}
	for (guint i = 0; i < order->len; i++)
		merge_vulnerability(&m, g_ptr_array_index(order, i),
		                    g_hash_table_lookup(groups, g_ptr_array_index(order, i)), diags);
	g_ptr_array_free(order, TRUE);
	g_hash_table_destroy(groups);
out:
	g_hash_table_destroy(m.ids);
	g_hash_table_destroy(m.by_purl);
	g_hash_table_destroy(m.by_name);
	g_hash_table_destroy(m.by_vuln);
	return m.by_ref;
}

void
sbom_check_support(const Graph *graph, const char *release_date, DiagList *diags)
{
	const SbomMapping *cmap = &graph->model->sbom_component;
	const char *level_field, *end_field;
	const RecordType *type;
	const FieldDef *level_def;

	if (cmap->type == NULL || (type = model_type(graph->model, cmap->type)) == NULL)
		return;
	level_field = sbom_mapping_field(cmap, "level_of_support");
	end_field = sbom_mapping_field(cmap, "end_of_support");
	/* A required level is already reported as a missing field. */
	level_def = level_field ? record_type_field(type, level_field) : NULL;
	for (guint i = 0; i < graph->records->len; i++) {
		const Record *r = g_ptr_array_index(graph->records, i);
		const char *level, *end;

		if (r->type != type)
			continue;
		level = level_field ? record_value(r, level_field) : NULL;
		end = end_field ? record_value(r, end_field) : NULL;
		if (level_field != NULL && (level == NULL || *level == '\0') &&
		    !(level_def != NULL && level_def->required))
			diag_add(diags, DIAG_SOUP_NO_SUPPORT, r->pos,
			         "%s '%s' states no level of support ('%s'), which FDA asks for each "
			         "SOUP component", type->title ? type->title : type->name, r->id,
			         level_field);
		if (end_field != NULL && (end == NULL || *end == '\0'))
			diag_add(diags, DIAG_SOUP_NO_SUPPORT, r->pos,
			         "%s '%s' states no end-of-support date ('%s'), which FDA asks for each "
			         "SOUP component", type->title ? type->title : type->name, r->id,
			         end_field);
		else if (end != NULL && release_date != NULL && strlen(end) >= 10 &&
		         strncmp(end, release_date, 10) < 0)
			diag_add(diags, DIAG_SOUP_SUPPORT_ENDED, r->pos,
			         "support for %s '%s' ends on %s, before the release date %s",
			         type->title ? type->title : type->name, r->id, end, release_date);
	}
}
