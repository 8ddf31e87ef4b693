// Rendering makes and drops millions of small strings and maps from two
// threads; mimalloc does that faster than glibc's allocator and hands freed
// memory back, which glibc's per-thread arenas keep (see benches/RESULTS.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    lotrinh::cli::run()
}
