/* SBOMs written out: the components read, as `dossier sbom show` prints
 * them, and the merged SOUP list of a project as CycloneDX 1.6 JSON. */
#ifndef DOSSIER_SBOM_EXPORT_H
#define DOSSIER_SBOM_EXPORT_H

#include "project.h"
#include "sbom.h"

/* Every component of the SBOMs, one line each (text) or one JSON array of
 * objects with name, version, supplier, purl, licences, level_of_support,
 * end_of_support and vulnerabilities (the IDs of the vulnerabilities of
 * any of the SBOMs that affect it). Returns a new string. */
char *sbom_show_text(const GPtrArray *sboms);
char *sbom_show_json(const GPtrArray *sboms);

/* The project's SOUP records, with what their SBOMs add, as a CycloneDX
 * 1.6 JSON document. date is the ISO 8601 UTC time every output of the
 * build carries. Nothing depends on the clock: the serial number is a
 * UUID made from a SHA-256 of the rest of the document.
 *
 * The level of support goes in the property dossier:levelOfSupport (our
 * namespace) and the end-of-support date in CycloneDX's registered
 * cdx:lifecycle:milestone:endOfSupport. */
char *sbom_export_cyclonedx(const Project *project, const char *date);

#endif
