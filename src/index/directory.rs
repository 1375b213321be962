//! Where the index's files are read from: tantivy's memory-mapped directory, except for the
//! stored documents, which are read with positioned reads.
//!
//! A hit's card is one compressed block of the document store, at a random place in a file
//! that is most of the index (150 of 235 MB at 100 000 resources). Mapped, each first touch of
//! a page also maps the cached pages around it (the kernel's fault-around, 64 KB), so after
//! `wrk` the server counted 87 MB of the store as its own resident memory, most of it never
//! read. Read with `pread`, a block costs one system call and one copy; it stays in the page
//! cache as before, where the kernel evicts it as any other file data, but no longer in the
//! process. Postings, positions and fast fields stay mapped: they are read in runs, often
//! many times per query. So are large reads of the store: a merge reads a segment's whole
//! store at once, and read with `pread` that would be a copy the size of the file.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};
use tantivy::HasLen;

/// An index folder on disk.
#[derive(Clone, Debug)]
pub struct IndexDirectory {
    mapped: MmapDirectory,
    root: PathBuf,
}

impl IndexDirectory {
    pub fn open(dir: &Path) -> Result<IndexDirectory, OpenDirectoryError> {
        let mapped = MmapDirectory::open(dir)?;
        let root = dir
            .canonicalize()
            .map_err(|e| OpenDirectoryError::wrap_io_error(e, dir.to_path_buf()))?;
        Ok(IndexDirectory { mapped, root })
    }

    /// The document store of a segment (`<segment>.store`).
    fn is_store(path: &Path) -> bool {
        cfg!(unix) && path.extension().is_some_and(|e| e == "store")
    }

    fn read_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let mapped = self.mapped.get_file_handle(path)?;
        let file = File::open(self.root.join(path))
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?;
        Ok(Arc::new(ReadAt { file, mapped }))
    }
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        if Self::is_store(path) {
            self.read_handle(path)
        } else {
            self.mapped.get_file_handle(path)
        }
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mapped.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mapped.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mapped.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mapped.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mapped.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mapped.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.mapped.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mapped.watch(watch_callback)
    }
}

/// Reads above this size go through the mapping: only whole-file reads (merges) are that
/// large; a block of the store is about 16 KB.
const LARGEST_COPIED_READ: usize = 1 << 20;

/// A file read with positioned reads, and through its mapping for large reads. Mapping a
/// file costs address space only: no page is resident until it is read.
#[derive(Debug)]
struct ReadAt {
    file: File,
    mapped: Arc<dyn FileHandle>,
}

impl HasLen for ReadAt {
    fn len(&self) -> usize {
        self.mapped.len()
    }
}

impl FileHandle for ReadAt {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.len() > LARGEST_COPIED_READ {
            return self.mapped.read_bytes(range);
        }
        let mut bytes = vec![0; range.len()];
        read_exact_at(&self.file, &mut bytes, range.start as u64)?;
        Ok(OwnedBytes::new(bytes))
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

/// Never called: elsewhere the store stays mapped (see [`IndexDirectory::is_store`]).
#[cfg(not(unix))]
fn read_exact_at(_: &File, _: &mut [u8], _: u64) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store is read the same whichever way a read goes: small reads copied, large ones
    /// (a merge reading a whole store) through the mapping.
    #[test]
    fn small_and_large_reads_of_a_store_give_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..(3 * LARGEST_COPIED_READ))
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(dir.path().join("segment.store"), &bytes).unwrap();
        let directory = IndexDirectory::open(dir.path()).unwrap();
        let store = directory
            .get_file_handle(Path::new("segment.store"))
            .unwrap();
        assert_eq!(store.len(), bytes.len());
        let block = 1000..17_384;
        assert_eq!(
            store.read_bytes(block.clone()).unwrap().as_slice(),
            &bytes[block]
        );
        let whole = store.read_bytes(0..bytes.len()).unwrap();
        assert_eq!(whole.as_slice(), &bytes[..]);
        assert!(matches!(
            directory.get_file_handle(Path::new("absent.store")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
    }
}
