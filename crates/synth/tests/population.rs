//! Properties of a large generated population: the rules reviewers and the import rely on.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use shuangyong_domain::benefits::{CategoryFact, Facts, ProgramKind, RuleSettings, StandardRow, evaluate};
use shuangyong_domain::dates::parse_date;
use shuangyong_domain::id_number::{IdNumber, Sex};
use shuangyong_domain::mask::{normalize_account, normalize_phone};
use shuangyong_domain::person::{
    Category, DisabilityCause, DisabilityGrade, PersonStatus, Registration, check_grade, split_multi,
};
use shuangyong_synth::{Generator, HEADERS, Mix, RECEIVING_ON, SHANXI_COUNTIES, SynthPerson, write_csv};

const UNITS: [&str; 4] = ["岚漪镇", "三井镇", "140929/03/012", "团城村"];

fn generator(seed: u64, regions: &[&str]) -> Generator {
    Generator::new(seed, regions.iter().map(|r| r.to_string()).collect(), UNITS.map(String::from).to_vec())
}

/// 200,000 people of one county: a single region is the hardest case for unique ID numbers.
fn population() -> &'static [SynthPerson] {
    static PEOPLE: OnceLock<Vec<SynthPerson>> = OnceLock::new();
    PEOPLE.get_or_init(|| {
        let mut g = generator(2024, &["140929"]);
        (0..200_000).map(|_| g.person()).collect()
    })
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn csv_lines(seed: u64, rows: usize) -> Vec<String> {
    let regions: Vec<String> = SHANXI_COUNTIES.iter().map(|(c, _)| c.to_string()).collect();
    let mut g = Generator::new(seed, regions, UNITS.map(String::from).to_vec());
    let mut out = Vec::new();
    assert_eq!(write_csv(&mut g, rows, &mut out).unwrap(), rows);
    String::from_utf8(out).unwrap().lines().map(str::to_owned).collect()
}

#[test]
fn same_seed_same_file_other_seed_other_file() {
    let a = csv_lines(1, 999);
    assert_eq!(a.len(), 1000);
    assert_eq!(a, csv_lines(1, 999));
    let b = csv_lines(2, 999);
    assert_eq!(a[0], b[0], "same header");
    let same = a[1..].iter().zip(&b[1..]).filter(|(x, y)| x == y).count();
    assert_eq!(same, 0, "rows of seed 2 repeat seed 1");
}

#[test]
fn id_numbers_are_unique_valid_and_match_the_person() {
    let mut seen = HashSet::new();
    for p in population() {
        let parsed = IdNumber::parse(p.id_number.as_str()).expect("valid");
        assert_eq!(parsed, p.id_number);
        assert_eq!(parsed.region(), "140929");
        assert!(seen.insert(parsed), "{} repeated", p.id_number.as_str());
    }
    assert_eq!(seen.len(), 200_000);
}

#[test]
fn given_names_fit_the_sex_in_the_id_number() {
    // Characters that only one sex's names use in the generator's tables.
    let male_only = ['磊', '鹏', '帅', '浩', '豪', '刚', '强', '彪', '兵', '军', '武', '福', '贵'];
    let female_only = ['娟', '婷', '娜', '丽', '艳', '芳', '秀', '兰', '英', '凤', '娥', '花', '倩'];
    for p in population() {
        let n = p.name.chars().count();
        assert!((2..=4).contains(&n), "{}", p.name);
        // The surname may legitimately be one of these characters (兰, 花…); look at the given name.
        let given: String = p.name.chars().skip(if p.name.starts_with("欧阳") { 2 } else { 1 }).collect();
        let wrong = if p.id_number.sex() == Sex::Male { &female_only } else { &male_only };
        assert!(!given.contains(wrong), "{} is {}", p.name, p.id_number.sex());
    }
}

#[test]
fn categories_dates_and_disability_follow_the_rules() {
    let last_discharge = date(2025, 6, 30);
    for p in population() {
        let birth = p.id_number.birth_date();
        let by = birth.year();
        let primary = p.categories[0];
        let why = format!("{primary} {} {:?} {:?}", birth, p.enlisted, p.discharged);
        assert!(!p.categories.iter().any(|c| c.is_survivor()), "{why}");
        assert!(p.categories.len() == 1 || p.categories[1..] == [Category::PreferentialCard], "{why}");

        match primary {
            Category::ActiveFamily => assert!((1940..=2005).contains(&by), "{why}"),
            Category::MartyrElderlyChild => assert!((1935..=1964).contains(&by), "{why}"),
            Category::Demobilized => assert!((1925..=1937).contains(&by), "{why}"),
            Category::WarVeteran => assert!((1940..=1965).contains(&by), "{why}"),
            _ => assert!((1935..=2004).contains(&by), "{why}"),
        }

        let served = !matches!(primary, Category::ActiveFamily | Category::MartyrElderlyChild);
        assert_eq!(p.enlisted.is_some(), served, "{why}");
        assert_eq!(p.discharged.is_some(), served, "{why}");
        if p.categories.contains(&Category::PreferentialCard) {
            assert!(served, "{why}");
        }
        if let (Some(e), Some(d)) = (p.enlisted, p.discharged) {
            let age = e.year() - by;
            let ages = if primary == Category::Demobilized { 16..=22 } else { 18..=22 };
            assert!(ages.contains(&age), "enlisted at {age}: {why}");
            assert!(d > e && d < last_discharge, "{why}");
            let months = (d.year() - e.year()) * 12 + d.month() as i32 - e.month() as i32;
            assert!((24..=16 * 12).contains(&months), "served {months} months: {why}");
            assert_eq!((e.day(), d.day()), (1, 1), "dates are months: {why}");
        }

        match primary {
            Category::RuralVeteran => {
                assert_eq!(p.registration, Registration::Rural, "{why}");
                let e = p.enlisted.unwrap();
                assert!((date(1954, 11, 1)..=date(2011, 10, 31)).contains(&e), "{why}");
            }
            Category::Demobilized => assert!(p.enlisted.unwrap() <= date(1954, 10, 31), "{why}"),
            Category::IllReturnee => assert!(p.enlisted.unwrap() >= date(1954, 11, 1), "{why}"),
            _ => {}
        }

        let disabled = primary == Category::DisabledServiceman;
        assert_eq!(p.cause.is_some(), disabled, "{why}");
        assert_eq!(p.grade.is_some(), disabled, "{why}");
        if let (Some(c), Some(g)) = (p.cause, p.grade) {
            assert!(check_grade(c, g).is_ok(), "{c} {g}");
        }
    }
}

/// Shares in percent of `n`.
fn pct(count: usize, n: usize) -> f64 {
    100.0 * count as f64 / n as f64
}

fn assert_near(what: &str, got: f64, want: f64, tolerance: f64) {
    assert!((got - want).abs() <= tolerance, "{what}: {got:.2}%, expected about {want}%");
}

#[test]
fn the_mix_is_roughly_as_asked() {
    let people = &population()[..100_000];
    let n = people.len();
    let entries: Vec<Category> = people.iter().flat_map(|p| p.categories.iter().copied()).collect();
    for (category, want) in [
        (Category::Veteran, 55.0),
        (Category::RuralVeteran, 15.0),
        (Category::ActiveFamily, 10.0),
        (Category::PreferentialCard, 7.0),
        (Category::DisabledServiceman, 5.0),
        (Category::WarVeteran, 4.0),
        (Category::IllReturnee, 2.0),
        (Category::Demobilized, 1.0),
        (Category::MartyrElderlyChild, 1.0),
    ] {
        let share = pct(entries.iter().filter(|c| **c == category).count(), entries.len());
        assert_near(category.label(), share, want, want * 0.1 + 0.2);
    }

    let count = |f: &dyn Fn(&SynthPerson) -> bool| pct(people.iter().filter(|p| f(p)).count(), n);
    assert_near("rural", count(&|p| p.registration == Registration::Rural), 70.0, 2.0);
    assert_near("汉族", count(&|p| p.ethnicity == "汉族"), 98.0, 0.5);
    assert_near("phone", count(&|p| p.phone.is_some()), 85.0, 1.5);
    assert_near("bank", count(&|p| p.bank_account.is_some()), 90.0, 1.5);
    for (status, want) in [
        (PersonStatus::Normal, 97.0),
        (PersonStatus::Suspended, 1.0),
        (PersonStatus::Deceased, 1.5),
        (PersonStatus::MovedOut, 0.5),
    ] {
        assert_near(status.label(), count(&|p| p.status == status), want, want * 0.05 + 0.25);
    }

    let disabled: Vec<&SynthPerson> = people.iter().filter(|p| p.cause.is_some()).collect();
    let cause_share = |c| pct(disabled.iter().filter(|p| p.cause == Some(c)).count(), disabled.len());
    assert_near("因战", cause_share(DisabilityCause::War), 20.0, 2.0);
    assert_near("因公", cause_share(DisabilityCause::Duty), 50.0, 2.5);
    assert_near("因病", cause_share(DisabilityCause::Illness), 30.0, 2.5);
    let light = disabled.iter().filter(|p| p.grade.unwrap().get() >= 7).count();
    let not_illness = disabled.iter().filter(|p| p.cause != Some(DisabilityCause::Illness)).count();
    assert!(pct(light, not_illness) > 70.0, "grades 7–10 are the common ones");
}

#[test]
fn surnames_follow_real_frequencies() {
    let people = &population()[..100_000];
    let mut counts: HashMap<char, usize> = HashMap::new();
    for p in people {
        *counts.entry(p.name.chars().next().unwrap()).or_default() += 1;
    }
    for s in ['王', '李', '张'] {
        let share = pct(counts[&s], people.len());
        assert!((5.0..=10.0).contains(&share), "{s}: {share:.2}%");
    }
    assert!(counts[&'王'] > counts[&'刘'] && counts[&'刘'] > counts[&'杨'] && counts[&'杨'] > counts[&'周']);
    for rare in ['曾', '单', '解', '仇', '查'] {
        assert!(counts.contains_key(&rare), "{rare} never drawn");
    }
    assert!(counts.len() > 200, "only {} surnames", counts.len());
}

#[test]
fn every_csv_cell_is_one_the_import_accepts() {
    let lines = csv_lines(9, 5_000);
    assert_eq!(lines[0], HEADERS.join(","));
    for line in &lines[1..] {
        // No unit here holds a comma, so a plain split is the CSV reading.
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), HEADERS.len(), "{line}");
        let cell: HashMap<&str, &str> = HEADERS.iter().copied().zip(cells).collect();
        let id = IdNumber::parse(cell["身份证号"]).unwrap();
        assert_eq!(Sex::parse(cell["性别"]), Ok(id.sex()), "{line}");
        assert!(["汉族", "回族", "满族", "蒙古族"].contains(&cell["民族"]), "{line}");
        assert!(Registration::parse(cell["户籍性质"]).is_ok(), "{line}");
        assert!(UNITS.contains(&cell["所属单位"]), "{line}");
        let categories = split_multi(cell["人员类别"]);
        assert!(!categories.is_empty() && categories.iter().all(|c| Category::parse(c).is_ok()), "{line}");
        for column in ["入伍时间", "退役时间"] {
            let raw = cell[column];
            if !raw.is_empty() {
                assert_eq!(raw.len(), 7, "YYYY-MM: {line}");
                assert!(parse_date(raw).is_ok(), "{line}");
            }
        }
        let disabled = categories.iter().any(|c| c == "残疾军人");
        assert_eq!(!cell["伤残性质"].is_empty(), disabled, "{line}");
        if disabled {
            let cause = DisabilityCause::parse(cell["伤残性质"]).unwrap();
            let grade = DisabilityGrade::parse(cell["伤残等级"]).unwrap();
            assert!(cell["伤残等级"].ends_with('级'), "{line}");
            assert!(check_grade(cause, grade).is_ok(), "{line}");
        }
        if !cell["联系电话"].is_empty() {
            assert_eq!(normalize_phone(cell["联系电话"]).as_deref(), Ok(cell["联系电话"]), "{line}");
        }
        assert_eq!(cell["银行账号"].is_empty(), cell["开户银行"].is_empty(), "{line}");
        if !cell["银行账号"].is_empty() {
            assert_eq!(normalize_account(cell["银行账号"]).as_deref(), Ok(cell["银行账号"]), "{line}");
            assert_eq!(cell["银行账号"].len(), 19);
            assert!(["6222", "6228", "6217", "6230"].iter().any(|p| cell["银行账号"].starts_with(p)), "{line}");
        }
        assert_eq!(cell["享受待遇"], "");
        assert!(PersonStatus::parse(cell["状态"]).is_ok(), "{line}");
    }
}

#[test]
#[should_panic(expected = "at least one unit")]
fn a_generator_needs_units() {
    Generator::new(1, vec!["140929".into()], Vec::new());
}

/// People of the payment rolls, with what they receive.
fn rolls(seed: u64, n: usize) -> Vec<SynthPerson> {
    let regions: Vec<String> = SHANXI_COUNTIES.iter().map(|(c, _)| c.to_string()).collect();
    let mut g = Generator::with_mix(Mix::Rolls, seed, regions, UNITS.map(String::from).to_vec());
    (0..n).map(|_| g.person()).collect()
}

/// A standards table for every key of every kind, in force long before the day judged: the rules
/// then decide on the person alone.
fn any_standards(kind: ProgramKind) -> Vec<StandardRow> {
    kind.standard_keys()
        .into_iter()
        .map(|(key, _)| StandardRow { key, annual_fen: 10_000, effective_from: date(2000, 1, 1) })
        .collect()
}

/// The facts the import and the store hand the rules for `p`, judged for `kind`: what else the
/// person receives are their other periodic pensions.
fn facts_of(p: &SynthPerson, kind: ProgramKind) -> Facts {
    Facts {
        birth_date: p.id_number.birth_date(),
        registration: p.registration,
        status: p.status,
        status_date: None,
        categories: p
            .categories
            .iter()
            .map(|&category| {
                let disabled = category == Category::DisabledServiceman;
                CategoryFact {
                    category,
                    cause: if disabled { p.cause } else { None },
                    grade: if disabled { p.grade } else { None },
                    relation: None,
                    since: None,
                }
            })
            .collect(),
        service: if p.enlisted.is_some() || p.discharged.is_some() { vec![(p.enlisted, p.discharged)] } else { vec![] },
        receiving: p
            .programs
            .iter()
            .filter(|k| **k != kind && k.is_periodic_pension())
            .map(|k| k.label().to_owned())
            .collect(),
    }
}

#[test]
fn the_rules_grant_what_the_rolls_say_people_receive() {
    let people = rolls(11, 2_000);
    let (mut claims, mut refused, mut missing) = (0, Vec::new(), Vec::new());
    for p in &people {
        for kind in ProgramKind::ALL {
            let v = evaluate(kind, &facts_of(p, kind), &any_standards(kind), RECEIVING_ON, RuleSettings::default());
            let claimed = p.programs.contains(&kind);
            claims += usize::from(claimed);
            if claimed && !v.eligible {
                refused.push(format!("{} {:?} 享受{}：{}", p.name, p.categories, kind.label(), v.text()));
            }
            // Nobody is left without a program the rule grants (with what they receive held).
            if !claimed && v.eligible {
                missing.push(format!("{} {:?} 未享受{}：{}", p.name, p.categories, kind.label(), v.text()));
            }
        }
    }
    assert!(claims >= 1_700, "only {claims} programs for 2,000 people");
    assert!(refused.len() * 50 <= claims, "{} of {claims} refused:\n{}", refused.len(), refused.join("\n"));
    assert!(missing.len() * 50 <= claims, "{} programs missing:\n{}", missing.len(), missing.join("\n"));
    for line in refused.iter().chain(&missing) {
        eprintln!("{line}");
    }
}

#[test]
fn the_rolls_hold_about_one_program_a_person() {
    let people = rolls(12, 50_000);
    let programs: usize = people.iter().map(|p| p.programs.len()).sum();
    let per_person = programs as f64 / people.len() as f64;
    assert!((0.88..=1.05).contains(&per_person), "{per_person:.3} programs a person");
    let one = people.iter().filter(|p| p.programs.len() == 1).count();
    eprintln!("{per_person:.3} programs a person, {:.1}% exactly one", pct(one, people.len()));
    assert!(pct(one, people.len()) >= 85.0, "{:.1}% receive exactly one", pct(one, people.len()));
    let count = |k: ProgramKind| pct(people.iter().filter(|p| p.programs.contains(&k)).count(), people.len());
    assert_near("老兵生活补助", count(ProgramKind::RuralVeteranElderly), 68.5, 3.0);
    assert_near("残疾抚恤金", count(ProgramKind::DisabilityPension), 9.6, 1.0);
    for k in ProgramKind::ALL.into_iter().filter(|k| *k != ProgramKind::SurvivorPension) {
        assert!(count(k) > 0.5, "{} {:.2}%", k.label(), count(k));
    }
    // Nothing for those not paid, and only 因战 disability goes with another program.
    for p in &people {
        if p.status != PersonStatus::Normal {
            assert!(p.programs.is_empty(), "{p:?}");
        }
        if p.programs.len() > 1 {
            assert_eq!(p.programs, [ProgramKind::DisabilityPension, ProgramKind::WarVeteranSubsidy], "{p:?}");
            assert_eq!(p.cause, Some(DisabilityCause::War));
        }
    }
}

#[test]
fn rolls_csv_names_the_programs_as_the_import_reads_them_and_repeats_for_a_seed() {
    let write = |seed| {
        let mut g = Generator::with_mix(Mix::Rolls, seed, vec!["140929".into()], UNITS.map(String::from).to_vec());
        let mut out = Vec::new();
        write_csv(&mut g, 3_000, &mut out).unwrap();
        out
    };
    let a = write(5);
    assert_eq!(a, write(5), "same seed, same bytes");
    assert_ne!(a, write(6));
    let text = String::from_utf8(a).unwrap();
    let people = {
        let mut g = Generator::with_mix(Mix::Rolls, 5, vec!["140929".into()], UNITS.map(String::from).to_vec());
        (0..3_000).map(|_| g.person()).collect::<Vec<_>>()
    };
    let mut filled = 0;
    for (line, p) in text.lines().skip(1).zip(&people) {
        let cells: Vec<&str> = line.split(',').collect();
        let claimed = cells[14];
        filled += usize::from(!claimed.is_empty());
        let names: Vec<String> = split_multi(claimed);
        let want: Vec<&str> = p.programs.iter().map(|k| k.label()).collect();
        assert_eq!(names, want, "{line}");
    }
    assert!(filled > 2_500, "{filled} rows with 享受待遇");
}
