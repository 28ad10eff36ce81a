//! The entries a benchmark runs on: a `<category>/<files>` folder, or generated job logs.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use jobtree::JobTreeSpec;

/// One entry held in memory.
pub struct Item {
    pub name: String,
    pub category: String,
    pub data: Arc<[u8]>,
}

/// Every file of `dir/<category>/*`, sorted by path.
pub fn load_folder(dir: &Path) -> std::io::Result<Vec<Item>> {
    let mut items = Vec::new();
    let mut categories: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    categories.sort_by_key(|e| e.file_name());
    for category in categories.into_iter().filter(|e| e.path().is_dir()) {
        let name = category.file_name().to_string_lossy().into_owned();
        let mut files: Vec<_> = fs::read_dir(category.path())?.collect::<Result<_, _>>()?;
        files.sort_by_key(|e| e.file_name());
        for file in files.into_iter().filter(|e| e.path().is_file()) {
            items.push(Item {
                name: format!("{name}/{}", file.file_name().to_string_lossy()),
                category: name.clone(),
                data: fs::read(file.path())?.into(),
            });
        }
    }
    Ok(items)
}

/// The embedded default: the generated DIRAC job-log tree, one category per file kind.
pub fn generated_tree() -> Vec<Item> {
    jobtree::generate_tree(&JobTreeSpec::default())
        .map(|f| Item {
            name: f.path,
            category: f.category,
            data: f.data.into(),
        })
        .collect()
}

/// `count` synthetic entries of exactly `size` bytes in `categories` categories.
pub fn synthetic(count: u64, size: usize, categories: usize) -> Vec<Item> {
    (0..count)
        .map(|i| {
            let e = jobtree::synthetic_entry(1, i, categories, size);
            Item {
                name: e.name,
                category: e.category,
                data: e.data.into(),
            }
        })
        .collect()
}

/// Total bytes.
pub fn bytes(items: &[Item]) -> u64 {
    items.iter().map(|i| i.data.len() as u64).sum()
}

/// `items` `rounds` times over (the same data, names suffixed with the round).
pub fn repeated(items: &[Item], rounds: usize) -> Vec<Item> {
    (0..rounds)
        .flat_map(|round| {
            items.iter().map(move |i| Item {
                name: if round == 0 {
                    i.name.clone()
                } else {
                    format!("{}#{round}", i.name)
                },
                category: i.category.clone(),
                data: Arc::clone(&i.data),
            })
        })
        .collect()
}
