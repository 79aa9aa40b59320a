//! Unique ID numbers without remembering each one.
//!
//! For every (region, birth year, sex) the allocator keeps only a count of numbers handed out. The
//! n-th person of such a group gets slot n of the group's (day of the year × 500 sequence numbers)
//! grid, shuffled by a keyed permutation so that birthdays spread over the year instead of filling
//! up 1 January first. Distinct slots give distinct numbers, so no number repeats, at a memory cost
//! of a few bytes per group rather than per person.

use chrono::{Days, NaiveDate};
use shuangyong_domain::id_number::{IdNumber, Sex, make};

use crate::rng::{Rng, splitmix64};

/// Birth years the allocator can place; generated people are born 1925–2005.
const FIRST_YEAR: i32 = 1900;
const LAST_YEAR: i32 = 2029;
/// Sequence numbers per birth date and sex: odd ones are men's, even ones women's.
const SEQS_PER_SEX: u32 = 500;

#[derive(Debug)]
pub(crate) struct IdAllocator {
    regions: Vec<String>,
    /// Numbers handed out per (region, year, sex), indexed by [`IdAllocator::group`].
    used: Vec<u32>,
    salt: u64,
}

impl IdAllocator {
    /// # Panics
    /// If `regions` is empty or a code is not 6 digits starting with 1–8.
    pub(crate) fn new(regions: Vec<String>, salt: u64) -> IdAllocator {
        assert!(!regions.is_empty(), "synth: at least one region code is needed");
        for r in &regions {
            let ok = r.len() == 6 && r.bytes().all(|b| b.is_ascii_digit()) && (b'1'..=b'8').contains(&r.as_bytes()[0]);
            assert!(ok, "synth: region {r:?} is not a 6-digit address code starting with 1–8");
        }
        let groups = regions.len() * (LAST_YEAR - FIRST_YEAR + 1) as usize * 2;
        IdAllocator { regions, used: vec![0; groups], salt }
    }

    fn group(&self, region: usize, year: i32, sex: Sex) -> usize {
        let y = (year - FIRST_YEAR) as usize;
        (region * (LAST_YEAR - FIRST_YEAR + 1) as usize + y) * 2 + usize::from(sex == Sex::Male)
    }

    /// A fresh number for someone of `sex` born in `year`, issued in a region drawn by `rng` (the
    /// next one with room if that one is full), and the birth date it holds (returned beside it
    /// because reading it back out of the number is slow). `None` when every region is full for
    /// that year and sex: 500 people per region, birth date and sex.
    pub(crate) fn allocate(&mut self, rng: &mut Rng, year: i32, sex: Sex) -> Option<(IdNumber, NaiveDate)> {
        assert!((FIRST_YEAR..=LAST_YEAR).contains(&year), "synth: birth year {year} out of range");
        let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
        let days = if jan1.leap_year() { 366 } else { 365 };
        let capacity = days * SEQS_PER_SEX;
        let n = self.regions.len();
        let start = rng.below(n as u64) as usize;
        for region in (start..n).chain(0..start) {
            let g = self.group(region, year, sex);
            let slot = self.used[g];
            if slot == capacity {
                continue;
            }
            self.used[g] += 1;
            let mut key = self.salt ^ (g as u64).wrapping_mul(0xA076_1D64_78BD_642F);
            let p = permute(slot, capacity, splitmix64(&mut key));
            let birth = jan1 + Days::new(u64::from(p % days));
            let seq = (p / days) * 2 + u32::from(sex == Sex::Male);
            return Some((make(&self.regions[region], birth, seq as u16), birth));
        }
        None
    }
}

/// A keyed permutation of `0..n` for `n` up to 2^18: a four-round Feistel network on 18 bits,
/// applied again while the result falls outside the range (cycle walking).
fn permute(x: u32, n: u32, key: u64) -> u32 {
    debug_assert!(x < n && n <= 1 << 18);
    let mut y = x;
    loop {
        y = feistel18(y, key);
        if y < n {
            return y;
        }
    }
}

fn feistel18(x: u32, key: u64) -> u32 {
    let (mut left, mut right) = (x >> 9, x & 0x1FF);
    for round in 0..4u64 {
        let mut state = key ^ (u64::from(right) | round << 9);
        let f = (splitmix64(&mut state) & 0x1FF) as u32;
        (left, right) = (right, left ^ f);
    }
    (left << 9) | right
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;
    use std::collections::HashSet;

    #[test]
    fn permutation_is_a_bijection_of_the_range() {
        for n in [365 * SEQS_PER_SEX, 366 * SEQS_PER_SEX, 1, 1000] {
            let mut seen = vec![false; n as usize];
            for x in 0..n {
                let y = permute(x, n, 0x1234_5678) as usize;
                assert!(!seen[y], "{y} twice for n = {n}");
                seen[y] = true;
            }
        }
    }

    #[test]
    fn a_full_group_is_every_number_of_its_year_once() {
        let mut ids = IdAllocator::new(vec!["140929".into()], 9);
        let mut rng = Rng::new(1);
        let mut seen = HashSet::new();
        let mut first_birthdays = HashSet::new();
        for i in 0..366 * SEQS_PER_SEX {
            let (id, birth) = ids.allocate(&mut rng, 1964, Sex::Female).expect("room left");
            assert_eq!(id.birth_date(), birth);
            assert_eq!(birth.year(), 1964);
            assert_eq!(id.sex(), Sex::Female);
            assert_eq!(id.region(), "140929");
            if i < 100 {
                first_birthdays.insert(id.birth_date());
            }
            assert!(seen.insert(id), "repeated");
        }
        // Shuffled: the first hundred people are not all born on the same few days.
        assert!(first_birthdays.len() > 80, "{}", first_birthdays.len());
        assert_eq!(ids.allocate(&mut rng, 1964, Sex::Female), None);
        assert!(ids.allocate(&mut rng, 1964, Sex::Male).is_some(), "men have their own sequences");
    }

    #[test]
    fn a_full_region_overflows_into_the_next() {
        let mut ids = IdAllocator::new(vec!["140929".into(), "140105".into()], 9);
        let mut rng = Rng::new(2);
        let regions: HashSet<String> = (0..2 * 365 * SEQS_PER_SEX)
            .map(|_| ids.allocate(&mut rng, 1970, Sex::Male).expect("room").0.region().to_owned())
            .collect();
        assert_eq!(regions.len(), 2);
        assert_eq!(ids.allocate(&mut rng, 1970, Sex::Male), None);
    }

    #[test]
    #[should_panic(expected = "not a 6-digit address code")]
    fn refuses_a_bad_region() {
        IdAllocator::new(vec!["14092".into()], 0);
    }
}
