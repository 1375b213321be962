//! The recorder: handlers hand it answered searches through a bounded channel and return at
//! once; one writer thread analyses them, counts them and writes the counts to disk at most
//! every [`FLUSH_EVERY`]. A full channel drops the search (counted in the log), a failed
//! write is retried at the next flush: recording never blocks or fails a search. The counts'
//! lock ignores poisoning: they are plain numbers, still valid after a panic elsewhere.

use super::store::{write_atomically, Key, Store};
use super::GapSettings;
use crate::content::ResourceType;
use crate::lang::Lang;
use crate::search::{SearchRequest, SearchResponse};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Counts reach the disk at most this long after a search.
pub const FLUSH_EVERY: Duration = Duration::from_secs(2);
/// Searches waiting for the writer thread; beyond, new ones are dropped.
const QUEUE: usize = 4096;

/// Today, as days since 1970-01-01 (UTC). Injectable so that tests can move through days.
pub trait Clock: Send + Sync {
    fn today(&self) -> u32;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn today(&self) -> u32 {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        (secs / 86_400) as u32
    }
}

/// A clock set by hand (tests).
pub struct ManualClock(AtomicU32);

impl ManualClock {
    pub fn new(day: u32) -> ManualClock {
        ManualClock(AtomicU32::new(day))
    }

    pub fn set(&self, day: u32) {
        self.0.store(day, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn today(&self) -> u32 {
        self.0.load(Ordering::SeqCst)
    }
}

/// An answered search, as the handler hands it over. The query text lives only in the
/// channel: the writer thread keeps its analysed terms and drops it.
struct Observation {
    q: String,
    lang: Lang,
    domains: Vec<String>,
    types: Vec<ResourceType>,
    total: usize,
    best_score: Option<f32>,
    cross_language: bool,
    day: u32,
}

enum Message {
    Observe(Observation),
    Flush(SyncSender<()>),
    Stop,
}

struct Inner {
    sender: SyncSender<Message>,
    store: Arc<Mutex<Store>>,
    clock: Arc<dyn Clock>,
    settings: GapSettings,
    dropped: AtomicU64,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

/// A cheap handle to the recorder; the default one records nothing.
#[derive(Clone, Default)]
pub struct Recorder(Option<Arc<Inner>>);

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Recorder(on)"
        } else {
            "Recorder(off)"
        })
    }
}

impl Recorder {
    /// Loads the counts from `path` and starts the writer thread. An unreadable store is set
    /// aside (renamed `*.unreadable`) and counting starts afresh: gap counts are never worth
    /// refusing to serve.
    pub fn open(
        path: &Path,
        settings: GapSettings,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Recorder> {
        settings.validate()?;
        let store = match Store::load(path, settings.max_entries) {
            Ok(s) => s,
            Err(e) => {
                let aside = path.with_extension("json.unreadable");
                tracing::warn!(path = %path.display(), error = %e, "unreadable gap counts set aside; starting afresh");
                let _ = std::fs::rename(path, &aside);
                Store::new(settings.max_entries)
            }
        };
        let store = Arc::new(Mutex::new(store));
        let (sender, receiver) = std::sync::mpsc::sync_channel(QUEUE);
        let writer = Writer {
            path: path.to_path_buf(),
            store: store.clone(),
            clock: clock.clone(),
            settings: settings.clone(),
            dirty: false,
        };
        let thread = std::thread::Builder::new()
            .name("profint-gaps".into())
            .spawn(move || writer.run(receiver))?;
        Ok(Recorder(Some(Arc::new(Inner {
            sender,
            store,
            clock,
            settings,
            dropped: AtomicU64::new(0),
            thread: Mutex::new(Some(thread)),
        }))))
    }

    /// Hands over an answered search, without waiting. Browsing (no query words) and pages
    /// beyond the first are not new searches and are left out.
    pub fn observe(&self, req: &SearchRequest, answer: &SearchResponse) {
        let Some(inner) = &self.0 else { return };
        if req.q.trim().is_empty() || req.page > 1 {
            return;
        }
        let observation = Observation {
            q: req.q.clone(),
            lang: req.lang,
            domains: req.domains.clone(),
            types: req.types.clone(),
            total: answer.total,
            best_score: answer.hits.first().map(|h| h.score),
            cross_language: answer.cross_language,
            day: inner.clock.today(),
        };
        match inner.sender.try_send(Message::Observe(observation)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                let n = inner.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                if n.is_power_of_two() {
                    tracing::warn!(dropped = n, "gap recorder busy: searches left uncounted");
                }
            }
        }
    }

    /// Waits until every search handed over so far is counted and on disk.
    pub fn flush(&self) {
        let Some(inner) = &self.0 else { return };
        let (ack, done) = std::sync::mpsc::sync_channel(1);
        if inner.sender.send(Message::Flush(ack)).is_ok() {
            let _ = done.recv();
        }
    }

    /// Writes what is pending and stops the writer thread (at shutdown).
    pub fn close(&self) {
        let Some(inner) = &self.0 else { return };
        let _ = inner.sender.send(Message::Stop);
        if let Some(thread) = inner
            .thread
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
        {
            let _ = thread.join();
        }
    }

    /// The rows the report shows today, with the settings; `None` when recording is off.
    pub fn reported(&self) -> Option<(Vec<super::store::Row>, GapSettings, u32)> {
        let inner = self.0.as_ref()?;
        let today = inner.clock.today();
        let rows = inner
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .reported(today, &inner.settings);
        Some((rows, inner.settings.clone(), today))
    }
}

/// The writer thread's state.
struct Writer {
    path: PathBuf,
    store: Arc<Mutex<Store>>,
    clock: Arc<dyn Clock>,
    settings: GapSettings,
    dirty: bool,
}

/// What one turn of the writer thread received besides searches.
#[derive(Default)]
struct Turn {
    acks: Vec<SyncSender<()>>,
    stop: bool,
}

impl Writer {
    fn run(mut self, receiver: Receiver<Message>) {
        let mut last_save = Instant::now();
        loop {
            let mut turn = Turn::default();
            match receiver.recv_timeout(FLUSH_EVERY) {
                Ok(m) => self.take(m, &mut turn),
                Err(RecvTimeoutError::Disconnected) => turn.stop = true,
                Err(RecvTimeoutError::Timeout) => {}
            }
            // What else is queued, at most a queue's worth, so that saves still happen under load.
            for _ in 0..QUEUE {
                match receiver.try_recv() {
                    Ok(m) => self.take(m, &mut turn),
                    Err(_) => break,
                }
            }
            if turn.stop || !turn.acks.is_empty() || last_save.elapsed() >= FLUSH_EVERY {
                self.save();
                last_save = Instant::now();
            }
            for ack in turn.acks {
                let _ = ack.send(());
            }
            if turn.stop {
                return;
            }
        }
    }

    fn take(&mut self, message: Message, turn: &mut Turn) {
        match message {
            Message::Observe(o) => self.count(o),
            Message::Flush(ack) => turn.acks.push(ack),
            Message::Stop => turn.stop = true,
        }
    }

    fn count(&mut self, o: Observation) {
        let Some(outcome) = super::outcome(
            o.total,
            o.best_score,
            o.cross_language,
            self.settings.weak_score,
        ) else {
            return;
        };
        let terms = super::normalise(o.lang, &o.q);
        if terms.is_empty() {
            return;
        }
        let mut domains = o.domains;
        domains.sort();
        domains.dedup();
        let mut types = o.types;
        types.sort();
        types.dedup();
        let key = Key {
            lang: o.lang,
            domains,
            types,
            terms,
            outcome,
        };
        self.store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .add(key, o.day);
        self.dirty = true;
    }

    /// Expires old days and writes the counts; a failure is logged and retried later.
    fn save(&mut self) {
        if !self.dirty {
            return;
        }
        let bytes = {
            let mut store = self
                .store
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            store.expire(self.clock.today(), self.settings.retention_days);
            store.to_bytes()
        };
        match write_atomically(&self.path, &bytes) {
            Ok(()) => self.dirty = false,
            Err(e) => {
                tracing::warn!(path = %self.path.display(), error = %e, "cannot write the gap counts; retrying later")
            }
        }
    }
}
