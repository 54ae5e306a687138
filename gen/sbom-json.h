/* Typed access to a parsed JSON SBOM, shared by the CycloneDX and SPDX
 * JSON readers: a member or element of the wrong JSON type is reported
 * once, with its JSON pointer, as sbom-bad-field, and read as absent. */
#ifndef DOSSIER_SBOM_JSON_H
#define DOSSIER_SBOM_JSON_H

#include "sbom.h"

typedef struct {
	Sbom *sbom;
	const SbomJsonPos *positions;
	DiagList *diags;
} SbomJsonReader;

typedef enum {
	SBOM_WANT_STRING,
	SBOM_WANT_NUMBER,
	SBOM_WANT_OBJECT,
	SBOM_WANT_ARRAY,
} SbomWant;

/* The JSON type of node in words ("an object", "a string"), for messages. */
const char *sbom_json_kind_name(JsonNode *node);
/* TRUE when node has the JSON type want names. */
gboolean sbom_json_node_is(JsonNode *node, SbomWant want);
/* Reports node, at the JSON pointer path, as not of type want. */
void sbom_json_report(SbomJsonReader *r, JsonNode *node, const char *path, SbomWant want);

/* Returns member name of obj when it has type want, and NULL when it is
 * absent or of another type (reported). obj may be NULL, so that callers
 * can chain lookups through optional objects. path is obj's pointer. */
JsonNode *sbom_json_member(SbomJsonReader *r, JsonObject *obj, const char *path,
                           const char *name, SbomWant want);
/* The string member, borrowed from the document, or NULL. */
const char *sbom_json_member_text(SbomJsonReader *r, JsonObject *obj, const char *path,
                                  const char *name);
/* The string member as a new string, or NULL. */
char *sbom_json_member_string(SbomJsonReader *r, JsonObject *obj, const char *path,
                              const char *name);
JsonObject *sbom_json_member_object(SbomJsonReader *r, JsonObject *obj, const char *path,
                                    const char *name);
JsonArray *sbom_json_member_array(SbomJsonReader *r, JsonObject *obj, const char *path,
                                  const char *name);
/* Returns element index of array when it has type want, else reports it
 * and returns NULL. path is the array's pointer. */
JsonNode *sbom_json_element(SbomJsonReader *r, JsonArray *array, guint index, const char *path,
                            SbomWant want);

#endif
