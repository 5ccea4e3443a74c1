"""The station directory does not jump when its finder appears: the finder
(and the map button) take their place from the first paint, so a rider who
starts reading or tapping the list is not moved down by them."""

from __future__ import annotations

import pytest

SHIFTS = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 500);
})"""


@pytest.mark.parametrize("width", [375, 1280])
def test_the_directory_does_not_shift_when_the_finder_appears(demo_site, open_tab, width):
    tab = open_tab(viewport={"width": width, "height": 800})
    tab.page.goto(demo_site.url + "stations/")
    tab.page.wait_for_selector("#finder:not([hidden])")
    tab.page.wait_for_selector("#map-section:not([hidden])")
    assert tab.page.evaluate(SHIFTS) < 0.001
    assert tab.page.locator("#finder-locate").is_visible()
    assert tab.csp_violations() == []


def test_without_javascript_the_finder_stays_hidden(demo_site, open_tab):
    tab = open_tab(java_script_enabled=False)
    tab.page.goto(demo_site.url + "stations/")
    assert not tab.page.locator("#finder-locate").is_visible()
    assert not tab.page.locator("#map-show").is_visible()
