// Rendering makes and drops millions of small strings and maps on several
// threads, phase after phase. Measured on the 10,000-recommendation
// synthetic site (benches/RESULTS.md): glibc's allocator 5.5 s and 207 MB at
// peak (its per-thread arenas keep freed memory), mimalloc 5.1-5.3 s and
// 187-220 MB, jemalloc 4.9-5.1 s and 154-168 MB.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    lotrinh::app::cli::run()
}
