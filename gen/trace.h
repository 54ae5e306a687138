/* The trace graph: every record, indexed by ID, with links resolved in
 * both directions. The graph owns its records. */
#ifndef DOSSIER_TRACE_H
#define DOSSIER_TRACE_H

#include "record.h"

typedef struct {
	GPtrArray *records;  /* Record*, sorted by ID (then file) after resolve */
	GHashTable *by_id;   /* ID -> first Record* with it */
	GHashTable *by_fold; /* case-folded ID -> Record*, for suggestions */
	const Model *model;  /* borrowed */
} Graph;

Graph *graph_new(const Model *model);
void graph_free(Graph *graph);
/* Takes ownership of record. */
void graph_add(Graph *graph, Record *record);

/* Sorts the records, reports duplicate IDs, and resolves every link and
 * reference, reporting dangling links, self links and links to types the
 * role does not allow. Call once, after every record was added. */
void graph_resolve(Graph *graph, DiagList *diags);
/* Reports each cycle of links once, with the cycle written out. */
void graph_check_cycles(Graph *graph, DiagList *diags);

Record *graph_find(const Graph *graph, const char *id);

/* Returns the records reachable from start by following links upstream
 * (the record's own links) or downstream (links that name it), start
 * excluded, in breadth-first order. The array borrows the records. */
GPtrArray *graph_closure(const Graph *graph, const Record *start, gboolean upstream);

/* Returns the records of type `to` that r reaches by following links in
 * one direction, for both directions, without passing through other
 * records of type `from` or `to`, in order of discovery. The array borrows
 * the records. */
GPtrArray *graph_connected(const Graph *graph, const Record *r, const char *from,
                           const char *to);

/* Writes a stable, sorted text dump of records and resolved links, the
 * form golden tests compare. */
void graph_dump(const Graph *graph, GString *out);

#endif
