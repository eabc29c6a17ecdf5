/* cli_admin.c: `deploy`, `services`, `rollback`, `rm`: the admin API's client commands (HTTP in cli_admin_http.c). */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_options.h"
#include "manifest.h" /* manifest_parse_count: counts are written as in the manifest */

/* The end of every admin command's --help: the options they share, then the timeouts. */
#define ADMIN_HELP                                   \
    "Admin API:\n"                                   \
    "%s" /* admin_option_table */                    \
    "  -h, --help                  show this help\n" \
    "\n"                                             \
    "A request gives up when it cannot connect within 10 s, or when nothing has moved for 5 minutes.\n"

/* ---- where the admin API is, and the token ---- */

/* --admin and --token-file as written: every admin command takes them. */
typedef struct admin_client_options {
    const char *url;
    const char *token_file;
} admin_client_options;

static bool parse_url(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    if (value[0] == '\0')
        return cli_bad_value(why, why_size, name, value, "expected http://HOST:PORT or HOST:PORT");
    *(const char **)target = value;
    return true;
}

enum { ADMIN_OPTION_COUNT = 2 };

static void admin_option_table(admin_client_options *options, cli_option out[ADMIN_OPTION_COUNT])
{
    const cli_option table[ADMIN_OPTION_COUNT] = {
        {"--admin", .parse = parse_url, .target = &options->url,
         .help = "  --admin URL                 the admin API of `wasmhost serve`: http://HOST:PORT, or HOST:PORT\n"
                 "                              (default: $WASMHOST_ADMIN, else " CLI_ADMIN_DEFAULT_URL ")\n"},
        {"--token-file", .text = &options->token_file,
         .help = "  --token-file FILE           send the token on FILE's first line (default: $WASMHOST_ADMIN_TOKEN,\n"
                 "                              else none) as `Authorization: Bearer TOKEN`\n"},
    };
    memcpy(out, table, sizeof table);
}

/* A field of a 2xx answer that the command needs; NULL after printing that it is missing. */
static const json_t *answer_field(const cli_admin_client *client, const json_t *answer, const char *key, json_type type)
{
    const json_t *value = json_object_get(answer, key);
    if (!value || json_typeof(value) != type) {
        cli_admin_error(client,
                        "the admin API at %s answered without the \"%s\" it should hold (is the server older than "
                        "this tool?)",
                        client->url, key);
        return NULL;
    }
    return value;
}

/* "sha256:" and the first 12 hex digits of a digest, enough to tell modules apart; anything else
 * (a manifest service's module path) as it is. NULL when out of memory. */
static char *short_module(const char *module)
{
    if (strncmp(module, "sha256:", 7) == 0 && strlen(module) > 7 + 12)
        return strndup(module, 7 + 12);
    return strdup(module);
}

/* Reads the operands of a command that takes NAME alone; NULL after --help or a usage error. */
static const char *name_operand(cli_arguments *args)
{
    const char *name = cli_next_operand(args), *extra = cli_next_operand(args);
    if (args->exit_status >= 0)
        return NULL;
    if (!name || !*name) {
        cli_usage_error(args, name ? "NAME is empty" : "missing NAME (the service)");
        return NULL;
    }
    if (extra) {
        cli_usage_error(args, "unexpected '%s' after NAME%s", extra,
                        extra[0] == '-' ? " (options go before NAME)" : "");
        return NULL;
    }
    return name;
}

/* JSON carries UTF-8 text only (jansson refuses the rest: json_string gives NULL), so an option
 * value that is not UTF-8 is a usage error. */
static bool is_text(const char *value)
{
    json_t *probe = json_string(value);
    json_decref(probe);
    return probe != NULL;
}

static bool parse_text(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    if (!is_text(value))
        return cli_bad_value(why, why_size, name, value, "not UTF-8 text, which JSON cannot carry");
    *(const char **)target = value;
    return true;
}

/* A whole number in decimal digits (as the manifest writes counts) that a JSON integer holds. */
typedef struct optional_count {
    bool given;
    uint64_t value;
} optional_count;

static bool parse_count(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    optional_count *count = target;
    if (!manifest_parse_count(value, &count->value) || count->value > INT64_MAX)
        return cli_bad_value(why, why_size, name, value, "expected a whole number in decimal digits");
    count->given = true;
    return true;
}

static bool parse_positive_count(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    if (!parse_count(target, name, value, why, why_size) || ((optional_count *)target)->value == 0)
        return cli_bad_value(why, why_size, name, value, "expected a whole number, at least 1");
    return true;
}

/* ---- deploy ---- */

static const char deploy_usage[] =
    "usage: wasmhost deploy [OPTIONS] NAME FILE.wasm\n"
    "\n"
    "Uploads the WebAssembly module FILE.wasm to the admin API of a running\n"
    "`wasmhost serve --state DIR --admin ADDR:PORT`, then makes it the new version of the service NAME\n"
    "(a new service when there is none of that name). Only the options given are sent: the server\n"
    "fills in the rest with its defaults and checks every value. Prints one line,\n"
    "\"deployed NAME version N (sha256:HEX)\", HEX being the start of the module's SHA-256 digest.\n"
    "\n"
    "Options (before NAME):\n"
    "%s" /* deploy_option_table */
    "\n"
    "The health policy: when, within DURATION of the deploy, at least N requests were answered and\n"
    "more than the fraction R of them were 5xx, the server rolls NAME back to the version before\n"
    "(`wasmhost services` shows which is active). Any of the three --health options sets the policy;\n"
    "the server's defaults fill in those not given.\n"
    "\n" ADMIN_HELP "\n"
    "Exit status: 0 deployed; 1 FILE.wasm or the token file cannot be read, the admin API cannot be\n"
    "reached, or the server refused (its reason is printed); 2 usage error.\n";

typedef struct deploy_options {
    bool plugin;
    cli_list routes, env, dirs;
    const char *abi, *init, *timeout, *max_memory, *max_body, *health_window;
    optional_count fuel, concurrency, health_min_requests;
    bool has_health_max_error_rate;
    double health_max_error_rate;
} deploy_options;

static bool parse_route(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    if (!is_text(value))
        return cli_bad_value(why, why_size, name, value, "not UTF-8 text, which JSON cannot carry");
    return cli_list_append(target, name, value, why, why_size);
}

static bool parse_abi(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    if (strcmp(value, "http") != 0 && strcmp(value, "wagi") != 0)
        return cli_bad_value(why, why_size, name, value, "expected http or wagi");
    *(const char **)target = value;
    return true;
}

static bool parse_error_rate(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    deploy_options *options = target;
    char *end;
    double rate = strtod(value, &end);
    if (end == value || *end || !isfinite(rate) || rate < 0 || rate > 1)
        return cli_bad_value(why, why_size, name, value, "expected a fraction from 0 to 1 (0.5: half the requests)");
    options->health_max_error_rate = rate;
    options->has_health_max_error_rate = true;
    return true;
}

/* KEY=VALUE, KEY not empty and not given before: a second value for one key is more likely a
 * mistake than meant to replace the first. */
static bool add_assignment(cli_list *list, const char *name, const char *value, bool empty_value, const char *expected,
                           char *why, size_t why_size)
{
    const char *equals = strchr(value, '=');
    if (!cli_assignment_valid(name, value, why, why_size) || (!empty_value && equals[1] == '\0'))
        return cli_bad_value(why, why_size, name, value, expected);
    if (!is_text(value))
        return cli_bad_value(why, why_size, name, value, "not UTF-8 text, which JSON cannot carry");
    size_t key_length = (size_t)(equals - value) + 1; /* with the '=' */
    for (size_t i = 0; i < list->count; i++)
        if (strncmp(list->values[i], value, key_length) == 0)
            return cli_bad_value(why, why_size, name, value, "that key was given already");
    return cli_list_append(list, name, value, why, why_size);
}

static bool parse_env(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    return add_assignment(target, name, value, true, "expected KEY=VALUE", why, why_size);
}

static bool parse_dir(void *target, const char *name, const char *value, char *why, size_t why_size)
{
    return add_assignment(target, name, value, false, "expected GUEST=HOST (/data=./data)", why, why_size);
}

enum { DEPLOY_OPTION_COUNT = 14 };

static void deploy_option_table(deploy_options *options, cli_option out[DEPLOY_OPTION_COUNT])
{
    const cli_option table[DEPLOY_OPTION_COUNT] = {
        {"--plugin", .flag = &options->plugin,
         .help =
             "  --plugin                    deploy NAME as a plugin (bytes in, bytes out: docs/plugins.md),\n"
             "                              called at POST /v1/plugins/NAME/call/EXPORT: no --route, --abi, --dir\n"},
        {"--route", .parse = parse_route, .target = &options->routes,
         .help = "  --route PATH                a path NAME answers, at least one (repeat for more): /hello (that\n"
                 "                              path), /api/... (/api and every path under it), /... (every path)\n"},
        {"--abi", .parse = parse_abi, .target = &options->abi,
         .help = "  --abi http|wagi             how the guest gets requests (docs/abi.md; default: wagi)\n"},
        {"--init", .parse = parse_text, .target = &options->init,
         .help = "  --init EXPORT               run EXPORT once at load; every request starts from the state it\n"
                 "                              leaves (docs/snapshots.md)\n"},
        {"--env", .parse = parse_env, .target = &options->env,
         .help = "  --env KEY=VALUE             an environment variable for the guest (repeat for more)\n"},
        {"--dir", .parse = parse_dir, .target = &options->dirs,
         .help = "  --dir GUEST=HOST            the guest sees the directory HOST, read-only, as GUEST (repeat for\n"
                 "                              more); HOST must exist here, and is sent as an absolute path\n"},
        {"--timeout", .parse = parse_text, .target = &options->timeout,
         .help = "  --timeout DURATION          how long one request may run (500ms, 2s): 504 past it\n"},
        {"--max-memory", .parse = parse_text, .target = &options->max_memory,
         .help = "  --max-memory SIZE           the most linear memory the guest may have (16MiB)\n"},
        {"--fuel", .parse = parse_count, .target = &options->fuel,
         .help = "  --fuel N                    instructions one request may execute (0: no metering)\n"},
        {"--max-body", .parse = parse_text, .target = &options->max_body,
         .help = "  --max-body SIZE             the largest request body (64KiB): 413 past it\n"},
        {"--concurrency", .parse = parse_positive_count, .target = &options->concurrency,
         .help = "  --concurrency N             how many requests of NAME run at once (at least 1)\n"},
        {"--health-window", .parse = parse_text, .target = &options->health_window,
         .help = "  --health-window DURATION    the health policy (below): how long the new version is watched\n"},
        {"--health-min-requests", .parse = parse_count, .target = &options->health_min_requests,
         .help = "  --health-min-requests N     how many answered requests it takes to judge it\n"},
        {"--health-max-error-rate", .parse = parse_error_rate, .target = options,
         .help = "  --health-max-error-rate R   the fraction of 5xx answers (0 to 1) above which it is rolled back\n"},
    };
    memcpy(out, table, sizeof table);
}

/* Adds `value` (reference taken) to `object`; false when it is NULL or jansson is out of memory. */
static bool put(json_t *object, const char *key, json_t *value) { return json_object_set_new(object, key, value) == 0; }

/* "KEY=VALUE" options into an object {KEY: VALUE}, VALUE passed through `convert` (NULL: as is). */
static bool put_assignments(json_t *object, const cli_list *list, cli_arguments *args,
                            char *(*convert)(cli_arguments *args, const char *option, const char *value))
{
    for (size_t i = 0; i < list->count; i++) {
        const char *option = list->values[i], *equals = strchr(option, '=');
        char *key = strndup(option, (size_t)(equals - option));
        char *value = convert ? convert(args, option, equals + 1) : strdup(equals + 1);
        bool ok = key && value && put(object, key, json_string(value));
        free(key);
        free(value);
        if (!ok)
            return false;
    }
    return true;
}

/* The host side of --dir: an absolute path, so that the server does not read it relative to
 * its own working directory. NULL after a usage error. */
static char *absolute_directory(cli_arguments *args, const char *option, const char *path)
{
    char *absolute = realpath(path, NULL);
    struct stat status;
    if (!absolute)
        cli_usage_error(args, "--dir '%s': %s: %s", option, path, strerror(errno));
    else if (stat(absolute, &status) != 0 || !S_ISDIR(status.st_mode))
        cli_usage_error(args, "--dir '%s': %s is not a directory", option, path);
    else
        return absolute;
    free(absolute);
    return NULL;
}

/* The body of PUT /v1/services/NAME without its module, only with the keys given; NULL after a
 * usage error or "out of memory". */
static json_t *service_json(cli_arguments *args, const deploy_options *options)
{
    json_t *service = json_object(), *routes = json_array(), *env = json_object(), *dirs = json_object();
    json_t *limits = json_object(), *health = json_object();
    bool ok = service && routes && env && dirs && limits && health;
    for (size_t i = 0; ok && i < options->routes.count; i++)
        ok = json_array_append_new(routes, json_string(options->routes.values[i])) == 0;
    ok = ok && put_assignments(env, &options->env, args, NULL) &&
         put_assignments(dirs, &options->dirs, args, absolute_directory);
    if (ok && options->timeout)
        ok = put(limits, "timeout", json_string(options->timeout));
    if (ok && options->max_memory)
        ok = put(limits, "max_memory", json_string(options->max_memory));
    if (ok && options->fuel.given)
        ok = put(limits, "fuel", json_integer((json_int_t)options->fuel.value));
    if (ok && options->max_body)
        ok = put(limits, "max_body", json_string(options->max_body));
    if (ok && options->health_window)
        ok = put(health, "window", json_string(options->health_window));
    if (ok && options->health_min_requests.given)
        ok = put(health, "min_requests", json_integer((json_int_t)options->health_min_requests.value));
    if (ok && options->has_health_max_error_rate)
        ok = put(health, "max_error_rate", json_real(options->health_max_error_rate));

    if (!options->plugin)
        ok = ok && put(service, "routes", json_incref(routes));
    if (ok && options->abi)
        ok = put(service, "abi", json_string(options->abi));
    if (ok && options->init)
        ok = put(service, "init", json_string(options->init));
    if (ok && json_object_size(env))
        ok = put(service, "env", json_incref(env));
    if (ok && json_object_size(dirs))
        ok = put(service, "dirs", json_incref(dirs));
    if (ok && json_object_size(limits))
        ok = put(service, "limits", json_incref(limits));
    if (ok && options->concurrency.given)
        ok = put(service, "concurrency", json_integer((json_int_t)options->concurrency.value));
    if (ok && json_object_size(health))
        ok = put(service, "health", json_incref(health));
    json_decref(routes);
    json_decref(env);
    json_decref(dirs);
    json_decref(limits);
    json_decref(health);
    if (!ok) {
        json_decref(service);
        if (args->exit_status < 0)
            fprintf(stderr, "wasmhost %s: out of memory\n", args->command->name);
        return NULL;
    }
    return service;
}

/* Uploads the module, then puts the service; returns the exit status. */
static int deploy(cli_admin_client *client, bool plugin, const char *name, const char *path, json_t *service)
{
    uint8_t *bytes;
    size_t size;
    char why[1024];
    if (!cli_read_file(path, &bytes, &size, why, sizeof why)) {
        cli_admin_error(client, "%s", why);
        return CLI_FAILED;
    }
    json_t *answer;
    bool ok = cli_admin_request(client, "POST", "/v1/modules", "application/wasm", bytes, size, &answer);
    free(bytes);
    const json_t *digest = ok ? answer_field(client, answer, "digest", JSON_STRING) : NULL;
    if (digest && !put(service, "module", json_incref((json_t *)digest))) {
        cli_admin_error(client, "out of memory");
        digest = NULL;
    }
    json_decref(answer);
    answer = NULL;
    if (!digest)
        return CLI_FAILED;

    char *body = json_dumps(service, JSON_COMPACT);
    char *service_address = cli_admin_service_path(client, plugin, name, "");
    ok = body && service_address &&
         cli_admin_request(client, "PUT", service_address, "application/json", body, strlen(body), &answer);
    if (!body && service_address)
        cli_admin_error(client, "out of memory");
    free(body);
    free(service_address);
    const json_t *version = ok ? answer_field(client, answer, "version", JSON_INTEGER) : NULL;
    char *module = version ? short_module(json_string_value(json_object_get(service, "module"))) : NULL;
    if (module)
        printf("deployed %s version %" JSON_INTEGER_FORMAT " (%s)\n", name, json_integer_value(version), module);
    else if (version)
        cli_admin_error(client, "out of memory");
    free(module);
    json_decref(answer);
    return module ? CLI_OK : CLI_FAILED;
}

/* The usage errors of deploy's operands and routes: false after one, or after --help. */
static bool deploy_arguments_ok(cli_arguments *args, const deploy_options *options, const char *name, const char *path,
                                const char *extra)
{
    if (args->exit_status >= 0)
        return false;
    if (!name)
        cli_usage_error(args, "missing NAME and FILE.wasm");
    else if (!path)
        cli_usage_error(args, "missing FILE.wasm (after NAME)");
    else if (!*name)
        cli_usage_error(args, "NAME is empty");
    else if (extra)
        cli_usage_error(args, "unexpected '%s' after FILE.wasm%s", extra,
                        extra[0] == '-' ? " (options go before NAME)" : "");
    else if (options->plugin && (options->routes.count || options->abi || options->dirs.count))
        cli_usage_error(args,
                        "a plugin has no --route, --abi or --dir: it is called with bytes "
                        "(POST /v1/plugins/%s/call/EXPORT)",
                        name);
    else if (!options->plugin && options->routes.count == 0)
        cli_usage_error(args, "no --route: give at least one path for %s to answer (--route /%s)", name, name);
    else
        return true;
    return false;
}

static const cli_command_line deploy_command = {
    "deploy", deploy_usage, "\nRun `wasmhost deploy --help` for usage.\n",
    true, /* options before NAME, as `run` and `invoke` */
};

int cli_deploy(int argc, char **argv)
{
    deploy_options options = {0};
    admin_client_options admin = {0};
    cli_option option_table[DEPLOY_OPTION_COUNT], admin_table[ADMIN_OPTION_COUNT];
    deploy_option_table(&options, option_table);
    admin_option_table(&admin, admin_table);
    cli_arguments args;
    cli_arguments_start(&args, &deploy_command, argc, argv, option_table, DEPLOY_OPTION_COUNT);
    cli_arguments_add(&args, admin_table, ADMIN_OPTION_COUNT);
    const char *name = cli_next_operand(&args), *path = cli_next_operand(&args), *extra = cli_next_operand(&args);
    json_t *service = deploy_arguments_ok(&args, &options, name, path, extra) ? service_json(&args, &options) : NULL;
    int status = args.exit_status >= 0 ? args.exit_status : CLI_FAILED;
    if (service) {
        cli_admin_client client;
        status = cli_admin_open(&client, "deploy", admin.url, admin.token_file)
                     ? deploy(&client, options.plugin, name, path, service)
                     : CLI_FAILED;
        cli_admin_close(&client);
    }
    json_decref(service);
    cli_list_free(&options.routes);
    cli_list_free(&options.env);
    cli_list_free(&options.dirs);
    return status;
}

/* ---- services ---- */

static const char services_usage[] =
    "usage: wasmhost services [OPTIONS]\n"
    "\n"
    "Lists the services and plugins of a running `wasmhost serve --state DIR --admin ADDR:PORT`, one a\n"
    "line: NAME, the active VERSION, SOURCE (api: deployed with `wasmhost deploy`; manifest: from the\n"
    "manifest), ABI (\"plugin\" for plugins), ROUTES and MODULE (sha256: and the first 12 hex digits of\n"
    "the module's digest, or a manifest service's module path).\n"
    "\n" ADMIN_HELP "\n"
    "Exit status: 0 listed; 1 the admin API cannot be reached or refused; 2 usage error.\n";

enum { COLUMN_COUNT = 6 };

/* A cell's text: a string as it is, an integer in decimal, "-" when missing. NULL when out of memory. */
static char *cell_text(const json_t *value)
{
    char number[32];
    if (json_is_string(value))
        return strdup(json_string_value(value));
    if (!json_is_integer(value))
        return strdup("-");
    snprintf(number, sizeof number, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
    return strdup(number);
}

/* A route as the server wrote it; "?" when it is not text. */
static const char *cell_route(const json_t *route) { return json_is_string(route) ? json_string_value(route) : "?"; }

/* "/a,/b", or "-" for none. */
static char *routes_text(const json_t *routes)
{
    size_t length = 2, count = json_array_size(routes);
    for (size_t i = 0; i < count; i++)
        length += strlen(cell_route(json_array_get(routes, i))) + 1;
    char *text = malloc(length);
    if (!text)
        return NULL;
    strcpy(text, count ? "" : "-");
    for (size_t i = 0; i < count; i++) {
        if (i)
            strcat(text, ",");
        strcat(text, cell_route(json_array_get(routes, i)));
    }
    return text;
}

/* One service's cells, in the order of the header; false when out of memory. */
static bool service_row(const json_t *service, char *cells[COLUMN_COUNT])
{
    const char *module = json_string_value(json_object_get(service, "module"));
    cells[0] = cell_text(json_object_get(service, "name"));
    cells[1] = cell_text(json_object_get(service, "version"));
    cells[2] = cell_text(json_object_get(service, "source"));
    cells[3] = cell_text(json_object_get(service, "abi"));
    cells[4] = routes_text(json_object_get(service, "routes"));
    cells[5] = module ? short_module(module) : strdup("-");
    for (size_t i = 0; i < COLUMN_COUNT; i++)
        if (!cells[i])
            return false;
    return true;
}

/* Prints the services as a table whose columns are as wide as their widest cell. */
static bool print_services(const json_t *services)
{
    static const char *const header[COLUMN_COUNT] = {"NAME", "VERSION", "SOURCE", "ABI", "ROUTES", "MODULE"};
    size_t row_count = json_array_size(services) + 1;
    char **cells = calloc(row_count * COLUMN_COUNT, sizeof *cells);
    bool ok = cells != NULL;
    for (size_t i = 0; ok && i < COLUMN_COUNT; i++)
        ok = (cells[i] = strdup(header[i])) != NULL;
    for (size_t row = 1; ok && row < row_count; row++)
        ok = service_row(json_array_get(services, row - 1), cells + row * COLUMN_COUNT);
    size_t widths[COLUMN_COUNT] = {0};
    for (size_t i = 0; ok && i < row_count * COLUMN_COUNT; i++)
        if (strlen(cells[i]) > widths[i % COLUMN_COUNT])
            widths[i % COLUMN_COUNT] = strlen(cells[i]);
    for (size_t row = 0; ok && row < row_count; row++) {
        for (size_t column = 0; column + 1 < COLUMN_COUNT; column++)
            printf("%-*s  ", (int)widths[column], cells[row * COLUMN_COUNT + column]);
        printf("%s\n", cells[row * COLUMN_COUNT + COLUMN_COUNT - 1]);
    }
    for (size_t i = 0; cells && i < row_count * COLUMN_COUNT; i++)
        free(cells[i]);
    free(cells);
    return ok;
}

static const cli_command_line services_command = {"services", services_usage,
                                                  "\nRun `wasmhost services --help` for usage.\n", true};

int cli_services(int argc, char **argv)
{
    admin_client_options admin = {0};
    cli_option admin_table[ADMIN_OPTION_COUNT];
    admin_option_table(&admin, admin_table);
    cli_arguments args;
    cli_arguments_start(&args, &services_command, argc, argv, admin_table, ADMIN_OPTION_COUNT);
    const char *extra = cli_next_operand(&args);
    if (args.exit_status >= 0)
        return args.exit_status;
    if (extra)
        return cli_usage_error(&args, "unexpected '%s': `services` takes no operands", extra);
    cli_admin_client client;
    json_t *answer = NULL, *plugin_answer = NULL;
    bool ok = cli_admin_open(&client, "services", admin.url, admin.token_file) &&
              cli_admin_request(&client, "GET", "/v1/services", NULL, NULL, 0, &answer) &&
              cli_admin_request(&client, "GET", "/v1/plugins", NULL, NULL, 0, &plugin_answer);
    const json_t *services = ok ? answer_field(&client, answer, "services", JSON_ARRAY) : NULL;
    const json_t *plugins = services ? answer_field(&client, plugin_answer, "plugins", JSON_ARRAY) : NULL;
    /* One table: the plugins after the services, "plugin" in their ABI column. */
    json_t *rows = plugins ? json_copy((json_t *)services) : NULL;
    for (size_t i = 0; rows && i < json_array_size(plugins); i++) {
        json_t *row = json_copy(json_array_get(plugins, i));
        bool added =
            row && json_object_set_new(row, "abi", json_string("plugin")) == 0 && json_array_append(rows, row) == 0;
        json_decref(row);
        if (!added) {
            json_decref(rows);
            rows = NULL;
        }
    }
    ok = rows && print_services(rows);
    if (plugins && !ok)
        cli_admin_error(&client, "out of memory");
    json_decref(rows);
    json_decref(answer);
    json_decref(plugin_answer);
    cli_admin_close(&client);
    return ok ? CLI_OK : CLI_FAILED;
}

/* ---- rollback ---- */

static const char rollback_usage[] =
    "usage: wasmhost rollback [OPTIONS] NAME\n"
    "\n"
    "Makes an earlier version of the service NAME active again on a running\n"
    "`wasmhost serve --state DIR --admin ADDR:PORT`: the one before the active version, or --version N.\n"
    "Requests in flight finish on the version they started on. Prints \"NAME: version N is active\".\n"
    "\n"
    "Options (before NAME):\n"
    "%s" /* rollback_option_table */
    "\n" ADMIN_HELP "\n"
    "Exit status: 0 rolled back; 1 the admin API cannot be reached or refused (no such service or\n"
    "version, nothing to roll back to); 2 usage error.\n";

static const cli_command_line rollback_command = {"rollback", rollback_usage,
                                                  "\nRun `wasmhost rollback --help` for usage.\n", true};

int cli_rollback(int argc, char **argv)
{
    optional_count version = {0};
    bool plugin = false;
    admin_client_options admin = {0};
    const cli_option rollback_option_table[] = {
        {"--version", .parse = parse_positive_count, .target = &version,
         .help = "  --version N                 the version to make active (default: the one before the active one)\n"},
        {"--plugin", .flag = &plugin, .help = "  --plugin                    NAME is a plugin, not a service\n"},
    };
    cli_option admin_table[ADMIN_OPTION_COUNT];
    admin_option_table(&admin, admin_table);
    cli_arguments args;
    cli_arguments_start(&args, &rollback_command, argc, argv, rollback_option_table,
                        sizeof rollback_option_table / sizeof *rollback_option_table);
    cli_arguments_add(&args, admin_table, ADMIN_OPTION_COUNT);
    const char *name = name_operand(&args);
    if (!name)
        return args.exit_status;

    cli_admin_client client;
    json_t *answer = NULL, *request = version.given ? json_pack("{s:I}", "version", (json_int_t)version.value) : NULL;
    char *body = request ? json_dumps(request, JSON_COMPACT) : NULL;
    char *path = NULL;
    bool ok = cli_admin_open(&client, "rollback", admin.url, admin.token_file);
    if (ok && version.given && !body) {
        cli_admin_error(&client, "out of memory");
        ok = false;
    }
    ok = ok && (path = cli_admin_service_path(&client, plugin, name, "/rollback")) != NULL &&
         cli_admin_request(&client, "POST", path, body ? "application/json" : NULL, body, body ? strlen(body) : 0,
                           &answer);
    const json_t *active = ok ? answer_field(&client, answer, "version", JSON_INTEGER) : NULL;
    if (active)
        printf("%s: version %" JSON_INTEGER_FORMAT " is active\n", name, json_integer_value(active));
    json_decref(answer);
    json_decref(request);
    free(body);
    free(path);
    cli_admin_close(&client);
    return active ? CLI_OK : CLI_FAILED;
}

/* ---- rm ---- */

static const char remove_usage[] =
    "usage: wasmhost rm [OPTIONS] NAME\n"
    "\n"
    "Removes the service NAME, deployed with `wasmhost deploy`, from a running\n"
    "`wasmhost serve --state DIR --admin ADDR:PORT`: its routes stop answering (404) once the requests\n"
    "in flight have finished. Prints \"removed NAME\".\n"
    "\n"
    "Options (before NAME):\n"
    "%s" /* remove_option_table */
    "\n" ADMIN_HELP "\n"
    "Exit status: 0 removed; 1 the admin API cannot be reached or refused (no such service); 2 usage\n"
    "error.\n";

static const cli_command_line remove_command = {"rm", remove_usage, "\nRun `wasmhost rm --help` for usage.\n", true};

int cli_remove(int argc, char **argv)
{
    bool plugin = false;
    admin_client_options admin = {0};
    const cli_option remove_option_table[] = {
        {"--plugin", .flag = &plugin, .help = "  --plugin                    NAME is a plugin, not a service\n"},
    };
    cli_option admin_table[ADMIN_OPTION_COUNT];
    admin_option_table(&admin, admin_table);
    cli_arguments args;
    cli_arguments_start(&args, &remove_command, argc, argv, remove_option_table,
                        sizeof remove_option_table / sizeof *remove_option_table);
    cli_arguments_add(&args, admin_table, ADMIN_OPTION_COUNT);
    const char *name = name_operand(&args);
    if (!name)
        return args.exit_status;
    cli_admin_client client;
    json_t *answer = NULL;
    char *path = NULL;
    bool ok = cli_admin_open(&client, "rm", admin.url, admin.token_file) &&
              (path = cli_admin_service_path(&client, plugin, name, "")) != NULL &&
              cli_admin_request(&client, "DELETE", path, NULL, NULL, 0, &answer);
    if (ok)
        printf("removed %s\n", name);
    json_decref(answer);
    free(path);
    cli_admin_close(&client);
    return ok ? CLI_OK : CLI_FAILED;
}
