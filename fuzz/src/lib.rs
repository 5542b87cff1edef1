//! What the fuzz targets share: a memory meter that is also a hard limit, and the
//! seed configuration, parsed once, with its rules.
//!
//! Why a meter of our own: libFuzzer's `-malloc_limit_mb` needs a sanitizer's malloc
//! hooks, and sanitizers need a nightly compiler, which this project does not use. So
//! every Rust allocation goes through [`Metered`], which (1) aborts the process, a
//! crash libFuzzer reports and saves, as soon as the live heap passes
//! [`HARD_LIMIT_BYTES`], and (2) records the peak, so each target can assert that the
//! memory an input costs grows at most linearly with its length.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use assent::{Config, Rules};

/// No input may make the heap hold more than this at once (scripts/fuzz.sh runs
/// libFuzzer with `-rss_limit_mb=1024`, which also counts libFuzzer's own memory).
pub const HARD_LIMIT_BYTES: usize = 768 << 20;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

pub struct Metered;

#[global_allocator]
static ALLOCATOR: Metered = Metered;

impl Metered {
    fn grow(size: usize) {
        let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
        if live > HARD_LIMIT_BYTES {
            // No formatting here: it could allocate inside the allocator.
            let _ = std::io::stderr()
                .write_all(b"\n== assent-fuzz: live heap over the hard limit, aborting\n");
            std::process::abort();
        }
        PEAK.fetch_max(live, Ordering::Relaxed);
    }
    fn shrink(size: usize) {
        LIVE.fetch_sub(size, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counters
// only observe sizes.
unsafe impl GlobalAlloc for Metered {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::grow(layout.size());
        let ptr = System.alloc(layout);
        if ptr.is_null() {
            Self::shrink(layout.size());
        }
        ptr
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::grow(layout.size());
        let ptr = System.alloc_zeroed(layout);
        if ptr.is_null() {
            Self::shrink(layout.size());
        }
        ptr
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        Self::shrink(layout.size());
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            Self::grow(new_size - layout.size());
        }
        let new = System.realloc(ptr, layout, new_size);
        if new.is_null() {
            if new_size > layout.size() {
                Self::shrink(new_size - layout.size());
            }
        } else if new_size < layout.size() {
            Self::shrink(layout.size() - new_size);
        }
        new
    }
}

/// Runs `f` and returns its result with the most heap it held at once beyond what
/// was live before (the result's own allocations included, as it is still alive).
pub fn measure<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = f();
    let peak = PEAK.load(Ordering::Relaxed);
    (result, peak.saturating_sub(before))
}

/// The most heap an input may hold at once per byte of its length. The parsed JSON
/// tree is the worst case: serde_json gives every object, however small, a B-tree node
/// of some 600 bytes, so `[{"":0},{"":0},…]` holds about 98 bytes per input byte (206
/// MB at the configuration's 2 MiB limit; a list of numbers holds 16). The bound lets
/// that through and fails anything that grows faster than the input.
pub const HEAP_PER_INPUT_BYTE: usize = 128;

/// Asserts that an input of `len` bytes held at most [`HEAP_PER_INPUT_BYTE`] per byte
/// plus 1 MiB: memory bounded by the input, which the parser's and the decoder's size
/// limits bound in turn.
pub fn assert_linear_memory(what: &str, len: usize, peak: usize) {
    let bound = len
        .saturating_mul(HEAP_PER_INPUT_BYTE)
        .saturating_add(1 << 20);
    assert!(
        peak <= bound,
        "{what}: an input of {len} bytes held {peak} bytes of heap at once, more than \
         {HEAP_PER_INPUT_BYTE} per byte + 1 MiB"
    );
}

/// The seed configuration (config/default.json, compiled into the core), parsed once.
pub fn seed_config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| Config::default_config().expect("the seed configuration is valid"))
}

/// The seed configuration's receipt and permission texts, as `assent build` writes
/// them (`texts.<digest>.json`), once.
pub fn seed_texts() -> &'static assent::compiled::Texts {
    static TEXTS: OnceLock<assent::compiled::Texts> = OnceLock::new();
    TEXTS.get_or_init(|| assent::build::texts(seed_config(), seed_rules().digest()))
}

/// The rules of the seed configuration, as the runtime builds them (compiled, then
/// `Rules::from_compiled`), once.
pub fn seed_rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        assent::compile::rules(seed_config(), assent::DEFAULT_CONFIG_JSON)
            .expect("the seed configuration compiles into rules")
    })
}
