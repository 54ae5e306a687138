/* The dossier command line: parses options, runs one command, prints the
 * diagnostics and sets the exit status (0 clean, 1 errors, 2 usage or
 * system error). Only this file writes to the terminal. */
#include "check.h"
#include "project.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
	"Usage: dossier COMMAND [OPTION...]\n"
	"\n"
	"Check and trace medical-device design records.\n"
	"\n"
	"Commands:\n"
	"  check [DIR]          check the records repository in DIR (default: .)\n"
	"  trace ID             print what ID traces to (--up) and from (--down)\n"
	"  matrix FROM TO       trace matrix from records of type FROM to type TO\n"
	"  help                 print this help\n"
	"\n"
	"Run 'dossier COMMAND --help' for the options of a command.\n"
	"Options: --help, --version.\n";

static void
print_version(void)
{
	printf("dossier %s\n", PACKAGE_VERSION);
}

static gboolean
use_colour(FILE *stream)
{
	const char *term = g_getenv("TERM");

	return g_getenv("NO_COLOR") == NULL && isatty(fileno(stream)) && term != NULL &&
	       strcmp(term, "dumb") != 0;
}

/* Parses a command's options; returns FALSE after printing the error. */
static gboolean
parse_options(const char *command, const char *params, const char *summary,
              GOptionEntry *entries, int *argc, char ***argv)
{
	GOptionContext *ctx = g_option_context_new(params);
	GError *error = NULL;
	char *prgname = g_strdup_printf("dossier %s", command);
	gboolean ok;

	g_set_prgname(prgname);
	g_option_context_set_summary(ctx, summary);
	g_option_context_add_main_entries(ctx, entries, NULL);
	ok = g_option_context_parse(ctx, argc, argv, &error);
	if (!ok) {
		fprintf(stderr, "dossier %s: %s\nTry 'dossier %s --help'.\n", command, error->message,
		        command);
		g_error_free(error);
	}
	g_option_context_free(ctx);
	g_free(prgname);
	return ok;
}

static Project *
open_project(const char *dir, DiagList *diags)
{
	GError *error = NULL;
	Project *project = project_open(dir, diags, &error);

	if (project == NULL) {
		diag_list_sort(diags);
		diag_print_text(diags, stderr, use_colour(stderr));
		fprintf(stderr, "dossier: error: %s\n", error->message);
		g_error_free(error);
	}
	return project;
}

static int
exit_status(const DiagList *diags, gboolean werror)
{
	if (diags->counts[DIAG_ERROR] > 0 || (werror && diags->counts[DIAG_WARNING] > 0))
		return EXIT_FINDINGS;
	return EXIT_CLEAN;
}

static int
command_check(int argc, char **argv)
{
	char *format = NULL;
	gboolean werror = FALSE;
	GOptionEntry entries[] = {
		{"format", 'f', 0, G_OPTION_ARG_STRING, &format,
		 "Output format: text (default), json or sarif", "FORMAT"},
		{"werror", 0, 0, G_OPTION_ARG_NONE, &werror,
		 "Exit with status 1 on warnings as well as errors", NULL},
		{NULL}};
	const char *dir;
	DiagList *diags;
	Project *project;
	int status;

	if (!parse_options("check", "[DIR]",
	                   "Load the records repository in DIR, build the trace graph and report "
	                   "every finding.\nExit status: 0 clean, 1 errors found (or warnings with "
	                   "--werror), 2 usage or system error.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (format == NULL)
		format = g_strdup("text");
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "sarif") != 0) {
		fprintf(stderr, "dossier check: invalid format '%s'; use text, json or sarif\n",
		        format);
		g_free(format);
		return EXIT_USAGE;
	}
	if (argc > 3) {
		fprintf(stderr, "dossier check: too many arguments; give one folder\n");
		g_free(format);
		return EXIT_USAGE;
	}
	dir = argc == 3 ? argv[2] : ".";
	diags = diag_list_new();
	project = open_project(dir, diags);
	if (project == NULL) {
		diag_list_free(diags);
		g_free(format);
		return EXIT_USAGE;
	}
	project_check(project, diags);
	diag_list_sort(diags);

	if (strcmp(format, "json") == 0) {
		char *json = diag_to_json(diags, dir, project->graph->records->len);

		printf("%s\n", json);
		g_free(json);
	} else if (strcmp(format, "sarif") == 0) {
		char *sarif = diag_to_sarif(diags, PACKAGE_VERSION);

		printf("%s\n", sarif);
		g_free(sarif);
	} else {
		diag_print_text(diags, stdout, use_colour(stdout));
		printf("%s: %u records in %u files; %u errors, %u warnings, %u notes\n", dir,
		       project->graph->records->len, project->files_read, diags->counts[DIAG_ERROR],
		       diags->counts[DIAG_WARNING], diags->counts[DIAG_NOTE]);
	}
	status = exit_status(diags, werror);
	project_free(project);
	diag_list_free(diags);
	g_free(format);
	return status;
}

/* Prints one level of a trace tree and recurses; a record already shown
 * is printed once more with a marker instead of its subtree, which also
 * stops at cycles. */
static void
print_trace(const Record *r, gboolean upstream, int depth, guint8 *shown, GString *out)
{
	const GPtrArray *links = upstream ? r->links : r->incoming;

	for (guint i = 0; i < links->len; i++) {
		const Link *link = g_ptr_array_index(links, i);
		const Record *next = upstream ? link->to : link->from;

		if (next == NULL)
			continue;
		g_string_append_printf(out, "%*s%s %s  %s [%s]", depth * 2, "", link->role, next->id,
		                       next->title ? next->title : "",
		                       next->type ? next->type->name : "?");
		if (shown[next->index]) {
			g_string_append(out, " (shown above)\n");
			continue;
		}
		g_string_append_c(out, '\n');
		shown[next->index] = 1;
		print_trace(next, upstream, depth + 1, shown, out);
	}
}

static int
command_trace(int argc, char **argv)
{
	gboolean up = FALSE, down = FALSE;
	char *dir = NULL;
	GOptionEntry entries[] = {
		{"up", 'u', 0, G_OPTION_ARG_NONE, &up, "Show only what the record traces up to", NULL},
		{"down", 'd', 0, G_OPTION_ARG_NONE, &down,
		 "Show only what traces down from the record", NULL},
		{"dir", 'C', 0, G_OPTION_ARG_FILENAME, &dir,
		 "Records repository folder (default: .)", "DIR"},
		{NULL}};
	DiagList *diags;
	Project *project;
	const Record *r;
	int status = EXIT_CLEAN;

	if (!parse_options("trace", "ID",
	                   "Print the upstream closure (what ID derives from, mitigates or "
	                   "verifies) and the downstream closure (what depends on ID) as trees.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc != 3) {
		fprintf(stderr, "dossier trace: give exactly one record ID\n");
		g_free(dir);
		return EXIT_USAGE;
	}
	if (!up && !down)
		up = down = TRUE;
	diags = diag_list_new();
	project = open_project(dir ? dir : ".", diags);
	if (project == NULL) {
		status = EXIT_USAGE;
		goto out;
	}
	r = graph_find(project->graph, argv[2]);
	if (r == NULL) {
		fprintf(stderr, "dossier trace: no record has the ID '%s'\n", argv[2]);
		status = EXIT_FINDINGS;
	} else {
		GString *out = g_string_new(NULL);

		g_string_append_printf(out, "%s  %s [%s]\n", r->id, r->title ? r->title : "",
		                       r->type ? r->type->name : "?");
		for (int pass = 0; pass < 2; pass++) {
			gboolean upstream = pass == 0;
			guint8 *shown = g_new0(guint8, project->graph->records->len);

			if ((upstream && !up) || (!upstream && !down)) {
				g_free(shown);
				continue;
			}
			shown[r->index] = 1;
			g_string_append(out, upstream ? "upstream:\n" : "downstream:\n");
			print_trace(r, upstream, 1, shown, out);
			g_free(shown);
		}
		fputs(out->str, stdout);
		g_string_free(out, TRUE);
	}
	if (diags->counts[DIAG_ERROR] > 0)
		fprintf(stderr, "dossier trace: note: the repository has %u errors; run 'dossier "
		        "check' to see them\n", diags->counts[DIAG_ERROR]);
	project_free(project);
out:
	diag_list_free(diags);
	g_free(dir);
	return status;
}

static void
csv_field(GString *out, const char *text)
{
	if (strpbrk(text, ",\"\n\r") == NULL) {
		g_string_append(out, text);
		return;
	}
	g_string_append_c(out, '"');
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			g_string_append_c(out, '"');
		g_string_append_c(out, *p);
	}
	g_string_append_c(out, '"');
}

/* Collects the records of type `to` that r reaches by following links in
 * one direction, for both directions. The search does not pass through
 * other records of either end type: a requirement's row lists the tests
 * that verify it, not those of the requirements derived from it. */
static GPtrArray *
connected_of_type(const Graph *graph, const Record *r, const char *from, const char *to)
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

static int
compare_by_index(gconstpointer a, gconstpointer b)
{
	const Record *x = *(const Record *const *)a;
	const Record *y = *(const Record *const *)b;

	return x->index < y->index ? -1 : x->index > y->index;
}

static int
command_matrix(int argc, char **argv)
{
	gboolean csv = FALSE;
	char *dir = NULL;
	GOptionEntry entries[] = {
		{"csv", 0, 0, G_OPTION_ARG_NONE, &csv, "Write RFC 4180 CSV instead of a text table",
		 NULL},
		{"dir", 'C', 0, G_OPTION_ARG_FILENAME, &dir,
		 "Records repository folder (default: .)", "DIR"},
		{NULL}};
	DiagList *diags;
	Project *project;
	int status = EXIT_CLEAN;
	GString *out;
	guint rows = 0, uncovered = 0;

	if (!parse_options("matrix", "FROM TO",
	                   "Print, for every record of type FROM, the records of type TO it "
	                   "traces to, following links up or down without passing through other "
	                   "records of type FROM or TO. Types are the model's names, such as "
	                   "user-need and test.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc != 4) {
		fprintf(stderr, "dossier matrix: give two record types, FROM and TO\n");
		g_free(dir);
		return EXIT_USAGE;
	}
	diags = diag_list_new();
	project = open_project(dir ? dir : ".", diags);
	if (project == NULL) {
		status = EXIT_USAGE;
		goto out;
	}
	for (int i = 2; i < 4; i++) {
		if (model_type(project->model, argv[i]) == NULL) {
			fprintf(stderr, "dossier matrix: the model has no record type '%s'\n", argv[i]);
			status = EXIT_USAGE;
		}
	}
	if (status != EXIT_CLEAN)
		goto done;
	out = g_string_new(NULL);
	if (csv)
		g_string_append_printf(out, "%s,title,%s\n", argv[2], argv[3]);
	for (guint i = 0; i < project->graph->records->len; i++) {
		const Record *r = g_ptr_array_index(project->graph->records, i);
		GPtrArray *linked;

		if (r->type == NULL || strcmp(r->type->name, argv[2]) != 0 ||
		    graph_find(project->graph, r->id) != r)
			continue;
		linked = connected_of_type(project->graph, r, argv[2], argv[3]);
		g_ptr_array_sort(linked, compare_by_index);
		rows++;
		if (linked->len == 0)
			uncovered++;
		if (csv) {
			GString *ids = g_string_new(NULL);

			csv_field(out, r->id);
			g_string_append_c(out, ',');
			csv_field(out, r->title ? r->title : "");
			g_string_append_c(out, ',');
			for (guint j = 0; j < linked->len; j++)
				g_string_append_printf(ids, "%s%s", j ? " " : "",
				                       ((const Record *)g_ptr_array_index(linked, j))->id);
			csv_field(out, ids->str);
			g_string_append_c(out, '\n');
			g_string_free(ids, TRUE);
		} else {
			g_string_append_printf(out, "%-14s", r->id);
			if (linked->len == 0)
				g_string_append(out, " (none)");
			for (guint j = 0; j < linked->len; j++)
				g_string_append_printf(out, " %s",
				                       ((const Record *)g_ptr_array_index(linked, j))->id);
			g_string_append_c(out, '\n');
		}
		g_ptr_array_free(linked, TRUE);
	}
	if (!csv)
		g_string_append_printf(out, "%u %s records, %u with no %s\n", rows, argv[2], uncovered,
		                       argv[3]);
	fputs(out->str, stdout);
	g_string_free(out, TRUE);
done:
	project_free(project);
out:
	diag_list_free(diags);
	g_free(dir);
	return status;
}

int
main(int argc, char **argv)
{
	const char *command;

	/* Messages and numbers never depend on the user's locale; only the
	 * character type is taken from it, for terminal output. */
	setlocale(LC_CTYPE, "");
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	command = argv[1];
	if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0 ||
	    strcmp(command, "help") == 0) {
		fputs(usage_text, stdout);
		return EXIT_CLEAN;
	}
	if (strcmp(command, "--version") == 0 || strcmp(command, "-V") == 0) {
		print_version();
		return EXIT_CLEAN;
	}
	if (strcmp(command, "check") == 0)
		return command_check(argc, argv);
	if (strcmp(command, "trace") == 0)
		return command_trace(argc, argv);
	if (strcmp(command, "matrix") == 0)
		return command_matrix(argc, argv);
	fprintf(stderr, "dossier: unknown command '%s'\n%s", command, usage_text);
	return EXIT_USAGE;
}
