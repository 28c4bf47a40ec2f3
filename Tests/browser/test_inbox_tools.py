"""The inbox's tools as an agent and an admin use them (issue 13): a canned reply typed with
"/", a label put on a conversation through the contact panel and the list filtered by it,
taking a bot conversation over, the search box, the reports page with its chart and CSV, the
management page, and the strings in Spanish. axe-core checks every page and state on the way.

Needs the inbox API and the auth routes (marker `backend`)."""
import os
import random
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from axe_check import assert_accessible
from conftest import (DEMO_EMAIL, DESKTOP, PASSWORD, click_conversation, conversation_ids, conversation_row,
                      conversation_rows, login, open_conversation_id, thread_texts, visible, wait,
                      wait_new_conversation)
from test_inbox_whatsapp import customer_writes, new_customer, wait_sent

pytestmark = pytest.mark.backend

ADMIN_EMAIL = os.environ.get("SB_DEMO_ADMIN_EMAIL", "ava@demo.test")


def api(driver, method, path, body=None):
    """Calls the inbox API from the signed-in page (its session cookie and CSRF token)."""
    return driver.execute_async_script("""
        const [method, path, body, done] = arguments;
        const me = await (await fetch('/api/v1/me', {credentials: 'same-origin'})).json();
        const headers = {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token};
        const res = await fetch('/api/v1' + path, {method, headers, credentials: 'same-origin',
            body: body === null ? undefined : JSON.stringify(body)});
        let data = null;
        try { data = await res.json(); } catch (e) { data = null; }
        done({status: res.status, body: data});
    """, method, path, body)


def unique(word):
    return f"{word}{random.getrandbits(24):06x}"


def new_whatsapp_conversation(driver, base_url, text, state=None, name="Tola"):
    before = conversation_ids(driver)
    wa_id = new_customer()
    customer_writes(base_url, wa_id, name, text)
    return wa_id, wait_new_conversation(driver, before, state)


def test_a_canned_reply_typed_with_a_slash(browser, base_url, output_dir):
    admin = browser(DESKTOP)
    login(admin, base_url, ADMIN_EMAIL, "demo")
    shortcut = unique("cake")
    # The admin adds it on the management page.
    admin.get(base_url + "/inbox/manage.html")
    wait(admin, lambda d: visible(d, "#canned-form"))
    admin.find_element(By.ID, "canned-shortcut").send_keys(shortcut)
    admin.find_element(By.ID, "canned-text").send_keys("Your cake is ready: collect it from 4pm. Thank you!")
    admin.find_element(By.ID, "canned-add").click()
    wait(admin, lambda d: f"/{shortcut}" in d.find_element(By.ID, "canned-items").text, message="the canned reply is not listed")
    assert_accessible(admin, "the management page")
    admin.save_screenshot(str(output_dir / "manage.png"))

    # An agent types "/" and the first letters, picks it with the keyboard, sends it.
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    wa_id, conversation = new_whatsapp_conversation(agent, base_url, "Is my order ready? I want to speak to a human")
    click_conversation(agent, conversation)
    area = wait(agent, lambda d: visible(d, "#composer-text"))
    area.send_keys("/" + shortcut[:5])
    wait(agent, lambda d: visible(d, "#canned-list .canned-item"), message="the canned replies did not appear")
    options = agent.execute_script("return Array.from(document.querySelectorAll('#canned-list .canned-item'), (e) => e.textContent)")
    assert any(f"/{shortcut}" in o for o in options), options
    assert area.get_attribute("aria-activedescendant"), "the picked option is not announced"
    assert_accessible(agent, "the canned reply picker")
    agent.save_screenshot(str(output_dir / "canned-reply.png"))
    # Walk to our shortcut (others may start the same way) and pick it with Enter.
    for _ in range(len(options)):
        active = agent.execute_script("return document.getElementById(document.getElementById('composer-text').getAttribute('aria-activedescendant')).textContent")
        if f"/{shortcut}" in active:
            break
        area.send_keys(Keys.ARROW_DOWN)
    area.send_keys(Keys.ENTER)
    assert area.get_attribute("value") == "Your cake is ready: collect it from 4pm. Thank you!"
    assert not visible(agent, "#canned-list")
    area.send_keys(Keys.ENTER)
    wait(agent, lambda d: any("Your cake is ready" in t for t in thread_texts(d)), message="the canned reply was not sent")
    wait_sent(wa_id, "Your cake is ready")


def test_a_label_and_the_label_filter(browser, base_url, output_dir):
    admin = browser(DESKTOP)
    login(admin, base_url, ADMIN_EMAIL, "demo")
    name = unique("vip")
    created = api(admin, "POST", "/labels", {"name": name, "color": "purple"})
    assert created["status"] == 201, created
    label_id = created["body"]["id"]

    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    _, labelled = new_whatsapp_conversation(agent, base_url, "I want to speak to a human about a wedding cake", name="Bisi")
    _, plain = new_whatsapp_conversation(agent, base_url, "I want to speak to a human about bread", name="Chidi")
    agent.refresh()   # labels are read at sign-in (and on a reload): this one is newer
    wait(agent, lambda d: visible(d, "#app-view"), message="the session did not survive a reload")
    wait(agent, lambda d: conversation_row(d, labelled) is not None)
    click_conversation(agent, labelled)
    wait(agent, lambda d: open_conversation_id(d) == labelled)

    # The contact panel: add the label, by keyboard.
    agent.find_element(By.ID, "action-contact").click()
    wait(agent, lambda d: visible(d, "#contact-panel") and "Bisi" in d.find_element(By.ID, "contact-number").text + d.find_element(By.ID, "contact-heading").text,
         message="the contact panel did not show the contact")
    wait(agent, lambda d: any(o.get_attribute("value") == label_id for o in d.find_elements(By.CSS_SELECTOR, "#label-add option")))
    Select(agent.find_element(By.ID, "label-add")).select_by_value(label_id)
    agent.find_element(By.ID, "label-add-submit").send_keys(Keys.ENTER)
    wait(agent, lambda d: name in d.find_element(By.ID, "thread-labels").text, message="the label is not on the thread")
    # Name and attributes, and a note.
    agent.find_element(By.ID, "contact-name").clear()
    agent.find_element(By.ID, "contact-name").send_keys("Bisi Adeyemi")
    agent.find_element(By.ID, "contact-attributes").send_keys("city: Lagos\ncake: chocolate")
    agent.find_element(By.ID, "contact-save").click()
    wait(agent, lambda d: d.find_element(By.ID, "contact-heading").text == "Bisi Adeyemi", message="the name was not saved")
    wait(agent, lambda d: d.find_element(By.ID, "thread-title").text == "Bisi Adeyemi", message="the thread still shows the old name")
    wait(agent, lambda d: conversation_row(d, labelled)["name"] == "Bisi Adeyemi", message="the list still shows the old name")
    agent.find_element(By.ID, "contact-note-text").send_keys("Wedding on the 20th")
    agent.find_element(By.ID, "contact-note-submit").click()
    wait(agent, lambda d: "Wedding on the 20th" in d.find_element(By.ID, "contact-notes").text)
    assert_accessible(agent, "the contact panel")
    agent.save_screenshot(str(output_dir / "contact-panel.png"))
    agent.find_element(By.ID, "contact-close").click()
    assert not visible(agent, "#contact-panel")

    # The filter: only the labelled conversation.
    Select(agent.find_element(By.ID, "filter-label")).select_by_value(label_id)
    wait(agent, lambda d: [r["id"] for r in conversation_rows(d)] == [labelled], message="the label filter shows other conversations")
    assert plain not in conversation_ids(agent)
    assert name in agent.find_element(By.CSS_SELECTOR, "#conversation-list .conv-labels").text
    assert_accessible(agent, "the list filtered by a label")
    agent.save_screenshot(str(output_dir / "label-filter.png"))


def test_take_over_a_bot_conversation(browser, base_url, output_dir):
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    # A question the FAQ answers keeps the conversation with the bot.
    wa_id, conversation = new_whatsapp_conversation(agent, base_url, "What are your opening hours?", name="Dayo")
    wait_sent(wa_id, "We are open 8am to 7pm")
    click_conversation(agent, conversation)
    takeover = wait(agent, lambda d: visible(d, "#action-takeover"), message="no take over button on a bot conversation")
    wait(agent, lambda d: conversation_row(d, conversation)["state"] == "bot")
    assert_accessible(agent, "a bot conversation open")
    takeover.click()
    wait(agent, lambda d: conversation_row(d, conversation)["state"] == "human", message="the conversation did not become human")
    wait(agent, lambda d: not visible(d, "#action-takeover"))
    assert "Assigned to you" in agent.find_element(By.ID, "thread-meta").text
    agent.save_screenshot(str(output_dir / "take-over.png"))
    # The bot no longer answers this customer; the agent does.
    customer_writes(base_url, wa_id, "Dayo", "What are your opening hours?")
    wait(agent, lambda d: sum("What are your opening hours?" in t for t in thread_texts(d)) == 2)
    time.sleep(0.5)   # the worker had the message; a bot answer would be queued by now
    assert sum("We are open 8am" in t for t in thread_texts(agent)) == 1, "the bot answered a conversation an agent took over"

    # A reply of the agent's in a bot conversation takes it over too.
    wa2, second = new_whatsapp_conversation(agent, base_url, "Where are you located?", name="Efe")
    wait_sent(wa2, "Adeola Odeku")
    click_conversation(agent, second)
    area = wait(agent, lambda d: visible(d, "#composer-text"))
    area.send_keys("I'll help you myself.")
    area.send_keys(Keys.ENTER)
    wait(agent, lambda d: conversation_row(d, second)["state"] == "human", message="a reply did not take the conversation over")


def test_search_box(browser, base_url, output_dir):
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    word = unique("pavlova")
    _, conversation = new_whatsapp_conversation(agent, base_url, f"do you make {word} for parties? I want to speak to a human")
    box = agent.find_element(By.ID, "search-q")
    box.send_keys(word)
    box.send_keys(Keys.ENTER)
    # Indexed in the background (about 200 ms): search again until found.
    def found(d):
        hits = d.find_elements(By.CSS_SELECTOR, "#search-list a.search-hit")
        if hits:
            return hits
        d.find_element(By.ID, "search-submit").click()
        return None
    hits = wait(agent, found, timeout=10, message="the search found nothing")
    assert word in hits[0].text
    assert_accessible(agent, "search results")
    agent.save_screenshot(str(output_dir / "search.png"))
    hits[0].click()
    wait(agent, lambda d: open_conversation_id(d) == conversation)


def test_reports_page_with_its_chart(browser, base_url, output_dir):
    admin = browser(DESKTOP)
    login(admin, base_url, ADMIN_EMAIL, "demo")
    link = wait(admin, lambda d: visible(d, "#nav-reports"), message="an admin sees no link to the reports")
    customer_writes(base_url, new_customer(), "Funmi", "What are your opening hours?")
    link.click()
    wait(admin, lambda d: visible(d, "#report-chart svg"), message="no chart")
    bars = admin.find_elements(By.CSS_SELECTOR, "#report-chart svg rect.bar-started")
    assert len(bars) == 14, "one bar per day of the default 14 days"
    rows = admin.find_elements(By.CSS_SELECTOR, "#report-rows tr")
    assert len(rows) == 14
    today = rows[-1].find_elements(By.CSS_SELECTOR, "th, td")
    assert int(today[1].text) >= 1 and int(today[2].text) >= 1, [c.text for c in today]
    assert float(bars[-1].get_attribute("height")) > 0, "today's bar is empty"
    assert admin.find_element(By.CSS_SELECTOR, "#report-chart svg title").get_attribute("textContent")
    csv = admin.execute_async_script("""
        const done = arguments[0];
        fetch(document.getElementById('report-csv').getAttribute('href'), {credentials: 'same-origin'})
          .then(async (r) => done({status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'), text: await r.text()}));
    """)
    assert csv["status"] == 200 and csv["type"].startswith("text/csv") and csv["disposition"].startswith("attachment")
    assert csv["text"].startswith("date,channel,conversations_started")
    assert_accessible(admin, "the reports page")
    admin.save_screenshot(str(output_dir / "reports.png"))
    # Per channel.
    Select(admin.find_element(By.ID, "report-channel")).select_by_value("wa-demo")
    wait(admin, lambda d: visible(d, "#report-chart svg"))

    # An agent is refused, and says why.
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    assert not visible(agent, "#nav-reports")
    agent.get(base_url + "/inbox/reports.html")
    wait(agent, lambda d: "owners and admins" in d.find_element(By.ID, "report-error").text)
    assert not visible(agent, "#report-chart svg")
    assert_accessible(agent, "the reports page refused")


def test_every_page_passes_axe(browser, base_url, output_dir):
    driver = browser(DESKTOP)
    driver.get(base_url + "/inbox/")
    wait(driver, lambda d: visible(d, "#login-form"))
    assert_accessible(driver, "the login form")
    driver.find_element(By.ID, "login-submit").click()
    wait(driver, lambda d: d.find_element(By.ID, "login-error").text)
    assert_accessible(driver, "the login form with an error")
    login(driver, base_url, DEMO_EMAIL, "demo")
    assert_accessible(driver, "the conversation list")
    _, conversation = new_whatsapp_conversation(driver, base_url, "I want to speak to a human, please")
    click_conversation(driver, conversation)
    wait(driver, lambda d: visible(d, "#composer-text"))
    assert_accessible(driver, "an open conversation")
    driver.find_element(By.ID, "note-toggle").click()
    assert_accessible(driver, "the composer writing a note")
    driver.find_element(By.ID, "note-toggle").click()
    area = driver.find_element(By.ID, "composer-text")
    area.send_keys("/zzzz")
    wait(driver, lambda d: visible(d, "#canned-list"))
    assert_accessible(driver, "the canned reply picker with no match")
    area.send_keys(Keys.ESCAPE)
    driver.find_element(By.ID, "composer-send").click()
    assert_accessible(driver, "the composer with an error")

    chat = browser(DESKTOP)
    chat.get(base_url + "/chat/demo")
    wait(chat, lambda d: d.find_element(By.ID, "chat-status").get_attribute("data-state") == "on")
    assert_accessible(chat, "the web chat, empty")
    chat.find_element(By.ID, "chat-text").send_keys("What are your opening hours?" + Keys.ENTER)
    wait(chat, lambda d: d.find_elements(By.CSS_SELECTOR, "#messages .msg-business"))
    assert_accessible(chat, "the web chat with an answer")


def test_strings_follow_the_browser_and_the_workspace(browser, base_url, output_dir):
    # The browser prefers English, the workspace `other` set its web chat to Spanish.
    chat = browser(DESKTOP)
    chat.get(base_url + "/chat/other")
    wait(chat, lambda d: d.find_element(By.ID, "chat-title").text == "Escríbenos", message="the workspace's language is not used")
    assert chat.execute_script("return document.documentElement.lang") == "es"
    assert chat.find_element(By.ID, "chat-text").get_attribute("placeholder") == "Escribe un mensaje"
    wait(chat, lambda d: d.find_element(By.ID, "chat-status").text == "En línea")
    assert_accessible(chat, "the web chat in Spanish")
    chat.save_screenshot(str(output_dir / "chat-es.png"))
    # demo has no setting: English for an English browser.
    chat.get(base_url + "/chat/demo")
    wait(chat, lambda d: d.find_element(By.ID, "chat-title").text == "Chat with us")

    # A Spanish browser gets the inbox in Spanish.
    driver = browser(DESKTOP, language="es-ES")
    driver.get(base_url + "/inbox/")
    wait(driver, lambda d: visible(d, "#login-form"))
    wait(driver, lambda d: d.find_element(By.ID, "login-submit").text == "Iniciar sesión", message="the inbox is not in Spanish")
    assert driver.execute_script("return document.documentElement.lang") == "es"
    for field in ("login-email", "login-password", "login-workspace"):
        driver.find_element(By.ID, field).send_keys({"login-email": DEMO_EMAIL, "login-password": PASSWORD, "login-workspace": "demo"}[field])
    driver.find_element(By.ID, "login-submit").click()
    wait(driver, lambda d: visible(d, "#app-view"))
    wait(driver, lambda d: d.find_element(By.ID, "logout").text == "Cerrar sesión")
    wait(driver, lambda d: d.find_element(By.ID, "live").text == "En vivo")
    assert_accessible(driver, "the inbox in Spanish")
    driver.save_screenshot(str(output_dir / "inbox-es.png"))


def test_a_new_message_in_my_conversation_notifies_and_counts(browser, base_url, output_dir):
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    wa_id, conversation = new_whatsapp_conversation(agent, base_url, "I want to speak to a human about my order", name="Gbenga")
    click_conversation(agent, conversation)
    wait(agent, lambda d: visible(d, "#action-assign-me")).click()
    wait(agent, lambda d: "Assigned to you" in d.find_element(By.ID, "thread-meta").text)
    # Back to the list: the conversation is not open. Notifications allowed, and recorded
    # (a headless browser shows none).
    agent.find_element(By.ID, "back").click() if visible(agent, "#back") else agent.execute_script("location.hash = '#/'")
    wait(agent, lambda d: open_conversation_id(d) is None)
    agent.execute_script("""
        window.__notes = [];
        window.Notification = class { constructor(title, options) { window.__notes.push({title, body: options && options.body}); }
                                      static get permission() { return 'granted'; } };
    """)
    wait(agent, lambda d: conversation in d.execute_script("return SwitchboardInboxTools.mine()"),
         message="the tools do not know the conversation is mine")
    customer_writes(base_url, wa_id, "Gbenga", "Hello? Any news about my order?")
    wait(agent, lambda d: (conversation_row(d, conversation) or {}).get("unread", 0) >= 1, message="the list did not count it")
    notes = wait(agent, lambda d: d.execute_script("return window.__notes.length ? window.__notes : null"),
                 message="no desktop notification for a message in my conversation")
    assert notes[0]["title"] == "New message from Gbenga", notes
    badge = wait(agent, lambda d: visible(d, "#my-unread"), message="no unread badge")
    wait(agent, lambda d: d.find_element(By.ID, "my-unread").text.startswith(("1 ", "2 ")))
    assert "unread in my conversations" in badge.text
    assert_accessible(agent, "the unread badge")
    # A message in a conversation that is not mine: no notification.
    before = len(agent.execute_script("return window.__notes"))
    _, other = new_whatsapp_conversation(agent, base_url, "I want to speak to a human too", name="Hauwa")
    time.sleep(0.5)   # the event reached the page (the list shows it); a notification would be there
    assert len(agent.execute_script("return window.__notes")) == before


def test_assign_to_another_user_of_the_workspace(browser, base_url, output_dir):
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    _, conversation = new_whatsapp_conversation(agent, base_url, "I want to speak to a human about a refund", name="Ify")
    click_conversation(agent, conversation)
    select = wait(agent, lambda d: visible(d, "#assign-select"), message="no list of the workspace's users")
    emails = [o.text for o in select.find_elements(By.TAG_NAME, "option")]
    assert DEMO_EMAIL in emails and ADMIN_EMAIL in emails, emails
    assert "otto@other.test" not in emails, "a user of another workspace is offered"
    Select(select).select_by_visible_text(ADMIN_EMAIL)
    wait(agent, lambda d: f"Assigned to {ADMIN_EMAIL}" in d.find_element(By.ID, "thread-meta").text,
         message="the conversation was not assigned to the chosen user")
    wait(agent, lambda d: ADMIN_EMAIL in (conversation_row(d, conversation) or {}).get("name", "") or
         any(ADMIN_EMAIL in t for t in d.execute_script("return Array.from(document.querySelectorAll('#conversation-list .conv-meta'), (e) => e.textContent)")))
    assert_accessible(agent, "a conversation assigned to someone else")
