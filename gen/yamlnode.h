/* A YAML document as a tree of nodes with source positions, built with
 * libyaml's event parser. Every scalar stays a string: typing is the
 * model's job, so `1.10` and `010` reach the checks exactly as written. */
#ifndef DOSSIER_YAMLNODE_H
#define DOSSIER_YAMLNODE_H

#include "diag.h"

typedef enum {
	YAML_NODE_SCALAR,
	YAML_NODE_SEQUENCE,
	YAML_NODE_MAPPING,
} YamlNodeKind;

typedef struct YamlNode YamlNode;
struct YamlNode {
	YamlNodeKind kind;
	SrcPos pos;
	/* Scalars: the text, NUL-terminated, and whether it was quoted or
	 * a block scalar (a plain `null`, `~` or empty scalar is null). */
	char *text;
	gboolean plain;
	/* Sequences: the items. Mappings: key and value nodes alternating,
	 * keys in document order, later duplicates dropped. */
	GPtrArray *children;
	/* Number of nodes this one expands to, aliases counted in full. */
	guint64 weight;
	/* TRUE while the parser is still inside this collection. */
	gboolean open;
	/* Large mappings: key text -> key node, for duplicate detection. */
	GHashTable *keys;
};

/* Limits applied while building a document; exceeding one stops the
 * parse with a yaml-limit diagnostic. */
typedef struct {
	guint max_depth;
	guint64 max_nodes;
} YamlLimits;

/* A parsed document owns every node; aliases share nodes, so nodes are
 * freed through the document only. */
typedef struct {
	GPtrArray *nodes;
	YamlNode *root; /* NULL for an empty stream */
} YamlDoc;

/* Parses text (len bytes, need not be NUL-terminated) as one YAML
 * document, within limits (NULL for the limits of dossier.yaml). first_line is the file line of the text's first line. On a
 * syntax error or limit, adds a diagnostic and returns NULL. A stream with
 * no document returns a YamlDoc with a NULL root. */
YamlDoc *yaml_doc_parse(const char *text, size_t len, const char *file,
                        int first_line, const YamlLimits *limits, DiagList *diags);
void yaml_doc_free(YamlDoc *doc);

/* Builds a document in code, for importers whose data is not YAML: the
 * document owns every node added. A scalar added this way is never read
 * as null. Mappings take key and value nodes alternating, in order, with
 * no duplicate detection. */
YamlDoc *yaml_doc_new(void);
YamlNode *yaml_doc_add(YamlDoc *doc, YamlNodeKind kind, const char *text, SrcPos pos);
void yaml_node_append(YamlNode *collection, YamlNode *child);

gboolean yaml_node_is_null(const YamlNode *node);
/* Looks up a mapping key; returns NULL when absent or not a mapping. */
YamlNode *yaml_map_get(const YamlNode *map, const char *key);
guint yaml_map_size(const YamlNode *map);
YamlNode *yaml_map_key(const YamlNode *map, guint i);
YamlNode *yaml_map_value(const YamlNode *map, guint i);
/* Returns the scalar's text or NULL for a non-scalar or null node. */
const char *yaml_scalar(const YamlNode *node);
const char *yaml_node_kind_name(const YamlNode *node);

#endif

/* Helpers for reading configuration (project and model files). Each one
 * reports a diagnostic with the given code at the node when the value has
 * the wrong shape. */

/* Returns a newly allocated string, or NULL (with a diagnostic unless the
 * node is absent) when the node is not a non-empty scalar. */
char *yaml_read_string(const YamlNode *node, DiagCode code, DiagList *diags,
                       const char *what);
/* Accepts a scalar or a list of scalars; returns a new array of new
 * strings (free with g_ptr_array_free), or NULL when absent or invalid. */
GPtrArray *yaml_read_string_list(const YamlNode *node, DiagCode code, DiagList *diags,
                                 const char *what);
/* Parses YAML 1.1 booleans (true/false, yes/no, on/off). */
gboolean yaml_parse_bool(const char *text, gboolean *out);
gboolean yaml_read_bool(const YamlNode *node, DiagCode code, DiagList *diags,
                        const char *what, gboolean fallback);
/* Warns about every key of map that is not in the NULL-terminated list. */
void yaml_check_keys(const YamlNode *map, const char *const *known, DiagList *diags,
                     const char *where);
