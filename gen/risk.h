/* The ISO 14971 risk policy from dossier.yaml: severity and probability
 * scales, the acceptability matrix, initial and residual risk per record,
 * and the IEC 62304 software safety class derived from the trace graph. */
#ifndef DOSSIER_RISK_H
#define DOSSIER_RISK_H

#include "trace.h"

typedef enum {
	RISK_ACCEPTABLE,
	RISK_ALARP,
	RISK_UNACCEPTABLE,
} RiskLevel;

typedef struct {
	GPtrArray *severity;    /* char*, least to most severe */
	GPtrArray *probability; /* char*, least to most likely */
	/* matrix[p * severity->len + s] for probability p and severity s. */
	RiskLevel *matrix;
	/* Field names that carry the estimate on a record. */
	char *severity_field;
	char *probability_field;
	char *residual_severity_field;
	char *residual_probability_field;
	char *benefit_risk_field;
	/* Safety classification; class_field is NULL when not configured. */
	char *class_field;
	GPtrArray *class_types; /* record type names that are classified */
	GPtrArray *classes;     /* class names, least to most critical */
	int *class_by_severity; /* index into classes, per severity */
	SrcPos pos;
} RiskPolicy;

/* Reads the `risk` mapping of dossier.yaml. Returns NULL, with
 * diagnostics, when the node is absent or unusable. */
RiskPolicy *risk_policy_load(const YamlNode *node, DiagList *diags);
void risk_policy_free(RiskPolicy *policy);

const char *risk_level_name(RiskLevel level);
/* Returns the index of value in scale, or -1. */
int risk_scale_index(const GPtrArray *scale, const char *value);
/* Returns the named scale ("severity" or "probability"), or NULL. */
const GPtrArray *risk_policy_scale(const RiskPolicy *policy, const char *name);

/* Computes initial_risk and residual_risk on every record that carries a
 * severity and a probability, and reports residual risks the policy does
 * not accept. */
void risk_evaluate(const RiskPolicy *policy, Graph *graph, DiagList *diags);

/* Finds the matrix cells (probability * severity count + severity) of a
 * record's initial and residual estimate; FALSE when it has none. */
gboolean risk_record_cells(const RiskPolicy *policy, const Record *record, int *initial,
                           int *residual);

/* Derives the safety class of every classified record from the worst
 * severity reachable upstream and from its children, stores it as the
 * computed value required_safety_class, and compares it with the declared
 * class. */
void risk_check_safety_class(const RiskPolicy *policy, Graph *graph, DiagList *diags);

#endif
