"""Fixtures for the browser tests: the server started by run.sh, headless Chromium drivers,
the output folder, and helpers shared by the tests (log in, send a chat message, wait)."""
import os
import pathlib
import re
import shutil
import time

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

OUTPUT = pathlib.Path(os.environ.get("SB_OUTPUT") or "test-output/browser")
DEMO_EMAIL = os.environ.get("SB_DEMO_EMAIL", "ada@demo.test")
OTHER_EMAIL = os.environ.get("SB_OTHER_EMAIL", "otto@other.test")
PASSWORD = os.environ.get("SB_PASSWORD", "correct horse battery staple")

PHONE = (390, 844)      # a common phone's CSS viewport
DESKTOP = (1280, 900)

# A customer's message that would run script, load an image or bold text if it were HTML.
HOSTILE = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"><b>bold</b> & "quotes"'


def pytest_configure(config):
    config.addinivalue_line("markers", "backend: needs the inbox API and the auth routes")
    config.addinivalue_line("markers", "chat: needs the web chat endpoints (/chat/{workspace}/messages, /events)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "report_" + report.when, report)


@pytest.fixture(scope="session")
def base_url():
    url = os.environ.get("SB_BASE_URL")
    if not url:
        pytest.exit("SB_BASE_URL is not set: run the browser tests with Tests/browser/run.sh", returncode=2)
    return url.rstrip("/")


@pytest.fixture(scope="session")
def output_dir():
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


def _chromedriver():
    return shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium"


@pytest.fixture
def browser(request, output_dir):
    """A factory of headless Chromium drivers (each with a fresh profile: its own cookies
    and localStorage), quit after the test; on failure each saves a screenshot."""
    drivers = []

    def make(size=DESKTOP, language="en-US"):
        options = webdriver.ChromeOptions()
        options.binary_location = _chromium()
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--no-first-run", "--disable-extensions", f"--lang={language}",
                    f"--window-size={size[0]},{size[1]}"):
            options.add_argument(arg)
        # The browser's languages (navigator.languages, Accept-Language), which the pages' strings follow.
        options.add_experimental_option("prefs", {"intl.accept_languages": language})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(executable_path=_chromedriver()), options=options)
        driver.set_page_load_timeout(30)
        set_viewport(driver, size)
        drivers.append(driver)
        return driver

    yield make
    failed = getattr(request.node, "report_call", None)
    for i, driver in enumerate(drivers):
        try:
            if failed is not None and failed.failed:
                (output_dir / "failures").mkdir(exist_ok=True)
                driver.save_screenshot(str(output_dir / "failures" / f"{request.node.name}-{i}.png"))
        except WebDriverException:
            pass
        driver.quit()


def set_viewport(driver, size):
    """Makes the page's viewport (not the window) `size`: headless windows include no chrome,
    but check and correct anyway so width assertions mean what they say."""
    driver.set_window_size(*size)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    if inner and inner[0] and inner[0] != size[0]:
        w, h = driver.get_window_size()["width"], driver.get_window_size()["height"]
        driver.set_window_size(w + size[0] - inner[0], h + size[1] - inner[1])


def wait(driver, condition, timeout=10, message=""):
    """Waits until `condition(driver)` is truthy, ignoring stale elements in between."""
    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=(StaleElementReferenceException,)).until(condition, message)


def visible(driver, css):
    for e in driver.find_elements(By.CSS_SELECTOR, css):
        if e.is_displayed():
            return e
    return None


def csp_problems(driver):
    """Console entries about the Content-Security-Policy or Trusted Types since the last call."""
    try:
        entries = driver.get_log("browser")
    except WebDriverException:
        return []
    return [e["message"] for e in entries
            if re.search(r"Content Security Policy|Trusted ?Type|TrustedHTML|TrustedScript", e["message"])]


# ---- The inbox

def login(driver, base_url, email, workspace, password=PASSWORD):
    """Signs in through the login form and waits for the inbox."""
    driver.get(base_url + "/inbox/")
    wait(driver, lambda d: visible(d, "#login-form"), message="the login form did not appear")
    driver.find_element(By.ID, "login-email").send_keys(email)
    driver.find_element(By.ID, "login-password").send_keys(password)
    ws = driver.find_element(By.ID, "login-workspace")
    ws.send_keys(workspace)
    ws.send_keys(Keys.ENTER)
    wait(driver, lambda d: visible(d, "#app-view") or (d.find_element(By.ID, "login-error").text or None),
         message="neither the inbox nor a login error appeared")
    error = driver.find_element(By.ID, "login-error").text
    assert visible(driver, "#app-view"), f"login as {email} in {workspace} failed: {error}"
    wait(driver, lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "on",
         message="the inbox's event stream did not open")


def conversation_buttons(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#conversation-list button.conv")


def conversation_rows(driver):
    """The conversation list as shown, read in one script (the list re-renders on every
    event): id, name, state badge, unread count, and whether the name holds elements."""
    return driver.execute_script("""
        return Array.from(document.querySelectorAll('#conversation-list button.conv'), (b) => {
            const name = b.querySelector('.conv-name');
            const unread = b.querySelector('.unread');
            const badge = b.querySelector('.badge');
            return {id: b.dataset.id, name: name.textContent, nameElements: name.children.length,
                    state: badge ? badge.textContent : null,
                    unread: unread ? parseInt(unread.textContent, 10) : 0};
        });
    """)


def conversation_ids(driver):
    return {row["id"] for row in conversation_rows(driver)}


def wait_new_conversation(driver, before, state=None, timeout=15):
    """The id of a conversation not in `before` (and in `state`), once it is listed."""
    def find(d):
        for row in conversation_rows(d):
            if row["id"] not in before and (state is None or row["state"] == state):
                return row["id"]
        return None
    return wait(driver, find, timeout, "the conversation did not appear live in the inbox")


def conversation_row(driver, conversation_id):
    return next((r for r in conversation_rows(driver) if r["id"] == conversation_id), None)


def click_conversation(driver, conversation_id):
    """Clicks the conversation's row, again if the list re-rendered under the click."""
    def go(d):
        for b in conversation_buttons(d):
            if b.get_attribute("data-id") == conversation_id:
                b.click()
                return True
        return False
    wait(driver, go, message=f"conversation {conversation_id} is not listed")


def texts(driver, css):
    """The textContent of every element matching `css`, read in one script."""
    return driver.execute_script("return Array.from(document.querySelectorAll(arguments[0]), (e) => e.textContent)", css)


def thread_texts(driver):
    """The texts of the open thread's messages, read in one script (the thread re-renders
    on every event, so element references go stale)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#messages .msg-text'), (e) => e.textContent)")


def open_conversation_id(driver):
    m = re.match(r"^#/c/(.+)$", driver.execute_script("return location.hash"))
    return m.group(1) if m else None


# ---- The chat

def chat_send(driver, text):
    area = driver.find_element(By.ID, "chat-text")
    area.send_keys(text)
    area.send_keys(Keys.ENTER)


def chat_texts(driver, side):
    """The texts shown in the chat: side `visitor` (the visitor's own) or `business`."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#messages .msg-' + arguments[0] + ' .msg-text'), (e) => e.textContent)",
        side)


def wait_for_chat_text(driver, side, fragment, timeout=15):
    try:
        return wait(driver, lambda d: any(fragment in t for t in chat_texts(d, side)), timeout)
    except TimeoutException:
        raise AssertionError(f"no {side} message containing {fragment!r} in the chat; shown: {chat_texts(driver, side)}")


def no_reload_marker(driver):
    """Marks the page so a later check can tell that it was updated live, not reloaded."""
    driver.execute_script("window.__notReloaded = true")


def was_not_reloaded(driver):
    return driver.execute_script("return window.__notReloaded === true")


def now_ms():
    return int(time.time() * 1000)
