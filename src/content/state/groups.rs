//! The resources' groups, with what every commit asks of all of them kept up to date as they
//! change: the number of files, the keys in error, those with problems and those refused an
//! id. At 100 000 resources each pass over the map cost milliseconds, and a commit made
//! four of them, most of the time an edit took before its reload (two thirds of the indexer
//! thread's samples under `perf`).

use super::Group;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default)]
pub(super) struct Groups {
    map: BTreeMap<String, Group>,
    files: usize,
    failed: BTreeSet<String>,
    with_problems: BTreeSet<String>,
    blocked: BTreeSet<String>,
}

/// Reading is the map's own; changing goes through [`Groups::insert`] and [`Groups::remove`],
/// which keep the sums.
impl std::ops::Deref for Groups {
    type Target = BTreeMap<String, Group>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl FromIterator<(String, Group)> for Groups {
    fn from_iter<I: IntoIterator<Item = (String, Group)>>(pairs: I) -> Groups {
        let map: BTreeMap<String, Group> = pairs.into_iter().collect();
        let mut groups = Groups::default();
        for (key, group) in &map {
            groups.count(key, group);
        }
        groups.map = map;
        groups
    }
}

impl Groups {
    pub fn insert(&mut self, key: String, group: Group) {
        self.remove(&key);
        self.count(&key, &group);
        self.map.insert(key, group);
    }

    fn count(&mut self, key: &str, group: &Group) {
        self.files += group.files;
        if group.failed {
            self.failed.insert(key.to_string());
        }
        if !group.problems.is_empty() {
            self.with_problems.insert(key.to_string());
        }
        if group.blocked_id.is_some() {
            self.blocked.insert(key.to_string());
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Group> {
        let group = self.map.remove(key)?;
        self.files -= group.files;
        self.failed.remove(key);
        self.with_problems.remove(key);
        self.blocked.remove(key);
        Some(group)
    }

    /// Content files read.
    pub fn files(&self) -> usize {
        self.files
    }

    /// Keys of the resources with a file in error.
    pub fn failed(&self) -> &BTreeSet<String> {
        &self.failed
    }

    /// The groups' problems, in key order.
    pub fn problems(&self) -> impl Iterator<Item = &crate::content::Problem> {
        self.with_problems
            .iter()
            .flat_map(|key| &self.map[key].problems)
    }

    /// The groups refused the id they claim, with that id.
    pub fn blocked(&self) -> impl Iterator<Item = (&String, &String)> {
        self.blocked.iter().filter_map(|key| {
            let id = self.map[key].blocked_id.as_ref()?;
            Some((key, id))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(files: usize, failed: bool, problems: usize, blocked: Option<&str>) -> Group {
        Group {
            files,
            failed,
            problems: (0..problems)
                .map(|i| crate::content::Problem::warning("p.md", Some(i), "x"))
                .collect(),
            blocked_id: blocked.map(str::to_string),
            ..Group::default()
        }
    }

    #[test]
    fn the_sums_follow_every_insert_replacement_and_removal() {
        let mut groups: Groups = [
            ("a".to_string(), group(2, false, 0, None)),
            ("b".to_string(), group(1, true, 2, Some("R1"))),
        ]
        .into_iter()
        .collect();
        assert_eq!(groups.files(), 3);
        assert_eq!(groups.failed().iter().collect::<Vec<_>>(), ["b"]);
        assert_eq!(groups.problems().count(), 2);
        assert_eq!(
            groups.blocked().collect::<Vec<_>>(),
            [(&"b".to_string(), &"R1".to_string())]
        );

        groups.insert("b".to_string(), group(3, false, 0, None));
        groups.insert("c".to_string(), group(1, false, 1, None));
        assert_eq!(groups.files(), 6);
        assert!(groups.failed().is_empty());
        assert_eq!(groups.problems().count(), 1);
        assert_eq!(groups.blocked().count(), 0);

        assert!(groups.remove("a").is_some());
        assert!(groups.remove("a").is_none());
        assert_eq!(groups.files(), 4);
        assert_eq!(groups.len(), 2);
    }
}
