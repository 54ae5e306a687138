/* SPDX JSON reader, specification versions 2.2 and 2.3.
 *
 * The reader copies the document into the Sbom structs as written. It
 * reports only what it cannot copy: a field of the wrong JSON type, which
 * it skips, and an spdxVersion other than SPDX-2.2 or SPDX-2.3, which it
 * still reads. Missing NTIA elements, placeholders, licence syntax,
 * duplicates and unknown references are left to sbom_check.
 *
 * Packages become components, except the ones the document describes,
 * which are the product itself. Files and snippets are not components. */
#include "sbom-json.h"

#include <string.h>

typedef SbomJsonReader Reader;

/* One element of the relationships array that has all three fields. The
 * strings belong to the parsed document. */
typedef struct {
	const char *from;
	const char *type;
	const char *to;
	JsonNode *node;
	guint index;
} Relationship;

/* Returns the text after "Prefix:" with the spaces around it trimmed, or
 * NULL when text does not start with prefix. */
static char *
after_prefix(const char *text, const char *prefix)
{
	if (!g_str_has_prefix(text, prefix))
		return NULL;
	return g_strstrip(g_strdup(text + strlen(prefix)));
}

/* The name in a supplier or originator: "Organization: X" and
 * "Person: X" give X, NOASSERTION and empty text give NULL, and text in
 * no SPDX form is kept trimmed. The email in parentheses after a name
 * is kept. */
static char *
party_name(const char *text)
{
	char *name;

	if (text == NULL)
		return NULL;
	name = after_prefix(text, "Organization:");
	if (name == NULL)
		name = after_prefix(text, "Person:");
	if (name == NULL)
		name = g_strstrip(g_strdup(text));
	if (*name == '\0' || strcmp(name, "NOASSERTION") == 0) {
		g_free(name);
		return NULL;
	}
	return name;
}

static gboolean
version_supported(const char *version)
{
	return strcmp(version, "2.2") == 0 || strcmp(version, "2.3") == 0;
}

/* spdxVersion "SPDX-2.3" gives spec_version "2.3". */
static void
read_spec_version(Reader *r, JsonObject *root)
{
	JsonNode *node = sbom_json_member(r, root, "", "spdxVersion", SBOM_WANT_STRING);
	const char *text;

	if (node == NULL)
		return;
	text = json_node_get_string(node);
	r->sbom->spec_version = g_strdup(g_str_has_prefix(text, "SPDX-") ? text + 5 : text);
	if (!version_supported(r->sbom->spec_version))
		diag_add(r->diags, DIAG_SBOM_UNSUPPORTED_VERSION, sbom_json_pos(r->positions, node),
		         "'/spdxVersion' is \"%s\", but dossier reads SPDX-2.2 and SPDX-2.3; the file "
		         "is read as one of them, and fields it does not know are ignored",
		         text);
}

/* creators entries are "Tool: name-version", "Person: name (email)" or
 * "Organization: name (email)". A person or organization is an author of
 * the SBOM. An entry in none of these forms is kept as an author too,
 * because it still names a creator of the document. */
static void
read_creation_info(Reader *r, JsonObject *root)
{
	JsonNode *info_node = sbom_json_member(r, root, "", "creationInfo", SBOM_WANT_OBJECT);
	JsonObject *info;
	JsonArray *creators;

	if (info_node == NULL)
		return;
	info = json_node_get_object(info_node);
	r->sbom->timestamp = sbom_json_member_string(r, info, "/creationInfo", "created");
	creators = sbom_json_member_array(r, info, "/creationInfo", "creators");
	for (guint i = 0; creators != NULL && i < json_array_get_length(creators); i++) {
		JsonNode *node = sbom_json_element(r, creators, i, "/creationInfo/creators", SBOM_WANT_STRING);
		const char *text;
		char *name;

		if (node == NULL)
			continue;
		text = json_node_get_string(node);
		if ((name = after_prefix(text, "Tool:")) != NULL) {
			if (*name != '\0')
				g_ptr_array_add(r->sbom->tools, name);
			else
				g_free(name);
			continue;
		}
		name = after_prefix(text, "Person:");
		if (name == NULL)
			name = after_prefix(text, "Organization:");
		if (name == NULL)
			name = g_strstrip(g_strdup(text));
		if (*name != '\0')
			g_ptr_array_add(r->sbom->authors, name);
		else
			g_free(name);
	}
}

/* Returns the relationships that have spdxElementId, relationshipType and
 * relatedSpdxElement as strings; the others are reported or, when a
 * field is missing, skipped. */
static GArray *
read_relationships(Reader *r, JsonObject *root)
{
	GArray *result = g_array_new(FALSE, FALSE, sizeof(Relationship));
	JsonArray *relationships = sbom_json_member_array(r, root, "", "relationships");

	for (guint i = 0; relationships != NULL && i < json_array_get_length(relationships); i++) {
		JsonNode *node = sbom_json_element(r, relationships, i, "/relationships", SBOM_WANT_OBJECT);
		char *path;
		Relationship rel;

		if (node == NULL)
			continue;
		path = sbom_pointer_index("/relationships", i);
		rel.from = sbom_json_member_text(r, json_node_get_object(node), path, "spdxElementId");
		rel.type = sbom_json_member_text(r, json_node_get_object(node), path, "relationshipType");
		rel.to = sbom_json_member_text(r, json_node_get_object(node), path, "relatedSpdxElement");
		rel.node = node;
		rel.index = i;
		if (rel.from != NULL && rel.type != NULL && rel.to != NULL)
			g_array_append_val(result, rel);
		g_free(path);
	}
	return result;
}

static void
add_subject_ref(Reader *r, GHashTable *described, const char *ref)
{
	if (g_hash_table_contains(described, ref))
		return;
	g_hash_table_add(described, (gpointer)ref);
	g_ptr_array_add(r->sbom->subject_refs, g_strdup(ref));
}

/* Collects what the document describes: documentDescribes (SPDX 2.2),
 * DESCRIBES relationships from the document and DESCRIBED_BY ones to it,
 * in that order. Returns the set of those refs, borrowed from the
 * document. */
static GHashTable *
read_described(Reader *r, JsonObject *root, const GArray *relationships)
{
	GHashTable *described = g_hash_table_new(g_str_hash, g_str_equal);
	const char *document = sbom_json_member_text(r, root, "", "SPDXID");
	JsonArray *describes = sbom_json_member_array(r, root, "", "documentDescribes");

	if (document == NULL)
		document = "SPDXRef-DOCUMENT";
	for (guint i = 0; describes != NULL && i < json_array_get_length(describes); i++) {
		JsonNode *node = sbom_json_element(r, describes, i, "/documentDescribes", SBOM_WANT_STRING);

		if (node != NULL)
			add_subject_ref(r, described, json_node_get_string(node));
	}
	for (guint i = 0; i < relationships->len; i++) {
		const Relationship *rel = &g_array_index(relationships, Relationship, i);

		if (strcmp(rel->type, "DESCRIBES") == 0 && strcmp(rel->from, document) == 0)
			add_subject_ref(r, described, rel->to);
		else if (strcmp(rel->type, "DESCRIBED_BY") == 0 && strcmp(rel->to, document) == 0)
			add_subject_ref(r, described, rel->from);
	}
	return described;
}

/* Adds the package's licence. licenseDeclared is what the package's
 * authors state, so it is preferred. licenseConcluded, what the SBOM's
 * creator found, is the fallback when the declared licence is NOASSERTION
 * or absent. A single token (an SPDX ID, a LicenseRef-, NOASSERTION,
 * NONE) is an ID, and text with spaces or parentheses an expression. */
static void
read_licence(Reader *r, SbomComponent *c, JsonObject *obj, const char *path)
{
	JsonNode *declared = sbom_json_member(r, obj, path, "licenseDeclared", SBOM_WANT_STRING);
	JsonNode *concluded = sbom_json_member(r, obj, path, "licenseConcluded", SBOM_WANT_STRING);
	JsonNode *chosen;
	const char *text;
	char *licence_path;

	if (declared != NULL && *json_node_get_string(declared) == '\0')
		declared = NULL;
	if (concluded != NULL && *json_node_get_string(concluded) == '\0')
		concluded = NULL;
	/* When both are NOASSERTION, the declared one is kept. */
	if (declared != NULL && strcmp(json_node_get_string(declared), "NOASSERTION") != 0)
		chosen = declared;
	else if (concluded != NULL &&
	         (declared == NULL || strcmp(json_node_get_string(concluded), "NOASSERTION") != 0))
		chosen = concluded;
	else
		chosen = declared;
	if (chosen == NULL)
		return;
	text = json_node_get_string(chosen);
	licence_path = sbom_pointer_member(path, chosen == declared ? "licenseDeclared"
	                                                            : "licenseConcluded");
	sbom_licence_add(c, strpbrk(text, " \t\n()") ? SBOM_LICENCE_EXPRESSION : SBOM_LICENCE_ID,
	                 text, sbom_loc(sbom_json_pos(r->positions, chosen), licence_path));
	g_free(licence_path);
}

/* purl from a purl reference, cpe from a cpe23Type reference, else from
 * a cpe22Type one; the first of each kind is kept. */
static void
read_external_refs(Reader *r, SbomComponent *c, JsonObject *obj, const char *path)
{
	JsonArray *refs = sbom_json_member_array(r, obj, path, "externalRefs");
	char *refs_path;
	char *cpe22 = NULL;

	if (refs == NULL)
		return;
	refs_path = sbom_pointer_member(path, "externalRefs");
	for (guint i = 0; i < json_array_get_length(refs); i++) {
		JsonNode *node = sbom_json_element(r, refs, i, refs_path, SBOM_WANT_OBJECT);
		char *ref_path;
		const char *type;
		const char *locator;

		if (node == NULL)
			continue;
		ref_path = sbom_pointer_index(refs_path, i);
		type = sbom_json_member_text(r, json_node_get_object(node), ref_path, "referenceType");
		locator = sbom_json_member_text(r, json_node_get_object(node), ref_path, "referenceLocator");
		if (type != NULL && locator != NULL) {
			if (strcmp(type, "purl") == 0 && c->purl == NULL)
				c->purl = g_strdup(locator);
			else if (strcmp(type, "cpe23Type") == 0 && c->cpe == NULL)
				c->cpe = g_strdup(locator);
			else if (strcmp(type, "cpe22Type") == 0 && cpe22 == NULL)
				cpe22 = g_strdup(locator);
		}
		g_free(ref_path);
	}
	if (c->cpe == NULL)
		c->cpe = cpe22;
	else
		g_free(cpe22);
	g_free(refs_path);
}

static void
read_checksums(Reader *r, SbomComponent *c, JsonObject *obj, const char *path)
{
	JsonArray *checksums = sbom_json_member_array(r, obj, path, "checksums");
	char *checksums_path;

	if (checksums == NULL)
		return;
	checksums_path = sbom_pointer_member(path, "checksums");
	for (guint i = 0; i < json_array_get_length(checksums); i++) {
		JsonNode *node = sbom_json_element(r, checksums, i, checksums_path, SBOM_WANT_OBJECT);
		char *checksum_path;
		const char *algorithm;
		const char *value;

		if (node == NULL)
			continue;
		checksum_path = sbom_pointer_index(checksums_path, i);
		algorithm = sbom_json_member_text(r, json_node_get_object(node), checksum_path, "algorithm");
		value = sbom_json_member_text(r, json_node_get_object(node), checksum_path, "checksumValue");
		if (algorithm != NULL && value != NULL)
			g_ptr_array_add(c->hashes, g_strdup_printf("%s:%s", algorithm, value));
		g_free(checksum_path);
	}
	g_free(checksums_path);
}

/* Adds the package at node (an object) as a component. The supplier is
 * the package's supplier, else its originator, which SPDX 2.3 section 7.6
 * defines as where or whom the package originally came from. With no
 * supplier named, the originator is the closest match to the NTIA
 * supplier element. A package without an SPDXID gets "#N", N being its
 * 1-based place among the components read. */
static void
read_package(Reader *r, JsonNode *node, const char *path)
{
	JsonObject *obj = json_node_get_object(node);
	SbomComponent *c = sbom_component_new();
	const char *supplier;
	const char *originator;
	char *summary;

	c->loc = sbom_loc(sbom_json_pos(r->positions, node), path);
	c->ref = sbom_json_member_string(r, obj, path, "SPDXID");
	if (c->ref == NULL || *c->ref == '\0') {
		g_free(c->ref);
		c->ref = g_strdup_printf("#%u", r->sbom->components->len + 1);
	}
	c->name = sbom_json_member_string(r, obj, path, "name");
	c->version = sbom_json_member_string(r, obj, path, "versionInfo");
	supplier = sbom_json_member_text(r, obj, path, "supplier");
	originator = sbom_json_member_text(r, obj, path, "originator");
	c->supplier = party_name(supplier);
	if (c->supplier == NULL)
		c->supplier = party_name(originator);
	c->type = sbom_json_member_string(r, obj, path, "primaryPackagePurpose");
	c->description = sbom_json_member_string(r, obj, path, "description");
	summary = sbom_json_member_string(r, obj, path, "summary");
	if (c->description == NULL)
		c->description = summary;
	else
		g_free(summary);
	read_external_refs(r, c, obj, path);
	read_checksums(r, c, obj, path);
	read_licence(r, c, obj, path);
	g_ptr_array_add(r->sbom->components, c);
}

/* The direction of a relationship type as a dependency: 1 when the
 * element depends on the related element, -1 when the related element
 * depends on the element, 0 when it is not a dependency. CONTAINS is one
 * because a package that contains another ships it. STATIC_LINK and
 * DYNAMIC_LINK are ones because a package that links another needs it
 * to run, and spdx-maven-plugin writes a Maven project's dependencies
 * as DYNAMIC_LINK. DEPENDENCY_MANIFEST_OF relates a manifest file, not
 * a package. */
static int
dependency_direction(const char *type)
{
	static const char *const forward[] = {"DEPENDS_ON", "CONTAINS", "STATIC_LINK",
	                                      "DYNAMIC_LINK", NULL};
	static const char *const backward[] = {
		"DEPENDENCY_OF",          "BUILD_DEPENDENCY_OF",    "DEV_DEPENDENCY_OF",
		"OPTIONAL_DEPENDENCY_OF", "PROVIDED_DEPENDENCY_OF", "TEST_DEPENDENCY_OF",
		"RUNTIME_DEPENDENCY_OF",  "CONTAINED_BY",           NULL};

	for (guint i = 0; forward[i] != NULL; i++)
		if (strcmp(type, forward[i]) == 0)
			return 1;
	for (guint i = 0; backward[i] != NULL; i++)
		if (strcmp(type, backward[i]) == 0)
			return -1;
	return 0;
}

/* Turns the dependency relationships between packages into one
 * SbomDependency per depending package, in the order each package first
 * depends on something, with its targets in file order and without
 * repeats (A DEPENDS_ON B and B DEPENDENCY_OF A often come together).
 *
 * Both ends must be packages of this document or what it describes. A
 * relationship to a file (a package CONTAINS its source files), to an
 * element of another document (DocumentRef-...) or to NOASSERTION is
 * not a dependency between components and is skipped. "X DEPENDS_ON
 * NONE" states that X has no dependencies, so it gives X an entry with
 * no targets. */
static gboolean
is_element_elsewhere(const char *id, GHashTable *others)
{
	return g_str_has_prefix(id, "DocumentRef-") || strcmp(id, "NOASSERTION") == 0 ||
	       strcmp(id, "NONE") == 0 || strcmp(id, "SPDXRef-DOCUMENT") == 0 ||
	       g_hash_table_contains(others, id);
}

static void
read_dependencies(Reader *r, const GArray *relationships, GHashTable *packages,
                  GHashTable *others)
{
	GHashTable *by_ref = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < relationships->len; i++) {
		const Relationship *rel = &g_array_index(relationships, Relationship, i);
		int direction = dependency_direction(rel->type);
		const char *from = direction > 0 ? rel->from : rel->to;
		const char *to = direction > 0 ? rel->to : rel->from;
		gboolean none = strcmp(to, "NONE") == 0 && direction > 0;
		SbomDependency *d;
		char *pair;

		if (direction == 0)
			continue;
		/* An end that is no element of this document at all (not a
		 * package, file or snippet, nor another document's) is kept, so
		 * that the checks report it as an unknown reference. */
		if ((!g_hash_table_contains(packages, from) && is_element_elsewhere(from, others)) ||
		    (!none && !g_hash_table_contains(packages, to) && is_element_elsewhere(to, others)))
			continue;
		r->sbom->has_dependencies = TRUE;
		d = g_hash_table_lookup(by_ref, from);
		if (d == NULL) {
			char *path = sbom_pointer_index("/relationships", rel->index);

			d = sbom_dependency_new();
			d->ref = g_strdup(from);
			d->loc = sbom_loc(sbom_json_pos(r->positions, rel->node), path);
			g_ptr_array_add(r->sbom->dependencies, d);
			g_hash_table_insert(by_ref, d->ref, d);
			g_free(path);
		}
		if (none)
			continue;
		pair = g_strconcat(from, "\n", to, NULL);
		if (g_hash_table_add(seen, pair))
			g_ptr_array_add(d->depends_on, g_strdup(to));
	}
	g_hash_table_destroy(seen);
	g_hash_table_destroy(by_ref);
}

/* Reads the packages. The described ones are the subject, and the first
 * of them in subject_refs order gives subject_name and subject_version;
 * the others become components, in file order. Adds every package's
 * SPDXID to packages. */
static void
read_packages(Reader *r, JsonObject *root, GHashTable *described, GHashTable *packages)
{
	JsonArray *array = sbom_json_member_array(r, root, "", "packages");
	GHashTable *index_by_id;

	if (array == NULL)
		return;
	/* Values are index + 1, so that the first package is not NULL. */
	index_by_id = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *node = sbom_json_element(r, array, i, "/packages", SBOM_WANT_OBJECT);
		JsonNode *id;

		if (node == NULL)
			continue;
		id = json_object_get_member(json_node_get_object(node), "SPDXID");
		if (id == NULL || !sbom_json_node_is(id, SBOM_WANT_STRING))
			continue;
		g_hash_table_add(packages, (gpointer)json_node_get_string(id));
		if (!g_hash_table_contains(index_by_id, json_node_get_string(id)))
			g_hash_table_insert(index_by_id, (gpointer)json_node_get_string(id),
			                    GUINT_TO_POINTER(i + 1));
	}
	for (guint i = 0; i < r->sbom->subject_refs->len; i++) {
		guint index = GPOINTER_TO_UINT(
			g_hash_table_lookup(index_by_id, g_ptr_array_index(r->sbom->subject_refs, i)));
		JsonObject *subject;
		char *path;

		if (index == 0)
			continue;
		subject = json_node_get_object(json_array_get_element(array, index - 1));
		path = sbom_pointer_index("/packages", index - 1);
		r->sbom->subject_name = sbom_json_member_string(r, subject, path, "name");
		r->sbom->subject_version = sbom_json_member_string(r, subject, path, "versionInfo");
		g_free(path);
		break;
	}
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *node = json_array_get_element(array, i);
		JsonNode *id;
		char *path;

		if (!JSON_NODE_HOLDS_OBJECT(node))
			continue;
		id = json_object_get_member(json_node_get_object(node), "SPDXID");
		if (id != NULL && sbom_json_node_is(id, SBOM_WANT_STRING) &&
		    g_hash_table_contains(described, json_node_get_string(id)))
			continue;
		path = sbom_pointer_index("/packages", i);
		read_package(r, node, path);
		g_free(path);
	}
	g_hash_table_destroy(index_by_id);
}

Sbom *
sbom_read_spdx_json(const char *file, JsonNode *root, const SbomJsonPos *positions,
                    DiagList *diags)
{
	Reader r = {sbom_new(file, SBOM_SPDX_JSON), positions, diags};
	JsonObject *obj;
	GArray *relationships;
	GHashTable *described;
	GHashTable *packages;

	/* sbom_read passes only objects; this keeps other callers safe. */
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
		return r.sbom;
	obj = json_node_get_object(root);
	read_spec_version(&r, obj);
	r.sbom->serial = sbom_json_member_string(&r, obj, "", "documentNamespace");
	read_creation_info(&r, obj);
	relationships = read_relationships(&r, obj);
	described = read_described(&r, obj, relationships);
	/* A dependency may name a described element that is not a package
	 * (a file the document describes), so every described ref counts as
	 * a package end. */
	packages = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < r.sbom->subject_refs->len; i++)
		g_hash_table_add(packages, g_ptr_array_index(r.sbom->subject_refs, i));
	read_packages(&r, obj, described, packages);
	{
		/* Files and snippets: relationships to them are not dependencies. */
		GHashTable *others = g_hash_table_new(g_str_hash, g_str_equal);
		const char *const lists[] = {"files", "snippets"};

		for (guint k = 0; k < G_N_ELEMENTS(lists); k++) {
			JsonNode *list = json_object_get_member(obj, lists[k]);
			JsonArray *array = list && JSON_NODE_HOLDS_ARRAY(list) ? json_node_get_array(list)
			                                                        : NULL;

			for (guint i = 0; array != NULL && i < json_array_get_length(array); i++) {
				JsonNode *item = json_array_get_element(array, i);
				JsonNode *id = JSON_NODE_HOLDS_OBJECT(item)
				                   ? json_object_get_member(json_node_get_object(item), "SPDXID")
				                   : NULL;

				if (id != NULL && sbom_json_node_is(id, SBOM_WANT_STRING))
					g_hash_table_add(others, (gpointer)json_node_get_string(id));
			}
		}
		read_dependencies(&r, relationships, packages, others);
		g_hash_table_destroy(others);
	}
	g_hash_table_destroy(packages);
	g_hash_table_destroy(described);
	g_array_free(relationships, TRUE);
	return r.sbom;
}
