/* Heap allocation counter by symbol interposition (glibc).
 *
 * A program that defines malloc, calloc, realloc, free and the aligned
 * allocators itself replaces glibc's for the whole process: the dynamic linker
 * resolves every call to them, from libstdc++'s operator new, Eigen's
 * aligned_malloc or glibc itself, to the executable's definitions first
 * (glibc documents this as "Replacing malloc"). Ours count the call when armed
 * and forward to glibc's allocator through its __libc_* entry points, so
 * nothing else changes. (valloc and pvalloc are left to glibc: nothing here
 * calls them.) Written in C so the prototypes match <stdlib.h>
 * exactly; linked only into the allocation test. */
#include "alloc_counter.h"

#include <errno.h>
#include <stdlib.h>

extern void* __libc_malloc(size_t size);
extern void* __libc_calloc(size_t count, size_t size);
extern void* __libc_realloc(void* ptr, size_t size);
extern void* __libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void* ptr);

static int armed;
static size_t allocations;

static void note_allocation(void) {
  if (__atomic_load_n(&armed, __ATOMIC_RELAXED))
    __atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED);
}

void alloc_counter_arm(void) {
  __atomic_store_n(&allocations, 0, __ATOMIC_SEQ_CST);
  __atomic_store_n(&armed, 1, __ATOMIC_SEQ_CST);
}

size_t alloc_counter_disarm(void) {
  __atomic_store_n(&armed, 0, __ATOMIC_SEQ_CST);
  return __atomic_load_n(&allocations, __ATOMIC_SEQ_CST);
}

void* malloc(size_t size) {
  note_allocation();
  return __libc_malloc(size);
}

void* calloc(size_t count, size_t size) {
  note_allocation();
  return __libc_calloc(count, size);
}

void* realloc(void* ptr, size_t size) {
  note_allocation();
  return __libc_realloc(ptr, size);
}

void free(void* ptr) { __libc_free(ptr); }

void* memalign(size_t alignment, size_t size) {
  note_allocation();
  return __libc_memalign(alignment, size);
}

void* aligned_alloc(size_t alignment, size_t size) {
  note_allocation();
  return __libc_memalign(alignment, size);
}

int posix_memalign(void** out, size_t alignment, size_t size) {
  note_allocation();
  if (alignment < sizeof(void*) || (alignment & (alignment - 1)) != 0) return EINVAL;
  void* p = __libc_memalign(alignment, size);
  if (p == NULL) return ENOMEM;
  *out = p;
  return 0;
}
