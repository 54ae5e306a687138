#include "sbom.h"

#include "input-limits.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/stat.h>

/* ---- Construction ---- */

Sbom *
sbom_new(const char *file, SbomFormat format)
{
	Sbom *sbom = g_new0(Sbom, 1);

	sbom->file = (char *)g_intern_string(file);
	sbom->format = format;
	sbom->loc = sbom_loc(src_pos(sbom->file, 0, 0), "");
	sbom->authors = g_ptr_array_new_with_free_func(g_free);
	sbom->tools = g_ptr_array_new_with_free_func(g_free);
	sbom->subject_refs = g_ptr_array_new_with_free_func(g_free);
	sbom->components = g_ptr_array_new_with_free_func((GDestroyNotify)NULL);
	sbom->dependencies = g_ptr_array_new();
	sbom->vulnerabilities = g_ptr_array_new();
	return sbom;
}

SbomLoc
sbom_loc(SrcPos pos, const char *path)
{
	SbomLoc loc = {pos, g_strdup(path ? path : "")};

	return loc;
}

SbomComponent *
sbom_component_new(void)
{
	SbomComponent *c = g_new0(SbomComponent, 1);

	c->licences = g_ptr_array_new();
	c->hashes = g_ptr_array_new_with_free_func(g_free);
	return c;
}

SbomDependency *
sbom_dependency_new(void)
{
	SbomDependency *d = g_new0(SbomDependency, 1);

	d->depends_on = g_ptr_array_new_with_free_func(g_free);
	return d;
}

SbomVulnerability *
sbom_vulnerability_new(void)
{
	SbomVulnerability *v = g_new0(SbomVulnerability, 1);

	v->responses = g_ptr_array_new_with_free_func(g_free);
	v->affects = g_ptr_array_new_with_free_func(g_free);
	return v;
}

void
sbom_licence_add(SbomComponent *component, SbomLicenceKind kind, const char *text, SbomLoc loc)
{
	SbomLicence *l = g_new0(SbomLicence, 1);

	l->kind = kind;
	l->text = g_strdup(text);
	l->loc = loc;
	g_ptr_array_add(component->licences, l);
}

static void
component_free(SbomComponent *c)
{
	for (guint i = 0; i < c->licences->len; i++) {
		SbomLicence *l = g_ptr_array_index(c->licences, i);

		g_free(l->text);
		g_free(l->loc.path);
		g_free(l);
	}
	g_ptr_array_free(c->licences, TRUE);
	g_ptr_array_free(c->hashes, TRUE);
	g_free(c->ref);
	g_free(c->name);
	g_free(c->version);
	g_free(c->supplier);
	g_free(c->type);
	g_free(c->purl);
	g_free(c->cpe);
	g_free(c->description);
	g_free(c->level_of_support);
	g_free(c->end_of_support);
	g_free(c->parent_ref);
	g_free(c->loc.path);
	g_free(c);
}

void
sbom_free(Sbom *sbom)
{
	if (sbom == NULL)
		return;
	for (guint i = 0; i < sbom->components->len; i++)
		component_free(g_ptr_array_index(sbom->components, i));
	for (guint i = 0; i < sbom->dependencies->len; i++) {
		SbomDependency *d = g_ptr_array_index(sbom->dependencies, i);

		g_free(d->ref);
		g_ptr_array_free(d->depends_on, TRUE);
		g_free(d->loc.path);
		g_free(d);
	}
	for (guint i = 0; i < sbom->vulnerabilities->len; i++) {
		SbomVulnerability *v = g_ptr_array_index(sbom->vulnerabilities, i);

		g_free(v->id);
		g_free(v->source);
		g_free(v->description);
		g_free(v->state);
		g_free(v->justification);
		g_free(v->detail);
		g_ptr_array_free(v->responses, TRUE);
		g_free(v->severity);
		g_free(v->score);
		g_free(v->method);
		g_ptr_array_free(v->affects, TRUE);
		g_free(v->loc.path);
		g_free(v);
	}
	g_ptr_array_free(sbom->components, TRUE);
	g_ptr_array_free(sbom->dependencies, TRUE);
	g_ptr_array_free(sbom->vulnerabilities, TRUE);
	g_ptr_array_free(sbom->authors, TRUE);
	g_ptr_array_free(sbom->tools, TRUE);
	g_ptr_array_free(sbom->subject_refs, TRUE);
	g_free(sbom->spec_version);
	g_free(sbom->serial);
	g_free(sbom->timestamp);
	g_free(sbom->subject_name);
	g_free(sbom->subject_version);
	g_free(sbom->loc.path);
	g_free(sbom);
}

/* RFC 6901: '~' is written "~0" and '/' is written "~1". */
char *
sbom_pointer_member(const char *parent, const char *member)
{
	GString *s = g_string_new(parent ? parent : "");

	g_string_append_c(s, '/');
	for (const char *p = member; *p; p++) {
		if (*p == '~')
			g_string_append(s, "~0");
		else if (*p == '/')
			g_string_append(s, "~1");
		else
			g_string_append_c(s, *p);
	}
	return g_string_free(s, FALSE);
}

char *
sbom_pointer_index(const char *parent, guint index)
{
	return g_strdup_printf("%s/%u", parent ? parent : "", index);
}

/* ---- JSON positions ---- */

/* json-glib keeps no positions. They come from one pass over the text
 * that records where every value starts, in document order, and a walk of
 * the parsed tree in the same order that pairs each node with its start.
 * A file whose values and nodes do not pair up one to one (json-glib keeps
 * one value of a repeated key) gets no positions rather than wrong ones.
 *
 * The signals json-glib emits for each member and element would give
 * positions too, but GLib dispatches them through libffi, which took a
 * fifth of the time of a large SBOM. */
struct SbomJsonPos {
	GHashTable *nodes; /* JsonNode* -> packed position */
	const char *file;
};

/* 24 bits of column and 40 of line fit any file under the size limit. A
 * longer minified line keeps its line and loses the column. */
static guint64
pack_line_col(guint64 line, guint64 col)
{
	if (col >= (1u << 24))
		col = 0;
	return (line << 24) | col;
}

/* The packed start of every value in text, in document order, or NULL when
 * the text is not JSON this pass can follow. */
static GArray *
value_starts(const char *text, size_t len)
{
	GArray *starts = g_array_new(FALSE, FALSE, sizeof(guint64));
	GString *stack = g_string_new(NULL); /* '{' or '[' per open container */
	gboolean expect_value = TRUE;
	guint64 line = 1;
	/* The column of text[counted], in characters, kept up to date as the
	 * scan moves on, so a long minified line costs one pass. */
	guint64 col = 1;
	size_t counted = 0;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (c == '\n') {
			line++;
			col = 1;
			counted = i + 1;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r')
			continue;
		if (c == ',') {
			expect_value = stack->len > 0 && stack->str[stack->len - 1] == '[';
			continue;
		}
		if (c == ':') {
			expect_value = TRUE;
			continue;
		}
		if (c == ']' || c == '}') {
			if (stack->len > 0)
				g_string_truncate(stack, stack->len - 1);
			expect_value = FALSE;
			continue;
		}
		if (expect_value) {
			guint64 packed;

			for (; counted < i; counted++)
				col += ((unsigned char)text[counted] & 0xC0) != 0x80;
			packed = pack_line_col(line, col);
			g_array_append_val(starts, packed);
		}
		if (c == '{' || c == '[') {
			g_string_append_c(stack, c);
			expect_value = c == '[';
			continue;
		}
		if (c == '"') {
			/* A string, as a value or as a key; strings hold no newline. */
			for (i++; i < len && text[i] != '"'; i++)
				if (text[i] == '\\')
					i++;
		} else {
			while (i + 1 < len && !strchr(",:]} \t\r\n", text[i + 1]))
				i++;
		}
		expect_value = FALSE;
	}
	g_string_free(stack, TRUE);
	return starts;
}

/* Pairs nodes with starts in document order; returns FALSE when they run
 * out of step. The depth is bounded by limits.sbom_depth. */
static gboolean
pair_nodes(JsonNode *node, const GArray *starts, guint *next, GHashTable *out)
{
	if (*next >= starts->len)
		return FALSE;
	g_hash_table_insert(out, node,
	                    (gpointer)(guintptr)g_array_index(starts, guint64, (*next)++));
	if (JSON_NODE_HOLDS_OBJECT(node)) {
		JsonObject *object = json_node_get_object(node);
		GList *members = json_object_get_members(object);
		gboolean ok = TRUE;

		for (GList *m = members; m != NULL && ok; m = m->next)
			ok = pair_nodes(json_object_get_member(object, m->data), starts, next, out);
		g_list_free(members);
		return ok;
	}
	if (JSON_NODE_HOLDS_ARRAY(node)) {
		JsonArray *array = json_node_get_array(node);

		for (guint i = 0; i < json_array_get_length(array); i++)
			if (!pair_nodes(json_array_get_element(array, i), starts, next, out))
				return FALSE;
	}
	return TRUE;
}

static void
index_positions(SbomJsonPos *positions, JsonNode *root, const char *text, size_t len)
{
	GArray *starts = value_starts(text, len);
	guint next = 0;

	if (!pair_nodes(root, starts, &next, positions->nodes) || next != starts->len)
		g_hash_table_remove_all(positions->nodes);
	g_array_free(starts, TRUE);
}

SrcPos
sbom_json_pos(const SbomJsonPos *positions, JsonNode *node)
{
	gpointer packed = NULL;
	guint64 value;

	if (positions == NULL)
		return src_pos(NULL, 0, 0);
	if (node != NULL)
		packed = g_hash_table_lookup(positions->nodes, node);
	value = (guint64)(guintptr)packed;
	if (value == 0)
		return src_pos(positions->file, 0, 0);
	return src_pos(positions->file, (int)MIN(value >> 24, G_MAXINT), (int)(value & 0xffffff));
}

/* ---- Reading ---- */

/* The line and column (in characters) of byte offset off. */
static SrcPos
offset_pos(const char *file, const char *text, size_t off)
{
	int line = 1;
	size_t line_start = 0;

	for (size_t i = 0; i < off; i++)
		if (text[i] == '\n') {
			line++;
			line_start = i + 1;
		}
	return src_pos(file, line,
	               (int)g_utf8_strlen(text + line_start, (gssize)(off - line_start)) + 1);
}

/* json-glib parses recursively and keeps a node of some 100 bytes for
 * every value, so a file nested deeper than the limit, or with more values
 * than the limit, is rejected before it reaches the parser. Values are
 * counted as commas and opening brackets outside strings, which is exact
 * for arrays and counts one per member in objects. Returns the offset where
 * a limit is passed and sets *depth_limit to tell which, or -1. */
static gssize
json_over_limits(const char *text, size_t len, gboolean *depth_limit)
{
	guint depth = 0;
	guint64 values = 1;
	gboolean in_string = FALSE;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = FALSE;
		} else if (c == '"') {
			in_string = TRUE;
		} else if (c == '{' || c == '[' || c == ',') {
			if (c != ',' && ++depth > dossier_limits.sbom_depth) {
				*depth_limit = TRUE;
				return (gssize)i;
			}
			if (++values > dossier_limits.sbom_values) {
				*depth_limit = FALSE;
				return (gssize)i;
			}
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return -1;
}

/* Replaces, with U+FFFD, what json-glib accepts in strings but no output
 * may contain. An escaped lone surrogate such as \ud800 decodes to invalid
 * UTF-8. A control character other than tab and newline would reach the
 * terminal as an escape sequence, and XML 1.0 cannot contain it. Each
 * string changed is reported once, at its position. */
static void
clean_strings(JsonNode *node, const SbomJsonPos *positions, DiagList *diags)
{
	if (JSON_NODE_HOLDS_OBJECT(node)) {
		JsonObjectIter it;
		JsonNode *member;

		json_object_iter_init(&it, json_node_get_object(node));
		while (json_object_iter_next(&it, NULL, &member))
			clean_strings(member, positions, diags);
	} else if (JSON_NODE_HOLDS_ARRAY(node)) {
		JsonArray *array = json_node_get_array(node);

		for (guint i = 0; i < json_array_get_length(array); i++)
			clean_strings(json_array_get_element(array, i), positions, diags);
	} else if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING) {
		const char *text = json_node_get_string(node);
		gboolean valid = g_utf8_validate(text, -1, NULL);
		gboolean control = FALSE;
		char *clean;
		GString *out;

		for (const char *p = text; *p && !control; p++)
			control = ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f;
		if (valid && !control)
			return;
		clean = g_utf8_make_valid(text, -1);
		out = g_string_new(NULL);
		for (const char *p = clean; *p; p = g_utf8_next_char(p)) {
			gunichar ch = g_utf8_get_char(p);

			if ((ch < 0x20 && ch != '\t' && ch != '\n') || (ch >= 0x7f && ch < 0xa0))
				g_string_append(out, "\xEF\xBF\xBD");
			else
				g_string_append_len(out, p, g_utf8_next_char(p) - p);
		}
		diag_add(diags, valid ? DIAG_CONTROL_CHARACTER : DIAG_INVALID_UTF8,
		         sbom_json_pos(positions, node),
		         valid ? "a string holds a control character; it is read as U+FFFD"
		               : "a string decodes to invalid UTF-8 (an escaped lone surrogate such as "
		                 "\\ud800); the bad part is read as U+FFFD");
		json_node_set_string(node, out->str);
		g_string_free(out, TRUE);
		g_free(clean);
	}
}

static Sbom *
read_json(const char *file, const char *text, size_t len, DiagList *diags)
{
	SbomJsonPos positions;
	JsonParser *parser;
	GError *error = NULL;
	JsonNode *root;
	JsonObject *object;
	Sbom *sbom = NULL;
	gboolean depth_limit = FALSE;
	gssize over = json_over_limits(text, len, &depth_limit);

	if (over >= 0 && depth_limit) {
		diag_add(diags, DIAG_SBOM_LIMIT, offset_pos(file, text, (size_t)over),
		         "JSON nested deeper than %u levels (limits.sbom_depth); the file is skipped",
		         dossier_limits.sbom_depth);
		return NULL;
	}
	if (over >= 0) {
		diag_add(diags, DIAG_SBOM_LIMIT, offset_pos(file, text, (size_t)over),
		         "JSON with more than %" G_GUINT64_FORMAT " values (limits.sbom_values); the file "
		         "is skipped", dossier_limits.sbom_values);
		return NULL;
	}
	positions.nodes = g_hash_table_new(NULL, NULL);
	positions.file = file;
	/* Mutable, so that clean_strings can replace bad strings. */
	parser = json_parser_new();
	if (!json_parser_load_from_data(parser, text, (gssize)len, &error)) {
		/* json-glib puts "<data>:LINE:COL: Parse error: ..." in the
		 * message; the position is kept, the prefix dropped. */
		int line = 0, col = 0;
		const char *msg = error->message;

		if (g_str_has_prefix(msg, "<data>:") &&
		    sscanf(msg + 7, "%d:%d", &line, &col) == 2) {
			const char *rest = strstr(msg + 7, ": ");

			if (rest != NULL)
				msg = rest + 2;
		}
		diag_add(diags, DIAG_SBOM_UNREADABLE, src_pos(file, line, col),
		         "not valid JSON: %s; the file is skipped", msg);
		g_error_free(error);
		goto out;
	}
	root = json_parser_get_root(parser);
	if (root != NULL)
		index_positions(&positions, root, text, len);
	if (root != NULL)
		clean_strings(root, &positions, diags);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
		diag_add(diags, DIAG_SBOM_UNKNOWN_FORMAT, src_pos(file, 1, 1),
		         "the document is not a JSON object, so neither CycloneDX nor SPDX; the file "
		         "is skipped");
		goto out;
	}
	object = json_node_get_object(root);
	if (json_object_has_member(object, "bomFormat")) {
		JsonNode *format = json_object_get_member(object, "bomFormat");

		if (!JSON_NODE_HOLDS_VALUE(format) || json_node_get_value_type(format) != G_TYPE_STRING ||
		    strcmp(json_node_get_string(format), "CycloneDX") != 0) {
			diag_add(diags, DIAG_SBOM_UNKNOWN_FORMAT, sbom_json_pos(&positions, format),
			         "'bomFormat' must be \"CycloneDX\"; the file is skipped");
			goto out;
		}
		sbom = sbom_read_cyclonedx_json(file, root, &positions, diags);
	} else if (json_object_has_member(object, "spdxVersion")) {
		sbom = sbom_read_spdx_json(file, root, &positions, diags);
	} else {
		diag_add(diags, DIAG_SBOM_UNKNOWN_FORMAT, src_pos(file, 1, 1),
		         "a JSON document with neither 'bomFormat' (CycloneDX) nor 'spdxVersion' "
		         "(SPDX); the file is skipped");
	}
out:
	g_object_unref(parser);
	g_hash_table_destroy(positions.nodes);
	return sbom;
}

static Sbom *parse_any(const char *file, const char *text, size_t len, DiagList *diags);

/* Each component and vulnerability becomes a record, so one SBOM may
 * contain no more of them than limits.records allows records. Otherwise a
 * small file of empty objects would make millions of records and findings. */
Sbom *
sbom_parse(const char *path, const char *text, size_t len, DiagList *diags)
{
	Sbom *sbom = parse_any(path, text, len, diags);
	guint64 entries;

	if (sbom == NULL)
		return NULL;
	entries = (guint64)sbom->components->len + sbom->vulnerabilities->len;
	if (entries > dossier_limits.records) {
		diag_add(diags, DIAG_SBOM_LIMIT, src_pos(sbom->file, 0, 0),
		         "the SBOM has %" G_GUINT64_FORMAT " components and vulnerabilities, more than "
		         "the %u records limits.records allows; the file is skipped",
		         entries, dossier_limits.records);
		sbom_free(sbom);
		return NULL;
	}
	return sbom;
}

static Sbom *
parse_any(const char *path, const char *text, size_t len, DiagList *diags)
{
	const char *file = g_intern_string(path);
	const char *p = text;
	Sbom *sbom = NULL;

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	if (!g_utf8_validate(p, (gssize)(len - (gsize)(p - text)), NULL)) {
		const char *end;

		g_utf8_validate(p, (gssize)(len - (gsize)(p - text)), &end);
		diag_add(diags, DIAG_INVALID_UTF8, offset_pos(file, text, (size_t)(end - text)),
		         "bytes that are not valid UTF-8; the file is skipped");
		return NULL;
	}
	{
		size_t skip = (size_t)(p - text);

		while (p < text + len && g_ascii_isspace(*p))
			p++;
		if (p < text + len && (*p == '{' || *p == '[')) {
			/* The JSON text starts after the byte-order mark, if any. */
			sbom = read_json(file, text + skip, len - skip, diags);
			return sbom;
		}
	}
	if (p == text + len)
		diag_add(diags, DIAG_SBOM_UNKNOWN_FORMAT, src_pos(file, 0, 0),
		         "the file is empty; the file is skipped");
	else if (*p == '<')
		sbom = sbom_read_cyclonedx_xml(file, text, len, diags);
	else
		diag_add(diags, DIAG_SBOM_UNKNOWN_FORMAT, offset_pos(file, text, (size_t)(p - text)),
		         "neither JSON nor XML, so neither CycloneDX nor SPDX (tag-value SPDX is not "
		         "read); the file is skipped");
	return sbom;
}

Sbom *
sbom_read(const char *path, DiagList *diags)
{
	const char *file = g_intern_string(path);
	GStatBuf st;
	char *text = NULL;
	gsize len = 0;
	GError *error = NULL;
	Sbom *sbom = NULL;

	if (g_stat(path, &st) != 0) {
		diag_add(diags, DIAG_IO_ERROR, src_pos(file, 0, 0), "cannot read the SBOM: %s",
		         g_strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_add(diags, DIAG_IO_ERROR, src_pos(file, 0, 0),
		         "cannot read the SBOM: not a regular file");
		return NULL;
	}
	if ((guint64)st.st_size > dossier_limits.sbom_bytes) {
		diag_add(diags, DIAG_FILE_TOO_LARGE, src_pos(file, 0, 0),
		         "the SBOM has %" G_GUINT64_FORMAT " bytes, more than the limit of %" G_GUINT64_FORMAT
		         " (limits.sbom_bytes); the file is skipped",
		         (guint64)st.st_size, dossier_limits.sbom_bytes);
		return NULL;
	}
	if (!g_file_get_contents(path, &text, &len, &error)) {
		diag_add(diags, DIAG_IO_ERROR, src_pos(file, 0, 0), "cannot read the SBOM: %s",
		         error->message);
		g_error_free(error);
		return NULL;
	}
	if (len > dossier_limits.sbom_bytes) {
		diag_add(diags, DIAG_FILE_TOO_LARGE, src_pos(file, 0, 0),
		         "the SBOM grew past the limit of %" G_GUINT64_FORMAT
		         " bytes (limits.sbom_bytes) while it was read; the file is skipped",
		         dossier_limits.sbom_bytes);
		g_free(text);
		return NULL;
	}
	sbom = sbom_parse(file, text, len, diags);
	g_free(text);
	return sbom;
}

/* ---- Licence expressions (SPDX 2.3, annex D) ---- */

typedef struct {
	const char *text;
	const char *p;
	const char *error;
	const char *error_at;
	guint depth;
} LicenceParser;

/* Paren nesting accepted in one expression. Real ones nest two or three. */
#define LICENCE_MAX_DEPTH 64

static void
licence_skip_space(LicenceParser *lp)
{
	while (*lp->p == ' ' || *lp->p == '\t' || *lp->p == '\n' || *lp->p == '\r')
		lp->p++;
}

static gboolean
idstring_char(char c)
{
	return g_ascii_isalnum(c) || c == '-' || c == '.';
}

/* Reads the next word: a run of characters other than space and parens. */
static size_t
licence_word(LicenceParser *lp)
{
	size_t n = 0;

	while (lp->p[n] && lp->p[n] != ' ' && lp->p[n] != '\t' && lp->p[n] != '\n' &&
	       lp->p[n] != '\r' && lp->p[n] != '(' && lp->p[n] != ')')
		n++;
	return n;
}

static gboolean
licence_fail(LicenceParser *lp, const char *at, const char *error)
{
	if (lp->error == NULL) {
		lp->error = error;
		lp->error_at = at;
	}
	return FALSE;
}

static gboolean
word_is(const char *p, size_t n, const char *op)
{
	return n == strlen(op) && strncmp(p, op, n) == 0;
}

/* license-id ["+"], or ["DocumentRef-" idstring ":"] "LicenseRef-" idstring. */
static gboolean
licence_simple(LicenceParser *lp, gboolean exception)
{
	size_t n;
	const char *w, *end;

	licence_skip_space(lp);
	w = lp->p;
	n = licence_word(lp);
	if (n == 0)
		return licence_fail(lp, w, *w ? "a licence ID is expected here"
		                              : "the expression ends where a licence ID is expected");
	end = w + n;
	if (word_is(w, n, "AND") || word_is(w, n, "OR") || word_is(w, n, "WITH"))
		return licence_fail(lp, w, "an operator where a licence ID is expected");
	if (!exception && g_str_has_prefix(w, "DocumentRef-")) {
		const char *colon = memchr(w, ':', n);

		if (colon == NULL)
			return licence_fail(lp, w, "DocumentRef- must be followed by ':LicenseRef-'");
		for (const char *q = w + 12; q < colon; q++)
			if (!idstring_char(*q))
				return licence_fail(lp, q, "only letters, digits, '-' and '.' may form an ID");
		w = colon + 1;
		if (!g_str_has_prefix(w, "LicenseRef-"))
			return licence_fail(lp, w, "DocumentRef- must be followed by ':LicenseRef-'");
	}
	if (!exception && end > w && end[-1] == '+')
		end--;
	if (end == w || (g_str_has_prefix(w, "LicenseRef-") && end == w + 11))
		return licence_fail(lp, w, "an empty licence ID");
	for (const char *q = w; q < end; q++)
		if (!idstring_char(*q))
			return licence_fail(lp, q, "only letters, digits, '-' and '.' may form an ID");
	lp->p = end;
	if (*lp->p == '+')
		lp->p++;
	return TRUE;
}

static gboolean licence_or(LicenceParser *lp);

/* "(" or-expression ")" or a simple expression, with an optional WITH. */
static gboolean
licence_primary(LicenceParser *lp)
{
	licence_skip_space(lp);
	if (*lp->p == '(') {
		const char *open = lp->p;

		if (++lp->depth > LICENCE_MAX_DEPTH)
			return licence_fail(lp, open, "parentheses nested too deeply");
		lp->p++;
		if (!licence_or(lp))
			return FALSE;
		licence_skip_space(lp);
		if (*lp->p != ')')
			return licence_fail(lp, *lp->p ? lp->p : open, "a '(' is never closed");
		lp->p++;
		lp->depth--;
		return TRUE;
	}
	if (!licence_simple(lp, FALSE))
		return FALSE;
	licence_skip_space(lp);
	if (word_is(lp->p, licence_word(lp), "WITH")) {
		lp->p += 4;
		return licence_simple(lp, TRUE);
	}
	return TRUE;
}

static gboolean
licence_and(LicenceParser *lp)
{
	if (!licence_primary(lp))
		return FALSE;
	for (;;) {
		licence_skip_space(lp);
		if (!word_is(lp->p, licence_word(lp), "AND"))
			return TRUE;
		lp->p += 3;
		if (!licence_primary(lp))
			return FALSE;
	}
}

static gboolean
licence_or(LicenceParser *lp)
{
	if (!licence_and(lp))
		return FALSE;
	for (;;) {
		licence_skip_space(lp);
		if (!word_is(lp->p, licence_word(lp), "OR"))
			return TRUE;
		lp->p += 2;
		if (!licence_and(lp))
			return FALSE;
	}
}

gboolean
sbom_licence_expression_valid(const char *text, int *error_col, const char **error)
{
	LicenceParser lp = {text, text, NULL, NULL, 0};
	const char *trimmed = text;

	while (*trimmed == ' ')
		trimmed++;
	if (strcmp(trimmed, "NOASSERTION") == 0 || strcmp(trimmed, "NONE") == 0)
		return TRUE;
	if (licence_or(&lp)) {
		licence_skip_space(&lp);
		if (*lp.p == '\0')
			return TRUE;
		{
			size_t n = licence_word(&lp);

			licence_fail(&lp, lp.p,
			             (word_is(lp.p, n, "and") || word_is(lp.p, n, "or") ||
			              word_is(lp.p, n, "with"))
			                 ? "operators are written in upper case: AND, OR, WITH"
			             : *lp.p == ')' ? "a ')' without its '('"
			                            : "an operator (AND, OR, WITH) is expected here");
		}
	}
	*error = lp.error;
	*error_col = (int)g_utf8_strlen(text, lp.error_at - text) + 1;
	return FALSE;
}

gboolean
sbom_has_placeholder(const char *text)
{
	static GRegex *re;

	if (text == NULL)
		return FALSE;
	if (g_once_init_enter(&re)) {
		GRegex *r = g_regex_new("@[A-Za-z_][A-Za-z0-9_]*@|\\$\\{[^}]*\\}|\\{\\{[^}]*\\}\\}",
		                        G_REGEX_OPTIMIZE, 0, NULL);

		g_once_init_leave(&re, r);
	}
	return g_regex_match(re, text, 0, NULL);
}

/* ---- Checks ---- */

static const char *
component_label(const SbomComponent *c)
{
	return c->name ? c->name : c->ref;
}

static void
check_placeholder(const char *value, const char *what, SbomLoc loc, DiagList *diags)
{
	if (sbom_has_placeholder(value))
		diag_add(diags, DIAG_SBOM_PLACEHOLDER, loc.pos,
		         "%s '%s' at %s holds an unexpanded build placeholder", what, value,
		         *loc.path ? loc.path : "the document's metadata");
}

static void
check_licence(const SbomComponent *c, const SbomLicence *l, DiagList *diags)
{
	int col;
	const char *error;

	if (l->kind == SBOM_LICENCE_NAME)
		return;
	if (sbom_licence_expression_valid(l->text, &col, &error))
		return;
	diag_add(diags, DIAG_SBOM_BAD_LICENCE, l->loc.pos,
	         "licence %s '%s' of '%s' at %s does not parse at character %d: %s",
	         l->kind == SBOM_LICENCE_ID ? "ID" : "expression", l->text, component_label(c),
	         l->loc.path, col, error);
}

static void
check_component(const SbomComponent *c, DiagList *diags)
{
	const char *label = component_label(c);

	if (c->name == NULL || *c->name == '\0')
		diag_add(diags, DIAG_SBOM_NO_NAME, c->loc.pos, "component '%s' at %s has no name",
		         c->ref, c->loc.path);
	if (c->version == NULL || *c->version == '\0')
		diag_add(diags, DIAG_SBOM_NO_VERSION, c->loc.pos,
		         "component '%s' at %s has no version", label, c->loc.path);
	if (c->supplier == NULL || *c->supplier == '\0')
		diag_add(diags, DIAG_SBOM_NO_SUPPLIER, c->loc.pos,
		         "component '%s' at %s names no supplier", label, c->loc.path);
	if ((c->purl == NULL || *c->purl == '\0') && (c->cpe == NULL || *c->cpe == '\0'))
		diag_add(diags, DIAG_SBOM_NO_IDENTIFIER, c->loc.pos,
		         "component '%s' at %s has no unique identifier (purl or CPE)", label,
		         c->loc.path);
	check_placeholder(c->name, "name", c->loc, diags);
	check_placeholder(c->version, "version", c->loc, diags);
	check_placeholder(c->supplier, "supplier", c->loc, diags);
	check_placeholder(c->purl, "purl", c->loc, diags);
	check_placeholder(c->cpe, "CPE", c->loc, diags);
	for (guint i = 0; i < c->licences->len; i++)
		check_licence(c, g_ptr_array_index(c->licences, i), diags);
}

/* Strips a BOM-link down to its fragment: urn:cdx:SERIAL/1#ref -> ref. */
static const char *
ref_key(const char *ref)
{
	const char *hash;

	if (g_str_has_prefix(ref, "urn:cdx:") && (hash = strchr(ref, '#')) != NULL)
		return hash + 1;
	return ref;
}

typedef struct {
	GHashTable *refs;  /* ref -> SbomComponent* (first of the set) */
	GHashTable *deps;  /* ref -> GPtrArray* of refs, merged over entries */
	GHashTable *state; /* ref -> 1 visiting, 2 done */
} DepGraph;

/* Walks the dependency graph without recursion, so a chain of any length
 * is safe, and reports each cycle once, where it closes. */
static void
check_cycles(const Sbom *sbom, DepGraph *g, DiagList *diags)
{
	GPtrArray *stack = g_ptr_array_new();  /* refs on the current path */
	GArray *next = g_array_new(FALSE, FALSE, sizeof(guint));

	for (guint d = 0; d < sbom->dependencies->len; d++) {
		const SbomDependency *start = g_ptr_array_index(sbom->dependencies, d);
		guint zero = 0;

		if (g_hash_table_contains(g->state, start->ref))
			continue;
		g_ptr_array_add(stack, start->ref);
		g_array_append_val(next, zero);
		g_hash_table_insert(g->state, start->ref, GINT_TO_POINTER(1));
		while (stack->len > 0) {
			const char *ref = g_ptr_array_index(stack, stack->len - 1);
			guint *i = &g_array_index(next, guint, next->len - 1);
			GPtrArray *out = g_hash_table_lookup(g->deps, ref);
			const char *to;
			int st;

			if (out == NULL || *i >= out->len) {
				g_hash_table_insert(g->state, (gpointer)ref, GINT_TO_POINTER(2));
				g_ptr_array_remove_index(stack, stack->len - 1);
				g_array_set_size(next, next->len - 1);
				continue;
			}
			to = g_ptr_array_index(out, (*i)++);
			st = GPOINTER_TO_INT(g_hash_table_lookup(g->state, to));
			if (st == 1) {
				GString *path = g_string_new(NULL);
				guint from = stack->len;

				while (from > 0 && strcmp(g_ptr_array_index(stack, from - 1), to) != 0)
					from--;
				for (guint k = from > 0 ? from - 1 : 0; k < stack->len; k++)
					g_string_append_printf(path, "%s -> ", (char *)g_ptr_array_index(stack, k));
				g_string_append(path, to);
				diag_add(diags, DIAG_SBOM_DEPENDENCY_CYCLE, start->loc.pos,
				         "dependencies form a cycle: %s", path->str);
				g_string_free(path, TRUE);
			} else if (st == 0 && g_hash_table_contains(g->deps, to)) {
				guint z = 0;

				g_hash_table_insert(g->state, (gpointer)to, GINT_TO_POINTER(1));
				g_ptr_array_add(stack, (gpointer)to);
				g_array_append_val(next, z);
			}
		}
	}
	g_ptr_array_free(stack, TRUE);
	g_array_free(next, TRUE);
}

static void
check_document(const Sbom *sbom, GHashTable *known, DiagList *diags)
{
	GHashTable *own = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *purls = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *related = g_hash_table_new(g_str_hash, g_str_equal);
	DepGraph g = {NULL, g_hash_table_new(g_str_hash, g_str_equal),
	              g_hash_table_new(g_str_hash, g_str_equal)};

	if (sbom->authors->len == 0 && sbom->tools->len == 0)
		diag_add(diags, DIAG_SBOM_NO_AUTHOR, sbom->loc.pos,
		         "the SBOM names no author: no person, organisation or tool");
	for (guint i = 0; i < sbom->authors->len; i++)
		check_placeholder(g_ptr_array_index(sbom->authors, i), "author", sbom->loc, diags);
	if (sbom->timestamp == NULL || *sbom->timestamp == '\0')
		diag_add(diags, DIAG_SBOM_NO_TIMESTAMP, sbom->loc.pos,
		         "the SBOM has no creation timestamp");
	if (!sbom->has_dependencies && sbom->components->len > 0)
		diag_add(diags, DIAG_SBOM_NO_DEPENDENCIES, sbom->loc.pos,
		         "the SBOM has no dependency relationships for its %u components",
		         sbom->components->len);

	for (guint i = 0; i < sbom->components->len; i++) {
		const SbomComponent *c = g_ptr_array_index(sbom->components, i);
		const SbomComponent *first;

		check_component(c, diags);
		if ((first = g_hash_table_lookup(own, c->ref)) != NULL) {
			Diag *d = diag_add(diags, DIAG_SBOM_DUPLICATE_COMPONENT, c->loc.pos,
			                   "component reference '%s' at %s is used twice", c->ref,
			                   c->loc.path);
			diag_note(d, first->loc.pos, "first used at %s", first->loc.path);
		} else {
			g_hash_table_insert(own, c->ref, (gpointer)c);
		}
		if (c->purl != NULL && *c->purl) {
			if ((first = g_hash_table_lookup(purls, c->purl)) != NULL) {
				Diag *d = diag_add(diags, DIAG_SBOM_DUPLICATE_COMPONENT, c->loc.pos,
				                   "component '%s' at %s has the same purl as another: %s",
				                   component_label(c), c->loc.path, c->purl);
				diag_note(d, first->loc.pos, "first at %s", first->loc.path);
			} else {
				g_hash_table_insert(purls, c->purl, (gpointer)c);
			}
		}
	}

	for (guint i = 0; i < sbom->dependencies->len; i++) {
		const SbomDependency *d = g_ptr_array_index(sbom->dependencies, i);
		GPtrArray *out = g_hash_table_lookup(g.deps, d->ref);

		if (!g_hash_table_contains(known, ref_key(d->ref)))
			diag_add(diags, DIAG_SBOM_UNKNOWN_REF, d->loc.pos,
			         "dependency entry at %s is for '%s', which is no component of the SBOM",
			         d->loc.path, d->ref);
		g_hash_table_add(related, d->ref);
		if (out == NULL) {
			out = g_ptr_array_new();
			g_hash_table_insert(g.deps, d->ref, out);
		}
		for (guint k = 0; k < d->depends_on->len; k++) {
			const char *to = g_ptr_array_index(d->depends_on, k);

			if (!g_hash_table_contains(known, ref_key(to)))
				diag_add(diags, DIAG_SBOM_UNKNOWN_REF, d->loc.pos,
				         "'%s' at %s depends on '%s', which is no component of the SBOM",
				         d->ref, d->loc.path, to);
			g_hash_table_add(related, (gpointer)to);
			g_ptr_array_add(out, (gpointer)to);
		}
	}
	if (sbom->has_dependencies)
		for (guint i = 0; i < sbom->components->len; i++) {
			const SbomComponent *c = g_ptr_array_index(sbom->components, i);

			if (!g_hash_table_contains(related, c->ref))
				diag_add(diags, DIAG_SBOM_NO_DEPENDENCIES, c->loc.pos,
				         "component '%s' at %s appears in no dependency relationship",
				         component_label(c), c->loc.path);
		}
	check_cycles(sbom, &g, diags);

	for (guint i = 0; i < sbom->vulnerabilities->len; i++) {
		const SbomVulnerability *v = g_ptr_array_index(sbom->vulnerabilities, i);
		const char *id = v->id ? v->id : "(no ID)";

		if (v->state == NULL || *v->state == '\0')
			diag_add(diags, DIAG_SBOM_VULNERABILITY_UNASSESSED, v->loc.pos,
			         "vulnerability %s at %s has no analysis state: say whether it is "
			         "exploitable, not affecting the device, or resolved",
			         id, v->loc.path);
		if (v->affects->len == 0)
			diag_add(diags, DIAG_SBOM_UNKNOWN_REF, v->loc.pos,
			         "vulnerability %s at %s names no affected component", id, v->loc.path);
		for (guint k = 0; k < v->affects->len; k++) {
			const char *ref = g_ptr_array_index(v->affects, k);

			if (!g_hash_table_contains(known, ref_key(ref)))
				diag_add(diags, DIAG_SBOM_UNKNOWN_REF, v->loc.pos,
				         "vulnerability %s at %s affects '%s', which is no component of the "
				         "SBOMs read",
				         id, v->loc.path, ref);
		}
	}

	{
		GHashTableIter it;
		gpointer value;

		g_hash_table_iter_init(&it, g.deps);
		while (g_hash_table_iter_next(&it, NULL, &value))
			g_ptr_array_free(value, TRUE);
	}
	g_hash_table_destroy(g.deps);
	g_hash_table_destroy(g.state);
	g_hash_table_destroy(own);
	g_hash_table_destroy(purls);
	g_hash_table_destroy(related);
}

void
sbom_check(const GPtrArray *sboms, DiagList *diags)
{
	/* Every component and described product of the set, by reference. */
	GHashTable *known = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint s = 0; s < sboms->len; s++) {
		const Sbom *sbom = g_ptr_array_index(sboms, s);

		for (guint i = 0; i < sbom->components->len; i++)
			g_hash_table_add(known, ((SbomComponent *)g_ptr_array_index(sbom->components, i))->ref);
		for (guint i = 0; i < sbom->subject_refs->len; i++)
			g_hash_table_add(known, g_ptr_array_index(sbom->subject_refs, i));
	}
	for (guint s = 0; s < sboms->len; s++)
		check_document(g_ptr_array_index(sboms, s), known, diags);
	g_hash_table_destroy(known);
}
