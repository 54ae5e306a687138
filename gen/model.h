/* The record model: record types, their fields and link roles, and the
 * coverage rules, read from a model YAML file. No record type is known to
 * the C code; everything here comes from the file. */
#ifndef DOSSIER_MODEL_H
#define DOSSIER_MODEL_H

#include "diag.h"

typedef enum {
	FIELD_TEXT,
	FIELD_ENUM,
	FIELD_INTEGER,
	FIELD_DECIMAL,
	FIELD_DATE,
	FIELD_BOOLEAN,
	FIELD_LIST,
	FIELD_LINK,
} FieldKind;

typedef struct {
	char *name;
	FieldKind kind;
	gboolean required;
	gboolean many;     /* links: a list of IDs is allowed */
	GPtrArray *values; /* enums: allowed values (char*) */
	char *scale;       /* enums: name of a risk-policy scale that supplies the values */
	GPtrArray *targets; /* links: allowed target type names (char*) */
	SrcPos pos;
} FieldDef;

typedef struct {
	char *name;
	char *prefix;
	char *title;
	gboolean orphan_ok;
	/* When TRUE, fields the model does not list are kept as text without
	 * an unknown-field warning (used for imported formats with free
	 * attributes). */
	gboolean open;
	GPtrArray *fields; /* FieldDef*, in model order, common fields last */
	SrcPos pos;
} RecordType;

typedef struct {
	char *code;
	DiagLevel level;
	char *type;
	/* Optional filter on the record itself. */
	char *when_field;
	gboolean when_negated;
	GPtrArray *when_values;
	/* The value a record without when_field is taken to have; NULL when
	 * the rule does not apply to such records. */
	char *when_default;
	/* The links counted: incoming (other records naming this one) or
	 * outgoing (this record's own links), in any of the roles. */
	gboolean incoming;
	GPtrArray *roles;
	GPtrArray *from_types; /* incoming only; NULL for any type */
	char *where_field;     /* filter on the linking record */
	GPtrArray *where_values;
	guint min;
	/* A field requirement instead of links: the record must have a
	 * non-empty require_field, one of require_values when given. */
	char *require_field;
	GPtrArray *require_values;
	/* `when: {field: F, release: true}`: the rule applies to records whose
	 * F names the release being checked (project.version, or a pre-release
	 * or build of it such as 2.4.0-rc2). */
	gboolean when_release;
	/* Further conditions (`when` given as a list), each a Rule with only
	 * its when_ fields set; all must hold. NULL when there are none. */
	GPtrArray *also;
	char *message;
	SrcPos pos;
} Rule;

/* How entries of an SBOM become records: the record type, the link role
 * a vulnerability record names its components in, and which record field
 * receives which SBOM value (alternating field name and SBOM value name,
 * for example "manufacturer", "supplier"). */
typedef struct {
	char *type;
	char *link; /* vulnerabilities only */
	GPtrArray *fields;
	SrcPos pos;
} SbomMapping;

/* The model owns its types, fields and rules. */
typedef struct {
	char *name;
	char *file;
	GPtrArray *types; /* RecordType*, in model order */
	GHashTable *type_by_name;
	GPtrArray *rules; /* Rule* */
	/* NULL type when the model has no `sbom` section. */
	SbomMapping sbom_component;
	SbomMapping sbom_vulnerability;
} Model;

/* The field a mapping fills from an SBOM value name, or NULL. */
const char *sbom_mapping_field(const SbomMapping *mapping, const char *value);

/* Reads a model file. Returns NULL, with diagnostics, when it cannot be
 * used at all; returns a model with diagnostics for definitions it had to
 * skip. */
Model *model_load(const char *path, DiagList *diags);
Model *model_new(const char *name);
void model_free(Model *model);

RecordType *model_add_type(Model *model, const char *name, const char *prefix);
FieldDef *record_type_add_field(RecordType *type, const char *name, FieldKind kind);
const RecordType *model_type(const Model *model, const char *name);
const FieldDef *record_type_field(const RecordType *type, const char *name);
/* Finds the type whose prefix starts id (PREFIX-...); NULL when none. */
const RecordType *model_type_for_id(const Model *model, const char *id);
const char *field_kind_name(FieldKind kind);

/* Reads one rule in the model's rule syntax, for the model and for a
 * profile's release gate; NULL, after diagnostics, when it is unusable. */
struct YamlNode;
Rule *rule_load(const Model *model, const struct YamlNode *def, DiagList *diags);
void rule_free(gpointer rule);

#endif
