#include "sbom-export.h"

#include <string.h>

static char *
generate(JsonBuilder *b, gboolean pretty)
{
	JsonGenerator *gen = json_generator_new();
	JsonNode *root = json_builder_get_root(b);
	char *text;

	json_generator_set_pretty(gen, pretty);
	json_generator_set_indent(gen, 2);
	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, NULL);
	json_node_unref(root);
	g_object_unref(gen);
	return text;
}

static void
add_string(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name(b, name);
	if (value != NULL)
		json_builder_add_string_value(b, value);
	else
		json_builder_add_null_value(b);
}

/* ref -> GPtrArray of vulnerability IDs affecting it, over all SBOMs. */
static GHashTable *
vulnerabilities_by_ref(const GPtrArray *sboms)
{
	GHashTable *map = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	                                        (GDestroyNotify)g_ptr_array_unref);

	for (guint s = 0; s < sboms->len; s++) {
		const Sbom *sbom = g_ptr_array_index(sboms, s);

		for (guint i = 0; i < sbom->vulnerabilities->len; i++) {
			const SbomVulnerability *v = g_ptr_array_index(sbom->vulnerabilities, i);

			for (guint k = 0; v->id != NULL && k < v->affects->len; k++) {
				const char *ref = g_ptr_array_index(v->affects, k);
				GPtrArray *ids = g_hash_table_lookup(map, ref);

				if (ids == NULL) {
					ids = g_ptr_array_new();
					g_hash_table_insert(map, (gpointer)ref, ids);
				}
				g_ptr_array_add(ids, v->id);
			}
		}
	}
	return map;
}

char *
sbom_show_json(const GPtrArray *sboms)
{
	JsonBuilder *b = json_builder_new();
	GHashTable *vulns = vulnerabilities_by_ref(sboms);
	char *text;

	json_builder_begin_array(b);
	for (guint s = 0; s < sboms->len; s++) {
		const Sbom *sbom = g_ptr_array_index(sboms, s);

		for (guint i = 0; i < sbom->components->len; i++) {
			const SbomComponent *c = g_ptr_array_index(sbom->components, i);
			GPtrArray *ids = g_hash_table_lookup(vulns, c->ref);

			json_builder_begin_object(b);
			add_string(b, "file", sbom->file);
			add_string(b, "ref", c->ref);
			add_string(b, "name", c->name);
			add_string(b, "version", c->version);
			add_string(b, "supplier", c->supplier);
			add_string(b, "purl", c->purl);
			json_builder_set_member_name(b, "licences");
			json_builder_begin_array(b);
			for (guint k = 0; k < c->licences->len; k++)
				json_builder_add_string_value(
					b, ((SbomLicence *)g_ptr_array_index(c->licences, k))->text);
			json_builder_end_array(b);
			add_string(b, "level_of_support", c->level_of_support);
			add_string(b, "end_of_support", c->end_of_support);
			json_builder_set_member_name(b, "vulnerabilities");
			json_builder_begin_array(b);
			for (guint k = 0; ids != NULL && k < ids->len; k++)
				json_builder_add_string_value(b, g_ptr_array_index(ids, k));
			json_builder_end_array(b);
			json_builder_end_object(b);
		}
	}
	json_builder_end_array(b);
	text = generate(b, TRUE);
	g_object_unref(b);
	g_hash_table_destroy(vulns);
	return text;
}

char *
sbom_show_text(const GPtrArray *sboms)
{
	GString *out = g_string_new(NULL);
	GHashTable *vulns = vulnerabilities_by_ref(sboms);

	for (guint s = 0; s < sboms->len; s++) {
		const Sbom *sbom = g_ptr_array_index(sboms, s);

		for (guint i = 0; i < sbom->components->len; i++) {
			const SbomComponent *c = g_ptr_array_index(sbom->components, i);
			GPtrArray *ids = g_hash_table_lookup(vulns, c->ref);

			g_string_append_printf(out, "%s %s", c->name ? c->name : c->ref,
			                       c->version ? c->version : "(no version)");
			g_string_append_printf(out, "  supplier: %s", c->supplier ? c->supplier : "-");
			g_string_append_printf(out, "  purl: %s", c->purl ? c->purl : "-");
			g_string_append(out, "  licences: ");
			for (guint k = 0; k < c->licences->len; k++)
				g_string_append_printf(out, "%s%s", k ? ", " : "",
				                       ((SbomLicence *)g_ptr_array_index(c->licences, k))->text);
			if (c->licences->len == 0)
				g_string_append(out, "-");
			if (c->level_of_support || c->end_of_support)
				g_string_append_printf(out, "  support: %s until %s",
				                       c->level_of_support ? c->level_of_support : "-",
				                       c->end_of_support ? c->end_of_support : "-");
			if (ids != NULL) {
				g_string_append(out, "  vulnerabilities: ");
				for (guint k = 0; k < ids->len; k++)
					g_string_append_printf(out, "%s%s", k ? ", " : "",
					                       (char *)g_ptr_array_index(ids, k));
			}
			g_string_append_c(out, '\n');
		}
	}
	g_hash_table_destroy(vulns);
	return g_string_free(out, FALSE);
}

/* ---- CycloneDX 1.6 export ---- */

static const char *
field_value(const Record *r, const SbomMapping *mapping, const char *value)
{
	const char *field = sbom_mapping_field(mapping, value);

	return field ? record_value(r, field) : NULL;
}

/* A licence that parses as an SPDX expression (a single ID is one) goes
 * in as an expression: the schema checks `license.id` against the SPDX
 * list it ships, which lags behind the list, while it takes an expression
 * as text. Anything else is a named licence. NOASSERTION and NONE say
 * nothing about the licence and are left out. */
static void
add_licences(JsonBuilder *b, const char *text)
{
	int col;
	const char *error;

	if (text == NULL || *text == '\0' || strcmp(text, "NOASSERTION") == 0 ||
	    strcmp(text, "NONE") == 0)
		return;
	json_builder_set_member_name(b, "licenses");
	json_builder_begin_array(b);
	json_builder_begin_object(b);
	if (sbom_licence_expression_valid(text, &col, &error)) {
		add_string(b, "expression", text);
	} else {
		json_builder_set_member_name(b, "license");
		json_builder_begin_object(b);
		add_string(b, "name", text);
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
	json_builder_end_array(b);
}

static void
add_property(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_begin_object(b);
	add_string(b, "name", name);
	add_string(b, "value", value);
	json_builder_end_object(b);
}

/* CycloneDX analysis states use underscores; ours use hyphens. */
static char *
cyclonedx_state(const char *state)
{
	static const char *const states[] = {"resolved", "resolved_with_pedigree", "exploitable",
	                                     "in_triage", "false_positive", "not_affected", NULL};
	char *s = g_strdup(state);

	g_strdelimit(s, "-", '_');
	for (guint i = 0; states[i] != NULL; i++)
		if (strcmp(states[i], s) == 0)
			return s;
	g_free(s);
	return NULL;
}

/* The CycloneDX 1.6 component type for a type read from an SBOM: a
 * CycloneDX type as it is, an SPDX primaryPackagePurpose by its meaning,
 * anything else (or nothing) as a library. */
static const char *
cyclonedx_type(const char *type)
{
	static const char *const cyclonedx[] = {
		"application", "framework", "library", "container", "platform", "operating-system",
		"device", "device-driver", "firmware", "file", "machine-learning-model", "data",
		"cryptographic-asset", NULL};
	static const char *const spdx[][2] = {
		{"APPLICATION", "application"}, {"FRAMEWORK", "framework"}, {"LIBRARY", "library"},
		{"CONTAINER", "container"}, {"OPERATING-SYSTEM", "operating-system"},
		{"DEVICE", "device"}, {"FIRMWARE", "firmware"}, {"FILE", "file"}, {"ARCHIVE", "file"},
		{"INSTALL", "application"}, {"SOURCE", "library"}, {"OTHER", "library"}};

	if (type == NULL)
		return "library";
	for (guint i = 0; cyclonedx[i] != NULL; i++)
		if (strcmp(cyclonedx[i], type) == 0)
			return cyclonedx[i];
	for (guint i = 0; i < G_N_ELEMENTS(spdx); i++)
		if (g_ascii_strcasecmp(spdx[i][0], type) == 0)
			return spdx[i][1];
	return "library";
}

static const char *const justifications[] = {
	"code_not_present", "code_not_reachable", "requires_configuration",
	"requires_dependency", "requires_environment", "protected_by_compiler",
	"protected_at_runtime", "protected_at_perimeter", "protected_by_mitigating_control",
	NULL};

static void
add_component(JsonBuilder *b, const Project *project, const Record *r, const SbomComponent *c)
{
	const SbomMapping *map = &project->model->sbom_component;
	const char *supplier = field_value(r, map, "supplier");
	const char *level = field_value(r, map, "level_of_support");
	const char *end = field_value(r, map, "end_of_support");
	const char *purl = field_value(r, map, "purl");
	const char *cpe = field_value(r, map, "cpe");
	const char *version = field_value(r, map, "version");

	json_builder_begin_object(b);
	add_string(b, "type", cyclonedx_type(c ? c->type : NULL));
	add_string(b, "bom-ref", r->id);
	if (supplier != NULL) {
		json_builder_set_member_name(b, "supplier");
		json_builder_begin_object(b);
		add_string(b, "name", supplier);
		json_builder_end_object(b);
	}
	add_string(b, "name", c && c->name ? c->name : r->title);
	if (version != NULL || (c && c->version))
		add_string(b, "version", version ? version : c->version);
	if (c != NULL && c->description != NULL)
		add_string(b, "description", c->description);
	if (c != NULL && c->hashes->len > 0) {
		json_builder_set_member_name(b, "hashes");
		json_builder_begin_array(b);
		for (guint i = 0; i < c->hashes->len; i++) {
			const char *h = g_ptr_array_index(c->hashes, i);
			const char *colon = strchr(h, ':');

			if (colon == NULL)
				continue;
			json_builder_begin_object(b);
			json_builder_set_member_name(b, "alg");
			{
				char *alg = g_strndup(h, (gsize)(colon - h));

				json_builder_add_string_value(b, alg);
				g_free(alg);
			}
			add_string(b, "content", colon + 1);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
	}
	add_licences(b, field_value(r, map, "licence"));
	if (cpe != NULL || (c && c->cpe))
		add_string(b, "cpe", cpe ? cpe : c->cpe);
	if (purl != NULL || (c && c->purl))
		add_string(b, "purl", purl ? purl : c->purl);
	if (level != NULL || end != NULL) {
		json_builder_set_member_name(b, "properties");
		json_builder_begin_array(b);
		if (end != NULL)
			add_property(b, "cdx:lifecycle:milestone:endOfSupport", end);
		if (level != NULL)
			add_property(b, "dossier:levelOfSupport", level);
		json_builder_end_array(b);
	}
	json_builder_end_object(b);
}

/* The first entry of the project's SBOMs for a vulnerability ID, which
 * carries what the record does not: the source and the rating method. */
static const SbomVulnerability *
sbom_entry(const Project *project, const char *id)
{
	for (guint s = 0; id != NULL && project->sboms != NULL && s < project->sboms->len; s++) {
		const Sbom *sbom = g_ptr_array_index(project->sboms, s);

		for (guint i = 0; i < sbom->vulnerabilities->len; i++) {
			const SbomVulnerability *v = g_ptr_array_index(sbom->vulnerabilities, i);

			if (v->id != NULL && strcmp(v->id, id) == 0)
				return v;
		}
	}
	return NULL;
}

static void
add_vulnerability(JsonBuilder *b, const Project *project, const Record *r, GHashTable *exported)
{
	const SbomMapping *map = &project->model->sbom_vulnerability;
	const char *id = field_value(r, map, "id");
	const char *score = field_value(r, map, "score");
	const char *state = field_value(r, map, "state");
	const char *justification = field_value(r, map, "justification");
	const SbomVulnerability *entry = sbom_entry(project, id ? id : r->id);
	char *cdx_state = state ? cyclonedx_state(state) : NULL;
	const char *code = NULL, *detail = NULL;
	char *body = g_strstrip(g_strdup(r->body ? r->body : ""));

	json_builder_begin_object(b);
	add_string(b, "bom-ref", r->id);
	add_string(b, "id", id ? id : r->id);
	if (entry != NULL && entry->source != NULL) {
		json_builder_set_member_name(b, "source");
		json_builder_begin_object(b);
		add_string(b, "name", entry->source);
		json_builder_end_object(b);
	}
	/* The SBOM's own description when there is one, else the record's
	 * title. */
	if (entry != NULL && entry->description != NULL && *entry->description != '\0')
		add_string(b, "description", entry->description);
	else if (r->title != NULL)
		add_string(b, "description", r->title);
	else if (*body != '\0')
		add_string(b, "description", body);
	g_free(body);
	if (score != NULL) {
		char *end;
		double value = g_ascii_strtod(score, &end);

		if (*end == '\0' && end != score) {
			json_builder_set_member_name(b, "ratings");
			json_builder_begin_array(b);
			json_builder_begin_object(b);
			json_builder_set_member_name(b, "score");
			json_builder_add_double_value(b, value);
			if (entry != NULL && entry->severity != NULL)
				add_string(b, "severity", entry->severity);
			/* Without an SBOM entry the CVSS version is unknown. */
			add_string(b, "method",
			           entry != NULL && entry->method != NULL ? entry->method : "other");
			json_builder_end_object(b);
			json_builder_end_array(b);
		}
	}
	/* The justification is a CycloneDX code as written, or as the import
	 * wrote it in words ("Code not present: detail"). */
	for (guint i = 0; justification != NULL && code == NULL && justifications[i] != NULL; i++) {
		char *words = g_strdup(justifications[i]);
		size_t n = strlen(words);

		g_strdelimit(words, "_", ' ');
		words[0] = g_ascii_toupper(words[0]);
		if (strcmp(justifications[i], justification) == 0) {
			code = justifications[i];
			detail = "";
		} else if (strncmp(words, justification, n) == 0 &&
		           (justification[n] == '\0' || justification[n] == ':')) {
			code = justifications[i];
			detail = justification + n + (justification[n] == ':' ? 1 : 0);
			while (*detail == ' ')
				detail++;
		}
		g_free(words);
	}
	if (code == NULL)
		detail = justification;
	if (cdx_state != NULL || justification != NULL) {
		json_builder_set_member_name(b, "analysis");
		json_builder_begin_object(b);
		if (cdx_state != NULL)
			add_string(b, "state", cdx_state);
		if (code != NULL)
			add_string(b, "justification", code);
		if (detail != NULL && *detail != '\0')
			add_string(b, "detail", detail);
		json_builder_end_object(b);
	}
	json_builder_set_member_name(b, "affects");
	json_builder_begin_array(b);
	for (guint i = 0; i < r->links->len; i++) {
		const Link *l = g_ptr_array_index(r->links, i);

		if (map->link == NULL || strcmp(l->role, map->link) != 0 || l->to == NULL ||
		    !g_hash_table_contains(exported, l->to->id))
			continue;
		json_builder_begin_object(b);
		add_string(b, "ref", l->to->id);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	g_free(cdx_state);
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The document without its serial number, which is derived from it. */
static void
build_document(JsonBuilder *b, const Project *project, const char *date, const char *serial)
{
	const SbomMapping *cmap = &project->model->sbom_component;
	const SbomMapping *vmap = &project->model->sbom_vulnerability;
	const char *device = yaml_scalar(yaml_map_get(project->settings, "device_name"));
	const char *version = yaml_scalar(yaml_map_get(project->settings, "version"));
	const char *maker = yaml_scalar(yaml_map_get(project->settings, "manufacturer"));
	GHashTable *first = g_hash_table_new(NULL, NULL); /* Record* -> SbomComponent* */
	GHashTable *exported = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *depended = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *components = g_ptr_array_new();
	const GPtrArray *records = project->graph->records;

	for (guint s = 0; project->sboms != NULL && s < project->sboms->len; s++) {
		const Sbom *sbom = g_ptr_array_index(project->sboms, s);

		for (guint i = 0; i < sbom->components->len; i++) {
			SbomComponent *c = g_ptr_array_index(sbom->components, i);
			Record *r = g_hash_table_lookup(project->sbom_records, c->ref);

			if (r != NULL && !g_hash_table_contains(first, r))
				g_hash_table_insert(first, r, c);
		}
	}
	for (guint i = 0; cmap->type != NULL && i < records->len; i++) {
		const Record *r = g_ptr_array_index(records, i);

		if (r->type_name != NULL && strcmp(r->type_name, cmap->type) == 0) {
			g_ptr_array_add(components, (gpointer)r);
			g_hash_table_add(exported, r->id);
		}
	}

	json_builder_begin_object(b);
	add_string(b, "$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
	add_string(b, "bomFormat", "CycloneDX");
	add_string(b, "specVersion", "1.6");
	if (serial != NULL)
		add_string(b, "serialNumber", serial);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, 1);
	json_builder_set_member_name(b, "metadata");
	json_builder_begin_object(b);
	add_string(b, "timestamp", date);
	json_builder_set_member_name(b, "tools");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "components");
	json_builder_begin_array(b);
	json_builder_begin_object(b);
	add_string(b, "type", "application");
	add_string(b, "name", "dossier");
	add_string(b, "version", PACKAGE_VERSION);
	json_builder_end_object(b);
	json_builder_end_array(b);
	json_builder_end_object(b);
	if (maker != NULL) {
		json_builder_set_member_name(b, "authors");
		json_builder_begin_array(b);
		json_builder_begin_object(b);
		add_string(b, "name", maker);
		json_builder_end_object(b);
		json_builder_end_array(b);
	}
	json_builder_set_member_name(b, "component");
	json_builder_begin_object(b);
	add_string(b, "type", "device");
	add_string(b, "bom-ref", "device");
	if (maker != NULL) {
		json_builder_set_member_name(b, "supplier");
		json_builder_begin_object(b);
		add_string(b, "name", maker);
		json_builder_end_object(b);
	}
	add_string(b, "name", device ? device : "device");
	if (version != NULL)
		add_string(b, "version", version);
	json_builder_end_object(b);
	json_builder_end_object(b);

	json_builder_set_member_name(b, "components");
	json_builder_begin_array(b);
	for (guint i = 0; i < components->len; i++) {
		const Record *r = g_ptr_array_index(components, i);

		add_component(b, project, r, g_hash_table_lookup(first, r));
	}
	json_builder_end_array(b);

	/* Each component's dependencies from its SBOM entry, by record ID;
	 * the device depends on every component nothing else depends on. */
	json_builder_set_member_name(b, "dependencies");
	json_builder_begin_array(b);
	for (guint i = 0; i < components->len; i++) {
		const Record *r = g_ptr_array_index(components, i);
		const SbomComponent *c = g_hash_table_lookup(first, r);
		GPtrArray *to = g_ptr_array_new();

		for (guint s = 0; c != NULL && s < project->sboms->len; s++) {
			const Sbom *sbom = g_ptr_array_index(project->sboms, s);

			for (guint d = 0; d < sbom->dependencies->len; d++) {
				const SbomDependency *dep = g_ptr_array_index(sbom->dependencies, d);

				if (g_hash_table_lookup(project->sbom_records, dep->ref) != r)
					continue;
				for (guint k = 0; k < dep->depends_on->len; k++) {
					Record *target = g_hash_table_lookup(project->sbom_records,
					                                     g_ptr_array_index(dep->depends_on, k));
					gboolean seen = target == r;

					for (guint j = 0; target != NULL && j < to->len; j++)
						seen = seen || g_ptr_array_index(to, j) == target->id;
					if (target != NULL && !seen && g_hash_table_contains(exported, target->id))
						g_ptr_array_add(to, target->id);
				}
			}
		}
		g_ptr_array_sort(to, compare_strings);
		json_builder_begin_object(b);
		add_string(b, "ref", r->id);
		json_builder_set_member_name(b, "dependsOn");
		json_builder_begin_array(b);
		for (guint k = 0; k < to->len; k++) {
			json_builder_add_string_value(b, g_ptr_array_index(to, k));
			g_hash_table_add(depended, g_ptr_array_index(to, k));
		}
		json_builder_end_array(b);
		json_builder_end_object(b);
		g_ptr_array_free(to, TRUE);
	}
	/* The device depends on what each SBOM's product depends on directly,
	 * and on every component nothing else depends on. */
	{
		GPtrArray *direct = g_ptr_array_new();

		for (guint s = 0; project->sboms != NULL && s < project->sboms->len; s++) {
			const Sbom *sbom = g_ptr_array_index(project->sboms, s);

			for (guint d = 0; d < sbom->dependencies->len; d++) {
				const SbomDependency *dep = g_ptr_array_index(sbom->dependencies, d);

				if (!g_ptr_array_find_with_equal_func(sbom->subject_refs, dep->ref, g_str_equal,
				                                      NULL))
					continue;
				for (guint k = 0; k < dep->depends_on->len; k++) {
					Record *target = g_hash_table_lookup(project->sbom_records,
					                                     g_ptr_array_index(dep->depends_on, k));

					if (target != NULL && g_hash_table_contains(exported, target->id) &&
					    !g_ptr_array_find_with_equal_func(direct, target->id, g_str_equal, NULL))
						g_ptr_array_add(direct, target->id);
				}
			}
		}
		for (guint i = 0; i < components->len; i++) {
			const Record *r = g_ptr_array_index(components, i);

			if (!g_hash_table_contains(depended, r->id) &&
			    !g_ptr_array_find_with_equal_func(direct, r->id, g_str_equal, NULL))
				g_ptr_array_add(direct, r->id);
		}
		g_ptr_array_sort(direct, compare_strings);
		json_builder_begin_object(b);
		add_string(b, "ref", "device");
		json_builder_set_member_name(b, "dependsOn");
		json_builder_begin_array(b);
		for (guint i = 0; i < direct->len; i++)
			json_builder_add_string_value(b, g_ptr_array_index(direct, i));
		json_builder_end_array(b);
		json_builder_end_object(b);
		g_ptr_array_free(direct, TRUE);
	}
	json_builder_end_array(b);

	if (vmap->type != NULL) {
		json_builder_set_member_name(b, "vulnerabilities");
		json_builder_begin_array(b);
		for (guint i = 0; i < records->len; i++) {
			const Record *r = g_ptr_array_index(records, i);

			if (r->type_name != NULL && strcmp(r->type_name, vmap->type) == 0)
				add_vulnerability(b, project, r, exported);
		}
		json_builder_end_array(b);
	}
	json_builder_end_object(b);
	g_ptr_array_free(components, TRUE);
	g_hash_table_destroy(first);
	g_hash_table_destroy(exported);
	g_hash_table_destroy(depended);
}

char *
sbom_export_cyclonedx(const Project *project, const char *date)
{
	JsonBuilder *b = json_builder_new();
	char *body, *digest, *serial, *text;

	build_document(b, project, date, NULL);
	body = generate(b, FALSE);
	g_object_unref(b);
	/* A name-based UUID in the RFC 4122 layout: version 5 and the RFC
	 * variant, so the schema's serial number pattern accepts it. */
	digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, body, -1);
	digest[12] = '5';
	digest[16] = "89ab"[g_ascii_xdigit_value(digest[16]) & 3];
	serial = g_strdup_printf("urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", digest, digest + 8,
	                         digest + 12, digest + 16, digest + 20);
	b = json_builder_new();
	build_document(b, project, date, serial);
	text = generate(b, TRUE);
	g_object_unref(b);
	g_free(body);
	g_free(digest);
	g_free(serial);
	return text;
}
