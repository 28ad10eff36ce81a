//! A tiny, portable pseudo-random generator (SplitMix64).
//!
//! The generator must give the same bytes on every platform and every Rust version, so it
//! cannot use `std`'s randomly keyed hashers nor an external crate: SplitMix64 is a dozen lines,
//! passes BigCrush, and only uses wrapping integer arithmetic.

/// SplitMix64 state: a 64-bit counter scrambled on output (Steele, Lea and Flood, 2014).
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    /// The counter, advanced by the golden-ratio increment on every draw.
    state: u64,
}

/// The golden-ratio increment of SplitMix64.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a bijective scramble of one 64-bit word, also used to derive
/// independent seeds from several inputs.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator whose stream depends on every word of `parts` (and on their order), so that
    /// e.g. (seed, production, job) gives each job its own independent stream.
    pub(crate) fn from_parts(parts: &[u64]) -> Rng {
        let mut state = 0x6A09_E667_F3BC_C908_u64;
        for &part in parts {
            state = mix64(state.wrapping_add(GAMMA) ^ part);
        }
        Rng { state }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        mix64(self.state)
    }

    /// A uniform integer in `0..n` (0 when `n` is 0), by Lemire's multiply-shift: no division,
    /// no loop, a bias below 2^-64 * n that is irrelevant here.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A uniform integer in `lo..=hi` (`lo` when `hi <= lo`).
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo).saturating_add(1))
    }

    /// True with probability `num / den` (false when `den` is 0).
    pub(crate) fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    /// A uniform float in `[0, 1)` built from 53 random bits: exact and platform independent.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform float in `[lo, hi)`.
    pub(crate) fn float(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// An approximately normal deviate (mean 0, sigma 1) as the sum of 4 uniforms: only basic
    /// arithmetic, so no `libm` function whose last bit could differ between platforms.
    pub(crate) fn gauss(&mut self) -> f64 {
        let sum = self.unit() + self.unit() + self.unit() + self.unit();
        (sum - 2.0) * 1.732_050_807_568_877_2
    }

    /// One element of a non-empty list of names (`""` for an empty list).
    pub(crate) fn pick(&mut self, items: &[&'static str]) -> &'static str {
        let index = self.below(items.len() as u64) as usize;
        items.get(index).copied().unwrap_or("")
    }

    /// Appends a GUID in the upper-case 8-4-4-4-12 form that POOL and the XML summaries use.
    pub(crate) fn guid(&mut self, out: &mut String) {
        let a = self.next_u64();
        let b = self.next_u64();
        let hex = [
            (a >> 32, 8),
            ((a >> 16) & 0xFFFF, 4),
            (a & 0xFFFF, 4),
            (b >> 48, 4),
            (b & 0xFFFF_FFFF_FFFF, 12),
        ];
        for (i, (value, width)) in hex.into_iter().enumerate() {
            if i > 0 {
                out.push('-');
            }
            push_hex(out, value, width);
        }
    }
}

/// Appends `value` as `width` upper-case hexadecimal digits (the low `width` nibbles).
fn push_hex(out: &mut String, value: u64, width: u32) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for shift in (0..width).rev() {
        let nibble = (value >> (shift * 4)) & 0xF;
        out.push(char::from(DIGITS[nibble as usize]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stream is pinned: SplitMix64 seeded with 0 has these published first outputs.
    #[test]
    fn splitmix_reference_values() {
        let mut rng = Rng { state: 0 };
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    /// Ranges stay in bounds, including the degenerate ones.
    #[test]
    fn bounds() {
        let mut rng = Rng::from_parts(&[1, 2, 3]);
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.range(5, 5), 5);
        assert_eq!(rng.range(9, 3), 9);
        for _ in 0..1000 {
            assert!(rng.range(3, 7) <= 7);
            let x = rng.unit();
            assert!((0.0..1.0).contains(&x));
        }
        let mut guid = String::new();
        rng.guid(&mut guid);
        assert_eq!(guid.len(), 36);
    }
}
