//! Giving freed memory back to the system between stages. glibc's allocator
//! keeps the pages a stage freed (in each thread's arena) for later use, so a
//! run's resident memory only ever grows; `malloc_trim` returns the free
//! pages. Elsewhere this does nothing.

/// Returns the allocator's free pages to the system (glibc only).
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}
