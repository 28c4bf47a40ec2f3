"""Accessibility checked by a real engine: axe-core (bundled by the PyPI package
axe-selenium-python; Tests/browser/run.sh installs it into its venv). `assert_accessible`
runs every WCAG 2.0 A and AA and WCAG 2.1 AA rule the bundled axe-core (3.x) has and axe's best practices on the page as it is now,
and fails with axe's own report (rule, impact, the elements) on any violation."""
from axe_selenium_python import Axe

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]},
         "resultTypes": ["violations"]}


def assert_accessible(driver, state):
    """No axe violation on the page in `state` (a few words naming what is shown)."""
    axe = Axe(driver)
    axe.inject()
    driver.set_script_timeout(60)
    results = driver.execute_async_script("""
        const [options, done] = arguments;
        axe.run(document, options).then((r) => done({violations: r.violations}),
                                        (e) => done({error: String((e && e.stack) || e)}));
    """, RULES)
    if results.get("error"):
        raise AssertionError(f"axe could not run on {state}: {results['error']}")
    violations = results.get("violations", [])
    if violations:
        lines = [f"axe: {len(violations)} violation(s) on {state} ({driver.current_url}):"]
        for v in violations:
            lines.append(f"  {v['id']} ({v.get('impact')}): {v['help']}")
            for node in v.get("nodes", [])[:5]:
                lines.append(f"    {' '.join(node.get('target', []))}: {node.get('failureSummary', '').splitlines()[-1] if node.get('failureSummary') else ''}")
        raise AssertionError("\n".join(lines))
    return results
