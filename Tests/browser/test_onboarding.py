"""The onboarding walk of the administration issue: an operator creates a business through
the API and gives it a web chat (a channel in the host config, applied by `switchboard
reload`: no restart); the owner opens the invite link, sets a password and lands in the
inbox, logged in; a visitor of the new business's web chat is answered, and the
conversation shows up live in the owner's inbox. axe-core checks the invite page in each state.

Needs the inbox API, the auth routes (marker `backend`) and the web chat (marker `chat`)."""
import json
import os
import subprocess
import urllib.request

import pytest
from selenium.webdriver.common.by import By

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


def test_onboarding_from_invite_link_to_a_first_answered_chat(browser, base_url):
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

    # The owner opens the link, sets a password and lands in the inbox, logged in.
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
    wait(owner, lambda d: d.current_url.endswith("/inbox/") and visible(d, "#app-view"), timeout=15,
         message="the owner did not land in the inbox, logged in")
    wait(owner, lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "on",
         message="the inbox's event stream did not open")
    before = conversation_ids(owner)

    # A visitor of the new business's web chat is answered ...
    visitor = browser(PHONE)
    visitor.get(base_url + "/chat/salon")
    wait(visitor, lambda d: d.find_element(By.ID, "chat-status").get_attribute("data-state") == "on",
         message="the chat's event stream did not open")
    chat_send(visitor, "Hello, are you open today?")
    wait_for_chat_text(visitor, "business", "We will get back to you shortly")
    # ... and the owner sees the conversation arrive live.
    wait_new_conversation(owner, before)
    assert csp_problems(owner) == [] and csp_problems(visitor) == []

    # The link was used: opening it again says so, and nobody else can take the account.
    again = browser(DESKTOP)
    again.get(base_url + invite_path)
    wait(again, lambda d: "used" in d.find_element(By.ID, "invite-status").text,
         message="a used invite link was not refused")
    assert not again.find_element(By.ID, "invite-form").is_displayed()
    assert_accessible(again, "the invite page of a used link")
