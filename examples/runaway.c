/* runaway.c: a function that recurses without bound, to show the engine stopping it with a trap. */

/* Volatile so that the compiler cannot see that the recursion never ends. */
static volatile int keep_going = 1;

int runaway(int depth)
{
    if (!keep_going)
        return depth;
    int inner = runaway(depth + 1);
    /* A volatile store after the call keeps it a real call (not a loop or a tail call). */
    keep_going = inner;
    return inner;
}
