"""The onboarding walk of the administration issue: an operator creates a business through
the API and gives it a web chat (a channel in the host config, applied by `switchboard
reload`: no restart); the owner opens the invite link, sets a password and lands in the
setup walk, logged in; they walk through it (name and time zone, the channel with its chat
address, the FAQ with "try a question", handoff hours, inviting an agent), by keyboard,
with axe-core checking each step; a reload resumes where they were; a visitor of the new
business's web chat is answered from the FAQ the owner entered, and the conversation shows
up live in the inbox. axe-core checks the invite page in each state.

Needs the inbox API, the auth routes (marker `backend`) and the web chat (marker `chat`)."""
import json
import os
import subprocess
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from axe_check import assert_accessible
from conftest import (DESKTOP, PHONE, chat_send, conversation_ids, csp_problems, visible, wait, wait_for_chat_text,
                      wait_new_conversation)

pytestmark = [pytest.mark.backend, pytest.mark.chat]


def api(base_url, method, path, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base_url + path, data=data, method=method,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read() or b"null")


def current_step(d):
    for section in d.find_elements(By.CSS_SELECTOR, "section.step"):
        if section.is_displayed():
            return section.get_attribute("id")
    return None


def on_step(driver, step, message=""):
    wait(driver, lambda d: current_step(d) == "step-" + step, timeout=15,
         message=message or f"the walk did not show the {step} step (shows {current_step(driver)})")
    # The step's heading has the focus: a screen reader says where the walk is.
    wait(driver, lambda d: d.switch_to.active_element.get_attribute("id") == step + "-title",
         message=f"the {step} step's heading did not get the focus")


def type_into(driver, element_id, text, clear=True):
    e = driver.find_element(By.ID, element_id)
    if clear:
        e.clear()
    e.send_keys(text)
    return e


def test_onboarding_from_invite_link_through_the_setup_walk_to_a_first_answered_chat(browser, base_url):
    token = os.environ.get("SB_OPERATOR_TOKEN")
    if not token:
        pytest.fail("no operator token: run.sh could not run `switchboard operator add`")
    status, created = api(base_url, "POST", "/api/v1/operator/workspaces", token,
                          {"id": "salon", "name": "Ada's Salon", "timezone": "Africa/Lagos", "owner_email": "ada@salon.test"})
    assert status == 201, created
    invite_path = created["url"]

    # The operator gives the business its web chat; the running host takes it on reload.
    with open(os.environ["SB_CONFIG"], "a", encoding="utf-8") as f:
        f.write("  - id: web-salon\n    type: webchat\n    workspace: salon\n")
    reload = subprocess.run([os.environ["SB_BIN"], "reload", "--config", os.environ["SB_CONFIG"]],
                            capture_output=True, text=True, timeout=60)
    assert reload.returncode == 0, reload.stderr

    # The owner opens the link, sets a password and lands in the setup walk, logged in.
    owner = browser(DESKTOP)
    owner.get(base_url + invite_path)
    wait(owner, lambda d: "Ada's Salon" in d.find_element(By.ID, "invite-status").text,
         message="the invite page did not say who is invited where")
    assert owner.find_element(By.ID, "invite-email").text == "ada@salon.test"
    assert_accessible(owner, "the invite page")
    # Two passwords that differ: refused on the page, said in the form.
    owner.find_element(By.ID, "invite-password").send_keys("salon owner password")
    owner.find_element(By.ID, "invite-confirm").send_keys("salon owner passwort")
    owner.find_element(By.ID, "invite-submit").click()
    wait(owner, lambda d: "differ" in d.find_element(By.ID, "invite-error").text, message="differing passwords were not refused")
    assert_accessible(owner, "the invite page with an error")
    owner.find_element(By.ID, "invite-password").clear()
    owner.find_element(By.ID, "invite-confirm").clear()
    owner.find_element(By.ID, "invite-password").send_keys("salon owner password")
    owner.find_element(By.ID, "invite-confirm").send_keys("salon owner password")
    owner.find_element(By.ID, "invite-submit").click()
    wait(owner, lambda d: d.current_url.endswith("/setup/"), timeout=15, message="the owner did not land in the setup walk")
    on_step(owner, "business")
    assert owner.find_element(By.ID, "business-name").get_attribute("value") == "Ada's Salon"
    steps = owner.find_elements(By.CSS_SELECTOR, "#setup-steps button")
    assert [b.get_attribute("data-step") for b in steps] == ["business", "channel", "faq", "handoff", "team"]
    assert steps[0].get_attribute("aria-current") == "step"
    assert_accessible(owner, "the setup walk's first step")

    # Step 1 by keyboard: a wrong time zone is refused with the reason, then a good one.
    type_into(owner, "business-name", "Ada's Hair Salon")
    type_into(owner, "business-timezone", "Lagos").send_keys(Keys.ENTER)
    wait(owner, lambda d: "IANA" in d.find_element(By.ID, "business-error").text,
         message="a wrong time zone was not refused with a clear error")
    type_into(owner, "business-timezone", "Africa/Lagos").send_keys(Keys.ENTER)
    on_step(owner, "channel")

    # Progress is the server's: a reload of the page resumes at the channel step.
    owner.refresh()
    on_step(owner, "channel", message="a reload did not resume the walk where it was")
    assert "1 of 5" in owner.find_element(By.ID, "setup-status").text
    assert owner.find_element(By.CSS_SELECTOR, '#setup-steps button[data-step="business"]').get_attribute("data-state") == "done"
    # Step 2: the web chat is listed, working, with its address to share.
    wait(owner, lambda d: d.find_elements(By.CSS_SELECTOR, '#channel-list li[data-channel="web-salon"]'),
         message="the business's web chat is not listed")
    snippet = owner.find_element(By.CSS_SELECTOR, '#channel-list li[data-channel="web-salon"] .chat-snippet').text
    assert base_url + "/chat/salon" in snippet
    assert_accessible(owner, "the channel step")
    owner.find_element(By.ID, "channel-continue").click()
    on_step(owner, "faq")

    # Step 3: one FAQ entry, saved; then "try a question" shows what a customer gets.
    type_into(owner, "faq-q-1", "When are you open?\nopening hours")
    type_into(owner, "faq-a-1", "We are open 9am to 6pm, Tuesday to Sunday.")
    assert_accessible(owner, "the FAQ editor")
    owner.find_element(By.CSS_SELECTOR, "#faq-form button[type=submit]").click()
    on_step(owner, "handoff")
    owner.find_element(By.CSS_SELECTOR, '#setup-steps button[data-step="faq"]').send_keys(Keys.ENTER)
    on_step(owner, "faq")
    type_into(owner, "try-text", "when are you open").send_keys(Keys.ENTER)
    wait(owner, lambda d: "9am to 6pm" in d.find_element(By.ID, "try-result").text, timeout=15,
         message="try a question did not show the FAQ's answer")
    assert owner.find_element(By.ID, "try-result").get_attribute("data-verdict") == "reply"
    type_into(owner, "try-text", "can you fix my car engine").send_keys(Keys.ENTER)
    wait(owner, lambda d: d.find_element(By.ID, "try-result").get_attribute("data-verdict") == "pass", timeout=15,
         message="try a question did not say that nothing matched")
    assert "We will get back to you shortly" in owner.find_element(By.ID, "try-result").text
    owner.find_element(By.CSS_SELECTOR, '#setup-steps button[data-step="handoff"]').click()
    on_step(owner, "handoff")

    # Step 4: wrong hours are refused with the file's error and nothing changes; then right ones.
    type_into(owner, "handoff-hours", "tue-sun 25:00-18:00").send_keys(Keys.ENTER)
    wait(owner, lambda d: "Not saved, nothing changed" in d.find_element(By.ID, "handoff-error").text,
         message="wrong opening hours were not refused")
    assert_accessible(owner, "a refused step")
    type_into(owner, "handoff-hours", "tue-sun 09:00-18:00").send_keys(Keys.ENTER)
    on_step(owner, "team")

    # Step 5: an agent is invited; the link is shown; finish.
    type_into(owner, "team-email", "bola@salon.test").send_keys(Keys.ENTER)
    wait(owner, lambda d: d.find_elements(By.CSS_SELECTOR, '#team-links li[data-email="bola@salon.test"] .invite-link'),
         message="inviting an agent did not show the link")
    agent_link = owner.find_element(By.CSS_SELECTOR, '#team-links li[data-email="bola@salon.test"] .invite-link').text
    assert "/invite/" in agent_link
    assert_accessible(owner, "the team step")
    owner.find_element(By.ID, "team-done").click()
    on_step(owner, "done")
    assert "5 of 5" in owner.find_element(By.ID, "setup-status").text
    assert csp_problems(owner) == []

    # The inbox, then a visitor of the new business's web chat, answered from the FAQ.
    owner.find_element(By.ID, "done-inbox").click()
    wait(owner, lambda d: d.current_url.endswith("/inbox/") and visible(d, "#app-view"), timeout=15,
         message="the owner did not reach the inbox, logged in")
    wait(owner, lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "on",
         message="the inbox's event stream did not open")
    before = conversation_ids(owner)
    visitor = browser(PHONE)
    visitor.get(base_url + "/chat/salon")
    wait(visitor, lambda d: d.find_element(By.ID, "chat-status").get_attribute("data-state") == "on",
         message="the chat's event stream did not open")
    chat_send(visitor, "Hello, when are you open?")
    wait_for_chat_text(visitor, "business", "We are open 9am to 6pm, Tuesday to Sunday.")
    wait_new_conversation(owner, before)
    assert csp_problems(owner) == [] and csp_problems(visitor) == []

    # The link was used: opening it again says so, and nobody else can take the account.
    again = browser(DESKTOP)
    again.get(base_url + invite_path)
    wait(again, lambda d: "used" in d.find_element(By.ID, "invite-status").text,
         message="a used invite link was not refused")
    assert not again.find_element(By.ID, "invite-form").is_displayed()
    assert_accessible(again, "the invite page of a used link")


def test_the_setup_walk_speaks_spanish_and_refuses_agents(browser, base_url):
    """An admin whose browser prefers Spanish gets the walk in Spanish; an agent is told the
    walk is not theirs (and the API refuses them)."""
    from conftest import login, DEMO_EMAIL
    admin_email = os.environ.get("SB_DEMO_ADMIN_EMAIL", "ava@demo.test")
    admin = browser(DESKTOP, language="es-MX")
    login(admin, base_url, admin_email, "demo")
    admin.get(base_url + "/setup/")
    wait(admin, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Configura tu negocio",
         message="the walk is not in Spanish for a Spanish browser")
    wait(admin, lambda d: current_step(d) is not None, message="the walk did not open a step")
    assert admin.find_element(By.CSS_SELECTOR, '#setup-steps button[data-step="business"]').text.startswith("1. Negocio")
    assert_accessible(admin, "the walk in Spanish")
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    agent.get(base_url + "/setup/")
    wait(agent, lambda d: "agent" in d.find_element(By.ID, "setup-status").text,
         message="an agent was not told the walk is for owners and admins")
    assert not agent.find_element(By.ID, "setup-nav").is_displayed()
