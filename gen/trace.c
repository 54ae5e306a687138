#include "trace.h"

#include <string.h>

Graph *
graph_new(const Model *model)
{
	Graph *graph = g_new0(Graph, 1);

	graph->records = g_ptr_array_new_with_free_func((GDestroyNotify)record_free);
	graph->by_id = g_hash_table_new(g_str_hash, g_str_equal);
	graph->by_fold = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	graph->model = model;
	return graph;
}

void
graph_free(Graph *graph)
{
	if (graph == NULL)
		return;
	g_hash_table_destroy(graph->by_id);
	g_hash_table_destroy(graph->by_fold);
	g_ptr_array_free(graph->records, TRUE);
	g_free(graph);
}

void
graph_add(Graph *graph, Record *record)
{
	g_ptr_array_add(graph->records, record);
}

Record *
graph_find(const Graph *graph, const char *id)
{
	return g_hash_table_lookup(graph->by_id, id);
}

static int
compare_records(gconstpointer a, gconstpointer b)
{
	const Record *x = *(const Record *const *)a;
	const Record *y = *(const Record *const *)b;
	int c = strcmp(x->id, y->id);

	return c != 0 ? c : strcmp(x->file, y->file);
}

static void
index_records(Graph *graph, DiagList *diags)
{
	g_ptr_array_sort(graph->records, compare_records);
	for (guint i = 0; i < graph->records->len; i++) {
		Record *r = g_ptr_array_index(graph->records, i);
		Record *first = g_hash_table_lookup(graph->by_id, r->id);
		char *fold = g_utf8_casefold(r->id, -1);
		Record *same_fold = g_hash_table_lookup(graph->by_fold, fold);

		r->index = i;
		if (first != NULL) {
			Diag *d = diag_add(diags, DIAG_DUPLICATE_ID, r->pos,
			                   "duplicate ID '%s'; this record is ignored in links", r->id);
			diag_note(d, first->pos, "'%s' is first defined here", r->id);
			g_free(fold);
			continue;
		}
		g_hash_table_insert(graph->by_id, r->id, r);
		if (same_fold != NULL) {
			Diag *d = diag_add(diags, DIAG_ID_CASE_CLASH, r->pos,
			                   "ID '%s' differs from '%s' only in letter case; readers and "
			                   "case-insensitive file systems confuse them",
			                   r->id, same_fold->id);
			diag_note(d, same_fold->pos, "'%s' is defined here", same_fold->id);
			g_free(fold);
		} else {
			g_hash_table_insert(graph->by_fold, fold, r);
		}
		/* The prefix must end at a non-letter, so UNIT-7 is not read as
		 * a UN- record; Doorstop IDs such as REQ001 have no separator. */
		if (r->type != NULL && r->type->prefix != NULL &&
		    (!g_str_has_prefix(r->id, r->type->prefix) ||
		     g_ascii_isalpha(r->id[strlen(r->type->prefix)])))
			diag_add(diags, DIAG_ID_PREFIX, r->pos,
			         "ID '%s' does not start with '%s', the prefix of type '%s'", r->id,
			         r->type->prefix, r->type->name);
	}
}

static gboolean
type_allowed(const FieldDef *def, const char *type_name)
{
	if (def == NULL || def->targets == NULL)
		return TRUE;
	for (guint i = 0; i < def->targets->len; i++)
		if (strcmp(g_ptr_array_index(def->targets, i), type_name) == 0)
			return TRUE;
	return FALSE;
}

static char *
join_targets(const FieldDef *def)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < def->targets->len; i++) {
		if (i > 0)
			g_string_append(s, i + 1 == def->targets->len ? " or " : ", ");
		g_string_append(s, g_ptr_array_index(def->targets, i));
	}
	return g_string_free(s, FALSE);
}

/* Looks up a target and reports a dangling one, suggesting an ID that
 * differs only in case. */
static Record *
resolve_target(Graph *graph, const Link *link, DiagCode code, DiagList *diags)
{
	Record *to = graph_find(graph, link->target);
	char *fold;
	Record *near;

	if (to != NULL)
		return to;
	fold = g_utf8_casefold(link->target, -1);
	near = g_hash_table_lookup(graph->by_fold, fold);
	g_free(fold);
	if (code == DIAG_DANGLING_LINK) {
		if (near != NULL)
			diag_add(diags, code, link->pos,
			         "link '%s' to '%s' does not resolve to any record (did you mean '%s'?); "
			         "the link is left out of the graph", link->role, link->target, near->id);
		else
			diag_add(diags, code, link->pos,
			         "link '%s' to '%s' does not resolve to any record; the link is left "
			         "out of the graph", link->role, link->target);
	} else {
		if (near != NULL)
			diag_add(diags, code, link->pos,
			         "reference [[%s]] does not resolve to any record (did you mean '%s'?); "
			         "it is shown as plain text", link->target, near->id);
		else
			diag_add(diags, code, link->pos,
			         "reference [[%s]] does not resolve to any record; it is shown as plain "
			         "text", link->target);
	}
	return NULL;
}

static void
resolve_links(Graph *graph, Record *r, DiagList *diags)
{
	for (guint j = 0; j < r->links->len; j++) {
		Link *link = g_ptr_array_index(r->links, j);
		const FieldDef *def = r->type ? record_type_field(r->type, link->role) : NULL;
		Record *to = resolve_target(graph, link, DIAG_DANGLING_LINK, diags);
		gboolean repeated = FALSE;

		if (to == NULL)
			continue;
		if (to == r) {
			diag_add(diags, DIAG_SELF_LINK, link->pos,
			         "record '%s' links to itself in '%s'; the link is left out of the graph",
			         r->id, link->role);
			continue;
		}
		for (guint k = 0; k < j && !repeated; k++) {
			const Link *earlier = g_ptr_array_index(r->links, k);

			repeated = earlier->to == to && earlier->role == link->role;
		}
		if (repeated) {
			diag_add(diags, DIAG_DUPLICATE_LINK, link->pos,
			         "'%s' already links to '%s'; the repeated link is ignored", link->role,
			         link->target);
			continue;
		}
		if (to->type != NULL && !type_allowed(def, to->type->name)) {
			char *allowed = join_targets(def);

			diag_add(diags, DIAG_LINK_TARGET_TYPE, link->pos,
			         "link '%s' points to '%s', a %s, but the role allows only %s; the link "
			         "is left out of the graph", link->role, to->id, to->type->name, allowed);
			g_free(allowed);
			continue;
		}
		link->to = to;
		g_ptr_array_add(to->incoming, link);
	}
	for (guint j = 0; j < r->refs->len; j++) {
		Link *ref = g_ptr_array_index(r->refs, j);

		ref->to = resolve_target(graph, ref, DIAG_DANGLING_REFERENCE, diags);
	}
}

void
graph_resolve(Graph *graph, DiagList *diags)
{
	index_records(graph, diags);
	for (guint i = 0; i < graph->records->len; i++) {
		Record *r = g_ptr_array_index(graph->records, i);

		/* A duplicate's links stay unresolved: which of two records
		 * with one ID the links belong to is unknowable. */
		if (graph_find(graph, r->id) == r)
			resolve_links(graph, r, diags);
	}
}

typedef struct {
	Record *record;
	guint next;
} DfsFrame;

enum { WHITE, GREY, BLACK };

static void
report_cycle(GArray *stack, guint from, Link *closing, GHashTable *seen, DiagList *diags)
{
	guint len = stack->len - from, start = 0;
	GString *key = g_string_new(NULL);
	GString *path = g_string_new(NULL);
	Record **ring = g_new(Record *, len);
	Link **hops = g_new(Link *, len);

	/* ring[i] links to ring[i+1] through hops[i]. */
	for (guint i = 0; i < len; i++) {
		DfsFrame *f = &g_array_index(stack, DfsFrame, from + i);

		ring[i] = f->record;
		hops[i] = i + 1 < len ? g_ptr_array_index(f->record->links, f->next - 1) : closing;
	}
	/* Write the cycle from its smallest ID so each cycle is reported
	 * once, in the same words whichever record the search started at. */
	for (guint i = 1; i < len; i++)
		if (strcmp(ring[i]->id, ring[start]->id) < 0)
			start = i;
	for (guint i = 0; i < len; i++) {
		guint k = (start + i) % len;

		g_string_append_printf(path, "%s -%s-> ", ring[k]->id, hops[k]->role);
		g_string_append_printf(key, "%s\n", ring[k]->id);
	}
	g_string_append(path, ring[start]->id);
	if (!g_hash_table_contains(seen, key->str)) {
		g_hash_table_add(seen, g_strdup(key->str));
		diag_add(diags, DIAG_LINK_CYCLE, hops[start]->pos,
		         "links form a cycle: %s; trace queries stop where the cycle closes",
		         path->str);
	}
	g_string_free(key, TRUE);
	g_string_free(path, TRUE);
	g_free(ring);
	g_free(hops);
}

void
graph_check_cycles(Graph *graph, DiagList *diags)
{
	guint8 *colour = g_new0(guint8, graph->records->len);
	GArray *stack = g_array_new(FALSE, FALSE, sizeof(DfsFrame));
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	/* Iterative depth-first search, so a chain of 100,000 links cannot
	 * overflow the C stack. */
	for (guint i = 0; i < graph->records->len; i++) {
		DfsFrame root = {g_ptr_array_index(graph->records, i), 0};

		if (colour[i] != WHITE)
			continue;
		colour[i] = GREY;
		g_array_append_val(stack, root);
		while (stack->len > 0) {
			DfsFrame *top = &g_array_index(stack, DfsFrame, stack->len - 1);
			Link *link;

			if (top->next >= top->record->links->len) {
				colour[top->record->index] = BLACK;
				g_array_set_size(stack, stack->len - 1);
				continue;
			}
			link = g_ptr_array_index(top->record->links, top->next++);
			if (link->to == NULL)
				continue;
			if (colour[link->to->index] == GREY) {
				guint from = stack->len;

				while (from > 0 &&
				       g_array_index(stack, DfsFrame, from - 1).record != link->to)
					from--;
				report_cycle(stack, from - 1, link, seen, diags);
			} else if (colour[link->to->index] == WHITE) {
				DfsFrame frame = {link->to, 0};

				colour[link->to->index] = GREY;
				g_array_append_val(stack, frame);
			}
		}
	}
	g_hash_table_destroy(seen);
	g_array_free(stack, TRUE);
	g_free(colour);
}

GPtrArray *
graph_closure(const Graph *graph, const Record *start, gboolean upstream)
{
	GPtrArray *out = g_ptr_array_new();
	guint8 *visited = g_new0(guint8, graph->records->len);
	guint head = 0;

	visited[start->index] = 1;
	g_ptr_array_add(out, (gpointer)start);
	while (head < out->len) {
		const Record *r = g_ptr_array_index(out, head++);
		const GPtrArray *links = upstream ? r->links : r->incoming;

		for (guint i = 0; i < links->len; i++) {
			const Link *link = g_ptr_array_index(links, i);
			Record *next = upstream ? link->to : link->from;

			if (next != NULL && !visited[next->index]) {
				visited[next->index] = 1;
				g_ptr_array_add(out, next);
			}
		}
	}
	g_ptr_array_remove_index(out, 0);
	g_free(visited);
	return out;
}

void
graph_dump(const Graph *graph, GString *out)
{
	for (guint i = 0; i < graph->records->len; i++) {
		const Record *r = g_ptr_array_index(graph->records, i);

		g_string_append_printf(out, "%s %s \"%s\"\n", r->id,
		                       r->type ? r->type->name : "?", r->title ? r->title : "");
		for (guint j = 0; j < r->links->len; j++) {
			const Link *link = g_ptr_array_index(r->links, j);

			g_string_append_printf(out, "  %s -> %s%s\n", link->role, link->target,
			                       link->to ? "" : " (unresolved)");
		}
		for (guint j = 0; j < r->refs->len; j++) {
			const Link *ref = g_ptr_array_index(r->refs, j);

			g_string_append_printf(out, "  [[%s]]%s\n", ref->target,
			                       ref->to ? "" : " (unresolved)");
		}
	}
}

/* Collects the records of type `to` that r reaches by following links in
 * one direction, for both directions. The search does not pass through
 * other records of either end type: a requirement's row lists the tests
 * that verify it, not those of the requirements derived from it. */
GPtrArray *
graph_connected(const Graph *graph, const Record *r, const char *from, const char *to)
{
	GPtrArray *found = g_ptr_array_new();
	guint8 *visited = g_new(guint8, graph->records->len);

	for (int pass = 0; pass < 2; pass++) {
		gboolean upstream = pass == 0;
		GPtrArray *queue = g_ptr_array_new();

		memset(visited, 0, graph->records->len);
		visited[r->index] = 1;
		g_ptr_array_add(queue, (gpointer)r);
		for (guint head = 0; head < queue->len; head++) {
			const Record *c = g_ptr_array_index(queue, head);
			const GPtrArray *links = upstream ? c->links : c->incoming;

			if (c != r && c->type != NULL) {
				if (strcmp(c->type->name, to) == 0) {
					if (!g_ptr_array_find(found, c, NULL))
						g_ptr_array_add(found, (gpointer)c);
					continue;
				}
				if (strcmp(c->type->name, from) == 0)
					continue;
			}
			for (guint i = 0; i < links->len; i++) {
				const Link *link = g_ptr_array_index(links, i);
				const Record *next = upstream ? link->to : link->from;

				if (next != NULL && !visited[next->index]) {
					visited[next->index] = 1;
					g_ptr_array_add(queue, (gpointer)next);
				}
			}
		}
		g_ptr_array_free(queue, TRUE);
	}
	g_free(visited);
	return found;
}
