//! Folding file names into categories: one zstd dictionary per category.

/// The category of a file name: the name with every run of ASCII digits folded into one `#`,
/// so that `DaVinci_00285595_00000088_1.log` and `DaVinci_00285595_00000089_1.log` share the
/// category `DaVinci_#_#_#.log` (and so a dictionary), while `std.out` stays `std.out`.
#[must_use]
pub fn category_of_name(file_name: &str) -> String {
    let mut category = String::with_capacity(file_name.len());
    let mut in_digits = false;
    for ch in file_name.chars() {
        if ch.is_ascii_digit() {
            if !in_digits {
                category.push('#');
            }
            in_digits = true;
        } else {
            category.push(ch);
            in_digits = false;
        }
    }
    category
}

#[cfg(test)]
mod tests {
    use super::category_of_name;

    /// Digit runs fold, everything else is kept, including non-ASCII digits.
    #[test]
    fn folds_digit_runs() {
        assert_eq!(
            category_of_name("DaVinci_00285595_00000088_1.log"),
            "DaVinci_#_#_#.log"
        );
        assert_eq!(category_of_name("std.out"), "std.out");
        assert_eq!(category_of_name(""), "");
        assert_eq!(category_of_name("123"), "#");
        assert_eq!(category_of_name("a1b22c"), "a#b#c");
        assert_eq!(category_of_name("x٣y"), "x٣y");
    }
}
