/* CycloneDX JSON reader, specification versions 1.3 to 1.6.
 *
 * The reader copies the document into the Sbom structs as written. It
 * reports only what it cannot copy: a field of the wrong JSON type, which
 * it skips, and a specVersion outside 1.3 to 1.6, which it still reads.
 * Missing NTIA elements, placeholders, licence syntax, duplicates and
 * unknown references are left to sbom_check. */
#include "sbom-json.h"

#include <math.h>
#include <string.h>

typedef SbomJsonReader Reader;

/* Frees text and returns NULL when it is empty, so that an empty name
 * passes the choice on to the next source. */
static char *
nonempty(char *text)
{
	if (text != NULL && *text == '\0') {
		g_free(text);
		return NULL;
	}
	return text;
}

/* The name of an organizational entity or contact (supplier, manufacturer,
 * author); NULL when absent or empty. */
static char *
entity_name(Reader *r, JsonObject *obj, const char *path, const char *member)
{
	JsonObject *entity = sbom_json_member_object(r, obj, path, member);
	char *entity_path;
	char *name;

	if (entity == NULL)
		return NULL;
	entity_path = sbom_pointer_member(path, member);
	name = nonempty(sbom_json_member_string(r, entity, entity_path, "name"));
	g_free(entity_path);
	return name;
}

/* Returns the text of a number as close to the file as json-glib allows.
 * json-glib keeps the value, not the text, but it parses a number with a
 * fraction or an exponent as a double and one without as an integer. So
 * the shortest text that reads back as the same double, with ".0" added
 * when the double is whole, gives "9.8" and "0.0" back as written, but
 * "9.80" comes back as "9.8" and "1e1" as "10.0". */
static char *
number_text(JsonNode *node)
{
	char text[G_ASCII_DTOSTR_BUF_SIZE];
	double value;

	if (json_node_get_value_type(node) == G_TYPE_INT64)
		return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
	value = json_node_get_double(node);
	for (int precision = 1; precision <= 17; precision++) {
		char format[8];

		g_snprintf(format, sizeof format, "%%.%dg", precision);
		g_ascii_formatd(text, sizeof text, format, value);
		if (g_ascii_strtod(text, NULL) == value)
			break;
	}
	if (isfinite(value) && strpbrk(text, ".eE") == NULL)
		return g_strconcat(text, ".0", NULL);
	return g_strdup(text);
}

static gboolean
version_supported(const char *version)
{
	static const char *const supported[] = {"1.3", "1.4", "1.5", "1.6", NULL};

	for (guint i = 0; supported[i] != NULL; i++)
		if (strcmp(version, supported[i]) == 0)
			return TRUE;
	return FALSE;
}

static void
read_spec_version(Reader *r, JsonNode *root)
{
	JsonObject *obj = json_node_get_object(root);
	JsonNode *node = json_object_get_member(obj, "specVersion");

	if (node == NULL) {
		diag_add(r->diags, DIAG_SBOM_UNSUPPORTED_VERSION, sbom_json_pos(r->positions, root),
		         "the document has no '/specVersion'; dossier reads CycloneDX 1.3 to 1.6 and "
		         "reads this file as one of them");
		return;
	}
	r->sbom->spec_version = sbom_json_member_string(r, obj, "", "specVersion");
	if (r->sbom->spec_version != NULL && !version_supported(r->sbom->spec_version))
		diag_add(r->diags, DIAG_SBOM_UNSUPPORTED_VERSION, sbom_json_pos(r->positions, node),
		         "'/specVersion' is \"%s\", but dossier reads CycloneDX 1.3 to 1.6; the file "
		         "is read as one of them, and fields it does not know are ignored",
		         r->sbom->spec_version);
}

/* Adds "name version" of each tool in a tools array. The 1.3 and 1.4
 * tool objects have vendor, name and version; the 1.5 components and
 * services have name and version too. */
static void
read_tool_list(Reader *r, JsonArray *tools, const char *path)
{
	for (guint i = 0; i < json_array_get_length(tools); i++) {
		JsonNode *node = sbom_json_element(r, tools, i, path, SBOM_WANT_OBJECT);
		char *tool_path;
		char *name;
		char *version;

		if (node == NULL)
			continue;
		tool_path = sbom_pointer_index(path, i);
		name = nonempty(sbom_json_member_string(r, json_node_get_object(node), tool_path, "name"));
		if (name == NULL)
			name = nonempty(sbom_json_member_string(r, json_node_get_object(node), tool_path,
			                              "vendor"));
		version = nonempty(sbom_json_member_string(r, json_node_get_object(node), tool_path,
		                                 "version"));
		if (name != NULL && version != NULL)
			g_ptr_array_add(r->sbom->tools, g_strdup_printf("%s %s", name, version));
		else if (name != NULL || version != NULL)
			g_ptr_array_add(r->sbom->tools, g_strdup(name ? name : version));
		g_free(name);
		g_free(version);
		g_free(tool_path);
	}
}

/* metadata.tools is an array in 1.3 and 1.4 (deprecated but allowed
 * later) and an object with components and services from 1.5. */
static void
read_tools(Reader *r, JsonObject *metadata)
{
	JsonNode *node = json_object_get_member(metadata, "tools");

	if (node == NULL)
		return;
	if (JSON_NODE_HOLDS_ARRAY(node)) {
		read_tool_list(r, json_node_get_array(node), "/metadata/tools");
	} else if (JSON_NODE_HOLDS_OBJECT(node)) {
		JsonObject *obj = json_node_get_object(node);
		JsonArray *components = sbom_json_member_array(r, obj, "/metadata/tools", "components");
		JsonArray *services = sbom_json_member_array(r, obj, "/metadata/tools", "services");

		if (components != NULL)
			read_tool_list(r, components, "/metadata/tools/components");
		if (services != NULL)
			read_tool_list(r, services, "/metadata/tools/services");
	} else {
		diag_add(r->diags, DIAG_SBOM_BAD_FIELD, sbom_json_pos(r->positions, node),
		         "'/metadata/tools' must be an array or an object, not %s; it is skipped",
		         sbom_json_kind_name(node));
	}
}

/* The authors of the SBOM itself. metadata.supplier and the 1.6
 * metadata.manufacturer name who supplies or makes the product, not who
 * wrote the SBOM, so they are not authors. An author with no name but an
 * email is named by the email. */
static void
read_authors(Reader *r, JsonObject *metadata)
{
	JsonArray *authors = sbom_json_member_array(r, metadata, "/metadata", "authors");

	for (guint i = 0; authors != NULL && i < json_array_get_length(authors); i++) {
		JsonNode *node = sbom_json_element(r, authors, i, "/metadata/authors", SBOM_WANT_OBJECT);
		char *path;
		char *name;

		if (node == NULL)
			continue;
		path = sbom_pointer_index("/metadata/authors", i);
		name = nonempty(sbom_json_member_string(r, json_node_get_object(node), path, "name"));
		if (name == NULL)
			name = nonempty(sbom_json_member_string(r, json_node_get_object(node), path, "email"));
		if (name != NULL)
			g_ptr_array_add(r->sbom->authors, name);
		g_free(path);
	}
}

static void
add_licence(Reader *r, SbomComponent *c, SbomLicenceKind kind, JsonNode *node,
            const char *parent_path, const char *member)
{
	char *path = sbom_pointer_member(parent_path, member);

	sbom_licence_add(c, kind, json_node_get_string(node),
	                 sbom_loc(sbom_json_pos(r->positions, node), path));
	g_free(path);
}

/* A licence choice is {license: {id}}, {license: {name}} or
 * {expression}. 1.6 adds an acknowledgement beside each, which is not
 * kept. cyclonedx-py 7.3.1 writes the expression inside the license
 * object, and that is read as an expression too. A name that is a
 * LicenseRef- is an SPDX ID: the schemas allow only SPDX-listed IDs in
 * id, so generators put their LicenseRef- in name. */
static void
read_licence(Reader *r, SbomComponent *c, JsonNode *node, const char *path)
{
	JsonObject *choice = json_node_get_object(node);
	JsonNode *expression = sbom_json_member(r, choice, path, "expression", SBOM_WANT_STRING);
	JsonObject *licence = sbom_json_member_object(r, choice, path, "license");
	char *licence_path;
	JsonNode *id;
	JsonNode *name;
	JsonNode *inner_expression;

	if (expression != NULL) {
		add_licence(r, c, SBOM_LICENCE_EXPRESSION, expression, path, "expression");
		return;
	}
	if (licence == NULL) {
		if (!json_object_has_member(choice, "license") &&
		    !json_object_has_member(choice, "expression"))
			diag_add(r->diags, DIAG_SBOM_BAD_FIELD, sbom_json_pos(r->positions, node),
			         "'%s' has neither 'license' nor 'expression'; it is skipped", path);
		return;
	}
	licence_path = sbom_pointer_member(path, "license");
	id = sbom_json_member(r, licence, licence_path, "id", SBOM_WANT_STRING);
	name = sbom_json_member(r, licence, licence_path, "name", SBOM_WANT_STRING);
	inner_expression = sbom_json_member(r, licence, licence_path, "expression", SBOM_WANT_STRING);
	if (id != NULL)
		add_licence(r, c, SBOM_LICENCE_ID, id, licence_path, "id");
	else if (name != NULL)
		add_licence(r, c,
		            g_str_has_prefix(json_node_get_string(name), "LicenseRef-")
		                    ? SBOM_LICENCE_ID
		                    : SBOM_LICENCE_NAME,
		            name, licence_path, "name");
	else if (inner_expression != NULL)
		add_licence(r, c, SBOM_LICENCE_EXPRESSION, inner_expression, licence_path,
		            "expression");
	else if (!json_object_has_member(licence, "id") && !json_object_has_member(licence, "name") &&
	         !json_object_has_member(licence, "expression"))
		diag_add(r->diags, DIAG_SBOM_BAD_FIELD,
		         sbom_json_pos(r->positions, json_object_get_member(choice, "license")),
		         "'%s' has neither 'id' nor 'name'; it is skipped", licence_path);
	g_free(licence_path);
}

static void
read_licences(Reader *r, SbomComponent *c, JsonObject *obj, const char *path)
{
	JsonArray *licences = sbom_json_member_array(r, obj, path, "licenses");
	char *licences_path;

	if (licences == NULL)
		return;
	licences_path = sbom_pointer_member(path, "licenses");
	for (guint i = 0; i < json_array_get_length(licences); i++) {
		JsonNode *node = sbom_json_element(r, licences, i, licences_path, SBOM_WANT_OBJECT);
		char *choice_path;

		if (node == NULL)
			continue;
		choice_path = sbom_pointer_index(licences_path, i);
		read_licence(r, c, node, choice_path);
		g_free(choice_path);
	}
	g_free(licences_path);
}

static void
read_hashes(Reader *r, SbomComponent *c, JsonObject *obj, const char *path)
{
	JsonArray *hashes = sbom_json_member_array(r, obj, path, "hashes");
	char *hashes_path;

	if (hashes == NULL)
		return;
	hashes_path = sbom_pointer_member(path, "hashes");
	for (guint i = 0; i < json_array_get_length(hashes); i++) {
		JsonNode *node = sbom_json_element(r, hashes, i, hashes_path, SBOM_WANT_OBJECT);
		char *hash_path;
		char *alg;
		char *content;

		if (node == NULL)
			continue;
		hash_path = sbom_pointer_index(hashes_path, i);
		alg = sbom_json_member_string(r, json_node_get_object(node), hash_path, "alg");
		content = sbom_json_member_string(r, json_node_get_object(node), hash_path, "content");
		if (alg != NULL && content != NULL)
			g_ptr_array_add(c->hashes, g_strdup_printf("%s:%s", alg, content));
		g_free(alg);
		g_free(content);
		g_free(hash_path);
	}
	g_free(hashes_path);
}

/* The FDA support fields. When a property repeats, the first value is
 * kept. */
static void
read_properties(Reader *r, SbomComponent *c, JsonObject *obj, const char *path)
{
	JsonArray *properties = sbom_json_member_array(r, obj, path, "properties");
	char *properties_path;

	if (properties == NULL)
		return;
	properties_path = sbom_pointer_member(path, "properties");
	for (guint i = 0; i < json_array_get_length(properties); i++) {
		JsonNode *node = sbom_json_element(r, properties, i, properties_path, SBOM_WANT_OBJECT);
		char *property_path;
		char *name;
		char **field = NULL;

		if (node == NULL)
			continue;
		property_path = sbom_pointer_index(properties_path, i);
		name = sbom_json_member_string(r, json_node_get_object(node), property_path, "name");
		if (g_strcmp0(name, "cdx:lifecycle:milestone:endOfSupport") == 0)
			field = &c->end_of_support;
		else if (g_strcmp0(name, "dossier:levelOfSupport") == 0)
			field = &c->level_of_support;
		if (field != NULL && *field == NULL)
			*field = sbom_json_member_string(r, json_node_get_object(node), property_path, "value");
		g_free(name);
		g_free(property_path);
	}
	g_free(properties_path);
}

/* The supplier is the NTIA supplier element: supplier.name, else the 1.6
 * manufacturer.name, else the free-text author of 1.3 to 1.5, else the
 * first named entry of the 1.6 authors array that replaces it. publisher
 * is not used because it names the party that published the package (a
 * registry, a repackager), which need not be the supplier. Every
 * source is read so that each wrong type is reported. */
static char *
read_supplier(Reader *r, JsonObject *obj, const char *path)
{
	char *sources[4] = {NULL};
	JsonArray *authors;
	char *result = NULL;

	sources[0] = entity_name(r, obj, path, "supplier");
	sources[1] = entity_name(r, obj, path, "manufacturer");
	sources[2] = nonempty(sbom_json_member_string(r, obj, path, "author"));
	authors = sbom_json_member_array(r, obj, path, "authors");
	if (authors != NULL) {
		char *authors_path = sbom_pointer_member(path, "authors");

		for (guint i = 0; sources[3] == NULL && i < json_array_get_length(authors); i++) {
			JsonNode *node = sbom_json_element(r, authors, i, authors_path, SBOM_WANT_OBJECT);
			char *author_path;

			if (node == NULL)
				continue;
			author_path = sbom_pointer_index(authors_path, i);
			sources[3] = nonempty(sbom_json_member_string(r, json_node_get_object(node), author_path,
			                                    "name"));
			g_free(author_path);
		}
		g_free(authors_path);
	}
	for (guint i = 0; i < G_N_ELEMENTS(sources); i++) {
		if (result == NULL)
			result = sources[i];
		else
			g_free(sources[i]);
	}
	return result;
}

/* Adds the component at node (an object) to the SBOM and returns it. A
 * component without a bom-ref (or with an empty one) gets "#N", N being
 * its 1-based place among the components read. */
static SbomComponent *
read_component(Reader *r, JsonNode *node, const char *path, const char *parent_ref)
{
	JsonObject *obj = json_node_get_object(node);
	SbomComponent *c = sbom_component_new();

	c->loc = sbom_loc(sbom_json_pos(r->positions, node), path);
	c->ref = nonempty(sbom_json_member_string(r, obj, path, "bom-ref"));
	if (c->ref == NULL)
		c->ref = g_strdup_printf("#%u", r->sbom->components->len + 1);
	/* NOTE: group (a Maven groupId, an npm scope) is not kept because
	 * SbomComponent has no field for it, so name is the bare name. */
	c->name = sbom_json_member_string(r, obj, path, "name");
	c->version = sbom_json_member_string(r, obj, path, "version");
	c->supplier = read_supplier(r, obj, path);
	c->type = sbom_json_member_string(r, obj, path, "type");
	c->purl = sbom_json_member_string(r, obj, path, "purl");
	c->cpe = sbom_json_member_string(r, obj, path, "cpe");
	c->description = sbom_json_member_string(r, obj, path, "description");
	read_hashes(r, c, obj, path);
	read_licences(r, c, obj, path);
	read_properties(r, c, obj, path);
	c->parent_ref = g_strdup(parent_ref);
	g_ptr_array_add(r->sbom->components, c);
	return c;
}

typedef struct {
	JsonArray *array;
	guint next;
	char *path;             /* of the array */
	const char *parent_ref; /* owned by the enclosing component, or NULL */
} Level;

/* Walks a components array and the components arrays nested in it, in
 * file order with parents before children. An explicit stack keeps the
 * C stack flat however deep limits.sbom_depth lets the nesting go.
 *
 * With as_subject, the array is the one inside metadata.component: its
 * components are parts of the product the SBOM describes, so only their
 * bom-refs are kept, in subject_refs, and a dependency or an `affects`
 * entry that names one is not unknown. Otherwise each entry becomes a
 * component. Pedigree entries (ancestors, descendants, variants) are
 * other versions of a component, not parts of it, and are not read. */
static void
read_component_tree(Reader *r, JsonArray *array, const char *path, const char *parent_ref,
                    gboolean as_subject)
{
	GArray *stack = g_array_new(FALSE, FALSE, sizeof(Level));
	Level first = {array, 0, g_strdup(path), parent_ref};

	g_array_append_val(stack, first);
	while (stack->len > 0) {
		Level *level = &g_array_index(stack, Level, stack->len - 1);
		guint index = level->next;
		JsonNode *node;
		char *component_path;
		JsonArray *children;
		const char *ref = NULL;

		if (index >= json_array_get_length(level->array)) {
			g_free(level->path);
			g_array_set_size(stack, stack->len - 1);
			continue;
		}
		level->next++;
		node = sbom_json_element(r, level->array, index, level->path, SBOM_WANT_OBJECT);
		if (node == NULL)
			continue;
		component_path = sbom_pointer_index(level->path, index);
		if (as_subject) {
			char *subject_ref = nonempty(sbom_json_member_string(r, json_node_get_object(node),
			                                           component_path, "bom-ref"));

			if (subject_ref != NULL)
				g_ptr_array_add(r->sbom->subject_refs, subject_ref);
		} else {
			ref = read_component(r, node, component_path, level->parent_ref)->ref;
		}
		children = sbom_json_member_array(r, json_node_get_object(node), component_path, "components");
		if (children != NULL) {
			Level child = {children, 0, sbom_pointer_member(component_path, "components"),
			               ref};

			/* Appending may move the stack, so level is not used after this. */
			g_array_append_val(stack, child);
		}
		g_free(component_path);
	}
	g_array_free(stack, TRUE);
}

static void
read_subject(Reader *r, JsonObject *metadata)
{
	JsonObject *subject = sbom_json_member_object(r, metadata, "/metadata", "component");
	const char *path = "/metadata/component";
	char *ref;
	JsonArray *children;

	if (subject == NULL)
		return;
	r->sbom->subject_name = sbom_json_member_string(r, subject, path, "name");
	r->sbom->subject_version = sbom_json_member_string(r, subject, path, "version");
	ref = nonempty(sbom_json_member_string(r, subject, path, "bom-ref"));
	if (ref != NULL)
		g_ptr_array_add(r->sbom->subject_refs, ref);
	children = sbom_json_member_array(r, subject, path, "components");
	if (children != NULL)
		read_component_tree(r, children, "/metadata/component/components", NULL, TRUE);
}

static void
read_metadata(Reader *r, JsonObject *root)
{
	JsonObject *metadata = sbom_json_member_object(r, root, "", "metadata");

	if (metadata == NULL)
		return;
	r->sbom->timestamp = sbom_json_member_string(r, metadata, "/metadata", "timestamp");
	read_authors(r, metadata);
	read_tools(r, metadata);
	read_subject(r, metadata);
}

/* Adds the strings of array to refs; other elements are reported. */
static void
read_string_list(Reader *r, JsonArray *array, const char *path, GPtrArray *refs)
{
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *node = sbom_json_element(r, array, i, path, SBOM_WANT_STRING);

		if (node != NULL)
			g_ptr_array_add(refs, g_strdup(json_node_get_string(node)));
	}
}

/* Reads the dependency graph. has_dependencies is set when the array is
 * there, even empty, because an empty graph states that nothing depends
 * on anything, and sbom_check treats that apart from no graph. An entry
 * without a ref cannot be placed and is skipped. */
static void
read_dependencies(Reader *r, JsonObject *root)
{
	JsonArray *dependencies = sbom_json_member_array(r, root, "", "dependencies");

	if (dependencies == NULL)
		return;
	r->sbom->has_dependencies = TRUE;
	for (guint i = 0; i < json_array_get_length(dependencies); i++) {
		JsonNode *node = sbom_json_element(r, dependencies, i, "/dependencies", SBOM_WANT_OBJECT);
		JsonObject *obj;
		char *path;
		char *ref;
		JsonArray *depends_on;
		SbomDependency *d;

		if (node == NULL)
			continue;
		obj = json_node_get_object(node);
		path = sbom_pointer_index("/dependencies", i);
		ref = sbom_json_member_string(r, obj, path, "ref");
		depends_on = sbom_json_member_array(r, obj, path, "dependsOn");
		if (ref == NULL) {
			if (!json_object_has_member(obj, "ref"))
				diag_add(r->diags, DIAG_SBOM_BAD_FIELD, sbom_json_pos(r->positions, node),
				         "'%s' has no 'ref'; it is skipped", path);
			g_free(path);
			continue;
		}
		d = sbom_dependency_new();
		d->ref = ref;
		d->loc = sbom_loc(sbom_json_pos(r->positions, node), path);
		if (depends_on != NULL) {
			char *depends_on_path = sbom_pointer_member(path, "dependsOn");

			read_string_list(r, depends_on, depends_on_path, d->depends_on);
			g_free(depends_on_path);
		}
		g_ptr_array_add(r->sbom->dependencies, d);
		g_free(path);
	}
}

static void
read_analysis(Reader *r, SbomVulnerability *v, JsonObject *obj, const char *path)
{
	JsonObject *analysis = sbom_json_member_object(r, obj, path, "analysis");
	char *analysis_path;
	JsonArray *responses;

	if (analysis == NULL)
		return;
	analysis_path = sbom_pointer_member(path, "analysis");
	v->state = sbom_json_member_string(r, analysis, analysis_path, "state");
	v->justification = sbom_json_member_string(r, analysis, analysis_path, "justification");
	v->detail = sbom_json_member_string(r, analysis, analysis_path, "detail");
	responses = sbom_json_member_array(r, analysis, analysis_path, "response");
	if (responses != NULL) {
		char *responses_path = sbom_pointer_member(analysis_path, "response");

		read_string_list(r, responses, responses_path, v->responses);
		g_free(responses_path);
	}
	g_free(analysis_path);
}

/* Keeps the rating with the highest score, the first of equal ones, or
 * the first rating when none has a score. */
static void
read_ratings(Reader *r, SbomVulnerability *v, JsonObject *obj, const char *path)
{
	JsonArray *ratings = sbom_json_member_array(r, obj, path, "ratings");
	char *ratings_path;
	gboolean chosen = FALSE;
	double best = 0;

	if (ratings == NULL)
		return;
	ratings_path = sbom_pointer_member(path, "ratings");
	for (guint i = 0; i < json_array_get_length(ratings); i++) {
		JsonNode *node = sbom_json_element(r, ratings, i, ratings_path, SBOM_WANT_OBJECT);
		char *rating_path;
		JsonNode *score;
		char *severity;
		char *method;

		if (node == NULL)
			continue;
		rating_path = sbom_pointer_index(ratings_path, i);
		score = sbom_json_member(r, json_node_get_object(node), rating_path, "score", SBOM_WANT_NUMBER);
		severity = sbom_json_member_string(r, json_node_get_object(node), rating_path, "severity");
		method = sbom_json_member_string(r, json_node_get_object(node), rating_path, "method");
		if (!chosen || (score != NULL && (v->score == NULL ||
		                                  json_node_get_double(score) > best))) {
			chosen = TRUE;
			g_free(v->score);
			g_free(v->severity);
			g_free(v->method);
			v->score = score ? number_text(score) : NULL;
			v->severity = severity;
			v->method = method;
			best = score ? json_node_get_double(score) : 0;
		} else {
			g_free(severity);
			g_free(method);
		}
		g_free(rating_path);
	}
	g_free(ratings_path);
}

/* An affects ref is a bom-ref of this SBOM or a BOM-Link URN
 * ("urn:cdx:SERIAL/VERSION#ref") into another one, whose fragment is the
 * bom-ref, percent-encoded as any URI fragment is. */
static char *
affects_ref(const char *ref)
{
	const char *fragment = strchr(ref, '#');
	char *decoded;

	if (!g_str_has_prefix(ref, "urn:cdx:") || fragment == NULL)
		return g_strdup(ref);
	decoded = g_uri_unescape_string(fragment + 1, NULL);
	return decoded ? decoded : g_strdup(fragment + 1);
}

static void
read_affects(Reader *r, SbomVulnerability *v, JsonObject *obj, const char *path)
{
	JsonArray *affects = sbom_json_member_array(r, obj, path, "affects");
	char *affects_path;

	if (affects == NULL)
		return;
	affects_path = sbom_pointer_member(path, "affects");
	for (guint i = 0; i < json_array_get_length(affects); i++) {
		JsonNode *node = sbom_json_element(r, affects, i, affects_path, SBOM_WANT_OBJECT);
		char *target_path;
		char *ref;

		if (node == NULL)
			continue;
		target_path = sbom_pointer_index(affects_path, i);
		ref = sbom_json_member_string(r, json_node_get_object(node), target_path, "ref");
		if (ref != NULL)
			g_ptr_array_add(v->affects, affects_ref(ref));
		g_free(ref);
		g_free(target_path);
	}
	g_free(affects_path);
}

/* Vulnerabilities came with 1.4; they are read in any version, and in a
 * VEX document that has no components at all. */
static void
read_vulnerabilities(Reader *r, JsonObject *root)
{
	JsonArray *vulnerabilities = sbom_json_member_array(r, root, "", "vulnerabilities");

	for (guint i = 0; vulnerabilities != NULL && i < json_array_get_length(vulnerabilities);
	     i++) {
		JsonNode *node = sbom_json_element(r, vulnerabilities, i, "/vulnerabilities", SBOM_WANT_OBJECT);
		JsonObject *obj;
		char *path;
		SbomVulnerability *v;
		JsonObject *source;

		if (node == NULL)
			continue;
		obj = json_node_get_object(node);
		path = sbom_pointer_index("/vulnerabilities", i);
		v = sbom_vulnerability_new();
		v->loc = sbom_loc(sbom_json_pos(r->positions, node), path);
		v->id = sbom_json_member_string(r, obj, path, "id");
		source = sbom_json_member_object(r, obj, path, "source");
		if (source != NULL) {
			char *source_path = sbom_pointer_member(path, "source");

			v->source = sbom_json_member_string(r, source, source_path, "name");
			g_free(source_path);
		}
		v->description = sbom_json_member_string(r, obj, path, "description");
		read_analysis(r, v, obj, path);
		read_ratings(r, v, obj, path);
		read_affects(r, v, obj, path);
		g_ptr_array_add(r->sbom->vulnerabilities, v);
		g_free(path);
	}
}

Sbom *
sbom_read_cyclonedx_json(const char *file, JsonNode *root, const SbomJsonPos *positions,
                         DiagList *diags)
{
	Reader r = {sbom_new(file, SBOM_CYCLONEDX_JSON), positions, diags};
	JsonObject *obj;
	JsonArray *components;

	/* sbom_read passes only objects; this keeps other callers safe. */
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
		return r.sbom;
	obj = json_node_get_object(root);
	read_spec_version(&r, root);
	r.sbom->serial = sbom_json_member_string(&r, obj, "", "serialNumber");
	read_metadata(&r, obj);
	components = sbom_json_member_array(&r, obj, "", "components");
	if (components != NULL)
		read_component_tree(&r, components, "/components", NULL, FALSE);
	read_dependencies(&r, obj);
	read_vulnerabilities(&r, obj);
	return r.sbom;
}
