use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (the Rust bindings do not name it).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// A server gives the pages it frees back to the system at once. By default mimalloc waits a
/// second and then purges only when the freeing thread allocates again, so what start-up
/// freed (the saved corpus state read whole, the index's id and hash maps) stayed resident
/// for good: 100 MB at 100 000 resources. One-shot commands keep the default: purging at
/// once made a full build 3 % slower, and their memory goes back when they exit.
fn purge_freed_pages_at_once() {
    // SAFETY: sets one of mimalloc's integer options; any value is valid for this one.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0)
    }
}

fn main() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // PROFINT_LOG_FORMAT=json: one JSON object per line, for log collectors.
    if std::env::var("PROFINT_LOG_FORMAT").as_deref() == Ok("json") {
        logs.json().init();
    } else {
        logs.init();
    }
    let cli = profint::cli::Cli::parse();
    if matches!(cli.command, profint::cli::Command::Serve { .. }) {
        purge_freed_pages_at_once();
    }
    match profint::cmd::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            std::process::exit(2);
        }
    }
}

#[cfg(test)]
mod tests {
    /// The option's number is mimalloc's ABI, not checked by the bindings: it must read the
    /// purge delay's documented default (1 000 ms in mimalloc 3) until it is set.
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        #[allow(unsafe_code)]
        let read = || unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(read(), 1000);
        super::purge_freed_pages_at_once();
        assert_eq!(read(), 0);
    }
}
