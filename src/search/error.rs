//! Why a search could not be answered. The HTTP layer turns these into its error shape; the
//! search knows nothing of HTTP.

/// A search request that cannot be answered.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// A situation is a sentence or two, not a document.
    #[error(
        "the query is longer than {max} characters; describe the situation in a sentence or two"
    )]
    QueryTooLong { max: usize },
    /// A domain filter names no domain of the corpus.
    #[error("unknown domain `{domain}`; known domains: {known}")]
    UnknownDomain { domain: String, known: String },
    /// The index could not be read (a bug or a damaged index, never the client's doing).
    #[error("the index could not be read: {0}")]
    Index(#[from] tantivy::TantivyError),
}
