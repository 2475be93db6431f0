"""The drafter's workbench in a real browser: Debian's chromium driven by selenium (chromium-driver)
against `lexgraph serve` on a loopback port. Screenshots go to tests/artifacts/ (gitignored).
Under CI=true a missing browser fails the run; elsewhere these tests are skipped without one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from lexgraph.compliance.lexer import LexgraphLexer
from lexgraph.compliance.workbench.law import search, zh_to_int
from pygments.token import Error
from test_service import TOKEN, _serve  # the real `lexgraph serve` on a loopback port

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
EXAMPLE = json.loads((ROOT / "examples" / "engineer_pr.json").read_text(encoding="utf-8"))


def _chromium() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _serve(tmp_path_factory.mktemp("workbench"), extra=("--new-laws-per-minute", "10000")) as srv:
        yield srv.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    found = _chromium()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "CI needs Debian's chromium and chromium-driver for the workbench tests (.ci/run installs them)"
            )
        pytest.skip("chromium / chromedriver not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--disable-gpu",
        "--lang=zh-CN",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(found[1]), options=options)
    driver.set_page_load_timeout(60)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: Any, condition: Any, seconds: float = 30) -> Any:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # a page that is being replaced by the next one answers with stale elements: look again
    return WebDriverWait(
        driver, seconds, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
    ).until(condition)


def _shot(driver: Any, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000


def test_find_the_z_visa_article(server: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    assert "外国人入境出境管理条例" in browser.page_source
    box = browser.find_element(By.ID, "search-q")
    box.send_keys("条例 第六条")
    box.submit()
    _wait(browser, lambda d: "/law/entry_exit_regulations/6" in d.current_url)
    heading = browser.find_element(By.ID, "article-heading").text
    assert "第六条" in heading
    lines = browser.find_elements(By.CSS_SELECTOR, ".lawtext .item .zh")
    assert len(lines) == 12 and lines[11].text.startswith("(十二)Z字签证")  # each item on its own line
    rule = browser.find_element(By.ID, "rule-entry_exit_regulations-art_6__para_1__item_12")
    assert "z_visa" in rule.text and "conclude" in rule.text  # the rule's DSL source, highlighted
    assert rule.find_elements(By.CSS_SELECTOR, ".highlight .k, .highlight .kd")
    assert browser.find_elements(By.CSS_SELECTOR, "figure.graph svg text")
    _shot(browser, "law-article-6")
    browser.execute_script("arguments[0].scrollIntoView();", rule)
    _shot(browser, "law-article-6-z-visa-rule")


def test_decide_and_fill_a_missing_fact(server: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import Select

    browser.get(server + "/decide")
    application = {k: v for k, v in EXAMPLE.items() if k != "applicant"}
    application["applicant"] = {k: v for k, v in EXAMPLE["applicant"].items() if k != "health_ok"}
    browser.find_element(By.CSS_SELECTOR, "details summary").click()
    browser.find_element(By.ID, "json").send_keys(json.dumps(application))
    browser.find_element(By.ID, "decide").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#result .permit"))
    pr = browser.find_element(By.ID, "permit-permanent_residence")
    assert "undetermined" in pr.find_element(By.CSS_SELECTOR, ".outcome").text
    # the form now shows the application, field by field
    assert browser.find_element(By.ID, "f-applicant.nationality").get_attribute("value") == "DEU"
    fill = pr.find_element(By.ID, "fill-permanent_residence-applicant.health_ok")
    _shot(browser, "decide-missing")
    Select(fill).select_by_value("true")
    pr.find_element(By.CSS_SELECTOR, "button.again").click()
    _wait(browser, lambda d: not d.find_elements(By.ID, "fill-permanent_residence-applicant.health_ok"))
    assert browser.find_element(By.ID, "f-applicant.health_ok").get_attribute("value") == "true"
    # any fact the law still needs is offered the same way: fill each in until the answer is decided
    for _ in range(5):
        pr = browser.find_element(By.ID, "permit-permanent_residence")
        fields = pr.find_elements(By.CSS_SELECTOR, ".missing select, .missing input")
        if not fields:
            break
        for field in fields:
            if field.tag_name == "select":
                Select(field).select_by_index(len(Select(field).options) - 1)
            else:
                field.send_keys("0")
        pr.find_element(By.CSS_SELECTOR, "button.again").click()
        _wait(browser, staleness_of(pr))  # the answer page replaced this one
    outcome = browser.find_element(By.CSS_SELECTOR, "#permit-permanent_residence .outcome").text
    assert outcome in ("eligible", "ineligible")
    assert not browser.find_elements(By.CSS_SELECTOR, "#permit-permanent_residence .missing")
    _shot(browser, "decide-decided")


def _impact(browser: Any, server: str, pass_mark: int) -> dict[str, int]:
    from selenium.webdriver.common.by import By

    browser.get(server + f"/amend?amendment=independent_application&set.pass_mark={pass_mark}&size=3000")
    assert "修改对照表" in browser.page_source and browser.find_element(By.ID, "diff").text
    browser.find_element(By.ID, "run-impact").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#impact-table tr[data-permit]"), 120)
    assert (
        browser.find_element(By.ID, "impact-bar").get_attribute("value") == "3000"
    )  # the progress reached the end
    row = browser.find_element(By.CSS_SELECTOR, '#impact-table tr[data-permit="permanent_residence"]')
    return {
        k: int(row.find_element(By.CSS_SELECTOR, f"td.{k}").text)
        for k in ("before", "after", "gained", "lost")
    }


def test_pass_mark_moves_the_impact(server: str, browser: Any) -> None:
    low = _impact(browser, server, 15)
    _shot(browser, "impact-pass-mark-15")
    high = _impact(browser, server, 60)
    _shot(browser, "impact-pass-mark-60")
    assert low["before"] == high["before"]  # the baseline does not move
    assert low["gained"] > high["gained"] and low["after"] > high["after"]


def test_open_and_verify_a_logged_decision(server: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    answer = httpx.post(f"{server}/v1/decisions", json=EXAMPLE, timeout=30)
    assert answer.status_code == 200
    decision_id = answer.headers.get("x-decision-id") or answer.json().get("decision_id")
    if not decision_id:
        found = httpx.get(
            f"{server}/v1/decisions",
            params={"application_id": EXAMPLE["id"]},
            headers={"authorization": f"Bearer {TOKEN}"},
            timeout=30,
        ).json()
        decision_id = found["decisions"][-1]["decision_id"]
    browser.get(server + "/audit")
    browser.find_element(By.ID, "decision-id").send_keys(decision_id)
    browser.find_element(By.ID, "open").click()
    _wait(browser, lambda d: d.find_elements(By.ID, "told"))
    assert "在中国永久居留资格" in browser.find_element(By.ID, "told").text
    browser.find_element(By.ID, "verify").click()
    result = _wait(browser, lambda d: d.find_elements(By.ID, "verify-result"))[0]
    assert "Chain intact" in result.text
    browser.find_element(By.ID, "replay").click()
    replayed = _wait(browser, lambda d: d.find_elements(By.ID, "replay-result"))[0]
    assert "Replay matches" in replayed.text
    _shot(browser, "audit-verified")


def test_pages_answer_bad_input_with_4xx(server: str) -> None:
    assert httpx.get(f"{server}/law/nowhere/3").status_code == 404
    assert httpx.get(f"{server}/?as_of=yesterday").status_code == 422
    bad = httpx.post(
        f"{server}/decide",
        content="json=%7Bnot json",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert bad.status_code == 422 and "json:1:2" in bad.text
    assert httpx.get(f"{server}/audit", params={"application_id": "x", "token": "wrong"}).status_code == 401
    form = {"content-type": "application/x-www-form-urlencoded"}
    assert (
        httpx.post(
            f"{server}/amend/impact", content="amendment=independent_application&size=0", headers=form
        ).status_code
        == 422
    )
    assert (
        httpx.post(f"{server}/amend/impact", content="amendment=nowhere&size=10", headers=form).status_code
        == 422
    )
    assert (
        httpx.post(
            f"{server}/amend/impact",
            content="amendment=independent_application&size=10&set.pass_mark=x",
            headers=form,
        ).status_code
        == 422
    )
    assert (
        httpx.get(f"{server}/docs").status_code == 200
        and "cdn" not in httpx.get(f"{server}/docs").text.lower()
    )


def test_citation_search_and_lexer() -> None:
    from lexgraph.api import load_law

    assert [zh_to_int(t) for t in ("六", "十二", "四十七", "一百零三", "21")] == [6, 12, 47, 103, 21]
    context = load_law()
    assert [h["href"] for h in search(context, "第四十七条")] == ["/law/exit_entry_law/47"]
    assert any(
        h["anchor"] == "#rule-entry_exit_regulations-art_6__para_1__item_12"
        for h in search(context, "z_visa")
    )
    for source in context.law.sources:  # the lexer reads every source of the corpus without an error token
        assert not [v for t, v in LexgraphLexer().get_tokens(source.text) if t is Error], source.path


def test_decide_format_html_is_the_proof_tree(tmp_path: Path) -> None:
    page, application = tmp_path / "decision.html", tmp_path / "application.json"
    unknown_health = {
        **EXAMPLE,
        "applicant": {k: v for k, v in EXAMPLE["applicant"].items() if k != "health_ok"},
    }
    application.write_text(json.dumps(unknown_health), encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "lexgraph.compliance.cli",
            "decide",
            str(application),
            "--format",
            "html",
            "-o",
            str(page),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    text = page.read_text(encoding="utf-8")
    for permit in ("permanent_residence", "work_permit", "z_visa"):
        assert f'id="permit-{permit}"' in text
    assert "依据 Why" in text and "未满足 Why not" in text
    assert "缺少的事实 Missing facts" in text and "<code>applicant.health_ok</code>" in text
    assert "<style>" in text and "http" not in text.split("<body>")[0]  # self-contained: no external asset


def test_upload_an_amendment_with_the_token(server: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    source = (ROOT / "tests" / "service" / "fast_track.lex").read_text(encoding="utf-8")
    browser.get(server + "/amend")
    browser.find_element(By.CSS_SELECTOR, "#upload summary").click()
    browser.execute_script("document.getElementById('upload-source').value = arguments[0];", source)
    browser.find_element(By.ID, "upload-token").send_keys("not-the-token")
    browser.find_element(By.ID, "upload-button").click()
    _wait(browser, lambda d: d.find_element(By.ID, "upload-result").text.startswith("401"))
    token = browser.find_element(By.ID, "upload-token")
    token.clear()
    token.send_keys(TOKEN)
    browser.find_element(By.ID, "upload-button").click()
    _wait(browser, lambda d: "amendment=fast_track" in d.current_url)
    assert "fast_track" in browser.find_element(By.ID, "diff").text
    assert browser.find_element(By.ID, "set-min_years_in_post").get_attribute("value") == "3"
    _shot(browser, "amend-uploaded")


def test_impact_streams_its_progress_with_two_workers(tmp_path: Path) -> None:
    with (
        _serve(tmp_path, workers=2) as srv,
        httpx.stream(
            "POST",
            f"{srv.url}/amend/impact",
            timeout=120,
            content="amendment=independent_application&size=4000&seed=3&set.pass_mark=70",
            headers={"content-type": "application/x-www-form-urlencoded"},
        ) as answer,
    ):
        assert answer.status_code == 200
        states = [json.loads(line) for line in answer.iter_lines() if line.strip()]
    assert states[0]["status"] == "queued" and states[-1]["status"] == "done"
    assert len({s["done"] for s in states}) >= 3  # progress, not just a start and an end
    assert 'data-applicants="4000"' in states[-1]["html"]
