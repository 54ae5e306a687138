/* Size and depth limits on input. Each has a default that a large real
 * project stays well under; dossier.yaml may raise or lower them under
 * `limits:`. Going over a limit gives a diagnostic, never a crash or an
 * out-of-memory kill. */
#ifndef DOSSIER_INPUT_LIMITS_H
#define DOSSIER_INPUT_LIMITS_H

#include "diag.h"
#include "yamlnode.h"

typedef struct {
	guint64 file_bytes;    /* largest file read, in bytes */
	guint yaml_depth;      /* deepest YAML nesting */
	guint64 yaml_nodes;    /* YAML nodes per document, aliases counted in full */
	guint markdown_depth;  /* deepest nesting of lists and quotes in a body */
	guint records;         /* record files read per project */
	guint64 image_pixels;  /* largest image decoded, in pixels */
	guint64 sbom_bytes;    /* largest SBOM file read, in bytes */
	guint sbom_depth;      /* deepest JSON or XML nesting in an SBOM */
	guint64 sbom_values;   /* JSON values in one SBOM */
} Limits;

/* The limits in force. They are set once, while dossier.yaml is read and
 * before any record is, and only read afterwards, also by worker
 * threads. */
extern Limits dossier_limits;

/* Applies a `limits:` mapping; each value must be a whole number from 1 to
 * 1,000 times its default. */
void limits_load(const YamlNode *node, DiagList *diags);

/* The YAML limits in the form the YAML reader takes. */
YamlLimits limits_yaml(void);

#endif
