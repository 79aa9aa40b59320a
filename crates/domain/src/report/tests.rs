use super::template::{facts, keys, literal_text};
use super::*;
use crate::figures::More;

const YU: Style = Style::About(More::Yu);

fn fig(key: &str, value: i64, measure: &str, style: Style) -> Figure {
    Figure::new(key, Section::Support, key, value, measure, style, format!("/{key}"))
}

fn entry(name: &str, value: Option<i64>) -> Entry {
    Entry { name: name.to_owned(), figure: value.map(|v| fig(name, v, "人次", Style::About(More::Duo))) }
}

fn text(blocks: &[Block]) -> String {
    blocks.iter().map(Block::text).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_template_renders_with_figures_and_vars() {
    let f = facts(
        vec![fig("roads", 228_600_000, "元", YU), fig("veterans", 116, "名", Style::Exact)],
        vec![],
        &[("county", "某县"), ("from", "2020")],
    );
    let t = "# {county}{from}年以来双拥工作总结\n\n## 一、强化服务保障\n投入国防公路建设资金{roads}，为{veterans}老兵落实生活补助{{特此}}。\n// a note for the author";
    let blocks = render(t, &f);
    assert_eq!(blocks.len(), 3);
    assert_eq!(blocks[0].text(), "某县2020年以来双拥工作总结");
    assert!(matches!(blocks[1], Block::Heading(_)));
    assert_eq!(blocks[2].text(), "投入国防公路建设资金近2.3亿元，为116名老兵落实生活补助{特此}。");
    assert!(blocks[2].spans().iter().any(|s| matches!(s, Span::Figure(f) if f.href == "/roads")));
    assert_eq!(keys(t), vec!["county", "from", "roads", "veterans"]);
}

#[test]
fn a_clause_without_its_figure_or_with_a_zero_is_left_out_and_the_sentence_closed() {
    let f = facts(vec![fig("a", 3, "次", YU), fig("zero", 0, "起", Style::Exact)], vec![], &[]);
    let cases = [
        ("开展活动{a}，发生事故{zero}。", "开展活动3次。"),
        ("发生事故{zero}，开展活动{a}。", "开展活动3次。"),
        ("开展活动{a}，没有的{nope}；另一个{zero}。下一句{a}。", "开展活动3次。下一句3次。"),
        ("全都没有{zero}。", ""),
        ("开展活动{a}{if zero}，其中{zero}{end}。", "开展活动3次。"),
    ];
    for (t, want) in cases {
        assert_eq!(text(&render(t, &f)), want, "{t}");
    }
}

#[test]
fn conditions_choose_what_the_records_have() {
    let f = facts(
        vec![
            fig("national", 4, "次", Style::Cn),
            fig("provincial", 1, "届", Style::Cn),
            fig("accidents", 0, "起", Style::Exact),
        ],
        vec![],
        &[],
    );
    let t = "{if national>1}连续{national}荣获全国称号{end}{if provincial=1}、荣获省级称号{end}{if municipal}、市级{end}。\n\
             {if !accidents}实现零事故{else}发生事故{accidents}{end}。\n\
             {if national provincial>=2}两级都连续{end}{if municipal or provincial}或{end}";
    assert_eq!(text(&render(t, &f)), "连续四次荣获全国称号、荣获省级称号。\n实现零事故。\n或");
}

#[test]
fn lists_name_what_the_records_name() {
    let f = facts(
        vec![],
        vec![
            ("bases", vec![entry("某馆", Some(31_250)), entry("某园", Some(0)), entry("某址", Some(1_200))]),
            ("none", vec![]),
        ],
        &[],
    );
    let t = "其中{each bases|，}{name}接待参观学习{value}{end}。\n基地有{names:bases}。\n{if none}不写{end}没有的{names:none}。";
    // The base with no visits drops out as its clause does; an empty list writes nothing.
    assert_eq!(
        text(&render(t, &f)),
        "其中某馆接待参观学习3万多人次，某址接待参观学习1200人次。\n基地有某馆、某园、某址。"
    );
    let blocks = render("{names:bases}", &f);
    assert_eq!(blocks[0].spans().iter().filter(|s| matches!(s, Span::Name(_))).count(), 3);
}

#[test]
fn blocks_over_lines_and_headings_without_text() {
    let f = facts(vec![fig("a", 12, "次", Style::Exact)], vec![], &[]);
    let t = "# 总结\n## 一、甲\n{if b}\n乙的一段{b}。\n乙的二段。\n{end}\n## 二、乙\n活动{a}。\n## 三、丙\n{b}";
    let blocks = render(t, &f);
    assert_eq!(text(&blocks), "总结\n一、乙\n活动12次。", "the empty first section goes, the rest renumbered");
    let t = "{if a}\n第一段。\n第二段。\n{else}\n没有。\n{end}";
    assert_eq!(text(&render(t, &f)), "第一段。\n第二段。");
}

#[test]
fn mistakes_in_a_template_are_told_to_its_author() {
    let known = |k: &str| matches!(k, "a" | "bases");
    assert!(check("开展{a}，{each bases}{name}{value}{end}", &known).is_empty());
    for (t, says) in [
        ("{if a}没有结束", "没有以 {end} 结束"),
        ("多余{end}", "{end} 前面没有"),
        ("{else}", "{else} 不在"),
        ("{nope}", "{nope} 不是可用的数据项"),
        ("{if a>x}", "应为整数"),
        ("{a", "没有对应的 }"),
        ("{}", "空的 {}"),
        ("{name}", "{name} 不是可用的数据项"),
    ] {
        let errors = check(t, &known);
        assert!(errors.iter().any(|e| e.contains(says)), "{t}: {errors:?}");
    }
}

proptest::proptest! {
    /// Whatever the records hold, the summary writes only the template's words, names the records
    /// carry, and figures other than zero that the records produced.
    #[test]
    fn a_summary_says_only_what_the_template_and_the_records_say(
        values in proptest::collection::vec(0i64..2_000_000, 6),
        present in proptest::collection::vec(proptest::bool::ANY, 6),
        names in proptest::collection::vec("[甲乙丙丁戊己庚辛]{2,4}", 0..4),
    ) {
        let keys = ["k0", "k1", "k2", "k3", "k4", "k5"];
        let figures: Vec<Figure> = keys
            .iter()
            .zip(&values)
            .zip(&present)
            .filter(|(_, p)| **p)
            .map(|((k, v), _)| fig(k, *v, "元", YU))
            .collect();
        let list: Vec<Entry> = names.iter().zip(&values).map(|(n, v)| entry(n, Some(*v % 5))).collect();
        let mut f = facts(figures.clone(), vec![("list", list)], &[("county", "某县")]);
        f.known.extend(keys.iter().map(|k| (*k).to_owned()));
        let t = "# {county}总结\n## 一、甲\n投入{k0}，其中{k1}{if k2>100}，另有{k2}{end}；{if !k3}没有丙{else}丙{k3}{end}。\n\
                 ## 二、乙\n{each list|，}{name}{value}{end}，共{k4}。\n## 三、丙\n{names:list}等{k5}。";
        let literal: Vec<String> = literal_text(t).iter().map(|s| s.replace(['，', '；', '。'], "|")).collect();
        let allowed = f.names();
        for b in render(t, &f) {
            for s in b.spans() {
                match s {
                    Span::Figure(g) => {
                        proptest::prop_assert!(g.value != 0, "a zero written: {:?}", g);
                        let ok = figures.iter().any(|x| x == g)
                            || f.lists["list"].iter().any(|e| e.figure.as_ref() == Some(g));
                        proptest::prop_assert!(ok, "{:?} not of the records", g);
                    }
                    Span::Name(n) => proptest::prop_assert!(allowed.contains(n.as_str()), "{} not a record's", n),
                    Span::Text(x) => {
                        // Headings are renumbered; clause ends may become sentence ends.
                        let x = x.replace(['，', '；', '。'], "|");
                        let x = x.trim_start_matches(['一', '二', '三']);
                        let ours = x.split('|').all(|p| p.is_empty() || literal.iter().any(|l| l.contains(p)));
                        proptest::prop_assert!(ours, "{:?} is not the template's", x);
                    }
                }
            }
        }
    }
}
