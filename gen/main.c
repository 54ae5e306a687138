/* The dossier command line: parses options, runs one command, prints the
 * diagnostics and sets the exit status (0 clean, 1 errors, 2 usage or
 * system error). Only this file writes to the terminal. */
#include "check.h"
#include "init.h"
#include "package.h"
#include "project.h"
#include "render-docx.h"
#include "render-pdf.h"
#include "profile.h"
#include "sbom-export.h"
#include "template.h"

#include <glib/gstdio.h>
#include <errno.h>
#include <libxml/parser.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
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
	"  build [DIR]          check, then write the documents of a submission package\n"
	"  trace ID             print what ID traces to (--up) and from (--down)\n"
	"  matrix FROM TO       trace matrix from records of type FROM to type TO\n"
	"  sbom show FILE...    print the components of SBOM files, with their findings\n"
	"  sbom export [DIR]    write the project's SOUP list as CycloneDX 1.6 JSON\n"
	"  init DIR             create a new records repository in DIR from an example\n"
	"  help                 print this help\n"
	"\n"
	"Run 'dossier COMMAND --help' for the options of a command.\n"
	"Options: --help, --version.\n";

static void
print_version(void)
{
	printf("dossier %s\n", PACKAGE_VERSION);
}

/* Returns "1 record" or "2 records" in a buffer that the next few calls
 * reuse; enough for one printf. */
static const char *
plural(guint n, const char *noun)
{
	static char buffers[8][64];
	static guint next;
	char *buffer = buffers[next++ % G_N_ELEMENTS(buffers)];

	g_snprintf(buffer, sizeof(buffers[0]), "%u %s%s", n, noun, n == 1 ? "" : "s");
	return buffer;
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

/* Opens the repository. On failure it prints the diagnostics and the
 * error in the requested format: text on stderr, or JSON or SARIF on
 * stdout, so that a pipeline uploading the report still gets one. */
static Project *
open_project_as(const char *dir, DiagList *diags, const char *format)
{
	GError *error = NULL;
	Project *project = project_open(dir, diags, &error);

	if (project == NULL) {
		diag_list_sort(diags);
		if (format != NULL && strcmp(format, "json") == 0) {
			char *json = diag_to_json(diags, dir, 0, error->message);

			printf("%s\n", json);
			g_free(json);
		} else if (format != NULL && strcmp(format, "sarif") == 0) {
			char *sarif = diag_to_sarif(diags, PACKAGE_VERSION, error->message);

			printf("%s\n", sarif);
			g_free(sarif);
		}
		diag_print_text(diags, stderr, use_colour(stderr));
		fprintf(stderr, "dossier: error: %s\n", error->message);
		g_error_free(error);
	}
	return project;
}

static Project *
open_project(const char *dir, DiagList *diags)
{
	return open_project_as(dir, diags, NULL);
}

static int
exit_status(const DiagList *diags, gboolean werror)
{
	if (diags->counts[DIAG_ERROR] > 0 || (werror && diags->counts[DIAG_WARNING] > 0))
		return EXIT_FINDINGS;
	return EXIT_CLEAN;
}

/* Expands the templates of the project's profile that a build would use,
 * keeping only the diagnostics, so a pipeline can find template problems
 * before a build. */
static void
check_templates(const Project *project, const char *profile, const ProfileGate *gate,
                DiagList *diags)
{
	char *dir;
	GPtrArray *list;

	if (profile == NULL)
		profile = yaml_scalar(yaml_map_get(project->settings, "profile"));
	if (profile == NULL)
		profile = "fda-premarket";
	dir = template_find_profile(project, profile);
	if (dir == NULL) {
		diag_add(diags, DIAG_TEMPLATE_INVALID,
		         project->file ? src_pos(project->file, 1, 1) : src_pos(NULL, 0, 0),
		         "template profile '%s' not found in the repository's templates folder or "
		         "the installed ones", profile);
		return;
	}
	list = template_list(dir, diags);
	template_select(list, project, diags);
	for (guint i = 0; i < list->len; i++) {
		Document *doc = template_expand(g_ptr_array_index(list, i), project, diags, NULL, diags);

		if (doc != NULL && gate != NULL)
			profile_gate_sections(gate, doc, diags);
		doc_free(doc);
	}
	g_ptr_array_free(list, TRUE);
	g_free(dir);
}

static int
command_check(int argc, char **argv)
{
	char *format = NULL, *profile = NULL;
	gboolean werror = FALSE, templates = FALSE;
	ProfileGate *gate;
	GOptionEntry entries[] = {
		{"format", 'f', 0, G_OPTION_ARG_STRING, &format,
		 "Output format: text (default), json or sarif", "FORMAT"},
		{"werror", 0, 0, G_OPTION_ARG_NONE, &werror,
		 "Exit with status 1 on warnings as well as errors", NULL},
		{"profile", 'p', 0, G_OPTION_ARG_STRING, &profile,
		 "Check for a release with the submission profile NAME (such as fda-premarket): "
		 "expand its templates, report empty sections, run its release gate", "NAME"},
		{"templates", 't', 0, G_OPTION_ARG_NONE, &templates,
		 "Also expand the templates of the project's profile that build would use and "
		 "report their problems, without rendering", NULL},
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
	project = open_project_as(dir, diags, format);
	if (project == NULL) {
		diag_list_free(diags);
		g_free(format);
		return EXIT_USAGE;
	}
	project_check(project, diags);
	if (profile != NULL) {
		if (profile[0] == '\0' || profile[0] == '.' || strchr(profile, '/') != NULL) {
			fprintf(stderr, "dossier check: invalid profile '%s': a profile is the name of a "
			        "folder under templates/, not a path\n", profile);
			project_free(project);
			diag_list_free(diags);
			g_free(format);
			g_free(profile);
			return EXIT_USAGE;
		}
		gate = profile_gate_load(project, profile, diags);
		profile_gate_check(gate, project, diags);
		check_templates(project, profile, gate, diags);
		profile_gate_raise(gate, diags);
		profile_gate_free(gate);
	} else if (templates) {
		check_templates(project, NULL, NULL, diags);
	}
	diag_list_sort(diags);

	if (strcmp(format, "json") == 0) {
		char *json = diag_to_json(diags, dir, project->graph->records->len, NULL);

		printf("%s\n", json);
		g_free(json);
	} else if (strcmp(format, "sarif") == 0) {
		char *sarif = diag_to_sarif(diags, PACKAGE_VERSION, NULL);

		printf("%s\n", sarif);
		g_free(sarif);
	} else {
		diag_print_text(diags, stdout, use_colour(stdout));
		printf("%s: %s in %s; %s, %s, %s\n", dir,
		       plural(project->graph->records->len, "record"),
		       plural(project->files_read, "file"), plural(diags->counts[DIAG_ERROR], "error"),
		       plural(diags->counts[DIAG_WARNING], "warning"),
		       plural(diags->counts[DIAG_NOTE], "note"));
	}
	status = exit_status(diags, werror);
	project_free(project);
	diag_list_free(diags);
	g_free(format);
	g_free(profile);
	return status;
}

/* Prints a trace tree depth first, with an explicit stack so a chain of
 * any length cannot overflow the C stack. A record already shown is
 * printed again with a marker instead of its subtree, which also stops
 * at cycles. */
typedef struct {
	const Record *record;
	guint next;
} TraceFrame;

static void
print_trace(const Record *start, gboolean upstream, guint8 *shown, GString *out)
{
	GArray *stack = g_array_new(FALSE, FALSE, sizeof(TraceFrame));
	TraceFrame root = {start, 0};

	g_array_append_val(stack, root);
	while (stack->len > 0) {
		TraceFrame *top = &g_array_index(stack, TraceFrame, stack->len - 1);
		const GPtrArray *links = upstream ? top->record->links : top->record->incoming;
		const Link *link;
		const Record *next;

		if (top->next >= links->len) {
			g_array_set_size(stack, stack->len - 1);
			continue;
		}
		link = g_ptr_array_index(links, top->next++);
		next = upstream ? link->to : link->from;
		if (next == NULL)
			continue;
		/* Indentation stops at 40 levels, so a long chain prints in
		 * linear, not quadratic, space; the level number stays. */
		g_string_append_printf(out, "%*s", (int)MIN(stack->len, 40) * 2, "");
		if (stack->len > 40)
			g_string_append_printf(out, "(level %u) ", stack->len);
		g_string_append_printf(out, "%s %s  %s [%s]", link->role,
		                       next->id, next->title ? next->title : "",
		                       next->type ? next->type->name : "?");
		if (shown[next->index]) {
			g_string_append(out, " (shown above)\n");
			continue;
		}
		g_string_append_c(out, '\n');
		shown[next->index] = 1;
		{
			TraceFrame frame = {next, 0};

			g_array_append_val(stack, frame);
		}
	}
	g_array_free(stack, TRUE);
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
			print_trace(r, upstream, shown, out);
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

/* Writes one RFC 4180 field. A text that a spreadsheet would run as a
 * formula (starting with =, +, -, @, tab or carriage return) gets a
 * leading apostrophe, as OWASP's CSV injection advice recommends, so that
 * opening the matrix never evaluates a record title. */
static void
csv_field(GString *out, const char *text)
{
	if (strchr("=+-@\t\r", text[0]) != NULL && text[0] != '\0') {
		char *quoted = g_strconcat("'", text, NULL);

		csv_field(out, quoted);
		g_free(quoted);
		return;
	}
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
		g_string_append_printf(out, "%s,title,%s\r\n", argv[2], argv[3]);
	for (guint i = 0; i < project->graph->records->len; i++) {
		const Record *r = g_ptr_array_index(project->graph->records, i);
		GPtrArray *linked;

		if (r->type == NULL || strcmp(r->type->name, argv[2]) != 0 ||
		    graph_find(project->graph, r->id) != r)
			continue;
		linked = graph_connected(project->graph, r, argv[2], argv[3]);
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
			/* RFC 4180 ends records with CRLF. */
			g_string_append(out, "\r\n");
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

/* Returns the date every output carries, as ISO 8601 in UTC: from
 * SOURCE_DATE_EPOCH when set, else the project's release date. Never the
 * clock, so two builds of the same input are byte-identical. */
static char *
build_date(const Project *project, DiagList *diags)
{
	const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
	const char *release = yaml_scalar(yaml_map_get(project->settings, "release_date"));

	if (epoch != NULL && epoch[0] != '\0') {
		guint64 seconds;
		GDateTime *dt;
		char *text;

		if (g_ascii_string_to_unsigned(epoch, 10, 0, G_MAXINT64 / 2, &seconds, NULL) &&
		    (dt = g_date_time_new_from_unix_utc((gint64)seconds)) != NULL) {
			text = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
			g_date_time_unref(dt);
			return text;
		}
		diag_add(diags, DIAG_PROJECT_INVALID, src_pos(NULL, 0, 0),
		         "SOURCE_DATE_EPOCH='%s' is not a count of seconds; it is ignored", epoch);
	}
	if (release != NULL && check_value_kind(FIELD_DATE, release) == NULL)
		return g_strdup_printf("%sT00:00:00Z", release);
	diag_add(diags, DIAG_PROJECT_INVALID, project->file ? src_pos(project->file, 1, 1) : src_pos(NULL, 0, 0),
	         "no valid project.release_date (YYYY-MM-DD) and no SOURCE_DATE_EPOCH; documents "
	         "are dated 1970-01-01");
	return g_strdup("1970-01-01T00:00:00Z");
}

static char *
find_data_dir(const char *name)
{
	const char *roots[] = {g_getenv("DOSSIER_DATADIR"), DOSSIER_PKGDATADIR, DOSSIER_SRCDIR};

	for (guint i = 0; i < G_N_ELEMENTS(roots); i++) {
		char *path;

		if (roots[i] == NULL || roots[i][0] == '\0')
			continue;
		path = g_build_filename(roots[i], name, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			return path;
		g_free(path);
	}
	return NULL;
}

/* Set by SIGINT, SIGTERM or SIGHUP during a build; the build stops between
 * documents and removes its staging folder. A second signal ends the
 * process at once (SA_RESETHAND). */
static volatile sig_atomic_t interrupted;

static void
on_interrupt(int signo)
{
	(void)signo;
	interrupted = 1;
}

static void
catch_interrupts(void)
{
	struct sigaction action;

	memset(&action, 0, sizeof(action));
	action.sa_handler = on_interrupt;
	action.sa_flags = SA_RESETHAND;
	sigemptyset(&action.sa_mask);
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGHUP, &action, NULL);
	/* Over a file-size limit, a write should fail with EFBIG and be
	 * reported, not kill the process and strand the staging folder. */
	signal(SIGXFSZ, SIG_IGN);
}

/* One document in one format, rendered by a worker thread. */
typedef struct {
	Document *doc; /* borrowed; workers only read it */
	const char *source; /* the template's path, borrowed */
	char *file;
	char *path;
	gboolean pdf;
	gboolean report;
	DiagList *diags;
	GError *error;
	int pages;
	gboolean ok;
} RenderJob;

static void
render_job_free(gpointer data)
{
	RenderJob *job = data;

	g_free(job->file);
	g_free(job->path);
	diag_list_free(job->diags);
	g_clear_error(&job->error);
	g_free(job);
}

typedef struct {
	GPtrArray *jobs;
	gint next;
	const RenderOptions *options;
	gboolean progress;
	gint finished;
} RenderQueue;

static GMutex progress_lock;

/* Takes jobs until none is left. Each worker has its own renderers,
 * because a Pango font map is not safe to share between threads. */
static gpointer
render_worker(gpointer data)
{
	RenderQueue *q = data;
	PdfRenderer *pdf = NULL;
	DocxRenderer *docx = NULL;
	guint i;

	while ((i = (guint)g_atomic_int_add(&q->next, 1)) < q->jobs->len) {
		RenderJob *job = g_ptr_array_index(q->jobs, i);

		if (interrupted) {
			g_set_error(&job->error, G_FILE_ERROR, G_FILE_ERROR_INTR, "interrupted");
			continue;
		}
		if (job->pdf) {
			if (pdf == NULL)
				pdf = pdf_renderer_new(q->options, &job->error);
			job->ok = pdf != NULL && pdf_renderer_render(pdf, job->doc, job->path, job->diags,
			                                             &job->pages, &job->error);
		} else {
			if (docx == NULL)
				docx = docx_renderer_new(q->options, &job->error);
			job->ok = docx != NULL &&
			          docx_renderer_render(docx, job->doc, job->path,
			                               job->report ? job->diags : NULL, &job->error);
		}
		if (q->progress) {
			g_mutex_lock(&progress_lock);
			fprintf(stderr, "[%d/%u] %s", g_atomic_int_add(&q->finished, 1) + 1, q->jobs->len,
			        job->file);
			if (job->pdf)
				fprintf(stderr, ", %d pages", job->pages);
			fputc('\n', stderr);
			g_mutex_unlock(&progress_lock);
		}
	}
	pdf_renderer_free(pdf);
	docx_renderer_free(docx);
	return NULL;
}

/* Renders every job on up to four threads (documents are independent);
 * results are read in job order afterwards, so output never depends on
 * scheduling. */
static void
run_render_jobs(RenderQueue *queue)
{
	guint workers = MIN(MIN(g_get_num_processors(), 4u), queue->jobs->len);
	GThread *threads[4];

	for (guint w = 1; w < workers; w++)
		threads[w] = g_thread_new("render", render_worker, queue);
	render_worker(queue);
	for (guint w = 1; w < workers; w++)
		g_thread_join(threads[w]);
}

/* Rejects an output folder inside a records folder: the package would be
 * read back as input by the next run. */
/* Returns the real path of path, which need not exist yet: the real path
 * of its nearest existing ancestor with the rest appended. */
static char *
future_realpath(const char *path)
{
	char *head = g_strdup(path), *tail = g_strdup(""), *real, *result;

	while ((real = realpath(head, NULL)) == NULL) {
		char *base = g_path_get_basename(head);
		char *parent = g_path_get_dirname(head);
		char *joined = tail[0] ? g_build_filename(base, tail, NULL) : g_strdup(base);

		g_free(tail);
		tail = joined;
		g_free(base);
		if (strcmp(parent, head) == 0) {
			g_free(parent);
			break;
		}
		g_free(head);
		head = parent;
	}
	if (real == NULL)
		result = NULL;
	else if (tail[0] != '\0')
		result = g_build_filename(real, tail, NULL);
	else
		result = g_strdup(real);
	free(real);
	g_free(head);
	g_free(tail);
	return result;
}

static gboolean
output_allowed(const Project *project, const char *out_dir, GError **error)
{
	char *out = future_realpath(out_dir);
	gboolean ok = TRUE;

	for (guint i = 0; out != NULL && ok && project->record_dirs != NULL &&
	                  i < project->record_dirs->len; i++) {
		char *records_path = project_path(project->dir, g_ptr_array_index(project->record_dirs, i));
		char *records = realpath(records_path, NULL);

		if (records != NULL && g_str_has_prefix(out, records) &&
		    (out[strlen(records)] == '/' || out[strlen(records)] == '\0')) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			            "output folder %s is inside the records folder %s; choose another "
			            "with -o", out_dir, records_path);
			ok = FALSE;
		}
		free(records);
		g_free(records_path);
	}
	g_free(out);
	return ok;
}

static gboolean
write_reports(Package *package, const DiagList *diags, GError **error)
{
	char *text_path = package_file(package, "check-report.txt");
	char *sarif_path = package_file(package, "check-report.sarif");
	char *sarif = diag_to_sarif(diags, PACKAGE_VERSION, NULL);
	FILE *out = fopen(text_path, "w");
	gboolean ok = out != NULL;

	if (out != NULL) {
		diag_print_text(diags, out, FALSE);
		fprintf(out, "%u errors, %u warnings, %u notes\n", diags->counts[DIAG_ERROR],
		        diags->counts[DIAG_WARNING], diags->counts[DIAG_NOTE]);
		ok = fclose(out) == 0;
	}
	if (!ok)
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot write %s", text_path);
	else
		ok = g_file_set_contents(sarif_path, sarif, -1, error);
	g_free(sarif);
	g_free(text_path);
	g_free(sarif_path);
	return ok;
}

/* Writes the merged SOUP list as sbom/DEVICE.cdx.json, the machine-readable
 * SBOM that FDA requests beside the documents. */
static gboolean
write_sbom(Package *package, const Project *project, const char *date, GError **error)
{
	const char *device = yaml_scalar(yaml_map_get(project->settings, "device_name"));
	char *slug = g_ascii_strdown(device ? device : "device", -1);
	char *name, *path, *dir, *text;
	gboolean ok;

	for (char *p = slug; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '.')
			*p = '-';
	name = g_strdup_printf("sbom/%s.cdx.json", slug);
	path = package_file(package, name);
	dir = g_path_get_dirname(path);
	text = sbom_export_cyclonedx(project, date);
	ok = g_mkdir_with_parents(dir, 0755) == 0;
	if (!ok)
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s: %s",
		            dir, g_strerror(errno));
	else
		ok = g_file_set_contents(path, text, -1, error);
	g_free(text);
	g_free(dir);
	g_free(path);
	g_free(name);
	g_free(slug);
	return ok;
}

/* Returns the input files of a build, for the manifest's input digest:
 * the project's files and every template of the profile, selected or
 * not, each named templates/PROFILE/FILE wherever the profile folder is. */
static GHashTable *
build_inputs(const Project *project, const char *profile, const GPtrArray *templates)
{
	GHashTable *inputs = project_input_files(project);

	for (guint i = 0; i < templates->len; i++) {
		const TemplateFile *t = g_ptr_array_index(templates, i);
		char *base = g_path_get_basename(t->path);

		g_hash_table_insert(inputs, g_build_filename("templates", profile, base, NULL),
		                    g_strdup(t->path));
		g_free(base);
	}
	return inputs;
}

/* Adds the manifest.json members that describe the build besides its
 * files, and requests the zip. Fails only when an input cannot be read. */
static gboolean
describe_package(Package *package, const Project *project, const char *profile,
                 const char *date, GHashTable *inputs, gboolean zip, GError **error)
{
	package_set_info(package, "generator", "dossier " PACKAGE_VERSION);
	package_set_info(package, "device", yaml_scalar(yaml_map_get(project->settings, "device_name")));
	package_set_info(package, "version", yaml_scalar(yaml_map_get(project->settings, "version")));
	package_set_info(package, "submission_type", project->submission_type);
	package_set_info(package, "documentation_level", project->documentation_level);
	package_set_info(package, "profile", profile);
	package_set_info(package, "date", date);
	if (zip)
		package_want_zip(package, date);
	return package_digest_inputs(package, inputs, error);
}

/* Reports each PDF over the FDA eCopy limit of 50 MB per file, at the
 * template it came from. The package is still written. */
static void
check_pdf_sizes(const GPtrArray *jobs, DiagList *diags)
{
	for (guint i = 0; i < jobs->len; i++) {
		const RenderJob *job = g_ptr_array_index(jobs, i);
		GStatBuf st;

		if (!job->pdf || !job->ok || g_stat(job->path, &st) != 0 ||
		    st.st_size <= PACKAGE_PDF_MAX_BYTES)
			continue;
		diag_add(diags, DIAG_PACKAGE_FILE_TOO_LARGE, src_pos(job->source, 1, 1),
		         "%s is %lld MB, over the 50 MB (%d bytes) that the FDA eCopy rules allow "
		         "for one PDF; split the template into smaller documents",
		         job->file, (long long)((st.st_size + 999999) / 1000000),
		         PACKAGE_PDF_MAX_BYTES);
	}
}

static int
command_build(int argc, char **argv)
{
	char *out_dir = NULL, *profile = NULL, *only = NULL;
	gboolean quiet = FALSE, zip = FALSE;
	GOptionEntry entries[] = {
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
		 "Folder that receives the package folder (default: DIR/out)", "OUT"},
		{"profile", 'p', 0, G_OPTION_ARG_STRING, &profile,
		 "Template profile (default: project.profile, else fda-premarket)", "NAME"},
		{"only", 0, 0, G_OPTION_ARG_STRING, &only, "Write only this format: pdf or docx",
		 "FORMAT"},
		{"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
		 "Print only diagnostics and the package path", NULL},
		{"zip", 0, 0, G_OPTION_ARG_NONE, &zip,
		 "Also write OUT/DEVICE-VERSION.zip holding the package folder", NULL},
		{NULL}};
	const char *dir;
	DiagList *diags = NULL, *build_diags = NULL;
	GHashTable *inputs = NULL;
	Project *project = NULL;
	GPtrArray *templates = NULL, *docs = NULL;
	GHashTable *remote = NULL;
	GPtrArray *jobs = NULL;
	gboolean want_pdf, want_docx;
	Package *package = NULL;
	char *templates_dir = NULL, *fonts_dir = NULL, *date = NULL, *name = NULL;
	GError *error = NULL;
	gboolean progress;
	int status = EXIT_USAGE;
	guint total_pages = 0;

	if (!parse_options("build", "[DIR]",
	                   "Check the records repository in DIR, then expand every template of "
	                   "the profile into a PDF and a DOCX document in a package folder "
	                   "OUT/DEVICE-VERSION. The folder is written beside the target and "
	                   "renamed into place only when every file was written. With --zip, a zip "
	                   "of the folder is written beside it the same way.\nExit status: "
	                   "0 clean, 1 errors were found (the package is still written), 2 usage "
	                   "or system error, an unusable template or an interruption (no package "
	                   "is written).",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (only != NULL && strcmp(only, "pdf") != 0 && strcmp(only, "docx") != 0) {
		fprintf(stderr, "dossier build: invalid format '%s' for --only; use pdf or docx\n",
		        only);
		goto out;
	}
	want_pdf = only == NULL || strcmp(only, "pdf") == 0;
	want_docx = only == NULL || strcmp(only, "docx") == 0;
	if (argc > 3) {
		fprintf(stderr, "dossier build: too many arguments; give one folder\n");
		goto out;
	}
	dir = argc == 3 ? argv[2] : ".";
	progress = !quiet && isatty(fileno(stderr)) && g_getenv("CI") == NULL;
	catch_interrupts();
	diags = diag_list_new();
	build_diags = diag_list_new();
	project = open_project(dir, diags);
	if (project == NULL)
		goto out;
	project_check(project, diags);
	diag_list_sort(diags);

	if (profile == NULL)
		profile = g_strdup(yaml_scalar(yaml_map_get(project->settings, "profile"))
		                       ? yaml_scalar(yaml_map_get(project->settings, "profile"))
		                       : "fda-premarket");
	if (profile[0] == '\0' || profile[0] == '.' || strchr(profile, '/') != NULL) {
		fprintf(stderr, "dossier build: invalid profile '%s': a profile is the name of a "
		        "folder under templates/, not a path\n", profile);
		goto out;
	}
	templates_dir = template_find_profile(project, profile);
	fonts_dir = find_data_dir("fonts");
	if (templates_dir == NULL || fonts_dir == NULL) {
		fprintf(stderr, "dossier build: %s not found (looked in %s/templates, "
		        "$DOSSIER_DATADIR and %s)\n",
		        templates_dir == NULL ? "template profile" : "fonts folder", dir,
		        DOSSIER_PKGDATADIR);
		goto out;
	}
	templates = template_list(templates_dir, build_diags);
	if (templates->len == 0) {
		fprintf(stderr, "dossier build: no NNN-name.md template in %s\n", templates_dir);
		goto out;
	}
	inputs = build_inputs(project, profile, templates);
	template_select(templates, project, build_diags);
	if (templates->len == 0) {
		g_set_error(&error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
		            "the documents list in dossier.yaml names none of the templates in %s",
		            templates_dir);
		goto fail;
	}
	if (out_dir == NULL)
		out_dir = project_path(dir, "out");
	if (!output_allowed(project, out_dir, &error))
		goto fail;
	date = build_date(project, build_diags);
	name = package_name(yaml_scalar(yaml_map_get(project->settings, "device_name")),
	                    yaml_scalar(yaml_map_get(project->settings, "version")));
	package = package_begin(out_dir, name, &error);
	if (package == NULL || !describe_package(package, project, profile, date, inputs, zip, &error))
		goto fail;
	/* Expand every template first, so that each document can name the
	 * package file that describes a record it mentions. */
	docs = g_ptr_array_new_with_free_func((GDestroyNotify)doc_free);
	remote = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (guint i = 0; i < templates->len; i++) {
		const TemplateFile *t = g_ptr_array_index(templates, i);
		char *day = g_strndup(date, 10);
		Document *doc = template_expand(t, project, diags, day, build_diags);
		char *file = g_strconcat(t->stem, want_pdf ? ".pdf" : ".docx", NULL);

		g_ptr_array_add(docs, doc);
		if (doc != NULL)
			doc_collect_anchors(doc, file, remote);
		g_free(file);
		g_free(day);
		/* A package without one of its documents is not a package. */
		if (doc == NULL) {
			g_set_error(&error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			            "template %s cannot be used (see the diagnostics above)", t->path);
			goto fail;
		}
	}
	/* One job per document and format; they render in parallel. */
	jobs = g_ptr_array_new_with_free_func(render_job_free);
	for (guint i = 0; i < templates->len; i++) {
		const TemplateFile *t = g_ptr_array_index(templates, i);
		Document *doc = g_ptr_array_index(docs, i);

		template_add_references(doc, project, remote);
		package_add_document(package, t->stem, doc->number, doc->title);
		g_free(doc->date);
		doc->date = g_strdup(date);
		for (int format = 0; format < 2; format++) {
			RenderJob *job;

			if ((format == 0 && !want_pdf) || (format == 1 && !want_docx))
				continue;
			job = g_new0(RenderJob, 1);
			job->doc = doc;
			job->source = t->path;
			job->pdf = format == 0;
			job->file = g_strconcat(t->stem, job->pdf ? ".pdf" : ".docx", NULL);
			job->path = package_file(package, job->file);
			/* Content problems are reported once, by the PDF job when
			 * there is one. */
			job->report = job->pdf || !want_pdf;
			job->diags = diag_list_new();
			g_ptr_array_add(jobs, job);
		}
	}
	{
		RenderOptions options = {fonts_dir, project->paper && strcmp(project->paper, "a4") == 0,
		                         "dossier " PACKAGE_VERSION};
		RenderQueue queue = {jobs, 0, &options, progress, 0};

		run_render_jobs(&queue);
	}
	for (guint i = 0; i < jobs->len; i++) {
		RenderJob *job = g_ptr_array_index(jobs, i);

		diag_list_move(build_diags, job->diags);
		total_pages += (guint)job->pages;
		if (!job->ok && error == NULL)
			error = g_steal_pointer(&job->error);
	}
	if (error != NULL)
		goto fail;
	check_pdf_sizes(jobs, build_diags);
	diag_list_sort(build_diags);
	diag_list_move(diags, build_diags);
	if (interrupted) {
		g_set_error(&error, G_FILE_ERROR, G_FILE_ERROR_INTR, "interrupted");
		goto fail;
	}
	if (!write_sbom(package, project, date, &error) || !write_reports(package, diags, &error) ||
	    !package_commit(package, &error))
		goto fail;
	diag_print_text(diags, stderr, use_colour(stderr));
	if (progress)
		fprintf(stderr, "%u documents, %u pages; %u errors, %u warnings\n", templates->len,
		        total_pages, diags->counts[DIAG_ERROR], diags->counts[DIAG_WARNING]);
	printf("%s\n", package->final);
	if (package->zip_final != NULL)
		printf("%s\n", package->zip_final);
	status = exit_status(diags, FALSE);
	goto out;
fail:
	diag_list_move(diags, build_diags);
	diag_print_text(diags, stderr, use_colour(stderr));
	fprintf(stderr, "dossier build: error: %s; no package was written\n",
	        error ? error->message : "see the diagnostics above");
	g_clear_error(&error);
	status = EXIT_USAGE;
out:
	if (docs != NULL)
		g_ptr_array_free(docs, TRUE);
	if (remote != NULL)
		g_hash_table_destroy(remote);
	if (jobs != NULL)
		g_ptr_array_free(jobs, TRUE);
	if (inputs != NULL)
		g_hash_table_destroy(inputs);
	package_free(package);
	if (templates != NULL)
		g_ptr_array_free(templates, TRUE);
	project_free(project);
	diag_list_free(diags);
	diag_list_free(build_diags);
	g_free(templates_dir);
	g_free(fonts_dir);
	g_free(date);
	g_free(name);
	g_free(out_dir);
	g_free(profile);
	g_free(only);
	return status;
}

/* dossier sbom show FILE...: the components of SBOM files, checked
 * together (a VEX file names another file's components). */
static int
command_sbom_show(int argc, char **argv)
{
	char *format = NULL;
	gboolean werror = FALSE;
	GOptionEntry entries[] = {
		{"format", 'f', 0, G_OPTION_ARG_STRING, &format,
		 "Output format: text (default, one line per component) or json", "FORMAT"},
		{"werror", 0, 0, G_OPTION_ARG_NONE, &werror,
		 "Exit with status 1 on warnings as well as errors", NULL},
		{NULL}};
	GPtrArray *sboms;
	DiagList *diags;
	char *out;
	int status;

	if (!parse_options("sbom show", "FILE...",
	                   "Read CycloneDX (JSON or XML, 1.3 to 1.6) and SPDX (JSON, 2.2 and 2.3) "
	                   "files and print every component: nested ones included, the described "
	                   "product not. Findings go to standard error.\nExit status: 0 clean, 1 "
	                   "errors found (or warnings with --werror), 2 usage error.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (format == NULL)
		format = g_strdup("text");
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
		fprintf(stderr, "dossier sbom show: invalid format '%s'; use text or json\n", format);
		g_free(format);
		return EXIT_USAGE;
	}
	if (argc < 3) {
		fprintf(stderr, "dossier sbom show: give at least one SBOM file\n");
		g_free(format);
		return EXIT_USAGE;
	}
	diags = diag_list_new();
	sboms = g_ptr_array_new_with_free_func((GDestroyNotify)sbom_free);
	for (int i = 2; i < argc; i++) {
		Sbom *sbom = sbom_read(argv[i], diags);

		if (sbom != NULL)
			g_ptr_array_add(sboms, sbom);
	}
	sbom_check(sboms, diags);
	diag_list_sort(diags);
	diag_print_text(diags, stderr, use_colour(stderr));
	out = strcmp(format, "json") == 0 ? sbom_show_json(sboms) : sbom_show_text(sboms);
	fputs(out, stdout);
	if (strcmp(format, "json") == 0)
		fputc('\n', stdout);
	g_free(out);
	status = exit_status(diags, werror);
	g_ptr_array_free(sboms, TRUE);
	diag_list_free(diags);
	g_free(format);
	return status;
}

/* dossier sbom export [DIR]: the project's merged SOUP list as CycloneDX. */
static int
command_sbom_export(int argc, char **argv)
{
	char *format = NULL, *output = NULL;
	GOptionEntry entries[] = {
		{"format", 'f', 0, G_OPTION_ARG_STRING, &format,
		 "Output format: cyclonedx-json (the default and only one)", "FORMAT"},
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
		 "Write to FILE instead of standard output", "FILE"},
		{NULL}};
	const char *dir;
	DiagList *diags;
	Project *project;
	char *date, *text;
	int status = EXIT_CLEAN;
	GError *error = NULL;

	if (!parse_options("sbom export", "[DIR]",
	                   "Write the SOUP components of the records repository in DIR (its SBOMs "
	                   "merged with its SOUP records) and their vulnerabilities as CycloneDX "
	                   "1.6 JSON. Findings go to standard error.\nExit status: 0 written, 1 "
	                   "errors found (the file is still written), 2 usage or system error.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (format != NULL && strcmp(format, "cyclonedx-json") != 0) {
		fprintf(stderr, "dossier sbom export: invalid format '%s'; use cyclonedx-json\n",
		        format);
		g_free(format);
		g_free(output);
		return EXIT_USAGE;
	}
	if (argc > 3) {
		fprintf(stderr, "dossier sbom export: too many arguments; give one folder\n");
		g_free(format);
		g_free(output);
		return EXIT_USAGE;
	}
	dir = argc == 3 ? argv[2] : ".";
	diags = diag_list_new();
	project = open_project_as(dir, diags, "text");
	if (project == NULL) {
		diag_list_free(diags);
		g_free(format);
		g_free(output);
		return EXIT_USAGE;
	}
	project_check(project, diags);
	date = build_date(project, diags);
	text = sbom_export_cyclonedx(project, date);
	diag_list_sort(diags);
	diag_print_text(diags, stderr, use_colour(stderr));
	if (output == NULL) {
		fputs(text, stdout);
		fputc('\n', stdout);
	} else if (!g_file_set_contents(output, text, -1, &error)) {
		fprintf(stderr, "dossier sbom export: %s\n", error->message);
		g_error_free(error);
		status = EXIT_USAGE;
	}
	if (status == EXIT_CLEAN)
		status = exit_status(diags, FALSE);
	g_free(text);
	g_free(date);
	project_free(project);
	diag_list_free(diags);
	g_free(format);
	g_free(output);
	return status;
}

static int
command_sbom(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[2], "show") == 0)
		return command_sbom_show(argc - 1, argv + 1);
	if (argc >= 3 && strcmp(argv[2], "export") == 0)
		return command_sbom_export(argc - 1, argv + 1);
	if (argc >= 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
		fputs("Usage: dossier sbom show FILE... [--format text|json]\n"
		      "       dossier sbom export [DIR] [-o FILE]\n", stdout);
		return EXIT_CLEAN;
	}
	fprintf(stderr, "dossier sbom: give 'show FILE...' or 'export [DIR]'\n");
	return EXIT_USAGE;
}

/* dossier init DIR: a new records repository from the installed
 * skeleton. */
static int
command_init(int argc, char **argv)
{
	GOptionEntry entries[] = {{NULL}};
	char *skeleton;
	GError *error = NULL;
	int status = EXIT_CLEAN;

	if (!parse_options("init", "DIR",
	                   "Create a new records repository in DIR, which must not exist or be "
	                   "empty: a dossier.yaml and one example record of each main type, "
	                   "linked so that 'dossier check' is clean and 'dossier build' writes a "
	                   "package.\nExit status: 0 created, 2 usage or system error.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc != 3) {
		fprintf(stderr, "dossier init: give exactly one folder\n");
		return EXIT_USAGE;
	}
	skeleton = find_data_dir("skeleton");
	if (skeleton == NULL) {
		fprintf(stderr, "dossier init: skeleton folder not found (looked in "
		        "$DOSSIER_DATADIR and %s)\n", DOSSIER_PKGDATADIR);
		return EXIT_USAGE;
	}
	if (!init_repository(skeleton, argv[2], &error)) {
		fprintf(stderr, "dossier init: %s\n", error->message);
		g_error_free(error);
		status = EXIT_USAGE;
	} else {
		printf("%s\n", argv[2]);
	}
	g_free(skeleton);
	return status;
}

int
main(int argc, char **argv)
{
	const char *command;

	/* Messages and numbers never depend on the user's locale; only the
	 * character type is taken from it, for terminal output. */
	setlocale(LC_CTYPE, "");
	/* libxml2 must be set up once before threads use it: the SBOM reader
	 * and the DOCX render jobs both do. */
	xmlInitParser();
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
	if (strcmp(command, "build") == 0)
		return command_build(argc, argv);
	if (strcmp(command, "trace") == 0)
		return command_trace(argc, argv);
	if (strcmp(command, "matrix") == 0)
		return command_matrix(argc, argv);
	if (strcmp(command, "init") == 0)
		return command_init(argc, argv);
	if (strcmp(command, "sbom") == 0)
		return command_sbom(argc, argv);
	fprintf(stderr, "dossier: unknown command '%s'\n%s", command, usage_text);
	return EXIT_USAGE;
}
