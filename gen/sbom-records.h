/* SBOM entries as records of the trace graph. The model's `sbom` section
 * names the record type a component and a vulnerability become and the
 * fields that receive each SBOM value, so no SOUP field is named here. */
#ifndef DOSSIER_SBOM_RECORDS_H
#define DOSSIER_SBOM_RECORDS_H

#include "sbom.h"
#include "trace.h"

/* Adds every component of the SBOMs to the graph as a record of the
 * model's component type, and every vulnerability as a record of its
 * vulnerability type linked to its components. Call before graph_resolve.
 *
 * A hand-written record of the component type with the same purl, or the
 * same name (its title) and version, is the component's record. It keeps
 * its ID and every value it has, and gains the SBOM's values for the fields
 * it leaves out. Likewise a hand-written vulnerability record whose field
 * mapped from `id` names the same vulnerability. A component listed in
 * several SBOMs is one record. Without an `sbom` section in the model,
 * nothing is added and the SBOMs are only checked.
 *
 * Returns a new table from component reference (the strings of the SBOMs)
 * to the Record it became. References are taken to name one component
 * across all the files, as a VEX document's references do. */
GHashTable *sbom_merge(Graph *graph, GPtrArray *sboms, DiagList *diags);

/* Reports records of the component type without a level of support or an
 * end-of-support date, which FDA requests for each SOUP component, and
 * support that ends before release_date (YYYY-MM-DD, or NULL to skip). */
void sbom_check_support(const Graph *graph, const char *release_date, DiagList *diags);

/* The ID a component without a hand-written record gets: the type's
 * prefix, then the name and version, each run of characters other than
 * ASCII letters, digits and '.' written as one '-'. */
char *sbom_component_id(const char *prefix, const SbomComponent *component);

#endif
