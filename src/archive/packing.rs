//! Ordering a batch's data rows so that SQLite fills its pages.
//!
//! SQLite appends rows (increasing rowid) to the last leaf page of a table and starts a new
//! page when the next row does not fit, so rows inserted in arrival order leave every page
//! partly empty: frames of a few KiB fill 4 KiB pages one at a time. Inserted in an order
//! that packs them (first-fit decreasing over the page's room), the same rows leave almost
//! nothing empty. Only the order of insertion changes, never the rows: a reader sees the
//! same database, just smaller.

use std::collections::BTreeSet;

/// Bytes a SQLite varint of `value` takes.
fn varint_len(value: u64) -> usize {
    match value {
        0..=0x7f => 1,
        0x80..=0x3fff => 2,
        0x4000..=0x1f_ffff => 3,
        0x20_0000..=0xfff_ffff => 4,
        0x1000_0000..=0x7_ffff_ffff => 5,
        0x8_0000_0000..=0x3ff_ffff_ffff => 6,
        0x400_0000_0000..=0x1_ffff_ffff_ffff => 7,
        0x2_0000_0000_0000..=0xff_ffff_ffff_ffff => 8,
        _ => 9,
    }
}

/// Bytes an integer takes in a record body (serial types 0-6; 0 and 1 take none).
fn int_len(value: i64) -> usize {
    match value {
        0 | 1 => 0,
        -128..=127 => 1,
        -32_768..=32_767 => 2,
        -8_388_608..=8_388_607 => 3,
        -2_147_483_648..=2_147_483_647 => 4,
        -140_737_488_355_328..=140_737_488_355_327 => 6,
        _ => 8,
    }
}

/// The payload of a `data` row: SQLite's record of (name, job, dict, data).
pub(crate) fn record_len(name: &str, job: i64, dict: i64, frame: usize) -> usize {
    let types = varint_len(13 + 2 * name.len() as u64) + 1 + 1 + varint_len(12 + 2 * frame as u64);
    let header = types + varint_len(types as u64 + 1);
    header + name.len() + int_len(job) + int_len(dict) + frame
}

/// Room a row of `payload` bytes takes on a table leaf page of `page_size` bytes: its cell
/// (payload size and rowid varints, the part of the payload kept on the page, the overflow
/// page number when the rest spills) and its 2-byte cell pointer. `rowid` is an upper bound
/// of the row's id.
pub(crate) fn leaf_room(payload: usize, rowid: u64, page_size: usize) -> usize {
    // SQLite's rule (btreeParseCellAdjustSizeForOverflow) for table leaves.
    let usable = page_size;
    let max_local = usable - 35;
    let min_local = (usable - 12) * 32 / 255 - 23;
    let local = if payload <= max_local {
        payload
    } else {
        let surplus = min_local + (payload - min_local) % (usable - 4);
        (if surplus <= max_local {
            surplus
        } else {
            min_local
        }) + 4
    };
    varint_len(payload as u64) + varint_len(rowid) + local + 2
}

/// The order in which to insert rows taking `rooms` bytes each so that consecutive rows
/// fill pages of `capacity` bytes: first-fit decreasing, then page after page.
pub(crate) fn pack_order(rooms: &[usize], capacity: usize) -> Vec<usize> {
    let mut by_size: Vec<usize> = (0..rooms.len()).collect();
    by_size.sort_by(|&a, &b| rooms[b].cmp(&rooms[a]).then(a.cmp(&b)));
    // (free room, page) of every page, to find the fullest page a row still fits in.
    let mut free: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut pages: Vec<Vec<usize>> = Vec::new();
    for row in by_size {
        let room = rooms[row];
        match free.range((room, 0)..).next().copied() {
            Some((left, page)) => {
                free.remove(&(left, page));
                free.insert((left - room, page));
                pages[page].push(row);
            }
            None => {
                pages.push(vec![row]);
                free.insert((capacity.saturating_sub(room), pages.len() - 1));
            }
        }
    }
    pages.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_grouped_to_fill_pages() {
        let order = pack_order(&[3000, 1000, 3000, 900, 50], 4000);
        assert_eq!(order, [0, 1, 2, 3, 4]);
        let order = pack_order(&[100, 3900, 2000, 2000], 4000);
        assert_eq!(order, [1, 0, 2, 3]);
        assert_eq!(pack_order(&[], 4000), Vec::<usize>::new());
    }

    #[test]
    fn sqlite_sizes() {
        assert_eq!(varint_len(127), 1);
        assert_eq!(varint_len(128), 2);
        assert_eq!(int_len(88), 1);
        assert_eq!(int_len(1), 0);
        // A small row stays on its page; a large one keeps SQLite's local part only.
        assert_eq!(leaf_room(100, 10, 4096), 1 + 1 + 100 + 2);
        let big = leaf_room(100_000, 10, 4096);
        assert!(big < 4096, "{big}");
    }
}
