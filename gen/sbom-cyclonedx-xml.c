/* CycloneDX XML reader for 1.3 to 1.6. Other versions are read as far as
 * their elements match.
 *
 * The text is parsed from memory by a libxml2 parser context of our own.
 * Its SAX handler rejects a document type declaration, an entity
 * declaration and a reference to any entity but the five predefined ones
 * as soon as the parser reaches them, and stops the parser there. So
 * nothing is ever expanded, loaded or fetched, whatever the file
 * declares. The same handler counts element depth and stops past the
 * limit, so neither the parser nor the walk over the tree goes deeper.
 * Errors go to a handler on the context and become diagnostics. libxml2
 * prints nothing, and no state that other threads see is changed.
 *
 * The tree is then read into an Sbom with the same meaning that the
 * CycloneDX JSON reader gives the same content. Text of simple elements
 * is trimmed, and an element that contains elements where text belongs
 * is reported and skipped. Elements of other namespaces (CycloneDX
 * extensions) are ignored. */
#include "sbom.h"

#include "input-limits.h"

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#define CYCLONEDX_NS "http://cyclonedx.org/schema/bom/"

/* Where an element's start tag begins. */
typedef struct {
	int line, col;
} TagPos;

typedef enum {
	STOP_NONE,
	STOP_REJECTED, /* a DTD, an entity declaration or an entity reference */
	STOP_TOO_DEEP,
} StopReason;

/* The state of one parse, reached from the SAX callbacks through the
 * context's _private pointer. */
typedef struct {
	const char *text;
	size_t len;
	/* Counting cursor: the text before offset scanned has been counted,
	 * and it ends at line:col. Start tags arrive in text order, so each
	 * byte is counted once for all positions. */
	size_t scanned;
	int line, col;
	/* FALSE once a count disagreed with libxml2's, so that a mismatch
	 * costs no rescanning of the text for later tags. */
	gboolean counting;
	GArray *tags; /* TagPos, one per element; node->_private is index + 1 */
	guint depth, max_depth;
	StopReason stop;
	const char *rejected; /* what was rejected, for the message */
	int stop_line, stop_col;
	/* The first error that libxml2 reported, fatal ones first. */
	int error_level;
	int error_line, error_col;
	char *error;
} Parse;

static void
count_to(Parse *p, size_t offset, size_t *scanned, int *line, int *col)
{
	for (size_t i = *scanned; i < offset; i++) {
		unsigned char c = (unsigned char)p->text[i];

		/* Lines end at LF, as libxml2 and the rest of dossier count
		 * them. */
		if (c == '\n') {
			(*line)++;
			*col = 1;
		} else if ((c & 0xC0) != 0x80) {
			(*col)++;
		}
	}
	*scanned = offset;
}

/* Sets *offset to the parser's position in the text. Returns FALSE when
 * the parser converts the text (an encoding other than UTF-8), because
 * its buffer offsets then differ from those of the text. */
static gboolean
parser_offset(const Parse *p, xmlParserCtxtPtr ctxt, size_t *offset)
{
	xmlParserInputPtr in = ctxt->input;

	if (in == NULL || in->buf == NULL || in->buf->encoder != NULL || in->base == NULL ||
	    in->cur < in->base)
		return FALSE;
	*offset = (size_t)in->consumed + (size_t)(in->cur - in->base);
	return *offset < p->len && *offset >= p->scanned;
}

/* Returns the position of the '<' of the start tag the parser has just
 * read, while the parser is at the tag's '>' or "/>". libxml2 stores only
 * the line of a tag's end, so the position is counted in the text. When
 * that count disagrees with libxml2's line, libxml2's line is used with
 * column 1. */
static TagPos
tag_position(Parse *p, xmlParserCtxtPtr ctxt)
{
	xmlParserInputPtr in = ctxt->input;
	TagPos fallback = {in != NULL ? in->line : 0, 1};
	size_t end, start, scanned;
	int line, col, end_line, end_col;

	if (!p->counting || !parser_offset(p, ctxt, &end) ||
	    (p->text[end] != '>' && p->text[end] != '/'))
		return fallback;
	/* A start tag contains no '<' after its first character, because
	 * attribute values may not contain one. */
	start = end;
	while (start > p->scanned && p->text[start] != '<')
		start--;
	if (p->text[start] != '<') {
		p->counting = FALSE;
		return fallback;
	}
	scanned = p->scanned;
	line = p->line;
	col = p->col;
	count_to(p, start, &scanned, &line, &col);
	end_line = line;
	end_col = col;
	count_to(p, end, &scanned, &end_line, &end_col);
	if (end_line != in->line) {
		p->counting = FALSE;
		return fallback;
	}
	p->scanned = start;
	p->line = line;
	p->col = col;
	return (TagPos){line, col};
}

/* Records why and where the parse stops, unless a reason is recorded
 * already. When the text is read unconverted, the position is that of the
 * last opener ("<!DOCTYPE", "&") that ends before the parser's position,
 * or that starts at it when at_opener is TRUE. Otherwise it is the
 * parser's own position. */
static void
record_stop(xmlParserCtxtPtr ctxt, StopReason reason, const char *what, const char *opener,
            gboolean at_opener)
{
	Parse *p = ctxt->_private;
	size_t n = opener != NULL ? strlen(opener) : 0;
	size_t end, limit, candidate, scanned;

	if (p->stop != STOP_NONE)
		return;
	p->stop = reason;
	p->rejected = what;
	p->stop_line = ctxt->input != NULL ? ctxt->input->line : 0;
	p->stop_col = ctxt->input != NULL ? ctxt->input->col : 0;
	if (opener == NULL || !parser_offset(p, ctxt, &end))
		return;
	limit = MIN(at_opener ? end + n : end, p->len);
	if (limit < p->scanned + n)
		return;
	candidate = limit - n;
	while (memcmp(p->text + candidate, opener, n) != 0) {
		if (candidate == p->scanned)
			return;
		candidate--;
	}
	scanned = p->scanned;
	p->stop_line = p->line;
	p->stop_col = p->col;
	count_to(p, candidate, &scanned, &p->stop_line, &p->stop_col);
}

static void
stop(xmlParserCtxtPtr ctxt, StopReason reason, const char *what, const char *opener)
{
	record_stop(ctxt, reason, what, opener, FALSE);
	xmlStopParser(ctxt);
}

/* The rejections. libxml2 calls internalSubset for any <!DOCTYPE> before
 * it reads the internal subset or could load an external one. The other
 * callbacks are a second defence in case a declaration or a reference
 * gets past it. */
static void
reject_internal_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
                       const xmlChar *system_id)
{
	stop(ctx, STOP_REJECTED, "a document type declaration", "<!DOCTYPE");
}

static void
reject_external_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
                       const xmlChar *system_id)
{
	stop(ctx, STOP_REJECTED, "an external document type definition", "<!DOCTYPE");
}

static void
reject_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                   const xmlChar *system_id, xmlChar *content)
{
	stop(ctx, STOP_REJECTED, "an entity declaration", "<!ENTITY");
}

static void
reject_unparsed_entity_decl(void *ctx, const xmlChar *name, const xmlChar *public_id,
                            const xmlChar *system_id, const xmlChar *notation)
{
	stop(ctx, STOP_REJECTED, "an entity declaration", "<!ENTITY");
}

/* The parser resolves &lt; &gt; &amp; &apos; &quot; itself and calls this
 * only for other names. */
static xmlEntityPtr
reject_entity(void *ctx, const xmlChar *name)
{
	stop(ctx, STOP_REJECTED, "an entity reference", "&");
	return NULL;
}

static void
reject_reference(void *ctx, const xmlChar *name)
{
	stop(ctx, STOP_REJECTED, "an entity reference", "&");
}

static xmlParserInputPtr
reject_resolve(void *ctx, const xmlChar *public_id, const xmlChar *system_id)
{
	stop(ctx, STOP_REJECTED, "an external entity", NULL);
	return NULL;
}

static void
start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
              int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
              int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = ctx;
	Parse *p = ctxt->_private;
	xmlNodePtr before = ctxt->node;
	TagPos pos;

	if (++p->depth > p->max_depth) {
		stop(ctxt, STOP_TOO_DEEP, NULL, "<");
		return;
	}
	pos = tag_position(p, ctxt);
	xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces,
	                      nb_attributes, nb_defaulted, attributes);
	if (ctxt->node != NULL && ctxt->node != before) {
		g_array_append_val(p->tags, pos);
		ctxt->node->_private = GUINT_TO_POINTER(p->tags->len);
	}
}

static void
end_element(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	Parse *p = ctxt->_private;

	if (p->depth > 0)
		p->depth--;
	xmlSAX2EndElementNs(ctx, localname, prefix, uri);
}

static void
record_error(void *ctx, xmlErrorPtr error)
{
	xmlParserCtxtPtr ctxt = ctx;
	Parse *p = ctxt->_private;

	if (error == NULL || error->level < XML_ERR_ERROR)
		return;
	/* Without XML_PARSE_HUGE, libxml2 stops at its own depth limit
	 * (xmlParserMaxDepth, 256 in 2.9), which caps limits.sbom_depth. */
	if (error->code == XML_ERR_INTERNAL_ERROR && p->depth >= xmlParserMaxDepth) {
		/* The parser is at the '<' of the element too many, and halts
		 * itself after this error. */
		record_stop(ctxt, STOP_TOO_DEEP, NULL, "<", TRUE);
		return;
	}
	if (p->error != NULL && (p->error_level == XML_ERR_FATAL || error->level != XML_ERR_FATAL))
		return;
	g_free(p->error);
	p->error = g_strchomp(g_strdup(error->message ? error->message : "unknown error"));
	p->error_level = error->level;
	p->error_line = error->line;
	p->error_col = error->int2;
}

/* Drops the errors that libxml2 sends to the thread's generic handler
 * instead of the context's handler, such as failed character
 * conversions. The parser reports its own error after them. */
static void
drop_generic_error(void *ctx, const char *msg, ...)
{
}

static int
pos_int(int value)
{
	return value > 0 ? value : 1;
}

/* Parses text into a tree whose element nodes carry an index into
 * p->tags. Returns NULL after a diagnostic when the text is rejected, too
 * deep or not well-formed XML. */
static xmlDocPtr
parse(const char *file, const char *text, size_t len, Parse *p, DiagList *diags)
{
	static gsize initialized = 0;
	xmlParserCtxtPtr ctxt;
	xmlSAXHandlerPtr sax;
	xmlGenericErrorFunc old_handler;
	void *old_context;
	xmlDocPtr doc;
	gboolean well_formed;

	if (len == 0) {
		diag_add(diags, DIAG_SBOM_UNREADABLE, src_pos(file, 0, 0),
		         "the XML SBOM is empty; the file is skipped");
		return NULL;
	}
	if (len > INT_MAX) {
		diag_add(diags, DIAG_SBOM_LIMIT, src_pos(file, 0, 0),
		         "the XML SBOM is %zu bytes, more than the XML parser reads (%d); the file is "
		         "skipped",
		         len, INT_MAX);
		return NULL;
	}
	/* xmlInitParser is not reentrant, so it runs once per process here
	 * unless main has already called it. */
	if (g_once_init_enter(&initialized)) {
		xmlInitParser();
		g_once_init_leave(&initialized, 1);
	}

	p->text = text;
	p->len = len;
	p->line = 1;
	p->col = 1;
	p->counting = TRUE;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		p->scanned = 3;
	p->tags = g_array_new(FALSE, FALSE, sizeof(TagPos));
	p->max_depth = dossier_limits.sbom_depth;

	ctxt = xmlCreateMemoryParserCtxt(text, (int)len);
	if (ctxt == NULL) {
		diag_add(diags, DIAG_SBOM_UNREADABLE, src_pos(file, 0, 0),
		         "the XML parser could not be set up for this file");
		return NULL;
	}
	/* Without XML_PARSE_NOENT, DTDLOAD, DTDATTR and HUGE, entities stay
	 * unexpanded (and are rejected anyway), no DTD is loaded, and
	 * libxml2's own size limits stay on. NOCDATA reads CDATA sections as
	 * text. BIG_LINES keeps line numbers past 65,535. COMPACT stores
	 * short text inside its node, which is safe because the tree is
	 * never modified. */
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES |
	                            XML_PARSE_COMPACT | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	ctxt->_private = p;
	/* The context has its own copy of the SAX handler, so these changes
	 * affect only this parse. */
	sax = ctxt->sax;
	sax->internalSubset = reject_internal_subset;
	sax->externalSubset = reject_external_subset;
	sax->entityDecl = reject_entity_decl;
	sax->unparsedEntityDecl = reject_unparsed_entity_decl;
	sax->getEntity = reject_entity;
	sax->getParameterEntity = reject_entity;
	sax->reference = reject_reference;
	sax->resolveEntity = reject_resolve;
	sax->startElementNs = start_element;
	sax->endElementNs = end_element;
	sax->serror = record_error;
	sax->warning = NULL;
	sax->error = NULL;
	sax->fatalError = NULL;

	/* A threaded libxml2 keeps one generic handler per thread, so
	 * replacing it during the parse does not affect other threads. */
	old_handler = xmlGenericError;
	old_context = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, drop_generic_error);
	xmlParseDocument(ctxt);
	xmlSetGenericErrorFunc(old_context, old_handler);

	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	well_formed = ctxt->wellFormed;
	xmlFreeParserCtxt(ctxt);

	if (p->stop == STOP_REJECTED) {
		diag_add(diags, DIAG_SBOM_XML_DOCTYPE,
		         src_pos(file, pos_int(p->stop_line), pos_int(p->stop_col)),
		         "the XML SBOM contains %s, which is not allowed because it could expand or "
		         "load content; nothing was expanded or loaded, and the file is skipped",
		         p->rejected);
	} else if (p->stop == STOP_TOO_DEEP) {
		diag_add(diags, DIAG_SBOM_LIMIT,
		         src_pos(file, pos_int(p->stop_line), pos_int(p->stop_col)),
		         "XML nested deeper than %u levels (limits.sbom_depth%s); the file is "
		         "skipped",
		         MIN(p->max_depth, xmlParserMaxDepth + 1),
		         p->max_depth > xmlParserMaxDepth + 1 ? ", capped by the XML parser" : "");
	} else if (doc == NULL || !well_formed) {
		diag_add(diags, DIAG_SBOM_UNREADABLE,
		         src_pos(file, pos_int(p->error_line), pos_int(p->error_col)),
		         "not well-formed XML: %s; the file is skipped",
		         p->error ? p->error : "the parser gave no reason");
	} else {
		return doc;
	}
	xmlFreeDoc(doc);
	return NULL;
}

/* Reading the tree. */

typedef struct {
	const char *file;
	const xmlChar *ns; /* the root's namespace, as other namespaces are extensions */
	Sbom *sbom;
	DiagList *diags;
	const GArray *tags;
} Reader;

static SrcPos
node_pos(const Reader *r, const xmlNode *node)
{
	guint index = GPOINTER_TO_UINT(node->_private);
	long line;

	if (index > 0 && index <= r->tags->len) {
		const TagPos *t = &((const TagPos *)(const void *)r->tags->data)[index - 1];

		return src_pos(r->file, pos_int(t->line), pos_int(t->col));
	}
	line = xmlGetLineNo(node);
	return src_pos(r->file, line > 0 && line < INT_MAX ? (int)line : 1, 1);
}

static gboolean
is_element(const Reader *r, const xmlNode *node, const char *name)
{
	return node->type == XML_ELEMENT_NODE && node->ns != NULL &&
	       xmlStrEqual(node->ns->href, r->ns) && xmlStrEqual(node->name, BAD_CAST name);
}

/* Returns the first child element called name, or NULL. parent may be
 * NULL. */
static xmlNode *
child(const Reader *r, const xmlNode *parent, const char *name)
{
	if (parent == NULL)
		return NULL;
	for (xmlNode *n = parent->children; n != NULL; n = n->next)
		if (is_element(r, n, name))
			return n;
	return NULL;
}

static char *
attr(const xmlNode *node, const char *name)
{
	xmlChar *value = xmlGetNoNsProp(node, BAD_CAST name);
	char *copy = g_strdup((const char *)value);

	xmlFree(value);
	return copy;
}

/* Returns the trimmed text of a simple element: "" when it is empty, and
 * NULL when node is NULL or contains an element (reported). */
static char *
text_of(const Reader *r, const xmlNode *node)
{
	GString *s;

	if (node == NULL)
		return NULL;
	s = g_string_new(NULL);
	for (const xmlNode *n = node->children; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content != NULL)
				g_string_append(s, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE) {
			diag_add(r->diags, DIAG_SBOM_BAD_FIELD, node_pos(r, n),
			         "<%s> should hold text, not the element <%s>; it is skipped",
			         (const char *)node->name, (const char *)n->name);
			g_string_free(s, TRUE);
			return NULL;
		}
		/* Comments and processing instructions are not text. */
	}
	return g_strstrip(g_string_free(s, FALSE));
}

static char *
child_text(const Reader *r, const xmlNode *parent, const char *name)
{
	return text_of(r, child(r, parent, name));
}

static gboolean
empty(const char *text)
{
	return text == NULL || *text == '\0';
}

/* Frees text and returns NULL when it is empty, so that an empty name
 * passes the choice on to the next source. */
static char *
nonempty(char *text)
{
	if (text != NULL && *text == '\0') {
		g_free(text);
		return NULL;
	}
	return text;
}

/* Adds "name version" of a tool. The vendor replaces a missing name, and
 * either part alone is kept. */
static void
add_tool(Reader *r, const xmlNode *tool)
{
	char *name = nonempty(child_text(r, tool, "name"));
	char *version = nonempty(child_text(r, tool, "version"));

	if (name == NULL)
		name = nonempty(child_text(r, tool, "vendor"));
	if (name != NULL && version != NULL)
		g_ptr_array_add(r->sbom->tools, g_strdup_printf("%s %s", name, version));
	else if (name != NULL || version != NULL)
		g_ptr_array_add(r->sbom->tools, g_strdup(name ? name : version));
	g_free(name);
	g_free(version);
}

/* Adds the bom-refs of the described product and of its parts, which a
 * dependency or an affects entry may name without being unknown. The
 * recursion is bounded by the depth limit that the parser applied. */
static void
add_subject_refs(Reader *r, const xmlNode *component)
{
	char *ref = attr(component, "bom-ref");
	const xmlNode *parts = child(r, component, "components");

	if (!empty(ref))
		g_ptr_array_add(r->sbom->subject_refs, ref);
	else
		g_free(ref);
	for (const xmlNode *n = parts ? parts->children : NULL; n != NULL; n = n->next)
		if (is_element(r, n, "component"))
			add_subject_refs(r, n);
}

static void
read_metadata(Reader *r, const xmlNode *meta)
{
	const xmlNode *authors = child(r, meta, "authors");
	const xmlNode *tools = child(r, meta, "tools");
	const xmlNode *subject = child(r, meta, "component");

	r->sbom->timestamp = child_text(r, meta, "timestamp");
	/* The authors of the SBOM itself, by name, else by email. The
	 * metadata supplier and manufacturer supply or make the product and
	 * are not authors. */
	for (const xmlNode *n = authors ? authors->children : NULL; n != NULL; n = n->next) {
		char *name;

		if (!is_element(r, n, "author"))
			continue;
		name = nonempty(child_text(r, n, "name"));
		if (name == NULL)
			name = nonempty(child_text(r, n, "email"));
		if (name != NULL)
			g_ptr_array_add(r->sbom->authors, name);
	}
	/* 1.3 and 1.4 list <tool> entries. 1.5 and later list components and
	 * services, and still allow the old form. */
	for (const xmlNode *n = tools ? tools->children : NULL; n != NULL; n = n->next) {
		if (is_element(r, n, "tool")) {
			add_tool(r, n);
		} else if (is_element(r, n, "components") || is_element(r, n, "services")) {
			const char *entry = is_element(r, n, "components") ? "component" : "service";

			for (const xmlNode *c = n->children; c != NULL; c = c->next)
				if (is_element(r, c, entry))
					add_tool(r, c);
		}
	}
	if (subject != NULL) {
		r->sbom->subject_name = child_text(r, subject, "name");
		r->sbom->subject_version = child_text(r, subject, "version");
		add_subject_refs(r, subject);
	}
}

static char *
organisation_name(const Reader *r, const xmlNode *parent, const char *name)
{
	return nonempty(child_text(r, child(r, parent, name), "name"));
}

/* Returns the NTIA supplier: the supplier name, else the 1.6 manufacturer
 * name, else the free-text author of 1.3 to 1.5, else the first named
 * author of the 1.6 <authors> that replaces it. <publisher> is not used,
 * because it names the publisher of the package (a registry, a
 * repackager), which need not be the supplier. */
static char *
read_supplier(const Reader *r, const xmlNode *node)
{
	const xmlNode *authors = child(r, node, "authors");
	char *supplier = organisation_name(r, node, "supplier");

	if (supplier == NULL)
		supplier = organisation_name(r, node, "manufacturer");
	if (supplier == NULL)
		supplier = nonempty(child_text(r, node, "author"));
	for (const xmlNode *n = authors ? authors->children : NULL;
	     supplier == NULL && n != NULL; n = n->next)
		if (is_element(r, n, "author"))
			supplier = nonempty(child_text(r, n, "name"));
	return supplier;
}

static void
read_licences(Reader *r, SbomComponent *c, const xmlNode *licences, const char *path)
{
	guint licence_index = 0, expression_index = 0;

	for (const xmlNode *n = licences ? licences->children : NULL; n != NULL; n = n->next) {
		SbomLicenceKind kind;
		char *text, *lpath;

		if (is_element(r, n, "license")) {
			licence_index++;
			lpath = g_strdup_printf("%s/licenses/license[%u]", path, licence_index);
			kind = SBOM_LICENCE_ID;
			text = child_text(r, n, "id");
			if (text == NULL && child(r, n, "id") == NULL) {
				/* 1.3 to 1.5 allow only listed IDs in <id>, so
				 * writers put a LicenseRef- in <name>. It is
				 * still an SPDX ID. */
				text = child_text(r, n, "name");
				kind = g_str_has_prefix(text ? text : "", "LicenseRef-")
				               ? SBOM_LICENCE_ID
				               : SBOM_LICENCE_NAME;
			}
			if (text == NULL && child(r, n, "id") == NULL && child(r, n, "name") == NULL)
				diag_add(r->diags, DIAG_SBOM_BAD_FIELD, node_pos(r, n),
				         "a <license> with neither <id> nor <name> is skipped");
		} else if (is_element(r, n, "expression")) {
			expression_index++;
			lpath = g_strdup_printf("%s/licenses/expression[%u]", path, expression_index);
			kind = SBOM_LICENCE_EXPRESSION;
			text = text_of(r, n);
		} else {
			continue;
		}
		if (text != NULL)
			sbom_licence_add(c, kind, text, sbom_loc(node_pos(r, n), lpath));
		g_free(text);
		g_free(lpath);
	}
}

static void
read_hashes(Reader *r, SbomComponent *c, const xmlNode *hashes)
{
	for (const xmlNode *n = hashes ? hashes->children : NULL; n != NULL; n = n->next) {
		char *alg, *content;

		if (!is_element(r, n, "hash"))
			continue;
		alg = attr(n, "alg");
		content = text_of(r, n);
		if (alg != NULL && content != NULL)
			g_ptr_array_add(c->hashes, g_strdup_printf("%s:%s", alg, content));
		g_free(alg);
		g_free(content);
	}
}

/* Reads the FDA support fields from properties. When a property
 * repeats, the first value is kept. */
static void
read_properties(Reader *r, SbomComponent *c, const xmlNode *properties)
{
	for (const xmlNode *n = properties ? properties->children : NULL; n != NULL; n = n->next) {
		char *name;
		char **field = NULL;

		if (!is_element(r, n, "property"))
			continue;
		name = attr(n, "name");
		if (g_strcmp0(name, "cdx:lifecycle:milestone:endOfSupport") == 0)
			field = &c->end_of_support;
		else if (g_strcmp0(name, "dossier:levelOfSupport") == 0)
			field = &c->level_of_support;
		if (field != NULL && *field == NULL)
			*field = text_of(r, n);
		g_free(name);
	}
}

static SbomComponent *
read_component(Reader *r, const xmlNode *node, const char *path)
{
	SbomComponent *c = sbom_component_new();

	c->ref = attr(node, "bom-ref");
	if (empty(c->ref))
		g_clear_pointer(&c->ref, g_free);
	c->type = attr(node, "type");
	/* The name as written: a Maven <group> is not folded into it. */
	c->name = child_text(r, node, "name");
	c->version = child_text(r, node, "version");
	c->supplier = read_supplier(r, node);
	c->purl = child_text(r, node, "purl");
	c->cpe = child_text(r, node, "cpe");
	c->description = child_text(r, node, "description");
	read_hashes(r, c, child(r, node, "hashes"));
	read_licences(r, c, child(r, node, "licenses"), path);
	read_properties(r, c, child(r, node, "properties"));
	c->loc = sbom_loc(node_pos(r, node), path);
	return c;
}

/* Reads components in document order, each before the components nested
 * in it. Pedigree entries are not read. A component without a bom-ref is
 * named "#N", N being its 1-based place in that order. The recursion is
 * bounded by the depth limit that the parser applied. */
static void
read_components(Reader *r, const xmlNode *list, const char *path, const char *parent_ref)
{
	guint index = 0;

	for (const xmlNode *n = list->children; n != NULL; n = n->next) {
		SbomComponent *c;
		const xmlNode *nested;
		char *cpath;

		if (!is_element(r, n, "component"))
			continue;
		cpath = g_strdup_printf("%s/component[%u]", path, ++index);
		c = read_component(r, n, cpath);
		c->parent_ref = g_strdup(parent_ref);
		g_ptr_array_add(r->sbom->components, c);
		if (c->ref == NULL)
			c->ref = g_strdup_printf("#%u", r->sbom->components->len);
		nested = child(r, n, "components");
		if (nested != NULL) {
			char *npath = g_strconcat(cpath, "/components", NULL);

			read_components(r, nested, npath, c->ref);
			g_free(npath);
		}
		g_free(cpath);
	}
}

static gboolean
has_child(const Reader *r, const xmlNode *node, const char *name)
{
	return child(r, node, name) != NULL;
}

/* Adds one <dependency> and its direct children as an entry. A nested
 * child that has children of its own becomes a separate entry after it. */
static void
read_dependency(Reader *r, const xmlNode *node, const char *path)
{
	SbomDependency *d;
	guint index = 0;

	d = sbom_dependency_new();
	d->ref = attr(node, "ref");
	d->loc = sbom_loc(node_pos(r, node), path);
	g_ptr_array_add(r->sbom->dependencies, d);
	for (const xmlNode *n = node->children; n != NULL; n = n->next) {
		char *ref;

		if (!is_element(r, n, "dependency"))
			continue;
		ref = attr(n, "ref");
		if (ref == NULL)
			diag_add(r->diags, DIAG_SBOM_BAD_FIELD, node_pos(r, n),
			         "a <dependency> without a ref attribute is skipped");
		else
			g_ptr_array_add(d->depends_on, ref);
	}
	for (const xmlNode *n = node->children; n != NULL; n = n->next) {
		char *npath;

		if (!is_element(r, n, "dependency"))
			continue;
		npath = g_strdup_printf("%s/dependency[%u]", path, ++index);
		if (has_child(r, n, "dependency") && xmlHasProp(n, BAD_CAST "ref") != NULL)
			read_dependency(r, n, npath);
		g_free(npath);
	}
}

static void
read_dependencies(Reader *r, const xmlNode *list)
{
	guint index = 0;

	r->sbom->has_dependencies = TRUE;
	for (const xmlNode *n = list->children; n != NULL; n = n->next) {
		char *path;

		if (!is_element(r, n, "dependency"))
			continue;
		path = g_strdup_printf("/bom/dependencies/dependency[%u]", ++index);
		if (xmlHasProp(n, BAD_CAST "ref") == NULL)
			diag_add(r->diags, DIAG_SBOM_BAD_FIELD, node_pos(r, n),
			         "a <dependency> without a ref attribute is skipped");
		else
			read_dependency(r, n, path);
		g_free(path);
	}
}

static gboolean
parse_score(const char *text, double *score)
{
	char *end;

	if (empty(text))
		return FALSE;
	*score = g_ascii_strtod(text, &end);
	return *end == '\0' && isfinite(*score);
}

/* Keeps the rating with the highest score, the first of equal ones, or
 * the first rating when none has a score. */
static void
read_ratings(Reader *r, SbomVulnerability *v, const xmlNode *ratings)
{
	const xmlNode *chosen = NULL;
	double best = 0;

	for (const xmlNode *n = ratings ? ratings->children : NULL; n != NULL; n = n->next) {
		char *text;
		double score;
		gboolean scored;

		if (!is_element(r, n, "rating"))
			continue;
		text = child_text(r, n, "score");
		scored = parse_score(text, &score);
		if (chosen == NULL || (scored && (v->score == NULL || score > best))) {
			chosen = n;
			g_free(v->score);
			v->score = scored ? g_steal_pointer(&text) : NULL;
			best = scored ? score : 0;
		}
		g_free(text);
	}
	if (chosen != NULL) {
		v->severity = child_text(r, chosen, "severity");
		v->method = child_text(r, chosen, "method");
	}
}

/* A BOM-link ("urn:cdx:SERIAL/VERSION#ref") into another SBOM names a
 * component by its fragment, the percent-encoded bom-ref. */
static char *
affected_ref(char *ref)
{
	const char *hash;
	char *decoded;

	if (!g_str_has_prefix(ref, "urn:cdx:") || (hash = strchr(ref, '#')) == NULL)
		return ref;
	decoded = g_uri_unescape_string(hash + 1, NULL);
	if (decoded == NULL)
		decoded = g_strdup(hash + 1);
	g_free(ref);
	return decoded;
}

static void
add_response(Reader *r, SbomVulnerability *v, const xmlNode *node)
{
	char *text = text_of(r, node);

	if (text != NULL)
		g_ptr_array_add(v->responses, text);
}

static void
read_vulnerability(Reader *r, SbomVulnerability *v, const xmlNode *node)
{
	const xmlNode *analysis = child(r, node, "analysis");
	const xmlNode *responses = child(r, analysis, "responses");
	const xmlNode *affects = child(r, node, "affects");

	v->id = child_text(r, node, "id");
	v->source = child_text(r, child(r, node, "source"), "name");
	v->description = child_text(r, node, "description");
	v->state = child_text(r, analysis, "state");
	v->justification = child_text(r, analysis, "justification");
	v->detail = child_text(r, analysis, "detail");
	/* The schema wraps responses in <responses>, but some writers put
	 * <response> straight into <analysis>. Both are read. */
	for (const xmlNode *n = responses ? responses->children : NULL; n != NULL; n = n->next)
		if (is_element(r, n, "response"))
			add_response(r, v, n);
	for (const xmlNode *n = analysis ? analysis->children : NULL; n != NULL; n = n->next)
		if (is_element(r, n, "response"))
			add_response(r, v, n);
	read_ratings(r, v, child(r, node, "ratings"));
	for (const xmlNode *n = affects ? affects->children : NULL; n != NULL; n = n->next) {
		char *ref;

		if (!is_element(r, n, "target"))
			continue;
		ref = child_text(r, n, "ref");
		if (ref != NULL)
			g_ptr_array_add(v->affects, affected_ref(ref));
	}
}

static void
read_vulnerabilities(Reader *r, const xmlNode *list)
{
	guint index = 0;

	for (const xmlNode *n = list->children; n != NULL; n = n->next) {
		SbomVulnerability *v;
		char *path;

		if (!is_element(r, n, "vulnerability"))
			continue;
		path = g_strdup_printf("/bom/vulnerabilities/vulnerability[%u]", ++index);
		v = sbom_vulnerability_new();
		read_vulnerability(r, v, n);
		v->loc = sbom_loc(node_pos(r, n), path);
		g_ptr_array_add(r->sbom->vulnerabilities, v);
		g_free(path);
	}
}

/* Returns the specification version that a CycloneDX namespace names
 * ("1.4"), or NULL when ns is not a CycloneDX namespace. */
static char *
namespace_version(const xmlChar *ns)
{
	const char *v;
	const char *p;

	if (ns == NULL || !g_str_has_prefix((const char *)ns, CYCLONEDX_NS))
		return NULL;
	v = (const char *)ns + strlen(CYCLONEDX_NS);
	p = v;
	if (!g_ascii_isdigit(*p))
		return NULL;
	while (g_ascii_isdigit(*p))
		p++;
	if (*p++ != '.' || !g_ascii_isdigit(*p))
		return NULL;
	while (g_ascii_isdigit(*p))
		p++;
	return *p == '\0' ? g_strdup(v) : NULL;
}

static gboolean
supported_version(const char *version)
{
	static const char *const supported[] = {"1.3", "1.4", "1.5", "1.6"};

	for (guint i = 0; i < G_N_ELEMENTS(supported); i++)
		if (strcmp(version, supported[i]) == 0)
			return TRUE;
	return FALSE;
}

Sbom *
sbom_read_cyclonedx_xml(const char *file, const char *text, size_t len, DiagList *diags)
{
	Parse p = {0};
	xmlDocPtr doc;
	xmlNodePtr root;
	char *version;
	Sbom *sbom = NULL;
	Reader r;

	file = g_intern_string(file);
	doc = parse(file, text, len, &p, diags);
	if (doc == NULL)
		goto done;
	r = (Reader){file, NULL, NULL, diags, p.tags};
	root = xmlDocGetRootElement(doc);
	version = root != NULL && root->ns != NULL ? namespace_version(root->ns->href) : NULL;
	if (root == NULL || version == NULL || !xmlStrEqual(root->name, BAD_CAST "bom")) {
		diag_add(diags, DIAG_SBOM_UNKNOWN_FORMAT, root ? node_pos(&r, root) : src_pos(file, 1, 1),
		         "the root element is <%s>%s%s, not a CycloneDX <bom>; the file is skipped",
		         root ? (const char *)root->name : "",
		         root && root->ns ? " in namespace " : " without a namespace",
		         root && root->ns ? (const char *)root->ns->href : "");
		g_free(version);
		goto done;
	}
	r.ns = root->ns->href;
	if (!supported_version(version))
		diag_add(diags, DIAG_SBOM_UNSUPPORTED_VERSION, node_pos(&r, root),
		         "the namespace names CycloneDX %s, but dossier reads CycloneDX 1.3 to 1.6; "
		         "the file is read as one of them, and elements it does not know are ignored",
		         version);

	sbom = sbom_new(file, SBOM_CYCLONEDX_XML);
	r.sbom = sbom;
	sbom->spec_version = version;
	sbom->serial = attr(root, "serialNumber");
	g_free(sbom->loc.path);
	sbom->loc = sbom_loc(node_pos(&r, root), "/bom");
	read_metadata(&r, child(&r, root, "metadata"));
	if (child(&r, root, "components") != NULL)
		read_components(&r, child(&r, root, "components"), "/bom/components", NULL);
	if (child(&r, root, "dependencies") != NULL)
		read_dependencies(&r, child(&r, root, "dependencies"));
	if (child(&r, root, "vulnerabilities") != NULL)
		read_vulnerabilities(&r, child(&r, root, "vulnerabilities"));

done:
	xmlFreeDoc(doc);
	if (p.tags != NULL)
		g_array_free(p.tags, TRUE);
	g_free(p.error);
	return sbom;
}
