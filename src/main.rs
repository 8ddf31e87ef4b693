// Rendering makes and drops millions of small strings and maps on several
// threads, phase after phase. Measured on the 10,000-recommendation
// synthetic site (benches/RESULTS.md): glibc's allocator 5.5 s and 207 MB at
// peak (its per-thread arenas keep freed memory), mimalloc 5.1-5.3 s and
// 187-220 MB, jemalloc 4.9-5.1 s and 154-168 MB.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read when it starts (`_RJEM_MALLOC_CONF` in the
/// environment still overrides them). One arena rather than eight per core:
/// the build frees on one thread much of what it made on another (the
/// datasets' tables, each language's record views), and each arena kept
/// those pages for its own thread. Dirty pages go back after a second and
/// are not kept half-freed ("muzzy"). Measured on the 10,000-record
/// synthetic site: peak RSS 178 -> 142-146 MB, CPU unchanged within noise
/// (benches/RESULTS.md).
#[cfg(not(target_env = "msvc"))]
#[unsafe(export_name = "_rjem_malloc_conf")]
static MALLOC_CONF: MallocConf =
    MallocConf(c"narenas:1,dirty_decay_ms:1000,muzzy_decay_ms:0".as_ptr());

/// A C string jemalloc reads at start-up; never written.
#[cfg(not(target_env = "msvc"))]
#[repr(transparent)]
struct MallocConf(*const std::ffi::c_char);

// SAFETY: it points at a constant byte string, read only.
#[cfg(not(target_env = "msvc"))]
unsafe impl Sync for MallocConf {}

fn main() -> std::process::ExitCode {
    lotrinh::app::cli::run()
}
