"""The setup walk's connect step: an admin connects a WhatsApp Cloud API number from the
page, without anyone touching the server. A token Meta refuses is refused on the page
with Meta's error (nothing saved); the right one is saved and the number works at once:
it is listed as working, its token shown masked, and a customer who writes to it is
answered. Keyboard only; axe-core checks the step in each state.

Needs the inbox API and the setup walk (marker `backend`)."""
import hashlib
import hmac
import json
import os
import random
import time
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from axe_check import assert_accessible
from conftest import DESKTOP, csp_problems, login, wait

pytestmark = pytest.mark.backend

APP = os.environ.get("SB_WA_APP", "browser")
APP_SECRET = os.environ.get("SB_WA_APP_SECRET", "browser-test-app-secret")
GRAPH = os.environ.get("SB_GRAPH_URL", "")
NEW_NUMBER = "106540352242777"


def customer_writes(base_url, number, wa_id, text):
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [
        {"field": "messages", "value": {"messaging_product": "whatsapp",
                                        "metadata": {"display_phone_number": "15550783777", "phone_number_id": number},
                                        "contacts": [{"profile": {"name": "Kemi"}, "wa_id": wa_id}],
                                        "messages": [{"from": wa_id, "id": f"wamid.IN{random.getrandbits(64):016x}",
                                                      "timestamp": str(int(time.time())), "type": "text",
                                                      "text": {"body": text}}]}}]}]}).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"{base_url}/webhooks/whatsapp/{APP}", data=body, method="POST", headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": signature})
    with urllib.request.urlopen(request, timeout=10) as r:
        assert r.status == 200


def sent_from(number, wa_id):
    with urllib.request.urlopen(GRAPH + "/_sent", timeout=5) as r:
        return [m for m in json.load(r) if m["to"] == wa_id and m.get("phone_number_id") == number]


def test_an_admin_connects_a_cloud_api_number_from_the_walk_and_it_answers_at_once(browser, base_url):
    admin_email = os.environ.get("SB_DEMO_ADMIN_EMAIL", "ava@demo.test")
    admin = browser(DESKTOP)
    login(admin, base_url, admin_email, "demo")
    admin.get(base_url + "/setup/")
    wait(admin, lambda d: d.find_elements(By.CSS_SELECTOR, '#setup-steps button[data-step="channel"]'),
         message="the walk did not show its steps")
    admin.find_element(By.CSS_SELECTOR, '#setup-steps button[data-step="channel"]').send_keys(Keys.ENTER)
    wait(admin, lambda d: d.find_element(By.ID, "step-channel").is_displayed(), message="the channel step did not open")
    wait(admin, lambda d: d.find_elements(By.CSS_SELECTOR, '#connect-app option[value="browser"]'),
         message="the host's Meta app is not offered")
    assert "/webhooks/whatsapp/browser" in admin.find_element(By.ID, "connect-app-hint").text
    assert_accessible(admin, "the connect form")

    # A token Meta refuses: said on the page, nothing saved.
    admin.find_element(By.ID, "connect-number").send_keys(NEW_NUMBER)
    admin.find_element(By.ID, "connect-token").send_keys("EAAG-expired-token-0000")
    admin.find_element(By.ID, "connect-token").send_keys(Keys.ENTER)
    wait(admin, lambda d: "refused the access token" in d.find_element(By.ID, "connect-error").text, timeout=15,
         message="a refused token was not said on the page")
    assert "Invalid OAuth access token" in admin.find_element(By.ID, "connect-error").text
    assert not admin.find_elements(By.CSS_SELECTOR, f'#channel-list li[data-channel="demo-whatsapp"]')
    assert_accessible(admin, "a refused connection")

    # The right token: saved, started, listed as working with the token masked.
    token = admin.find_element(By.ID, "connect-token")
    token.clear()
    token.send_keys("browser-test-access-token")
    token.send_keys(Keys.ENTER)
    wait(admin, lambda d: "Connected: demo-whatsapp" in d.find_element(By.ID, "connect-done").text, timeout=15,
         message="the number was not connected")
    assert admin.find_element(By.ID, "connect-error").text == ""
    assert admin.find_element(By.ID, "connect-token").get_attribute("value") == ""
    wait(admin, lambda d: d.find_elements(By.CSS_SELECTOR, '#channel-list li[data-channel="demo-whatsapp"] .own'),
         message="the connected number is not listed as the workspace's own")
    item = admin.find_element(By.CSS_SELECTOR, '#channel-list li[data-channel="demo-whatsapp"]')
    assert "••••oken" in item.text and "browser-test-access-token" not in admin.page_source
    assert admin.find_element(By.CSS_SELECTOR, '#setup-steps button[data-step="channel"]').get_attribute("data-state") == "done"
    assert_accessible(admin, "a connected number")
    assert csp_problems(admin) == []

    # A customer writes to the new number: answered from it, by the running host.
    customer = "234803" + "".join(random.choice("0123456789") for _ in range(7))
    customer_writes(base_url, NEW_NUMBER, customer, "When are you open?")
    end = time.time() + 15
    while time.time() < end and not sent_from(NEW_NUMBER, customer):
        time.sleep(0.2)
    replies = sent_from(NEW_NUMBER, customer)
    assert replies and "8am to 7pm" in (replies[0]["text"] or ""), replies
