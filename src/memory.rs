//! Giving freed memory back to the system between stages. glibc's allocator
//! keeps the pages a stage freed (in each thread's arena) for later use, so a
//! run's resident memory only ever grows; `malloc_trim` returns the free
//! pages. Elsewhere this does nothing. Also the resident memory, for the
//! log's figures of each stage.

/// Returns the allocator's free pages to the system (glibc only).
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The process's resident memory now, in bytes (Linux: `VmRSS` of
/// `/proc/self/status`); None elsewhere.
pub fn resident() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The highest resident memory seen since the last `take`, sampled every
/// 10 ms by a thread of its own: each stage's peak, for the log. (The
/// kernel's own high-water mark is left alone, so that `/usr/bin/time` and
/// other outside measures still see the whole run's peak.)
pub struct PeakWatch {
    peak: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl PeakWatch {
    pub fn start() -> PeakWatch {
        use std::sync::atomic::Ordering;
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(resident().unwrap_or(0)));
        let seen = std::sync::Arc::downgrade(&peak);
        // The thread ends when the watch is dropped.
        let _ = std::thread::Builder::new()
            .name("peak-watch".into())
            .spawn(move || {
                while let Some(peak) = seen.upgrade() {
                    if let Some(now) = resident() {
                        peak.fetch_max(now, Ordering::Relaxed);
                    }
                    drop(peak);
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
            });
        PeakWatch { peak }
    }

    /// The peak since the last call (or the start), in bytes; the next
    /// starts from the memory held now.
    pub fn take(&self) -> u64 {
        use std::sync::atomic::Ordering;
        let now = resident().unwrap_or(0);
        self.peak.swap(now, Ordering::Relaxed).max(now)
    }
}
