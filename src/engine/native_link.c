/* native_link.c: links the compiler library's ELF relocatable object (x86-64) into executable memory.
 *
 * Written by hand rather than through a system linker or LLVM's JIT linker: loading compiled
 * code must not need LLVM (a process running cached code never maps it), and the object is
 * small and regular: the sections LLVM emits for code and constants, RELA relocations of five
 * kinds, global entry symbols and undefined symbols naming functions of the engine. Every
 * offset, size and index is checked before it is used; the mapping is writable while it is
 * filled and then read+execute (code) or read-only (constants), never both writable and
 * executable. The object's .debug_line and .debug_info (not loaded) are relocated into copies
 * and read into the map from code to wasm byte offsets (native_lines.c).
 */
#define _GNU_SOURCE
#include "native.h"

#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "code.h"

/* A call or GOT reference to an external symbol goes through a 16-byte stub at the end of the
 * code: jmp *[rip+0] followed by the address (which is also the symbol's GOT entry). */
#define STUB_SIZE 16
#define STUB_ADDRESS_OFFSET 6

typedef struct link_state {
    const uint8_t *object;
    size_t size;
    const Elf64_Ehdr *header;
    const Elf64_Shdr *sections;
    uint32_t section_count;
    size_t *placed; /* per section: its offset in the mapping, SIZE_MAX when not loaded */
    const Elf64_Sym *symbols;
    uint32_t symbol_count;
    const char *strings;
    size_t strings_size;
    uint32_t *stub_of_symbol; /* per symbol: stub index + 1, 0 for none */
    uint32_t stub_count;
    size_t stubs_offset, code_size, total_size;
    uint8_t *mapping;
} link_state;

__attribute__((format(printf, 1, 2))) static eng_error *link_error(const char *format, ...)
{
    char message[256];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    return eng_error_new("compiled code cannot be linked: %s", message);
}

static bool range_ok(size_t total, uint64_t offset, uint64_t length)
{
    return offset <= total && length <= total - offset;
}

static const char *section_name(const link_state *s, const Elf64_Shdr *section)
{
    const Elf64_Shdr *names = &s->sections[s->header->e_shstrndx];
    if (section->sh_name >= names->sh_size)
        return "";
    const char *name = (const char *)s->object + names->sh_offset + section->sh_name;
    /* NUL-terminated within the table? */
    return memchr(name, 0, names->sh_size - section->sh_name) ? name : "";
}

static const char *symbol_name(const link_state *s, const Elf64_Sym *symbol)
{
    if (symbol->st_name >= s->strings_size)
        return "";
    const char *name = s->strings + symbol->st_name;
    return memchr(name, 0, s->strings_size - symbol->st_name) ? name : "";
}

static bool is_loaded(const Elf64_Shdr *section)
{
    return (section->sh_flags & SHF_ALLOC) && section->sh_size > 0 &&
           (section->sh_type == SHT_PROGBITS || section->sh_type == SHT_NOBITS);
}

static eng_error *read_headers(link_state *s)
{
    if (s->size < sizeof(Elf64_Ehdr))
        return link_error("the object is too short (%zu bytes)", s->size);
    s->header = (const Elf64_Ehdr *)s->object;
    const Elf64_Ehdr *h = s->header;
    if (memcmp(h->e_ident, ELFMAG, SELFMAG) != 0 || h->e_ident[EI_CLASS] != ELFCLASS64 ||
        h->e_ident[EI_DATA] != ELFDATA2LSB || h->e_type != ET_REL || h->e_machine != EM_X86_64)
        return link_error("not an x86-64 ELF relocatable object");
    if (h->e_shentsize != sizeof(Elf64_Shdr) ||
        !range_ok(s->size, h->e_shoff, (uint64_t)h->e_shnum * sizeof(Elf64_Shdr)) || h->e_shstrndx >= h->e_shnum ||
        h->e_shoff % 8)
        return link_error("the section headers are out of range (%u sections)", h->e_shnum);
    s->sections = (const Elf64_Shdr *)(s->object + h->e_shoff);
    s->section_count = h->e_shnum;
    for (uint32_t i = 0; i < s->section_count; i++) {
        const Elf64_Shdr *section = &s->sections[i];
        if (section->sh_type != SHT_NOBITS && section->sh_type != SHT_NULL &&
            !range_ok(s->size, section->sh_offset, section->sh_size))
            return link_error("section %u runs past the end of the object", i);
        if (section->sh_addralign > 4096)
            return link_error("section %s asks for an alignment above a page (%llu)", section_name(s, section),
                              (unsigned long long)section->sh_addralign);
        if (section->sh_type == SHT_SYMTAB) {
            if (s->symbols)
                return link_error("two symbol tables (section %u)", i);
            if (section->sh_entsize != sizeof(Elf64_Sym) || section->sh_link >= s->section_count ||
                section->sh_offset % 8)
                return link_error("malformed symbol table (section %u)", i);
            const Elf64_Shdr *strings = &s->sections[section->sh_link];
            if (strings->sh_type != SHT_STRTAB)
                return link_error("the symbol names are not a string table (section %u)", section->sh_link);
            s->symbols = (const Elf64_Sym *)(s->object + section->sh_offset);
            s->symbol_count = (uint32_t)(section->sh_size / sizeof(Elf64_Sym));
            s->strings = (const char *)s->object + strings->sh_offset;
            s->strings_size = strings->sh_size;
        }
    }
    if (!s->symbols)
        return link_error("the object has no symbol table");
    return NULL;
}

/* Code first, then constants; writable data would be shared by every instance: refused. */
static eng_error *place_sections(link_state *s)
{
    s->placed = malloc(s->section_count * sizeof *s->placed);
    s->stub_of_symbol = calloc(s->symbol_count + 1, sizeof *s->stub_of_symbol);
    if (!s->placed || !s->stub_of_symbol)
        return eng_error_new("out of memory while linking compiled code");
    size_t offset = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < s->section_count; i++) {
            const Elf64_Shdr *section = &s->sections[i];
            if (pass == 0)
                s->placed[i] = SIZE_MAX;
            if (!is_loaded(section) || !!(section->sh_flags & SHF_EXECINSTR) != (pass == 0))
                continue;
            if (section->sh_flags & SHF_WRITE)
                return link_error("section %s is writable", section_name(s, section));
            size_t align = section->sh_addralign ? section->sh_addralign : 1;
            offset = (offset + align - 1) & ~(align - 1);
            s->placed[i] = offset;
            offset += section->sh_size;
        }
        if (pass == 0) {
            /* The stubs close the code; constants start on the next page (read-only). */
            offset = (offset + 15) & ~(size_t)15;
            s->stubs_offset = offset;
            for (uint32_t i = 0; i < s->symbol_count; i++)
                if (s->symbols[i].st_shndx == SHN_UNDEF && s->symbols[i].st_name)
                    s->stub_of_symbol[i] = ++s->stub_count;
            offset += (size_t)s->stub_count * STUB_SIZE;
            size_t page = (size_t)sysconf(_SC_PAGESIZE);
            offset = (offset + page - 1) & ~(page - 1);
            s->code_size = offset;
        }
    }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    s->total_size = (offset + page - 1) & ~(page - 1);
    if (!s->total_size)
        s->total_size = page;
    return NULL;
}

static eng_error *fill_stubs(link_state *s)
{
    for (uint32_t i = 0; i < s->symbol_count; i++) {
        if (!s->stub_of_symbol[i])
            continue;
        const char *name = symbol_name(s, &s->symbols[i]);
        void *address = eng_native_symbol(name);
        if (!address)
            return link_error("the code calls %s, which the engine does not provide", name);
        uint8_t *stub = s->mapping + s->stubs_offset + (size_t)(s->stub_of_symbol[i] - 1) * STUB_SIZE;
        static const uint8_t jump[STUB_ADDRESS_OFFSET] = {0xff, 0x25, 0, 0, 0, 0}; /* jmp *[rip+0] */
        memcpy(stub, jump, sizeof jump);
        uint64_t value = (uint64_t)(uintptr_t)address;
        memcpy(stub + STUB_ADDRESS_OFFSET, &value, sizeof value);
    }
    return NULL;
}

/* The address a relocation's symbol stands for; for calls and GOT loads of externals, the stub
 * or its address cell. In debug information (`debug`), a symbol of a section that is not loaded
 * (another debug section) stands for its offset in that section. */
static eng_error *symbol_value(const link_state *s, uint32_t index, uint32_t type, bool debug, uint64_t *out)
{
    if (index == 0 || index >= s->symbol_count)
        return link_error("a relocation names symbol %u, which does not exist", index);
    const Elf64_Sym *symbol = &s->symbols[index];
    uint64_t base = (uint64_t)(uintptr_t)s->mapping;
    if (symbol->st_shndx == SHN_UNDEF) {
        if (!s->stub_of_symbol[index])
            return link_error("a relocation names an unnamed undefined symbol (%u)", index);
        uint64_t stub = base + s->stubs_offset + (uint64_t)(s->stub_of_symbol[index] - 1) * STUB_SIZE;
        bool got = type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX || type == R_X86_64_REX_GOTPCRELX;
        *out = got ? stub + STUB_ADDRESS_OFFSET : stub;
        return NULL;
    }
    if (symbol->st_shndx == SHN_ABS) {
        *out = symbol->st_value;
        return NULL;
    }
    if (debug && symbol->st_shndx < s->section_count && s->placed[symbol->st_shndx] == SIZE_MAX &&
        symbol->st_shndx != SHN_UNDEF) {
        *out = symbol->st_value;
        return NULL;
    }
    if (symbol->st_shndx >= s->section_count || s->placed[symbol->st_shndx] == SIZE_MAX)
        return link_error("symbol %s is in a section that is not loaded (%u)", symbol_name(s, symbol),
                          (unsigned)symbol->st_shndx);
    if (symbol->st_value > s->sections[symbol->st_shndx].sh_size)
        return link_error("symbol %s lies outside its section", symbol_name(s, symbol));
    *out = base + s->placed[symbol->st_shndx] + symbol->st_value;
    return NULL;
}

/* Applies relocation section `section` to the bytes of the section it is for, at `target_base`
 * (a copy of a debug section when `debug`: references to other debug sections are offsets). */
static eng_error *relocate_section(link_state *s, const Elf64_Shdr *section, uint8_t *target_base, bool debug)
{
    const Elf64_Shdr *target = &s->sections[section->sh_info];
    const Elf64_Rela *relocations = (const Elf64_Rela *)(s->object + section->sh_offset);
    size_t count = section->sh_size / sizeof(Elf64_Rela);
    for (size_t r = 0; r < count; r++) {
        const Elf64_Rela *relocation = &relocations[r];
        uint32_t type = (uint32_t)ELF64_R_TYPE(relocation->r_info);
        uint64_t value = 0;
        eng_error *error = symbol_value(s, (uint32_t)ELF64_R_SYM(relocation->r_info), type, debug, &value);
        if (error)
            return error;
        uint64_t place = (uint64_t)(uintptr_t)target_base + relocation->r_offset;
        value += (uint64_t)relocation->r_addend;
        unsigned width = type == R_X86_64_64 ? 8 : 4;
        if (!range_ok(target->sh_size, relocation->r_offset, width))
            return link_error("a relocation of section %s lies outside it (offset %llu)", section_name(s, target),
                              (unsigned long long)relocation->r_offset);
        switch (type) {
        case R_X86_64_64: memcpy(target_base + relocation->r_offset, &value, 8); break;
        case R_X86_64_32: {
            uint32_t narrow = (uint32_t)value;
            if (!debug || narrow != value)
                return link_error("a 32-bit reference in %s is out of reach (offset %llu)", section_name(s, target),
                                  (unsigned long long)relocation->r_offset);
            memcpy(target_base + relocation->r_offset, &narrow, 4);
            break;
        }
        case R_X86_64_PC32:
        case R_X86_64_PLT32:
        case R_X86_64_GOTPCREL:
        case R_X86_64_GOTPCRELX:
        case R_X86_64_REX_GOTPCRELX: {
            int64_t delta = (int64_t)(value - place);
            if (delta != (int32_t)delta)
                return link_error("a relative reference in %s is out of reach (offset %llu)", section_name(s, target),
                                  (unsigned long long)relocation->r_offset);
            int32_t narrow = (int32_t)delta;
            memcpy(target_base + relocation->r_offset, &narrow, 4);
            break;
        }
        default: return link_error("relocation type %u is not supported", type);
        }
    }
    return NULL;
}

static bool relocation_section_ok(const link_state *s, const Elf64_Shdr *section)
{
    return section->sh_info < s->section_count && section->sh_entsize == sizeof(Elf64_Rela) &&
           section->sh_offset % 8 == 0;
}

static eng_error *apply_relocations(link_state *s)
{
    for (uint32_t i = 0; i < s->section_count; i++) {
        const Elf64_Shdr *section = &s->sections[i];
        if (section->sh_type == SHT_REL)
            return link_error("REL relocations (section %s) are not supported", section_name(s, section));
        if (section->sh_type != SHT_RELA)
            continue;
        if (!relocation_section_ok(s, section))
            return link_error("malformed relocation section %s", section_name(s, section));
        if (s->placed[section->sh_info] == SIZE_MAX)
            continue; /* relocations of a section not loaded (debug information, addrsig) */
        eng_error *error = relocate_section(s, section, s->mapping + s->placed[section->sh_info], false);
        if (error)
            return error;
    }
    return NULL;
}

/* A relocated copy of debug section `name` (its addresses are relocations against the code, its
 * references to other debug sections relocations too), or NULL with *size 0 when the object
 * has none. */
static eng_error *debug_section(link_state *s, const char *name, uint8_t **out, size_t *size)
{
    *out = NULL;
    *size = 0;
    for (uint32_t i = 0; i < s->section_count; i++) {
        const Elf64_Shdr *section = &s->sections[i];
        if (section->sh_type != SHT_PROGBITS || strcmp(section_name(s, section), name) != 0)
            continue;
        uint8_t *copy = malloc(section->sh_size ? section->sh_size : 1);
        if (!copy)
            return eng_error_new("out of memory while linking compiled code");
        memcpy(copy, s->object + section->sh_offset, section->sh_size);
        eng_error *error = NULL;
        for (uint32_t r = 0; !error && r < s->section_count; r++)
            if (s->sections[r].sh_type == SHT_RELA && s->sections[r].sh_info == i)
                error = relocate_section(s, &s->sections[r], copy, true);
        if (error) {
            free(copy);
            return error;
        }
        *out = copy;
        *size = section->sh_size;
        return NULL;
    }
    return NULL;
}

/* The map from code to wasm positions (native_lines.c): .debug_line's rows, and the inlined
 * calls of .debug_info. An object without them links without the map: backtraces then show
 * no byte offsets in compiled frames. */
static eng_error *read_debug_information(link_state *s, eng_native_image *image)
{
    uint8_t *line = NULL, *info = NULL, *abbrev = NULL, *ranges = NULL;
    size_t line_size, info_size, abbrev_size, ranges_size;
    uint32_t *files = NULL, file_count = 0;
    eng_error *error = debug_section(s, ".debug_line", &line, &line_size);
    if (!error && line)
        error = eng_native_read_lines(line, line_size, (uintptr_t)s->mapping, s->code_size, image->function_count,
                                      &image->lines, &image->line_count, &files, &file_count);
    if (!error && line)
        error = debug_section(s, ".debug_info", &info, &info_size);
    if (!error && info)
        error = debug_section(s, ".debug_abbrev", &abbrev, &abbrev_size);
    if (!error && info)
        error = debug_section(s, ".debug_ranges", &ranges, &ranges_size);
    if (!error && info)
        error =
            eng_native_read_inlines(info, info_size, abbrev, abbrev_size, ranges, ranges_size, (uintptr_t)s->mapping,
                                    s->code_size, files, file_count, &image->inlines, &image->inline_count);
    free(line);
    free(info);
    free(abbrev);
    free(ranges);
    free(files);
    return error;
}

/* "wasm_entry_<i>" symbols: the entries of the compiled functions. */
static eng_error *find_entries(const link_state *s, eng_native_image *image)
{
    static const char prefix[] = "wasm_entry_", direct_prefix[] = "wasm_direct_";
    for (uint32_t i = 1; i < s->symbol_count; i++) {
        const Elf64_Sym *symbol = &s->symbols[i];
        if (ELF64_ST_BIND(symbol->st_info) != STB_GLOBAL || symbol->st_shndx == SHN_UNDEF)
            continue;
        const char *name = symbol_name(s, symbol);
        bool direct = strncmp(name, direct_prefix, sizeof direct_prefix - 1) == 0;
        if (!direct && strncmp(name, prefix, sizeof prefix - 1) != 0)
            continue;
        const char *number = name + (direct ? sizeof direct_prefix : sizeof prefix) - 1;
        char *end;
        unsigned long index = strtoul(number, &end, 10);
        if (*end || end == number || index >= image->function_count)
            return link_error("entry symbol %s names no function of the module", name);
        uint64_t address = 0;
        eng_error *error = symbol_value(s, i, R_X86_64_64, false, &address);
        if (error)
            return error;
        if (symbol->st_shndx >= s->section_count || !(s->sections[symbol->st_shndx].sh_flags & SHF_EXECINSTR))
            return link_error("entry symbol %s is not code", name);
        if (direct) {
            image->functions[index] = (const void *)(uintptr_t)address;
            continue;
        }
        if (!image->entries[index])
            image->native_count++;
        image->entries[index] = (eng_native_entry)(uintptr_t)address;
    }
    return NULL;
}

static int by_start(const void *a, const void *b)
{
    const struct eng_native_range *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* Where each compiled function's code lies: its "wasm_function_<i>" symbol (local), or
 * "wasm_direct_<i>" when LLVM made the alias the function's own name. */
static eng_error *find_ranges(const link_state *s, eng_native_image *image)
{
    static const char *const prefixes[] = {"wasm_function_", "wasm_direct_"};
    image->ranges = calloc(image->function_count + 1, sizeof *image->ranges);
    bool *found = calloc(image->function_count + 1, sizeof *found);
    if (!image->ranges || !found) {
        free(found);
        return eng_error_new("out of memory while linking compiled code");
    }
    for (uint32_t i = 1; i < s->symbol_count; i++) {
        const Elf64_Sym *symbol = &s->symbols[i];
        if (ELF64_ST_TYPE(symbol->st_info) != STT_FUNC || !symbol->st_size || symbol->st_shndx == SHN_UNDEF)
            continue;
        const char *name = symbol_name(s, symbol), *number = NULL;
        for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++)
            if (strncmp(name, prefixes[p], strlen(prefixes[p])) == 0)
                number = name + strlen(prefixes[p]);
        char *end;
        unsigned long index = number ? strtoul(number, &end, 10) : 0;
        if (!number || *end || end == number || index >= image->function_count || found[index])
            continue; /* not one of ours, or a second name of the same code */
        uint64_t address = 0;
        eng_error *error = symbol_value(s, i, R_X86_64_64, false, &address);
        if (error) {
            free(found);
            return error;
        }
        found[index] = true;
        image->ranges[image->range_count++] =
            (struct eng_native_range){(uintptr_t)address, (uintptr_t)(address + symbol->st_size), (uint32_t)index};
    }
    free(found);
    qsort(image->ranges, image->range_count, sizeof *image->ranges, by_start);
    image->code_start = (uintptr_t)s->mapping;
    image->code_end = (uintptr_t)s->mapping + s->code_size;
    return NULL;
}

bool eng_native_function_at(const eng_native_image *image, uintptr_t pc, uint32_t *function)
{
    uint32_t low = 0, high = image->range_count;
    while (low < high) {
        uint32_t middle = low + (high - low) / 2;
        if (pc < image->ranges[middle].start)
            high = middle;
        else if (pc >= image->ranges[middle].end)
            low = middle + 1;
        else {
            *function = image->ranges[middle].function;
            return true;
        }
    }
    return false;
}

/* The NATIVE stub of each compiled function: what instances give it as its interpreter code. */
static eng_error *make_stubs(const eng_module *module, eng_native_image *image)
{
    static uint32_t native_cells[1] = {ENG_OP_NATIVE};
    for (uint32_t i = 0; i < image->function_count; i++) {
        if (!image->entries[i])
            continue;
        const eng_functype *type = &module->types[module->func_defs[i].type_index];
        eng_code *stub = &image->stubs[i];
        stub->cells = native_cells;
        stub->cell_count = 1;
        stub->param_count = type->param_slots;
        stub->local_count = type->param_slots;
        stub->result_count = type->result_slots;
        stub->frame_slots = type->param_slots > type->result_slots ? type->param_slots : type->result_slots;
        stub->checks = image->checks;
        const eng_code *interpreted = module->func_defs[i].code;
        stub->may_write_memory = interpreted ? interpreted->may_write_memory : true;
    }
    return NULL;
}

eng_error *eng_native_link(const eng_module *module, const uint8_t *object, size_t size, uint32_t checks,
                           uint64_t cpu_features, eng_native_image **out)
{
    *out = NULL;
    link_state s = {.object = object, .size = size};
    eng_native_image *image = calloc(1, sizeof *image);
    eng_error *error = NULL;
    if (!image)
        return eng_error_new("out of memory while linking compiled code");
    image->function_count = module->func_def_count;
    image->checks = checks;
    image->cpu_features = cpu_features;
    image->object = malloc(size ? size : 1);
    image->object_size = size;
    if (image->object)
        memcpy(image->object, object, size);
    image->entries = calloc(module->func_def_count + 1, sizeof *image->entries);
    image->stubs = calloc(module->func_def_count + 1, sizeof *image->stubs);
    image->functions = calloc(module->func_def_count + 1, sizeof *image->functions);
    if (!image->entries || !image->stubs || !image->functions || !image->object)
        error = eng_error_new("out of memory while linking compiled code");
    /* Read from the copy: malloc aligns it for the ELF structures (an artifact's object need not be). */
    s.object = image->object;
    if (!error)
        error = read_headers(&s);
    if (!error)
        error = place_sections(&s);
    if (!error) {
        s.mapping = mmap(NULL, s.total_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (s.mapping == MAP_FAILED) {
            s.mapping = NULL;
            error = eng_error_new("cannot map %zu bytes for compiled code", s.total_size);
        } else {
            image->mapping = s.mapping;
            image->mapping_size = s.total_size;
        }
    }
    for (uint32_t i = 0; !error && i < s.section_count; i++)
        if (s.placed[i] != SIZE_MAX && s.sections[i].sh_type == SHT_PROGBITS)
            memcpy(s.mapping + s.placed[i], s.object + s.sections[i].sh_offset, s.sections[i].sh_size);
    if (!error)
        error = fill_stubs(&s);
    if (!error)
        error = apply_relocations(&s);
    if (!error)
        error = find_entries(&s, image);
    if (!error)
        error = find_ranges(&s, image);
    if (!error)
        error = read_debug_information(&s, image);
    if (!error)
        error = make_stubs(module, image);
    if (!error &&
        (mprotect(s.mapping, s.code_size, PROT_READ | PROT_EXEC) != 0 ||
         (s.total_size > s.code_size && mprotect(s.mapping + s.code_size, s.total_size - s.code_size, PROT_READ) != 0)))
        error = eng_error_new("cannot make compiled code executable (mprotect failed)");
    free(s.placed);
    free(s.stub_of_symbol);
    if (error) {
        eng_native_image_free(image);
        return error;
    }
    *out = image;
    return NULL;
}

void eng_native_image_free(eng_native_image *image)
{
    if (!image)
        return;
    if (image->mapping)
        munmap(image->mapping, image->mapping_size);
    free(image->entries);
    free(image->functions);
    free(image->ranges);
    free(image->lines);
    free(image->inlines);
    free(image->stubs);
    free(image->object);
    free(image);
}

void eng_module_attach_native(eng_module *module, eng_native_image *image)
{
    eng_native_image *expected = NULL;
    if (!atomic_compare_exchange_strong_explicit(&module->native, &expected, image, memory_order_acq_rel,
                                                 memory_order_acquire))
        eng_native_image_free(image);
}
