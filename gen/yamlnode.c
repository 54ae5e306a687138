#include "yamlnode.h"

#include "frontmatter.h"

#include "input-limits.h"

#include <string.h>
#include <yaml.h>


static void
node_free(gpointer data)
{
	YamlNode *node = data;

	if (node->children != NULL)
		g_ptr_array_free(node->children, TRUE);
	if (node->keys != NULL)
		g_hash_table_destroy(node->keys);
	g_free(node->text);
	g_free(node);
}

void
yaml_doc_free(YamlDoc *doc)
{
	if (doc == NULL)
		return;
	g_ptr_array_free(doc->nodes, TRUE);
	g_free(doc);
}

typedef struct {
	const char *text;
	size_t len;
	const char *file;
	int first_line;
	DiagList *diags;
	const YamlLimits *limits;
	YamlDoc *doc;
	GHashTable *anchors; /* anchor name -> YamlNode* */
	guint64 total;
} Builder;

/* Converts a libyaml mark to a file position. libyaml counts from 0 and
 * reports encoding errors at 0:0 with only a byte offset, so the position
 * is recomputed from the offset whenever the mark cannot be trusted. */
static SrcPos
mark_pos(const Builder *b, yaml_mark_t mark)
{
	size_t offset = mark.index;
	int line = 0, col = 0;

	if (mark.line != 0 || mark.column != 0 || offset == 0) {
		SrcPos pos = {b->file, b->first_line + (int)mark.line, (int)mark.column + 1};

		return pos;
	}
	if (offset > b->len)
		offset = b->len;
	for (size_t i = 0; i < offset; i++) {
		if (b->text[i] == '\n') {
			line++;
			col = 0;
		} else if (((unsigned char)b->text[i] & 0xC0) != 0x80) {
			col++;
		}
	}
	return src_pos(b->file, b->first_line + line, col + 1);
}

static SrcPos
offset_pos(const Builder *b, size_t offset)
{
	yaml_mark_t mark = {offset, 0, 0};

	return mark_pos(b, mark);
}

static YamlNode *
node_new(Builder *b, YamlNodeKind kind, yaml_mark_t mark)
{
	YamlNode *node = g_new0(YamlNode, 1);

	node->kind = kind;
	node->pos = mark_pos(b, mark);
	node->weight = 1;
	if (kind != YAML_NODE_SCALAR) {
		node->children = g_ptr_array_new();
		node->open = TRUE;
	}
	g_ptr_array_add(b->doc->nodes, node);
	return node;
}

static gboolean
scalar_equal(const YamlNode *a, const YamlNode *b)
{
	return a->kind == YAML_NODE_SCALAR && b->kind == YAML_NODE_SCALAR &&
	       strcmp(a->text, b->text) == 0;
}

/* Returns TRUE when the line holding offset has a tab in its indentation. */
static gboolean
line_has_tab_indent(const Builder *b, size_t offset, size_t *tab_offset)
{
	size_t start = offset < b->len ? offset : b->len;

	while (start > 0 && b->text[start - 1] != '\n')
		start--;
	for (size_t i = start; i < b->len && (b->text[i] == ' ' || b->text[i] == '\t'); i++) {
		if (b->text[i] == '\t') {
			*tab_offset = i;
			return TRUE;
		}
	}
	return FALSE;
}

static void
report_parser_error(Builder *b, const yaml_parser_t *parser)
{
	yaml_mark_t mark = parser->problem_mark;
	size_t tab;

	if (parser->error == YAML_READER_ERROR) {
		diag_add(b->diags, DIAG_YAML_SYNTAX, offset_pos(b, parser->problem_offset),
		         "YAML cannot be read: %s; the frontmatter is skipped",
		         parser->problem ? parser->problem : "unknown error");
		return;
	}
	/* libyaml reports a tab in indentation with a generic message. Name the
	 * real cause when the offending line is indented with a tab; for errors
	 * found at the start of the next token that is the line before. */
	if (line_has_tab_indent(b, mark.index, &tab)) {
		diag_add(b->diags, DIAG_TAB_INDENT, offset_pos(b, tab),
		         "tab character in indentation; YAML allows only spaces there");
		return;
	}
	diag_add(b->diags, DIAG_YAML_SYNTAX, mark_pos(b, mark), "%s%s%s",
	         parser->problem ? parser->problem : "YAML syntax error",
	         parser->context ? " " : "", parser->context ? parser->context : "");
}

static gboolean
add_child(Builder *b, YamlNode *parent, YamlNode *child, YamlNode **pending_key)
{
	if (parent->kind == YAML_NODE_SEQUENCE) {
		g_ptr_array_add(parent->children, child);
		parent->weight += child->weight;
		return TRUE;
	}
	if (*pending_key == NULL) {
		*pending_key = child;
		return TRUE;
	}
	/* Small mappings are searched in place; large ones through an index,
	 * so a file with many keys costs linear time. */
	if (parent->children->len >= 32 && parent->keys == NULL) {
		parent->keys = g_hash_table_new(g_str_hash, g_str_equal);
		for (guint i = 0; i < parent->children->len; i += 2) {
			YamlNode *key = g_ptr_array_index(parent->children, i);

			if (key->kind == YAML_NODE_SCALAR)
				g_hash_table_insert(parent->keys, key->text, key);
		}
	}
	for (guint i = 0; parent->keys == NULL && i < parent->children->len; i += 2) {
		YamlNode *key = g_ptr_array_index(parent->children, i);

		if (scalar_equal(key, *pending_key)) {
			Diag *d = diag_add(b->diags, DIAG_DUPLICATE_KEY, (*pending_key)->pos,
			                   "duplicate key '%s'; the later value is ignored",
			                   key->text);
			diag_note(d, key->pos, "'%s' first appears here", key->text);
			*pending_key = NULL;
			return TRUE;
		}
	}
	if (parent->keys != NULL && (*pending_key)->kind == YAML_NODE_SCALAR) {
		YamlNode *key = g_hash_table_lookup(parent->keys, (*pending_key)->text);

		if (key != NULL) {
			Diag *d = diag_add(b->diags, DIAG_DUPLICATE_KEY, (*pending_key)->pos,
			                   "duplicate key '%s'; the later value is ignored", key->text);

			diag_note(d, key->pos, "'%s' first appears here", key->text);
			*pending_key = NULL;
			return TRUE;
		}
		g_hash_table_insert(parent->keys, (*pending_key)->text, *pending_key);
	}
	g_ptr_array_add(parent->children, *pending_key);
	g_ptr_array_add(parent->children, child);
	parent->weight += child->weight + (*pending_key)->weight;
	*pending_key = NULL;
	return TRUE;
}

/* Returns a copy of a scalar's bytes with U+FFFD in place of every
 * character no output can carry. These are control characters other than
 * tab and newline, the noncharacters U+FFFE, U+FFFF and U+FDD0 to U+FDEF,
 * and the line and paragraph separators. The file itself is clean, but a
 * quoted scalar can spell them as escapes such as \0 or \x01, and a NUL
 * would cut the text short. */
static char *
clean_scalar(const char *value, size_t len, DiagList *diags, SrcPos pos)
{
	const char *p, *end = value + len;
	GString *out;
	guint replaced = 0;

	/* Most values are clean: copy them at their exact size. */
	for (p = value; p < end; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char_validated(p, end - p);

		if (c == (gunichar)-1 || c == (gunichar)-2 || source_char_unprintable(c))
			break;
	}
	if (p >= end)
		return g_strndup(value, len);

	out = g_string_sized_new(len + 1);
	for (p = value; p < end;) {
		gunichar c = g_utf8_get_char_validated(p, end - p);
		gsize step;

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			/* libyaml has checked the encoding; stay safe anyway. */
			g_string_append(out, "\xEF\xBF\xBD");
			replaced++;
			p++;
			continue;
		}
		step = (gsize)(g_utf8_next_char(p) - p);
		if (source_char_unprintable(c)) {
			g_string_append(out, "\xEF\xBF\xBD");
			replaced++;
		} else {
			g_string_append_len(out, p, (gssize)step);
		}
		p += step;
	}
	diag_add(diags, DIAG_CONTROL_CHARACTER, pos,
	         "value holds %u control or noncharacter code point%s (written as escapes); "
	         "each is replaced by U+FFFD", replaced, replaced == 1 ? "" : "s");
	return g_string_free(out, FALSE);
}

typedef struct {
	YamlNode *node;
	YamlNode *pending_key;
} Frame;

YamlDoc *
yaml_doc_parse(const char *text, size_t len, const char *file, int first_line,
               const YamlLimits *limits, DiagList *diags)
{
	yaml_parser_t parser;
	yaml_event_t event;
	/* Interned once here, so node positions can share the pointer. */
	YamlLimits configured = limits_yaml();
	Builder b = {text, len, g_intern_string(file), first_line, diags,
	             limits ? limits : &configured, NULL, NULL, 0};
	GArray *stack = g_array_new(FALSE, FALSE, sizeof(Frame));
	gboolean ok = FALSE, done = FALSE, seen_document = FALSE;

	b.doc = g_new0(YamlDoc, 1);
	b.doc->nodes = g_ptr_array_new_with_free_func(node_free);
	b.anchors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);

	while (!done) {
		YamlNode *node = NULL;
		const char *anchor = NULL;

		if (!yaml_parser_parse(&parser, &event)) {
			report_parser_error(&b, &parser);
			goto out;
		}
		switch (event.type) {
		case YAML_STREAM_END_EVENT:
			done = TRUE;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (seen_document) {
				diag_add(diags, DIAG_YAML_SYNTAX, mark_pos(&b, event.start_mark),
				         "a second YAML document; only one is allowed here");
				yaml_event_delete(&event);
				goto out;
			}
			seen_document = TRUE;
			break;
		case YAML_SCALAR_EVENT:
			node = node_new(&b, YAML_NODE_SCALAR, event.start_mark);
			node->text = clean_scalar((const char *)event.data.scalar.value,
			                          event.data.scalar.length, diags, node->pos);
			node->plain = event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			anchor = (const char *)event.data.scalar.anchor;
			break;
		case YAML_SEQUENCE_START_EVENT:
			node = node_new(&b, YAML_NODE_SEQUENCE, event.start_mark);
			anchor = (const char *)event.data.sequence_start.anchor;
			break;
		case YAML_MAPPING_START_EVENT:
			node = node_new(&b, YAML_NODE_MAPPING, event.start_mark);
			anchor = (const char *)event.data.mapping_start.anchor;
			break;
		case YAML_ALIAS_EVENT:
			node = g_hash_table_lookup(b.anchors, event.data.alias.anchor);
			if (node == NULL) {
				diag_add(diags, DIAG_YAML_SYNTAX, mark_pos(&b, event.start_mark),
				         "alias '*%s' names no anchor", event.data.alias.anchor);
				yaml_event_delete(&event);
				goto out;
			}
			if (node->open) {
				diag_add(diags, DIAG_YAML_SYNTAX, mark_pos(&b, event.start_mark),
				         "alias '*%s' refers to a node that contains it",
				         event.data.alias.anchor);
				yaml_event_delete(&event);
				goto out;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT: {
			Frame top = g_array_index(stack, Frame, stack->len - 1);

			g_array_set_size(stack, stack->len - 1);
			if (stack->len == 0)
				b.doc->root = top.node;
			else
				add_child(&b, g_array_index(stack, Frame, stack->len - 1).node,
				          top.node, &g_array_index(stack, Frame, stack->len - 1).pending_key);
			top.node->open = FALSE;
			break;
		}
		default:
			break;
		}

		if (node != NULL) {
			SrcPos at = mark_pos(&b, event.start_mark);

			if (anchor != NULL)
				g_hash_table_replace(b.anchors, g_strdup(anchor), node);
			if (event.type != YAML_ALIAS_EVENT)
				b.total++;
			else
				b.total += node->weight;
			if (b.total > b.limits->max_nodes) {
				diag_add(diags, DIAG_YAML_LIMIT, at,
				         "YAML expands to more than %" G_GUINT64_FORMAT
				         " nodes, aliases counted in full (limits.yaml_nodes); the document "
				         "is skipped",
				         b.limits->max_nodes);
				yaml_event_delete(&event);
				goto out;
			}
			if (node->kind != YAML_NODE_SCALAR && event.type != YAML_ALIAS_EVENT) {
				Frame frame = {node, NULL};

				if (stack->len >= b.limits->max_depth) {
					diag_add(diags, DIAG_YAML_LIMIT, at,
					         "YAML nested deeper than %u levels (limits.yaml_depth); the document "
					         "is skipped",
					         b.limits->max_depth);
					yaml_event_delete(&event);
					goto out;
				}
				g_array_append_val(stack, frame);
			} else if (stack->len == 0) {
				b.doc->root = node;
			} else {
				Frame *top = &g_array_index(stack, Frame, stack->len - 1);

				add_child(&b, top->node, node, &top->pending_key);
			}
		}
		yaml_event_delete(&event);
	}
	ok = TRUE;

out:
	yaml_parser_delete(&parser);
	g_hash_table_destroy(b.anchors);
	g_array_free(stack, TRUE);
	if (!ok) {
		yaml_doc_free(b.doc);
		return NULL;
	}
	return b.doc;
}

gboolean
yaml_node_is_null(const YamlNode *node)
{
	if (node == NULL)
		return TRUE;
	if (node->kind != YAML_NODE_SCALAR || !node->plain)
		return FALSE;
	return node->text[0] == '\0' || strcmp(node->text, "~") == 0 ||
	       strcmp(node->text, "null") == 0 || strcmp(node->text, "Null") == 0 ||
	       strcmp(node->text, "NULL") == 0;
}

YamlNode *
yaml_map_get(const YamlNode *map, const char *key)
{
	if (map == NULL || map->kind != YAML_NODE_MAPPING)
		return NULL;
	for (guint i = 0; i + 1 < map->children->len; i += 2) {
		const YamlNode *k = g_ptr_array_index(map->children, i);

		if (k->kind == YAML_NODE_SCALAR && strcmp(k->text, key) == 0)
			return g_ptr_array_index(map->children, i + 1);
	}
	return NULL;
}

guint
yaml_map_size(const YamlNode *map)
{
	if (map == NULL || map->kind != YAML_NODE_MAPPING)
		return 0;
	return map->children->len / 2;
}

YamlNode *
yaml_map_key(const YamlNode *map, guint i)
{
	return g_ptr_array_index(map->children, 2 * i);
}

YamlNode *
yaml_map_value(const YamlNode *map, guint i)
{
	return g_ptr_array_index(map->children, 2 * i + 1);
}

const char *
yaml_scalar(const YamlNode *node)
{
	if (node == NULL || node->kind != YAML_NODE_SCALAR || yaml_node_is_null(node))
		return NULL;
	return node->text;
}

const char *
yaml_node_kind_name(const YamlNode *node)
{
	if (node == NULL || yaml_node_is_null(node))
		return "null";
	switch (node->kind) {
	case YAML_NODE_SCALAR:
		return "a scalar";
	case YAML_NODE_SEQUENCE:
		return "a list";
	case YAML_NODE_MAPPING:
		return "a mapping";
	}
	return "unknown";
}

char *
yaml_read_string(const YamlNode *node, DiagCode code, DiagList *diags, const char *what)
{
	if (node == NULL)
		return NULL;
	if (node->kind != YAML_NODE_SCALAR || yaml_node_is_null(node) || node->text[0] == '\0') {
		diag_add(diags, code, node->pos, "%s must be a non-empty text, not %s", what,
		         yaml_node_kind_name(node));
		return NULL;
	}
	return g_strdup(node->text);
}

GPtrArray *
yaml_read_string_list(const YamlNode *node, DiagCode code, DiagList *diags, const char *what)
{
	GPtrArray *list;

	if (node == NULL)
		return NULL;
	list = g_ptr_array_new_with_free_func(g_free);
	if (node->kind == YAML_NODE_SCALAR && !yaml_node_is_null(node)) {
		g_ptr_array_add(list, g_strdup(node->text));
		return list;
	}
	if (node->kind != YAML_NODE_SEQUENCE) {
		diag_add(diags, code, node->pos, "%s must be a list of texts, not %s", what,
		         yaml_node_kind_name(node));
		g_ptr_array_free(list, TRUE);
		return NULL;
	}
	for (guint i = 0; i < node->children->len; i++) {
		const YamlNode *item = g_ptr_array_index(node->children, i);
		const char *text = yaml_scalar(item);

		if (text == NULL) {
			diag_add(diags, code, item->pos, "%s: each entry must be a text, not %s",
			         what, yaml_node_kind_name(item));
			continue;
		}
		g_ptr_array_add(list, g_strdup(text));
	}
	return list;
}

gboolean
yaml_parse_bool(const char *text, gboolean *out)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};

	for (guint i = 0; i < G_N_ELEMENTS(yes); i++) {
		if (strcmp(text, yes[i]) == 0) {
			*out = TRUE;
			return TRUE;
		}
		if (strcmp(text, no[i]) == 0) {
			*out = FALSE;
			return TRUE;
		}
	}
	return FALSE;
}

gboolean
yaml_read_bool(const YamlNode *node, DiagCode code, DiagList *diags, const char *what,
               gboolean fallback)
{
	gboolean value;

	if (node == NULL)
		return fallback;
	if (yaml_scalar(node) == NULL || !yaml_parse_bool(node->text, &value)) {
		diag_add(diags, code, node->pos, "%s must be true or false, not '%s'", what,
		         yaml_scalar(node) ? node->text : yaml_node_kind_name(node));
		return fallback;
	}
	return value;
}

void
yaml_check_keys(const YamlNode *map, const char *const *known, DiagList *diags,
                const char *where)
{
	for (guint i = 0; i < yaml_map_size(map); i++) {
		const YamlNode *key = yaml_map_key(map, i);
		gboolean found = FALSE;

		for (const char *const *k = known; *k != NULL && !found; k++)
			found = key->kind == YAML_NODE_SCALAR && strcmp(key->text, *k) == 0;
		if (!found)
			diag_add(diags, DIAG_UNKNOWN_SETTING, key->pos,
			         "unknown key '%s' in %s; it is ignored",
			         key->kind == YAML_NODE_SCALAR ? key->text : "(not a text)", where);
	}
}

YamlDoc *
yaml_doc_new(void)
{
	YamlDoc *doc = g_new0(YamlDoc, 1);

	doc->nodes = g_ptr_array_new_with_free_func(node_free);
	return doc;
}

YamlNode *
yaml_doc_add(YamlDoc *doc, YamlNodeKind kind, const char *text, SrcPos pos)
{
	YamlNode *node = g_new0(YamlNode, 1);

	node->kind = kind;
	node->pos = pos;
	node->weight = 1;
	if (kind == YAML_NODE_SCALAR)
		node->text = g_strdup(text ? text : "");
	else
		node->children = g_ptr_array_new();
	g_ptr_array_add(doc->nodes, node);
	return node;
}

void
yaml_node_append(YamlNode *collection, YamlNode *child)
{
	g_ptr_array_add(collection->children, child);
	collection->weight += child->weight;
}
