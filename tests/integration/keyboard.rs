//! The search page with the keyboard alone, in a real Chromium: the tab order follows the
//! order the page is drawn in, the "Refine the results" link reaches the facets in a few
//! keys at any width, and a checkbox keeps the focus when Space or Enter applies it.

use super::support::bundled;
use super::webdriver::{Browser, ENTER, SPACE, TAB};

/// Whether the focused element matches `css`.
fn focused_is(b: &Browser, css: &str) -> bool {
    b.exec(&format!(
        "return document.activeElement.matches({})",
        serde_json::to_string(css).unwrap()
    ))
    .as_bool()
    .unwrap_or(false)
}

/// The first element matching `css` is drawn after (right of, or below) the last result.
const FACETS_AFTER_RESULTS: &str = r#"
const facet = document.querySelector('.facets input[type=checkbox]').getBoundingClientRect();
const links = document.querySelectorAll('ol.hits a');
const last = links[links.length - 1].getBoundingClientRect();
const results = document.querySelector('ol.hits').getBoundingClientRect();
return facet.left >= results.right || facet.top >= last.bottom;
"#;

fn the_facets_are_reached_in_reading_order_at(width: u32, height: u32, mobile: bool) {
    let Some(b) = Browser::start(width, height, mobile) else {
        return;
    };
    let s = bundled();
    b.goto(&format!("{}/fr/search?q=formation", s.base));
    b.find("ol.hits li");
    // The facets follow the results in the document; they must be drawn after them too.
    assert_eq!(
        b.exec(FACETS_AFTER_RESULTS).as_bool(),
        Some(true),
        "at {width} px the facets are drawn before the results they follow in the tab order"
    );
    // From the search button: Tab to the jump link, Enter, Tab: the first checkbox.
    b.exec("document.querySelector('.searchbar button').focus()");
    b.press(TAB);
    assert!(
        focused_is(&b, "p.jump a"),
        "at {width} px the jump link is not the next stop after the search button"
    );
    let visible = b.exec("var r = document.activeElement.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(document.activeElement).visibility !== 'hidden'");
    assert_eq!(
        visible.as_bool(),
        Some(true),
        "the jump link is hidden at {width} px"
    );
    b.press(ENTER);
    b.press(TAB);
    assert!(
        focused_is(&b, ".facets input[type=checkbox]"),
        "at {width} px Tab after the jump link does not reach the first checkbox"
    );
}

#[test]
fn the_facets_are_reached_in_reading_order_on_a_desktop() {
    the_facets_are_reached_in_reading_order_at(1280, 900, false);
}

#[test]
fn the_facets_are_reached_in_reading_order_on_a_phone() {
    the_facets_are_reached_in_reading_order_at(390, 844, true);
}

#[test]
fn space_and_enter_on_a_checkbox_apply_the_filter_and_keep_the_focus() {
    let Some(b) = Browser::start(1280, 900, false) else {
        return;
    };
    let s = bundled();
    b.goto(&format!("{}/fr/search?q=formation", s.base));
    b.find("ol.hits li");
    b.exec("document.querySelector('input[name=domain][value=parcours]').focus()");
    b.press(SPACE);
    b.wait("Space applies the domain filter", |b| {
        b.url().contains("domain=parcours") && b.count(".chips .chip") == 1
    });
    assert!(
        focused_is(&b, "input[name=domain][value=parcours]:checked"),
        "after Space the focus left the checkbox"
    );
    // Tab on to a type checkbox, then Enter: the filter is applied, not dropped.
    b.exec("document.querySelector('input[name=type][value=tool]').focus()");
    b.press(ENTER);
    b.wait("Enter applies the type filter", |b| {
        b.url().contains("type=tool") && b.count(".chips .chip") == 2
    });
    assert!(
        b.url().contains("domain=parcours"),
        "Enter kept the other filter: {}",
        b.url()
    );
    assert!(
        focused_is(&b, "input[name=type][value=tool]:checked"),
        "after Enter the focus left the checkbox"
    );
    // The new count is announced politely.
    b.wait("the count is announced", |b| {
        let said = b.exec("return document.getElementById('announce').textContent");
        said.as_str().unwrap_or("").contains("résultat")
    });
}
