//! The registry pages: register with field errors, refuse a second registration with a link,
//! search, reveal (audited, by role), edit, scope.

use axum::http::{Method, StatusCode};
use shuangyong_domain::Role;
use shuangyong_domain::id_number::make;

use crate::support::{TestApp, add_person};

fn id(seq: u16) -> String {
    make("140929", chrono::NaiveDate::from_ymd_opt(1956, 5, 17).unwrap(), seq).as_str().to_owned()
}

#[tokio::test]
async fn a_clerk_registers_a_person_and_finds_them_by_initials() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    let mut c = app.login("lanyi").await;
    assert!(c.get("/").await.body.contains("优抚对象"), "menu entry");
    let form = c.get("/registry/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(!form.body.contains("三井镇"), "only units in scope are offered");
    // Mistakes: a bad check digit, a 因病 grade 8, a bad date; the input stays.
    let mut bad_id = id(123);
    let last = bad_id.pop().unwrap();
    bad_id.push(if last == '0' { '1' } else { '0' });
    let res = c
        .post_form(
            "/registry",
            &[
                ("name", "张三"),
                ("id_number", &bad_id),
                ("registration", "rural"),
                ("org_path", "140929/01/001"),
                ("categories", "disabled_serviceman"),
                ("categories", "rural_veteran"),
                ("cause", "illness"),
                ("grade", "八级"),
                ("enlisted_0", "1975年13月"),
                ("phone", "12345"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("校验位"), "{}", res.body);
    assert!(res.body.contains("六级"));
    assert!(res.body.contains("第1行"));
    assert!(res.body.contains("value=\"张三\""));
    assert!(res.body.contains("value=\"rural_veteran\" checked"));
    let good = id(123);
    let res = c
        .post_form(
            "/registry",
            &[
                ("name", "张三"),
                ("id_number", &good),
                ("registration", "rural"),
                ("org_path", "140929/01/001"),
                ("categories", "disabled_serviceman"),
                ("categories", "rural_veteran"),
                ("cause", "war"),
                ("grade", "六级"),
                ("enlisted_0", "1975年3月"),
                ("discharged_0", "1980.01"),
                ("phone", "138 1234 5678"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get(res.location()).await;
    assert!(page.body.contains("已登记 张三"));
    assert!(page.body.contains("残疾军人（因战六级）"));
    assert!(page.body.contains("138****5678") && !page.body.contains("13812345678"));
    assert!(page.body.contains(&format!("{}********{}", &good[..6], &good[14..])));
    assert!(page.body.contains("1975-03"));
    // Found by initials, full pinyin and the last four digits; the list shows masked IDs only.
    for q in ["zs", "zhangsan", &good[14..]] {
        let list = c.get(&format!("/registry?q={q}")).await;
        assert!(list.body.contains("张三"), "search {q}");
        assert!(!list.body.contains(&good), "masked in the list");
    }
    // A second registration of the same number is refused with a link to the first.
    let res = c
        .post_form(
            "/registry",
            &[
                ("name", "张三"),
                ("id_number", &good),
                ("registration", "rural"),
                ("org_path", "140929/01/001"),
                ("categories", "veteran"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("只能登记一人") && res.body.contains("打开已有记录"), "{}", res.body);
}

#[tokio::test]
async fn reveals_are_for_permitted_roles_and_audited() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    app.add_user("village", Role::VillageContact, "140929/01/001").await;
    app.add_user("auditor", Role::Auditor, "140929").await;
    let pid = add_person(&app, "王五", "140929/01/001").await;
    let mut v = app.login("village").await;
    let page = v.get(&format!("/registry/{pid}")).await;
    assert!(page.body.contains("王五") && !page.body.contains("查看完整"), "no reveal button for a village contact");
    assert_eq!(
        v.post_form(&format!("/registry/{pid}/reveal"), &[("field", "phone")]).await.status,
        StatusCode::FORBIDDEN
    );
    let mut c = app.login("lanyi").await;
    c.get(&format!("/registry/{pid}")).await;
    let res = c.post_form(&format!("/registry/{pid}/reveal"), &[("field", "phone")]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("13800001234") && res.body.contains("已记入审计日志"));
    let mut a = app.login("auditor").await;
    let log = a.get("/admin/audit?q=完整联系电话").await;
    assert!(log.body.contains("查看 王五 的完整联系电话"), "{}", log.body);
    // The API says the same.
    let res =
        c.json(Method::POST, &format!("/api/v1/persons/{pid}/reveal"), serde_json::json!({"field": "phone"})).await;
    assert_eq!(res.json()["value"], "13800001234");
}

#[tokio::test]
async fn a_township_clerk_never_sees_another_townships_people() {
    let app = TestApp::spawn().await;
    app.add_user("sanjing", Role::TownshipClerk, "140929/02").await;
    let theirs = add_person(&app, "岚漪人", "140929/01/001").await;
    let ours = add_person(&app, "三井人", "140929/02/001").await;
    let mut c = app.login("sanjing").await;
    let list = c.get("/registry").await;
    assert!(list.body.contains("三井人") && !list.body.contains("岚漪人"));
    assert!(!c.get("/registry?q=岚漪人").await.body.contains("岚漪人</a>"));
    assert_eq!(c.get(&format!("/registry/{theirs}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get(&format!("/registry/{theirs}/edit")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get(&format!("/api/v1/persons/{theirs}")).await.status, StatusCode::NOT_FOUND);
    let api = c.get("/api/v1/persons?q=rén").await.json();
    assert!(api["items"].as_array().unwrap().iter().all(|p| p["name"] != "岚漪人"));
    let all = c.get("/api/v1/persons").await.json();
    assert_eq!(all["total"], 1);
    assert_eq!(all["items"][0]["id"], ours);
    assert!(all["items"][0]["id_number"].as_str().unwrap().contains("********"));
}

#[tokio::test]
async fn editing_keeps_what_was_not_retyped_and_refuses_stale_forms() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    let pid = add_person(&app, "赵六", "140929/01/001").await;
    let mut c = app.login("lanyi").await;
    let form = c.get(&format!("/registry/{pid}/edit")).await;
    assert!(form.body.contains("不修改请留空") && form.body.contains("value=\"赵六\""));
    assert!(!form.body.contains("13800001234"), "the edit form never carries the full phone");
    let fields = [
        ("name", "赵陆"),
        ("registration", "urban"),
        ("org_path", "140929/01/001"),
        ("categories", "veteran"),
        ("version", "1"),
    ];
    let res = c.post_form(&format!("/registry/{pid}"), &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get(&format!("/registry/{pid}")).await;
    assert!(page.body.contains("赵陆") && page.body.contains("城镇") && page.body.contains("138****1234"));
    assert!(page.body.contains("修改优抚对象 赵陆"), "history on the page");
    // The same stale form again: refused, not overwritten.
    let res = c.post_form(&format!("/registry/{pid}"), &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("已被他人修改"));
}

/// People imported as 迁出 or 死亡 have no change date (the import template has no such column):
/// their phone can still be changed without inventing one, but a status changed by hand needs it.
#[tokio::test]
async fn a_status_kept_as_imported_needs_no_change_date() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    let pid = add_person(&app, "钱七", "140929/01/001").await;
    let s = app.store();
    s.exec(s.conn(), "UPDATE person SET status = 'moved_out', status_date = NULL WHERE id = $1", [pid.into()])
        .await
        .unwrap();
    let mut c = app.login("lanyi").await;
    let form = c.get(&format!("/registry/{pid}/edit")).await;
    assert!(form.body.contains("value=\"moved_out\" selected"), "{}", form.body);
    let with = |status: &'static str, version: &'static str| {
        vec![
            ("name", "钱七"),
            ("registration", "rural"),
            ("org_path", "140929/01/001"),
            ("categories", "veteran"),
            ("status", status),
            ("status_date", ""),
            ("phone", "13912345678"),
            ("version", version),
        ]
    };
    // Another status without a date: still refused.
    let res = c.post_form(&format!("/registry/{pid}"), &with("deceased", "1")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("请填写变动日期"), "{}", res.body);
    // The status as it was, a new phone: saved.
    let res = c.post_form(&format!("/registry/{pid}"), &with("moved_out", "1")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get(&format!("/registry/{pid}")).await;
    assert!(page.body.contains("139****5678"), "the new phone is saved");
}

#[tokio::test]
async fn bad_search_input_is_harmless() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    add_person(&app, "张三", "140929/01/001").await;
    let mut c = app.login("lanyi").await;
    for q in ["'; DROP TABLE person; --", "<script>alert(1)</script>", "%", "%25_", "\\", "张' OR '1'='1"] {
        let res = c
            .get(&format!("/registry?q={}", serde_urlencoded::to_string([("", q)]).unwrap().trim_start_matches('=')))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{q}");
        assert!(!res.body.contains("<script>alert(1)</script>"), "escaped: {q}");
        assert!(!res.body.contains("张三</a>"), "no match for {q}");
    }
    let bad_age = c.get("/registry?min_age=abc").await;
    assert!(bad_age.body.contains("最小年龄应为整数"));
    assert_eq!(app.store().count("person").await.unwrap(), 1);
}

#[tokio::test]
async fn upload_preview_commit_and_export() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    app.add_user("village", Role::VillageContact, "140929/01/001").await;
    let mut c = app.login("lanyi").await;
    let page = c.get("/registry/import").await;
    assert!(page.body.contains("下载导入模板"));
    let template = c.get("/registry/import/template.xlsx").await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(template.headers.get("content-disposition").unwrap().to_str().unwrap().contains("attachment"));
    let mut csv = shuangyong_store::import::HEADERS.join(",") + "\n";
    csv.push_str(&format!("钱七,{},,汉族,农村,东街村,退役军人,1970-01,1975-01,,,13800007777,,,,\n", id(201)));
    csv.push_str(&format!("孙八,{},,汉族,农村,东街村,退役军人,,,,,,,,,\n", id(203)));
    csv.push_str("错误,1234,,,,东街村,退役军人,,,,,,,,,\n");
    csv.push_str(&format!("外镇,{},,汉族,农村,团城村,退役军人,,,,,,,,,\n", id(205)));
    let preview = c.upload("/registry/import", "people.csv", csv.as_bytes()).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("确认导入 2 人"), "{}", preview.body);
    assert!(preview.body.contains("第4行") && preview.body.contains("身份证号"));
    assert!(preview.body.contains("第5行") && preview.body.contains("管辖范围"));
    assert_eq!(app.store().count("person").await.unwrap(), 0, "preview writes nothing");
    let sealed: Vec<u8> = {
        let r =
            app.store().query_one(app.store().conn(), "SELECT sealed FROM import_upload", []).await.unwrap().unwrap();
        r.try_get("", "sealed").unwrap()
    };
    assert!(!String::from_utf8_lossy(&sealed).contains(&id(201)), "the waiting upload is sealed");
    let action = preview.body.split("action=\"/registry/import/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let res = c.post_form(&format!("/registry/import/{action}"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let list = c.get("/registry").await;
    assert!(list.body.contains("已导入 2 人") && list.body.contains("钱七") && list.body.contains("孙八"));
    // The same upload cannot be committed twice.
    let again = c.post_form(&format!("/registry/import/{action}"), &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.store().count("person").await.unwrap(), 2);
    // Export: masked for everyone, full only for a role that may reveal.
    let masked = c.get("/registry/export?format=csv&q=钱七").await;
    assert_eq!(masked.status, StatusCode::OK);
    assert!(masked.body.contains("钱七") && !masked.body.contains("孙八") && !masked.body.contains(&id(201)));
    let full = c.get("/registry/export?format=csv&full=1").await;
    assert!(full.body.contains(&id(201)) && full.body.contains("13800007777"));
    let mut v = app.login("village").await;
    assert_eq!(v.get("/registry/export?format=csv&full=1").await.status, StatusCode::FORBIDDEN);
    assert_eq!(v.get("/registry/export?format=csv").await.status, StatusCode::OK);
    let exports = app
        .store()
        .query_all(app.store().conn(), "SELECT summary FROM audit_log WHERE action = 'export'", [])
        .await
        .unwrap();
    assert_eq!(exports.len(), 3, "each export is an audit entry");
}

#[tokio::test]
async fn a_bad_upload_says_why_and_offers_no_commit() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    let mut c = app.login("lanyi").await;
    c.get("/registry/import").await;
    let res = c.upload("/registry/import", "old.xls", &[0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0, 0]).await;
    assert!(res.body.contains("旧版 Excel") && !res.body.contains("确认导入"), "{}", res.body);
    let res = c.upload("/registry/import", "empty.csv", b"").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("请先选择要导入的文件"));
}

#[tokio::test]
async fn managers_resolve_near_duplicates_and_run_life_checks_in_the_browser() {
    use crate::support::add_person_born;
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    app.add_user("village", Role::VillageContact, "140929/01/001").await;
    let born = chrono::NaiveDate::from_ymd_opt(1949, 10, 1);
    let a = add_person_born(&app, "周七", "140929/01/001", born).await;
    add_person_born(&app, "周七", "140929/01/001", born).await;
    let mut c = app.login("lanyi").await;
    let page = c.get("/registry/duplicates").await;
    assert!(page.body.contains("姓名（周七）和出生日期（1949-10-01）相同"), "{}", page.body);
    let fid = flag_id(&page.body);
    let res = c.post_form(&format!("/registry/duplicates/{fid}/merge"), &[("keep", &a.to_string())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "flag {fid}: {}", res.body);
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), format!("/registry/{a}"));
    assert!(c.get("/registry/duplicates").await.body.contains("没有待处理的疑似重复"));
    // A village contact confirms; the clerk opens and (before the deadline) cannot close.
    let res = c
        .post_form("/registry/life-checks", &[("unit", "140929/01"), ("year", "2024"), ("deadline", "2099-06-30")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let campaign = res.location().to_owned();
    let page = c.get(&campaign).await;
    assert!(page.body.contains("周七") && page.body.contains("确认健在"));
    let mut v = app.login("village").await;
    v.get(&campaign).await;
    let res = v.post_form(&format!("{campaign}/confirm"), &[("person_id", &a.to_string()), ("method", "上门")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(v.post_form(&format!("{campaign}/close"), &[]).await.status, StatusCode::FORBIDDEN);
    let page = c.get(&campaign).await;
    assert!(!page.body.contains(">周七</a>"), "confirmed people leave the list");
    assert!(page.body.contains("之后才能结束年审"));
    let res = c.post_form(&format!("{campaign}/close"), &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("还没到"));
    let again = c
        .post_form("/registry/life-checks", &[("unit", "140929/01"), ("year", "2024"), ("deadline", "2099-06-30")])
        .await;
    assert!(again.body.contains("已经开启"));
}

fn flag_id(body: &str) -> String {
    body.split("/registry/duplicates/").nth(1).unwrap().split('/').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_search_that_finds_more_than_it_counts_says_so_and_its_pages_end_there() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    let wang = add_person(&app, "王伟", "140929/01/001").await;
    add_person(&app, "李四", "140929/01/001").await;
    // 1,004 more people named 王伟, copied in SQL (a distinct blind index each).
    let s = app.store();
    let tx = s.begin_write().await.unwrap();
    s.exec(
        &tx,
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 1004) \
         INSERT INTO person (county, org_path, name, name_pinyin, name_initials, name_rev, id_sealed, id_index, \
             id_tail4, id_tail5, id_tail6, sex, birth_date, ethnicity, registration, status, created_at, updated_at) \
         SELECT county, org_path, name, name_pinyin, name_initials, name_rev, id_sealed, id_index || '-' || i, \
             id_tail4, id_tail5, id_tail6, sex, birth_date, ethnicity, registration, status, created_at, updated_at \
         FROM person, seq WHERE person.id = $1",
        [wang.into()],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut c = app.login("lanyi").await;
    let hint = "找到超过1000人，请输入更完整的姓名、拼音或身份证号后几位缩小范围";
    for q in ["王伟", "wangwei", "ww"] {
        let page = c.get(&format!("/registry?{}", serde_urlencoded::to_string([("q", q)]).unwrap())).await;
        assert!(page.body.contains("共 1000 条以上，第 1 / 50 页"), "{q}: {}", page.body);
        assert!(page.body.contains(hint), "{q}: {}", page.body);
    }
    let last = c.get("/registry?q=wangwei&page=50").await;
    assert!(last.body.contains("第 50 / 50 页") && !last.body.contains("rel=\"next\""), "{}", last.body);
    assert!(last.body.contains("王伟</a>"));
    let past = c.get("/registry?q=wangwei&page=51").await;
    assert_eq!(past.status, StatusCode::OK);
    assert!(!past.body.contains("王伟</a>"), "no rows past the counted ones");
    // Exact counts where they are few, and for a list without a search term.
    let few = c.get("/registry?q=lisi").await;
    assert!(few.body.contains("共 1 条，") && !few.body.contains(hint), "{}", few.body);
    assert!(c.get("/registry").await.body.contains("共 1006 条，"));
    // The API says the same.
    let api = c.get("/api/v1/persons?q=ww").await.json();
    assert_eq!((api["total"].as_i64(), api["more"].as_bool()), (Some(1000), Some(true)));
    assert_eq!(api["hint"], hint);
    assert_eq!(api["items"].as_array().unwrap().len(), 20);
    let api = c.get("/api/v1/persons?q=lisi").await.json();
    assert_eq!((api["total"].as_i64(), api["more"].as_bool()), (Some(1), Some(false)));
    assert!(api["hint"].is_null());
}
