#include "suites.h"

#include "sbom.h"

#include <glib/gstdio.h>
#include <string.h>

#define CORPUS "../shared/corpus/sbom/"

/* The JSON SBOMs of the corpus with the number of components each holds,
 * counted with a Python script apart from dossier: nested CycloneDX
 * components included, metadata.component and the packages an SPDX
 * document describes excluded. */
static const struct {
	const char *name;
	SbomFormat format;
	const char *spec_version;
	guint components;
	guint vulnerabilities;
} corpus[] = {
	{"apache_airflow-sbom-2.8.0-python3.10.json", SBOM_CYCLONEDX_JSON, "1.5", 1749, 0},
	{"appbomination.spdx.json", SBOM_SPDX_JSON, "2.2", 6, 0},
	{"cisa-case-2.vex.json", SBOM_CYCLONEDX_JSON, "1.4", 0, 19},
	{"examplemaven-0.0.1-enriched.spdx.json", SBOM_SPDX_JSON, "2.3", 5, 0},
	{"laravel-7.12.0.bom.1.3.json", SBOM_CYCLONEDX_JSON, "1.3", 62, 0},
	{"libspdm.sbom.cdx.json", SBOM_CYCLONEDX_JSON, "1.6", 1, 0},
	{"pl-dicom_anonymize.sbom.cdx.json", SBOM_CYCLONEDX_JSON, "1.6", 4, 0},
	{"sbomqs-sbomsh-with-vuln.cdx.json", SBOM_CYCLONEDX_JSON, "1.6", 46, 2},
	{"sbomqs.cdx-modtool.json", SBOM_CYCLONEDX_JSON, "1.4", 51, 0},
	{"sbomqs.syft-spdx.json", SBOM_SPDX_JSON, "2.3", 30, 0},
};

static Sbom *
read_corpus(const char *name, DiagList *diags)
{
	char *relative = g_strconcat(CORPUS, name, NULL);
	char *path = test_srcdir_path(relative);
	Sbom *sbom = sbom_read(path, diags);

	ck_assert_msg(sbom != NULL, "%s was not read", name);
	g_free(path);
	g_free(relative);
	return sbom;
}

/* Writes json to a file in a new temporary folder and reads it with
 * sbom_read, as dossier reads a project's SBOM. */
static Sbom *
read_text(const char *json, DiagList *diags)
{
	char *dir = g_dir_make_tmp("test-sbom-XXXXXX", NULL);
	char *path;
	Sbom *sbom;

	ck_assert_ptr_nonnull(dir);
	path = g_build_filename(dir, "sbom.json", NULL);
	ck_assert(g_file_set_contents(path, json, -1, NULL));
	sbom = sbom_read(path, diags);
	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
	return sbom;
}

static SbomComponent *
component(const Sbom *sbom, guint index)
{
	ck_assert_uint_lt(index, sbom->components->len);
	return g_ptr_array_index(sbom->components, index);
}

static SbomComponent *
component_by_ref(const Sbom *sbom, const char *ref)
{
	for (guint i = 0; i < sbom->components->len; i++) {
		SbomComponent *c = g_ptr_array_index(sbom->components, i);

		if (strcmp(c->ref, ref) == 0)
			return c;
	}
	ck_abort_msg("no component with ref %s", ref);
	return NULL;
}

static SbomLicence *
licence(const SbomComponent *c, guint index)
{
	ck_assert_uint_lt(index, c->licences->len);
	return g_ptr_array_index(c->licences, index);
}

static SbomVulnerability *
vulnerability(const Sbom *sbom, guint index)
{
	ck_assert_uint_lt(index, sbom->vulnerabilities->len);
	return g_ptr_array_index(sbom->vulnerabilities, index);
}

static SbomDependency *
dependency(const Sbom *sbom, guint index)
{
	ck_assert_uint_lt(index, sbom->dependencies->len);
	return g_ptr_array_index(sbom->dependencies, index);
}

static const char *
string_at(const GPtrArray *array, guint index)
{
	ck_assert_uint_lt(index, array->len);
	return g_ptr_array_index(array, index);
}

/* TRUE when a diagnostic with code_name has text in its message. */
static gboolean
has_message(const DiagList *diags, const char *code_name, const char *text)
{
	for (guint i = 0; i < diags->items->len; i++) {
		const Diag *d = g_ptr_array_index(diags->items, i);

		if (strcmp(d->code_name, code_name) == 0 && strstr(d->message, text) != NULL)
			return TRUE;
	}
	return FALSE;
}

START_TEST(corpus_component_counts)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_corpus(corpus[_i].name, diags);

	ck_assert_msg(sbom->components->len == corpus[_i].components,
	              "%s: %u components read, %u in the file", corpus[_i].name,
	              sbom->components->len, corpus[_i].components);
	ck_assert_msg(sbom->vulnerabilities->len == corpus[_i].vulnerabilities,
	              "%s: %u vulnerabilities read, %u in the file", corpus[_i].name,
	              sbom->vulnerabilities->len, corpus[_i].vulnerabilities);
	ck_assert_int_eq(sbom->format, corpus[_i].format);
	ck_assert_str_eq(sbom->spec_version, corpus[_i].spec_version);
	ck_assert_msg(test_count(diags, "sbom-bad-field") == 0, "%s: a field of the wrong type",
	              corpus[_i].name);
	ck_assert_uint_eq(test_count(diags, "sbom-unsupported-version"), 0);
	for (guint i = 0; i < sbom->components->len; i++) {
		SbomComponent *c = component(sbom, i);

		ck_assert_ptr_nonnull(c->ref);
		ck_assert_ptr_nonnull(c->loc.path);
		ck_assert_ptr_eq(c->loc.pos.file, sbom->file);
		ck_assert_int_gt(c->loc.pos.line, 0);
	}
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(cyclonedx_nested_components)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_corpus("sbomqs.cdx-modtool.json", diags);
	SbomComponent *parent = component(sbom, 0);
	SbomComponent *child = component(sbom, 1);

	ck_assert_ptr_null(parent->parent_ref);
	ck_assert_str_eq(parent->ref, "pkg:golang/github.com/CycloneDX/cyclonedx-go@v0.7.0?type=module");
	/* The nested component has no bom-ref: it is the second one read. */
	ck_assert_str_eq(child->ref, "#2");
	ck_assert_str_eq(child->parent_ref, parent->ref);
	ck_assert_str_eq(child->loc.path, "/components/0/components/0");
	ck_assert_str_eq(child->purl,
	                 "pkg:golang/github.com/CycloneDX/cyclonedx-go@v0.7.0?type=package");
	ck_assert_str_eq(component(sbom, 2)->loc.path, "/components/1");
	ck_assert_ptr_null(component(sbom, 2)->parent_ref);
	/* Evidence licences are findings, not declared licences. */
	ck_assert_uint_eq(parent->licences->len, 0);
	ck_assert_str_eq(sbom->subject_name, "github.com/interlynk-io/sbomqs");
	ck_assert_str_eq(string_at(sbom->subject_refs, 0),
	                 "pkg:golang/github.com/interlynk-io/sbomqs@v0.0.2-0.20230131230801-"
	                 "a00b2a733eb0?type=module");
	ck_assert_str_eq(string_at(sbom->tools, 0), "cyclonedx-gomod v1.3.0");
	ck_assert_str_eq(sbom->timestamp, "2023-01-31T18:15:32-08:00");
	ck_assert_uint_eq(sbom->dependencies->len, 15);
	ck_assert_uint_eq(dependency(sbom, 0)->depends_on->len, 7);
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(cyclonedx_licence_shapes)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_corpus("pl-dicom_anonymize.sbom.cdx.json", diags);
	SbomLicence *l;

	l = licence(component_by_ref(sbom, "chris-plugin==0.4.0"), 0);
	ck_assert_int_eq(l->kind, SBOM_LICENCE_ID);
	ck_assert_str_eq(l->text, "MIT");
	ck_assert_str_eq(l->loc.path, "/components/0/licenses/0/license/id");
	l = licence(component_by_ref(sbom, "dicom_anonymizer==1.0.13.post1"), 0);
	ck_assert_int_eq(l->kind, SBOM_LICENCE_NAME);
	ck_assert_str_eq(l->text, "License :: OSI Approved :: BSD License");
	/* cyclonedx-py writes the expression inside the license object. */
	l = licence(component_by_ref(sbom, "tqdm==4.70.0"), 0);
	ck_assert_int_eq(l->kind, SBOM_LICENCE_EXPRESSION);
	ck_assert_str_eq(l->text, "MPL-2.0 AND MIT");
	/* 1.5 and later list tools as components. */
	ck_assert_uint_eq(sbom->tools->len, 2);
	ck_assert_str_eq(string_at(sbom->tools, 0), "cyclonedx-py 7.3.1");
	ck_assert_str_eq(sbom->subject_name, "dicom_anonymize");
	ck_assert_str_eq(sbom->subject_version, "1.1.0");
	ck_assert_str_eq(sbom->serial, "urn:uuid:0120f92a-345d-464b-aed6-b3f00ddf2a7f");
	ck_assert_uint_eq(sbom->dependencies->len, 5);
	ck_assert_uint_eq(dependency(sbom, 1)->depends_on->len, 2);
	ck_assert_str_eq(string_at(dependency(sbom, 1)->depends_on, 1), "tqdm==4.70.0");
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(cyclonedx_id_and_name_licences)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_corpus("apache_airflow-sbom-2.8.0-python3.10.json", diags);
	SbomComponent *c = component(sbom, 1604);

	ck_assert_str_eq(c->name, "cgroupspy");
	ck_assert_uint_eq(c->licences->len, 2);
	ck_assert_int_eq(licence(c, 0)->kind, SBOM_LICENCE_ID);
	ck_assert_str_eq(licence(c, 0)->text, "0BSD");
	ck_assert_int_eq(licence(c, 1)->kind, SBOM_LICENCE_NAME);
	ck_assert_str_eq(licence(c, 1)->text, "New BSD");
	ck_assert_str_eq(string_at(component(sbom, 0)->hashes, 0),
	                 "SHA-512:0289708ddec7482d8fc98d1f0e3ff003f1229904f81df127158369e6cf42425add"
	                 "872bd64edbd9e58ceb50fbba47aff58ca894971bbc6d48647529ca1cd00730");
	ck_assert_str_eq(string_at(sbom->authors, 0), "OWASP Foundation");
	ck_assert_str_eq(string_at(sbom->tools, 0), "cdxgen 9.9.9");
	ck_assert_uint_eq(sbom->dependencies->len, 1555);
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(cyclonedx_1_3_author_is_supplier)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_corpus("laravel-7.12.0.bom.1.3.json", diags);
	SbomComponent *c = component(sbom, 0);

	ck_assert_str_eq(c->ref, "asm89/stack-cors-1.3.0.0");
	ck_assert_str_eq(c->name, "stack-cors");
	ck_assert_str_eq(c->version, "1.3.0");
	ck_assert_str_eq(c->supplier, "Alexander");
	ck_assert_str_eq(c->purl, "pkg:composer/asm89/stack-cors@1.3.0");
	ck_assert_str_eq(c->type, "library");
	ck_assert_int_eq(licence(c, 0)->kind, SBOM_LICENCE_ID);
	ck_assert_str_eq(licence(c, 0)->text, "MIT");
	ck_assert(sbom->has_dependencies);
	ck_assert_uint_eq(sbom->dependencies->len, 63);
	ck_assert_str_eq(string_at(sbom->tools, 0), "cyclonedx-php-composer in-dev");
	ck_assert_str_eq(sbom->subject_name, "cyclonedx-php-composer-demo");
	ck_assert_str_eq(sbom->subject_version, "dev-master");
	ck_assert_uint_eq(sbom->authors->len, 0);
	ck_assert_ptr_null(sbom->timestamp);
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(cyclonedx_placeholders_kept)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_corpus("libspdm.sbom.cdx.json", diags);
	SbomComponent *c = component(sbom, 0);

	ck_assert_str_eq(c->ref, "pkg:github/DMTF/libspdm@@VCS_TAG@");
	ck_assert_str_eq(c->version, "@VCS_VERSION@");
	ck_assert_str_eq(c->cpe, "cpe:2.3:a:dmtf:libspdm:@VCS_TAG@:*:*:*:*:*:*:*");
	ck_assert_str_eq(c->supplier, "DMTF");
	ck_assert_str_eq(c->description, "Reference implementation of SPDM");
	ck_assert_ptr_null(c->purl);
	ck_assert_str_eq(string_at(sbom->authors, 0), "@VCS_SBOM_AUTHORS@");
	ck_assert_ptr_null(sbom->serial);
	ck_assert(!sbom->has_dependencies);
	ck_assert_str_eq(licence(c, 0)->loc.path, "/components/0/licenses/0/license/id");
	ck_assert_int_eq(licence(c, 0)->loc.pos.line, 26);
	ck_assert_uint_eq(diags->items->len, 0);
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(cyclonedx_vex_document)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_corpus("cisa-case-2.vex.json", diags);
	SbomVulnerability *v = vulnerability(sbom, 0);

	ck_assert_str_eq(v->id, "CVE-2020-11896");
	ck_assert_str_eq(v->source, "NVD");
	ck_assert_str_eq(v->justification, "code_not_reachable");
	ck_assert_str_eq(v->severity, "none");
	ck_assert_str_eq(v->score, "0.0");
	ck_assert_str_eq(v->method, "CVSSv31");
	ck_assert_uint_eq(v->affects->len, 1);
	ck_assert_str_eq(string_at(v->affects, 0), "product-ABC");
	ck_assert_str_eq(v->loc.path, "/vulnerabilities/0");
	for (guint i = 0; i < sbom->vulnerabilities->len; i++)
		ck_assert_str_eq(vulnerability(sbom, i)->state, "not_affected");
	ck_assert_str_eq(vulnerability(sbom, 18)->id, "CVE-2020-11914");
	ck_assert_str_eq(string_at(sbom->subject_refs, 0), "product-ABC");
	ck_assert_str_eq(sbom->subject_name, "ABC");
	ck_assert_str_eq(sbom->subject_version, "4.2");
	ck_assert(!sbom->has_dependencies);
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(cyclonedx_vulnerability_analysis)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_corpus("sbomqs-sbomsh-with-vuln.cdx.json", diags);
	SbomVulnerability *v = vulnerability(sbom, 0);

	ck_assert_str_eq(v->id, "CVE-2018-7489");
	ck_assert_str_eq(v->state, "not_affected");
	ck_assert_str_eq(v->justification, "code_not_reachable");
	ck_assert_uint_eq(v->responses->len, 2);
	ck_assert_str_eq(string_at(v->responses, 0), "will_not_fix");
	ck_assert_str_eq(string_at(v->responses, 1), "update");
	ck_assert_ptr_null(v->score);
	v = vulnerability(sbom, 1);
	ck_assert_str_eq(v->id, "CVE-2021-44228");
	ck_assert_str_eq(v->description, " Apache Log4j logging library,");
	ck_assert_ptr_null(v->state);
	ck_assert_uint_eq(v->affects->len, 0);
	ck_assert_str_eq(string_at(sbom->tools, 0), "grype 0.85.0");
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(spdx_described_package_is_subject)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_corpus("appbomination.spdx.json", diags);
	SbomComponent *c;
	SbomDependency *d;

	ck_assert_str_eq(sbom->subject_name, "App-BOM-ination");
	ck_assert_str_eq(sbom->subject_version, "1.0");
	ck_assert_uint_eq(sbom->subject_refs->len, 1);
	ck_assert_str_eq(string_at(sbom->subject_refs, 0), "SPDXRef-1");
	ck_assert_str_eq(sbom->serial, "http://www.sourceauditor.com/spdxdocs/appbomination-src/"
	                               "e3b71037-57de-44c9-8b7f-4e8a62f45311");
	ck_assert_str_eq(sbom->timestamp, "2021-09-02T13:46:32Z");
	ck_assert_str_eq(string_at(sbom->authors, 0), "Gary O'Neall");
	ck_assert_str_eq(string_at(sbom->tools, 0), "Source Auditor Open Source Console");
	/* Declared NOASSERTION falls back to the concluded licence. */
	c = component_by_ref(sbom, "SPDXRef-23");
	ck_assert_str_eq(c->name, "hamcrest-core");
	ck_assert_int_eq(licence(c, 0)->kind, SBOM_LICENCE_ID);
	ck_assert_str_eq(licence(c, 0)->text, "BSD-3-Clause");
	ck_assert_str_eq(licence(c, 0)->loc.path, "/packages/3/licenseConcluded");
	ck_assert_str_eq(c->purl, "pkg:maven/org.hamcrest/hamcrest-core@1.3");
	ck_assert_str_eq(string_at(c->hashes, 0), "SHA1:42a25dc3219429f0e5d060061f71acb49bf010a0");
	ck_assert_ptr_null(c->supplier);
	c = component_by_ref(sbom, "SPDXRef-13");
	ck_assert_int_eq(licence(c, 0)->kind, SBOM_LICENCE_ID);
	ck_assert_str_eq(licence(c, 0)->text, "LicenseRef-1");
	/* Dependencies between packages; the CONTAINED_BY relationships of
	 * files are not dependencies. */
	ck_assert(sbom->has_dependencies);
	ck_assert_uint_eq(sbom->dependencies->len, 2);
	d = dependency(sbom, 0);
	ck_assert_str_eq(d->ref, "SPDXRef-22");
	ck_assert_uint_eq(d->depends_on->len, 1);
	ck_assert_str_eq(string_at(d->depends_on, 0), "SPDXRef-23");
	ck_assert_str_eq(d->loc.path, "/relationships/1");
	d = dependency(sbom, 1);
	ck_assert_str_eq(d->ref, "SPDXRef-1");
	ck_assert_uint_eq(d->depends_on->len, 3);
	ck_assert_str_eq(string_at(d->depends_on, 0), "SPDXRef-21");
	ck_assert_str_eq(string_at(d->depends_on, 1), "SPDXRef-22");
	ck_assert_str_eq(string_at(d->depends_on, 2), "SPDXRef-20");
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(spdx_originator_and_links)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_corpus("examplemaven-0.0.1-enriched.spdx.json", diags);
	SbomComponent *c;
	SbomDependency *d;

	ck_assert_str_eq(sbom->subject_name, "examplemaven");
	ck_assert_str_eq(sbom->subject_version, "0.0.1");
	/* No supplier, so the originator is taken. */
	c = component_by_ref(sbom, "SPDXRef-junit");
	ck_assert_str_eq(c->supplier, "JUnit");
	ck_assert_str_eq(c->version, "3.8.1");
	ck_assert_str_eq(licence(c, 0)->text, "CPL-1.0");
	/* Both licence fields NOASSERTION: kept as such. */
	c = component_by_ref(sbom, "SPDXRef-log4jApi");
	ck_assert_ptr_null(c->version);
	ck_assert_ptr_null(c->supplier);
	ck_assert_int_eq(licence(c, 0)->kind, SBOM_LICENCE_ID);
	ck_assert_str_eq(licence(c, 0)->text, "NOASSERTION");
	ck_assert_str_eq(licence(c, 0)->loc.path, "/packages/3/licenseDeclared");
	ck_assert_uint_eq(sbom->tools->len, 2);
	ck_assert_str_eq(string_at(sbom->tools, 1), "Parlay");
	/* TEST_DEPENDENCY_OF and DYNAMIC_LINK between packages; CONTAINS of
	 * files and the AMENDS of another document are not dependencies. */
	ck_assert_uint_eq(sbom->dependencies->len, 1);
	d = dependency(sbom, 0);
	ck_assert_str_eq(d->ref, "SPDXRef-example");
	ck_assert_uint_eq(d->depends_on->len, 5);
	ck_assert_str_eq(string_at(d->depends_on, 0), "SPDXRef-junit");
	ck_assert_str_eq(string_at(d->depends_on, 4), "SPDXRef-log4jImpl");
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(spdx_syft_packages)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_corpus("sbomqs.syft-spdx.json", diags);
	SbomComponent *c = component(sbom, 0);

	ck_assert_str_eq(c->ref,
	                 "SPDXRef-Package-go-module-github.com-CycloneDX-cyclonedx-go-ba051c04530e8ea7");
	ck_assert_str_eq(c->purl, "pkg:golang/github.com/CycloneDX/cyclonedx-go@v0.7.0");
	ck_assert_str_eq(c->cpe, "cpe:2.3:a:CycloneDX:cyclonedx-go:v0.7.0:*:*:*:*:*:*:*");
	ck_assert_str_eq(string_at(c->hashes, 0),
	                 "SHA256:8cdc69f212fb52972f3c31578d8f98d626c5b6c5be7b9cf217d4284a684aff38");
	ck_assert_int_eq(licence(c, 0)->kind, SBOM_LICENCE_ID);
	ck_assert_str_eq(licence(c, 0)->text, "NONE");
	ck_assert_ptr_null(c->supplier);
	ck_assert_ptr_null(c->type);
	ck_assert_uint_eq(sbom->subject_refs->len, 0);
	ck_assert_ptr_null(sbom->subject_name);
	ck_assert(!sbom->has_dependencies);
	ck_assert_str_eq(string_at(sbom->authors, 0), "Anchore, Inc");
	ck_assert_str_eq(string_at(sbom->tools, 0), "syft-0.63.0");
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(cyclonedx_empty_document)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_text("{\"bomFormat\": \"CycloneDX\"}", diags);

	ck_assert_ptr_nonnull(sbom);
	ck_assert_int_eq(sbom->format, SBOM_CYCLONEDX_JSON);
	ck_assert_uint_eq(sbom->components->len, 0);
	ck_assert_uint_eq(sbom->vulnerabilities->len, 0);
	ck_assert(!sbom->has_dependencies);
	ck_assert_ptr_null(sbom->spec_version);
	ck_assert_uint_eq(test_count(diags, "sbom-unsupported-version"), 1);
	ck_assert(has_message(diags, "sbom-unsupported-version", "'/specVersion'"));
	ck_assert_uint_eq(diags->items->len, 1);
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(cyclonedx_components_not_array)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_text("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\",\n"
	                       " \"components\": \"none\", \"dependencies\": {}}",
	                       diags);

	ck_assert_ptr_nonnull(sbom);
	ck_assert_uint_eq(sbom->components->len, 0);
	ck_assert(!sbom->has_dependencies);
	ck_assert_uint_eq(test_count(diags, "sbom-bad-field"), 2);
	ck_assert(has_message(diags, "sbom-bad-field",
	                      "'/components' must be an array, not a string; it is skipped"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/dependencies' must be an array"));
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

/* Each wrong field is reported once and skipped; the rest of its
 * component is read. */
START_TEST(cyclonedx_wrong_types)
{
	static const char json[] =
		"{\"bomFormat\": \"CycloneDX\", \"specVersion\": 1.5,\n"
		" \"serialNumber\": [\"x\"],\n"
		" \"metadata\": {\"timestamp\": 20240101, \"authors\": [\"Ann\", {\"name\": 3},\n"
		"   {\"email\": \"b@example.com\"}], \"tools\": \"make\",\n"
		"   \"component\": {\"name\": \"Pump\", \"bom-ref\": \"pump\",\n"
		"     \"components\": [{\"bom-ref\": \"pump-fw\", \"name\": \"fw\"}]}},\n"
		" \"components\": [\n"
		"  42,\n"
		"  {\"name\": 7, \"version\": \"1.0\", \"licenses\": {\"license\": {\"id\": \"MIT\"}},\n"
		"   \"hashes\": [\"abc\", {\"alg\": \"SHA-256\", \"content\": \"00\"}],\n"
		"   \"properties\": [{\"name\": \"dossier:levelOfSupport\", \"value\": 5},\n"
		"     {\"name\": \"cdx:lifecycle:milestone:endOfSupport\", \"value\": \"2030-01-01\"}],\n"
		"   \"supplier\": \"ACME\", \"author\": \"Jane\",\n"
		"   \"components\": \"none\"},\n"
		"  {\"name\": \"b\", \"supplier\": {\"name\": \"\"}, \"manufacturer\": {\"name\": \"M\"},\n"
		"   \"licenses\": [1, {\"license\": {\"name\": \"LicenseRef-x\"}}, {\"other\": 1},\n"
		"     {\"expression\": \"MIT OR Apache-2.0\", \"acknowledgement\": \"declared\"}],\n"
		"   \"components\": [{\"name\": \"c\", \"components\": [{\"name\": \"d\"}]}, null]}],\n"
		" \"dependencies\": [{\"ref\": \"x\", \"dependsOn\": [\"y\", 3]}, {\"dependsOn\": []}, 5],\n"
		" \"vulnerabilities\": {}}";
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_text(json, diags);
	SbomComponent *c;

	ck_assert_ptr_nonnull(sbom);
	ck_assert_ptr_null(sbom->spec_version);
	ck_assert_ptr_null(sbom->serial);
	ck_assert_ptr_null(sbom->timestamp);
	ck_assert_uint_eq(sbom->authors->len, 1);
	ck_assert_str_eq(string_at(sbom->authors, 0), "b@example.com");
	ck_assert_uint_eq(sbom->tools->len, 0);
	ck_assert_str_eq(sbom->subject_name, "Pump");
	ck_assert_uint_eq(sbom->subject_refs->len, 2);
	ck_assert_str_eq(string_at(sbom->subject_refs, 1), "pump-fw");

	ck_assert_uint_eq(sbom->components->len, 4);
	c = component(sbom, 0);
	ck_assert_str_eq(c->ref, "#1");
	ck_assert_str_eq(c->loc.path, "/components/1");
	ck_assert_ptr_null(c->name);
	ck_assert_str_eq(c->version, "1.0");
	ck_assert_uint_eq(c->licences->len, 0);
	ck_assert_uint_eq(c->hashes->len, 1);
	ck_assert_str_eq(string_at(c->hashes, 0), "SHA-256:00");
	ck_assert_ptr_null(c->level_of_support);
	ck_assert_str_eq(c->end_of_support, "2030-01-01");
	/* supplier is not an object, so the 1.3 author is the supplier. */
	ck_assert_str_eq(c->supplier, "Jane");

	c = component(sbom, 1);
	ck_assert_str_eq(c->ref, "#2");
	ck_assert_str_eq(c->supplier, "M");
	ck_assert_uint_eq(c->licences->len, 2);
	ck_assert_int_eq(licence(c, 0)->kind, SBOM_LICENCE_ID);
	ck_assert_str_eq(licence(c, 0)->text, "LicenseRef-x");
	ck_assert_int_eq(licence(c, 1)->kind, SBOM_LICENCE_EXPRESSION);
	ck_assert_str_eq(licence(c, 1)->loc.path, "/components/2/licenses/3/expression");
	ck_assert_str_eq(component(sbom, 2)->name, "c");
	ck_assert_str_eq(component(sbom, 2)->parent_ref, "#2");
	ck_assert_str_eq(component(sbom, 2)->loc.path, "/components/2/components/0");
	ck_assert_str_eq(component(sbom, 3)->name, "d");
	ck_assert_str_eq(component(sbom, 3)->ref, "#4");
	ck_assert_str_eq(component(sbom, 3)->parent_ref, "#3");
	ck_assert_str_eq(component(sbom, 3)->loc.path, "/components/2/components/0/components/0");

	ck_assert(sbom->has_dependencies);
	ck_assert_uint_eq(sbom->dependencies->len, 1);
	ck_assert_uint_eq(dependency(sbom, 0)->depends_on->len, 1);
	ck_assert_uint_eq(sbom->vulnerabilities->len, 0);

	ck_assert(has_message(diags, "sbom-bad-field", "'/specVersion' must be a string, not a number"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/serialNumber' must be a string, not an array"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/metadata/timestamp' must be a string"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/metadata/authors/0' must be an object"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/metadata/authors/1/name' must be a string"));
	ck_assert(has_message(diags, "sbom-bad-field",
	                      "'/metadata/tools' must be an array or an object, not a string"));
	ck_assert(has_message(diags, "sbom-bad-field",
	                      "'/components/0' must be an object, not a number"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/components/1/name' must be a string"));
	ck_assert(has_message(diags, "sbom-bad-field",
	                      "'/components/1/licenses' must be an array, not an object"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/components/1/hashes/0' must be an object"));
	ck_assert(has_message(diags, "sbom-bad-field",
	                      "'/components/1/properties/0/value' must be a string"));
	ck_assert(has_message(diags, "sbom-bad-field",
	                      "'/components/1/supplier' must be an object, not a string"));
	ck_assert(has_message(diags, "sbom-bad-field",
	                      "'/components/1/components' must be an array, not a string"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/components/2/licenses/0' must be an object"));
	ck_assert(has_message(diags, "sbom-bad-field",
	                      "'/components/2/licenses/2' has neither 'license' nor 'expression'"));
	ck_assert(has_message(diags, "sbom-bad-field",
	                      "'/components/2/components/1' must be an object, not null"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/dependencies/0/dependsOn/1' must be a string"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/dependencies/1' has no 'ref'"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/dependencies/2' must be an object"));
	ck_assert(has_message(diags, "sbom-bad-field",
	                      "'/vulnerabilities' must be an array, not an object"));
	ck_assert_uint_eq(test_count(diags, "sbom-bad-field"), 20);
	ck_assert_uint_eq(diags->items->len, 20);
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(cyclonedx_unsupported_version_still_read)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_text("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.2\",\n"
	                       " \"components\": [{\"name\": \"a\", \"version\": \"1\"}]}",
	                       diags);

	ck_assert_str_eq(sbom->spec_version, "1.2");
	ck_assert_uint_eq(sbom->components->len, 1);
	ck_assert_uint_eq(test_count(diags, "sbom-unsupported-version"), 1);
	ck_assert(has_message(diags, "sbom-unsupported-version", "'/specVersion' is \"1.2\""));
	ck_assert_int_eq(diags->items->len, 1);
	ck_assert_int_eq(((Diag *)g_ptr_array_index(diags->items, 0))->pos.line, 1);
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(cyclonedx_ratings_and_bom_links)
{
	static const char json[] =
		"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\",\n"
		" \"vulnerabilities\": [\n"
		"  {\"id\": \"CVE-1\", \"ratings\": [{\"severity\": \"medium\", \"score\": 5.5},\n"
		"     {\"severity\": \"critical\", \"score\": 9.8, \"method\": \"CVSSv31\"},\n"
		"     {\"severity\": \"high\", \"score\": 7}],\n"
		"   \"affects\": [{\"ref\": \"urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg%3Anpm%2Ffoo%401.0\"},\n"
		"     {\"ref\": \"plain#ref\"}]},\n"
		"  {\"id\": \"CVE-2\", \"ratings\": [{\"severity\": \"low\"}, {\"severity\": \"high\", \"score\": 10},\n"
		"     {\"severity\": \"x\", \"score\": \"9\"}]},\n"
		"  {\"id\": \"CVE-3\", \"ratings\": [{\"severity\": \"unknown\"}, {\"severity\": \"info\"}],\n"
		"   \"analysis\": {\"state\": \"in_triage\", \"response\": \"update\"}}]}";
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_text(json, diags);
	SbomVulnerability *v;

	ck_assert_uint_eq(sbom->vulnerabilities->len, 3);
	v = vulnerability(sbom, 0);
	ck_assert_str_eq(v->severity, "critical");
	ck_assert_str_eq(v->score, "9.8");
	ck_assert_str_eq(v->method, "CVSSv31");
	ck_assert_str_eq(string_at(v->affects, 0), "pkg:npm/foo@1.0");
	ck_assert_str_eq(string_at(v->affects, 1), "plain#ref");
	v = vulnerability(sbom, 1);
	ck_assert_str_eq(v->severity, "high");
	ck_assert_str_eq(v->score, "10");
	ck_assert_ptr_null(v->method);
	v = vulnerability(sbom, 2);
	ck_assert_str_eq(v->severity, "unknown");
	ck_assert_ptr_null(v->score);
	ck_assert_str_eq(v->state, "in_triage");
	ck_assert_uint_eq(v->responses->len, 0);
	ck_assert(has_message(diags, "sbom-bad-field",
	                      "'/vulnerabilities/1/ratings/2/score' must be a number, not a string"));
	ck_assert(has_message(diags, "sbom-bad-field",
	                      "'/vulnerabilities/2/analysis/response' must be an array"));
	ck_assert_uint_eq(diags->items->len, 2);
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(spdx_minimal_document)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_text("{\"spdxVersion\": \"SPDX-2.3\"}", diags);

	ck_assert_ptr_nonnull(sbom);
	ck_assert_int_eq(sbom->format, SBOM_SPDX_JSON);
	ck_assert_str_eq(sbom->spec_version, "2.3");
	ck_assert_uint_eq(sbom->components->len, 0);
	ck_assert(!sbom->has_dependencies);
	ck_assert_uint_eq(diags->items->len, 0);
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(spdx_suppliers_and_relationships)
{
	static const char json[] =
		"{\"spdxVersion\": \"SPDX-2.1\", \"SPDXID\": \"SPDXRef-DOCUMENT\",\n"
		" \"creationInfo\": {\"created\": \"2024-01-01T00:00:00Z\",\n"
		"   \"creators\": [\"Tool: gen-1.0\", \"Organization:  ACME Inc. (sbom@example.com) \",\n"
		"     7, \"Someone\"]},\n"
		" \"packages\": [\n"
		"  {\"SPDXID\": \"SPDXRef-app\", \"name\": \"app\", \"versionInfo\": \"2.0\"},\n"
		"  {\"SPDXID\": \"SPDXRef-a\", \"name\": \"a\", \"supplier\": \"NOASSERTION\",\n"
		"   \"originator\": \"Person: Jo Doe\", \"licenseDeclared\": 3,\n"
		"   \"licenseConcluded\": \"(MIT OR Apache-2.0)\", \"summary\": \"short\",\n"
		"   \"externalRefs\": [{\"referenceType\": \"cpe22Type\", \"referenceLocator\": \"cpe:/a:x:a\"},\n"
		"     {\"referenceType\": \"cpe23Type\", \"referenceLocator\": \"cpe:2.3:a:x:a\"}]},\n"
		"  {\"SPDXID\": \"SPDXRef-b\", \"name\": \"b\", \"supplier\": \"NOASSERTION\",\n"
		"   \"primaryPackagePurpose\": \"LIBRARY\", \"checksums\": [{\"algorithm\": \"SHA256\"}],\n"
		"   \"licenseDeclared\": \"NOASSERTION\"},\n"
		"  \"c\", {\"name\": \"no id\", \"supplier\": \"Organization: C\"}],\n"
		" \"files\": [{\"SPDXID\": \"SPDXRef-file\", \"fileName\": \"./a.c\"}],\n"
		" \"relationships\": [\n"
		"  {\"spdxElementId\": \"SPDXRef-app\", \"relationshipType\": \"DESCRIBED_BY\",\n"
		"   \"relatedSpdxElement\": \"SPDXRef-DOCUMENT\"},\n"
		"  {\"spdxElementId\": \"SPDXRef-app\", \"relationshipType\": \"DEPENDS_ON\",\n"
		"   \"relatedSpdxElement\": \"SPDXRef-a\"},\n"
		"  {\"spdxElementId\": \"SPDXRef-a\", \"relationshipType\": \"DEPENDENCY_OF\",\n"
		"   \"relatedSpdxElement\": \"SPDXRef-app\"},\n"
		"  {\"spdxElementId\": \"SPDXRef-app\", \"relationshipType\": \"CONTAINS\",\n"
		"   \"relatedSpdxElement\": \"SPDXRef-file\"},\n"
		"  {\"spdxElementId\": \"SPDXRef-b\", \"relationshipType\": \"BUILD_DEPENDENCY_OF\",\n"
		"   \"relatedSpdxElement\": \"SPDXRef-a\"},\n"
		"  {\"spdxElementId\": \"SPDXRef-b\", \"relationshipType\": \"DEPENDS_ON\",\n"
		"   \"relatedSpdxElement\": \"NONE\"},\n"
		"  {\"spdxElementId\": \"SPDXRef-a\", \"relationshipType\": \"DEPENDS_ON\",\n"
		"   \"relatedSpdxElement\": \"DocumentRef-other:SPDXRef-x\"},\n"
		"  {\"spdxElementId\": \"SPDXRef-a\", \"relationshipType\": \"COPY_OF\",\n"
		"   \"relatedSpdxElement\": \"SPDXRef-b\"},\n"
		"  \"SPDXRef-a DEPENDS_ON SPDXRef-b\"]}";
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_text(json, diags);
	SbomComponent *c;
	SbomDependency *d;

	ck_assert_str_eq(sbom->spec_version, "2.1");
	ck_assert(has_message(diags, "sbom-unsupported-version", "'/spdxVersion' is \"SPDX-2.1\""));
	ck_assert_str_eq(string_at(sbom->tools, 0), "gen-1.0");
	ck_assert_uint_eq(sbom->authors->len, 2);
	ck_assert_str_eq(string_at(sbom->authors, 0), "ACME Inc. (sbom@example.com)");
	ck_assert_str_eq(string_at(sbom->authors, 1), "Someone");
	ck_assert_str_eq(sbom->subject_name, "app");
	ck_assert_str_eq(sbom->subject_version, "2.0");
	ck_assert_str_eq(string_at(sbom->subject_refs, 0), "SPDXRef-app");

	ck_assert_uint_eq(sbom->components->len, 3);
	c = component_by_ref(sbom, "SPDXRef-a");
	ck_assert_str_eq(c->supplier, "Jo Doe");
	ck_assert_str_eq(c->description, "short");
	ck_assert_str_eq(c->cpe, "cpe:2.3:a:x:a");
	ck_assert_int_eq(licence(c, 0)->kind, SBOM_LICENCE_EXPRESSION);
	ck_assert_str_eq(licence(c, 0)->text, "(MIT OR Apache-2.0)");
	c = component_by_ref(sbom, "SPDXRef-b");
	ck_assert_ptr_null(c->supplier);
	ck_assert_str_eq(c->type, "LIBRARY");
	ck_assert_uint_eq(c->hashes->len, 0);
	ck_assert_str_eq(licence(c, 0)->text, "NOASSERTION");
	c = component(sbom, 2);
	ck_assert_str_eq(c->ref, "#3");
	ck_assert_str_eq(c->supplier, "C");
	ck_assert_str_eq(c->loc.path, "/packages/4");

	ck_assert(sbom->has_dependencies);
	ck_assert_uint_eq(sbom->dependencies->len, 3);
	d = dependency(sbom, 0);
	ck_assert_str_eq(d->ref, "SPDXRef-app");
	ck_assert_uint_eq(d->depends_on->len, 1);
	ck_assert_str_eq(string_at(d->depends_on, 0), "SPDXRef-a");
	d = dependency(sbom, 1);
	ck_assert_str_eq(d->ref, "SPDXRef-a");
	ck_assert_uint_eq(d->depends_on->len, 1);
	ck_assert_str_eq(string_at(d->depends_on, 0), "SPDXRef-b");
	d = dependency(sbom, 2);
	ck_assert_str_eq(d->ref, "SPDXRef-b");
	ck_assert_uint_eq(d->depends_on->len, 0);

	ck_assert(has_message(diags, "sbom-bad-field", "'/creationInfo/creators/2' must be a string"));
	ck_assert(has_message(diags, "sbom-bad-field",
	                      "'/packages/1/licenseDeclared' must be a string, not a number"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/packages/3' must be an object, not a string"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/relationships/8' must be an object"));
	ck_assert_uint_eq(test_count(diags, "sbom-bad-field"), 4);
	ck_assert_uint_eq(diags->items->len, 5);
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

START_TEST(spdx_packages_not_array)
{
	DiagList *diags = diag_list_new();
	Sbom *sbom = read_text("{\"spdxVersion\": \"SPDX-2.2\", \"packages\": {\"name\": \"a\"},\n"
	                       " \"creationInfo\": [], \"relationships\": \"none\",\n"
	                       " \"documentDescribes\": [\"SPDXRef-a\", 1]}",
	                       diags);

	ck_assert_ptr_nonnull(sbom);
	ck_assert_uint_eq(sbom->components->len, 0);
	ck_assert_uint_eq(sbom->subject_refs->len, 1);
	ck_assert_ptr_null(sbom->subject_name);
	ck_assert(has_message(diags, "sbom-bad-field", "'/packages' must be an array, not an object"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/creationInfo' must be an object"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/relationships' must be an array"));
	ck_assert(has_message(diags, "sbom-bad-field", "'/documentDescribes/1' must be a string"));
	ck_assert_uint_eq(diags->items->len, 4);
	sbom_free(sbom);
	diag_list_free(diags);
}
END_TEST

/* ---- Checks shared by every format ---- */

START_TEST(licence_expressions)
{
	static const char *const valid[] = {
		"MIT", "Apache-2.0", "GPL-2.0+", "NOASSERTION", "NONE", "LicenseRef-1",
		"DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2", "MIT OR Apache-2.0",
		"(LicenseRef-1 AND Apache-2.0)", "GPL-2.0-or-later WITH Classpath-exception-2.0",
		"MPL-2.0 AND (MIT OR BSD-3-Clause) AND Zlib", "((MIT))", NULL};
	static const struct {
		const char *text;
		int col;
	} invalid[] = {
		{"MIT and Apache-2.0", 5}, {"(MIT", 1}, {"MIT)", 4}, {"AND MIT", 1},
		{"MIT OR", 7}, {"", 1}, {"License :: OSI Approved", 9}, {"LicenseRef-", 1},
		{"GPL-2.0 WITH", 13}, {"DocumentRef-x", 1}, {"M!T", 2},
	};
	int col;
	const char *error;

	for (guint i = 0; valid[i] != NULL; i++)
		ck_assert_msg(sbom_licence_expression_valid(valid[i], &col, &error), "%s: %s", valid[i],
		              error);
	for (guint i = 0; i < G_N_ELEMENTS(invalid); i++) {
		error = NULL;
		ck_assert_msg(!sbom_licence_expression_valid(invalid[i].text, &col, &error), "%s",
		              invalid[i].text);
		ck_assert_ptr_nonnull(error);
		ck_assert_msg(col == invalid[i].col, "%s: column %d, not %d", invalid[i].text, col,
		              invalid[i].col);
	}
}
END_TEST

START_TEST(licence_expression_depth)
{
	GString *deep = g_string_new(NULL);
	int col;
	const char *error;

	for (int i = 0; i < 100000; i++)
		g_string_append_c(deep, '(');
	ck_assert(!sbom_licence_expression_valid(deep->str, &col, &error));
	ck_assert_str_eq(error, "parentheses nested too deeply");
	g_string_free(deep, TRUE);
}
END_TEST

START_TEST(placeholders)
{
	ck_assert(sbom_has_placeholder("@VCS_VERSION@"));
	ck_assert(sbom_has_placeholder("pkg:generic/x@${version}"));
	ck_assert(sbom_has_placeholder("{{ version }}"));
	ck_assert(!sbom_has_placeholder("pkg:npm/%40scope/name@1.0.0"));
	ck_assert(!sbom_has_placeholder("user@example.com"));
	ck_assert(!sbom_has_placeholder(NULL));
}
END_TEST

static Sbom *
read_named(const char *name, const char *text, DiagList *diags)
{
	char *dir = g_dir_make_tmp("dossier-sbom-XXXXXX", NULL);
	char *path = g_build_filename(dir, name, NULL);
	Sbom *sbom;

	g_file_set_contents(path, text, -1, NULL);
	sbom = sbom_read(path, diags);
	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
	return sbom;
}

/* A 10,000-link dependency chain closed into a cycle: the walk is not
 * recursive, and the cycle is reported once. */
START_TEST(long_dependency_cycle)
{
	GString *json = g_string_new("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\","
	                             "\"components\":[");
	DiagList *diags = diag_list_new();
	GPtrArray *set = g_ptr_array_new_with_free_func((GDestroyNotify)sbom_free);
	const guint n = 10000;

	for (guint i = 0; i < n; i++)
		g_string_append_printf(json, "%s{\"bom-ref\":\"c%u\",\"name\":\"c%u\"}", i ? "," : "", i,
		                       i);
	g_string_append(json, "],\"dependencies\":[");
	for (guint i = 0; i < n; i++)
		g_string_append_printf(json, "%s{\"ref\":\"c%u\",\"dependsOn\":[\"c%u\"]}", i ? "," : "",
		                       i, (i + 1) % n);
	g_string_append(json, "]}");
	g_ptr_array_add(set, read_named("chain.json", json->str, diags));
	ck_assert_ptr_nonnull(g_ptr_array_index(set, 0));
	sbom_check(set, diags);
	ck_assert_uint_eq(test_count(diags, "sbom-dependency-cycle"), 1);
	ck_assert_uint_eq(test_count(diags, "sbom-unknown-ref"), 0);
	g_ptr_array_free(set, TRUE);
	diag_list_free(diags);
	g_string_free(json, TRUE);
}
END_TEST

/* References resolve across the files of one set, BOM links by their
 * fragment; the described product is a valid target. */
START_TEST(references_across_files)
{
	DiagList *diags = diag_list_new();
	GPtrArray *set = g_ptr_array_new_with_free_func((GDestroyNotify)sbom_free);

	g_ptr_array_add(set, read_named("a.json",
	                               "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\","
	                               "\"metadata\":{\"component\":{\"bom-ref\":\"app\",\"name\":"
	                               "\"app\"}},\"components\":[{\"bom-ref\":\"z\",\"name\":\"z\"}],"
	                               "\"dependencies\":[{\"ref\":\"app\",\"dependsOn\":[\"z\"]}]}",
	                               diags));
	g_ptr_array_add(set, read_named("vex.json",
	                               "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\","
	                               "\"vulnerabilities\":[{\"id\":\"CVE-1\",\"analysis\":{\"state\":"
	                               "\"not_affected\"},\"affects\":[{\"ref\":\"urn:cdx:abc/1#z\"},"
	                               "{\"ref\":\"app\"}]},{\"id\":\"CVE-2\",\"affects\":[{\"ref\":"
	                               "\"q\"}]}]}",
	                               diags));
	sbom_check(set, diags);
	ck_assert_uint_eq(test_count(diags, "sbom-unknown-ref"), 1);
	ck_assert_uint_eq(test_count(diags, "sbom-vulnerability-unassessed"), 1);
	g_ptr_array_free(set, TRUE);
	diag_list_free(diags);
}
END_TEST

Suite *
sbom_suite(void)
{
	Suite *s = suite_create("sbom_suite");
	TCase *files;
	TCase *cyclonedx = tcase_create("cyclonedx-json");
	TCase *spdx = tcase_create("spdx-json");
	char *corpus_dir = test_srcdir_path(CORPUS);

	/* The corpus sits beside the checkout, not in it; without it only the
	 * tests on constructed documents run. */
	if (g_file_test(corpus_dir, G_FILE_TEST_IS_DIR)) {
		files = tcase_create("corpus");
		tcase_add_loop_test(files, corpus_component_counts, 0, G_N_ELEMENTS(corpus));
		tcase_add_test(files, cyclonedx_nested_components);
		tcase_add_test(files, cyclonedx_licence_shapes);
		tcase_add_test(files, cyclonedx_id_and_name_licences);
		tcase_add_test(files, cyclonedx_1_3_author_is_supplier);
		tcase_add_test(files, cyclonedx_placeholders_kept);
		tcase_add_test(files, cyclonedx_vex_document);
		tcase_add_test(files, cyclonedx_vulnerability_analysis);
		tcase_add_test(files, spdx_described_package_is_subject);
		tcase_add_test(files, spdx_originator_and_links);
		tcase_add_test(files, spdx_syft_packages);
		tcase_set_timeout(files, 30);
		suite_add_tcase(s, files);
	} else {
		g_printerr("sbom_suite: %s not found; the corpus tests do not run\n", corpus_dir);
	}
	g_free(corpus_dir);
	tcase_add_test(cyclonedx, cyclonedx_empty_document);
	tcase_add_test(cyclonedx, cyclonedx_components_not_array);
	tcase_add_test(cyclonedx, cyclonedx_wrong_types);
	tcase_add_test(cyclonedx, cyclonedx_unsupported_version_still_read);
	tcase_add_test(cyclonedx, cyclonedx_ratings_and_bom_links);
	tcase_add_test(spdx, spdx_minimal_document);
	tcase_add_test(spdx, spdx_suppliers_and_relationships);
	tcase_add_test(spdx, spdx_packages_not_array);
	suite_add_tcase(s, cyclonedx);
	suite_add_tcase(s, spdx);
	{
		TCase *checks = tcase_create("checks");

		tcase_add_test(checks, licence_expressions);
		tcase_add_test(checks, licence_expression_depth);
		tcase_add_test(checks, placeholders);
		tcase_add_test(checks, long_dependency_cycle);
		tcase_add_test(checks, references_across_files);
		tcase_set_timeout(checks, 30);
		suite_add_tcase(s, checks);
	}
	return s;
}
