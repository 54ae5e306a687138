#include "risk.h"

#include <string.h>

static const char *const level_names[] = {"acceptable", "alarp", "unacceptable"};

const char *
risk_level_name(RiskLevel level)
{
	return level_names[level];
}

int
risk_scale_index(const GPtrArray *scale, const char *value)
{
	if (scale == NULL || value == NULL)
		return -1;
	for (guint i = 0; i < scale->len; i++)
		if (strcmp(g_ptr_array_index(scale, i), value) == 0)
			return (int)i;
	return -1;
}

const GPtrArray *
risk_policy_scale(const RiskPolicy *policy, const char *name)
{
	if (policy == NULL || name == NULL)
		return NULL;
	if (strcmp(name, "severity") == 0)
		return policy->severity;
	if (strcmp(name, "probability") == 0)
		return policy->probability;
	return NULL;
}

void
risk_policy_free(RiskPolicy *policy)
{
	if (policy == NULL)
		return;
	if (policy->severity)
		g_ptr_array_free(policy->severity, TRUE);
	if (policy->probability)
		g_ptr_array_free(policy->probability, TRUE);
	if (policy->class_types)
		g_ptr_array_free(policy->class_types, TRUE);
	if (policy->classes)
		g_ptr_array_free(policy->classes, TRUE);
	g_free(policy->matrix);
	g_free(policy->class_by_severity);
	g_free(policy->severity_field);
	g_free(policy->probability_field);
	g_free(policy->residual_severity_field);
	g_free(policy->residual_probability_field);
	g_free(policy->benefit_risk_field);
	g_free(policy->class_field);
	g_free(policy);
}

static char *
field_name(const YamlNode *fields, const char *key, DiagList *diags)
{
	char *name = yaml_read_string(yaml_map_get(fields, key), DIAG_RISK_POLICY_INVALID, diags,
	                              key);

	return name ? name : g_strdup(key);
}

static gboolean
load_matrix(RiskPolicy *p, const YamlNode *node, DiagList *diags)
{
	guint ns = p->severity->len, np = p->probability->len;
	gboolean ok = TRUE;

	if (node == NULL || node->kind != YAML_NODE_MAPPING) {
		diag_add(diags, DIAG_RISK_POLICY_INVALID, node ? node->pos : p->pos,
		         "'acceptability' must map each probability to a list of %u entries, one per "
		         "severity", ns);
		return FALSE;
	}
	p->matrix = g_new(RiskLevel, (gsize)ns * np);
	for (guint pi = 0; pi < np; pi++) {
		const char *prob = g_ptr_array_index(p->probability, pi);
		const YamlNode *row = yaml_map_get(node, prob);

		if (row == NULL) {
			diag_add(diags, DIAG_RISK_POLICY_INVALID, node->pos,
			         "acceptability has no row for probability '%s'; give one entry per "
			         "severity", prob);
			ok = FALSE;
			continue;
		}
		if (row->kind != YAML_NODE_SEQUENCE || row->children->len != ns) {
			diag_add(diags, DIAG_RISK_POLICY_INVALID, row->pos,
			         "acceptability row '%s' must be a list of %u entries, one per severity",
			         prob, ns);
			ok = FALSE;
			continue;
		}
		for (guint si = 0; si < ns; si++) {
			const YamlNode *cell = g_ptr_array_index(row->children, si);
			const char *text = yaml_scalar(cell);
			int level = -1;

			for (int l = 0; text != NULL && l < 3; l++)
				if (g_ascii_strcasecmp(text, level_names[l]) == 0)
					level = l;
			if (level < 0) {
				diag_add(diags, DIAG_RISK_POLICY_INVALID, cell->pos,
				         "acceptability entry must be acceptable, alarp or unacceptable, "
				         "not '%s'", text ? text : yaml_node_kind_name(cell));
				ok = FALSE;
				level = RISK_UNACCEPTABLE;
			}
			p->matrix[pi * ns + si] = (RiskLevel)level;
		}
	}
	for (guint i = 0; i < yaml_map_size(node); i++) {
		const YamlNode *key = yaml_map_key(node, i);

		if (risk_scale_index(p->probability, yaml_scalar(key)) < 0)
			diag_add(diags, DIAG_RISK_POLICY_INVALID, key->pos,
			         "acceptability row '%s' is not on the probability scale",
			         yaml_scalar(key) ? key->text : "?");
	}
	return ok;
}

static void
load_safety_class(RiskPolicy *p, const YamlNode *node, DiagList *diags)
{
	static const char *const known[] = {"field", "types", "classes", "by_severity", NULL};
	const YamlNode *map;

	if (node == NULL)
		return;
	yaml_check_keys(node, known, diags, "risk.safety_class");
	p->class_field = yaml_read_string(yaml_map_get(node, "field"), DIAG_RISK_POLICY_INVALID,
	                                  diags, "safety_class.field");
	p->class_types = yaml_read_string_list(yaml_map_get(node, "types"),
	                                       DIAG_RISK_POLICY_INVALID, diags, "safety_class.types");
	p->classes = yaml_read_string_list(yaml_map_get(node, "classes"), DIAG_RISK_POLICY_INVALID,
	                                   diags, "safety_class.classes");
	map = yaml_map_get(node, "by_severity");
	if (p->class_field == NULL || p->class_types == NULL || p->classes == NULL ||
	    p->classes->len == 0 || map == NULL) {
		diag_add(diags, DIAG_RISK_POLICY_INVALID, node->pos,
		         "safety_class needs 'field', 'types', 'classes' and 'by_severity'; safety "
		         "classes are not checked");
		g_clear_pointer(&p->class_field, g_free);
		return;
	}
	p->class_by_severity = g_new0(int, p->severity->len);
	for (guint s = 0; s < p->severity->len; s++) {
		const char *sev = g_ptr_array_index(p->severity, s);
		const YamlNode *value = yaml_map_get(map, sev);
		int index = risk_scale_index(p->classes, yaml_scalar(value));

		if (index < 0) {
			diag_add(diags, DIAG_RISK_POLICY_INVALID, value ? value->pos : map->pos,
			         "by_severity must give one of the classes for severity '%s'; the highest "
			         "class is assumed", sev);
			index = (int)p->classes->len - 1;
		}
		p->class_by_severity[s] = index;
	}
}

RiskPolicy *
risk_policy_load(const YamlNode *node, DiagList *diags)
{
	static const char *const known[] = {"severity", "probability", "acceptability", "fields",
	                                    "safety_class", NULL};
	static const char *const field_keys[] = {"severity", "probability", "residual_severity",
	                                         "residual_probability", "benefit_risk", NULL};
	RiskPolicy *p;
	const YamlNode *fields;

	if (node == NULL)
		return NULL;
	if (node->kind != YAML_NODE_MAPPING) {
		diag_add(diags, DIAG_RISK_POLICY_INVALID, node->pos, "'risk' must be a mapping");
		return NULL;
	}
	yaml_check_keys(node, known, diags, "the risk policy");
	p = g_new0(RiskPolicy, 1);
	p->pos = node->pos;
	p->severity = yaml_read_string_list(yaml_map_get(node, "severity"),
	                                    DIAG_RISK_POLICY_INVALID, diags, "risk.severity");
	p->probability = yaml_read_string_list(yaml_map_get(node, "probability"),
	                                       DIAG_RISK_POLICY_INVALID, diags, "risk.probability");
	if (p->severity == NULL || p->probability == NULL || p->severity->len == 0 ||
	    p->probability->len == 0) {
		diag_add(diags, DIAG_RISK_POLICY_INVALID, node->pos,
		         "the risk policy needs 'severity' and 'probability' scales; risks are not "
		         "evaluated");
		risk_policy_free(p);
		return NULL;
	}
	if (!load_matrix(p, yaml_map_get(node, "acceptability"), diags)) {
		risk_policy_free(p);
		return NULL;
	}
	fields = yaml_map_get(node, "fields");
	yaml_check_keys(fields, field_keys, diags, "risk.fields");
	p->severity_field = field_name(fields, "severity", diags);
	p->probability_field = field_name(fields, "probability", diags);
	p->residual_severity_field = field_name(fields, "residual_severity", diags);
	p->residual_probability_field = field_name(fields, "residual_probability", diags);
	p->benefit_risk_field = field_name(fields, "benefit_risk", diags);
	load_safety_class(p, yaml_map_get(node, "safety_class"), diags);
	return p;
}

static SrcPos
field_pos(const Record *r, const char *name)
{
	const Field *f = record_field(r, name);

	return f ? f->value->pos : r->pos;
}

static void
evaluate_record(const RiskPolicy *p, Record *r, DiagList *diags)
{
	guint ns = p->severity->len;
	int s = risk_scale_index(p->severity, record_value(r, p->severity_field));
	int pr = risk_scale_index(p->probability, record_value(r, p->probability_field));
	const char *rs_text = record_value(r, p->residual_severity_field);
	const char *rp_text = record_value(r, p->residual_probability_field);
	int rs = rs_text ? risk_scale_index(p->severity, rs_text) : s;
	int rp = rp_text ? risk_scale_index(p->probability, rp_text) : pr;
	RiskLevel initial, residual;
	const char *benefit;

	/* Values off the scale are reported as bad-enum by the field checks. */
	if (s < 0 || pr < 0 || rs < 0 || rp < 0)
		return;
	initial = p->matrix[pr * ns + s];
	residual = p->matrix[rp * ns + rs];
	record_set_computed(r, "initial_risk", level_names[initial]);
	record_set_computed(r, "residual_risk", level_names[residual]);

	if (rs > s)
		diag_add(diags, DIAG_RESIDUAL_ABOVE_INITIAL, field_pos(r, p->residual_severity_field),
		         "residual severity '%s' is higher than the initial severity '%s'", rs_text,
		         record_value(r, p->severity_field));
	if (rp > pr)
		diag_add(diags, DIAG_RESIDUAL_ABOVE_INITIAL,
		         field_pos(r, p->residual_probability_field),
		         "residual probability '%s' is higher than the initial probability '%s'",
		         rp_text, record_value(r, p->probability_field));

	benefit = record_value(r, p->benefit_risk_field);
	if (residual == RISK_UNACCEPTABLE)
		diag_add(diags, DIAG_RESIDUAL_RISK_UNACCEPTABLE,
		         field_pos(r, rp_text ? p->residual_probability_field : p->probability_field),
		         "residual risk of '%s' (%s, %s) is unacceptable under the risk policy; add "
		         "risk controls that lower it", r->id,
		         (const char *)g_ptr_array_index(p->severity, rs),
		         (const char *)g_ptr_array_index(p->probability, rp));
	else if (residual == RISK_ALARP &&
	         (benefit == NULL || benefit[strspn(benefit, " \t\n")] == '\0'))
		diag_add(diags, DIAG_RESIDUAL_RISK_ALARP,
		         field_pos(r, rp_text ? p->residual_probability_field : p->probability_field),
		         "residual risk of '%s' (%s, %s) is acceptable only as low as reasonably "
		         "practicable, and '%s' gives no benefit-risk rationale", r->id,
		         (const char *)g_ptr_array_index(p->severity, rs),
		         (const char *)g_ptr_array_index(p->probability, rp), p->benefit_risk_field);
}

gboolean
risk_record_cells(const RiskPolicy *p, const Record *r, int *initial, int *residual)
{
	guint ns = p->severity->len;
	int s = risk_scale_index(p->severity, record_value(r, p->severity_field));
	int pr = risk_scale_index(p->probability, record_value(r, p->probability_field));
	const char *rs_text = record_value(r, p->residual_severity_field);
	const char *rp_text = record_value(r, p->residual_probability_field);
	int rs = rs_text ? risk_scale_index(p->severity, rs_text) : s;
	int rp = rp_text ? risk_scale_index(p->probability, rp_text) : pr;

	if (s < 0 || pr < 0 || rs < 0 || rp < 0)
		return FALSE;
	*initial = pr * (int)ns + s;
	*residual = rp * (int)ns + rs;
	return TRUE;
}

void
risk_evaluate(const RiskPolicy *policy, Graph *graph, DiagList *diags)
{
	if (policy == NULL)
		return;
	for (guint i = 0; i < graph->records->len; i++) {
		Record *r = g_ptr_array_index(graph->records, i);

		if (record_value(r, policy->severity_field) != NULL &&
		    record_value(r, policy->probability_field) != NULL)
			evaluate_record(policy, r, diags);
	}
}

static gboolean
is_classified(const RiskPolicy *p, const Record *r)
{
	return r->type != NULL && risk_scale_index(p->class_types, r->type->name) >= 0;
}

/* Per-record state of the safety-class derivation. */
typedef struct {
	int worst;              /* worst severity index reachable upstream, or -1 */
	const Record *worst_at; /* the record that carries it */
	int cls;                /* required class index */
	const Record *reason;   /* the record (hazard or child item) that sets it */
	guint8 state;           /* 0 new, 1 in progress, 2 done */
} ClassState;

typedef struct {
	const Record *record;
	guint next;
} Frame;

static void
take_worst(ClassState *st, int severity, const Record *at)
{
	if (severity > st->worst) {
		st->worst = severity;
		st->worst_at = at;
	}
}

/* Computes, for every record, the worst severity reachable by following
 * links upstream without passing through a classified record. A child
 * item's hazards raise its parent through the children rule below. A
 * parent's hazards do not raise a child, because IEC 62304 allows a
 * segregated child a lower class. One memoised depth-first pass with an
 * explicit stack keeps long chains linear in time and off the C stack.
 * Inside a link cycle (reported elsewhere) the result may miss part of
 * the cycle. */
static void
compute_worst(const RiskPolicy *p, const Graph *graph, ClassState *state)
{
	GArray *stack = g_array_new(FALSE, FALSE, sizeof(Frame));

	for (guint i = 0; i < graph->records->len; i++) {
		Frame root = {g_ptr_array_index(graph->records, i), 0};

		if (state[i].state != 0)
			continue;
		g_array_append_val(stack, root);
		state[i].state = 1;
		take_worst(&state[i], risk_scale_index(p->severity,
		                                       record_value(root.record, p->severity_field)),
		           root.record);
		while (stack->len > 0) {
			Frame *top = &g_array_index(stack, Frame, stack->len - 1);
			ClassState *st = &state[top->record->index];
			const Link *link;
			ClassState *next;

			if (top->next >= top->record->links->len) {
				/* Copy before shrinking: top points into the array. */
				const Record *done = top->record;

				st->state = 2;
				g_array_set_size(stack, stack->len - 1);
				if (stack->len > 0) {
					Frame *parent = &g_array_index(stack, Frame, stack->len - 1);

					if (!is_classified(p, done))
						take_worst(&state[parent->record->index], st->worst, st->worst_at);
				}
				continue;
			}
			link = g_ptr_array_index(top->record->links, top->next++);
			if (link->to == NULL)
				continue;
			next = &state[link->to->index];
			if (is_classified(p, link->to)) {
				/* Not crossed: only its own severity counts. */
				take_worst(st, risk_scale_index(p->severity,
				                                record_value(link->to, p->severity_field)),
				           link->to);
				continue;
			}
			if (next->state == 2) {
				take_worst(st, next->worst, next->worst_at);
			} else if (next->state == 0) {
				Frame frame = {link->to, 0};

				next->state = 1;
				take_worst(next, risk_scale_index(p->severity,
				                                  record_value(link->to, p->severity_field)),
				           link->to);
				g_array_append_val(stack, frame);
			}
		}
	}
	g_array_free(stack, TRUE);
}

/* Sets the required class of every classified record: its own worst
 * severity mapped to a class, raised to the highest class of its children
 * (classified records that link to it), as IEC 62304 clause 4.3 requires. */
static void
compute_classes(const RiskPolicy *p, const Graph *graph, ClassState *state)
{
	GArray *stack = g_array_new(FALSE, FALSE, sizeof(Frame));

	for (guint i = 0; i < graph->records->len; i++) {
		state[i].state = 0;
		state[i].cls = state[i].worst >= 0 ? p->class_by_severity[state[i].worst] : 0;
		state[i].reason = state[i].worst >= 0 ? state[i].worst_at : NULL;
	}
	for (guint i = 0; i < graph->records->len; i++) {
		Frame root = {g_ptr_array_index(graph->records, i), 0};

		if (state[i].state != 0 || !is_classified(p, root.record))
			continue;
		state[i].state = 1;
		g_array_append_val(stack, root);
		while (stack->len > 0) {
			Frame *top = &g_array_index(stack, Frame, stack->len - 1);
			ClassState *st = &state[top->record->index];
			const Link *link;
			ClassState *child;

			if (top->next >= top->record->incoming->len) {
				/* Copy before shrinking: top points into the array. */
				const Record *done = top->record;

				st->state = 2;
				g_array_set_size(stack, stack->len - 1);
				if (stack->len > 0) {
					Frame *parent = &g_array_index(stack, Frame, stack->len - 1);
					ClassState *ps = &state[parent->record->index];

					if (st->cls > ps->cls) {
						ps->cls = st->cls;
						ps->reason = done;
					}
				}
				continue;
			}
			link = g_ptr_array_index(top->record->incoming, top->next++);
			if (!is_classified(p, link->from))
				continue;
			child = &state[link->from->index];
			if (child->state == 2) {
				if (child->cls > st->cls) {
					st->cls = child->cls;
					st->reason = link->from;
				}
			} else if (child->state == 0) {
				Frame frame = {link->from, 0};

				child->state = 1;
				g_array_append_val(stack, frame);
			}
		}
	}
	g_array_free(stack, TRUE);
}

void
risk_check_safety_class(const RiskPolicy *p, Graph *graph, DiagList *diags)
{
	ClassState *state;

	if (p == NULL || p->class_field == NULL)
		return;
	state = g_new0(ClassState, graph->records->len);
	for (guint i = 0; i < graph->records->len; i++)
		state[i].worst = -1;
	compute_worst(p, graph, state);
	compute_classes(p, graph, state);
	for (guint i = 0; i < graph->records->len; i++) {
		Record *r = g_ptr_array_index(graph->records, i);
		const char *declared_text;
		int declared, needed;
		const Record *why;
		char *because;

		/* A duplicate is left out, like everywhere else in the graph. */
		if (!is_classified(p, r) || graph_find(graph, r->id) != r)
			continue;
		needed = state[i].cls;
		why = state[i].reason;
		record_set_computed(r, "required_safety_class", g_ptr_array_index(p->classes, needed));
		declared_text = record_value(r, p->class_field);
		declared = risk_scale_index(p->classes, declared_text);
		if (declared < 0 || declared == needed)
			continue;
		if (why == NULL)
			because = g_strdup("no hazard is reachable from it");
		else if (is_classified(p, why))
			because = g_strdup_printf("its child '%s' requires class %s", why->id,
			                          (const char *)g_ptr_array_index(p->classes, needed));
		else
			because = g_strdup_printf("it traces to '%s' with severity '%s', which "
			                          "requires class %s", why->id,
			                          record_value(why, p->severity_field),
			                          (const char *)g_ptr_array_index(p->classes, needed));
		if (declared < needed)
			diag_add(diags, DIAG_SAFETY_CLASS_TOO_LOW, field_pos(r, p->class_field),
			         "'%s' declares safety class %s, but %s", r->id, declared_text, because);
		else
			diag_add(diags, DIAG_SAFETY_CLASS_HIGHER, field_pos(r, p->class_field),
			         "'%s' declares safety class %s; its links require only class %s (%s)",
			         r->id, declared_text,
			         (const char *)g_ptr_array_index(p->classes, needed), because);
		g_free(because);
	}
	g_free(state);
}
