"""Templates and media in the inbox, as an agent uses them: a template sent after the
customer's 24-hour window closed, a template whose header is the agent's picture, a
customer's picture shown in the thread, a document sent (and a file WhatsApp does not take
refused with the reason). axe-core checks the template panel and the composer in each state. The customer writes
through signed webhooks; the fake Graph API (fake_graph.py) lists the templates, serves
the picture, takes the upload and records what was sent.

Needs the inbox API and the auth routes (marker `backend`)."""
import hashlib
import json
import os
import sqlite3
import tempfile
import time
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from axe_check import assert_accessible
from conftest import DEMO_EMAIL, DESKTOP, click_conversation, conversation_ids, login, thread_texts, visible, wait, wait_new_conversation
from fake_graph import png
from test_inbox_whatsapp import GRAPH, customer_writes, new_customer, post_webhook

pytestmark = pytest.mark.backend

DATABASE = os.environ.get("SB_DATABASE", "")


def graph(path):
    with urllib.request.urlopen(GRAPH + path, timeout=5) as r:
        return json.load(r)


def wait_graph(what, condition, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        found = [m for m in graph(what) if condition(m)]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"the fake Graph API has nothing matching in {what}: {graph(what)}")


def open_new_conversation(agent, base_url, customer, text):
    before = conversation_ids(agent)
    customer_writes(base_url, customer, "Ngozi", text)
    conversation = wait_new_conversation(agent, before)
    click_conversation(agent, conversation)
    wait(agent, lambda d: text in thread_texts(d))
    return conversation


def test_a_template_is_sent_after_the_window_closed(browser, base_url, output_dir):
    assert GRAPH and DATABASE, "SB_GRAPH_URL and SB_DATABASE are not set: run Tests/browser/run.sh"
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    customer = new_customer()
    conversation = open_new_conversation(agent, base_url, customer, "Please tell me when my cake is ready")
    # Two days pass without a word from the customer.
    with sqlite3.connect(DATABASE, timeout=10) as db:
        db.execute("UPDATE conversations SET last_inbound_at = ? WHERE id = ?",
                   (int((time.time() - 2 * 86400) * 1000), conversation))
    agent.refresh()
    wait(agent, lambda d: "Please tell me when my cake is ready" in thread_texts(d))
    wait(agent, lambda d: "template-needed" in (d.find_element(By.ID, "composer-template").get_attribute("class") or ""),
         message="the Template button is not offered after the window closed")

    # Free text is refused, and the template panel opens by itself.
    area = agent.find_element(By.ID, "composer-text")
    area.send_keys("Your cake is ready!")
    area.send_keys(Keys.ENTER)
    wait(agent, lambda d: "24-hour window is closed" in d.find_element(By.ID, "composer-error").text)
    wait(agent, lambda d: d.find_element(By.ID, "template-panel").is_displayed(), message="the template panel did not open")
    assert_accessible(agent, "the composer refusing free text after the window closed")
    select = Select(agent.find_element(By.ID, "template-select"))
    wait(agent, lambda d: len(Select(d.find_element(By.ID, "template-select")).options) == 2)
    names = [o.text for o in select.options]
    assert any(n.startswith("order_ready (en_US)") for n in names) and any(n.startswith("cake_photo (en_US)") for n in names)
    assert not any("holiday_hours" in n for n in names)   # the paused one is not offered
    select.select_by_visible_text(next(n for n in names if n.startswith("order_ready")))
    wait(agent, lambda d: "{{1}}" in d.find_element(By.ID, "template-preview").text)
    assert_accessible(agent, "the template panel")

    # A missing parameter is caught before anything is sent.
    agent.find_element(By.ID, "template-body-1").send_keys("Ngozi")
    agent.find_element(By.ID, "template-send").click()
    wait(agent, lambda d: "Fill in {{2}}" in d.find_element(By.ID, "template-error").text)
    assert_accessible(agent, "the template panel with a missing parameter")
    agent.find_element(By.ID, "template-body-2").send_keys("#2041")
    agent.save_screenshot(str(output_dir / "inbox-template-panel.png"))
    agent.find_element(By.ID, "template-send").click()

    sent = wait_graph("/_sent", lambda m: m["to"] == customer and m["type"] == "template")
    assert sent["template"]["name"] == "order_ready"
    assert [p["text"] for p in sent["template"]["components"][0]["parameters"]] == ["Ngozi", "#2041"]
    wait(agent, lambda d: "Hi Ngozi, your order #2041 is ready for pickup." in thread_texts(d),
         message="the template is not in the thread")
    assert not agent.find_element(By.ID, "template-panel").is_displayed()
    assert_accessible(agent, "the thread with the template sent")
    agent.save_screenshot(str(output_dir / "inbox-template-sent.png"))


def test_a_template_with_an_image_header_is_sent_with_the_agents_picture(browser, base_url, output_dir):
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    customer = new_customer()
    open_new_conversation(agent, base_url, customer, "Can I see my cake before I come?")
    agent.find_element(By.ID, "composer-template").click()
    wait(agent, lambda d: d.find_element(By.ID, "template-panel").is_displayed(), message="the template panel did not open")
    wait(agent, lambda d: len(Select(d.find_element(By.ID, "template-select")).options) == 2)
    select = Select(agent.find_element(By.ID, "template-select"))
    select.select_by_visible_text(next(o.text for o in select.options if o.text.startswith("cake_photo")))
    picker = wait(agent, lambda d: visible(d, "#template-header-file"), message="no file picker for the image header")
    assert "image/jpeg" in picker.get_attribute("accept") and "image/png" in picker.get_attribute("accept")
    assert "5 MB" in agent.find_element(By.ID, "template-header-hint").text
    assert_accessible(agent, "the template panel asking for a header image")

    # Without its picture, the template is not sent.
    agent.find_element(By.ID, "template-body-1").send_keys("Ngozi")
    agent.find_element(By.ID, "template-send").click()
    wait(agent, lambda d: "needs its image" in d.find_element(By.ID, "template-error").text,
         message="a missing header image was not caught")
    assert_accessible(agent, "the template panel missing its header image")
    assert not [m for m in graph("/_sent") if m["to"] == customer and m["type"] == "template"]

    folder = tempfile.mkdtemp()
    picture = os.path.join(folder, "cake.png")
    data = png(64, 48, (250, 200, 210))
    with open(picture, "wb") as f:
        f.write(data)
    agent.find_element(By.ID, "template-header-file").send_keys(picture)
    agent.save_screenshot(str(output_dir / "inbox-template-image-header.png"))
    agent.find_element(By.ID, "template-send").click()
    upload = wait_graph("/_uploads", lambda u: u["sha256"] == hashlib.sha256(data).hexdigest())
    assert upload["mime_type"] == "image/png"
    sent = wait_graph("/_sent", lambda m: m["to"] == customer and m["type"] == "template")
    assert sent["template"]["name"] == "cake_photo"
    header = next(c for c in sent["template"]["components"] if c["type"] == "header")
    assert header["parameters"][0]["type"] == "image"
    assert header["parameters"][0]["image"]["id"] == upload["id"]
    wait(agent, lambda d: "Here is your cake, Ngozi!" in thread_texts(d), message="the template is not in the thread")
    assert agent.find_element(By.ID, "template-error").text == ""
    assert_accessible(agent, "the thread with the image template sent")


def test_an_image_the_customer_sent_is_shown(browser, base_url, output_dir):
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    customer = new_customer()
    conversation = open_new_conversation(agent, base_url, customer, "Can you make this cake?")
    post_webhook(base_url, {
        "contacts": [{"profile": {"name": "Ngozi"}, "wa_id": customer}],
        "messages": [{"from": customer, "id": f"wamid.IMG{int(time.time() * 1000)}", "timestamp": str(int(time.time())),
                      "type": "image", "image": {"id": "770001", "mime_type": "image/png", "caption": "like this one"}}]})
    click_conversation(agent, conversation)
    wait(agent, lambda d: "like this one" in thread_texts(d))
    image = wait(agent, lambda d: d.execute_script("""
        const img = document.querySelector('#messages .msg-in img.msg-image');
        return img && img.complete && img.naturalWidth > 0 ? [img.naturalWidth, img.naturalHeight, img.alt] : null;
    """), timeout=15, message="the customer's image is not shown")
    assert image[:2] == [160, 120]
    assert "like this one" in image[2]
    assert_accessible(agent, "the thread with the customer's image")
    agent.save_screenshot(str(output_dir / "inbox-image-received.png"))


def test_a_document_is_sent_and_a_wrong_type_is_refused(browser, base_url, output_dir):
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    customer = new_customer()
    open_new_conversation(agent, base_url, customer, "Send me your price list please")
    folder = tempfile.mkdtemp()
    gif = os.path.join(folder, "dance.gif")
    with open(gif, "wb") as f:
        f.write(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    pdf = os.path.join(folder, "price-list.pdf")
    with open(pdf, "wb") as f:
        f.write(b"%PDF-1.4\n% Mama Titi Bakery prices\n" + b"0" * 2000 + b"\n%%EOF\n")

    assert_accessible(agent, "the composer with Attach")
    file_input = agent.find_element(By.ID, "composer-file")
    file_input.send_keys(gif)
    wait(agent, lambda d: "image/gif" in d.find_element(By.ID, "composer-error").text,
         message="the GIF was not refused with its reason")
    assert_accessible(agent, "the composer refusing a file type")
    assert "image/jpeg" in agent.find_element(By.ID, "composer-error").text   # what is accepted
    assert not [u for u in graph("/_uploads") if u["filename"] == "dance.gif"]

    agent.find_element(By.ID, "composer-file").send_keys(pdf)
    upload = wait_graph("/_uploads", lambda u: u["filename"] == "price-list.pdf")
    assert upload["mime_type"] == "application/pdf"
    sent = wait_graph("/_sent", lambda m: m["to"] == customer and m["type"] == "document")
    assert sent["document"]["id"] == upload["id"]
    assert sent["document"]["filename"] == "price-list.pdf"
    link = wait(agent, lambda d: d.execute_script("""
        const a = document.querySelector('#messages .msg-out a.msg-document');
        return a ? [a.textContent, a.getAttribute('href')] : null;
    """), message="the document is not in the thread")
    assert "price-list.pdf" in link[0]
    assert link[1].startswith("/api/v1/messages/") and link[1].endswith("/media")
    assert agent.find_element(By.ID, "composer-error").text == ""
    assert_accessible(agent, "the thread with a document sent")
    agent.save_screenshot(str(output_dir / "inbox-document-sent.png"))


def test_files_over_the_limits_are_refused_with_the_limit_named(browser, base_url, output_dir):
    """WhatsApp's 5 MB for an image is said at once, in the page; a document over the host's
    media.max_upload_bytes (8 MiB in run.sh) is refused by the server before it reads the file,
    and the inbox shows the server's reason."""
    agent = browser(DESKTOP)
    login(agent, base_url, DEMO_EMAIL, "demo")
    customer = new_customer()
    open_new_conversation(agent, base_url, customer, "Send me the big catalogue please")
    folder = tempfile.mkdtemp()
    big_png = os.path.join(folder, "huge-cake.png")
    with open(big_png, "wb") as f:
        f.write(png(8, 8, (1, 2, 3)) + b"\0" * (6 * 1024 * 1024))
    agent.find_element(By.ID, "composer-file").send_keys(big_png)
    wait(agent, lambda d: "5 MB" in d.find_element(By.ID, "composer-error").text,
         message="the image over WhatsApp's 5 MB was not refused with the limit")
    assert "huge-cake.png" in agent.find_element(By.ID, "composer-error").text

    catalogue = os.path.join(folder, "catalogue.pdf")
    with open(catalogue, "wb") as f:
        f.write(b"%PDF-1.4\n" + b"0" * (9 * 1024 * 1024))
    agent.find_element(By.ID, "composer-file").send_keys(catalogue)
    wait(agent, lambda d: "media.max_upload_bytes" in d.find_element(By.ID, "composer-error").text, timeout=30,
         message="the server's refusal of a file over media.max_upload_bytes is not shown")
    assert "8 MB" in agent.find_element(By.ID, "composer-error").text
    assert_accessible(agent, "the composer refusing a file over the host's limit")
    agent.save_screenshot(str(output_dir / "inbox-upload-too-large.png"))
    assert not [u for u in graph("/_uploads") if u["filename"] in ("huge-cake.png", "catalogue.pdf")]
