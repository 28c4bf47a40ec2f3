"""The administration page follows the roles: an agent sees no administration at all; an
admin edits the workspace file (a mistake is refused with its line and nothing changes);
an owner also sees the people and invites someone. axe-core checks the page in each state.

Needs the inbox API and the auth routes (marker `backend`)."""
import os
import subprocess

import pytest
from selenium.webdriver.common.by import By

from axe_check import assert_accessible
from conftest import DEMO_EMAIL, DESKTOP, PASSWORD, csp_problems, login, visible, wait

pytestmark = [pytest.mark.backend]


def add_user(email, role, workspace="demo"):
    done = subprocess.run([os.environ["SB_BIN"], "user", "add", "--config", os.environ["SB_CONFIG"], "--workspace", workspace,
                           "--email", email, "--role", role, "--password-stdin"],
                          input=PASSWORD + "\n", capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 or "already exists" in done.stderr, done.stderr


def open_admin(driver, base_url):
    driver.get(base_url + "/admin/")
    wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-role"),
         message="the administration page did not read who is logged in")


def test_an_agent_sees_no_administration(browser, base_url):
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    open_admin(agent, base_url)
    assert visible(agent, "#admin-denied")
    assert not visible(agent, "#config-section") and not visible(agent, "#team-section")
    assert agent.find_element(By.ID, "config-text").get_attribute("value") == ""
    assert_accessible(agent, "the administration page refused to an agent")
    assert csp_problems(agent) == []


def test_an_admin_edits_settings_and_an_owner_manages_people(browser, base_url):
    add_user("adele@demo.test", "admin")
    add_user("olu@demo.test", "owner")
    admin = browser(DESKTOP)
    login(admin, base_url, "adele@demo.test", "demo")
    open_admin(admin, base_url)
    assert visible(admin, "#config-section") and not visible(admin, "#team-section")
    wait(admin, lambda d: "id: demo" in d.find_element(By.ID, "config-text").get_attribute("value"),
         message="the workspace file did not load")
    original = admin.find_element(By.ID, "config-text").get_attribute("value")
    assert_accessible(admin, "the administration page of an admin")

    # A mistake: refused with the file's line, nothing changed.
    admin.execute_script("document.getElementById('config-text').value = arguments[0]", original + "\nfallbak: typo\n")
    admin.find_element(By.ID, "config-save").click()
    wait(admin, lambda d: "Not saved" in d.find_element(By.ID, "config-result").text, message="the mistake was not refused")
    assert "demo.yaml:" in admin.find_element(By.ID, "config-result").text
    assert_accessible(admin, "the workspace file refused with its line")

    # A good edit is applied.
    admin.execute_script("document.getElementById('config-text').value = arguments[0]", original + "\n# edited in the page\n")
    admin.find_element(By.ID, "config-save").click()
    wait(admin, lambda d: "Saved and applied" in d.find_element(By.ID, "config-result").text, message="the edit was not applied")
    assert_accessible(admin, "the workspace file saved")

    owner = browser(DESKTOP)
    login(owner, base_url, "olu@demo.test", "demo")
    open_admin(owner, base_url)
    assert visible(owner, "#config-section") and visible(owner, "#team-section")
    wait(owner, lambda d: DEMO_EMAIL in d.find_element(By.ID, "users").text, message="the people did not load")
    assert_accessible(owner, "the administration page of an owner, with the people")
    owner.find_element(By.ID, "invite-email").send_keys("new.agent@demo.test")
    owner.find_element(By.ID, "invite-submit").click()
    wait(owner, lambda d: "/invite/" in d.find_element(By.ID, "invite-result").text, message="no invite link")
    assert_accessible(owner, "the administration page with an invite link")
    assert csp_problems(admin) == [] and csp_problems(owner) == []
