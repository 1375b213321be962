//! Any text as a query in any language, against the test corpus: an answer or a 4xx, never a
//! panic; suggestions too.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn service() -> &'static profint::service::Service {
    static SERVICE: OnceLock<profint::service::Service> = OnceLock::new();
    SERVICE.get_or_init(|| {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/basic/corpus");
        profint::service::Service::in_memory(&corpus).expect("fixture corpus loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&lang, rest)) = data.split_first() else { return };
    let q = String::from_utf8_lossy(rest);
    let lang = profint::lang::Lang::ALL[usize::from(lang) % 4];
    let service = service();
    let meta = service.meta();
    let mut req = profint::search::SearchRequest::new(&q, lang);
    req.page = 1 + usize::from(rest.first().copied().unwrap_or(0));
    match profint::search::search(&service.index, meta.scope(), &req) {
        Ok(answer) => assert!(answer.hits.len() <= req.per_page),
        Err(e) => assert!(e.code.status().is_client_error(), "{e:?}"),
    }
    let _ = profint::search::suggest::suggest(&service.index, &meta.vocabulary, lang, &q);
    let _ = profint::search::spelling::did_you_mean(&service.index, lang, &q);
});
