//! The names in a ZIP's central directory, read from the directory itself: the zip crate
//! keeps one entry per name, so a second entry of the same name would otherwise vanish.

/// Signature of a central directory file header.
const CENTRAL_HEADER: u32 = 0x0201_4b50;
/// Fixed size of a central directory file header before its name.
const CENTRAL_HEADER_SIZE: usize = 46;

/// The raw names of the central directory starting at `start` in `zip`, in order; stops at
/// the first bytes that are not a complete central header (the end of the directory).
pub(crate) fn central_names(zip: &[u8], start: u64) -> Vec<&[u8]> {
    let u16_at = |at: usize| {
        zip.get(at..at + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let mut names = Vec::new();
    let Ok(mut at) = usize::try_from(start) else {
        return names;
    };
    while let Some(signature) = zip.get(at..at + 4) {
        if u32::from_le_bytes([signature[0], signature[1], signature[2], signature[3]])
            != CENTRAL_HEADER
        {
            break;
        }
        let (Some(name_len), Some(extra_len), Some(comment_len)) =
            (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32))
        else {
            break;
        };
        let name_at = at + CENTRAL_HEADER_SIZE;
        let Some(name) = zip.get(name_at..name_at + name_len) else {
            break;
        };
        names.push(name);
        at = name_at + name_len + extra_len + comment_len;
    }
    names
}

/// The first name that occurs twice, if any.
pub(crate) fn first_duplicate<'a>(names: &[&'a [u8]]) -> Option<&'a [u8]> {
    let mut seen = std::collections::HashSet::new();
    names.iter().copied().find(|name| !seen.insert(*name))
}
