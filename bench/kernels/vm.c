/* vm.c: branchy code, a small bytecode interpreter. A stack machine with a switch-dispatched loop runs
 * three programs, assembled at run time with labels: summed Collatz chain lengths, a prime count by
 * trial division, and a bubble sort in the VM's memory. Each result is checked against the same
 * computation in plain C. Returns a checksum >= 0, or a negative value if the VM gets something wrong. */
#include <stdint.h>

/* The opcodes grouped by what they take. */
/* clang-format off */
enum {
    HALT, PUSH, POP, DUP, SWAP,
    LOAD, STORE, INC,  /* operand: local variable slot */
    MLOAD, MSTORE,     /* VM memory: address (and value) on the stack */
    ADD, SUB, MUL, DIVU, REMU, AND, OR, XOR, SHL, SHRU,
    EQ, NE, LTU, GTU, LEU,
    JMP, JZ, JNZ,      /* operand: absolute target */
};
/* clang-format on */

#define STACK 64
#define LOCALS 16
#define MEMORY 4096
static uint32_t vm_memory[MEMORY];
static uint32_t ref[MEMORY];

static volatile uint32_t collatz_n_v = 130000;
static volatile uint32_t primes_n_v = 60000;
static volatile uint32_t sort_n_v = 1400;

static uint32_t execute(const int32_t *code, uint32_t *locals)
{
    uint32_t stack[STACK];
    int sp = 0, pc = 0;
    for (;;) {
        int32_t op = code[pc++];
        /* One line per opcode, as an interpreter's table reads best. */
        /* clang-format off */
        switch (op) {
        case HALT: return sp > 0 ? stack[sp - 1] : 0;
        case PUSH: stack[sp++] = (uint32_t)code[pc++]; break;
        case POP: sp--; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case SWAP: { uint32_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case LOAD: stack[sp++] = locals[code[pc++]]; break;
        case STORE: locals[code[pc++]] = stack[--sp]; break;
        case INC: locals[code[pc++]]++; break;
        case MLOAD: stack[sp - 1] = vm_memory[stack[sp - 1] % MEMORY]; break;
        case MSTORE: { uint32_t v = stack[--sp], a = stack[--sp]; vm_memory[a % MEMORY] = v; break; }
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case DIVU: sp--; stack[sp - 1] = stack[sp] ? stack[sp - 1] / stack[sp] : 0; break;
        case REMU: sp--; stack[sp - 1] = stack[sp] ? stack[sp - 1] % stack[sp] : 0; break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OR: sp--; stack[sp - 1] |= stack[sp]; break;
        case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case SHL: sp--; stack[sp - 1] <<= (stack[sp] & 31); break;
        case SHRU: sp--; stack[sp - 1] >>= (stack[sp] & 31); break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case NE: sp--; stack[sp - 1] = stack[sp - 1] != stack[sp]; break;
        case LTU: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case GTU: sp--; stack[sp - 1] = stack[sp - 1] > stack[sp]; break;
        case LEU: sp--; stack[sp - 1] = stack[sp - 1] <= stack[sp]; break;
        case JMP: pc = code[pc]; break;
        case JZ: pc = stack[--sp] == 0 ? code[pc] : pc + 1; break;
        case JNZ: pc = stack[--sp] != 0 ? code[pc] : pc + 1; break;
        default: return 0xffffffffu;
        }
        /* clang-format on */
    }
}

/* A tiny assembler: instructions, labels, and jumps to labels patched at the end. */
#define CODE 512
#define LABELS 16
static int32_t code[CODE];
static int code_len, labels[LABELS], fixups[64], fixup_labels[64], nfixups;

static void asm_begin(void)
{
    code_len = 0;
    nfixups = 0;
}
static void op0(int32_t op) { code[code_len++] = op; }
static void op1(int32_t op, int32_t arg)
{
    code[code_len++] = op;
    code[code_len++] = arg;
}
static void jump(int32_t op, int label)
{
    code[code_len++] = op;
    fixups[nfixups] = code_len;
    fixup_labels[nfixups++] = label;
    code[code_len++] = -1;
}
static void label(int l) { labels[l] = code_len; }
static void asm_end(void)
{
    for (int i = 0; i < nfixups; i++)
        code[fixups[i]] = labels[fixup_labels[i]];
}

/* Sum of Collatz chain lengths for n = 1 .. N-1. Locals: 0 = N, 1 = n, 2 = x, 3 = total. */
static void assemble_collatz(void)
{
    enum { OUTER, INNER, EVEN, COUNT, NEXT, DONE };
    asm_begin();
    op1(PUSH, 1);
    op1(STORE, 1);
    op1(PUSH, 0);
    op1(STORE, 3);
    label(OUTER);
    op1(LOAD, 1);
    op1(LOAD, 0);
    op0(LTU);
    jump(JZ, DONE);
    op1(LOAD, 1);
    op1(STORE, 2);
    label(INNER);
    op1(LOAD, 2);
    op1(PUSH, 1);
    op0(NE);
    jump(JZ, NEXT);
    op1(LOAD, 2);
    op1(PUSH, 1);
    op0(AND);
    jump(JZ, EVEN);
    op1(LOAD, 2);
    op1(PUSH, 3);
    op0(MUL);
    op1(PUSH, 1);
    op0(ADD);
    op1(STORE, 2);
    jump(JMP, COUNT);
    label(EVEN);
    op1(LOAD, 2);
    op1(PUSH, 1);
    op0(SHRU);
    op1(STORE, 2);
    label(COUNT);
    op1(INC, 3);
    jump(JMP, INNER);
    label(NEXT);
    op1(INC, 1);
    jump(JMP, OUTER);
    label(DONE);
    op1(LOAD, 3);
    op0(HALT);
    asm_end();
}

/* Count of primes below N by trial division. Locals: 0 = N, 1 = n, 2 = d, 3 = count. */
static void assemble_primes(void)
{
    enum { OUTER, TRIAL, PRIME, NEXT, DONE };
    asm_begin();
    op1(PUSH, 2);
    op1(STORE, 1);
    op1(PUSH, 0);
    op1(STORE, 3);
    label(OUTER);
    op1(LOAD, 1);
    op1(LOAD, 0);
    op0(LTU);
    jump(JZ, DONE);
    op1(PUSH, 2);
    op1(STORE, 2);
    label(TRIAL);
    op1(LOAD, 2);
    op1(LOAD, 2);
    op0(MUL);
    op1(LOAD, 1);
    op0(LEU);
    jump(JZ, PRIME);
    op1(LOAD, 1);
    op1(LOAD, 2);
    op0(REMU);
    jump(JZ, NEXT);
    op1(INC, 2);
    jump(JMP, TRIAL);
    label(PRIME);
    op1(INC, 3);
    label(NEXT);
    op1(INC, 1);
    jump(JMP, OUTER);
    label(DONE);
    op1(LOAD, 3);
    op0(HALT);
    asm_end();
}

/* Bubble sort of memory[0 .. N-1], then sum(memory[i] * (i + 1)).
 * Locals: 0 = N, 1 = i, 2 = j, 3 = sum, 4 = a, 5 = b. */
static void assemble_sort(void)
{
    enum { LI, LJ, JNEXT, INEXT, SUM, LS, END };
    asm_begin();
    op1(PUSH, 0);
    op1(STORE, 1);
    label(LI);
    op1(LOAD, 1);
    op1(LOAD, 0);
    op0(LTU);
    jump(JZ, SUM);
    op1(PUSH, 0);
    op1(STORE, 2);
    label(LJ);
    op1(LOAD, 2);
    op1(LOAD, 0);
    op1(LOAD, 1);
    op0(SUB);
    op1(PUSH, 1);
    op0(SUB);
    op0(LTU);
    jump(JZ, INEXT);
    op1(LOAD, 2);
    op0(MLOAD);
    op1(STORE, 4);
    op1(LOAD, 2);
    op1(PUSH, 1);
    op0(ADD);
    op0(MLOAD);
    op1(STORE, 5);
    op1(LOAD, 4);
    op1(LOAD, 5);
    op0(GTU);
    jump(JZ, JNEXT);
    op1(LOAD, 2);
    op1(LOAD, 5);
    op0(MSTORE);
    op1(LOAD, 2);
    op1(PUSH, 1);
    op0(ADD);
    op1(LOAD, 4);
    op0(MSTORE);
    label(JNEXT);
    op1(INC, 2);
    jump(JMP, LJ);
    label(INEXT);
    op1(INC, 1);
    jump(JMP, LI);
    label(SUM);
    op1(PUSH, 0);
    op1(STORE, 3);
    op1(PUSH, 0);
    op1(STORE, 1);
    label(LS);
    op1(LOAD, 1);
    op1(LOAD, 0);
    op0(LTU);
    jump(JZ, END);
    op1(LOAD, 1);
    op0(MLOAD);
    op1(LOAD, 1);
    op1(PUSH, 1);
    op0(ADD);
    op0(MUL);
    op1(LOAD, 3);
    op0(ADD);
    op1(STORE, 3);
    op1(INC, 1);
    jump(JMP, LS);
    label(END);
    op1(LOAD, 3);
    op0(HALT);
    asm_end();
}

static uint32_t rng_state;
static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

int run(void)
{
    uint32_t locals[LOCALS];
    uint32_t check, got, want;

    /* Collatz. */
    uint32_t n_end = collatz_n_v;
    for (int i = 0; i < LOCALS; i++)
        locals[i] = 0;
    locals[0] = n_end;
    assemble_collatz();
    got = execute(code, locals);
    want = 0;
    for (uint32_t n = 1; n < n_end; n++)
        for (uint32_t x = n; x != 1; want++)
            x = (x & 1) ? 3 * x + 1 : x >> 1;
    if (got != want)
        return -1;
    check = got;

    /* Primes. */
    uint32_t p_end = primes_n_v;
    for (int i = 0; i < LOCALS; i++)
        locals[i] = 0;
    locals[0] = p_end;
    assemble_primes();
    got = execute(code, locals);
    want = 0;
    for (uint32_t n = 2; n < p_end; n++) {
        uint32_t d = 2;
        while (d * d <= n && n % d != 0)
            d++;
        want += d * d > n;
    }
    if (got != want)
        return -2;
    check = check * 31u + got;

    /* Bubble sort. */
    uint32_t s_n = sort_n_v;
    rng_state = 0x2545f491u;
    for (uint32_t i = 0; i < s_n; i++)
        vm_memory[i] = ref[i] = xorshift32() % 100000;
    for (int i = 0; i < LOCALS; i++)
        locals[i] = 0;
    locals[0] = s_n;
    assemble_sort();
    got = execute(code, locals);
    for (uint32_t i = 0; i < s_n; i++)
        for (uint32_t j = 0; j + 1 < s_n - i; j++)
            if (ref[j] > ref[j + 1]) {
                uint32_t t = ref[j];
                ref[j] = ref[j + 1];
                ref[j + 1] = t;
            }
    want = 0;
    for (uint32_t i = 0; i < s_n; i++) {
        if (vm_memory[i] != ref[i] || (i > 0 && ref[i - 1] > ref[i]))
            return -3;
        want += ref[i] * (i + 1);
    }
    if (got != want)
        return -4;
    check = check * 31u + got;
    return (int)(check & 0x7fffffff);
}
