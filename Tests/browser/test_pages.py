"""The pages themselves: served with the right headers, laid out at a phone's width, usable
by keyboard, escaping every text, and the chat's visitor id. None of these needs the inbox
API, the auth routes or the chat endpoints."""
import http.client
import re
import time
import urllib.parse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import DESKTOP, HOSTILE, PHONE, csp_problems, visible, wait

PAGES = [
    ("/inbox/", "text/html"),
    ("/inbox/inbox.js", "text/javascript"),
    ("/inbox/inbox.css", "text/css"),
    ("/chat/demo", "text/html"),
    ("/chat/chat.js", "text/javascript"),
    ("/chat/chat.css", "text/css"),
]


def fetch(base_url, path, headers=None):
    u = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def csp_directives(value):
    out = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("path,mime", PAGES)
def test_served_with_type_cache_and_security_headers(base_url, path, mime):
    status, headers, body = fetch(base_url, path)
    assert status == 200
    assert headers["content-type"].split(";")[0] == mime
    assert headers["cache-control"] == "no-cache"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers.get("etag")
    csp = csp_directives(headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"], "scripts from this origin only: no inline script, no eval"
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert len(body) > 100


def test_inbox_without_slash_redirects_and_unknown_paths_are_404(base_url):
    status, headers, _ = fetch(base_url, "/inbox")
    assert status in (301, 308) and headers["location"] == "/inbox/"
    for path in ("/inbox/missing.js", "/chat/no-such-workspace", "/chat/index.html"):
        status, headers, _ = fetch(base_url, path)
        assert status == 404, path
        assert "default-src 'self'" in headers["content-security-policy"], path


def test_pages_run_under_their_csp_and_it_stops_inline_script(browser, base_url):
    """The real scripts run with the policy on (nothing they do is refused), and a script
    written into the page is refused: the policy is in force, not just sent."""
    driver = browser(DESKTOP)
    for path, ready in (("/inbox/", "#login-form, #app-view"), ("/chat/demo", "#composer")):
        driver.get(base_url + path)
        wait(driver, lambda d: visible(d, ready), message=f"{path}: the page's script did not run")
        assert csp_problems(driver) == [], f"{path}: the page itself breaks its CSP"
        ran = driver.execute_script("""
            window.__inline = false;
            const violations = [];
            document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
            const s = document.createElement('script');
            try { s.textContent = 'window.__inline = true'; } catch (e) { violations.push('trusted-types: ' + e.name); }
            document.head.append(s);
            const b = document.createElement('button');
            try { b.setAttribute('onclick', 'window.__inline = true'); } catch (e) { violations.push('trusted-types: ' + e.name); }
            document.body.append(b);
            b.click();
            window.__violations = violations;
            return window.__inline;
        """)
        time.sleep(0.2)
        assert ran is False, f"{path}: an inline script ran"
        assert driver.execute_script("return window.__inline") is False
        assert driver.execute_script("return window.__violations.length") > 0, f"{path}: no CSP violation was reported"
        assert csp_problems(driver), f"{path}: the browser logged no refusal"   # also drains the log


def test_login_page_at_phone_width(browser, base_url, output_dir):
    driver = browser(PHONE)
    driver.get(base_url + "/inbox/")
    form = wait(driver, lambda d: visible(d, "#login-form"), message="no login form")
    width = driver.execute_script("return window.innerWidth")
    assert width == PHONE[0]
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    rect = form.rect
    assert rect["x"] >= 0 and rect["x"] + rect["width"] <= width
    for field in ("login-email", "login-password", "login-workspace", "login-submit"):
        e = driver.find_element(By.ID, field)
        assert e.is_displayed() and e.rect["x"] + e.rect["width"] <= width, field
        assert e.rect["height"] >= 32, f"{field} is too small to touch"
    assert driver.find_element(By.ID, "login-password").get_attribute("type") == "password"
    driver.save_screenshot(str(output_dir / "inbox-login-phone.png"))


def test_login_form_by_keyboard_with_visible_focus(browser, base_url):
    driver = browser(DESKTOP)
    driver.get(base_url + "/inbox/")
    wait(driver, lambda d: visible(d, "#login-form"))
    assert driver.switch_to.active_element.get_attribute("id") == "login-email", "the email field has the focus on arrival"
    order = []
    for _ in range(3):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        active = driver.switch_to.active_element
        order.append(active.get_attribute("id"))
        outline = driver.execute_script(
            "const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]")
        assert outline[0] != "none" and outline[1] != "0px", f"no visible focus on {order[-1]}: {outline}"
    assert order == ["login-password", "login-workspace", "login-submit"]


def test_chat_page_at_phone_width_and_by_keyboard(browser, base_url, output_dir):
    driver = browser(PHONE)
    driver.get(base_url + "/chat/demo")
    area = wait(driver, lambda d: visible(d, "#chat-text"))
    assert driver.switch_to.active_element == area, "the message field has the focus on arrival"
    width = driver.execute_script("return window.innerWidth")
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width
    send = driver.find_element(By.ID, "chat-send")
    assert send.rect["x"] + send.rect["width"] <= width
    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element == send
    driver.save_screenshot(str(output_dir / "chat-phone.png"))


def visitor_key(workspace):
    return f"switchboard.chat.{workspace}.visitor"


def test_chat_visitor_id_is_random_kept_and_per_workspace(browser, base_url):
    driver = browser(DESKTOP)
    driver.get(base_url + "/chat/demo")
    wait(driver, lambda d: d.execute_script("return !!(window.SwitchboardChat && SwitchboardChat.visitorId())"))
    first = driver.execute_script("return localStorage.getItem(arguments[0])", visitor_key("demo"))
    assert re.fullmatch(r"[0-9a-f]{32}", first or ""), f"not 128 random bits in hex: {first!r}"
    assert driver.execute_script("return SwitchboardChat.visitorId()") == first

    driver.refresh()
    wait(driver, lambda d: d.execute_script("return !!(window.SwitchboardChat && SwitchboardChat.visitorId())"))
    assert driver.execute_script("return SwitchboardChat.visitorId()") == first, "a reload made a new visitor"

    driver.get(base_url + "/chat/other")
    wait(driver, lambda d: d.execute_script("return !!(window.SwitchboardChat && SwitchboardChat.visitorId())"))
    other = driver.execute_script("return SwitchboardChat.visitorId()")
    assert re.fullmatch(r"[0-9a-f]{32}", other) and other != first, "one visitor id shared by two businesses"

    fresh = browser(DESKTOP)
    fresh.get(base_url + "/chat/demo")
    wait(fresh, lambda d: d.execute_script("return !!(window.SwitchboardChat && SwitchboardChat.visitorId())"))
    assert fresh.execute_script("return SwitchboardChat.visitorId()") != first, "two browsers got the same visitor id"


def test_chat_reads_the_workspace_from_its_address(browser, base_url):
    driver = browser(DESKTOP)
    driver.get(base_url + "/chat/demo")
    wait(driver, lambda d: d.execute_script("return !!window.SwitchboardChat"))
    cases = driver.execute_script("""
        const f = SwitchboardChat.workspaceFromPath;
        return [f('/chat/demo'), f('/chat/my-shop_2'), f('/chat/'), f('/chat/a%2Fb'), f('/chat/%3Cx%3E')];
    """)
    assert cases == ["demo", "my-shop_2", None, None, None]


def with_payload(value, payload):
    """`value` with every string "$PAYLOAD" replaced by `payload`, recursively."""
    if value == "$PAYLOAD":
        return payload
    if isinstance(value, dict):
        return {k: with_payload(v, payload) for k, v in value.items()}
    if isinstance(value, list):
        return [with_payload(v, payload) for v in value]
    return value


def render_in_page(driver, namespace, function, args, payload):
    """Calls the page's `namespace.function(*args)` (a rendering function returning a node),
    puts the node in the page, waits, and reports what the browser made of it."""
    return driver.execute_async_script("""
        const [namespace, fn, args, done] = arguments;
        window.__xss = undefined;
        const node = window[namespace][fn](...args);
        const host = document.createElement('div');
        host.id = 'render-host';
        host.append(node);
        document.body.append(host);
        setTimeout(() => {
            const seen = {
                xss: window.__xss === undefined ? null : window.__xss,
                elements: host.querySelectorAll('script, img, b, iframe, svg').length,
                text: host.textContent,
            };
            done(seen);
        }, 300);
    """, namespace, function, with_payload(args, payload))


TIME = "2026-01-01T10:00:00Z"


@pytest.mark.parametrize("what,function,args", [
    ("an inbound message", "renderMessage", [{"id": "m1", "conversation_id": "c1", "direction": "inbound", "kind": "text", "text": "$PAYLOAD", "status": None, "created_at": TIME}]),
    ("an outbound message", "renderMessage", [{"id": "m2", "direction": "outbound", "kind": "text", "text": "$PAYLOAD", "status": "sent", "author": "$PAYLOAD", "created_at": TIME}]),
    ("a note", "renderMessage", [{"id": "m3", "direction": "outbound", "kind": "note", "text": "$PAYLOAD", "author": "$PAYLOAD", "created_at": TIME}]),
    ("a failure's title", "renderStatus", [{"status": "failed", "error_title": "$PAYLOAD", "error_code": "$PAYLOAD"}]),
    ("a contact's name", "renderConversationItem", [
        {"id": "c1", "contact_id": "k1", "state": "human", "channel": "$PAYLOAD", "assigned_to": "$PAYLOAD", "unread": 2, "updated_at": TIME},
        {"id": "k1", "profile_name": "$PAYLOAD", "e164": "+2348030000000"}]),
])
def test_inbox_rendering_shows_html_as_text(browser, base_url, what, function, args):
    driver = browser(DESKTOP)
    driver.get(base_url + "/inbox/")
    wait(driver, lambda d: d.execute_script("return !!window.SwitchboardInbox"))
    seen = render_in_page(driver, "SwitchboardInbox", function, args, HOSTILE)
    assert seen["xss"] is None, f"{what}: a script ran"
    assert seen["elements"] == 0, f"{what}: markup became elements"
    assert HOSTILE in seen["text"], f"{what}: the text is not shown as written"
    shown = driver.find_element(By.ID, "render-host").text
    assert "<script>" in shown and "<b>bold</b>" in shown


def test_chat_rendering_shows_html_as_text(browser, base_url):
    driver = browser(DESKTOP)
    driver.get(base_url + "/chat/demo")
    wait(driver, lambda d: d.execute_script("return !!window.SwitchboardChat"))
    for direction in ("inbound", "outbound"):
        message = {"id": "x", "direction": direction, "text": "$PAYLOAD", "created_at": TIME}
        seen = render_in_page(driver, "SwitchboardChat", "renderMessage", [message], HOSTILE)
        assert seen["xss"] is None and seen["elements"] == 0 and HOSTILE in seen["text"], direction
        assert "<script>" in driver.find_element(By.ID, "render-host").text
        driver.execute_script("document.getElementById('render-host').remove()")


def test_inbox_delivery_ticks(browser, base_url):
    """◷ queued, ✓ sent, ✓✓ delivered, ✓✓ in blue when read, ✗ with the error's title."""
    driver = browser(DESKTOP)
    driver.get(base_url + "/inbox/")
    wait(driver, lambda d: d.execute_script("return !!window.SwitchboardInbox"))
    seen = driver.execute_script("""
        const out = {};
        const host = document.createElement('ol');
        host.className = 'messages';
        document.body.append(host);
        for (const status of ['queued', 'sending', 'sent', 'delivered', 'read', 'failed']) {
            const li = SwitchboardInbox.renderMessage({id: status, direction: 'outbound', kind: 'text', text: 'hi',
                status, error_code: status === 'failed' ? 131047 : null,
                error_title: status === 'failed' ? 'Re-engagement message' : null, created_at: '2026-01-01T10:00:00Z'});
            host.append(li);
            const tick = li.querySelector('.tick');
            out[status] = {mark: tick.textContent, color: getComputedStyle(tick).color, text: li.querySelector('.msg-meta').textContent};
        }
        const inbound = SwitchboardInbox.renderMessage({id: 'in', direction: 'inbound', kind: 'text', text: 'hello', created_at: '2026-01-01T10:00:00Z'});
        out.inboundHasTick = !!inbound.querySelector('.tick');
        return out;
    """)
    assert seen["queued"]["mark"] == "◷" and seen["sending"]["mark"] == "◷"
    assert seen["sent"]["mark"] == "✓"
    assert seen["delivered"]["mark"] == "✓✓" and seen["read"]["mark"] == "✓✓"
    assert seen["read"]["color"] != seen["delivered"]["color"], "read is not told apart from delivered"
    r, g, b = [int(x) for x in re.findall(r"\d+", seen["read"]["color"])[:3]]
    assert b > 200 and b > r + 100, f"read ticks are not blue: {seen['read']['color']}"
    assert seen["failed"]["mark"] == "✗"
    assert "Re-engagement message" in seen["failed"]["text"] and "131047" in seen["failed"]["text"]
    assert not seen["inboundHasTick"]
