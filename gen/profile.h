/* The release gate of a submission profile: what `dossier check --profile
 * NAME` reports beyond the model's checks, from templates/NAME/profile.yaml.
 * The file lists the warnings that block a release, and rules in the
 * model's syntax that only a release needs, such as failed tests of the
 * release version. The gate also reports the document sections that the
 * records leave empty. */
#ifndef DOSSIER_PROFILE_H
#define DOSSIER_PROFILE_H

#include "doc.h"
#include "project.h"

typedef struct {
	char *file;         /* profile.yaml, or NULL when the profile has none */
	GPtrArray *rules;   /* Rule*, owned */
	GPtrArray *errors;  /* char*: diagnostic codes raised to errors */
	gboolean sections;  /* report empty sections of the documents */
} ProfileGate;

/* Loads the gate of a profile; a profile without profile.yaml has an empty
 * gate. Problems in the file are diagnostics. */
ProfileGate *profile_gate_load(const Project *project, const char *profile, DiagList *diags);
void profile_gate_free(ProfileGate *gate);

/* Runs the gate's rules on the project. */
void profile_gate_check(const ProfileGate *gate, const Project *project, DiagList *diags);

/* Reports each heading of an expanded document with nothing under it
 * before the next heading of its level or above, and each directive that
 * found no records. */
void profile_gate_sections(const ProfileGate *gate, const Document *doc, DiagList *diags);

/* Raises the gate's listed warnings in diags to errors. */
void profile_gate_raise(const ProfileGate *gate, DiagList *diags);

#endif
