fn main() -> std::process::ExitCode {
    lotrinh::cli::run()
}
