/* Checks on a resolved trace graph. Each adds diagnostics and never
 * prints. */
#ifndef DOSSIER_CHECK_H
#define DOSSIER_CHECK_H

#include "trace.h"

/* Field presence, unknown fields and value kinds, against the model. */
void check_fields(const Graph *graph, DiagList *diags);
/* The model's coverage rules. Run after risk_evaluate, because rules may
 * test the computed risk values. */
void check_rules(const Graph *graph, DiagList *diags);
/* Runs a list of rules in the model's syntax; release is the version a
 * `when: {release: true}` filter matches (NULL matches nothing). */
void check_rule_list(const Graph *graph, const GPtrArray *rules, const char *release,
                     DiagList *diags);
/* Records with no resolved link in either direction. */
void check_orphans(const Graph *graph, DiagList *diags);

/* Checks one scalar against a field kind; returns NULL when valid, or a
 * newly allocated reason. Exposed for unit tests. */
char *check_value_kind(FieldKind kind, const char *text);

#endif
