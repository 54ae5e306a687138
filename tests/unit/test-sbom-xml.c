#include "suites.h"

#include "input-limits.h"
#include "sbom.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Hostile files must be rejected at once. A second is far more than any
 * of them needs, and far less than an expansion or a network timeout
 * would take. */
#define FAST_USEC G_USEC_PER_SEC

static Sbom *
read_xml(const char *xml, DiagList *diags)
{
	return sbom_read_cyclonedx_xml("t.xml", xml, strlen(xml), diags);
}

static Sbom *
read_corpus(const char *name, DiagList *diags)
{
	char *relative = g_strconcat("../shared/corpus/sbom/", name, NULL);
	char *path = test_srcdir_path(relative);
	Sbom *sbom = sbom_read(path, diags);

	g_free(relative);
	g_free(path);
	return sbom;
}

static const SbomComponent *
component(const Sbom *sbom, guint index)
{
	ck_assert_uint_lt(index, sbom->components->len);
	return g_ptr_array_index(sbom->components, index);
}

static const SbomLicence *
licence(const SbomComponent *c, guint index)
{
	ck_assert_uint_lt(index, c->licences->len);
	return g_ptr_array_index(c->licences, index);
}

static const char *
string_at(const GPtrArray *array, guint index)
{
	ck_assert_uint_lt(index, array->len);
	return g_ptr_array_index(array, index);
}

/* Reads xml and expects NULL and exactly one diagnostic, of code, within
 * FAST_USEC. */
static void
expect_rejected(const char *xml, size_t len, const char *code)
{
	DiagList *diags = diag_list_new();
	gint64 start = g_get_monotonic_time();
	Sbom *sbom = sbom_read_cyclonedx_xml("t.xml", xml, len, diags);
	gint64 spent = g_get_monotonic_time() - start;

	ck_assert_ptr_null(sbom);
	ck_assert_uint_eq(diags->items->len, 1);
	ck_assert_str_eq(((const Diag *)g_ptr_array_index(diags->items, 0))->code_name, code);
	ck_assert_int_lt(spent, FAST_USEC);
	diag_list_free(diags);
}

/* ---- Corpus files ---- */

/* The counts come from a one-off count of the files with Python's
 * ElementTree: every <component> under /bom/components, nested ones
 * included, metadata and pedigree ones excluded. */
START_TEST(laravel_xml)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_corpus("laravel-7.12.0.bom.1.4.xml", diags);
	const SbomComponent *c;
	const SbomDependency *d;

	ck_assert_ptr_nonnull(sbom);
	ck_assert_uint_eq(diags->items->len, 0);
	ck_assert_int_eq(sbom->format, SBOM_CYCLONEDX_XML);
	ck_assert_str_eq(sbom->spec_version, "1.4");
	ck_assert_ptr_null(sbom->serial);
	ck_assert_str_eq(sbom->loc.path, "/bom");
	ck_assert_int_eq(sbom->loc.pos.line, 2);
	ck_assert_uint_eq(sbom->components->len, 62);
	for (guint i = 0; i < sbom->components->len; i++)
		ck_assert_ptr_null(component(sbom, i)->parent_ref);
	/* Every value is a CDATA section. */
	ck_assert_uint_eq(sbom->tools->len, 1);
	ck_assert_str_eq(string_at(sbom->tools, 0), "cyclonedx-php-composer in-dev");
	ck_assert_str_eq(sbom->subject_name, "cyclonedx-php-composer-demo");
	ck_assert_str_eq(sbom->subject_version, "dev-master");
	ck_assert_uint_eq(sbom->subject_refs->len, 1);
	ck_assert_str_eq(string_at(sbom->subject_refs, 0),
	                 "cyclonedx/cyclonedx-php-composer-demo-dev-master");
	c = component(sbom, 0);
	ck_assert_str_eq(c->ref, "asm89/stack-cors-1.3.0.0");
	ck_assert_str_eq(c->type, "library");
	ck_assert_str_eq(c->name, "stack-cors");
	ck_assert_str_eq(c->version, "1.3.0");
	ck_assert_str_eq(c->supplier, "Alexander");
	ck_assert_str_eq(c->purl, "pkg:composer/asm89/stack-cors@1.3.0");
	ck_assert_str_eq(c->description, "Cross-origin resource sharing library and stack middleware");
	ck_assert_uint_eq(c->licences->len, 1);
	ck_assert_int_eq(licence(c, 0)->kind, SBOM_LICENCE_ID);
	ck_assert_str_eq(licence(c, 0)->text, "MIT");
	ck_assert_str_eq(licence(c, 0)->loc.path, "/bom/components/component[1]/licenses/license[1]");
	ck_assert_str_eq(c->loc.path, "/bom/components/component[1]");
	ck_assert_int_eq(c->loc.pos.line, 41);
	ck_assert_int_eq(c->loc.pos.col, 5);
	ck_assert_str_eq(component(sbom, 61)->loc.path, "/bom/components/component[62]");
	ck_assert(sbom->has_dependencies);
	ck_assert_uint_eq(sbom->dependencies->len, 63);
	d = g_ptr_array_index(sbom->dependencies, 0);
	ck_assert_str_eq(d->ref, "asm89/stack-cors-1.3.0.0");
	ck_assert_uint_eq(d->depends_on->len, 2);
	ck_assert_str_eq(string_at(d->depends_on, 0), "symfony/http-foundation-5.4.16.0");
	ck_assert_str_eq(d->loc.path, "/bom/dependencies/dependency[1]");
	ck_assert_int_eq(d->loc.pos.line, 2212);
	d = g_ptr_array_index(sbom->dependencies, 1);
	ck_assert_uint_eq(d->depends_on->len, 0);
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(valid_bom_16)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_corpus("valid-bom-1.6.xml", diags);
	const SbomComponent *c;
	const SbomDependency *d;

	ck_assert_ptr_nonnull(sbom);
	ck_assert_uint_eq(diags->items->len, 0);
	ck_assert_str_eq(sbom->spec_version, "1.6");
	ck_assert_str_eq(sbom->serial, "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79");
	ck_assert_str_eq(sbom->timestamp, "2020-04-13T20:20:39+00:00");
	ck_assert_uint_eq(sbom->authors->len, 1);
	ck_assert_str_eq(string_at(sbom->authors, 0), "Samantha Wright");
	ck_assert_uint_eq(sbom->tools->len, 1);
	ck_assert_str_eq(string_at(sbom->tools, 0), "Awesome Tool 9.1.2");
	ck_assert_str_eq(sbom->subject_name, "Acme Application");
	ck_assert_uint_eq(sbom->subject_refs->len, 0);
	/* Three components; the pedigree ancestor of the first is not one. */
	ck_assert_uint_eq(sbom->components->len, 3);
	c = component(sbom, 0);
	ck_assert_str_eq(c->ref, "pkg:maven/com.acme/tomcat-catalina@9.0.14?packaging=jar");
	ck_assert_str_eq(c->name, "tomcat-catalina");
	ck_assert_str_eq(c->supplier, "Joane Doe et al.");
	ck_assert_uint_eq(c->hashes->len, 4);
	ck_assert_str_eq(string_at(c->hashes, 0), "MD5:3942447fac867ae5cdb3229b658f4d48");
	ck_assert_str_eq(string_at(c->hashes, 2),
	                 "SHA-256:f498a8ff2dd007e29c2074f5e4b01a9a01775c3ff3aeaf6906ea503bc5791b7b");
	ck_assert_uint_eq(c->licences->len, 1);
	ck_assert_int_eq(licence(c, 0)->kind, SBOM_LICENCE_ID);
	ck_assert_str_eq(licence(c, 0)->text, "Apache-2.0");
	ck_assert_int_eq(licence(c, 0)->loc.pos.line, 64);
	c = component(sbom, 1);
	ck_assert_str_eq(c->name, "mylibrary");
	ck_assert_str_eq(c->supplier, "Example, Inc.");
	ck_assert_str_eq(c->cpe, "cpe:/a:example:myapplication:1.0.0");
	ck_assert_int_eq(licence(c, 0)->kind, SBOM_LICENCE_EXPRESSION);
	ck_assert_str_eq(licence(c, 0)->text, "EPL-2.0 OR GPL-2.0-with-classpath-exception");
	ck_assert_str_eq(licence(c, 0)->loc.path,
	                 "/bom/components/component[2]/licenses/expression[1]");
	c = component(sbom, 2);
	ck_assert_str_eq(c->ref, "#3");
	ck_assert_str_eq(c->type, "framework");
	ck_assert_str_eq(c->supplier, "Example Super Heros");
	ck_assert_int_eq(licence(c, 0)->kind, SBOM_LICENCE_NAME);
	ck_assert_str_eq(licence(c, 0)->text, "Some random license");
	ck_assert_int_eq(c->loc.pos.line, 168);
	ck_assert_int_eq(c->loc.pos.col, 9);
	ck_assert_uint_eq(sbom->dependencies->len, 1);
	d = g_ptr_array_index(sbom->dependencies, 0);
	ck_assert_str_eq(d->ref, "pkg:maven/com.acme/tomcat-catalina@9.0.14?packaging=jar");
	ck_assert_uint_eq(d->depends_on->len, 1);
	ck_assert_str_eq(string_at(d->depends_on, 0),
	                 "pkg:maven/com.example/myapplication@1.0.0?packaging=war");
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

/* The same SBOM written by one tool as CycloneDX 1.3 JSON and as 1.4 XML
 * reads into the same components. */
START_TEST(laravel_json_xml_parity)
{
	DiagList *diags = diag_list_new();
	Sbom *json = read_corpus("laravel-7.12.0.bom.1.3.json", diags);
	Sbom *xml = read_corpus("laravel-7.12.0.bom.1.4.xml", diags);

	ck_assert_ptr_nonnull(json);
	ck_assert_ptr_nonnull(xml);
	ck_assert_uint_eq(diags->items->len, 0);
	ck_assert_uint_eq(json->components->len, 62);
	ck_assert_uint_eq(xml->components->len, json->components->len);
	for (guint i = 0; i < xml->components->len; i++) {
		const SbomComponent *a = component(json, i), *b = component(xml, i);

		ck_assert_str_eq(a->ref, b->ref);
		ck_assert_pstr_eq(a->name, b->name);
		ck_assert_pstr_eq(a->version, b->version);
		ck_assert_pstr_eq(a->purl, b->purl);
		ck_assert_pstr_eq(a->supplier, b->supplier);
		ck_assert_pstr_eq(a->type, b->type);
		ck_assert_pstr_eq(a->description, b->description);
		ck_assert_pstr_eq(a->parent_ref, b->parent_ref);
		ck_assert_uint_eq(a->licences->len, b->licences->len);
		for (guint j = 0; j < a->licences->len; j++) {
			ck_assert_int_eq(licence(a, j)->kind, licence(b, j)->kind);
			ck_assert_str_eq(licence(a, j)->text, licence(b, j)->text);
		}
		ck_assert_uint_eq(a->hashes->len, b->hashes->len);
	}
	ck_assert_pstr_eq(json->subject_name, xml->subject_name);
	ck_assert_uint_eq(json->tools->len, xml->tools->len);
	ck_assert_str_eq(string_at(json->tools, 0), string_at(xml->tools, 0));
	ck_assert_uint_eq(json->dependencies->len, xml->dependencies->len);
	for (guint i = 0; i < xml->dependencies->len; i++) {
		const SbomDependency *a = g_ptr_array_index(json->dependencies, i);
		const SbomDependency *b = g_ptr_array_index(xml->dependencies, i);

		ck_assert_str_eq(a->ref, b->ref);
		ck_assert_uint_eq(a->depends_on->len, b->depends_on->len);
		for (guint j = 0; j < a->depends_on->len; j++)
			ck_assert_str_eq(string_at(a->depends_on, j), string_at(b->depends_on, j));
	}
	sbom_free(json);
	sbom_free(xml);
	diag_list_free(diags);
}
END_TEST

/* ---- Mapping ---- */

static const char nested_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\" version=\"3\">\n"
	"  <metadata>\n"
	"    <tools><components>\n"
	"      <component type=\"application\"><name>cdxgen</name><version>10.2</version>"
	"</component>\n"
	"    </components></tools>\n"
	"    <authors><author><email>qa@example.com</email></author></authors>\n"
	"    <component bom-ref=\"product\"><name>Pump</name><version>2.4</version>\n"
	"      <components><component bom-ref=\"product-ui\"><name>UI</name></component>"
	"</components>\n"
	"    </component>\n"
	"  </metadata>\n"
	"  <components>\n"
	"    <component type=\"library\" bom-ref=\"a\">\n"
	"      <name>\n        alpha &amp; co\n      </name>\n"
	"      <version>1.0</version>\n"
	"      <supplier><name>  </name></supplier>\n"
	"      <manufacturer><name>Alpha Works</name></manufacturer>\n"
	"      <licenses><license><name>LicenseRef-alpha</name></license></licenses>\n"
	"      <properties>\n"
	"        <property name=\"cdx:lifecycle:milestone:endOfSupport\">2030-01-01</property>\n"
	"        <property name=\"dossier:levelOfSupport\">full</property>\n"
	"        <property name=\"dossier:levelOfSupport\">none</property>\n"
	"      </properties>\n"
	"      <pedigree><ancestors><component><name>old alpha</name></component></ancestors>"
	"</pedigree>\n"
	"      <components>\n"
	"        <component type=\"library\"><name>beta</name>\n"
	"          <components><component bom-ref=\"g\"><name>gamma</name></component>"
	"</components>\n"
	"        </component>\n"
	"        <x:component xmlns:x=\"urn:example:extension\"><x:name>ext</x:name>"
	"</x:component>\n"
	"        <component bom-ref=\"d\"><name>delta</name></component>\n"
	"      </components>\n"
	"    </component>\n"
	"    <component bom-ref=\"\"><name>epsilon</name><version/></component>\n"
	"  </components>\n"
	"  <dependencies>\n"
	"    <dependency ref=\"a\">\n"
	"      <dependency ref=\"#2\">\n"
	"        <dependency ref=\"g\"/>\n"
	"      </dependency>\n"
	"      <dependency ref=\"d\"/>\n"
	"    </dependency>\n"
	"    <dependency ref=\"product\"><dependency ref=\"a\"/></dependency>\n"
	"  </dependencies>\n"
	"</bom>\n";

START_TEST(nested_components)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_xml(nested_xml, diags);
	const SbomComponent *c;
	const SbomDependency *d;

	ck_assert_ptr_nonnull(sbom);
	ck_assert_uint_eq(diags->items->len, 0);
	ck_assert_str_eq(sbom->spec_version, "1.5");
	ck_assert_str_eq(string_at(sbom->tools, 0), "cdxgen 10.2");
	ck_assert_str_eq(string_at(sbom->authors, 0), "qa@example.com");
	ck_assert_str_eq(sbom->subject_name, "Pump");
	ck_assert_uint_eq(sbom->subject_refs->len, 2);
	ck_assert_str_eq(string_at(sbom->subject_refs, 1), "product-ui");
	/* Parents before children, in document order; the pedigree ancestor
	 * and the extension element are not components. */
	ck_assert_uint_eq(sbom->components->len, 5);
	c = component(sbom, 0);
	ck_assert_str_eq(c->name, "alpha & co");
	ck_assert_str_eq(c->supplier, "Alpha Works");
	ck_assert_int_eq(licence(c, 0)->kind, SBOM_LICENCE_ID);
	ck_assert_str_eq(licence(c, 0)->text, "LicenseRef-alpha");
	ck_assert_str_eq(c->end_of_support, "2030-01-01");
	ck_assert_str_eq(c->level_of_support, "full");
	ck_assert_int_eq(c->loc.pos.line, 13);
	ck_assert_int_eq(c->loc.pos.col, 5);
	c = component(sbom, 1);
	ck_assert_str_eq(c->name, "beta");
	ck_assert_str_eq(c->ref, "#2");
	ck_assert_str_eq(c->parent_ref, "a");
	ck_assert_str_eq(c->loc.path, "/bom/components/component[1]/components/component[1]");
	ck_assert_int_eq(c->loc.pos.line, 28);
	ck_assert_int_eq(c->loc.pos.col, 9);
	c = component(sbom, 2);
	ck_assert_str_eq(c->name, "gamma");
	ck_assert_str_eq(c->parent_ref, "#2");
	ck_assert_str_eq(c->loc.path, "/bom/components/component[1]/components/component[1]"
	                              "/components/component[1]");
	ck_assert_int_eq(c->loc.pos.col, 23);
	c = component(sbom, 3);
	ck_assert_str_eq(c->name, "delta");
	ck_assert_str_eq(c->parent_ref, "a");
	ck_assert_str_eq(c->loc.path, "/bom/components/component[1]/components/component[2]");
	c = component(sbom, 4);
	ck_assert_str_eq(c->ref, "#5");
	ck_assert_ptr_null(c->parent_ref);
	ck_assert_str_eq(c->version, "");
	ck_assert_ptr_null(c->supplier);
	/* Nested dependency elements: each level with children is an entry. */
	ck_assert_uint_eq(sbom->dependencies->len, 3);
	d = g_ptr_array_index(sbom->dependencies, 0);
	ck_assert_str_eq(d->ref, "a");
	ck_assert_uint_eq(d->depends_on->len, 2);
	ck_assert_str_eq(string_at(d->depends_on, 1), "d");
	d = g_ptr_array_index(sbom->dependencies, 1);
	ck_assert_str_eq(d->ref, "#2");
	ck_assert_uint_eq(d->depends_on->len, 1);
	ck_assert_str_eq(string_at(d->depends_on, 0), "g");
	ck_assert_str_eq(d->loc.path, "/bom/dependencies/dependency[1]/dependency[1]");
	d = g_ptr_array_index(sbom->dependencies, 2);
	ck_assert_str_eq(d->ref, "product");
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

static const char vulnerability_xml[] =
	"<bom xmlns='http://cyclonedx.org/schema/bom/1.4' serialNumber='urn:uuid:1'>"
	"<components><component type='library' bom-ref='pkg:a'><name>a</name></component>"
	"</components>"
	"<vulnerabilities>"
	"<vulnerability bom-ref='v1'>"
	"<id>CVE-2021-44228</id><source><name>NVD</name><url>https://nvd.nist.gov/</url></source>"
	"<ratings>"
	"<rating><severity>medium</severity><method>CVSSv2</method></rating>"
	"<rating><score>9.3</score><severity>critical</severity><method>CVSSv2</method></rating>"
	"<rating><score>10.0</score><severity>critical</severity><method>CVSSv31</method></rating>"
	"<rating><score>10</score><severity>high</severity><method>other</method></rating>"
	"</ratings>"
	"<description> Remote code execution </description>"
	"<detail>not this one</detail>"
	"<analysis><state>not_affected</state><justification>code_not_reachable</justification>"
	"<responses><response>will_not_fix</response><response>update</response></responses>"
	"<detail>JNDI lookups are disabled</detail></analysis>"
	"<affects><target><ref>pkg:a</ref></target>"
	"<target><ref>urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg%3Ab</ref></target>"
	"</affects>"
	"</vulnerability>"
	"<vulnerability><id>CVE-2</id><ratings><rating><severity>low</severity></rating>"
	"<rating><severity>info</severity></rating></ratings></vulnerability>"
	"</vulnerabilities></bom>";

START_TEST(vulnerabilities)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_xml(vulnerability_xml, diags);
	const SbomVulnerability *v;

	ck_assert_ptr_nonnull(sbom);
	ck_assert_uint_eq(diags->items->len, 0);
	ck_assert_str_eq(sbom->serial, "urn:uuid:1");
	ck_assert(!sbom->has_dependencies);
	ck_assert_uint_eq(sbom->vulnerabilities->len, 2);
	v = g_ptr_array_index(sbom->vulnerabilities, 0);
	ck_assert_str_eq(v->id, "CVE-2021-44228");
	ck_assert_str_eq(v->source, "NVD");
	ck_assert_str_eq(v->description, "Remote code execution");
	ck_assert_str_eq(v->state, "not_affected");
	ck_assert_str_eq(v->justification, "code_not_reachable");
	ck_assert_str_eq(v->detail, "JNDI lookups are disabled");
	ck_assert_uint_eq(v->responses->len, 2);
	ck_assert_str_eq(string_at(v->responses, 1), "update");
	/* The highest score, the first of equal ones. */
	ck_assert_str_eq(v->score, "10.0");
	ck_assert_str_eq(v->severity, "critical");
	ck_assert_str_eq(v->method, "CVSSv31");
	ck_assert_uint_eq(v->affects->len, 2);
	ck_assert_str_eq(string_at(v->affects, 0), "pkg:a");
	ck_assert_str_eq(string_at(v->affects, 1), "pkg:b");
	ck_assert_str_eq(v->loc.path, "/bom/vulnerabilities/vulnerability[1]");
	/* No score at all: the first rating. */
	v = g_ptr_array_index(sbom->vulnerabilities, 1);
	ck_assert_ptr_null(v->score);
	ck_assert_str_eq(v->severity, "low");
	ck_assert_ptr_null(v->state);
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

/* Columns count characters, the byte-order mark is not one, and CR LF
 * ends a line once. */
START_TEST(positions)
{
	static const char xml[] =
		"\xEF\xBB\xBF<?xml version='1.0'?>\r\n"
		"<bom xmlns='http://cyclonedx.org/schema/bom/1.6'>\r\n"
		"<!-- \xC3\xA9t\xC3\xA9 --><components><component\r\n"
		"   bom-ref='x'><name>\xC3\xA9</name></component></components></bom>";
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_xml(xml, diags);

	ck_assert_ptr_nonnull(sbom);
	ck_assert_int_eq(sbom->loc.pos.line, 2);
	ck_assert_int_eq(sbom->loc.pos.col, 1);
	ck_assert_int_eq(component(sbom, 0)->loc.pos.line, 3);
	ck_assert_int_eq(component(sbom, 0)->loc.pos.col, 25);
	ck_assert_str_eq(component(sbom, 0)->name, "\xC3\xA9");
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(element_where_text_belongs)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_xml("<bom xmlns='http://cyclonedx.org/schema/bom/1.6'><components>"
	                      "<component><name><b>bold</b></name><version>1</version>"
	                      "</component></components></bom>",
	                      diags);

	ck_assert_ptr_nonnull(sbom);
	ck_assert_uint_eq(test_count(diags, "sbom-bad-field"), 1);
	ck_assert_uint_eq(diags->items->len, 1);
	ck_assert_ptr_null(component(sbom, 0)->name);
	ck_assert_str_eq(component(sbom, 0)->version, "1");
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(unsupported_version_is_read)
{
	static const char *const versions[] = {"1.0", "1.2", "1.7"};

	for (guint i = 0; i < G_N_ELEMENTS(versions); i++) {
		DiagList *diags = diag_list_new();
		char *xml = g_strdup_printf("<bom xmlns='http://cyclonedx.org/schema/bom/%s'>"
		                            "<components><component><name>a</name></component>"
		                            "</components></bom>",
		                            versions[i]);
		Sbom *sbom = read_xml(xml, diags);

		ck_assert_ptr_nonnull(sbom);
		ck_assert_uint_eq(test_count(diags, "sbom-unsupported-version"), 1);
		ck_assert_uint_eq(diags->items->len, 1);
		ck_assert_str_eq(sbom->spec_version, versions[i]);
		ck_assert_uint_eq(sbom->components->len, 1);
		sbom_free(sbom);
		g_free(xml);
		diag_list_free(diags);
	}
}
END_TEST

/* ---- Hostile and broken files ---- */

START_TEST(billion_laughs)
{
	GString *xml = g_string_new("<?xml version='1.0'?>\n<!DOCTYPE bom [\n"
	                            "<!ENTITY lol0 'lol'>\n");

	for (int i = 1; i < 10; i++)
		g_string_append_printf(xml,
		                       "<!ENTITY lol%d '&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;"
		                       "&lol%d;&lol%d;&lol%d;&lol%d;'>\n",
		                       i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
		                       i - 1);
	g_string_append(xml, "]>\n<bom xmlns='http://cyclonedx.org/schema/bom/1.6'><components>"
	                     "<component><name>&lol9;</name></component></components></bom>");
	expect_rejected(xml->str, xml->len, "sbom-xml-doctype");
	g_string_free(xml, TRUE);
}
END_TEST

/* Opens a listening socket on 127.0.0.1 that the reader must never
 * connect to. */
static int
open_listener(int *port)
{
	struct sockaddr_in addr = {0};
	socklen_t len = sizeof addr;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	*port = ntohs(addr.sin_port);
	ck_assert_int_eq(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	return fd;
}

static void
assert_no_connection(int fd)
{
	int client = accept(fd, NULL, NULL);

	ck_assert_int_lt(client, 0);
	ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);
	close(fd);
}

START_TEST(external_entities)
{
	char *dir = g_dir_make_tmp("sbom-xml-XXXXXX", NULL);
	char *secret = g_build_filename(dir, "secret.txt", NULL);
	char *secret_url = g_filename_to_uri(secret, NULL, NULL);
	int port;
	int fd = open_listener(&port);
	char *cases[] = {
		g_strdup_printf("<!DOCTYPE bom [<!ENTITY x SYSTEM '%s'>]>"
		                "<bom xmlns='http://cyclonedx.org/schema/bom/1.6'><components>"
		                "<component><name>&x;</name></component></components></bom>",
		                secret_url),
		g_strdup("<!DOCTYPE bom [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
		         "<bom xmlns='http://cyclonedx.org/schema/bom/1.6'><metadata><timestamp>&x;"
		         "</timestamp></metadata></bom>"),
		g_strdup_printf("<!DOCTYPE bom [<!ENTITY x SYSTEM 'http://127.0.0.1:%d/x'>]>"
		                "<bom xmlns='http://cyclonedx.org/schema/bom/1.6' serialNumber='&x;'/>",
		                port),
		g_strdup_printf("<!DOCTYPE bom SYSTEM 'http://127.0.0.1:%d/bom.dtd'>"
		                "<bom xmlns='http://cyclonedx.org/schema/bom/1.6'/>",
		                port),
		g_strdup_printf("<!DOCTYPE bom [<!ENTITY %% p SYSTEM 'http://127.0.0.1:%d/p'> %%p;]>"
		                "<bom xmlns='http://cyclonedx.org/schema/bom/1.6'/>",
		                port),
		g_strdup("<!DOCTYPE bom [<!ENTITY x SYSTEM 'http://127.0.0.1:9/'>]>"
		         "<bom xmlns='http://cyclonedx.org/schema/bom/1.6'>&x;</bom>"),
	};

	ck_assert_ptr_nonnull(dir);
	ck_assert(g_file_set_contents(secret, "SECRET-MARKER", -1, NULL));
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		expect_rejected(cases[i], strlen(cases[i]), "sbom-xml-doctype");
		g_free(cases[i]);
	}
	assert_no_connection(fd);
	g_unlink(secret);
	g_rmdir(dir);
	g_free(secret_url);
	g_free(secret);
	g_free(dir);
}
END_TEST

START_TEST(doctype_without_entities)
{
	static const char xml[] = "<?xml version='1.0'?>\n<!DOCTYPE bom>\n"
	                          "<bom xmlns='http://cyclonedx.org/schema/bom/1.6'/>";
	DiagList *diags = diag_list_new();

	ck_assert_ptr_null(read_xml(xml, diags));
	ck_assert_uint_eq(diags->items->len, 1);
	ck_assert_uint_eq(test_count(diags, "sbom-xml-doctype"), 1);
	ck_assert_int_eq(((const Diag *)g_ptr_array_index(diags->items, 0))->pos.line, 2);
	diag_list_free(diags);
}
END_TEST

/* Only the five predefined entities and character references are
 * allowed. Any other reference is rejected, declared or not. */
START_TEST(entity_reference_without_doctype)
{
	static const char rejected[] = "<bom xmlns='http://cyclonedx.org/schema/bom/1.6'>"
	                              "<components><component><name>&nbsp;</name></component>"
	                              "</components></bom>";
	static const char in_attribute[] = "<bom xmlns='http://cyclonedx.org/schema/bom/1.6' "
	                                   "serialNumber='urn:&x;'/>";
	static const char allowed[] = "<bom xmlns='http://cyclonedx.org/schema/bom/1.6'>"
	                              "<components><component><name>&lt;&#65;&#x42;&quot;&apos;"
	                              "&gt;</name></component></components></bom>";
	DiagList *diags = diag_list_new();
	Sbom *sbom;

	expect_rejected(rejected, strlen(rejected), "sbom-xml-doctype");
	expect_rejected(in_attribute, strlen(in_attribute), "sbom-xml-doctype");
	sbom = read_xml(allowed, diags);
	ck_assert_ptr_nonnull(sbom);
	ck_assert_str_eq(component(sbom, 0)->name, "<AB\"'>");
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

/* Encodings other than UTF-8 reach the same rejection. */
START_TEST(doctype_in_utf16)
{
	static const char ascii[] = "<?xml version='1.0' encoding='UTF-16'?>"
	                            "<!DOCTYPE bom [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
	                            "<bom xmlns='http://cyclonedx.org/schema/bom/1.6'>&x;</bom>";
	GString *utf16 = g_string_new_len("\xFF\xFE", 2);

	for (const char *p = ascii; *p != '\0'; p++) {
		g_string_append_c(utf16, *p);
		g_string_append_c(utf16, '\0');
	}
	expect_rejected(utf16->str, utf16->len, "sbom-xml-doctype");
	g_string_free(utf16, TRUE);
}
END_TEST

START_TEST(truncated)
{
	static const char xml[] = "<bom xmlns='http://cyclonedx.org/schema/bom/1.6'>\n"
	                          "<components><component><name>a</name></comp";
	DiagList *diags = diag_list_new();
	const Diag *d;

	ck_assert_ptr_null(read_xml(xml, diags));
	ck_assert_uint_eq(diags->items->len, 1);
	d = g_ptr_array_index(diags->items, 0);
	ck_assert_str_eq(d->code_name, "sbom-unreadable");
	ck_assert_str_eq(d->pos.file, "t.xml");
	ck_assert_int_eq(d->pos.line, 2);
	ck_assert_ptr_nonnull(strstr(d->message, "not well-formed XML: "));
	diag_list_free(diags);
}
END_TEST

START_TEST(not_a_bom)
{
	static const char *const cases[] = {
		"<project xmlns='http://cyclonedx.org/schema/bom/1.6'/>",
		"<bom xmlns='http://example.com/schema/bom/1.6'/>",
		"<bom/>",
		"<bom xmlns='http://cyclonedx.org/schema/bom/latest'/>",
		"<x:bom xmlns:x='http://cyclonedx.org/schema/ext/vulnerability/1.0'/>",
		"<SPDXDocument/>",
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
		expect_rejected(cases[i], strlen(cases[i]), "sbom-unknown-format");
}
END_TEST

START_TEST(depth_bomb)
{
	GString *xml = g_string_new("<bom xmlns='http://cyclonedx.org/schema/bom/1.6'><components>");

	for (int i = 0; i < 100000; i++)
		g_string_append(xml, "<component><components>");
	expect_rejected(xml->str, xml->len, "sbom-limit");
	/* Closed, so that only the depth is wrong. */
	for (int i = 0; i < 100000; i++)
		g_string_append(xml, "</components></component>");
	g_string_append(xml, "</components></bom>");
	expect_rejected(xml->str, xml->len, "sbom-limit");
	g_string_free(xml, TRUE);
}
END_TEST

/* A limit raised past what libxml2 parses without XML_PARSE_HUGE is
 * capped by the parser, and still reported as the depth limit. */
START_TEST(depth_over_parser_cap)
{
	guint saved = dossier_limits.sbom_depth;
	GString *xml = g_string_new("<bom xmlns='http://cyclonedx.org/schema/bom/1.6'>");

	for (int i = 0; i < 400; i++)
		g_string_append(xml, "<a>");
	dossier_limits.sbom_depth = 10000;
	expect_rejected(xml->str, xml->len, "sbom-limit");
	dossier_limits.sbom_depth = saved;
	g_string_free(xml, TRUE);
}
END_TEST

START_TEST(depth_within_limit)
{
	GString *xml = g_string_new("<bom xmlns='http://cyclonedx.org/schema/bom/1.6'><components>");
	DiagList *diags = diag_list_new();
	Sbom *sbom;
	/* <bom> and <components> take two levels, each component two more. */
	int levels = ((int)dossier_limits.sbom_depth - 2) / 2;
	char *parent = g_strdup_printf("#%d", levels - 1);

	for (int i = 0; i < levels; i++)
		g_string_append(xml, "<component><components>");
	for (int i = 0; i < levels; i++)
		g_string_append(xml, "</components></component>");
	g_string_append(xml, "</components></bom>");
	sbom = read_xml(xml->str, diags);
	ck_assert_ptr_nonnull(sbom);
	ck_assert_uint_eq(diags->items->len, 0);
	ck_assert_uint_eq(sbom->components->len, (guint)levels);
	ck_assert_str_eq(component(sbom, (guint)levels - 1)->parent_ref, parent);
	g_free(parent);
	sbom_free(sbom);
	diag_list_free(diags);
	g_string_free(xml, TRUE);
}
END_TEST

START_TEST(invalid_utf8)
{
	static const char xml[] = "<bom xmlns='http://cyclonedx.org/schema/bom/1.6'>"
	                          "<components><component><name>\xC3\x28</name></component>"
	                          "</components></bom>";

	expect_rejected(xml, strlen(xml), "sbom-unreadable");
}
END_TEST

/* XInclude is never processed: the element is just an unknown one. */
START_TEST(xinclude_ignored)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_xml("<bom xmlns='http://cyclonedx.org/schema/bom/1.6' "
	                      "xmlns:xi='http://www.w3.org/2001/XInclude'><metadata><timestamp>"
	                      "<xi:include href='file:///etc/passwd' parse='text'/></timestamp>"
	                      "</metadata></bom>",
	                      diags);

	ck_assert_ptr_nonnull(sbom);
	ck_assert_ptr_null(sbom->timestamp);
	ck_assert_uint_eq(test_count(diags, "sbom-bad-field"), 1);
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(empty_and_garbage)
{
	static const char *const cases[] = {"", "<", "<bom", "<?xml version='1.0'?>", "<a></b>",
	                                    "<bom xmlns='http://cyclonedx.org/schema/bom/1.6'/>x"};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
		expect_rejected(cases[i], strlen(cases[i]), "sbom-unreadable");
}
END_TEST

/* ---- Threads ---- */

static int generic_errors;

static void
count_generic_error(void *ctx, const char *msg, ...)
{
	generic_errors++;
}

/* The reader leaves the calling thread's libxml2 error handlers as they
 * were, and prints nothing through them. */
START_TEST(error_handlers_restored)
{
	static const char *const cases[] = {
		"<bom xmlns='http://cyclonedx.org/schema/bom/1.6'><a></b></bom>",
		"<?xml version='1.0' encoding='Shift_JIS'?>\n"
		"<bom xmlns='http://cyclonedx.org/schema/bom/1.6'><x>\x81\xff\xff</x></bom>",
		"<!DOCTYPE bom [<!ENTITY x 'y'>]><bom xmlns='http://cyclonedx.org/schema/bom/1.6'/>",
	};
	int marker;

	xmlSetGenericErrorFunc(&marker, count_generic_error);
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		DiagList *diags = diag_list_new();

		ck_assert_ptr_null(read_xml(cases[i], diags));
		ck_assert_uint_eq(diags->items->len, 1);
		diag_list_free(diags);
	}
	ck_assert(xmlGenericError == count_generic_error);
	ck_assert_ptr_eq(xmlGenericErrorContext, &marker);
	ck_assert_int_eq(generic_errors, 0);
	xmlSetGenericErrorFunc(NULL, NULL);
}
END_TEST

typedef struct {
	const char *text;
	gsize len;
} SharedText;

/* Reads the shared SBOM and a rejected file over and over. Returns the
 * number of wrong results. */
static gpointer
read_repeatedly(gpointer data)
{
	const SharedText *shared = data;
	static const char rejected[] = "<!DOCTYPE bom [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
	                              "<bom xmlns='http://cyclonedx.org/schema/bom/1.6'>&x;</bom>";
	guint wrong = 0;

	for (int i = 0; i < 8; i++) {
		DiagList *diags = diag_list_new();
		Sbom *sbom = sbom_read_cyclonedx_xml("l.xml", shared->text, shared->len, diags);

		if (sbom == NULL || sbom->components->len != 62 || diags->items->len != 0)
			wrong++;
		sbom_free(sbom);
		sbom = read_xml(rejected, diags);
		if (sbom != NULL || test_count(diags, "sbom-xml-doctype") != 1)
			wrong++;
		sbom_free(sbom);
		diag_list_free(diags);
	}
	return GUINT_TO_POINTER(wrong);
}

START_TEST(concurrent_reads)
{
	char *path = test_srcdir_path("../shared/corpus/sbom/laravel-7.12.0.bom.1.4.xml");
	SharedText shared;
	char *text;
	GThread *threads[4];

	ck_assert(g_file_get_contents(path, &text, &shared.len, NULL));
	shared.text = text;
	for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
		threads[i] = g_thread_new("sbom-xml", read_repeatedly, &shared);
	for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
		ck_assert_uint_eq(GPOINTER_TO_UINT(g_thread_join(threads[i])), 0);
	g_free(text);
	g_free(path);
}
END_TEST

Suite *
sbom_xml_suite(void)
{
	Suite *s = suite_create("sbom_xml");
	TCase *corpus = tcase_create("corpus");
	TCase *mapping = tcase_create("mapping");
	TCase *hostile = tcase_create("hostile");
	TCase *threads = tcase_create("threads");
	char *corpus_dir = test_srcdir_path("../shared/corpus/sbom");
	gboolean have_corpus = g_file_test(corpus_dir, G_FILE_TEST_IS_DIR);

	/* The corpus sits beside the checkout, not in it; without it only the
	 * tests on constructed documents run. */
	if (have_corpus) {
		tcase_add_test(corpus, laravel_xml);
		tcase_add_test(corpus, valid_bom_16);
		tcase_add_test(corpus, laravel_json_xml_parity);
	} else {
		g_printerr("sbom_xml_suite: %s not found; the corpus tests do not run\n", corpus_dir);
	}
	g_free(corpus_dir);
	tcase_add_test(mapping, nested_components);
	tcase_add_test(mapping, vulnerabilities);
	tcase_add_test(mapping, positions);
	tcase_add_test(mapping, element_where_text_belongs);
	tcase_add_test(mapping, unsupported_version_is_read);
	tcase_add_test(hostile, billion_laughs);
	tcase_add_test(hostile, external_entities);
	tcase_add_test(hostile, doctype_without_entities);
	tcase_add_test(hostile, entity_reference_without_doctype);
	tcase_add_test(hostile, doctype_in_utf16);
	tcase_add_test(hostile, truncated);
	tcase_add_test(hostile, not_a_bom);
	tcase_add_test(hostile, depth_bomb);
	tcase_add_test(hostile, depth_over_parser_cap);
	tcase_add_test(hostile, depth_within_limit);
	tcase_add_test(hostile, invalid_utf8);
	tcase_add_test(hostile, xinclude_ignored);
	tcase_add_test(hostile, empty_and_garbage);
	/* Valgrind runs the threads one at a time. */
	tcase_set_timeout(threads, 30);
	tcase_add_test(threads, error_handlers_restored);
	if (have_corpus)
		tcase_add_test(threads, concurrent_reads);
	suite_add_tcase(s, corpus);
	suite_add_tcase(s, mapping);
	suite_add_tcase(s, hostile);
	suite_add_tcase(s, threads);
	return s;
}
