/* Records: one design record each, with its fields, links and body
 * references, all carrying their source positions. The graph (trace.h)
 * owns every record; a record owns its YAML document, links and strings. */
#ifndef DOSSIER_RECORD_H
#define DOSSIER_RECORD_H

#include "diag.h"
#include "model.h"
#include "yamlnode.h"

typedef struct Record Record;

typedef struct {
	const char *role; /* the link field's name, or "reference" for [[ID]] */
	char *target;     /* the ID as written, surrounding space removed */
	SrcPos pos;
	Record *from;
	Record *to; /* NULL until resolved, and when dangling */
} Link;

typedef struct {
	const char *name;
	const YamlNode *value;
	SrcPos pos; /* the key's position */
} Field;

struct Record {
	char *id;
	char *type_name;
	char *title;
	const RecordType *type; /* NULL when the type is unknown */
	const char *file;       /* interned */
	SrcPos pos;             /* the id value, or the file's first line */
	SrcPos type_pos;
	YamlDoc *doc;
	GPtrArray *fields;   /* Field*, frontmatter order, owned */
	GPtrArray *links;    /* Link*, outgoing, owned */
	GPtrArray *incoming; /* Link*, borrowed from the linking records */
	GPtrArray *refs;     /* Link*, [[ID]] references in the body, owned */
	char *body;
	int body_line;
	/* Values computed from the record (for example initial_risk), as
	 * alternating name and value strings, owned. Rules read them like
	 * fields. */
	GPtrArray *computed;
	guint index; /* position in the graph's sorted record list */
};

/* Builds a record from a parsed frontmatter mapping. Takes ownership of
 * doc and body. Reports missing id/type/title and malformed links; returns
 * NULL only when the record has no usable ID. */
Record *record_new(YamlDoc *doc, const YamlNode *map, const char *file, SrcPos file_pos,
                   char *body, int body_line, const Model *model, DiagList *diags);
void record_free(Record *record);
/* Allocates an empty record that takes ownership of doc and body; for
 * importers that fill in the ID, type and links themselves. */
Record *record_alloc(const char *file, YamlDoc *doc, char *body, int body_line);
/* Adds every key of a mapping as a field; keys that are not texts are
 * reported and skipped. */
void record_add_fields(Record *record, const YamlNode *map, DiagList *diags);

const Field *record_field(const Record *record, const char *name);
/* Returns the scalar text of a field or computed value, or NULL. */
const char *record_value(const Record *record, const char *name);
void record_set_computed(Record *record, const char *name, const char *value);

/* Adds a link; used by importers that build links themselves. */
Link *record_add_link(Record *record, const char *role, const char *target, SrcPos pos);

#endif
