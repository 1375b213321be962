//! Configuration: command-line flags, then environment variables, then `profint.toml`, then
//! defaults. The file accepts exactly the documented keys, so a typo is an error, not a
//! silently ignored setting.

use crate::content::LoadOptions;
use crate::http::HttpOptions;
use crate::service::Settings;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The content folder when nothing else is said.
pub const DEFAULT_CORPUS: &str = "corpus";
/// The index folder when nothing else is said.
pub const DEFAULT_INDEX: &str = "index";
/// The address `serve` listens on when nothing else is said.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// The semantic signal's model when nothing else is said (where scripts/fetch-model.sh puts it).
pub const DEFAULT_MODEL: &str = "model/e5-small-q4.bin";

/// What the command line (flags, with their environment variables) says; `None` and empty
/// mean "not said".
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub corpus: Option<PathBuf>,
    pub index: Option<PathBuf>,
    pub rebuild: bool,
    pub max_file_bytes: Option<u64>,
    pub addr: Option<String>,
    pub allowed_origins: Vec<String>,
    pub model: Option<PathBuf>,
}

/// Every setting, resolved: a flag (or its environment variable) wins over the file, the file
/// over the default. The defaults are written here, in [`LoadOptions::default`] and in
/// [`HttpOptions::default`], and nowhere else.
#[derive(Debug, Clone)]
pub struct Config {
    pub settings: Settings,
    pub addr: String,
    pub http: HttpOptions,
}

impl Config {
    pub fn resolve(file: &FileConfig, flags: Flags) -> Config {
        let load = LoadOptions::default();
        let http = HttpOptions::default();
        let secs = |v: Option<u64>, default: Duration| v.map_or(default, Duration::from_secs);
        Config {
            settings: Settings {
                corpus: flags
                    .corpus
                    .or(file.corpus.clone())
                    .unwrap_or_else(|| DEFAULT_CORPUS.into()),
                index: flags
                    .index
                    .or(file.index.clone())
                    .unwrap_or_else(|| DEFAULT_INDEX.into()),
                load: LoadOptions {
                    max_file_bytes: flags
                        .max_file_bytes
                        .or(file.max_file_bytes)
                        .unwrap_or(load.max_file_bytes),
                },
                rebuild: flags.rebuild,
                model: Some(
                    flags
                        .model
                        .or(file.model.clone())
                        .unwrap_or_else(|| DEFAULT_MODEL.into()),
                ),
            },
            addr: flags
                .addr
                .or(file.addr.clone())
                .unwrap_or_else(|| DEFAULT_ADDR.into()),
            http: HttpOptions {
                allowed_origins: if flags.allowed_origins.is_empty() {
                    file.allowed_origins.clone().unwrap_or_default()
                } else {
                    flags.allowed_origins
                },
                request_timeout: secs(file.request_timeout_secs, http.request_timeout),
                max_concurrent_requests: file
                    .max_concurrent_requests
                    .unwrap_or(http.max_concurrent_requests),
                header_read_timeout: secs(file.header_read_timeout_secs, http.header_read_timeout),
                ..http
            },
        }
    }
}

/// `profint.toml`. Every key is optional; the default is given with each.
#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    /// Content folder. Default `corpus`.
    pub corpus: Option<PathBuf>,
    /// Index folder. Default `index`.
    pub index: Option<PathBuf>,
    /// Address to listen on. Default `127.0.0.1:8080`.
    pub addr: Option<String>,
    /// Largest content file accepted, in bytes. Default 2 MiB.
    pub max_file_bytes: Option<u64>,
    /// Partner origins allowed to call the API from a browser and to frame `/embed`.
    /// Default: any origin (no credentials).
    pub allowed_origins: Option<Vec<String>>,
    /// Seconds a request may take before it is answered 408. Default 10.
    pub request_timeout_secs: Option<u64>,
    /// Requests handled at once before new ones get 503 + Retry-After. Default 256.
    pub max_concurrent_requests: Option<usize>,
    /// Seconds a client has to send a whole request header before it is disconnected.
    /// Default 10.
    pub header_read_timeout_secs: Option<u64>,
    /// Where the public reaches the service, e.g. `https://search.example.org/` or
    /// `https://partner.org/ressources/` behind a proxy that strips the base path. Every
    /// absolute URL the service emits starts with it. Default `http://` and `addr`.
    pub public_url: Option<String>,
    /// Token the admin routes (`/admin/gaps`) require as `Authorization: Bearer …`; prefer
    /// `PROFINT_ADMIN_TOKEN`. Default: none, and the admin routes answer 404.
    pub admin_token: Option<String>,
    /// Model file of the semantic signal. Default `model/e5-small-q4.bin`; when the file is
    /// absent the service ranks lexically only and says so in `/api/status`.
    pub model: Option<PathBuf>,
    /// The gap report's recording (see `crate::gaps::GapSettings`).
    pub gaps: crate::gaps::GapSettings,
}

impl FileConfig {
    /// Reads `path`; a missing default file is an empty configuration, a missing named file an
    /// error.
    pub fn load(path: Option<&Path>) -> anyhow::Result<FileConfig> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("profint.toml"), false),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display())),
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                Ok(FileConfig::default())
            }
            Err(e) => Err(anyhow::anyhow!(
                "cannot read the configuration file {}: {e}",
                path.display()
            )),
        }
    }

    pub fn parse(text: &str) -> Result<FileConfig, toml::de::Error> {
        toml::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_which_wins_over_defaults() {
        let file = FileConfig::parse("corpus = \"from-file\"\naddr = \"0.0.0.0:1\"\n").unwrap();
        let flags = Flags {
            corpus: Some("from-flag".into()),
            ..Flags::default()
        };
        let c = Config::resolve(&file, flags);
        assert_eq!(c.settings.corpus, PathBuf::from("from-flag"));
        assert_eq!(c.addr, "0.0.0.0:1");
        assert_eq!(c.settings.index, PathBuf::from(DEFAULT_INDEX));
        assert_eq!(
            c.http.request_timeout,
            HttpOptions::default().request_timeout
        );
    }

    #[test]
    fn a_typo_is_an_error() {
        let err = FileConfig::parse("corpuss = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("corpuss"), "{err}");
    }

    #[test]
    fn every_key_parses() {
        let c = FileConfig::parse(
            "corpus = \"c\"\nindex = \"i\"\naddr = \"127.0.0.1:9\"\nmax_file_bytes = 5\nallowed_origins = [\"http://a\"]\nrequest_timeout_secs = 3\nmax_concurrent_requests = 4\nheader_read_timeout_secs = 2\n",
        )
        .unwrap();
        assert_eq!(c.allowed_origins, Some(vec!["http://a".to_string()]));
        assert_eq!(c.max_concurrent_requests, Some(4));
    }
}
