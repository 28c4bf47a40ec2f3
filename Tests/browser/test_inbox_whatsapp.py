"""The inbox against the real API with WhatsApp conversations: customers' messages arrive
as signed webhooks (Meta's wire format), replies go to a fake Graph API, and delivery
receipts come back as webhooks. Live updates, ticks, actions, filters, the phone layout,
escaping and workspace isolation, as an agent sees them.

Needs the inbox API and the auth routes (marker `backend`), not the web chat."""
import hashlib
import hmac
import json
import os
import random
import time
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import (DEMO_EMAIL, DESKTOP, HOSTILE, OTHER_EMAIL, PHONE, click_conversation, conversation_ids,
                      conversation_row, login, no_reload_marker, open_conversation_id, texts, thread_texts, visible,
                      wait, wait_new_conversation, was_not_reloaded)

pytestmark = pytest.mark.backend

APP = os.environ.get("SB_WA_APP", "browser")
APP_SECRET = os.environ.get("SB_WA_APP_SECRET", "browser-test-app-secret")
PHONE_NUMBER_ID = os.environ.get("SB_WA_PHONE_NUMBER_ID", "106540352242922")
GRAPH = os.environ.get("SB_GRAPH_URL", "")


def new_customer():
    return "234803" + "".join(random.choice("0123456789") for _ in range(7))   # an MTN Nigeria mobile


def post_webhook(base_url, value):
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [
        {"field": "messages", "value": dict({"messaging_product": "whatsapp", "metadata": {
            "display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID}}, **value)}]}]}).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"{base_url}/webhooks/whatsapp/{APP}", data=body, method="POST", headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": signature})
    with urllib.request.urlopen(request, timeout=10) as r:
        assert r.status == 200


def customer_writes(base_url, wa_id, name, text):
    post_webhook(base_url, {
        "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
        "messages": [{"from": wa_id, "id": f"wamid.IN{random.getrandbits(64):016x}", "timestamp": str(int(time.time())),
                      "type": "text", "text": {"body": text}}]})


def receipt(base_url, wa_id, wamid, status, error=None):
    s = {"id": wamid, "status": status, "timestamp": str(int(time.time())), "recipient_id": wa_id}
    if error:
        s["errors"] = [{"code": error[0], "title": error[1], "message": error[1],
                        "error_data": {"details": "Message failed to send because more than 24 hours have passed."}}]
    post_webhook(base_url, {"statuses": [s]})


def sent_to(wa_id):
    with urllib.request.urlopen(GRAPH + "/_sent", timeout=5) as r:
        return [m for m in json.load(r) if m["to"] == wa_id]


def wait_sent(wa_id, fragment, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        for m in sent_to(wa_id):
            if m["text"] and fragment in m["text"]:
                return m
        time.sleep(0.2)
    raise AssertionError(f"the fake Graph API received no message to {wa_id} containing {fragment!r}: {sent_to(wa_id)}")


def message_info(driver, fragment):
    """What the thread shows of the message containing `fragment`, read in one go (the
    thread is re-rendered on every event): status, tick mark and colour, meta text."""
    return driver.execute_script("""
        const fragment = arguments[0];
        for (const li of document.querySelectorAll('#messages li.msg')) {
            const text = li.querySelector('.msg-text');
            if (!text || !text.textContent.includes(fragment)) continue;
            const tick = li.querySelector('.tick');
            return {status: li.dataset.status || null, tick: tick ? tick.textContent : null,
                    color: tick ? getComputedStyle(tick).color : null, meta: li.querySelector('.msg-meta').textContent};
        }
        return null;
    """, fragment)


def wait_status(driver, fragment, status, timeout=15):
    def seen(d):
        info = message_info(d, fragment)
        return info if info and info["status"] == status else None
    return wait(driver, seen, timeout, f"the message {fragment!r} never showed status {status}: {message_info(driver, fragment)}")


def test_whatsapp_conversation_live_reply_ticks_and_actions(browser, base_url, output_dir):
    assert GRAPH, "SB_GRAPH_URL is not set: run Tests/browser/run.sh"
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    no_reload_marker(agent)
    before = conversation_ids(agent)

    customer, name = new_customer(), 'Chioma <b>O.</b> "Cakes"'
    customer_writes(base_url, customer, name, "Hello, I need to speak to a human")
    conversation = wait_new_conversation(agent, before, "human")
    assert was_not_reloaded(agent), "the inbox reloaded instead of updating live"
    wait(agent, lambda d: (conversation_row(d, conversation) or {}).get("name") == name,
         message="the customer's profile name is not shown as written")
    assert conversation_row(agent, conversation)["nameElements"] == 0

    # The bot answered (the handoff message), so nothing is unread until the customer writes again.
    wait_sent(customer, "agent will reply")
    customer_writes(base_url, customer, name, "Are you there?")
    wait(agent, lambda d: (conversation_row(d, conversation) or {}).get("unread") == 1,
         message="no unread count of 1 on the conversation")
    click_conversation(agent, conversation)
    wait(agent, lambda d: "Are you there?" in thread_texts(d))
    assert open_conversation_id(agent) == conversation
    assert "Hello, I need to speak to a human" in thread_texts(agent)
    assert name in agent.find_element(By.ID, "thread-title").text
    assert texts(agent, "#messages .msg-in .msg-text") == [
        "Hello, I need to speak to a human", "Are you there?"]
    handoff = wait_sent(customer, "agent will reply")
    wait_status(agent, "agent will reply", "sent")

    # Take it, answer with Enter, and follow the ticks as receipts arrive.
    agent.find_element(By.ID, "action-assign-me").click()
    wait(agent, lambda d: "Assigned to you" in d.find_element(By.ID, "thread-meta").text)
    answer = "Hi Chioma, Ada here: what can I do for you?"
    area = agent.find_element(By.ID, "composer-text")
    area.send_keys(answer)
    area.send_keys(Keys.ENTER)
    first = wait(agent, lambda d: message_info(d, answer), message="the reply is not in the thread")
    assert first["tick"] in ("◷", "✓"), first
    sent = wait_sent(customer, answer)
    assert wait_status(agent, answer, "sent")["tick"] == "✓"
    receipt(base_url, customer, sent["id"], "delivered")
    delivered = wait_status(agent, answer, "delivered")
    assert delivered["tick"] == "✓✓"
    receipt(base_url, customer, sent["id"], "read")
    read = wait_status(agent, answer, "read")
    assert read["tick"] == "✓✓" and read["color"] != delivered["color"], "read ticks are not blue"
    receipt(base_url, customer, handoff["id"], "failed", (131047, "Re-engagement message"))
    failed = wait_status(agent, "agent will reply", "failed")
    assert failed["tick"] == "✗"
    assert "Re-engagement message" in failed["meta"]

    # A note is marked as one and never sent.
    agent.find_element(By.ID, "note-toggle").click()
    area.send_keys("VIP customer, birthday cake last month")
    area.send_keys(Keys.ENTER)
    wait(agent, lambda d: any("VIP customer" in t for t in texts(d, "#messages .msg-note .msg-text")))
    agent.find_element(By.ID, "note-toggle").click()
    time.sleep(0.5)
    assert not [m for m in sent_to(customer) if m["text"] and "VIP customer" in m["text"]], "a note reached the customer"

    # The customer's HTML arrives live and shows as text.
    customer_writes(base_url, customer, name, HOSTILE)
    wait(agent, lambda d: HOSTILE in thread_texts(d), 15, "the message did not arrive live in the open thread")
    assert agent.execute_script("return window.__xss === undefined")
    assert not agent.find_elements(By.CSS_SELECTOR, "#messages img, #messages script, #messages b")
    agent.save_screenshot(str(output_dir / "inbox-whatsapp.png"))

    # Filters: assigned to me, unassigned, state.
    def listed(d):
        return conversation in conversation_ids(d)
    Select(agent.find_element(By.ID, "filter-assigned")).select_by_value("me")
    wait(agent, listed, message="not listed under 'assigned to me'")
    Select(agent.find_element(By.ID, "filter-assigned")).select_by_value("none")
    wait(agent, lambda d: not listed(d), message="listed under 'unassigned' while assigned to me")
    Select(agent.find_element(By.ID, "filter-assigned")).select_by_value("")
    Select(agent.find_element(By.ID, "filter-state")).select_by_value("bot")
    wait(agent, lambda d: not listed(d), message="a human conversation listed under 'bot'")
    Select(agent.find_element(By.ID, "filter-state")).select_by_value("")
    wait(agent, listed)

    # Unassign, hand back to the bot, resolve, reopen.
    agent.find_element(By.ID, "action-unassign").click()
    wait(agent, lambda d: "Unassigned" in d.find_element(By.ID, "thread-meta").text)
    agent.find_element(By.ID, "action-handback").click()
    wait(agent, lambda d: "State: bot" in d.find_element(By.ID, "thread-meta").text)
    assert not visible(agent, "#action-handback")
    agent.find_element(By.ID, "action-resolve").click()
    wait(agent, lambda d: "State: resolved" in d.find_element(By.ID, "thread-meta").text)
    agent.find_element(By.ID, "action-reopen").click()
    wait(agent, lambda d: "State: human" in d.find_element(By.ID, "thread-meta").text)

    # Escape: back to the list, the focus on this conversation.
    ActionChains(agent).send_keys(Keys.ESCAPE).perform()
    wait(agent, lambda d: open_conversation_id(d) is None)
    wait(agent, lambda d: d.execute_script("return document.activeElement.dataset.id") == conversation,
         message="the focus is not on the conversation just left")


def test_inbox_at_phone_width(browser, base_url, output_dir):
    agent = browser(PHONE)
    login(agent, base_url, DEMO_EMAIL, "demo")
    before = conversation_ids(agent)
    customer = new_customer()
    customer_writes(base_url, customer, "Bola", "Can I speak to a human about my order?")
    conversation = wait_new_conversation(agent, before)
    width = agent.execute_script("return window.innerWidth")
    assert agent.execute_script("return document.documentElement.scrollWidth") <= width, "the list scrolls sideways"
    agent.save_screenshot(str(output_dir / "inbox-phone-list.png"))

    click_conversation(agent, conversation)
    wait(agent, lambda d: "Can I speak to a human about my order?" in thread_texts(d))
    assert not visible(agent, "#list-pane"), "one column: the list hides while a thread is open"
    assert visible(agent, "#back") and visible(agent, "#composer-text")
    assert agent.execute_script("return document.documentElement.scrollWidth") <= width, "the thread scrolls sideways"
    agent.save_screenshot(str(output_dir / "inbox-phone-thread.png"))

    agent.find_element(By.ID, "back").click()
    wait(agent, lambda d: visible(d, "#list-pane") and not visible(d, "#thread"))
    agent.back()          # the browser's back button returns to the thread, and again to the list
    wait(agent, lambda d: visible(d, "#thread") and not visible(d, "#list-pane"))
    agent.back()
    wait(agent, lambda d: visible(d, "#list-pane"))


def test_other_workspace_sees_nothing_of_a_whatsapp_conversation(browser, base_url):
    demo = browser(DESKTOP)
    login(demo, base_url, DEMO_EMAIL, "demo")
    before = conversation_ids(demo)
    other = browser(DESKTOP)
    login(other, base_url, OTHER_EMAIL, "other")
    no_reload_marker(other)

    customer = new_customer()
    secret = "My card ends in 4471, please call me"
    customer_writes(base_url, customer, "Private Person", secret)
    conversation = wait_new_conversation(demo, before)
    time.sleep(1.0)   # the other inbox had every chance to refresh from its event stream
    assert conversation not in conversation_ids(other)
    assert secret not in other.find_element(By.TAG_NAME, "body").text
    assert "Private Person" not in other.find_element(By.TAG_NAME, "body").text
    status = other.execute_async_script("""
        const [id, done] = arguments;
        fetch('/api/v1/conversations/' + encodeURIComponent(id), {credentials: 'same-origin'})
            .then((r) => done(r.status), () => done(-1));
    """, conversation)
    assert status == 404
    other.get(base_url + "/inbox/#/c/" + urllib.parse.quote(conversation))
    wait(other, lambda d: "does not exist in your workspace" in d.find_element(By.ID, "thread-error").text)
    assert secret not in other.find_element(By.TAG_NAME, "body").text


def test_a_draft_stays_with_its_conversation(browser, base_url):
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    before = conversation_ids(agent)
    first, second = new_customer(), new_customer()
    customer_writes(base_url, first, "Ngozi", "I want a human for my wedding cake")
    a = wait_new_conversation(agent, before)
    customer_writes(base_url, second, "Tunde", "human please, about bread")
    b = wait_new_conversation(agent, before | {a})

    click_conversation(agent, a)
    wait(agent, lambda d: open_conversation_id(d) == a and "I want a human for my wedding cake" in thread_texts(d))
    agent.find_element(By.ID, "composer-text").send_keys("Draft for Ngozi")
    click_conversation(agent, b)
    wait(agent, lambda d: open_conversation_id(d) == b and "human please, about bread" in thread_texts(d))
    assert agent.find_element(By.ID, "composer-text").get_attribute("value") == "", "a draft followed the agent to another customer"
    click_conversation(agent, a)
    wait(agent, lambda d: open_conversation_id(d) == a)
    assert agent.find_element(By.ID, "composer-text").get_attribute("value") == "Draft for Ngozi"


def test_a_long_conversation_shows_the_newest_page_and_loads_older_messages(browser, base_url):
    """The thread asks the API for its newest 50 messages; "Load older messages" fetches the
    page before (keeping the agent's place), and a message arriving afterwards joins the
    thread without dropping the older ones loaded."""
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    before = conversation_ids(agent)
    customer = new_customer()
    customer_writes(base_url, customer, "Bisi", "I want a human please, older 000")   # handed off: the bot stays silent
    c = wait_new_conversation(agent, before)
    for i in range(1, 61):
        customer_writes(base_url, customer, "Bisi", f"older {i:03d}")
    click_conversation(agent, c)
    wait(agent, lambda d: open_conversation_id(d) == c and "older 060" in thread_texts(d), 15,
         "the newest message never showed")
    shown = thread_texts(agent)
    assert len(shown) == 50, f"the thread shows {len(shown)} messages, not the newest page of 50"
    assert not any("older 000" in t for t in shown)
    assert shown[-1] == "older 060"
    button = wait(agent, lambda d: visible(d, "#thread-older"), 10, "no 'Load older messages' button")
    assert button.text == "Load older messages"
    in_view_script = """
        const list = document.getElementById('messages'), b = list.getBoundingClientRect();
        return Array.from(list.querySelectorAll('li.msg'), (li) => [li, li.getBoundingClientRect()])
            .filter(([li, a]) => a.bottom > b.top + 1 && a.top < b.bottom - 1)
            .map(([li]) => li.querySelector('.msg-text').textContent);"""
    seen_before = agent.execute_script(in_view_script)
    assert seen_before, "no message in view"
    button.click()
    wait(agent, lambda d: any("older 000" in t for t in thread_texts(d)), 10, "the older messages never loaded")
    texts = thread_texts(agent)
    inbound = [t for t in texts if t.startswith("older") or "older 000" in t]
    assert [t[-3:] for t in inbound] == [f"{i:03d}" for i in range(61)], "messages missing, repeated or out of order"
    assert not visible(agent, "#thread-older"), "the button stays after the first message is shown"
    # The agent's place is kept: what was in view is still in view.
    seen_after = agent.execute_script(in_view_script)
    assert set(seen_before) & set(seen_after), f"loading older messages lost the agent's place: {seen_before} then {seen_after}"

    customer_writes(base_url, customer, "Bisi", "older 061")
    wait(agent, lambda d: "older 061" in thread_texts(d), 15, "a new message did not arrive live")
    texts = thread_texts(agent)
    assert any("older 000" in t for t in texts), "a live update dropped the older messages loaded"
    assert len([t for t in texts if t.startswith("older") or "older 000" in t]) == 62
