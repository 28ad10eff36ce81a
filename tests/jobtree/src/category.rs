//! Folding file names into categories: the library's own rule
//! (`zstdpool::archive::category_of_name`), so that the generator's categories are the
//! archive's.

pub use zstdpool::archive::category_of_name;
