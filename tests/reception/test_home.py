"""The home page keeps field reports first, then offers citizen reception and business consultation."""


def test_home_tiles_after_reports(client):
    client.set_cookie("lang", "vi")
    html = client.get("/").get_data(as_text=True)
    report, reception, business = (html.index(f'id="action-{name}"') for name in ("report", "reception", "business"))
    assert report < reception < business
    assert 'href="/reception/"' in html and 'href="/business/"' in html
    assert "Tiếp công dân" in html and "Tham vấn doanh nghiệp" in html
