/* admin_cli_test.c: `wasmhost deploy`, `services`, `rollback` and `rm` against a live `wasmhost serve --state`. */
#include <stdio.h>
#include <sys/wait.h>

#include "admin_support.h"

static const char *wasmhost;

/* Runs `wasmhost ARGUMENTS` (a shell word list) with `environment` ("NAME=value ..." or ""): its
 * standard output and error into `out`, its exit status returned. */
static int run_cli(const char *environment, const char *arguments, char *out, size_t size)
{
    char command[8192];
    snprintf(command, sizeof command, "%s '%s' %s 2>&1", environment, wasmhost, arguments);
    FILE *pipe = popen(command, "r");
    size_t used = 0;
    if (pipe) {
        size_t n;
        while (used + 1 < size && (n = fread(out + used, 1, size - used - 1, pipe)) > 0)
            used += n;
    }
    out[used] = '\0';
    int status = pipe ? pclose(pipe) : -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool has(const char *text, const char *needle) { return strstr(text, needle) != NULL; }

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: admin_cli_test WASMHOST GUESTS HOST_GUESTS WORK\n");
        return 2;
    }
    wasmhost = argv[1];
    const char *guests = argv[2], *work = argv[4];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char state[4200], token_file[4200], command[8192], out[16384], admin[64], env[4400];
    snprintf(state, sizeof state, "%s/cli", work);
    snprintf(token_file, sizeof token_file, "%s/cli-token.txt", work);
    snprintf(command, sizeof command, "rm -rf '%s'", state);
    CHECK(system(command) == 0);
    FILE *file = fopen(token_file, "w");
    CHECK(file != NULL);
    if (file) {
        fputs("cli-secret\n", file);
        fclose(file);
    }
    served s;
    const char *args[] = {"--admin-token-file", token_file, NULL};
    CHECK(served_start(&s, wasmhost, state, 0, args), "%s", s.log ? s.log : "");
    snprintf(admin, sizeof admin, "--admin 127.0.0.1:%d", s.admin_port);
    snprintf(env, sizeof env, "WASMHOST_ADMIN_TOKEN=cli-secret");

    /* deploy: upload, then the service; the version is printed. */
    snprintf(command, sizeof command,
             "deploy %s --route /color --abi http --env MODE=test --timeout 2s color '%s/blue.wasm'", admin, guests);
    CHECK(run_cli(env, command, out, sizeof out) == 0 && has(out, "deployed color version 1"), "%s", out);
    char body[64];
    reply r = http("GET", s.public_port, "/color", NULL);
    CHECK(r.status == 200 && strcmp(r.body, "blue") == 0);
    reply_free(&r);
    snprintf(command, sizeof command, "deploy %s --token-file '%s' --route /color --abi http color '%s/green.wasm'",
             admin, token_file, guests);
    CHECK(run_cli("", command, out, sizeof out) == 0 && has(out, "deployed color version 2"), "%s", out);
    r = http("GET", s.public_port, "/color", NULL);
    snprintf(body, sizeof body, "%s", r.body);
    CHECK(r.status == 200 && strcmp(body, "green") == 0, "'%s'", body);
    reply_free(&r);

    /* services: a table with the service, its version and route. */
    snprintf(command, sizeof command, "services %s", admin);
    CHECK(run_cli(env, command, out, sizeof out) == 0, "%s", out);
    CHECK(has(out, "NAME") && has(out, "VERSION") && has(out, "color") && has(out, "/color") && has(out, "sha256:"),
          "%s", out);

    /* rollback and rm. */
    snprintf(command, sizeof command, "rollback %s color", admin);
    CHECK(run_cli(env, command, out, sizeof out) == 0 && has(out, "color: version 1 is active"), "%s", out);
    r = http("GET", s.public_port, "/color", NULL);
    CHECK(r.status == 200 && strcmp(r.body, "blue") == 0);
    reply_free(&r);
    snprintf(command, sizeof command, "rollback %s --version 2 color", admin);
    CHECK(run_cli(env, command, out, sizeof out) == 0 && has(out, "version 2 is active"), "%s", out);
    snprintf(command, sizeof command, "rm %s color", admin);
    CHECK(run_cli(env, command, out, sizeof out) == 0 && has(out, "removed color"), "%s", out);
    r = http("GET", s.public_port, "/color", NULL);
    CHECK(r.status == 404);
    reply_free(&r);

    /* A plugin: deployed with --plugin, listed with "plugin" as its ABI, called, removed. */
    char examples[4200];
    examples_folder(wasmhost, examples, sizeof examples);
    snprintf(command, sizeof command, "deploy %s --plugin up '%s/upper.wasm'", admin, examples);
    CHECK(run_cli(env, command, out, sizeof out) == 0 && has(out, "deployed up version 1"), "%s", out);
    r = http_on(NULL, "POST", s.public_port, "/v1/plugins/up/call/process", "abc", 3, NULL);
    CHECK(r.status == 200 && strcmp(r.body, "ABC") == 0, "%ld %s", r.status, r.body);
    reply_free(&r);
    snprintf(command, sizeof command, "services %s", admin);
    CHECK(run_cli(env, command, out, sizeof out) == 0 && has(out, "plugin") && has(out, "up"), "%s", out);
    snprintf(command, sizeof command, "deploy %s --plugin --route /x up '%s/upper.wasm'", admin, examples);
    CHECK(run_cli(env, command, out, sizeof out) == 2 && has(out, "no --route"), "%s", out);
    snprintf(command, sizeof command, "rm %s up", admin);
    CHECK(run_cli(env, command, out, sizeof out) == 1 && has(out, "is a plugin"), "%s", out);
    snprintf(command, sizeof command, "rm %s --plugin up", admin);
    CHECK(run_cli(env, command, out, sizeof out) == 0 && has(out, "removed up"), "%s", out);

    /* Refusals: the server's reason is printed, exit status 1. */
    snprintf(command, sizeof command, "rm %s color", admin);
    CHECK(run_cli(env, command, out, sizeof out) == 1 && has(out, "no service 'color'"), "%s", out);
    snprintf(command, sizeof command, "services %s", admin);
    CHECK(run_cli("", command, out, sizeof out) == 1 && has(out, "401"), "no token: %s", out);
    snprintf(command, sizeof command, "deploy %s --route /x --timeout soon bad '%s/blue.wasm'", admin, guests);
    CHECK(run_cli(env, command, out, sizeof out) == 1 && has(out, "not a duration"), "%s", out);
    snprintf(command, sizeof command, "deploy %s --route /x bad '%s/no-such.wasm'", admin, guests);
    CHECK(run_cli(env, command, out, sizeof out) == 1 && has(out, "no-such.wasm"), "%s", out);
    /* Usage errors: exit status 2. */
    snprintf(command, sizeof command, "deploy %s color '%s/blue.wasm'", admin, guests);
    CHECK(run_cli(env, command, out, sizeof out) == 2 && has(out, "--route"), "%s", out);
    CHECK(run_cli(env, "rollback", out, sizeof out) == 2, "%s", out);
    CHECK(served_stop(&s, false) == 0);
    served_free(&s);

    /* No server: a clear error. */
    snprintf(command, sizeof command, "services %s", admin);
    CHECK(run_cli(env, command, out, sizeof out) == 1 && has(out, "cannot reach the admin API"), "%s", out);
    curl_global_cleanup();
    return checks_done("admin_cli_test");
}
