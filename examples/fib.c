/* fib.c: naive recursive Fibonacci, the example workload (built to wasm and, by fib_native.c, natively). */

/* fib(0) = 0, fib(1) = 1; exponential on purpose: it measures calls and integer arithmetic. */
int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
