/* Software bills of materials: CycloneDX (JSON and XML, 1.3 to 1.6) and
 * SPDX (JSON, 2.2 and 2.3) read into one shape, checked against the NTIA
 * minimum elements and FDA's support fields, merged into the trace graph
 * as SOUP and vulnerability records, and written back as CycloneDX 1.6.
 *
 * Each format has its own reader file (sbom-cyclonedx-json.c,
 * sbom-cyclonedx-xml.c, sbom-spdx-json.c), and sbom.c detects the format,
 * applies the limits and runs every check, so the checks are the same
 * whatever format a component came from. */
#ifndef DOSSIER_SBOM_H
#define DOSSIER_SBOM_H

#include <json-glib/json-glib.h>

#include "diag.h"

typedef enum {
	SBOM_CYCLONEDX_JSON,
	SBOM_CYCLONEDX_XML,
	SBOM_SPDX_JSON,
} SbomFormat;

/* Where an entry sits in its file: pos has the file and, where the reader
 * knows it, the line and column. path is a JSON pointer (RFC 6901, for
 * example "/components/3/components/0") or, for XML, an XPath-like path
 * ("/bom/components/component[4]"), and always set. */
typedef struct {
	SrcPos pos;
	char *path;
} SbomLoc;

typedef enum {
	SBOM_LICENCE_ID,         /* an SPDX licence ID or LicenseRef-... */
	SBOM_LICENCE_EXPRESSION, /* an SPDX licence expression */
	SBOM_LICENCE_NAME,       /* free text that is not an SPDX ID */
} SbomLicenceKind;

typedef struct {
	SbomLicenceKind kind;
	char *text; /* as written, SPDX NOASSERTION and NONE included */
	SbomLoc loc;
} SbomLicence;

typedef struct {
	/* CycloneDX bom-ref or SPDX SPDXID. Readers make one up ("#3", from
	 * the component's index) when the file has none, so that every
	 * component can be named in diagnostics and dependencies. */
	char *ref;
	char *name;
	char *version;
	/* The first name found among the supplier, the manufacturer (CycloneDX
	 * 1.6), the free-text `author` (CycloneDX 1.3 to 1.5) and the first
	 * named entry of `authors` (CycloneDX 1.6), or NULL. For
	 * SPDX, the supplier, else the originator. */
	char *supplier;
	char *type;  /* CycloneDX type or SPDX primaryPackagePurpose, or NULL */
	char *purl;  /* may be NULL */
	char *cpe;   /* may be NULL */
	char *description;
	GPtrArray *licences; /* SbomLicence*, owned, in file order */
	GPtrArray *hashes;   /* char*, "SHA-256:hex" with the algorithm as written */
	/* FDA support fields when the file carries them as properties:
	 * cdx:lifecycle:milestone:endOfSupport and dossier:levelOfSupport. */
	char *level_of_support;
	char *end_of_support;
	char *parent_ref; /* the enclosing component's ref, NULL at top level */
	SbomLoc loc;
} SbomComponent;

typedef struct {
	char *ref;
	GPtrArray *depends_on; /* char* refs */
	SbomLoc loc;
} SbomDependency;

typedef struct {
	char *id;     /* CVE-2024-1234, GHSA-..., as written */
	char *source; /* source name (NVD, GitHub), may be NULL */
	char *description;
	/* CycloneDX analysis: state (in_triage, exploitable, resolved,
	 * resolved_with_pedigree, false_positive, not_affected), justification
	 * (code_not_present, ...), detail, and response entries (update,
	 * will_not_fix, ...), each as written; NULL or empty when absent. */
	char *state;
	char *justification;
	char *detail;
	GPtrArray *responses; /* char* */
	/* The rating with the highest score, or the first when none has a
	 * score: severity as written (critical, high, ...), score as written
	 * ("9.8"), method (CVSSv31, ...). Each may be NULL. */
	char *severity;
	char *score;
	char *method;
	GPtrArray *affects; /* char* refs, a BOM-link cut to its #fragment */
	SbomLoc loc;
} SbomVulnerability;

typedef struct {
	char *file; /* interned */
	SbomFormat format;
	char *spec_version; /* "1.4", "2.3" */
	char *serial;       /* serialNumber or SPDX documentNamespace */
	GPtrArray *authors; /* char*: metadata authors, SPDX Person/Organization creators */
	GPtrArray *tools;   /* char*: "name version" of each tool */
	char *timestamp;    /* as written, NULL when absent */
	SbomLoc loc;        /* the document root, for file-wide findings */
	/* The product the document describes: CycloneDX metadata.component,
	 * SPDX documentDescribes packages. Not components: a dependency or
	 * an `affects` entry that names one is not unknown. */
	char *subject_name;
	char *subject_version;
	GPtrArray *subject_refs; /* char* */
	/* Every component, nested ones included, parents before children, in
	 * file order. Pedigree entries (ancestors, variants) are not
	 * components. */
	GPtrArray *components;   /* SbomComponent*, owned */
	GPtrArray *dependencies; /* SbomDependency*, owned */
	gboolean has_dependencies; /* the file has a dependency section at all */
	GPtrArray *vulnerabilities; /* SbomVulnerability*, owned */
} Sbom;

/* Positions of the nodes of a parsed JSON document, which json-glib does
 * not keep: filled while parsing, looked up by node. */
typedef struct SbomJsonPos SbomJsonPos;
SrcPos sbom_json_pos(const SbomJsonPos *positions, JsonNode *node);

/* Reads an SBOM file of any supported format, without running the checks.
 * Returns NULL, after a diagnostic, when the file cannot be read as an SBOM
 * at all. Findings inside a readable file are diagnostics, and the Sbom is
 * returned. */
Sbom *sbom_read(const char *path, DiagList *diags);
/* Reads an SBOM already in memory (len bytes of text, need not be
 * NUL-terminated) as sbom_read does, without the size limit. */
Sbom *sbom_parse(const char *file, const char *text, size_t len, DiagList *diags);
void sbom_free(Sbom *sbom);

/* The readers, one per format; sbom_read picks one. root is the parsed
 * document; the readers report fields of the wrong JSON type or XML
 * structure and go on. */
Sbom *sbom_read_cyclonedx_json(const char *file, JsonNode *root, const SbomJsonPos *positions,
                               DiagList *diags);
Sbom *sbom_read_spdx_json(const char *file, JsonNode *root, const SbomJsonPos *positions,
                          DiagList *diags);
/* text is len bytes of the file; DTDs, entities and network access are
 * rejected. */
Sbom *sbom_read_cyclonedx_xml(const char *file, const char *text, size_t len, DiagList *diags);

/* Helpers for the readers. */
Sbom *sbom_new(const char *file, SbomFormat format);
SbomComponent *sbom_component_new(void);
SbomDependency *sbom_dependency_new(void);
SbomVulnerability *sbom_vulnerability_new(void);
void sbom_licence_add(SbomComponent *component, SbomLicenceKind kind, const char *text,
                      SbomLoc loc);
SbomLoc sbom_loc(SrcPos pos, const char *path);
/* Appends "/member" to a JSON pointer, escaping '~' and '/'. */
char *sbom_pointer_member(const char *parent, const char *member);
char *sbom_pointer_index(const char *parent, guint index);

/* Checks a set of SBOMs (Sbom*) read together. The checks cover the NTIA
 * minimum elements per component and per document, duplicates, dependency
 * cycles, unexpanded placeholders, licence expressions and vulnerabilities
 * without an analysis. A dependency or `affects` reference must name a
 * component of one of the files, because a VEX names another file's. */
void sbom_check(const GPtrArray *sboms, DiagList *diags);

/* Parses an SPDX licence expression (SPDX 2.3 annex D). Returns TRUE when
 * it parses; else sets *error_col (1-based character column in text) and
 * *error to a reason. */
gboolean sbom_licence_expression_valid(const char *text, int *error_col, const char **error);

/* TRUE when text contains an unexpanded build placeholder such as
 * @VERSION@, ${version} or {{version}}. */
gboolean sbom_has_placeholder(const char *text);

#endif
