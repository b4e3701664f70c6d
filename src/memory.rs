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

/// A line of `/proc/self/status` in bytes (Linux); None elsewhere.
fn status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The process's peak resident memory since it started or since the last
/// `reset_peak`, in bytes (Linux: `VmHWM`); None elsewhere.
pub fn peak_resident() -> Option<u64> {
    status_bytes("VmHWM:")
}

/// The process's resident memory now, in bytes (Linux: `VmRSS`).
pub fn resident() -> Option<u64> {
    status_bytes("VmRSS:")
}

/// Starts a new peak for `peak_resident` (Linux: `clear_refs` 5), so that
/// each stage's peak can be read on its own. Does nothing where it cannot.
pub fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
