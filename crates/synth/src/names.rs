//! Plausible Chinese names: a surname drawn by its real frequency, then a one- or two-character
//! given name from characters typical of the person's sex and birth decades.

use shuangyong_domain::id_number::Sex;

use crate::rng::Rng;

/// Surnames with their approximate share of the national population, in thousandths of a percent
/// (王 7.12% → 7120), after the published household-registration rankings: the first hundred in
/// rank order, then about 130 rarer ones, then surnames with a special reading that name search
/// must handle (曾 zēng, 单 shàn, 解 xiè, 仇 qiú, 区 ōu, 查 zhā) and one compound surname, each at
/// its real, low frequency. The list covers about 85% of people; drawing only from it scales every
/// share by 1/0.85, so 王 comes out near 8.4% of generated people.
const SURNAMES: &[(&str, u32)] = &[
    ("王", 7120),
    ("李", 7000),
    ("张", 6740),
    ("刘", 5100),
    ("陈", 4610),
    ("杨", 3220),
    ("黄", 2450),
    ("赵", 2190),
    ("吴", 2000),
    ("周", 1950),
    ("徐", 1450),
    ("孙", 1380),
    ("马", 1310),
    ("胡", 1250),
    ("朱", 1240),
    ("郭", 1180),
    ("何", 1160),
    ("罗", 970),
    ("高", 960),
    ("林", 950),
    ("郑", 900),
    ("梁", 850),
    ("谢", 800),
    ("宋", 760),
    ("唐", 730),
    ("许", 710),
    ("韩", 680),
    ("冯", 660),
    ("邓", 660),
    ("曹", 630),
    ("彭", 600),
    ("曾", 560),
    ("肖", 550),
    ("田", 530),
    ("董", 520),
    ("袁", 500),
    ("潘", 490),
    ("于", 480),
    ("蒋", 470),
    ("蔡", 470),
    ("余", 460),
    ("杜", 450),
    ("叶", 440),
    ("程", 430),
    ("苏", 420),
    ("魏", 410),
    ("吕", 400),
    ("丁", 390),
    ("任", 380),
    ("沈", 370),
    ("姚", 360),
    ("卢", 350),
    ("姜", 340),
    ("崔", 330),
    ("钟", 320),
    ("谭", 310),
    ("陆", 300),
    ("汪", 290),
    ("范", 280),
    ("金", 270),
    ("石", 260),
    ("廖", 250),
    ("贾", 250),
    ("夏", 240),
    ("韦", 240),
    ("付", 230),
    ("方", 230),
    ("白", 220),
    ("邹", 220),
    ("孟", 210),
    ("熊", 210),
    ("秦", 200),
    ("邱", 200),
    ("江", 190),
    ("尹", 190),
    ("薛", 180),
    ("闫", 180),
    ("段", 170),
    ("雷", 170),
    ("侯", 160),
    ("龙", 160),
    ("史", 150),
    ("陶", 150),
    ("黎", 140),
    ("贺", 140),
    ("顾", 130),
    ("毛", 130),
    ("郝", 130),
    ("龚", 120),
    ("邵", 120),
    ("万", 110),
    ("钱", 110),
    ("严", 100),
    ("覃", 100),
    ("武", 100),
    ("戴", 100),
    ("莫", 100),
    ("孔", 100),
    ("向", 100),
    ("汤", 100),
    // Rarer surnames, several of them common in Shanxi (常, 温, 牛, 樊, 乔, 翟, 霍, 靳, 冀, 党).
    ("常", 90),
    ("温", 90),
    ("康", 90),
    ("施", 80),
    ("文", 80),
    ("牛", 80),
    ("樊", 70),
    ("葛", 70),
    ("邢", 70),
    ("安", 60),
    ("齐", 60),
    ("易", 60),
    ("乔", 60),
    ("伍", 60),
    ("庞", 60),
    ("颜", 60),
    ("倪", 60),
    ("庄", 50),
    ("聂", 50),
    ("章", 50),
    ("鲁", 50),
    ("岳", 50),
    ("翟", 50),
    ("殷", 50),
    ("詹", 40),
    ("申", 40),
    ("欧", 40),
    ("耿", 40),
    ("关", 40),
    ("兰", 40),
    ("焦", 40),
    ("俞", 40),
    ("左", 40),
    ("柳", 40),
    ("甘", 40),
    ("祝", 30),
    ("包", 30),
    ("宁", 30),
    ("尚", 30),
    ("符", 30),
    ("舒", 30),
    ("阮", 30),
    ("柯", 30),
    ("纪", 30),
    ("梅", 30),
    ("童", 30),
    ("凌", 30),
    ("毕", 30),
    ("季", 30),
    ("裴", 30),
    ("霍", 30),
    ("涂", 30),
    ("成", 30),
    ("苗", 30),
    ("谷", 30),
    ("盛", 30),
    ("曲", 30),
    ("翁", 30),
    ("冉", 30),
    ("骆", 30),
    ("蓝", 30),
    ("路", 30),
    ("游", 30),
    ("辛", 30),
    ("靳", 30),
    ("管", 30),
    ("柴", 30),
    ("蒙", 20),
    ("鲍", 20),
    ("华", 20),
    ("喻", 20),
    ("祁", 20),
    ("蒲", 20),
    ("房", 20),
    ("滕", 20),
    ("屈", 20),
    ("饶", 20),
    ("牟", 20),
    ("艾", 20),
    ("尤", 20),
    ("时", 20),
    ("穆", 20),
    ("司", 20),
    ("卓", 20),
    ("古", 20),
    ("吉", 20),
    ("车", 20),
    ("项", 20),
    ("连", 20),
    ("褚", 20),
    ("娄", 20),
    ("窦", 20),
    ("戚", 20),
    ("景", 20),
    ("党", 20),
    ("宫", 20),
    ("费", 20),
    ("卜", 20),
    ("冷", 20),
    ("席", 20),
    ("卫", 20),
    ("米", 20),
    ("宗", 20),
    ("全", 20),
    ("佟", 20),
    ("臧", 20),
    ("闵", 20),
    ("边", 20),
    ("卞", 20),
    ("姬", 20),
    ("师", 20),
    ("冀", 20),
    ("栾", 10),
    ("隋", 10),
    ("商", 10),
    ("刁", 10),
    ("荣", 10),
    ("寇", 10),
    ("桑", 10),
    ("郎", 10),
    ("甄", 10),
    ("仲", 10),
    ("虞", 10),
    ("敖", 10),
    ("巩", 10),
    ("佘", 10),
    ("池", 10),
    ("苑", 10),
    ("迟", 10),
    // Special readings, at their real low frequencies (曾 is among the first hundred).
    ("单", 30),
    ("解", 20),
    ("仇", 10),
    ("查", 10),
    ("区", 5),
    ("欧阳", 40),
];

/// Birth cohorts whose naming fashions differ enough to matter.
#[derive(Clone, Copy)]
enum Era {
    /// Born before 1950: names of rural blessings (福, 贵, 喜; 兰, 英, 花).
    Old,
    /// Born 1950–1979: names of the new China (建, 国, 军, 红; 秀, 芳, 萍).
    Middle,
    /// Born 1980 or later: 伟, 磊, 鹏; 婷, 娜, 静.
    Young,
}

impl Era {
    fn of(birth_year: i32) -> Era {
        match birth_year {
            ..1950 => Era::Old,
            1950..1980 => Era::Middle,
            _ => Era::Young,
        }
    }

    /// The share of one-character given names, which grew through the century.
    fn single_share(self) -> f64 {
        match self {
            Era::Old => 0.20,
            Era::Middle => 0.28,
            Era::Young => 0.35,
        }
    }
}

const MALE_OLD: &[&str] = &[
    "福", "贵", "财", "富", "有", "喜", "生", "旺", "成", "荣", "山", "全", "胜", "利", "永", "宝", "保", "金", "根",
    "来", "顺", "祥", "瑞", "庆", "德", "义", "仁", "礼", "忠", "孝", "廷", "堂", "茂", "林", "树", "海", "文", "武",
    "明", "清", "玉", "汉", "振", "兴", "发", "元", "锁", "润", "秉", "守", "存", "怀", "恩", "登", "禄", "寿", "耀",
    "宗", "满",
];
const MALE_MIDDLE: &[&str] = &[
    "建", "国", "华", "明", "军", "平", "伟", "强", "刚", "勇", "东", "志", "红", "林", "海", "斌", "波", "涛", "峰",
    "卫", "兵", "新", "民", "中", "光", "学", "文", "武", "庆", "春", "生", "利", "忠", "德", "俊", "杰", "亮", "辉",
    "龙", "飞", "宏", "锋", "彪", "晓", "小", "云", "江", "河", "青", "松", "柏", "成", "永", "全", "进", "继", "社",
    "援", "跃",
];
const MALE_YOUNG: &[&str] = &[
    "伟", "磊", "鹏", "涛", "杰", "浩", "宇", "帅", "超", "阳", "凯", "晨", "泽", "博", "鑫", "亮", "强", "刚", "斌",
    "俊", "峰", "龙", "飞", "勇", "军", "旭", "昊", "明", "宁", "毅", "坤", "然", "哲", "轩", "睿", "豪", "健", "晓",
    "振", "星", "文", "志", "海", "东", "彬", "翔", "锐", "航", "帆",
];
const FEMALE_OLD: &[&str] = &[
    "英", "秀", "兰", "桂", "凤", "珍", "玉", "翠", "花", "琴", "梅", "芳", "爱", "淑", "彩", "菊", "香", "巧", "润",
    "银", "素", "莲", "娥", "枝", "环", "叶", "仙", "月", "金", "荣", "改", "存", "桃", "杏", "娃", "妮",
];
const FEMALE_MIDDLE: &[&str] = &[
    "英", "秀", "兰", "芳", "梅", "红", "丽", "娟", "艳", "萍", "燕", "敏", "静", "慧", "玲", "霞", "芬", "莲", "云",
    "华", "春", "琴", "凤", "玉", "桂", "珍", "莉", "青", "平", "爱", "晓", "小", "冬", "瑞",
];
const FEMALE_YOUNG: &[&str] = &[
    "丽", "娟", "艳", "婷", "雪", "洁", "琳", "晶", "倩", "颖", "丹", "静", "敏", "慧", "娜", "佳", "欣", "悦", "雅",
    "琪", "萌", "璐", "瑶", "蕾", "薇", "月", "霞", "燕", "晓", "芳", "茹", "楠",
];

/// Whole given names that belong to a few years of history, given now and then to children born
/// in them: (first year, last year, sex, name).
const PERIOD_NAMES: &[(i32, i32, Sex, &str)] = &[
    (1949, 1951, Sex::Male, "建国"),
    (1949, 1951, Sex::Male, "国庆"),
    (1950, 1953, Sex::Male, "援朝"),
    (1950, 1953, Sex::Male, "抗美"),
    (1958, 1960, Sex::Male, "跃进"),
    (1966, 1971, Sex::Male, "卫东"),
    (1966, 1971, Sex::Female, "卫红"),
    (1966, 1971, Sex::Male, "向阳"),
    (1963, 1970, Sex::Female, "红梅"),
];

/// The share of people born in a period year who get one of its period names.
const PERIOD_NAME_SHARE: f64 = 0.04;

fn pool(sex: Sex, era: Era) -> &'static [&'static str] {
    match (sex, era) {
        (Sex::Male, Era::Old) => MALE_OLD,
        (Sex::Male, Era::Middle) => MALE_MIDDLE,
        (Sex::Male, Era::Young) => MALE_YOUNG,
        (Sex::Female, Era::Old) => FEMALE_OLD,
        (Sex::Female, Era::Middle) => FEMALE_MIDDLE,
        (Sex::Female, Era::Young) => FEMALE_YOUNG,
    }
}

/// A full name (surname first) for someone of `sex` born in `birth_year`.
pub(crate) fn full_name(rng: &mut Rng, sex: Sex, birth_year: i32) -> String {
    let mut name = String::with_capacity(12);
    let surname = rng.weighted(SURNAMES);
    name.push_str(surname);
    if rng.chance(PERIOD_NAME_SHARE) {
        let fits = |&&(from, to, s, _): &&(i32, i32, Sex, &str)| s == sex && (from..=to).contains(&birth_year);
        let count = PERIOD_NAMES.iter().filter(fits).count();
        if count > 0 {
            let i = rng.below(count as u64) as usize;
            let (_, _, _, given) = PERIOD_NAMES.iter().filter(fits).nth(i).expect("i < count");
            name.push_str(given);
            return name;
        }
    }
    let era = Era::of(birth_year);
    let chars = pool(sex, era);
    // A given name repeating the surname (林林) is rare enough to leave out.
    let mut first = rng.pick(chars);
    while surname.ends_with(first) {
        first = rng.pick(chars);
    }
    name.push_str(first);
    if !rng.chance(era.single_share()) {
        // Two different characters: 建建 is not a name, and 丽丽-style doubles are left out too.
        let mut second = rng.pick(chars);
        while second == first || surname.ends_with(second) {
            second = rng.pick(chars);
        }
        name.push_str(second);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn tables_are_clean() {
        let mut seen = HashSet::new();
        for (s, w) in SURNAMES {
            assert!(*w > 0 && seen.insert(*s), "{s}");
            assert!((1..=2).contains(&s.chars().count()), "{s}");
        }
        assert!(SURNAMES.len() >= 100);
        for special in ["曾", "单", "解", "仇", "区", "查"] {
            assert!(seen.contains(special), "{special}");
        }
        let mut chars = HashSet::new();
        for p in [MALE_OLD, MALE_MIDDLE, MALE_YOUNG, FEMALE_OLD, FEMALE_MIDDLE, FEMALE_YOUNG] {
            let mut in_pool = HashSet::new();
            for c in p {
                assert_eq!(c.chars().count(), 1, "{c}");
                assert!(in_pool.insert(*c), "{c} twice in one pool");
                chars.insert(*c);
            }
        }
        assert!(chars.len() >= 195, "only {} given-name characters", chars.len());
    }

    #[test]
    fn names_have_plausible_shapes() {
        let mut rng = Rng::new(11);
        let mut lengths: HashMap<usize, u32> = HashMap::new();
        for i in 0..20_000 {
            let sex = if i % 2 == 0 { Sex::Male } else { Sex::Female };
            let year = 1930 + i % 70;
            let name = full_name(&mut rng, sex, year);
            let n = name.chars().count();
            assert!((2..=4).contains(&n), "{name}");
            *lengths.entry(n).or_default() += 1;
            let chars: Vec<char> = name.chars().collect();
            assert!(chars.windows(2).all(|w| w[0] != w[1]), "{name}");
        }
        // Mostly three characters, a good share of two, four only with 欧阳.
        assert!(lengths[&3] > lengths[&2] && lengths[&2] > 4_000, "{lengths:?}");
        assert!(lengths.get(&4).copied().unwrap_or(0) < 40, "{lengths:?}");
    }

    #[test]
    fn given_names_follow_sex() {
        let mut rng = Rng::new(12);
        for _ in 0..2_000 {
            let name = full_name(&mut rng, Sex::Female, 1985);
            let given: String = name.chars().skip(1).collect();
            assert!(!given.contains(['磊', '鹏', '帅', '浩', '豪']), "{name}");
        }
    }
}
