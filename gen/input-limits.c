#include "input-limits.h"

#include <string.h>

/* The defaults: an 8 MiB file, 64 levels of YAML and of Markdown nesting,
 * 100,000 YAML nodes, 200,000 records, 50 million pixels (200 MB
 * decoded), and a 128 MiB SBOM nested at most 64 levels deep. Reading an
 * SBOM peaks at about ten times its size (555 MB for a generated file of
 * 50,000 components and 55 MB, see bench/RESULTS.md), so the SBOM default
 * keeps one read near 1.3 GB. A file of tiny values needs far more per
 * byte (some 80 times its size for `[[1],[1],...]`), which the limit of
 * 4 million JSON values (some 650 MB of json-glib nodes) bounds. A
 * generated SBOM has about 31 values per component, so 100,000 components
 * fit. */
#define LIMITS_DEFAULTS                         \
	{                                           \
		.file_bytes = 8u * 1024u * 1024u,   \
		.yaml_depth = 64,                   \
		.yaml_nodes = 100000,               \
		.markdown_depth = 64,               \
		.records = 200000,                  \
		.image_pixels = 50000000,           \
		.sbom_bytes = 128u * 1024u * 1024u, \
		.sbom_depth = 64,                   \
		.sbom_values = 4000000,             \
	}

static const Limits defaults = LIMITS_DEFAULTS;

/* In force from the start, so that a run without dossier.yaml (sbom show,
 * a Doorstop tree) has the defaults too. */
Limits dossier_limits = LIMITS_DEFAULTS;

YamlLimits
limits_yaml(void)
{
	YamlLimits limits = {dossier_limits.yaml_depth, dossier_limits.yaml_nodes};

	return limits;
}

static void
read_limit(const YamlNode *map, const char *key, guint64 fallback, guint64 *out,
           DiagList *diags)
{
	const YamlNode *node = yaml_map_get(map, key);
	const char *text = yaml_scalar(node);
	guint64 value;

	*out = fallback;
	if (node == NULL)
		return;
	if (text == NULL || !g_ascii_string_to_unsigned(text, 10, 1, fallback * 1000, &value, NULL)) {
		diag_add(diags, DIAG_PROJECT_INVALID, node->pos,
		         "limits.%s must be a whole number from 1 to %" G_GUINT64_FORMAT
		         "; the default %" G_GUINT64_FORMAT " is used",
		         key, fallback * 1000, fallback);
		return;
	}
	*out = value;
}

void
limits_load(const YamlNode *node, DiagList *diags)
{
	static const char *const known[] = {"file_bytes", "yaml_depth", "yaml_nodes",
	                                    "markdown_depth", "records", "image_pixels",
	                                    "sbom_bytes", "sbom_depth", "sbom_values", NULL};
	guint64 v;

	dossier_limits = defaults;
	if (node == NULL)
		return;
	if (node->kind != YAML_NODE_MAPPING) {
		diag_add(diags, DIAG_PROJECT_INVALID, node->pos,
		         "'limits' must be a mapping of limit names to numbers; the defaults are used");
		return;
	}
	yaml_check_keys(node, known, diags, "limits");
	read_limit(node, "file_bytes", defaults.file_bytes, &dossier_limits.file_bytes, diags);
	read_limit(node, "yaml_depth", defaults.yaml_depth, &v, diags);
	dossier_limits.yaml_depth = (guint)MIN(v, 100000);
	read_limit(node, "yaml_nodes", defaults.yaml_nodes, &dossier_limits.yaml_nodes, diags);
	read_limit(node, "markdown_depth", defaults.markdown_depth, &v, diags);
	dossier_limits.markdown_depth = (guint)MIN(v, 100000);
	read_limit(node, "records", defaults.records, &v, diags);
	dossier_limits.records = (guint)MIN(v, G_MAXUINT);
	read_limit(node, "image_pixels", defaults.image_pixels, &dossier_limits.image_pixels, diags);
	read_limit(node, "sbom_bytes", defaults.sbom_bytes, &dossier_limits.sbom_bytes, diags);
	read_limit(node, "sbom_depth", defaults.sbom_depth, &v, diags);
	dossier_limits.sbom_depth = (guint)MIN(v, 100000);
	read_limit(node, "sbom_values", defaults.sbom_values, &dossier_limits.sbom_values, diags);
}
