"""The walk of the Inbox issue through the web chat: a visitor asks the bakery a question
and gets the FAQ answer, asks for a human, the conversation appears live in an agent's
inbox, the agent answers and the visitor sees it; an agent of another workspace sees
nothing of it; HTML in a customer's message shows as text.

Needs the inbox API, the auth routes (marker `backend`) and the web chat endpoints
(marker `chat`)."""
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import (DEMO_EMAIL, DESKTOP, HOSTILE, OTHER_EMAIL, PHONE, chat_send, chat_texts, click_conversation,
                      conversation_ids, conversation_row, conversation_rows, login, no_reload_marker,
                      open_conversation_id, texts, thread_texts, visible, wait, wait_for_chat_text,
                      wait_new_conversation, was_not_reloaded)

pytestmark = [pytest.mark.backend, pytest.mark.chat]


def open_conversation_with(driver, fragment, timeout=15):
    """Opens the conversation whose thread holds `fragment`, trying each listed one."""
    def find(d):
        for conversation in [r["id"] for r in conversation_rows(d)]:
            click_conversation(d, conversation)
            try:
                wait(d, lambda dd: open_conversation_id(dd) == conversation and any(fragment in t for t in thread_texts(dd)), timeout=2)
                return conversation
            except Exception:
                continue
        return None
    return wait(driver, find, timeout, f"no conversation in the inbox holds {fragment!r}")


def test_full_walk(browser, base_url, output_dir):
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    no_reload_marker(agent)
    before = conversation_ids(agent)

    visitor = browser(PHONE)
    visitor.get(base_url + "/chat/demo")
    wait(visitor, lambda d: d.find_element(By.ID, "chat-status").get_attribute("data-state") == "on",
         message="the chat's event stream did not open")

    # A question the FAQ answers.
    chat_send(visitor, "What are your opening hours?")
    wait_for_chat_text(visitor, "visitor", "What are your opening hours?")
    wait_for_chat_text(visitor, "business", "We are open 8am to 7pm")

    # Asking for a human: the handoff plugin's message, and the conversation goes to the agents.
    chat_send(visitor, "I want to speak to a human please")
    wait_for_chat_text(visitor, "business", "An agent will reply shortly")

    # It appears in the agent's inbox without a reload, as a human conversation.
    conversation = wait_new_conversation(agent, before, "human")
    assert was_not_reloaded(agent), "the inbox reloaded instead of updating live"

    # The handoff message answered; the visitor writing again makes one unread message.
    chat_send(visitor, "Hello? Is anyone there?")
    wait(agent, lambda d: (conversation_row(d, conversation) or {}).get("unread") == 1,
         message="no unread count of 1 on the conversation")
    click_conversation(agent, conversation)
    wait(agent, lambda d: "I want to speak to a human please" in thread_texts(d))
    shown = thread_texts(agent)
    assert "What are your opening hours?" in shown
    assert any("We are open 8am to 7pm" in t for t in shown), "the bot's FAQ answer is not in the thread"
    inbound = agent.find_elements(By.CSS_SELECTOR, "#messages .msg-in")
    outbound = agent.find_elements(By.CSS_SELECTOR, "#messages .msg-out")
    assert len(inbound) >= 2 and len(outbound) >= 2, "inbound and outbound messages are not told apart"

    # The agent takes it and answers with the keyboard: Enter sends.
    agent.find_element(By.ID, "action-assign-me").click()
    wait(agent, lambda d: "Assigned to you" in d.find_element(By.ID, "thread-meta").text)
    answer = "Hello! This is Ada from the bakery. How can I help?"
    area = agent.find_element(By.ID, "composer-text")
    area.send_keys(answer)
    area.send_keys(Keys.ENTER)
    wait(agent, lambda d: answer in thread_texts(d), message="the reply is not in the thread")
    assert agent.find_element(By.ID, "composer-text").get_attribute("value") == ""
    wait_for_chat_text(visitor, "business", answer)

    # An internal note stays in the inbox and never reaches the visitor.
    agent.find_element(By.ID, "note-toggle").click()
    note = "Customer asked for a human after the hours question"
    area.send_keys(note)
    area.send_keys(Keys.ENTER)
    wait(agent, lambda d: note in texts(d, "#messages .msg-note .msg-text"),
         message="the note is not shown as a note")

    # The visitor's HTML is text everywhere.
    chat_send(visitor, HOSTILE)
    wait(visitor, lambda d: HOSTILE in chat_texts(d, "visitor"))
    wait(agent, lambda d: HOSTILE in thread_texts(d), 15, "the hostile message did not arrive live in the thread")
    for d in (agent, visitor):
        assert d.execute_script("return window.__xss === undefined"), "a script ran"
        assert not d.find_elements(By.CSS_SELECTOR, "#messages img, #messages script, #messages b")

    agent.save_screenshot(str(output_dir / "inbox.png"))
    visitor.save_screenshot(str(output_dir / "chat-walk.png"))
    assert note not in " ".join(chat_texts(visitor, "business"))

    # Resolve, then hand-back is offered again only after reopening to human.
    agent.find_element(By.ID, "action-resolve").click()
    wait(agent, lambda d: "State: resolved" in d.find_element(By.ID, "thread-meta").text)
    assert visible(agent, "#action-reopen") and not visible(agent, "#action-resolve")

    # Escape goes back to the list, with the focus on the conversation.
    ActionChains(agent).send_keys(Keys.ESCAPE).perform()
    wait(agent, lambda d: open_conversation_id(d) is None)
    wait(agent, lambda d: d.execute_script("return document.activeElement.dataset.id") == conversation,
         message="the focus is not on the conversation just left")


def test_other_workspace_sees_nothing(browser, base_url):
    visitor = browser(DESKTOP)
    visitor.get(base_url + "/chat/demo")
    secret = "Only the bakery may read this: order 4471"
    wait(visitor, lambda d: d.find_element(By.ID, "chat-status").get_attribute("data-state") == "on")
    chat_send(visitor, secret)
    wait_for_chat_text(visitor, "visitor", secret)

    demo = browser(DESKTOP)
    login(demo, base_url, DEMO_EMAIL, "demo")
    conversation = open_conversation_with(demo, secret)
    assert conversation

    other = browser(DESKTOP)
    login(other, base_url, OTHER_EMAIL, "other")
    chat_send(visitor, "and one more message while the other agent watches")
    wait(demo, lambda d: "and one more message while the other agent watches" in thread_texts(d), 15)
    assert conversation not in conversation_ids(other)
    assert secret not in other.find_element(By.TAG_NAME, "body").text
    status = other.execute_async_script("""
        const [id, done] = arguments;
        fetch('/api/v1/conversations/' + encodeURIComponent(id), {credentials: 'same-origin'})
            .then((r) => done(r.status), () => done(-1));
    """, conversation)
    assert status == 404, "another workspace's conversation must look as if it did not exist"
    other.get(base_url + "/inbox/#/c/" + conversation)
    wait(other, lambda d: "does not exist in your workspace" in d.find_element(By.ID, "thread-error").text)
    assert secret not in other.find_element(By.TAG_NAME, "body").text


def test_login_errors_and_logout(browser, base_url):
    driver = browser(DESKTOP)
    driver.get(base_url + "/inbox/")
    wait(driver, lambda d: visible(d, "#login-form"))
    driver.find_element(By.ID, "login-email").send_keys(DEMO_EMAIL)
    driver.find_element(By.ID, "login-password").send_keys("not the password")
    ws = driver.find_element(By.ID, "login-workspace")
    ws.send_keys("demo")
    ws.send_keys(Keys.ENTER)
    wait(driver, lambda d: "Wrong email, password or workspace" in d.find_element(By.ID, "login-error").text)
    assert not visible(driver, "#app-view")

    login(driver, base_url, DEMO_EMAIL, "demo")
    cookie = driver.get_cookie("sb_session")
    assert cookie and cookie["httpOnly"], "the session cookie must be HttpOnly"
    assert driver.execute_script("return document.cookie").find("sb_session") == -1
    driver.find_element(By.ID, "logout").click()
    wait(driver, lambda d: visible(d, "#login-form"))
    status = driver.execute_async_script("""
        const done = arguments[0];
        fetch('/api/v1/me', {credentials: 'same-origin'}).then((r) => done(r.status), () => done(-1));
    """)
    assert status == 401
    driver.refresh()
    wait(driver, lambda d: visible(d, "#login-form"), message="a reload after logout must show the login form")


def test_chat_keeps_the_conversation_across_a_reload(browser, base_url):
    visitor = browser(PHONE)
    visitor.get(base_url + "/chat/demo")
    wait(visitor, lambda d: d.find_element(By.ID, "chat-status").get_attribute("data-state") == "on")
    chat_send(visitor, "Do you deliver?")
    wait_for_chat_text(visitor, "business", "We deliver across Lagos Island")
    visitor.refresh()
    wait_for_chat_text(visitor, "visitor", "Do you deliver?")
    wait_for_chat_text(visitor, "business", "We deliver across Lagos Island")
    assert chat_texts(visitor, "visitor").count("Do you deliver?") == 1, "a message shows twice after a reload"
