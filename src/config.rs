//! Configuration: command-line flags, then environment variables, then `profint.toml`, then
//! defaults. The file accepts exactly the documented keys, so a typo is an error, not a
//! silently ignored setting.

use serde::Deserialize;
use std::path::{Path, PathBuf};

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
