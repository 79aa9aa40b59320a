//! The people: which categories they hold, and birth, service, disability, contact and bank
//! details consistent with those categories.

use chrono::{Datelike, NaiveDate};
use shuangyong_domain::benefits::{DEMOBILIZED_BY, ProgramKind, RURAL_WINDOW};
use shuangyong_domain::id_number::{IdNumber, Sex};
use shuangyong_domain::person::{Category, DisabilityCause, DisabilityGrade, PersonStatus, Registration};

use crate::ids::IdAllocator;
use crate::names::full_name;
use crate::rng::{Rng, splitmix64};

/// One synthetic person, as a row of the import file would describe them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthPerson {
    pub name: String,
    /// Valid and unique within its [`Generator`]; its birth date and sex are the person's.
    pub id_number: IdNumber,
    /// 汉族, 回族, 满族 or 蒙古族.
    pub ethnicity: &'static str,
    pub registration: Registration,
    /// A unit reference as the import file takes it (name or path code), one of the generator's units.
    pub unit: String,
    /// One category, sometimes followed by 优待证持证人 (in [`Mix::Rolls`], a 因战 残疾军人 is also
    /// 参战参试退役人员). Never a survivor (三属) category: the import refuses those without a
    /// relation to the serviceman.
    pub categories: Vec<Category>,
    /// Set exactly when the categories include 残疾军人.
    pub cause: Option<DisabilityCause>,
    /// Set exactly when the categories include 残疾军人; 因病 only grades 1–6.
    pub grade: Option<DisabilityGrade>,
    /// First day of the month of enlistment (the import file holds months), for people with service.
    pub enlisted: Option<NaiveDate>,
    /// First day of the month of discharge: after enlistment and before 2025-06-30.
    pub discharged: Option<NaiveDate>,
    /// An 11-digit mobile number.
    pub phone: Option<String>,
    /// A 19-digit debit card number with a valid Luhn check digit.
    pub bank_account: Option<String>,
    /// The account's bank; empty when there is no account.
    pub bank_name: &'static str,
    pub status: PersonStatus,
    /// 享受待遇: the programs the person receives on [`RECEIVING_ON`] by the rules of
    /// `shuangyong_domain::benefits` (empty in [`Mix::County`]).
    pub programs: Vec<ProgramKind>,
}

/// Which people a generator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    /// Everyone a county's office registers and serves: veterans of every age, serving soldiers'
    /// families, 优抚对象; as registered before any payment roll is migrated, so 享受待遇 stays
    /// empty and benefits come through applications (the demo county, the load test).
    County,
    /// A province's payment rolls of 优抚对象 being migrated: mostly elderly rural veterans
    /// (老兵生活补助), the disabled, and the smaller groups of the periodic pensions, each person
    /// with the programs the rules grant them in 享受待遇 — about one program per person (see
    /// [`ROLLS`]). The benchmark's province.
    Rolls,
}

/// Makes people one after another. The same seed, regions, units and mix always give the same people.
#[derive(Debug)]
pub struct Generator {
    rng: Rng,
    ids: IdAllocator,
    units: Vec<String>,
    mix: Mix,
}

/// A month as a count of months since year 0, so that service arithmetic is plain integers.
type Month = i32;

const fn month(year: i32, month: u32) -> Month {
    year * 12 + month as i32 - 1
}

fn first_day(m: Month) -> NaiveDate {
    NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1).expect("valid month")
}

/// Discharges happen before 2025-06-30, so by the 2025-06 month at the latest.
const LAST_DISCHARGE: Month = month(2025, 6);
/// Everyone served at least two years.
const LAST_ENLISTMENT: Month = LAST_DISCHARGE - 24;
/// The date ages are counted on (for how likely a person is to have died).
const AGE_DATE: NaiveDate = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();

/// The day 享受待遇 is decided on: a person receives what the rules grant on this day (ages only
/// grow after it, so the same programs stay due on any later day).
pub const RECEIVING_ON: NaiveDate = AGE_DATE;

/// How a category's service record is drawn.
struct Service {
    /// Age at enlistment counted by calendar year, as conscription counts it (当年年满18周岁).
    ages: (i32, i32),
    /// The months enlistment may fall in (also capped by [`LAST_ENLISTMENT`]).
    window: (Month, Month),
    /// Years served, weighted.
    years: &'static [(i32, u32)],
}

/// What a primary category implies about a person.
struct Profile {
    category: Category,
    /// Weight among primary categories, per thousand people.
    share: u32,
    male_share: f64,
    /// Birth years: (first, last) ranges, weighted.
    births: &'static [((i32, i32), u32)],
    service: Option<Service>,
}

/// Years served by soldiers and sergeants: most conscripts 2–5 years, a tail of sergeants to 16,
/// with bumps at 8 and 12 (the terms after which a sergeant may leave) and 16.
const SOLDIER_YEARS: &[(i32, u32)] = &[
    (2, 30),
    (3, 20),
    (4, 12),
    (5, 10),
    (6, 5),
    (7, 3),
    (8, 5),
    (9, 2),
    (10, 2),
    (11, 1),
    (12, 5),
    (13, 1),
    (14, 1),
    (15, 1),
    (16, 2),
];
const VETERAN_BIRTHS: &[((i32, i32), u32)] = &[
    ((1935, 1944), 4),
    ((1945, 1954), 12),
    ((1955, 1964), 20),
    ((1965, 1974), 22),
    ((1975, 1984), 20),
    ((1985, 1994), 14),
    ((1995, 2004), 8),
];
const VETERAN_SERVICE: Service =
    Service { ages: (18, 22), window: (month(1950, 1), LAST_ENLISTMENT), years: SOLDIER_YEARS };
/// 因战 disability mostly dates from the wars of 1950–1989 and mine clearing after them.
const WAR_DISABLED_BIRTHS: &[((i32, i32), u32)] =
    &[((1935, 1944), 20), ((1945, 1954), 30), ((1955, 1964), 40), ((1965, 1970), 10)];

/// The primary categories. Survivor (三属) categories are absent on purpose; 优待证持证人 is added
/// on top (see [`CARD_SHARE`]). The shares are the category mix the brief asks for: with the cards
/// added, each category's share of all category entries is its weight here in percent.
const PROFILES: &[Profile] = &[
    Profile {
        category: Category::Veteran,
        share: 550,
        male_share: 0.97,
        births: VETERAN_BIRTHS,
        service: Some(VETERAN_SERVICE),
    },
    Profile {
        category: Category::RuralVeteran,
        share: 150,
        male_share: 0.97,
        births: &[((1935, 1944), 10), ((1945, 1954), 25), ((1955, 1964), 30), ((1965, 1974), 20), ((1975, 1993), 15)],
        service: Some(Service { ages: (18, 22), window: (month(1954, 11), month(2011, 10)), years: SOLDIER_YEARS }),
    },
    Profile {
        category: Category::ActiveFamily,
        share: 100,
        // Mostly wives and mothers of serving soldiers.
        male_share: 0.35,
        births: &[
            ((1940, 1949), 2),
            ((1950, 1959), 6),
            ((1960, 1969), 14),
            ((1970, 1979), 20),
            ((1980, 1989), 18),
            ((1990, 1999), 25),
            ((2000, 2005), 15),
        ],
        service: None,
    },
    Profile {
        category: Category::DisabledServiceman,
        share: 50,
        male_share: 0.97,
        // Replaced by WAR_DISABLED_BIRTHS for 因战.
        births: VETERAN_BIRTHS,
        service: Some(VETERAN_SERVICE),
    },
    Profile {
        category: Category::Demobilized,
        share: 10,
        male_share: 0.99,
        births: &[((1925, 1930), 3), ((1931, 1937), 7)],
        // Entered by 1954-10-31; many joined in their teens during the wars.
        service: Some(Service {
            ages: (16, 22),
            window: (month(1940, 1), month(1954, 10)),
            years: &[(2, 10), (3, 25), (4, 25), (5, 20), (6, 10), (8, 6), (10, 4)],
        }),
    },
    Profile {
        category: Category::IllReturnee,
        share: 20,
        male_share: 0.97,
        births: &[((1935, 1944), 15), ((1945, 1954), 35), ((1955, 1964), 35), ((1965, 1975), 15)],
        // Conscripts since the 1954-11 service law, sent home ill after a short service.
        service: Some(Service {
            ages: (18, 22),
            window: (month(1954, 11), LAST_ENLISTMENT),
            years: &[(2, 30), (3, 35), (4, 20), (5, 10), (6, 5)],
        }),
    },
    Profile {
        category: Category::WarVeteran,
        share: 40,
        male_share: 0.97,
        births: &[((1940, 1949), 25), ((1950, 1959), 45), ((1960, 1965), 30)],
        service: Some(VETERAN_SERVICE),
    },
    Profile {
        category: Category::MartyrElderlyChild,
        share: 10,
        male_share: 0.5,
        births: &[((1935, 1944), 25), ((1945, 1954), 40), ((1955, 1964), 35)],
        service: None,
    },
];

/// The payment rolls' people ([`Mix::Rolls`]), per thousand: 农村籍退役士兵 of 60 and over are
/// most of any county's rolls; the disabled, 参战参试, 带病回乡, 在乡复员 and 烈士老年子女 follow;
/// a few younger veterans and families of serving soldiers (registered, paid nothing) remain.
/// With deaths, suspensions and moves (about 4%, no payment) and the 因战 disabled also paid as
/// 参战参试 (about 2%), the rolls hold about 0.93 enrolments per person, nearly all one each.
pub const ROLLS: &[(Category, u32)] = &[
    (Category::RuralVeteran, 720),
    (Category::DisabledServiceman, 100),
    (Category::WarVeteran, 60),
    (Category::IllReturnee, 30),
    (Category::MartyrElderlyChild, 30),
    (Category::Veteran, 30),
    (Category::ActiveFamily, 20),
    (Category::Demobilized, 10),
];

/// Birth years of the rolls' 农村籍退役士兵: all 60 or over on [`RECEIVING_ON`] (younger ones are
/// registered but not yet paid, so they are not on the rolls).
const ROLLS_RURAL_BIRTHS: &[((i32, i32), u32)] = &[((1936, 1944), 15), ((1945, 1954), 38), ((1955, 1964), 47)];

/// The chance that someone with service also holds a 优待证: 7.5% of all people, so that cards
/// are 7% of all category entries.
const CARD_SHARE: f64 = 0.0854;

/// Rural share of people whose category does not decide it, so that about 70% of all are rural.
const RURAL_SHARE: f64 = 0.63;

const CAUSES: &[(DisabilityCause, u32)] =
    &[(DisabilityCause::War, 20), (DisabilityCause::Duty, 50), (DisabilityCause::Illness, 30)];
/// Grades 1–10, most people in the light grades 7–10.
const GRADES: &[(u8, u32)] = &[(1, 1), (2, 1), (3, 2), (4, 3), (5, 4), (6, 6), (7, 12), (8, 18), (9, 24), (10, 29)];
/// 因病 is assessed at grades 1–6 only, mostly the lighter ones.
const ILLNESS_GRADES: &[(u8, u32)] = &[(1, 2), (2, 3), (3, 5), (4, 10), (5, 30), (6, 50)];

const ETHNICITIES: &[(&str, u32)] = &[("汉族", 980), ("回族", 10), ("满族", 5), ("蒙古族", 5)];

/// Mobile prefixes of the three carriers.
const PHONE_PREFIXES: &[&str] = &[
    "138", "139", "135", "150", "151", "152", "158", "159", "182", "183", "187", "188", "130", "131", "132", "155",
    "156", "186", "133", "153", "180", "189",
];
const PHONE_SHARE: f64 = 0.85;

/// Banks that pay benefits in a Shanxi county, with a card-number prefix of the kind each issues
/// (the numbers are synthetic, not real cards); most benefit accounts are at the rural credit
/// cooperatives and the postal bank.
const BANKS: &[((&str, &str), u32)] = &[
    (("山西省农村信用社", "623059"), 35),
    (("中国邮政储蓄银行", "621799"), 25),
    (("中国农业银行", "622848"), 20),
    (("中国建设银行", "621700"), 10),
    (("中国工商银行", "622202"), 10),
];
const BANK_SHARE: f64 = 0.90;
/// On the payment rolls nearly everyone is paid into an account; the few without one are what a
/// cycle lists as left out.
const ROLLS_BANK_SHARE: f64 = 0.99;

impl Generator {
    /// `regions`: 6-digit county codes used as the ID address code (e.g. real Shanxi county codes,
    /// see [`crate::SHANXI_COUNTIES`]); `units`: unit references people live in (chosen uniformly);
    /// `seed`.
    ///
    /// # Panics
    /// If `regions` or `units` is empty, or a region is not 6 digits starting with 1–8.
    pub fn new(seed: u64, regions: Vec<String>, units: Vec<String>) -> Generator {
        Generator::with_mix(Mix::County, seed, regions, units)
    }

    /// As [`Generator::new`], with the people of `mix`.
    ///
    /// # Panics
    /// As [`Generator::new`].
    pub fn with_mix(mix: Mix, seed: u64, regions: Vec<String>, units: Vec<String>) -> Generator {
        assert!(!units.is_empty(), "synth: at least one unit is needed");
        let mut salt = seed ^ 0x5EED_1D5A_17ED_0000;
        Generator { rng: Rng::new(seed), ids: IdAllocator::new(regions, splitmix64(&mut salt)), units, mix }
    }

    pub fn mix(&self) -> Mix {
        self.mix
    }

    /// The next person. ID numbers never repeat within one generator: every region has room for
    /// 500 people per birth date and sex. With a single region ten million people fit (the most
    /// common birth years fill up and later people are born in other years their category
    /// allows); more regions give proportionally more room.
    ///
    /// # Panics
    /// If no birth year allowed for the drawn category has room left in any region.
    pub fn person(&mut self) -> SynthPerson {
        let rng = &mut self.rng;
        let profile = match self.mix {
            Mix::County => {
                let shares: [(usize, u32); PROFILES.len()] = std::array::from_fn(|i| (i, PROFILES[i].share));
                &PROFILES[*rng.weighted(&shares)]
            }
            Mix::Rolls => {
                let category = *rng.weighted(ROLLS);
                PROFILES.iter().find(|p| p.category == category).expect("every category of ROLLS has a profile")
            }
        };
        let category = profile.category;
        let sex = if rng.chance(profile.male_share) { Sex::Male } else { Sex::Female };

        let cause = (category == Category::DisabledServiceman).then(|| *rng.weighted(CAUSES));
        let births = match (cause, self.mix, category) {
            (Some(DisabilityCause::War), _, _) => WAR_DISABLED_BIRTHS,
            (_, Mix::Rolls, Category::RuralVeteran) => ROLLS_RURAL_BIRTHS,
            _ => profile.births,
        };
        let (id_number, birth) = self.id_number(births, sex);
        let rng = &mut self.rng;

        let (enlisted, discharged) = match &profile.service {
            Some(s) => {
                let (a, b) = serve(rng, birth.year(), s);
                (Some(a), Some(b))
            }
            None => (None, None),
        };
        let grade = cause.map(|c| {
            let table = if c == DisabilityCause::Illness { ILLNESS_GRADES } else { GRADES };
            DisabilityGrade::new(*rng.weighted(table)).expect("grades in the tables are 1–10")
        });
        let mut categories = vec![category];
        // On the rolls, disability from war (因战) goes with 参战 (both are paid).
        if self.mix == Mix::Rolls && cause == Some(DisabilityCause::War) {
            categories.push(Category::WarVeteran);
        }
        if profile.service.is_some() && rng.chance(CARD_SHARE) {
            categories.push(Category::PreferentialCard);
        }

        let name = full_name(rng, sex, birth.year());
        let ethnicity = *rng.weighted(ETHNICITIES);
        let rural = match category {
            Category::RuralVeteran | Category::Demobilized => true,
            // 回乡: sent home to the village.
            Category::IllReturnee => rng.chance(0.95),
            _ => rng.chance(RURAL_SHARE),
        };
        let registration = if rural { Registration::Rural } else { Registration::Urban };
        let unit = rng.pick(&self.units).clone();
        let phone =
            rng.chance(PHONE_SHARE).then(|| format!("{}{:08}", rng.pick(PHONE_PREFIXES), rng.below(100_000_000)));
        let bank_share = if self.mix == Mix::Rolls { ROLLS_BANK_SHARE } else { BANK_SHARE };
        let (bank_name, bank_account) = if rng.chance(bank_share) {
            let (bank, prefix) = *rng.weighted(BANKS);
            (bank, Some(card_number(rng, prefix)))
        } else {
            ("", None)
        };
        let status = status(rng, age_on(birth, AGE_DATE));

        let mut person = SynthPerson {
            name,
            id_number,
            ethnicity,
            registration,
            unit,
            categories,
            cause,
            grade,
            enlisted,
            discharged,
            phone,
            bank_account,
            bank_name,
            status,
            programs: Vec::new(),
        };
        if self.mix == Mix::Rolls {
            person.programs = receives(&person, RECEIVING_ON);
        }
        person
    }

    /// A fresh ID number and its birth date, with a birth year drawn from `births`, drawing again
    /// if that year is full.
    fn id_number(&mut self, births: &[((i32, i32), u32)], sex: Sex) -> (IdNumber, NaiveDate) {
        for _ in 0..1000 {
            let (first, last) = *self.rng.weighted(births);
            let year = self.rng.between(first, last);
            if let Some(found) = self.ids.allocate(&mut self.rng, year, sex) {
                return found;
            }
        }
        panic!("synth: no ID numbers left for these birth years; give the generator more regions")
    }
}

/// The programs the rules of `shuangyong_domain::benefits::evaluate` grant `p` on `day`: each
/// periodic pension of a category the person holds; 老兵生活补助 for a rural veteran of 60 or
/// over who enlisted in its window and receives none of them; nothing to the dead, the suspended
/// and the moved-out. (A test judges the result by `evaluate` itself.)
pub fn receives(p: &SynthPerson, day: NaiveDate) -> Vec<ProgramKind> {
    if p.status != PersonStatus::Normal {
        return Vec::new();
    }
    let sixty = shuangyong_domain::benefits::age_on(p.id_number.birth_date(), day) >= 60;
    let mut out = Vec::new();
    for c in &p.categories {
        let kind = match c {
            Category::DisabledServiceman if p.cause.is_some() && p.grade.is_some() => ProgramKind::DisabilityPension,
            Category::WarVeteran => ProgramKind::WarVeteranSubsidy,
            Category::IllReturnee => ProgramKind::IllReturneeSubsidy,
            Category::Demobilized if p.enlisted.is_some_and(|e| e <= DEMOBILIZED_BY) => ProgramKind::DemobilizedSubsidy,
            Category::MartyrElderlyChild if sixty => ProgramKind::MartyrElderlyChildSubsidy,
            _ => continue,
        };
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    let in_window = p.enlisted.is_some_and(|e| (RURAL_WINDOW.0..=RURAL_WINDOW.1).contains(&e));
    if out.is_empty() && sixty && in_window && p.discharged.is_some() && p.registration == Registration::Rural {
        out.push(ProgramKind::RuralVeteranElderly);
    }
    out
}

/// Enlistment months of a year: winter call-ups until 2012, autumn from 2013, spring and autumn
/// from 2020.
fn call_up_months(year: i32) -> &'static [(u32, u32)] {
    match year {
        ..2013 => &[(12, 45), (11, 25), (3, 20), (1, 5), (10, 5)],
        2013..2020 => &[(9, 80), (8, 20)],
        _ => &[(3, 45), (9, 55)],
    }
}

/// Enlistment and discharge months for someone born in `birth_year`.
fn serve(rng: &mut Rng, birth_year: i32, s: &Service) -> (NaiveDate, NaiveDate) {
    let earliest = s.window.0.max(month(birth_year + s.ages.0, 1));
    let latest = s.window.1.min(LAST_ENLISTMENT).min(month(birth_year + s.ages.1, 12));
    assert!(earliest <= latest, "synth: birth year {birth_year} cannot meet its category's service rule");
    // A call-up month at a drawn age; failing that (near the window's edges), any month that fits.
    let enlisted = (0..4)
        .map(|_| {
            let year = birth_year + rng.between(s.ages.0, s.ages.1);
            month(year, *rng.weighted(call_up_months(year)))
        })
        .find(|m| (earliest..=latest).contains(m))
        .unwrap_or_else(|| rng.between(earliest, latest));
    // Discharge a few months either side of the anniversary, never after LAST_DISCHARGE.
    let room = LAST_DISCHARGE - enlisted;
    let served = (0..8)
        .map(|_| (*rng.weighted(s.years) * 12 + rng.between(0, 2)).min(16 * 12))
        .find(|&m| m <= room)
        .unwrap_or(24);
    (first_day(enlisted), first_day(enlisted + served))
}

/// Age in full years on `date`, as [`IdNumber::age_on`] counts it, without reading the number.
fn age_on(birth: NaiveDate, date: NaiveDate) -> u32 {
    let had_birthday = (date.month(), date.day()) >= (birth.month(), birth.day());
    (date.year() - birth.year() - i32::from(!had_birthday)).max(0) as u32
}

/// A 19-digit card number: the 6-digit prefix, 12 random digits and a Luhn check digit.
fn card_number(rng: &mut Rng, prefix: &str) -> String {
    let mut number = format!("{prefix}{:012}", rng.below(1_000_000_000_000));
    number.push(luhn_digit(&number));
    number
}

/// The Luhn check digit to append to `digits` (ASCII digits).
fn luhn_digit(digits: &str) -> char {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

/// Status, per ten thousand: 100 suspended (missed the yearly check) and 50 moved out at any age;
/// deaths rise with age so that about 150 in all have died.
fn status(rng: &mut Rng, age: u32) -> PersonStatus {
    let deceased = match age {
        85.. => 1100,
        75..85 => 400,
        60..75 => 150,
        _ => 40,
    };
    *rng.weighted(&[
        (PersonStatus::Normal, 10_000 - 150 - deceased),
        (PersonStatus::Suspended, 100),
        (PersonStatus::Deceased, deceased),
        (PersonStatus::MovedOut, 50),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_round_trip() {
        assert_eq!(first_day(month(1954, 11)), NaiveDate::from_ymd_opt(1954, 11, 1).unwrap());
        assert_eq!(first_day(month(2025, 12) + 1), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!(month(2025, 6) - month(2023, 6), 24);
    }

    #[test]
    fn age_agrees_with_the_id_number() {
        let on = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        for (y, m, d) in [(1964, 6, 30), (1964, 7, 1), (1964, 2, 29), (2004, 12, 31), (1925, 1, 1)] {
            let birth = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let id = shuangyong_domain::id_number::make("140929", birth, 1);
            assert_eq!(age_on(birth, on), id.age_on(on), "{birth}");
        }
    }

    #[test]
    fn luhn_matches_known_numbers() {
        // The classic example 7992739871 → 3, and a test card number.
        assert_eq!(luhn_digit("7992739871"), '3');
        assert_eq!(luhn_digit("411111111111111"), '1');
        let mut rng = Rng::new(1);
        for _ in 0..100 {
            let n = card_number(&mut rng, "622848");
            assert_eq!(n.len(), 19);
            assert!(n.starts_with("622848") && n.bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(luhn_digit(&n[..18]), n.chars().last().unwrap());
        }
    }

    #[test]
    fn shares_add_up() {
        assert_eq!(PROFILES.iter().map(|p| p.share).sum::<u32>(), 930);
        assert!(PROFILES.iter().all(|p| !p.category.is_survivor() && p.category != Category::PreferentialCard));
        assert!(GRADES.iter().chain(ILLNESS_GRADES).all(|(g, _)| DisabilityGrade::new(*g).is_ok()));
        assert!(ILLNESS_GRADES.iter().all(|(g, _)| *g <= 6));
        assert_eq!(ROLLS.iter().map(|(_, w)| w).sum::<u32>(), 1000);
        assert!(ROLLS.iter().all(|(c, _)| PROFILES.iter().any(|p| p.category == *c)));
    }

    #[test]
    fn every_birth_year_can_serve() {
        // Each year a category may draw must leave room for its service rule, or `serve` panics.
        let mut rng = Rng::new(3);
        for p in PROFILES {
            let Some(s) = &p.service else { continue };
            let births = match p.category {
                Category::DisabledServiceman => [p.births, WAR_DISABLED_BIRTHS].concat(),
                Category::RuralVeteran => [p.births, ROLLS_RURAL_BIRTHS].concat(),
                _ => p.births.to_vec(),
            };
            for ((first, last), _) in births {
                for year in first..=last {
                    let (a, b) = serve(&mut rng, year, s);
                    assert!(a < b && b <= first_day(LAST_DISCHARGE), "{:?} {year}", p.category);
                }
            }
        }
    }
}
