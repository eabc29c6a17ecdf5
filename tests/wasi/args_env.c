/* args_env.c: the guest sees exactly the arguments and environment variables it was given. */
#include "wasi_test.h"

extern char **environ;

int main(int argc, char **argv)
{
    /* Run as: run --env EXPECT_ARGV0=FILE --env A=1 --env B=x=y --env-inherit WASI_TEST_INHERIT
     *         --env-inherit WASI_TEST_UNSET FILE one "two words" --flag "ünï cödé" */
    const char *argv0 = getenv("EXPECT_ARGV0");
    CHECK(argv0 != NULL);
    CHECK(argc == 5);
    if (argc == 5 && argv0) {
        CHECK(strcmp(argv[0], argv0) == 0);
        CHECK(strcmp(argv[1], "one") == 0);
        CHECK(strcmp(argv[2], "two words") == 0);
        CHECK(strcmp(argv[3], "--flag") == 0);
        CHECK(strcmp(argv[4], "ünï cödé") == 0);
    }
    CHECK(argv[argc] == NULL);

    CHECK(getenv("A") && strcmp(getenv("A"), "1") == 0);
    CHECK(getenv("B") && strcmp(getenv("B"), "x=y") == 0);
    CHECK(getenv("WASI_TEST_INHERIT") && strcmp(getenv("WASI_TEST_INHERIT"), "from the host") == 0);
    /* Nothing else of the host's environment. */
    CHECK(getenv("WASI_TEST_SECRET") == NULL);
    CHECK(getenv("WASI_TEST_UNSET") == NULL);
    CHECK(getenv("PATH") == NULL);
    CHECK(getenv("HOME") == NULL);
    int count = 0;
    for (char **e = environ; *e; e++)
        count++;
    CHECK(count == 4);

    /* The raw calls agree. */
    __wasi_size_t arg_count, arg_size, env_count, env_size;
    CHECK_OK(__wasi_args_sizes_get(&arg_count, &arg_size));
    CHECK(arg_count == 5);
    CHECK_OK(__wasi_environ_sizes_get(&env_count, &env_size));
    CHECK(env_count == 4);
    char *buffer = malloc(env_size);
    char **pointers = malloc(env_count * sizeof *pointers);
    CHECK_OK(__wasi_environ_get((uint8_t **)pointers, (uint8_t *)buffer));
    CHECK(strcmp(pointers[1], "A=1") == 0);
    CHECK(buffer[env_size - 1] == '\0');
    free(buffer);
    free(pointers);
    return checks_done("args_env");
}
