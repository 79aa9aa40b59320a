//! Just enough HTML reading for the load test to fill in our own forms as a browser would: the
//! fields a form submits (inputs, checked boxes, selected options, text areas), with entities
//! decoded. Our templates are well formed (askama writes every attribute quoted), which is all
//! this relies on.

/// A form as the page holds it: the pairs it would submit, in page order, and the radio choices
/// nobody has picked yet.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Form {
    pub fields: Vec<(String, String)>,
    pub unpicked_radios: Vec<(String, String)>,
}

impl Form {
    /// Replaces the value of `name` (appends it when the form has no such field).
    pub fn set(&mut self, name: &str, value: &str) {
        match self.fields.iter_mut().find(|(n, _)| n == name) {
            Some(f) => f.1 = value.to_owned(),
            None => self.fields.push((name.to_owned(), value.to_owned())),
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// The form of `page` that posts to `action`, if there is one.
pub fn form(page: &str, action: &str) -> Option<Form> {
    let mut rest = page;
    while let Some(i) = rest.find("<form") {
        let after = &rest[i..];
        let end_tag = after.find('>')?;
        let attrs = attributes(&after[5..end_tag]);
        let body_end = after.find("</form>").unwrap_or(after.len());
        if attr(&attrs, "action") == Some(action) && attr(&attrs, "method").is_some_and(|m| m == "post") {
            return Some(fields(&after[end_tag + 1..body_end]));
        }
        rest = &after[body_end.min(after.len())..];
        if body_end == after.len() {
            break;
        }
    }
    None
}

fn fields(body: &str) -> Form {
    let mut form = Form::default();
    let mut rest = body;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let name_end = rest.find(|c: char| c.is_ascii_whitespace() || c == '>').unwrap_or(rest.len());
        let tag = &rest[..name_end];
        let Some(close) = rest.find('>') else { break };
        let attrs = attributes(&rest[name_end..close]);
        match tag {
            "input" => {
                let Some(name) = attr(&attrs, "name") else { continue };
                let value = attr(&attrs, "value").unwrap_or("");
                let kind = attr(&attrs, "type").unwrap_or("text");
                let checked = attrs.iter().any(|(n, _)| n == "checked");
                match kind {
                    "checkbox" | "radio" if !checked => {
                        if kind == "radio" {
                            form.unpicked_radios.push((name.to_owned(), decode(value)));
                        }
                    }
                    // A radio group submits one value: of several marked checked, a browser
                    // keeps the last.
                    "radio" => {
                        form.fields.retain(|(n, _)| n != name);
                        form.fields.push((name.to_owned(), decode(value)));
                    }
                    "submit" | "button" | "file" | "reset" => {}
                    _ => form.fields.push((name.to_owned(), decode(value))),
                }
            }
            "select" => {
                let Some(name) = attr(&attrs, "name").map(str::to_owned) else { continue };
                let end = rest.find("</select>").unwrap_or(rest.len());
                let options = &rest[close + 1..end];
                let mut first = None;
                let mut chosen = None;
                for opt in options.split("<option").skip(1) {
                    let close = opt.find('>').unwrap_or(opt.len());
                    let a = attributes(&opt[..close]);
                    let v = attr(&a, "value").map(decode).unwrap_or_else(|| {
                        decode(opt[close.min(opt.len())..].trim_start_matches('>').split('<').next().unwrap_or(""))
                    });
                    if first.is_none() {
                        first = Some(v.clone());
                    }
                    if a.iter().any(|(n, _)| n == "selected") {
                        chosen = Some(v);
                    }
                }
                if let Some(v) = chosen.or(first) {
                    form.fields.push((name, v));
                }
                rest = &rest[end..];
                continue;
            }
            "textarea" => {
                let Some(name) = attr(&attrs, "name").map(str::to_owned) else { continue };
                let end = rest.find("</textarea>").unwrap_or(rest.len());
                form.fields.push((name, decode(&rest[close + 1..end])));
                rest = &rest[end..];
                continue;
            }
            _ => {}
        }
        rest = &rest[close..];
    }
    form
}

/// `name="value"` pairs and bare attributes (`checked`) of one tag.
fn attributes(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let name_end = rest.find(|c: char| c == '=' || c.is_ascii_whitespace() || c == '/').unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = &rest[name_end..];
        if let Some(r) = rest.strip_prefix("=\"") {
            let end = r.find('"').unwrap_or(r.len());
            out.push((name, r[..end].to_owned()));
            rest = r.get(end + 1..).unwrap_or("");
        } else if let Some(r) = rest.strip_prefix('=') {
            let end = r.find(|c: char| c.is_ascii_whitespace()).unwrap_or(r.len());
            out.push((name, r[..end].to_owned()));
            rest = &r[end..];
        } else {
            if !name.is_empty() {
                out.push((name, String::new()));
            }
            rest = rest.get(1..).unwrap_or("");
        }
        rest = rest.trim_start();
    }
    out
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Decodes the entities askama writes (`&amp; &lt; &gt; &quot; &#34; &#39;`) and any numeric one.
pub fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity.strip_prefix('#').and_then(|n| {
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(h) => u32::from_str_radix(h, 16).ok(),
                    None => n.parse().ok(),
                };
                code.and_then(char::from_u32)
            }),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The figure after `共 ` in the pager (`共 12 条`): how many rows a list found.
pub fn pager_total(page: &str) -> Option<u64> {
    let i = page.find("<span>共 ")?;
    page[i + "<span>共 ".len()..].split(' ').next()?.parse().ok()
}

/// The text of the first `error-box`, `flash` and `field-error` on a page, to say why a write did
/// not happen.
pub fn message(page: &str) -> String {
    let mut out = Vec::new();
    for marker in ["class=\"error-box\"", "class=\"flash", "class=\"field-error\""] {
        if let Some(i) = page.find(marker) {
            let after = &page[i..];
            let start = after.find('>').map(|s| s + 1).unwrap_or(0);
            let text: String = after[start..].chars().take(200).collect();
            out.push(decode(text.split("</").next().unwrap_or("")));
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<form method="post" action="/logout"><input type="hidden" name="_csrf" value="t0"></form>
<form method="post" action="/registry/7" class="form wide">
  <input type="hidden" name="_csrf" value="tok&#43;en">
  <input id="name" name="name" value="张&quot;三&amp;" required maxlength="40">
  <input id="id_number" name="id_number" value="" autocomplete="off">
  <select id="org_path" name="org_path"><option value="140929">县</option><option value="140929/01" selected>　镇</option></select>
  <select id="cause" name="cause"><option value="">—</option><option value="war">因战</option></select>
  <label><input type="checkbox" name="categories" value="veteran" checked> 退役军人</label>
  <label><input type="checkbox" name="categories" value="martyr_family"> 烈属</label>
  <input type="radio" name="program" value="2" checked><input type="radio" name="program" value="3" id="p3"><input type="radio" name="program" value="4" id="p4" checked>
  <textarea id="note" name="note" rows="3">第一行&lt;b&gt;
第二行</textarea>
  <button type="submit" class="primary">保存修改</button>
</form>"#;

    #[test]
    fn reads_what_a_browser_would_submit() {
        let f = form(PAGE, "/registry/7").expect("the form");
        let pairs: Vec<(&str, &str)> = f.fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(
            pairs,
            vec![
                ("_csrf", "tok+en"),
                ("name", "张\"三&"),
                ("id_number", ""),
                ("org_path", "140929/01"),
                ("cause", ""),
                ("categories", "veteran"),
                ("program", "4"),
                ("note", "第一行<b>\n第二行"),
            ]
        );
        assert_eq!(f.unpicked_radios, vec![("program".to_owned(), "3".to_owned())]);
        assert_eq!(form(PAGE, "/logout").unwrap().get("_csrf"), Some("t0"));
        assert!(form(PAGE, "/registry/8").is_none());
    }

    #[test]
    fn set_replaces_or_appends() {
        let mut f = form(PAGE, "/registry/7").unwrap();
        f.set("name", "李四");
        f.set("phone", "13912345678");
        assert_eq!(f.get("name"), Some("李四"));
        assert_eq!(f.fields.last().unwrap(), &("phone".to_owned(), "13912345678".to_owned()));
    }

    #[test]
    fn decodes_entities_and_leaves_stray_ampersands() {
        assert_eq!(decode("a&amp;b&lt;&#39;&#x4E2D;&unknown; & x"), "a&b<'中&unknown; & x");
    }

    #[test]
    fn reads_the_pager_and_messages() {
        assert_eq!(pager_total("<nav><span>共 1234 条，第 1 / 62 页</span>"), Some(1234));
        assert_eq!(pager_total("<p>nothing</p>"), None);
        assert_eq!(message(r#"<p class="error-box" role="alert">有 1 处需要修改&lt;</p>"#), "有 1 处需要修改<");
    }
}
